// The customer master's rows, for both backends. The search index beside them
// is the backend's own (CustomerIndex: sqlite/sqlite_search.cc,
// postgres/pg_search.cc), kept in step in the same transaction.
#include <algorithm>
#include <random>

#include "core/phone.h"
#include "core/text.h"
#include "json/customer_json.h"
#include "store/sql/memory_index.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace bj = boost::json;

namespace {

#define CUSTOMER_SELECT                                                                        \
  "SELECT id, code, legal_name, group_name, criticality, technology, tax_id, region, segment," \
  " blocks, email, phone, service_manager, services, contacts, version, created_at,"           \
  " updated_at, desk_id FROM customers "

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
  // JSON columns are written by this layer only; a parse failure leaves defaults.
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
  c.desk = s.Text(18);
  return c;
}

// Binds the business columns at 1..15: code, legal_name, name_key,
// group_name, criticality, technology, tax_id, region, segment, blocks, email,
// phone, service_manager, services, contacts.
void BindCustomer(Stmt& s, const Customer& c) {
  s.Bind(1, c.code)
      .Bind(2, c.legal_name)
      .Bind(3, text::FoldName(c.legal_name))
      .Bind(4, c.group)
      .Bind(5, c.criticality)
      .Bind(6, c.technology)
      .Bind(7, c.tax_id)
      .Bind(8, c.region)
      .Bind(9, c.segment)
      .Bind(10, JoinBlocks(c.blocks))
      .Bind(11, c.email)
      .Bind(12, c.phone)
      .Bind(13, bj::serialize(json::ToJson(c.service_manager)))
      .Bind(14, bj::serialize(json::ToJson(c.services)))
      .Bind(15, bj::serialize(json::ToJson(c.contacts)));
}

Status CodeTaken(const std::string& code) {
  return Status::AlreadyExists("code \"" + code + "\" is already used in this desk", "code");
}

// A code no customer has, to insert a customer whose code is its id: unique
// per insert, so concurrent inserts never wait on one unique-index entry.
std::string PendingCode() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return "\x01pending-" + std::to_string(random());
}

}  // namespace

// In the customer SELECTs, ?2 (or the parameter after the key) is the scope's
// desk: "" matches every desk.
#define IN_DESK " AND (?2 = '' OR desk_id = ?2)"

Result<std::optional<Customer>> SqlCustomers::One(const char* sql, std::string_view key) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(sql));
  st->Bind(1, key).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Customer>();
  return std::optional<Customer>(ReadCustomer(*st));
}

Result<Customer> SqlCustomers::Get(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(CUSTOMER_SELECT "WHERE id = ?1" IN_DESK));
  st->Bind(1, id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no customer with id " + std::to_string(id));
  return ReadCustomer(*st);
}

Result<Customer> SqlCustomers::GetByCode(std::string_view code) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto c, One(CUSTOMER_SELECT "WHERE code = ?1" IN_DESK " ORDER BY id LIMIT 1", code));
  if (!c) return Status::NotFound("no customer with code " + std::string(code));
  return std::move(*c);
}

Result<std::optional<Customer>> SqlCustomers::FindByKey(std::string_view code,
                                                        std::string_view tax_id,
                                                        std::string_view legal_name) {
  if (!code.empty())
    return One(CUSTOMER_SELECT "WHERE code = ?1" IN_DESK " ORDER BY id LIMIT 1", code);
  if (!tax_id.empty()) {
    return One(CUSTOMER_SELECT "WHERE tax_id = ?1" IN_DESK " ORDER BY id LIMIT 1", tax_id);
  }
  return One(CUSTOMER_SELECT "WHERE name_key = ?1" IN_DESK " ORDER BY id LIMIT 1",
             text::FoldName(legal_name));
}

Result<std::vector<CustomerHit>> SqlCustomers::Search(const CustomerQuery& q) {
  ATIENDE_ASSIGN_OR_RETURN(auto ranked, index_.Search(q, desk_));
  std::vector<CustomerHit> hits;
  hits.reserve(ranked.size());
  for (const auto& r : ranked) {
    auto c = Get(r.id);
    // The database is the truth: an index fed by another node's change feed
    // may still hold a customer deleted there a moment ago; that hit goes.
    if (!c.ok() && c.status().code() == Status::Code::kNotFound) continue;
    if (!c.ok()) return c.status();
    hits.push_back({std::move(*c), r.score});
  }
  return hits;
}

