#include "store/postgres/pg_tx.h"

#include "core/text.h"
#include "json/customer_json.h"
#include "store/time_columns.h"

namespace atiende::pg {

namespace bj = boost::json;

namespace {

#define CUSTOMER_COLUMNS                                                                \
  "id, code, legal_name, group_name, criticality, technology, tax_id, region, segment," \
  " blocks, email, phone, service_manager, services, contacts, version, created_at, updated_at"

Customer ReadCustomer(const PgResult& r, int i) {
  Customer c;
  c.id = r.Int(i, 0);
  c.code = r.Text(i, 1);
  c.legal_name = r.Text(i, 2);
  c.group = r.Text(i, 3);
  if (!r.IsNull(i, 4)) c.criticality = r.Text(i, 4);
  c.technology = r.Text(i, 5);
  c.tax_id = r.Text(i, 6);
  c.region = r.Text(i, 7);
  c.segment = r.Text(i, 8);
  std::string blocks = r.Text(i, 9);
  for (size_t s = 0; s < blocks.size();) {
    size_t e = blocks.find(',', s);
    if (e == std::string::npos) e = blocks.size();
    if (e > s) c.blocks.push_back(blocks.substr(s, e - s));
    s = e + 1;
  }
  c.email = r.Text(i, 10);
  c.phone = r.Text(i, 11);
  if (auto v = json::Parse(r.Text(i, 12)); v.ok()) {
    if (auto m = json::ServiceManagerFromJson(*v); m.ok()) c.service_manager = *m;
  }
  if (auto v = json::Parse(r.Text(i, 13)); v.ok()) {
    if (auto m = json::ServicesFromJson(*v); m.ok()) c.services = *m;
  }
  if (auto v = json::Parse(r.Text(i, 14)); v.ok()) {
    if (auto m = json::ContactsFromJson(*v); m.ok()) c.contacts = *m;
  }
  c.version = r.Int(i, 15);
  c.created_at = At(r.Int(i, 16));
  c.updated_at = At(r.Int(i, 17));
  return c;
}

// Parameters $1..$19 shared by insert and update: the business columns, then
// the folded search columns.
std::vector<Param> CustomerParams(const Customer& c) {
  std::string blocks;
  for (const auto& b : c.blocks) blocks += (blocks.empty() ? "" : ",") + b;
  std::string name = text::FoldName(c.legal_name);
  std::string grp = text::Fold(c.group);
  std::string keys = text::Fold(c.code + " " + c.tax_id);
  std::string digits;
  for (char ch : c.tax_id) {
    if (ch >= '0' && ch <= '9') digits += ch;
  }
  if (!digits.empty()) keys += " " + digits;
  std::string doc = " " + name + " " + grp + " " + keys + " " + text::Initials(name) + " ";
  return {P(c.code),
          P(c.legal_name),
          P(text::FoldName(c.legal_name)),
          P(c.group),
          c.criticality,
          P(c.technology),
          P(c.tax_id),
          P(c.region),
          P(c.segment),
          P(blocks),
          P(c.email),
          P(c.phone),
          P(bj::serialize(json::ToJson(c.service_manager))),
          P(bj::serialize(json::ToJson(c.services))),
          P(bj::serialize(json::ToJson(c.contacts))),
          P(name),
          P(grp),
          P(keys),
          P(doc)};
}

User ReadUser(const PgResult& r, int i) {
  User u;
  u.id = r.Int(i, 0);
  u.username = r.Text(i, 1);
  u.role = ParseRole(r.Text(i, 2)).value_or(Role::kCustomer);
  if (!r.IsNull(i, 3)) u.customer_id = r.Int(i, 3);
  u.password_hash = r.Text(i, 4);
  u.disabled = r.Text(i, 5) == "t";
  u.created_at = At(r.Int(i, 6));
  return u;
}

#define USER_SELECT \
  "SELECT id, username, role, customer_id, password_hash, disabled, created_at FROM users "

}  // namespace

Result<std::optional<Customer>> PgTx::OneCustomer(const char* sql,
                                                  const std::vector<Param>& params) {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(sql, params));
  if (r.rows() == 0) return std::optional<Customer>();
  return std::optional<Customer>(ReadCustomer(r, 0));
}

Result<Customer> PgTx::GetCustomer(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto c, OneCustomer("SELECT " CUSTOMER_COLUMNS " FROM customers WHERE id = $1", {P(id)}));
  if (!c) return Status::NotFound("no customer with id " + std::to_string(id));
  return std::move(*c);
}

