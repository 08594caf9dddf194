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
// Sets a new password and ends every session of the user (a stolen one
// too); API tokens stay, since they do not come from the password: revoke
// one with RevokeCredential (app/credentials.h), or disable the user.
// Returns how many sessions ended. kNotFound for an unknown user;
// kInvalidArgument (field "password") for the password policy.
Result<int64_t> SetPassword(Deps& d, const Principal& actor, std::string_view username,
                            std::string_view password);
Result<std::vector<User>> ListUsers(Deps& d);

struct UserDisabled {
  User user;
  int64_t credentials_ended = 0;  // sessions and API tokens
};
// Disables a user (`disabled`), ending all their sessions and API tokens, or
// enables them again (they sign in anew; nothing ended comes back). Doing
// what is already done is no error. kNotFound for an unknown user; kConflict
// when an actor disables themselves (reason "cannot_disable_self").
Result<UserDisabled> SetUserDisabled(Deps& d, const Principal& actor, std::string_view username,
                                     bool disabled);

}  // namespace atiende
