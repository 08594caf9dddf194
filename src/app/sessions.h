// Use cases: signing in and out, and resolving a credential to a Principal.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <string>

#include "app/deps.h"
#include "core/user.h"

namespace atiende {

inline constexpr auto kSessionLifetime = std::chrono::hours(12);

struct SessionGrant {
  std::string token;  // the secret; shown once, never stored or logged
  TimePoint expires_at{};
  Principal principal;
};

// kUnauthenticated for an unknown user, a wrong password or a disabled user
// (one message for all three); kTooManyRequests when throttled
// (app/login_throttle.h); kUnavailable when too many passwords are being
// checked at once (retry after a second).
Result<SessionGrant> Login(Deps& d, std::string_view username, std::string_view password,
                           const std::string& address);
// Ends the session whose token this is; no error when it was already gone.
Status Logout(Deps& d, std::string_view token);
// kUnauthenticated for an unknown, expired or disabled credential.
Result<Principal> Authenticate(Deps& d, std::string_view token);
// An API token for `username`, valid for `lifetime`. Requires an admin actor
// (checked by the route). kNotFound for an unknown user.
Result<SessionGrant> CreateApiToken(Deps& d, const Principal& actor, std::string_view username,
                                    std::chrono::hours lifetime);

}  // namespace atiende
