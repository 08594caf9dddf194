// Users and their sign-in credentials (G-3). Reached from a transaction
// (store.h): `tx.users()`, `tx.credentials()`.
// Thread-safety: as the transaction that hands them out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/user.h"

namespace atiende {

// A sign-in credential: a browser session or an API token. Only a hash of the
// secret is stored.
struct Credential {
  std::string token_hash;  // hex SHA-256 of the secret
  int64_t user_id = 0;
  std::string kind;  // "session" or "api"
  TimePoint created_at{};
  TimePoint expires_at{};
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
};

class CredentialWriter : public CredentialReader {
 public:
  virtual Status Insert(const Credential& c) = 0;
  // No error when absent.
  virtual Status Delete(std::string_view token_hash) = 0;
  virtual Status DeleteExpired(TimePoint now) = 0;
};

}  // namespace atiende
