#include "app/customers.h"

#include "app/audit.h"
#include "app/desks.h"
#include "app/ticket_support.h"
#include "core/text.h"
#include "json/customer_json.h"

namespace atiende {

Result<Customer> CreateCustomer(Deps& d, const Principal& actor, Customer in) {
  ATIENDE_RETURN_IF_ERROR(NormalizeCustomer(in));
  ATIENDE_RETURN_IF_ERROR(CheckServiceIds(in));
  in.created_at = in.updated_at = d.clock.Now();
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, DeskToWrite(d, actor, in.desk));
  in.desk = scope.desk();
  ATIENDE_RETURN_IF_ERROR(d.store.Write(scope, [&](WriteTx& tx) {
    ATIENDE_RETURN_IF_ERROR(tx.customers().Insert(in));
    return Audit(tx, in.created_at, actor, "customer.create", "customer", std::to_string(in.id),
                 nullptr, json::ToJson(in));
  }));
  return in;
}

Status CheckCustomerVersion(const Customer& stored, std::optional<int64_t> expected_version) {
  if (!expected_version || *expected_version == stored.version) return Status::Ok();
  return Status::VersionConflict("customer " + std::to_string(stored.id) + " is at version " +
                                 std::to_string(stored.version) + ", not " +
                                 std::to_string(*expected_version) + "; reload and try again");
}

Result<Customer> UpdateCustomer(Deps& d, const Principal& actor, int64_t id,
                                std::optional<int64_t> expected_version,
                                const std::function<Status(Customer&)>& change) {
  Customer out;
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, ScopeOfCustomer(d, actor, id));
  ATIENDE_RETURN_IF_ERROR(d.store.Write(scope, [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(Customer before, tx.customers().Get(id));
    ATIENDE_RETURN_IF_ERROR(CheckCustomerVersion(before, expected_version));
    Customer after = before;
    ATIENDE_RETURN_IF_ERROR(change(after));
    if (after.desk != before.desk) {
      return Status::InvalidArgument("a customer stays in the desk it was created in (" +
                                         before.desk + "); create it in the other desk instead",
                                     "desk");
    }
    ATIENDE_RETURN_IF_ERROR(NormalizeCustomer(after));
    if (after.services != before.services) ATIENDE_RETURN_IF_ERROR(CheckServiceIds(after));
    after.id = before.id;
    after.created_at = before.created_at;
    if (after.code.empty()) after.code = before.code;
    if (after.SameData(before)) {
      out = before;
      return Status::Ok();
    }
    after.version = before.version + 1;
    after.updated_at = d.clock.Now();
    ATIENDE_RETURN_IF_ERROR(tx.customers().Update(after));
    out = after;
    ATIENDE_RETURN_IF_ERROR(Audit(tx, after.updated_at, actor, "customer.update", "customer",
                                  std::to_string(id), json::ToJson(before), json::ToJson(after)));
    return RefreshTicketRank(tx, d, actor, before, after);
  }));
  return out;
}

Status DeleteCustomer(Deps& d, const Principal& actor, int64_t id) {
  return d.store.Write(ScopeOf(d, actor), [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(Customer before, tx.customers().Get(id));
    ATIENDE_RETURN_IF_ERROR(tx.customers().Delete(id));
    return Audit(tx, d.clock.Now(), actor, "customer.delete", "customer", std::to_string(id),
                 json::ToJson(before), nullptr);
  });
}

Result<Customer> GetCustomer(Deps& d, const Principal& who, int64_t id) {
  if (who.role == Role::kCustomer && who.customer_id != id) {
    return Status::NotFound("no customer with id " + std::to_string(id));
  }
  Result<Customer> out = Status::NotFound("");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(ScopeOf(d, who), [&](ReadTx& tx) {
    out = tx.customers().Get(id);
    return out.status();
  }));
  return out;
}

Result<CustomerSearch> SearchCustomers(Deps& d, const DeskScope& scope, std::string_view text,
                                       int limit) {
  if (text.size() > 200) return Status::InvalidArgument("must be at most 200 bytes", "q");
  if (!text::IsValidUtf8(text)) return Status::InvalidArgument("is not valid UTF-8", "q");
  CustomerSearch out;
  CustomerQuery q{std::string(text), std::clamp(limit, 1, 100)};
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(auto hits, tx.customers().Search(q));
    for (auto& h : hits) out.hits.emplace_back(std::move(h.customer), h.score);
    return Status::Ok();
  }));
  out.derive_to_assurance = out.hits.empty();
  return out;
}

Result<std::vector<Customer>> ListCustomers(Deps& d, const DeskScope& scope, int64_t after_id,
                                            int limit) {
  std::vector<Customer> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.customers().List(after_id, std::clamp(limit, 1, 500)));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<AuditEntry>> CustomerHistory(Deps& d, const DeskScope& scope, int64_t id) {
  std::vector<AuditEntry> entries;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(entries, tx.audit().List("customer", std::to_string(id), 200));
    return tx.customers().Get(id).status();  // another desk's customer: not found
  }));
  return entries;
}

}  // namespace atiende
