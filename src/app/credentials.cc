#include "app/credentials.h"

#include <map>
#include <optional>

#include "app/audit.h"
#include "app/login_throttle.h"
#include "app/passwords.h"

namespace atiende {

Result<int64_t> ChangeOwnPassword(Deps& d, const Principal& self, std::string_view current_token,
                                  std::string_view current_password, std::string_view new_password,
                                  const std::string& address) {
  // Guessing the current password with a stolen session is a sign-in attempt.
  ATIENDE_ASSIGN_OR_RETURN(LoginThrottle::Attempt attempt,
                           d.throttle.Begin(self.username, address));
  auto turn = PasswordCheckGate::Shared().Enter(attempt.known);
  if (!turn.ok()) {
    d.throttle.Finish(attempt, false, /*counted=*/false);
    return turn.status();
  }
  Result<User> user = Status::NotFound("");
  Status read = d.store.Read(DeskScope::All(), [&](ReadTx& tx) {
    user = tx.users().Get(self.user_id);
    return user.status();
  });
  if (!read.ok()) {
    d.throttle.Finish(attempt, false, /*counted=*/false);
    return read;
  }
  bool good = VerifyPassword(user->password_hash, current_password);
  d.throttle.Finish(attempt, good);
  if (!good) return Status::InvalidArgument("is not your current password", "current_password");
  if (Status s = CheckPasswordPolicy(new_password); !s.ok()) {
    return Status::InvalidArgument(s.message(), "new_password");
  }
  if (new_password == current_password) {
    return Status::InvalidArgument("must differ from the current password", "new_password");
  }
  ATIENDE_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  const std::string keep = HashToken(current_token);
  int64_t ended = 0;
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(User u, tx.users().Get(self.user_id));
    u.password_hash = hash;
    ATIENDE_RETURN_IF_ERROR(tx.users().Update(u));
    ATIENDE_ASSIGN_OR_RETURN(ended, tx.credentials().DeleteOfUser(u.id, "session", keep));
    return Audit(
        tx, d.clock.Now(), self, "user.password", "user", std::to_string(u.id), nullptr,
        boost::json::object{{"password", "changed"}, {"by", "self"}, {"sessions_ended", ended}});
  }));
  if (d.on_credentials_ended) d.on_credentials_ended();
  return ended;
}

Result<std::vector<CredentialInfo>> ListCredentials(Deps& d, std::string_view username,
                                                    std::string_view kind,
                                                    std::string_view current_token) {
  if (!kind.empty() && kind != "session" && kind != "api" && kind != "pbx") {
    return Status::InvalidArgument("must be session, api or pbx", "kind");
  }
  std::optional<std::string> name;
  if (!username.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(name, NormalizeUsername(username));
  }
  const std::string current = current_token.empty() ? "" : HashToken(current_token);
  std::vector<CredentialInfo> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    std::optional<int64_t> user_id;
    if (name) {
      ATIENDE_ASSIGN_OR_RETURN(User u, tx.users().GetByName(*name));
      user_id = u.id;
    }
    ATIENDE_ASSIGN_OR_RETURN(auto creds, tx.credentials().List(user_id, kind, d.clock.Now()));
    std::map<int64_t, std::string> names;
    ATIENDE_ASSIGN_OR_RETURN(auto users, tx.users().List());
    for (const auto& u : users) names[u.id] = u.username;
    for (const auto& c : creds) {
      out.push_back({c.id, c.user_id != 0 ? names[c.user_id] : "", c.kind, c.created_at,
                     c.expires_at, !current.empty() && c.token_hash == current, c.desk});
    }
    return Status::Ok();
  }));
  return out;
}

Result<CredentialInfo> RevokeCredential(Deps& d, const Principal& actor, int64_t id) {
  CredentialInfo out;
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Credential c, tx.credentials().GetById(id));
    User u;  // none for a phone system's token: its subject is its desk
    if (c.user_id != 0) {
      ATIENDE_ASSIGN_OR_RETURN(u, tx.users().Get(c.user_id));
    }
    out = {c.id, u.username, c.kind, c.created_at, c.expires_at, false, c.desk};
    ATIENDE_RETURN_IF_ERROR(tx.credentials().Delete(c.token_hash));
    return Audit(tx, d.clock.Now(), actor, c.kind + ".revoke", c.user_id != 0 ? "user" : "desk",
                 c.user_id != 0 ? std::to_string(u.id) : c.desk,
                 boost::json::object{{"id", c.id}, {"kind", c.kind}}, nullptr);
  }));
  if (d.on_credentials_ended) d.on_credentials_ended();
  return out;
}

}  // namespace atiende
