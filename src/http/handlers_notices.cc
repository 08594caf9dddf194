// Handlers: dispatch notices (ZB-2 … ZB-9) — create (idempotent by external
// id), read, list, change the visit and observations, close with the outcome.
#include "app/desks.h"
#include "app/notices.h"
#include "http/api.h"
#include "json/notice_json.h"

namespace atiende::http {

namespace bj = boost::json;

namespace {

Response NoticeResponse(int status, const Notice& n) {
  return WithEtag(Json(status, json::ToJson(n)), n.version);
}

Result<NewNoticeInput> ReadNewNotice(const bj::object& b) {
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"number", "external_id", "customer_id", "visit_day",
                                         "location_ref", "phone_1", "phone_2", "observations"}));
  NewNoticeInput in;
  ATIENDE_ASSIGN_OR_RETURN(auto customer, IntField(b, "customer_id"));
  if (!customer) return Status::InvalidArgument("is required", "customer_id");
  in.customer_id = *customer;
  for (auto [name, dest] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"number", &in.number},
           {"external_id", &in.external_id},
           {"visit_day", &in.visit_day},
           {"location_ref", &in.location_ref},
           {"phone_1", &in.phone_1},
           {"phone_2", &in.phone_2},
           {"observations", &in.observations}}) {
    ATIENDE_ASSIGN_OR_RETURN(auto v, StringField(b, name));
    if (v) *dest = std::move(*v);
  }
  return in;
}

}  // namespace

Result<Response> Api::CreateNoticeRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_ASSIGN_OR_RETURN(auto in, ReadNewNotice(body));
  ATIENDE_ASSIGN_OR_RETURN(auto made, CreateNotice(deps_, *req.principal, std::move(in)));
  // 201 for a new notice; 200 with the existing one for a retry.
  Response r = NoticeResponse(made.created ? 201 : 200, made.notice);
  r.headers.emplace_back("Location", "/api/v1/notices/" + made.notice.number);
  return r;
}

Result<Response> Api::GetNoticeRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(Notice n,
                           GetNotice(deps_, ScopeOf(deps_, *req.principal), req.params["number"]));
  return NoticeResponse(200, n);
}

Result<Response> Api::PatchNoticeRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(
      b, {"visit_day", "location_ref", "phone_1", "phone_2", "observations", "version"}));
  NoticeChange c;
  ATIENDE_ASSIGN_OR_RETURN(c.visit_day, StringField(b, "visit_day"));
  ATIENDE_ASSIGN_OR_RETURN(c.location_ref, StringField(b, "location_ref"));
  ATIENDE_ASSIGN_OR_RETURN(c.phone_1, StringField(b, "phone_1"));
  ATIENDE_ASSIGN_OR_RETURN(c.phone_2, StringField(b, "phone_2"));
  ATIENDE_ASSIGN_OR_RETURN(c.observations, StringField(b, "observations"));
  ATIENDE_ASSIGN_OR_RETURN(auto expected, ExpectedVersion(req, &b));
  ATIENDE_ASSIGN_OR_RETURN(
      Notice n, UpdateNotice(deps_, *req.principal, req.params["number"], expected, std::move(c)));
  return NoticeResponse(200, n);
}

Result<Response> Api::CloseNoticeRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"outcome", "observations", "version"}));
  ATIENDE_ASSIGN_OR_RETURN(std::optional<std::string> outcome_name,
                           StringField(b, "outcome", true));
  auto outcome = ParseNoticeOutcome(outcome_name.value_or(""));
  if (!outcome) {
    return Status::InvalidArgument(
        "must be apta (the installation is fit to be supplied) or no_apta", "outcome");
  }
  ATIENDE_ASSIGN_OR_RETURN(auto observations, StringField(b, "observations"));
  ATIENDE_ASSIGN_OR_RETURN(auto expected, ExpectedVersion(req, &b));
  ATIENDE_ASSIGN_OR_RETURN(Notice n, CloseNotice(deps_, *req.principal, req.params["number"],
                                                 *outcome, observations.value_or(""), expected));
  return NoticeResponse(200, n);
}

Result<Response> Api::ListNoticesRoute(Request& req) {
  NoticeQuery q;
  if (auto it = req.query.find("customer_id"); it != req.query.end()) {
    ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.query, "customer_id"));
    q.customer_id = id;
  }
  if (auto it = req.query.find("state"); it != req.query.end() && !it->second.empty()) {
    q.state = ParseNoticeState(it->second);
    if (!q.state) return Status::InvalidArgument("must be open or closed", "state");
  }
  ATIENDE_ASSIGN_OR_RETURN(Page page, PageParams(req.query));
  q.limit = page.limit;
  q.offset = page.offset;
  ATIENDE_ASSIGN_OR_RETURN(auto list, ListNotices(deps_, ScopeOf(deps_, *req.principal), q));
  bj::array items;
  for (const auto& n : list) items.push_back(json::ToJson(n));
  return Json(200, PageJson(std::move(items), page));
}

}  // namespace atiende::http
