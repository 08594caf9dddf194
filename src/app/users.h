// Use cases: managing users (G-3). Routes admit only admins; the CLI acts as
// the "system" principal.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"
#include "core/user.h"

namespace atiende {

struct NewUser {
  std::string username;
  std::string role;           // a RoleName
  std::string customer_code;  // required for (and only for) role "customer"
  std::string password;
  // The desks a staff user works in: required but for an admin (none: every
  // desk). For a customer user, at most one: the desk its customer code is
  // looked up in (codes are unique per desk); its desk is its customer's.
  std::vector<std::string> desks{};
};

// Errors (kInvalidArgument naming the field): bad username, unknown role,
// customer code missing for a customer user or given for staff, password
// policy, no desk for a staff user but an admin ("desks"), an unknown desk. kNotFound (field
// customer) for an unknown customer code; kAlreadyExists for a taken username.
Result<User> AddUser(Deps& d, const Principal& actor, const NewUser& in);
// Sets a new password. kNotFound for an unknown user.
Status SetPassword(Deps& d, const Principal& actor, std::string_view username,
                   std::string_view password);
Result<std::vector<User>> ListUsers(Deps& d);

}  // namespace atiende
