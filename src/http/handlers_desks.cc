// Handlers: desks (docs/desks.md) — list, read, create, change.
#include "app/desks.h"
#include "http/api.h"
#include "json/desk_json.h"

namespace atiende::http {

namespace bj = boost::json;

namespace {

Response DeskResponse(int status, const Desk& d) {
  return WithEtag(Json(status, json::ToJson(d)), d.version);
}

}  // namespace

Result<Response> Api::ListDesksRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto desks, ListDesks(deps_, *req.principal));
  bj::array items;
  for (const auto& d : desks) items.push_back(json::ToJson(d));
  return Json(200, bj::object{{"count", items.size()}, {"items", std::move(items)}});
}

Result<Response> Api::GetDeskRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(Desk d, GetDesk(deps_, *req.principal, req.params["id"]));
  return DeskResponse(200, d);
}

Result<Response> Api::CreateDeskRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  Desk d;
  auto* id = body.if_contains("id");
  if (!id) return Status::InvalidArgument("is required", "id");
  if (!id->is_string()) return Status::InvalidArgument("must be a string", "id");
  d.id = std::string(id->as_string());
  ATIENDE_RETURN_IF_ERROR(json::ApplyDeskJson(body, d));
  ATIENDE_ASSIGN_OR_RETURN(Desk made, CreateDesk(deps_, *req.principal, std::move(d)));
  return DeskResponse(201, made);
}

Result<Response> Api::PatchDeskRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_ASSIGN_OR_RETURN(Desk d, GetDesk(deps_, *req.principal, req.params["id"]));
  if (auto* id = body.if_contains("id"); id && (!id->is_string() || id->as_string() != d.id)) {
    return Status::InvalidArgument("a desk's id does not change", "id");
  }
  ATIENDE_ASSIGN_OR_RETURN(auto expected, ExpectedVersion(req, &body));
  if (expected) d.version = *expected;
  ATIENDE_RETURN_IF_ERROR(json::ApplyDeskJson(body, d));
  ATIENDE_ASSIGN_OR_RETURN(Desk saved, UpdateDesk(deps_, *req.principal, std::move(d)));
  return DeskResponse(200, saved);
}

Result<Response> Api::DeleteDeskRoute(Request& req) {
  ATIENDE_RETURN_IF_ERROR(DeleteDesk(deps_, *req.principal, req.params["id"]));
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace atiende::http
