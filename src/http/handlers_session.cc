// Handlers: signing in and out, one's own password, users (disabling and
// enabling them), sessions and API tokens (listing and revoking them).
#include "app/credentials.h"
#include "app/desks.h"
#include "app/sessions.h"
#include "app/users.h"
#include "core/time_format.h"
#include "http/api.h"

namespace atiende::http {

namespace {

boost::json::object PrincipalJson(const Principal& p) {
  boost::json::object o{{"id", p.user_id}, {"username", p.username}, {"role", RoleName(p.role)}};
  o["customer_id"] = p.customer_id ? boost::json::value(*p.customer_id) : nullptr;
  boost::json::array desks;
  for (const auto& d : p.desks) desks.emplace_back(d);
  o["desks"] = std::move(desks);
  return o;
}

// What the console needs to show a desk and its times as the desk sees them
// (G-4): its name, zone and language, and the procedures it runs (screens
// of the others stay out of its menu).
boost::json::object DeskJson(const Desk& d) {
  boost::json::array procedures;
  for (const auto& p : d.procedures) procedures.emplace_back(p);
  return {{"id", d.id},
          {"name", d.name},
          {"time_zone", d.time_zone},
          {"language", d.language},
          {"phone_region", d.phone_region},
          {"procedures", std::move(procedures)}};
}

// The desks the principal may switch between (an admin of every desk: all).
boost::json::array DesksJson(const DeskBook& book, const Principal& p) {
  boost::json::array out;
  const std::vector<std::string> ids =
      p.desks.empty() && p.role == Role::kAdmin ? book.ids() : p.desks;
  for (const auto& id : ids) out.push_back(DeskJson(book.For(id).desk));
  return out;
}

// The session's answer: the user, the desk the request acted in (the user's
// only one when it named none; null when the user has several and named none)
// and the desks to choose from.
boost::json::object SessionJson(const DeskBook& book, const Principal& p) {
  boost::json::array desks = DesksJson(book, p);
  boost::json::value desk = nullptr;
  if (!p.desk.empty()) {
    desk = DeskJson(book.For(p.desk).desk);
  } else if (desks.size() == 1) {
    desk = desks.front();
  }
  boost::json::object o{{"user", PrincipalJson(p)}, {"desks", std::move(desks)}};
  o["desk"] = std::move(desk);
  return o;
}

// A user as GET /users lists them (UserEntry).
boost::json::object UserEntryJson(const User& u) {
  auto o = PrincipalJson({u.id, u.username, u.role, u.customer_id, u.desks, ""});
  o["disabled"] = u.disabled;
  o["created_at"] = FormatInstant(u.created_at);
  return o;
}

// A session or API token (Credential): never its secret or hash.
boost::json::object CredentialJson(const CredentialInfo& c) {
  return {{"id", c.id},
          {"username", c.username},
          {"kind", c.kind},
          {"created_at", FormatInstant(c.created_at)},
          {"expires_at", FormatInstant(c.expires_at)},
          {"current", c.current},
          {"desk", c.desk.empty() ? boost::json::value(nullptr) : boost::json::value(c.desk)}};
}

Result<std::string> StringMember(const boost::json::object& o, const char* name) {
  auto* v = o.if_contains(name);
  if (!v) return Status::InvalidArgument("is required", name);
  if (!v->is_string()) return Status::InvalidArgument("must be a string", name);
  return std::string(v->as_string());
}

}  // namespace

Result<Response> Api::Login(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_ASSIGN_OR_RETURN(std::string username, StringMember(body, "username"));
  ATIENDE_ASSIGN_OR_RETURN(std::string password, StringMember(body, "password"));
  ATIENDE_ASSIGN_OR_RETURN(SessionGrant g,
                           atiende::Login(deps_, username, password, req.remote_address));
  boost::json::object session = SessionJson(*deps_.desks, g.principal);
  session["expires_at"] = FormatInstant(g.expires_at);
  Response r = Json(200, std::move(session));
  std::string cookie = "atiende_session=" + g.token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(std::chrono::seconds(kSessionLifetime).count());
  if (options_.secure_cookies) cookie += "; Secure";
  r.headers.emplace_back("Set-Cookie", cookie);
  return r;
}

Result<Response> Api::Logout(Request& req) {
  ATIENDE_RETURN_IF_ERROR(atiende::Logout(deps_, req.credential));
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("Set-Cookie",
                         "atiende_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return r;
}

Result<Response> Api::WhoAmI(Request& req) {
  return Json(200, SessionJson(*deps_.desks, *req.principal));
}

Result<Response> Api::ListUsers(Request&) {
  ATIENDE_ASSIGN_OR_RETURN(auto users, atiende::ListUsers(deps_));
  boost::json::array items;
  for (const auto& u : users) items.push_back(UserEntryJson(u));
  return Json(200, {{"items", std::move(items)}});
}

Result<Response> Api::CreateUser(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  NewUser in;
  for (const auto& [k, v] : body) {
    if (k != "username" && k != "role" && k != "customer_code" && k != "password" && k != "desks") {
      return Status::InvalidArgument("is not a known field", std::string(k));
    }
  }
  ATIENDE_ASSIGN_OR_RETURN(in.username, StringMember(body, "username"));
  ATIENDE_ASSIGN_OR_RETURN(in.role, StringMember(body, "role"));
  ATIENDE_ASSIGN_OR_RETURN(in.password, StringMember(body, "password"));
  if (body.contains("customer_code")) {
    ATIENDE_ASSIGN_OR_RETURN(in.customer_code, StringMember(body, "customer_code"));
  }
  if (auto* desks = body.if_contains("desks")) {
    if (!desks->is_array()) return Status::InvalidArgument("must be an array of desk ids", "desks");
    for (const auto& d : desks->as_array()) {
      if (!d.is_string()) return Status::InvalidArgument("must be an array of desk ids", "desks");
      in.desks.emplace_back(d.as_string());
    }
  }
  ATIENDE_ASSIGN_OR_RETURN(User u, AddUser(deps_, *req.principal, in));
  return Json(201,
              {{"user", PrincipalJson({u.id, u.username, u.role, u.customer_id, u.desks, ""})}});
}

Result<Response> Api::CreateToken(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_ASSIGN_OR_RETURN(std::string username, StringMember(body, "username"));
  int64_t hours = 24 * 90;
  if (auto* h = body.if_contains("ttl_hours")) {
    if (!h->is_int64() || h->as_int64() < 1 || h->as_int64() > 24 * 366) {
      return Status::InvalidArgument("must be a whole number of hours from 1 to 8784", "ttl_hours");
    }
    hours = h->as_int64();
  }
  ATIENDE_ASSIGN_OR_RETURN(
      SessionGrant g, CreateApiToken(deps_, *req.principal, username, std::chrono::hours(hours)));
  return Json(201, {{"token", g.token},
                    {"expires_at", FormatInstant(g.expires_at)},
                    {"user", PrincipalJson(g.principal)}});
}

Result<Response> Api::ChangeOwnPasswordRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(body, {"current_password", "new_password"}));
  ATIENDE_ASSIGN_OR_RETURN(std::string current, StringMember(body, "current_password"));
  ATIENDE_ASSIGN_OR_RETURN(std::string next, StringMember(body, "new_password"));
  ATIENDE_ASSIGN_OR_RETURN(int64_t ended, ChangeOwnPassword(deps_, *req.principal, req.credential,
                                                            current, next, req.remote_address));
  return Json(200, {{"sessions_ended", ended}});
}

Result<Response> Api::DisableUserRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(UserDisabled r,
                           SetUserDisabled(deps_, *req.principal, req.params["username"], true));
  return Json(200, {{"user", UserEntryJson(r.user)}, {"credentials_ended", r.credentials_ended}});
}

Result<Response> Api::EnableUserRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(UserDisabled r,
                           SetUserDisabled(deps_, *req.principal, req.params["username"], false));
  return Json(200, {{"user", UserEntryJson(r.user)}, {"credentials_ended", 0}});
}

Result<Response> Api::ListCredentialsRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto creds, ListCredentials(deps_, req.query["username"], req.query["kind"], req.credential));
  boost::json::array items;
  for (const auto& c : creds) items.push_back(CredentialJson(c));
  return Json(200, {{"items", std::move(items)}});
}

Result<Response> Api::RevokeCredentialRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_RETURN_IF_ERROR(RevokeCredential(deps_, *req.principal, id).status());
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace atiende::http
