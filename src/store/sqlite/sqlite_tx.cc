#include "store/sqlite/sqlite_tx.h"

#include "core/text.h"
#include "json/customer_json.h"
#include "store/time_columns.h"

namespace atiende::sqlite {

namespace bj = boost::json;

namespace {

std::string JoinBlocks(const std::vector<std::string>& blocks) {
  std::string s;
  for (const auto& b : blocks) s += (s.empty() ? "" : ",") + b;
  return s;
}

std::vector<std::string> SplitBlocks(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Customer ReadCustomer(const Stmt& s) {
  Customer c;
  c.id = s.Int(0);
  c.code = s.Text(1);
  c.legal_name = s.Text(2);
  c.group = s.Text(3);
  if (!s.IsNull(4)) c.criticality = s.Text(4);
  c.technology = s.Text(5);
  c.tax_id = s.Text(6);
  c.region = s.Text(7);
  c.segment = s.Text(8);
  c.blocks = SplitBlocks(s.Text(9));
  c.email = s.Text(10);
  c.phone = s.Text(11);
  // JSON columns are written by this adapter only; a parse failure leaves defaults.
  if (auto v = json::Parse(s.Text(12)); v.ok()) {
    if (auto m = json::ServiceManagerFromJson(*v); m.ok()) c.service_manager = *m;
  }
  if (auto v = json::Parse(s.Text(13)); v.ok()) {
    if (auto m = json::ServicesFromJson(*v); m.ok()) c.services = *m;
  }
  if (auto v = json::Parse(s.Text(14)); v.ok()) {
    if (auto m = json::ContactsFromJson(*v); m.ok()) c.contacts = *m;
  }
  c.version = s.Int(15);
  c.created_at = At(s.Int(16));
  c.updated_at = At(s.Int(17));
  return c;
}

// Binds the business columns at 1..15 in the order of kCustomerColumns after id.
void BindCustomer(Stmt& s, const Customer& c) {
  s.Bind(1, std::string_view(c.code))
      .Bind(2, std::string_view(c.legal_name))
      .Bind(3, text::FoldName(c.legal_name))
      .Bind(4, std::string_view(c.group))
      .Bind(5, c.criticality)
      .Bind(6, std::string_view(c.technology))
      .Bind(7, std::string_view(c.tax_id))
      .Bind(8, std::string_view(c.region))
      .Bind(9, std::string_view(c.segment))
      .Bind(10, JoinBlocks(c.blocks))
      .Bind(11, std::string_view(c.email))
      .Bind(12, std::string_view(c.phone))
      .Bind(13, bj::serialize(json::ToJson(c.service_manager)))
      .Bind(14, bj::serialize(json::ToJson(c.services)))
      .Bind(15, bj::serialize(json::ToJson(c.contacts)));
}

User ReadUser(const Stmt& s) {
  User u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  u.role = ParseRole(s.Text(2)).value_or(Role::kCustomer);
  if (!s.IsNull(3)) u.customer_id = s.Int(3);
  u.password_hash = s.Text(4);
  u.disabled = s.Int(5) != 0;
  u.created_at = At(s.Int(6));
  return u;
}

#define CUSTOMER_SELECT(where)                                                                 \
  "SELECT id, code, legal_name, group_name, criticality, technology, tax_id, region, segment," \
  " blocks, email, phone, service_manager, services, contacts, version, created_at,"           \
  " updated_at FROM customers " where

Result<std::optional<Customer>> OneCustomer(Result<std::unique_ptr<Stmt>>& st) {
  if (!st.ok()) return st.status();
  ATIENDE_ASSIGN_OR_RETURN(bool row, (*st)->Step());
  if (!row) return std::optional<Customer>();
  return std::optional<Customer>(ReadCustomer(**st));
}

}  // namespace

Result<Customer> SqliteTx::GetCustomer(int64_t id) {
  auto st = c_.Prepare(CUSTOMER_SELECT("WHERE id = ?"));
  if (st.ok()) (*st)->Bind(1, id);
  ATIENDE_ASSIGN_OR_RETURN(auto c, OneCustomer(st));
  if (!c) return Status::NotFound("no customer with id " + std::to_string(id));
  return std::move(*c);
}

Result<Customer> SqliteTx::GetCustomerByCode(std::string_view code) {
  auto st = c_.Prepare(CUSTOMER_SELECT("WHERE code = ?"));
  if (st.ok()) (*st)->Bind(1, code);
  ATIENDE_ASSIGN_OR_RETURN(auto c, OneCustomer(st));
  if (!c) return Status::NotFound("no customer with code " + std::string(code));
  return std::move(*c);
}

Result<std::optional<Customer>> SqliteTx::FindCustomerByKey(std::string_view code,
                                                            std::string_view tax_id,
                                                            std::string_view legal_name) {
  if (!code.empty()) {
    auto st = c_.Prepare(CUSTOMER_SELECT("WHERE code = ?"));
    if (st.ok()) (*st)->Bind(1, code);
    return OneCustomer(st);
  }
  if (!tax_id.empty()) {
    auto st = c_.Prepare(CUSTOMER_SELECT("WHERE tax_id = ? ORDER BY id LIMIT 1"));
    if (st.ok()) (*st)->Bind(1, tax_id);
    return OneCustomer(st);
  }
  auto st = c_.Prepare(CUSTOMER_SELECT("WHERE name_key = ? ORDER BY id LIMIT 1"));
  if (st.ok()) (*st)->Bind(1, text::FoldName(legal_name));
  return OneCustomer(st);
}

Result<std::vector<Customer>> SqliteTx::ListCustomers(int64_t after_id, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare(CUSTOMER_SELECT("WHERE id > ? ORDER BY id LIMIT ?")));
  st->Bind(1, after_id).Bind(2, int64_t{limit});
  std::vector<Customer> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadCustomer(*st));
  }
  return out;
}

