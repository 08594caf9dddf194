// User: a person or integration that signs in (G-3). A `customer` user belongs
// to exactly one customer (its company) and sees only that company's data.
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/role.h"
#include "core/status.h"

namespace atiende {

struct User {
  int64_t id = 0;
  std::string username;  // 1..64 of [a-z0-9._@-], case-folded
  Role role = Role::kAgent;
  std::optional<int64_t> customer_id;  // set iff role == kCustomer
  std::string password_hash;           // argon2id encoded string; never logged
  bool disabled = false;
  TimePoint created_at{};
  // The desks a staff user works in, sorted. A customer user's desk is its
  // customer's; an admin with none works in every desk.
  std::vector<std::string> desks{};
};

// Who is making a request, once authenticated.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kAgent;
  std::optional<int64_t> customer_id;
  // The desks the user works in (User::desks; a customer user's one desk);
  // empty for an admin of every desk and for the system.
  std::vector<std::string> desks{};
  // The desk this request acts in, chosen from `desks` (docs/desks.md);
  // "" for the system, acting across desks.
  std::string desk{};
};

// Lowercases and checks a username. kInvalidArgument (field "username") when
// empty, longer than 64 bytes or with characters outside [a-z0-9._@-].
Result<std::string> NormalizeUsername(std::string_view name);

// kInvalidArgument (field "password") when shorter than 8 or longer than 256 bytes.
Status CheckPasswordPolicy(std::string_view password);

}  // namespace atiende
