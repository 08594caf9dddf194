// Users and credentials (G-3), for both backends.
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace {

#define USER_SELECT \
  "SELECT id, username, role, customer_id, password_hash, disabled, created_at FROM users "

#define CREDENTIAL_SELECT \
  "SELECT token_hash, user_id, kind, created_at, expires_at, id, desk_id FROM credentials "

Credential ReadCredential(const Stmt& s) {
  int64_t user_id = s.IsNull(1) ? 0 : s.Int(1);  // a "pbx" token has no user
  return Credential{s.Text(0), user_id, s.Text(2), At(s.Int(3)), At(s.Int(4)), s.Int(5), s.Text(6)};
}

User ReadUser(const Stmt& s) {
  User u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  u.role = ParseRole(s.Text(2)).value_or(Role::kCustomer);
  if (!s.IsNull(3)) u.customer_id = s.Int(3);
  u.password_hash = s.Text(4);
  u.disabled = s.Bool(5);
  u.created_at = At(s.Int(6));
  return u;
}

// u.desks from user_desks.
Status ReadDesks(Conn& c, User& u) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c.Query("SELECT desk_id FROM user_desks WHERE user_id = ? ORDER BY desk_id"));
  st->Bind(1, u.id);
  ATIENDE_ASSIGN_OR_RETURN(u.desks,
                           ReadAll<std::string>(*st, [](const Stmt& s) { return s.Text(0); }));
  return Status::Ok();
}

// Replaces the user's desks with u.desks. kInvalidArgument (field "desks")
// naming an unknown desk.
Status WriteDesks(Conn& c, const User& u) {
  ATIENDE_ASSIGN_OR_RETURN(auto del, c.Query("DELETE FROM user_desks WHERE user_id = ?"));
  del->Bind(1, u.id);
  ATIENDE_RETURN_IF_ERROR(del->Run());
  for (const auto& desk : u.desks) {
    ATIENDE_ASSIGN_OR_RETURN(auto ins,
                             c.Query("INSERT INTO user_desks(user_id, desk_id) VALUES (?, ?)"
                                     " ON CONFLICT DO NOTHING"));
    ins->Bind(1, u.id).Bind(2, desk);
    Status s = ins->Run();
    if (s.code() == Status::Code::kConflict) {
      return Status::InvalidArgument("no desk \"" + desk + "\"", "desks");
    }
    ATIENDE_RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

}  // namespace

Result<User> SqlUsers::Get(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(USER_SELECT "WHERE id = ?"));
  st->Bind(1, id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no user with id " + std::to_string(id));
  User u = ReadUser(*st);
  ATIENDE_RETURN_IF_ERROR(ReadDesks(c_, u));
  return u;
}

Result<User> SqlUsers::GetByName(std::string_view username) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(USER_SELECT "WHERE username = ?"));
  st->Bind(1, username);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no user named " + std::string(username));
  User u = ReadUser(*st);
  ATIENDE_RETURN_IF_ERROR(ReadDesks(c_, u));
  return u;
}

Result<std::vector<User>> SqlUsers::List() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(USER_SELECT "ORDER BY username"));
  ATIENDE_ASSIGN_OR_RETURN(auto users, ReadAll<User>(*st, ReadUser));
  for (auto& u : users) ATIENDE_RETURN_IF_ERROR(ReadDesks(c_, u));
  return users;
}

Status SqlUsers::Insert(User& u) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("INSERT INTO users(username, role, customer_id,"
                                             " password_hash, disabled, created_at)"
                                             " VALUES (?,?,?,?,?,?) {RETURNING id}"));
  st->Bind(1, u.username).Bind(2, RoleName(u.role)).Bind(3, u.customer_id);
  st->Bind(4, u.password_hash).Bind(5, int64_t{u.disabled}).Bind(6, Us(u.created_at));
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("user \"" + u.username + "\" already exists", "username");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  auto id = st->InsertedId();
  if (!id) return Status::Internal("inserting a user returned no id");
  u.id = *id;
  return WriteDesks(c_, u);
}

Status SqlUsers::Update(const User& u) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("UPDATE users SET role=?, customer_id=?,"
                                             " password_hash=?, disabled=? WHERE id=?"));
  st->Bind(1, RoleName(u.role)).Bind(2, u.customer_id).Bind(3, u.password_hash);
  st->Bind(4, int64_t{u.disabled}).Bind(5, u.id);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() == 0) return Status::NotFound("no user with id " + std::to_string(u.id));
  return WriteDesks(c_, u);
}

Result<Credential> SqlCredentials::Get(std::string_view token_hash) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(CREDENTIAL_SELECT "WHERE token_hash = ?"));
  st->Bind(1, token_hash);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("unknown credential");
  return ReadCredential(*st);
}

Result<Credential> SqlCredentials::GetById(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(CREDENTIAL_SELECT "WHERE id = ?"));
  st->Bind(1, id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no session or token with id " + std::to_string(id));
  return ReadCredential(*st);
}

Result<std::vector<Credential>> SqlCredentials::List(std::optional<int64_t> user_id,
                                                     std::string_view kind, TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(CREDENTIAL_SELECT "WHERE expires_at > ?1"
                                          " AND (CAST(?2 AS BIGINT) IS NULL OR user_id = ?2)"
                                          " AND (?3 = '' OR kind = ?3) ORDER BY id"));
  st->Bind(1, Us(now)).Bind(2, user_id).Bind(3, kind);
  return ReadAll<Credential>(*st, ReadCredential);
}

Status SqlCredentials::Insert(Credential& c) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("INSERT INTO credentials(token_hash, user_id, kind,"
                                             " created_at, expires_at, desk_id)"
                                             " VALUES (?,?,?,?,?,?)"
                                             " {RETURNING id}"));
  st->Bind(1, c.token_hash).Bind(3, c.kind);
  if (c.user_id == 0) {
    st->BindNull(2);
  } else {
    st->Bind(2, c.user_id);
  }
  st->Bind(4, Us(c.created_at)).Bind(5, Us(c.expires_at)).Bind(6, c.desk);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  auto id = st->InsertedId();
  if (!id) return Status::Internal("inserting a credential returned no id");
  c.id = *id;
  return Status::Ok();
}

Status SqlCredentials::Delete(std::string_view token_hash) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("DELETE FROM credentials WHERE token_hash = ?"));
  st->Bind(1, token_hash);
  return st->Run();
}

Status SqlCredentials::DeleteExpired(TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("DELETE FROM credentials WHERE expires_at <= ?"));
  st->Bind(1, Us(now));
  return st->Run();
}

Result<int64_t> SqlCredentials::DeleteOfUser(int64_t user_id, std::string_view kind,
                                             std::string_view keep) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("DELETE FROM credentials WHERE user_id = ?1"
                                             " AND (?2 = '' OR kind = ?2)"
                                             " AND token_hash <> ?3"));
  st->Bind(1, user_id).Bind(2, kind).Bind(3, keep);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  return st->Changes();
}

}  // namespace atiende::sql