Result<int64_t> SqliteTx::CountCustomers() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT count(*) FROM customers"));
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Status SqliteTx::IndexCustomer(const Customer& c) {
  std::string name = text::FoldName(c.legal_name);
  std::string grp = text::Fold(c.group);
  std::string keys = text::Fold(c.code + " " + c.tax_id);
  std::string digits;
  for (char ch : c.tax_id) {
    if (ch >= '0' && ch <= '9') digits += ch;
  }
  if (!digits.empty()) keys += " " + digits;
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("INSERT INTO customer_search(rowid, name, grp, keys, initials)"
                          " VALUES (?,?,?,?,?)"));
  st->Bind(1, c.id).Bind(2, name).Bind(3, grp).Bind(4, keys).Bind(5, text::Initials(name));
  ATIENDE_RETURN_IF_ERROR(st->Run());
  for (const auto& t : text::Tokens(name)) new_terms_.push_back(t);
  for (const auto& t : text::Tokens(grp)) new_terms_.push_back(t);
  return Status::Ok();
}

Status SqliteTx::InsertCustomer(Customer& c) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Prepare("INSERT INTO customers(code, legal_name, name_key, group_name, criticality,"
                 " technology, tax_id, region, segment, blocks, email, phone, service_manager,"
                 " services, contacts, version, created_at, updated_at)"
                 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)"));
  // A customer without a code gets "C<id>": insert with a unique placeholder first.
  bool assign_code = c.code.empty();
  if (assign_code) c.code = "\x01pending";
  BindCustomer(*st, c);
  st->Bind(16, Us(c.created_at)).Bind(17, Us(c.updated_at));
  Status s = st->Run();
  if (!s.ok()) {
    if (assign_code) c.code.clear();
    if (s.code() == Status::Code::kConflict) {
      return Status::AlreadyExists("code \"" + c.code + "\" is already used", "code");
    }
    return s;
  }
  c.id = c_.LastInsertId();
  c.version = 1;
  if (assign_code) {
    c.code = "C" + std::to_string(c.id);
    ATIENDE_ASSIGN_OR_RETURN(auto up, c_.Prepare("UPDATE customers SET code = ? WHERE id = ?"));
    up->Bind(1, c.code).Bind(2, c.id);
    Status us = up->Run();
    if (!us.ok()) {
      return us.code() == Status::Code::kConflict
                 ? Status::AlreadyExists("code \"" + c.code + "\" is already used", "code")
                 : us;
    }
  }
  return IndexCustomer(c);
}

