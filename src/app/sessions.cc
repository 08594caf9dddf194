#include "app/sessions.h"

#include "app/audit.h"
#include "app/login_throttle.h"
#include "app/passwords.h"

namespace atiende {

namespace {

Principal PrincipalOf(const User& u) { return {u.id, u.username, u.role, u.customer_id}; }

Result<SessionGrant> Grant(Deps& d, const User& user, const Principal& actor, const char* kind,
                           TimePoint expires_at) {
  SessionGrant g{NewSecretToken(), expires_at, PrincipalOf(user)};
  TimePoint now = d.clock.Now();
  Credential cred{HashToken(g.token), user.id, kind, now, expires_at};
  ATIENDE_RETURN_IF_ERROR(d.store.Write([&](WriteTx& tx) {
    ATIENDE_RETURN_IF_ERROR(tx.credentials().DeleteExpired(now));
    ATIENDE_RETURN_IF_ERROR(tx.credentials().Insert(cred));
    return Audit(tx, now, actor, std::string(kind) + ".create", "user", std::to_string(user.id),
                 nullptr, boost::json::object{{"kind", kind}});
  }));
  return g;
}

}  // namespace

Result<SessionGrant> Login(Deps& d, std::string_view username, std::string_view password,
                           const std::string& address) {
  auto name = NormalizeUsername(username);
  std::string key = name.ok() ? *name : std::string(username.substr(0, 64));
  ATIENDE_RETURN_IF_ERROR(d.throttle.Check(key, address));
  Result<User> user = Status::NotFound("");
  if (name.ok()) {
    ATIENDE_RETURN_IF_ERROR(d.store.Read([&](ReadTx& tx) {
      user = tx.users().GetByName(*name);
      return user.ok() || user.status().code() == Status::Code::kNotFound ? Status::Ok()
                                                                          : user.status();
    }));
  }
  // Verify against a dummy hash for unknown users too, so timing does not tell.
  static const std::string dummy = HashPassword("not-a-real-password").value();
  bool good = VerifyPassword(user.ok() ? user->password_hash : dummy, password);
  if (!user.ok() || !good || user->disabled) {
    d.throttle.RecordFailure(key, address);
    return Status::Unauthenticated("wrong username or password");
  }
  d.throttle.RecordSuccess(key);
  return Grant(d, *user, PrincipalOf(*user), "session", d.clock.Now() + kSessionLifetime);
}

Status Logout(Deps& d, std::string_view token) {
  std::string hash = HashToken(token);
  return d.store.Write([&](WriteTx& tx) { return tx.credentials().Delete(hash); });
}

Result<Principal> Authenticate(Deps& d, std::string_view token) {
  if (token.empty() || token.size() > 128) return Status::Unauthenticated("invalid credentials");
  std::string hash = HashToken(token);
  Result<Principal> out = Status::Unauthenticated("invalid or expired credentials");
  ATIENDE_RETURN_IF_ERROR(d.store.Read([&](ReadTx& tx) {
    auto cred = tx.credentials().Get(hash);
    if (!cred.ok()) {
      return cred.status().code() == Status::Code::kNotFound ? Status::Ok() : cred.status();
    }
    if (cred->expires_at <= d.clock.Now()) return Status::Ok();
    auto user = tx.users().Get(cred->user_id);
    if (user.ok() && !user->disabled) out = PrincipalOf(*user);
    return Status::Ok();
  }));
  return out;
}

Result<SessionGrant> CreateApiToken(Deps& d, const Principal& actor, std::string_view username,
                                    std::chrono::hours lifetime) {
  ATIENDE_ASSIGN_OR_RETURN(std::string name, NormalizeUsername(username));
  Result<User> user = Status::NotFound("");
  ATIENDE_RETURN_IF_ERROR(d.store.Read([&](ReadTx& tx) {
    user = tx.users().GetByName(name);
    return user.status();
  }));
  return Grant(d, *user, actor, "api", d.clock.Now() + lifetime);
}

}  // namespace atiende
