#include "app/sessions.h"

#include "app/audit.h"
#include "app/login_throttle.h"
#include "app/passwords.h"
#include "log/log.h"

namespace atiende {

namespace {

// The user as a principal: its desks (a customer user's: its customer's),
// and its desk when it has exactly one.
Result<Principal> PrincipalOf(ReadTx& tx, const User& u) {
  Principal p{u.id, u.username, u.role, u.customer_id, u.desks, ""};
  if (u.customer_id) {
    ATIENDE_ASSIGN_OR_RETURN(Customer c, tx.customers().Get(*u.customer_id));
    p.desks = {c.desk};
  }
  if (p.desks.size() == 1) p.desk = p.desks.front();
  return p;
}

Result<SessionGrant> Grant(Deps& d, const User& user, const Principal& actor, const char* kind,
                           TimePoint expires_at) {
  SessionGrant g{NewSecretToken(), expires_at, {}};
  TimePoint now = d.clock.Now();
  Credential cred{HashToken(g.token), user.id, kind, now, expires_at};
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(g.principal, PrincipalOf(tx, user));
    ATIENDE_RETURN_IF_ERROR(tx.credentials().DeleteExpired(now));
    ATIENDE_RETURN_IF_ERROR(tx.credentials().Insert(cred));
    return Audit(tx, now, actor, std::string(kind) + ".create", "user", std::to_string(user.id),
                 nullptr, boost::json::object{{"id", cred.id}, {"kind", kind}});
  }));
  return g;
}

}  // namespace

Result<SessionGrant> Login(Deps& d, std::string_view username, std::string_view password,
                           const std::string& address) {
  auto name = NormalizeUsername(username);
  std::string key = name.ok() ? *name : std::string(username.substr(0, 64));
  ATIENDE_ASSIGN_OR_RETURN(LoginThrottle::Attempt attempt, d.throttle.Begin(key, address));
  // Each check takes 64 MiB for a moment: only so many at once.
  auto turn = PasswordCheckGate::Shared().Enter(attempt.known);
  if (!turn.ok()) {
    d.throttle.Finish(attempt, false, /*counted=*/false);
    log::Warn("login.busy", {{"username", key}, {"address", address}});
    return turn.status();
  }
  Result<User> user = Status::NotFound("");
  if (name.ok()) {
    Status read = d.store.Read(DeskScope::All(), [&](ReadTx& tx) {
      user = tx.users().GetByName(*name);
      return user.ok() || user.status().code() == Status::Code::kNotFound ? Status::Ok()
                                                                          : user.status();
    });
    if (!read.ok()) {
      d.throttle.Finish(attempt, false, /*counted=*/false);
      return read;
    }
  }
  // Verify against a dummy hash for unknown users too, so timing does not tell.
  static const std::string dummy = HashPassword("not-a-real-password").value();
  bool good = VerifyPassword(user.ok() ? user->password_hash : dummy, password);
  bool success = user.ok() && good && !user->disabled;
  d.throttle.Finish(attempt, success);
  if (!success) return Status::Unauthenticated("wrong username or password");
  Principal self{user->id, user->username, user->role, user->customer_id, {}, ""};
  return Grant(d, *user, self, "session", d.clock.Now() + kSessionLifetime);
}

Status Logout(Deps& d, std::string_view token) {
  std::string hash = HashToken(token);
  ATIENDE_RETURN_IF_ERROR(
      d.store.Write(DeskScope::All(), [&](WriteTx& tx) { return tx.credentials().Delete(hash); }));
  if (d.on_credentials_ended) d.on_credentials_ended();
  return Status::Ok();
}

Result<Principal> Authenticate(Deps& d, std::string_view token) {
  if (token.empty() || token.size() > 128) return Status::Unauthenticated("invalid credentials");
  std::string hash = HashToken(token);
  Result<Principal> out = Status::Unauthenticated("invalid or expired credentials");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    auto cred = tx.credentials().Get(hash);
    if (!cred.ok()) {
      return cred.status().code() == Status::Code::kNotFound ? Status::Ok() : cred.status();
    }
    if (cred->expires_at <= d.clock.Now()) return Status::Ok();
    // A phone system's token posts call events only (app/telephony.h).
    if (cred->kind == "pbx") return Status::Ok();
    auto user = tx.users().Get(cred->user_id);
    if (user.ok() && !user->disabled) {
      ATIENDE_ASSIGN_OR_RETURN(out, PrincipalOf(tx, *user));
    }
    return Status::Ok();
  }));
  return out;
}

Result<SessionGrant> CreateApiToken(Deps& d, const Principal& actor, std::string_view username,
                                    std::chrono::hours lifetime) {
  ATIENDE_ASSIGN_OR_RETURN(std::string name, NormalizeUsername(username));
  Result<User> user = Status::NotFound("");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) {
    user = tx.users().GetByName(name);
    return user.status();
  }));
  return Grant(d, *user, actor, "api", d.clock.Now() + lifetime);
}

}  // namespace atiende