Status SqliteTx::UpdateCustomer(const Customer& c) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Prepare("UPDATE customers SET code=?, legal_name=?, name_key=?, group_name=?,"
                 " criticality=?, technology=?, tax_id=?, region=?, segment=?, blocks=?, email=?,"
                 " phone=?, service_manager=?, services=?, contacts=?, version=?, updated_at=?"
                 " WHERE id=? AND version=?"));
  BindCustomer(*st, c);
  st->Bind(16, c.version).Bind(17, Us(c.updated_at)).Bind(18, c.id).Bind(19, c.version - 1);
  Status s = st->Run();
  if (s.code() == Status::Code::kConflict) {
    return Status::AlreadyExists("code \"" + c.code + "\" is already used", "code");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  if (c_.Changes() == 0) {
    ATIENDE_RETURN_IF_ERROR(GetCustomer(c.id).status());
    return Status::Conflict("customer " + std::to_string(c.id) +
                            " was changed by someone else; reload and try again")
        .WithReason("version_conflict");
  }
  ATIENDE_ASSIGN_OR_RETURN(auto del, c_.Prepare("DELETE FROM customer_search WHERE rowid = ?"));
  del->Bind(1, c.id);
  ATIENDE_RETURN_IF_ERROR(del->Run());
  return IndexCustomer(c);
}

Status SqliteTx::DeleteCustomer(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("DELETE FROM customers WHERE id = ?"));
  st->Bind(1, id);
  Status s = st->Run();
  if (s.code() == Status::Code::kConflict) {
    return Status::Conflict("customer " + std::to_string(id) +
                            " is still referenced (users or records) and cannot be deleted");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  if (c_.Changes() == 0) return Status::NotFound("no customer with id " + std::to_string(id));
  ATIENDE_ASSIGN_OR_RETURN(auto del, c_.Prepare("DELETE FROM customer_search WHERE rowid = ?"));
  del->Bind(1, id);
  return del->Run();
}

Result<User> SqliteTx::GetUser(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT id, username, role, customer_id,"
                                               " password_hash, disabled, created_at FROM users"
                                               " WHERE id = ?"));
  st->Bind(1, id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no user with id " + std::to_string(id));
  return ReadUser(*st);
}

Result<User> SqliteTx::GetUserByName(std::string_view username) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT id, username, role, customer_id,"
                                               " password_hash, disabled, created_at FROM users"
                                               " WHERE username = ?"));
  st->Bind(1, username);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no user named " + std::string(username));
  return ReadUser(*st);
}

Result<std::vector<User>> SqliteTx::ListUsers() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT id, username, role, customer_id,"
                                               " password_hash, disabled, created_at FROM users"
                                               " ORDER BY username"));
  std::vector<User> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadUser(*st));
  }
  return out;
}

Status SqliteTx::InsertUser(User& u) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("INSERT INTO users(username, role, customer_id,"
                                               " password_hash, disabled, created_at)"
                                               " VALUES (?,?,?,?,?,?)"));
  st->Bind(1, u.username).Bind(2, RoleName(u.role));
  if (u.customer_id)
    st->Bind(3, *u.customer_id);
  else
    st->BindNull(3);
  st->Bind(4, u.password_hash).Bind(5, int64_t{u.disabled}).Bind(6, Us(u.created_at));
  Status s = st->Run();
  if (s.code() == Status::Code::kConflict) {
    return Status::AlreadyExists("user \"" + u.username + "\" already exists", "username");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  u.id = c_.LastInsertId();
  return Status::Ok();
}

