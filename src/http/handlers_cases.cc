// Handlers: cases of procedures (ZB-1 … ZB-10) — open from an intake, read
// (the current step's form, the notice, the timeline), answer a step, list
// queues; and the procedures themselves, for the console to render forms.
#include "app/cases.h"
#include "app/desks.h"
#include "app/procedures.h"
#include "http/api.h"
#include "json/case_json.h"

namespace atiende::http {

namespace bj = boost::json;

namespace {

bj::object View(const CaseDetail& d, TimePoint now, bool with_timeline) {
  return json::ToJson(json::CaseView{d.c, d.procedure, d.customer ? &*d.customer : nullptr,
                                     d.notice ? &*d.notice : nullptr, now},
                      with_timeline);
}

Response CaseResponse(int status, const CaseDetail& d, TimePoint now) {
  return WithEtag(Json(status, View(d, now, true)), d.c.version);
}

Result<std::vector<std::string>> StringList(const bj::object& o, std::string_view name) {
  std::vector<std::string> out;
  auto* v = o.if_contains(name);
  if (!v || v->is_null()) return out;
  if (v->is_string()) {
    out.emplace_back(v->as_string());
    return out;
  }
  if (!v->is_array())
    return Status::InvalidArgument("must be a list of strings", "intake." + std::string(name));
  for (const auto& x : v->as_array()) {
    if (!x.is_string())
      return Status::InvalidArgument("must be a list of strings", "intake." + std::string(name));
    out.emplace_back(x.as_string());
  }
  return out;
}

Result<CaseIntake> ReadIntake(const bj::object& body) {
  auto* v = body.if_contains("intake");
  if (!v || !v->is_object()) {
    return Status::InvalidArgument("is required: {caller, phones, comment}", "intake");
  }
  const auto& o = v->as_object();
  for (const auto& [k, x] : o) {
    if (k != "caller" && k != "phones" && k != "comment") {
      return Status::InvalidArgument("unknown field", "intake." + std::string(k));
    }
  }
  CaseIntake in;
  ATIENDE_ASSIGN_OR_RETURN(auto caller, StringField(o, "caller"));
  ATIENDE_ASSIGN_OR_RETURN(auto comment, StringField(o, "comment"));
  ATIENDE_ASSIGN_OR_RETURN(in.phones, StringList(o, "phones"));
  in.caller = caller.value_or("");
  in.comment = comment.value_or("");
  return in;
}

}  // namespace

Result<Response> Api::OpenCaseRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(body, {"procedure", "customer_id", "intake"}));
  ATIENDE_ASSIGN_OR_RETURN(auto procedure, StringField(body, "procedure", true));
  ATIENDE_ASSIGN_OR_RETURN(auto customer, IntField(body, "customer_id"));
  if (!customer) return Status::InvalidArgument("is required", "customer_id");
  ATIENDE_ASSIGN_OR_RETURN(CaseIntake intake, ReadIntake(body));
  ATIENDE_ASSIGN_OR_RETURN(auto opened, OpenCase(deps_, *req.principal, procedure.value_or(""),
                                                 *customer, std::move(intake)));
  WakeMail();
  // 201 for a new case; 200 with the open case the intake was added to (ZB-1).
  Response r = CaseResponse(opened.created ? 201 : 200, opened.detail, deps_.clock.Now());
  r.headers.emplace_back("Location", "/api/v1/cases/" + opened.detail.c.number);
  return r;
}

Result<Response> Api::GetCaseRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto detail,
                           GetCase(deps_, ScopeOf(deps_, *req.principal), req.params["number"]));
  return CaseResponse(200, detail, deps_.clock.Now());
}

Result<Response> Api::SubmitCaseStepRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(body, {"outcome", "fields", "version"}));
  StepAnswer a;
  a.step = req.params["step"];
  ATIENDE_ASSIGN_OR_RETURN(auto outcome, StringField(body, "outcome", true));
  a.outcome = outcome.value_or("");
  if (auto* f = body.if_contains("fields"); f && !f->is_null()) {
    if (!f->is_object()) return Status::InvalidArgument("must be an object", "fields");
    for (const auto& [k, v] : f->as_object()) {
      if (v.is_null()) continue;
      if (!v.is_string())
        return Status::InvalidArgument("must be a string", "fields." + std::string(k));
      a.fields[std::string(k)] = std::string(v.as_string());
    }
  }
  ATIENDE_ASSIGN_OR_RETURN(std::optional<int64_t> expected, ExpectedVersion(req, &body));
  ATIENDE_ASSIGN_OR_RETURN(auto detail, SubmitCaseStep(deps_, *req.principal, req.params["number"],
                                                       std::move(a), expected));
  WakeMail();
  return CaseResponse(200, detail, deps_.clock.Now());
}

Result<Response> Api::ListCasesRoute(Request& req) {
  CaseQuery q;
  if (auto it = req.query.find("procedure"); it != req.query.end()) q.procedure = it->second;
  if (auto it = req.query.find("state"); it != req.query.end() && !it->second.empty()) {
    q.state = ParseCaseState(it->second);
    if (!q.state) return Status::InvalidArgument("must be open or closed", "state");
  }
  if (auto it = req.query.find("role"); it != req.query.end() && !it->second.empty()) {
    auto role = ParseRole(it->second);
    if (!role || *role == Role::kCustomer) {
      return Status::InvalidArgument(
          "must be a staff role (supervisor, dispatch, back_office, ...)", "role");
    }
    q.role = it->second;
  }
  if (req.query.count("customer_id")) {
    ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.query, "customer_id"));
    q.customer_id = id;
  }
  ATIENDE_ASSIGN_OR_RETURN(Page page, PageParams(req.query));
  q.limit = page.limit;
  q.offset = page.offset;
  ATIENDE_ASSIGN_OR_RETURN(auto list, ListCases(deps_, ScopeOf(deps_, *req.principal), q));
  TimePoint now = deps_.clock.Now();
  bj::array items;
  for (const auto& d : list) items.push_back(View(d, now, false));
  return Json(200, PageJson(std::move(items), page));
}

Result<Response> Api::ListProceduresRoute(Request& req) {
  bj::array items;
  // The procedures the request's desk runs; ?all=true: every loaded one, for
  // an admin choosing what a desk runs.
  auto all = req.query.find("all");
  const bool every = all != req.query.end() && all->second != "false";
  if (every && req.principal->role != Role::kAdmin) {
    return Status::PermissionDenied("only admins list every procedure (all=true)");
  }
  const Desk& desk = deps_.desks->For(req.principal->desk).desk;
  if (deps_.procedures) {
    for (const auto& p : deps_.procedures->all()) {
      if (!every && std::find(desk.procedures.begin(), desk.procedures.end(), p.id) ==
                        desk.procedures.end()) {
        continue;
      }
      bj::array steps;
      for (const auto& s : p.steps) steps.push_back(json::StepJson(s));
      items.push_back(bj::object{{"id", p.id},
                                 {"title", p.title},
                                 {"number_prefix", p.number_prefix},
                                 {"requires_block", p.requires_block},
                                 {"start", p.start},
                                 {"steps", std::move(steps)}});
    }
  }
  return Json(200, bj::object{{"count", items.size()}, {"items", std::move(items)}});
}

}  // namespace atiende::http
