// Users and their sign-in credentials (G-3). Reached from a transaction
// (store.h): `tx.users()`, `tx.credentials()`.
// Thread-safety: as the transaction that hands them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/user.h"

namespace atiende {

// A sign-in credential: a browser session, an API token, or a phone system's
// token (kind "pbx", docs/telephony.md). Only a hash of the secret is stored.
struct Credential {
  std::string token_hash;  // hex SHA-256 of the secret
  int64_t user_id = 0;     // 0 for a "pbx" token, which belongs to no user
  std::string kind;        // "session", "api" or "pbx"
  TimePoint created_at{};
  TimePoint expires_at{};
  // The public handle an admin lists and revokes it by (never the secret or
  // its hash); set by Insert, never reused.
  int64_t id = 0;
  // A "pbx" token's desk: the one desk whose call events it may post. "" for
  // the other kinds.
  std::string desk{};
};

class UserReader {
 public:
  virtual ~UserReader() = default;
  // kNotFound when absent.
  virtual Result<User> Get(int64_t id) = 0;
  virtual Result<User> GetByName(std::string_view username) = 0;
  // By username.
  virtual Result<std::vector<User>> List() = 0;
};

class UserWriter : public UserReader {
 public:
  // Sets u.id. kAlreadyExists (field "username") when taken.
  virtual Status Insert(User& u) = 0;
  // Writes role, customer, password hash and disabled. kNotFound when absent.
  virtual Status Update(const User& u) = 0;
};

class CredentialReader {
 public:
  virtual ~CredentialReader() = default;
  // kNotFound when no credential has this hash.
  virtual Result<Credential> Get(std::string_view token_hash) = 0;
  // kNotFound when no credential has this id.
  virtual Result<Credential> GetById(int64_t id) = 0;
  // The credentials that have not expired at `now`, oldest (smallest id)
  // first: of one user when user_id is set, of one kind when kind is not "".
  virtual Result<std::vector<Credential>> List(std::optional<int64_t> user_id,
                                               std::string_view kind, TimePoint now) = 0;
};

class CredentialWriter : public CredentialReader {
 public:
  // Sets c.id.
  virtual Status Insert(Credential& c) = 0;
  // No error when absent.
  virtual Status Delete(std::string_view token_hash) = 0;
  virtual Status DeleteExpired(TimePoint now) = 0;
  // Deletes the user's credentials of `kind` (every kind when ""), but the one
  // whose hash is `keep` (none when ""). Returns how many were deleted.
  virtual Result<int64_t> DeleteOfUser(int64_t user_id, std::string_view kind,
                                       std::string_view keep) = 0;
};

}  // namespace atiende
