// Handlers: the customer master — search, CRUD, import, history.
#include "app/customers.h"
#include "app/desks.h"
#include "app/import_customers.h"
#include "core/time_format.h"
#include "http/api.h"
#include "json/customer_json.h"

namespace atiende::http {

Result<Response> Api::SearchCustomers(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t limit, IntParam(req.query, "limit", 20));
  if (limit < 1 || limit > 100) return Status::InvalidArgument("must be from 1 to 100", "limit");
  boost::json::array items;
  auto q = req.query.find("q");
  if (q == req.query.end()) {
    ATIENDE_ASSIGN_OR_RETURN(int64_t after, IntParam(req.query, "after", 0));
    ATIENDE_ASSIGN_OR_RETURN(auto list, ListCustomers(deps_, ScopeOf(deps_, *req.principal), after,
                                                      static_cast<int>(limit)));
    for (const auto& c : list) items.push_back(json::ToJson(c));
    boost::json::object out{{"items", std::move(items)}};
    out["next_after"] =
        list.size() == static_cast<size_t>(limit) ? boost::json::value(list.back().id) : nullptr;
    return Json(200, out);
  }
  ATIENDE_ASSIGN_OR_RETURN(
      auto found, atiende::SearchCustomers(deps_, ScopeOf(deps_, *req.principal), q->second,
                                           static_cast<int>(limit)));
  for (auto& [c, score] : found.hits) {
    auto o = json::ToJson(c);
    o["score"] = std::round(score * 1000) / 1000;
    items.push_back(std::move(o));
  }
  boost::json::object out{{"query", q->second}, {"count", items.size()}};
  if (found.derive_to_assurance) {
    out["derive_to"] = "assurance";
    out["hint"] =
        "No customer in the master matches; per the NM protocol the call is derived to Assurance.";
  }
  out["items"] = std::move(items);
  return Json(200, out);
}

Result<Response> Api::CreateCustomer(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  Customer in;
  ATIENDE_RETURN_IF_ERROR(json::ApplyCustomerJson(body, in));
  ATIENDE_ASSIGN_OR_RETURN(Customer c, atiende::CreateCustomer(deps_, *req.principal, in));
  Response r = WithEtag(Json(201, json::ToJson(c)), c.version);
  r.headers.emplace_back("Location", "/api/v1/customers/" + std::to_string(c.id));
  return r;
}

Result<Response> Api::GetCustomer(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(Customer c, atiende::GetCustomer(deps_, *req.principal, id));
  return WithEtag(Json(200, json::ToJson(c)), c.version);
}

Result<Response> Api::PatchCustomer(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_ASSIGN_OR_RETURN(std::optional<int64_t> expected, ExpectedVersion(req, &body));
  ATIENDE_ASSIGN_OR_RETURN(
      Customer c, UpdateCustomer(deps_, *req.principal, id, expected,
                                 [&](Customer& c) { return json::ApplyCustomerJson(body, c); }));
  return WithEtag(Json(200, json::ToJson(c)), c.version);
}

Result<Response> Api::DeleteCustomer(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_RETURN_IF_ERROR(atiende::DeleteCustomer(deps_, *req.principal, id));
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Result<Response> Api::ImportCustomers(Request& req) {
  if (req.body.empty()) {
    return Status::InvalidArgument("send the file (TSV, CSV or XLSX) as the request body", "body");
  }
  ImportOptions opt;
  opt.dry_run = req.query.count("dry_run") && req.query["dry_run"] != "false";
  opt.strict = req.query.count("strict") && req.query["strict"] != "false";
  ATIENDE_ASSIGN_OR_RETURN(ImportReport rep,
                           atiende::ImportCustomers(deps_, *req.principal, req.body, opt));
  boost::json::array rejected;
  for (const auto& x : rep.rejected) {
    rejected.push_back({{"row", x.row}, {"field", x.field}, {"reason", x.reason}});
  }
  return Json(200, {{"rows", rep.rows},
                    {"created", rep.created},
                    {"updated", rep.updated},
                    {"unchanged", rep.unchanged},
                    {"rejected", std::move(rejected)},
                    {"dry_run", rep.dry_run}});
}

Result<Response> Api::CustomerHistory(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(auto entries,
                           atiende::CustomerHistory(deps_, ScopeOf(deps_, *req.principal), id));
  boost::json::array items;
  for (const auto& e : entries) {
    auto parse = [](const std::string& s) -> boost::json::value {
      if (s.empty()) return nullptr;
      auto v = json::Parse(s);
      return v.ok() ? *v : boost::json::value(s);
    };
    items.push_back({{"at", FormatInstant(e.at)},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"before", parse(e.before)},
                     {"after", parse(e.after)}});
  }
  return Json(200, {{"items", std::move(items)}});
}

}  // namespace atiende::http