Result<Customer> PgTx::GetCustomerByCode(std::string_view code) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto c, OneCustomer("SELECT " CUSTOMER_COLUMNS " FROM customers WHERE code = $1", {P(code)}));
  if (!c) return Status::NotFound("no customer with code " + std::string(code));
  return std::move(*c);
}

Result<std::optional<Customer>> PgTx::FindCustomerByKey(std::string_view code,
                                                        std::string_view tax_id,
                                                        std::string_view legal_name) {
  if (!code.empty()) {
    return OneCustomer("SELECT " CUSTOMER_COLUMNS " FROM customers WHERE code = $1", {P(code)});
  }
  if (!tax_id.empty()) {
    return OneCustomer("SELECT " CUSTOMER_COLUMNS
                       " FROM customers WHERE tax_id = $1 ORDER BY id LIMIT 1",
                       {P(tax_id)});
  }
  return OneCustomer("SELECT " CUSTOMER_COLUMNS
                     " FROM customers WHERE name_key = $1 ORDER BY id LIMIT 1",
                     {P(text::FoldName(legal_name))});
}

Result<std::vector<Customer>> PgTx::ListCustomers(int64_t after_id, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec("SELECT " CUSTOMER_COLUMNS
                                           " FROM customers WHERE id > $1 ORDER BY id LIMIT $2",
                                           {P(after_id), P(int64_t{limit})}));
  std::vector<Customer> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadCustomer(r, i));
  return out;
}

Result<int64_t> PgTx::CountCustomers() {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec("SELECT count(*) FROM customers"));
  return r.Int(0, 0);
}

Status PgTx::InsertCustomer(Customer& c) {
  // A customer without a code gets "C<id>". Take the id first, so the row is
  // written once with its final code: a shared placeholder code would make
  // concurrent inserts wait on each other's unique-index entry.
  bool assign_code = c.code.empty();
  if (assign_code) {
    ATIENDE_ASSIGN_OR_RETURN(auto id,
                             c_.Exec("SELECT nextval(pg_get_serial_sequence('customers', 'id'))"));
    c.id = id.Int(0, 0);
    c.code = "C" + std::to_string(c.id);
  }
  auto params = CustomerParams(c);
  params.push_back(P(Us(c.created_at)));
  params.push_back(P(Us(c.updated_at)));
  Result<PgResult> r = Status::Internal("");
  if (assign_code) {
    params.push_back(P(c.id));
    r = c_.Exec(
        "INSERT INTO customers(code, legal_name, name_key, group_name, criticality, technology,"
        " tax_id, region, segment, blocks, email, phone, service_manager, services, contacts,"
        " search_name, search_group, search_keys, search_doc, version, created_at, updated_at, id)"
        " OVERRIDING SYSTEM VALUE VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,"
        "$17,$18,$19,1,$20,$21,$22) RETURNING id",
        params);
  } else {
    r = c_.Exec(
        "INSERT INTO customers(code, legal_name, name_key, group_name, criticality, technology,"
        " tax_id, region, segment, blocks, email, phone, service_manager, services, contacts,"
        " search_name, search_group, search_keys, search_doc, version, created_at, updated_at)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,1,$20,$21)"
        " RETURNING id",
        params);
  }
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kAlreadyExists) {
      Status taken = Status::AlreadyExists("code \"" + c.code + "\" is already used", "code");
      if (assign_code) c.code.clear();
      return taken;
    }
    if (assign_code) c.code.clear();
    return r.status();
  }
  c.id = r->Int(0, 0);
  c.version = 1;
  return Status::Ok();
}

Status PgTx::UpdateCustomer(const Customer& c) {
  auto params = CustomerParams(c);
  params.push_back(P(c.version));
  params.push_back(P(Us(c.updated_at)));
  params.push_back(P(c.id));
  auto r = c_.Exec(
      "UPDATE customers SET code=$1, legal_name=$2, name_key=$3, group_name=$4, criticality=$5,"
      " technology=$6, tax_id=$7, region=$8, segment=$9, blocks=$10, email=$11, phone=$12,"
      " service_manager=$13, services=$14, contacts=$15, search_name=$16, search_group=$17,"
      " search_keys=$18, search_doc=$19, version=$20, updated_at=$21"
      " WHERE id=$22 AND version=$20 - 1",
      params);
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("code \"" + c.code + "\" is already used", "code");
    }
    return r.status();
  }
  if (r->Affected() == 0) {
    ATIENDE_RETURN_IF_ERROR(GetCustomer(c.id).status());
    return Status::Conflict("customer " + std::to_string(c.id) +
                            " was changed by someone else; reload and try again")
        .WithReason("version_conflict");
  }
  return Status::Ok();
}