Status SqliteTx::UpdateUser(const User& u) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("UPDATE users SET role=?, customer_id=?,"
                                               " password_hash=?, disabled=? WHERE id=?"));
  st->Bind(1, RoleName(u.role));
  if (u.customer_id)
    st->Bind(2, *u.customer_id);
  else
    st->BindNull(2);
  st->Bind(3, u.password_hash).Bind(4, int64_t{u.disabled}).Bind(5, u.id);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (c_.Changes() == 0) return Status::NotFound("no user with id " + std::to_string(u.id));
  return Status::Ok();
}

Result<Credential> SqliteTx::GetCredential(std::string_view token_hash) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT token_hash, user_id, kind, created_at,"
                                               " expires_at FROM credentials WHERE token_hash=?"));
  st->Bind(1, token_hash);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("unknown credential");
  return Credential{st->Text(0), st->Int(1), st->Text(2), At(st->Int(3)), At(st->Int(4))};
}

Status SqliteTx::InsertCredential(const Credential& c) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("INSERT INTO credentials(token_hash, user_id, kind,"
                                               " created_at, expires_at) VALUES (?,?,?,?,?)"));
  st->Bind(1, c.token_hash).Bind(2, c.user_id).Bind(3, c.kind);
  st->Bind(4, Us(c.created_at)).Bind(5, Us(c.expires_at));
  return st->Run();
}

Status SqliteTx::DeleteCredential(std::string_view token_hash) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("DELETE FROM credentials WHERE token_hash = ?"));
  st->Bind(1, token_hash);
  return st->Run();
}

Status SqliteTx::DeleteExpiredCredentials(TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("DELETE FROM credentials WHERE expires_at <= ?"));
  st->Bind(1, Us(now));
  return st->Run();
}

Status SqliteTx::AppendAudit(const AuditEntry& e) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare("INSERT INTO audit(at, actor, action, entity,"
                                      " entity_id, before, after) VALUES (?,?,?,?,?,?,?)"));
  st->Bind(1, Us(e.at)).Bind(2, e.actor).Bind(3, e.action).Bind(4, e.entity);
  st->Bind(5, e.entity_id).Bind(6, e.before).Bind(7, e.after);
  return st->Run();
}

Result<std::vector<AuditEntry>> SqliteTx::ListAudit(std::string_view entity,
                                                    std::string_view entity_id, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Prepare("SELECT id, at, actor, action, entity, entity_id, before, after"
                 " FROM audit WHERE (?1 = '' OR entity = ?1) AND (?2 = '' OR entity_id = ?2)"
                 " ORDER BY id DESC LIMIT ?3"));
  st->Bind(1, entity).Bind(2, entity_id).Bind(3, int64_t{limit});
  std::vector<AuditEntry> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(AuditEntry{st->Int(0), At(st->Int(1)), st->Text(2), st->Text(3), st->Text(4),
                             st->Text(5), st->Text(6), st->Text(7)});
  }
  return out;
}

Result<std::vector<Change>> SqliteTx::ListChanges(int64_t after_id, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("SELECT a.id, a.at, a.action, a.entity, a.entity_id,"
                          " COALESCE(t.customer_id, c.customer_id) FROM audit a"
                          " LEFT JOIN tickets t ON a.entity = 'ticket' AND t.number = a.entity_id"
                          " LEFT JOIN cases c ON a.entity = 'case' AND c.number = a.entity_id"
                          " WHERE a.id > ?1 ORDER BY a.id LIMIT ?2"));
  st->Bind(1, after_id).Bind(2, int64_t{limit});
  std::vector<Change> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    Change ch{st->Int(0), At(st->Int(1)), st->Text(2), st->Text(3), st->Text(4), std::nullopt};
    if (!st->IsNull(5)) ch.customer_id = st->Int(5);
    out.push_back(std::move(ch));
  }
  return out;
}

Result<int64_t> SqliteTx::LastAuditId() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT COALESCE(MAX(id), 0) FROM audit"));
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

}  // namespace atiende::sqlite