Result<std::vector<Customer>> SqlCustomers::List(int64_t after_id, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(CUSTOMER_SELECT "WHERE id > ?1" IN_DESK " ORDER BY id LIMIT ?3"));
  st->Bind(1, after_id).Bind(2, desk_).Bind(3, int64_t{limit});
  return ReadAll<Customer>(*st, ReadCustomer);
}

Result<int64_t> SqlCustomers::Count() {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT count(*) FROM customers WHERE (?1 = '' OR desk_id = ?1)"));
  st->Bind(1, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

// The columns every write binds at 1..17 (BindCustomer, then created_at or
// version, then updated_at), then (inserts) desk_id at 18, then the
// backend's search columns in {…}.
#define CUSTOMER_INSERT_COLUMNS                                                  \
  "INSERT INTO customers(code, legal_name, name_key, group_name, criticality,"   \
  " technology, tax_id, region, segment, blocks, email, phone, service_manager," \
  " services, contacts, created_at, updated_at, desk_id, version"                \
  "{, search_name, search_group, search_keys, search_doc}"
#define CUSTOMER_INSERT_VALUES "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1{,?,?,?,?}"

Status SqlCustomers::Insert(Customer& c) {
  // A customer without a code gets "C<id>": with the id taken first where the
  // backend can, else inserted with a placeholder and set after.
  ATIENDE_ASSIGN_OR_RETURN(c.desk, DeskFor(c.desk, desk_, "customer"));
  bool assign_code = c.code.empty();
  std::optional<int64_t> id;
  if (assign_code) {
    ATIENDE_ASSIGN_OR_RETURN(id, index_.NewId());
    c.code = id ? "C" + std::to_string(*id) : PendingCode();
  }
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      id ? c_.Query(CUSTOMER_INSERT_COLUMNS
                    ", id) {OVERRIDING SYSTEM VALUE} VALUES " CUSTOMER_INSERT_VALUES
                    ", ?) {RETURNING id}")
         : c_.Query(CUSTOMER_INSERT_COLUMNS ") VALUES " CUSTOMER_INSERT_VALUES ") {RETURNING id}"));
  BindCustomer(*st, c);
  st->Bind(16, Us(c.created_at)).Bind(17, Us(c.updated_at)).Bind(18, c.desk);
  int next = index_.BindColumns(*st, 19, c);
  if (id) st->Bind(next, *id);
  Status s = st->Run();
  auto inserted = st->InsertedId();
  if (!s.ok() || !inserted) {
    Status taken = CodeTaken(c.code);
    if (assign_code) c.code.clear();
    if (s.code() == Status::Code::kAlreadyExists) return taken;
    return s.ok() ? Status::Internal("inserting a customer returned no id") : s;
  }
  c.id = *inserted;
  c.version = 1;
  if (assign_code && !id) {
    c.code = "C" + std::to_string(c.id);
    ATIENDE_ASSIGN_OR_RETURN(auto up, c_.Query("UPDATE customers SET code = ? WHERE id = ?"));
    up->Bind(1, c.code).Bind(2, c.id);
    Status s = up->Run();
    if (s.code() == Status::Code::kAlreadyExists) return CodeTaken(c.code);
    ATIENDE_RETURN_IF_ERROR(s);
  }
  ATIENDE_RETURN_IF_ERROR(IndexPhones(c));
  return index_.Index(c, /*is_new=*/true);
}

Status SqlCustomers::Update(const Customer& c) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query("UPDATE customers SET code=?, legal_name=?, name_key=?, group_name=?,"
               " criticality=?, technology=?, tax_id=?, region=?, segment=?, blocks=?, email=?,"
               " phone=?, service_manager=?, services=?, contacts=?, version=?, updated_at=?"
               "{, search_name=?, search_group=?, search_keys=?, search_doc=?}"
               " WHERE id=? AND version=?"));
  BindCustomer(*st, c);
  st->Bind(16, c.version).Bind(17, Us(c.updated_at));
  int next = index_.BindColumns(*st, 18, c);
  st->Bind(next, c.id).Bind(next + 1, c.version - 1);
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) return CodeTaken(c.code);
  ATIENDE_RETURN_IF_ERROR(s);
  if (st->Changes() == 0) {
    ATIENDE_RETURN_IF_ERROR(Get(c.id).status());
    return Status::VersionConflict("customer " + std::to_string(c.id) +
                                   " was changed by someone else; reload and try again");
  }
  ATIENDE_RETURN_IF_ERROR(IndexPhones(c));
  return index_.Index(c, /*is_new=*/false);
}