Status PgTx::DeleteCustomer(int64_t id) {
  auto r = c_.Exec("DELETE FROM customers WHERE id = $1", {P(id)});
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kConflict) {
      return Status::Conflict("customer " + std::to_string(id) +
                              " is still referenced (users or records) and cannot be deleted");
    }
    return r.status();
  }
  if (r->Affected() == 0) return Status::NotFound("no customer with id " + std::to_string(id));
  return Status::Ok();
}

Result<User> PgTx::GetUser(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(USER_SELECT "WHERE id = $1", {P(id)}));
  if (r.rows() == 0) return Status::NotFound("no user with id " + std::to_string(id));
  return ReadUser(r, 0);
}

Result<User> PgTx::GetUserByName(std::string_view username) {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(USER_SELECT "WHERE username = $1", {P(username)}));
  if (r.rows() == 0) return Status::NotFound("no user named " + std::string(username));
  return ReadUser(r, 0);
}

Result<std::vector<User>> PgTx::ListUsers() {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(USER_SELECT "ORDER BY username"));
  std::vector<User> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadUser(r, i));
  return out;
}

Status PgTx::InsertUser(User& u) {
  Param customer = u.customer_id ? P(*u.customer_id) : Param();
  auto r = c_.Exec(
      "INSERT INTO users(username, role, customer_id, password_hash, disabled, created_at)"
      " VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
      {P(u.username), P(RoleName(u.role)), customer, P(u.password_hash),
       P(u.disabled ? "true" : "false"), P(Us(u.created_at))});
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("user \"" + u.username + "\" already exists", "username");
    }
    return r.status();
  }
  u.id = r->Int(0, 0);
  return Status::Ok();
}

Status PgTx::UpdateUser(const User& u) {
  Param customer = u.customer_id ? P(*u.customer_id) : Param();
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("UPDATE users SET role=$1, customer_id=$2, password_hash=$3, disabled=$4"
                      " WHERE id=$5",
                      {P(RoleName(u.role)), customer, P(u.password_hash),
                       P(u.disabled ? "true" : "false"), P(u.id)}));
  if (r.Affected() == 0) return Status::NotFound("no user with id " + std::to_string(u.id));
  return Status::Ok();
}

Result<Credential> PgTx::GetCredential(std::string_view token_hash) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("SELECT token_hash, user_id, kind, created_at, expires_at FROM credentials"
                      " WHERE token_hash = $1",
                      {P(token_hash)}));
  if (r.rows() == 0) return Status::NotFound("unknown credential");
  return Credential{r.Text(0, 0), r.Int(0, 1), r.Text(0, 2), At(r.Int(0, 3)), At(r.Int(0, 4))};
}

Status PgTx::InsertCredential(const Credential& c) {
  return c_
      .Exec(
          "INSERT INTO credentials(token_hash, user_id, kind, created_at, expires_at)"
          " VALUES ($1,$2,$3,$4,$5)",
          {P(c.token_hash), P(c.user_id), P(c.kind), P(Us(c.created_at)), P(Us(c.expires_at))})
      .status();
}

Status PgTx::DeleteCredential(std::string_view token_hash) {
  return c_.Exec("DELETE FROM credentials WHERE token_hash = $1", {P(token_hash)}).status();
}

Status PgTx::DeleteExpiredCredentials(TimePoint now) {
  return c_.Exec("DELETE FROM credentials WHERE expires_at <= $1", {P(Us(now))}).status();
}

Status PgTx::AppendAudit(const AuditEntry& e) {
  return c_
      .Exec(
          "INSERT INTO audit(at, actor, action, entity, entity_id, before, after)"
          " VALUES ($1,$2,$3,$4,$5,$6,$7)",
          {P(Us(e.at)), P(e.actor), P(e.action), P(e.entity), P(e.entity_id), P(e.before),
           P(e.after)})
      .status();
}

Result<std::vector<AuditEntry>> PgTx::ListAudit(std::string_view entity, std::string_view entity_id,
                                                int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("SELECT id, at, actor, action, entity, entity_id, before, after FROM audit"
                      " WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR entity_id = $2)"
                      " ORDER BY id DESC LIMIT $3",
                      {P(entity), P(entity_id), P(int64_t{limit})}));
  std::vector<AuditEntry> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.Int(i, 0), At(r.Int(i, 1)), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
                   r.Text(i, 5), r.Text(i, 6), r.Text(i, 7)});
  }
  return out;
}

