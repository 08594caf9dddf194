// Use cases: the credentials users hold (G-3) — changing one's own password,
// and an admin listing and revoking sessions and API tokens (issue 19). A
// stolen session or token ends here: by its owner changing the password (the
// other sessions), by an admin revoking it, or by disabling its user
// (app/users.h). Only hashes of the secrets are stored; a credential is known
// by its public id.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/deps.h"
#include "core/user.h"

namespace atiende {

// The signed-in user's own password change. `current_token` is the
// credential the request came with: that one stays, every other session of
// the user ends (API tokens stay: they do not come from the password).
// Returns how many sessions ended. kInvalidArgument (field
// "current_password") when it is wrong — counted as a failed sign-in by the
// login throttle, so a stolen session cannot guess the password; field
// "new_password" for the password policy or an unchanged password;
// kTooManyRequests while throttled.
Result<int64_t> ChangeOwnPassword(Deps& d, const Principal& self, std::string_view current_token,
                                  std::string_view current_password, std::string_view new_password,
                                  const std::string& address);

// A session or an API token as an admin sees it: never its secret or hash.
struct CredentialInfo {
  int64_t id = 0;
  std::string username;  // "" for a phone system's token
  std::string kind;      // "session", "api" or "pbx" (app/telephony.h)
  TimePoint created_at{};
  TimePoint expires_at{};
  bool current = false;  // the one the asking request came with
  std::string desk{};    // a "pbx" token's desk
};

// The credentials that have not expired, oldest first: of one user when
// `username` is not "", of one kind ("session", "api") when `kind` is not "";
// the one whose secret is `current_token` says so. kNotFound for an unknown
// user; kInvalidArgument (field "kind") for another kind.
Result<std::vector<CredentialInfo>> ListCredentials(Deps& d, std::string_view username,
                                                    std::string_view kind,
                                                    std::string_view current_token = "");

// Ends the session or API token with this id at once (its next request gets
// 401) and returns what it was. Requires an admin actor (checked by the
// route). kNotFound for an unknown id or one already ended.
Result<CredentialInfo> RevokeCredential(Deps& d, const Principal& actor, int64_t id);

}  // namespace atiende