Status SqlCustomers::Delete(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("DELETE FROM customers WHERE id = ?"));
  st->Bind(1, id);
  Status s = st->Run();
  if (s.code() == Status::Code::kConflict) {
    return Status::Conflict("customer " + std::to_string(id) +
                            " is still referenced (users or records) and cannot be deleted");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  if (st->Changes() == 0) return Status::NotFound("no customer with id " + std::to_string(id));
  ATIENDE_ASSIGN_OR_RETURN(auto phones,
                           c_.Query("DELETE FROM customer_phones WHERE customer_id = ?"));
  phones->Bind(1, id);
  ATIENDE_RETURN_IF_ERROR(phones->Run());
  return index_.Unindex(id);
}

Result<std::string> SqlCustomers::DeskPhoneRegion(const std::string& desk) {
  auto known = phone_region_.find(desk);
  if (known != phone_region_.end()) return known->second;
  SqlDesks desks(c_.conn());
  auto d = desks.Get(desk);
  std::string country = kDefaultPhoneRegion;
  if (d.ok()) {
    if (CallingCodeOf(d->phone_region)) country = d->phone_region;
  } else if (d.status().code() != Status::Code::kNotFound) {
    return d.status();
  }
  phone_region_[desk] = country;
  return country;
}

Status SqlCustomers::IndexPhones(const Customer& c) {
  ATIENDE_ASSIGN_OR_RETURN(auto del, c_.Query("DELETE FROM customer_phones WHERE customer_id = ?"));
  del->Bind(1, c.id);
  ATIENDE_RETURN_IF_ERROR(del->Run());
  ATIENDE_ASSIGN_OR_RETURN(std::string country, DeskPhoneRegion(c.desk));
  std::vector<std::pair<std::string, std::string>> rows;  // (E.164, contact)
  auto add = [&](const std::string& phone, const std::string& contact) {
    if (phone.empty()) return;
    auto e164 = NormalizePhone(phone, "phone", country);
    if (!e164.ok()) return;  // free text that is not a number: not callable
    std::pair<std::string, std::string> row{*e164, contact};
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(std::move(row));
  };
  add(c.phone, "");
  for (const auto& k : c.contacts) add(k.phone, k.name);
  for (const auto& [phone, contact] : rows) {
    ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("INSERT INTO customer_phones(desk_id, phone,"
                                               " customer_id, contact) VALUES (?,?,?,?)"));
    st->Bind(1, c.desk).Bind(2, phone).Bind(3, c.id).Bind(4, contact);
    ATIENDE_RETURN_IF_ERROR(st->Run());
  }
  return Status::Ok();
}

Result<std::vector<PhoneMatch>> SqlCustomers::FindByPhone(std::string_view e164, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT customer_id, contact FROM customer_phones"
                                             " WHERE (?1 = '' OR desk_id = ?1) AND phone = ?2"
                                             " ORDER BY customer_id, contact LIMIT ?3"));
  st->Bind(1, desk_).Bind(2, e164).Bind(3, int64_t{limit});
  return ReadAll<PhoneMatch>(*st, [](const Stmt& s) { return PhoneMatch{s.Int(0), s.Text(1)}; });
}

Result<bool> SqlCustomers::PhoneIndexPending() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT COUNT(*) FROM customer_phones_pending"));
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row && st->Int(0) > 0;
}

Status SqlCustomers::PhoneIndexFilled() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("DELETE FROM customer_phones_pending"));
  return st->Run();
}

}  // namespace atiende::sql

namespace atiende::sql {

namespace {
SearchDoc ReadSearchDoc(const Stmt& s) {
  return {s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6)};
}
}  // namespace

Status ReadSearchDocs(Conn& c, int64_t after_id, int limit, std::vector<SearchDoc>& out) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c.Query("SELECT id, version, desk_id, legal_name, group_name,"
                                            " code, tax_id FROM customers WHERE id > ?"
                                            " ORDER BY id LIMIT ?"));
  st->Bind(1, after_id).Bind(2, int64_t{limit});
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadSearchDoc(*st));
  }
  return Status::Ok();
}

Status ReadSearchDocsById(Conn& c, const std::vector<int64_t>& ids, std::vector<SearchDoc>& out) {
  for (int64_t id : ids) {
    ATIENDE_ASSIGN_OR_RETURN(auto one, c.Query("SELECT id, version, desk_id, legal_name,"
                                               " group_name, code, tax_id FROM customers"
                                               " WHERE id = ?"));
    one->Bind(1, id);
    ATIENDE_ASSIGN_OR_RETURN(bool row, one->Step());
    if (row) out.push_back(ReadSearchDoc(*one));
  }
  return Status::Ok();
}

}  // namespace atiende::sql