Result<std::vector<Change>> PgTx::ListChanges(int64_t after_id, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("SELECT a.id, a.at, a.action, a.entity, a.entity_id,"
                      " COALESCE(t.customer_id, c.customer_id) FROM audit a"
                      " LEFT JOIN tickets t ON a.entity = 'ticket' AND t.number = a.entity_id"
                      " LEFT JOIN cases c ON a.entity = 'case' AND c.number = a.entity_id"
                      " WHERE a.id > $1 ORDER BY a.id LIMIT $2",
                      {P(after_id), P(int64_t{limit})}));
  std::vector<Change> out;
  for (int i = 0; i < r.rows(); ++i) {
    Change ch{r.Int(i, 0), At(r.Int(i, 1)), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), std::nullopt};
    if (!r.IsNull(i, 5)) ch.customer_id = r.Int(i, 5);
    out.push_back(std::move(ch));
  }
  return out;
}

Result<int64_t> PgTx::LastAuditId() {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec("SELECT COALESCE(MAX(id), 0) FROM audit", {}));
  return r.Int(0, 0);
}

Status PgTx::EnqueueWork(WorkItem& w) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r,
      c_.Exec("INSERT INTO work_items(kind, payload, due_at) VALUES ($1,$2,$3) RETURNING id",
              {P(w.kind), P(w.payload), P(Us(w.due_at))}));
  w.id = r.Int(0, 0);
  return Status::Ok();
}

Result<std::optional<TimePoint>> PgTx::NextDueWork(std::string_view kind) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("SELECT MIN(t) FROM ((SELECT due_at AS t FROM work_items"
                      " WHERE kind = $1 AND done_at IS NULL AND claimed_until IS NULL"
                      " ORDER BY due_at LIMIT 1)"
                      " UNION ALL SELECT MIN(GREATEST(due_at, claimed_until)) FROM work_items"
                      " WHERE kind = $1 AND done_at IS NULL AND claimed_until IS NOT NULL) AS n",
                      {P(kind)}));
  if (r.rows() == 0 || r.IsNull(0, 0)) return std::optional<TimePoint>();
  return std::optional<TimePoint>(At(r.Int(0, 0)));
}

Result<std::vector<WorkItem>> PgTx::ClaimWork(std::string_view kind, std::string_view owner,
                                              TimePoint now, Micros lease, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r,
      c_.Exec("UPDATE work_items w SET claimed_by = $1, claimed_until = $2,"
              " attempts = w.attempts + 1 FROM (SELECT id FROM work_items WHERE kind = $3"
              " AND done_at IS NULL AND due_at <= $4"
              " AND (claimed_until IS NULL OR claimed_until <= $4)"
              " ORDER BY due_at, id LIMIT $5 FOR UPDATE SKIP LOCKED) due"
              " WHERE w.id = due.id RETURNING w.id, w.kind, w.payload, w.due_at, w.attempts",
              {P(owner), P(Us(now + lease)), P(kind), P(Us(now)), P(int64_t{limit})}));
  std::vector<WorkItem> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(
        {r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), At(r.Int(i, 3)), static_cast<int>(r.Int(i, 4))});
  }
  std::sort(out.begin(), out.end(), [](const WorkItem& a, const WorkItem& b) {
    return a.due_at != b.due_at ? a.due_at < b.due_at : a.id < b.id;
  });
  return out;
}

Status PgTx::CompleteWork(int64_t id, std::string_view owner, TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(auto r,
                           c_.Exec("UPDATE work_items SET done_at = $1, claimed_until = NULL"
                                   " WHERE id = $2 AND claimed_by = $3 AND done_at IS NULL",
                                   {P(Us(now)), P(id), P(owner)}));
  if (r.Affected() == 0) {
    return Status::Conflict("work item " + std::to_string(id) + " is no longer held by " +
                            std::string(owner));
  }
  return Status::Ok();
}

Status PgTx::ReleaseWork(int64_t id, std::string_view owner, TimePoint retry_at) {
  return c_
      .Exec(
          "UPDATE work_items SET due_at = $1, claimed_by = NULL, claimed_until = NULL"
          " WHERE id = $2 AND claimed_by = $3 AND done_at IS NULL",
          {P(Us(retry_at)), P(id), P(owner)})
      .status();
}

}  // namespace atiende::pg
