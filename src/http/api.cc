#include "http/api.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "app/desks.h"
#include "app/sessions.h"
#include "app/telephony.h"
#include "http/problem.h"
#include "json/customer_json.h"
#include "log/log.h"

namespace atiende::http {

namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

// Matches split pattern segments against split path segments; fills params
// on success.
bool MatchSegments(const std::vector<std::string_view>& ps, const std::vector<std::string_view>& xs,
                   std::map<std::string, std::string>* params) {
  if (ps.size() != xs.size()) return false;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].size() > 2 && ps[i].front() == '{') {
      if (params) (*params)[std::string(ps[i].substr(1, ps[i].size() - 2))] = std::string(xs[i]);
    } else if (ps[i] != xs[i]) {
      return false;
    }
  }
  return true;
}

// Matches a pattern against a path; fills params on success.
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  return MatchSegments(Segments(pattern), Segments(path), params);
}

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace

Api::Api(Deps& deps, ApiOptions options)
    : deps_(deps),
      options_(std::move(options)),
      routes_(BuildRoutes(options_.virtual_clock != nullptr)) {
  std::vector<std::string> labels;
  for (auto& r : routes_) {
    // What anyone may send unauthenticated stays small (docs/security.md).
    if (r.is_public) r.body_limit = std::min(r.body_limit, kAnonymousBodyLimit);
    labels.push_back(std::string(r.method) + " " + r.pattern);
    segments_.push_back(Segments(r.pattern));  // views of string literals
  }
  metrics_ = std::make_unique<Metrics>(std::move(labels));
}

Api::~Api() = default;

size_t Api::Match(Request& req, bool& method_mismatch) const {
  method_mismatch = false;
  auto path = Segments(req.path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchSegments(segments_[i], path, nullptr)) continue;
    if (req.method == routes_[i].method ||
        (req.method == "HEAD" && std::string_view(routes_[i].method) == "GET")) {
      MatchSegments(segments_[i], path, &req.params);
      return i;
    }
    method_mismatch = true;
  }
  return routes_.size();
}

const Api::Route* Api::Find(std::string_view method, std::string_view path) const {
  auto xs = Segments(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (method == routes_[i].method && MatchSegments(segments_[i], xs, nullptr)) {
      return &routes_[i];
    }
  }
  return nullptr;
}

size_t Api::BodyLimit(std::string_view method, std::string_view path) const {
  const Route* r = Find(method, path);
  return r ? r->body_limit : kAnonymousBodyLimit;  // no route: answered 404 unread
}

bool Api::IsQuick(std::string_view method, std::string_view path) const {
  const Route* r = Find(method, path);
  return r && r->quick;
}

size_t Api::MaxBodyLimit() const {
  size_t m = 1 << 20;
  for (const auto& r : routes_) m = std::max(m, r.body_limit);
  return m;
}

Status Api::Authenticate(Request& req) {
  std::string token;
  if (req.authorization.rfind("Bearer ", 0) == 0) {
    token = req.authorization.substr(7);
  } else if (!req.authorization.empty()) {
    return Status::Unauthenticated("only Bearer tokens are accepted in Authorization");
  } else {
    token = CookieValue(req.cookie, "atiende_session");
  }
  if (token.empty())
    return Status::Unauthenticated("sign in first (session cookie or Bearer token)");
  ATIENDE_ASSIGN_OR_RETURN(Principal p, atiende::Authenticate(deps_, token));
  req.principal = std::move(p);
  req.credential = std::move(token);
  return Status::Ok();
}

Status Api::AuthenticatePhoneSystem(Request& req) {
  if (req.authorization.rfind("Bearer ", 0) != 0) {
    // A signed-in user's browser: known, but not a phone system.
    if (Authenticate(req).ok()) {
      return Status::PermissionDenied("only a phone system's token may post call events");
    }
    return Status::Unauthenticated("send the phone system's token as a Bearer token");
  }
  std::string token = req.authorization.substr(7);
  auto desk = atiende::AuthenticatePhoneSystem(deps_, token);
  if (desk.ok()) {
    req.phone_system_desk = std::move(*desk);
    return Status::Ok();
  }
  if (Authenticate(req).ok()) {
    return Status::PermissionDenied("only a phone system's token may post call events");
  }
  return desk.status();
}

// docs/desks.md, "Which desk a request acts in": `?desk=ID` on any request;
// without it, the user's one desk. A desk the user does not work in answers
// as an unknown one (404). A desk-bound route for a user of several desks
// that names none answers 400, listing them.
Status Api::ChooseDesk(Request& req, bool desk_bound) {
  Principal& p = *req.principal;
  const bool every_desk = p.role == Role::kAdmin && p.desks.empty();
  std::vector<std::string> candidates = every_desk ? deps_.desks->ids() : p.desks;
  auto named = req.query.find("desk");
  if (named != req.query.end()) {
    const std::string& id = named->second;
    bool known = std::find(candidates.begin(), candidates.end(), id) != candidates.end();
    if (!known) return Status::NotFound("no desk \"" + id.substr(0, 64) + "\"");
    p.desk = id;
    return Status::Ok();
  }
  if (!p.desk.empty() || !desk_bound) return Status::Ok();
  if (candidates.size() == 1) {
    p.desk = candidates.front();
    return Status::Ok();
  }
  std::string list;
  for (const auto& id : candidates) list += (list.empty() ? "" : ", ") + id;
  if (candidates.empty()) {
    return Status::PermissionDenied("user " + p.username + " works in no desk; an admin adds one");
  }
  return Status::InvalidArgument("this request acts in one desk: add ?desk= with one of " + list,
                                 "desk")
      .WithReason("desk_required");
}

Response Api::MethodNotAllowed(const Request& req) const {
  std::string allow;
  for (const auto& r : routes_) {
    if (MatchPattern(r.pattern, req.path, nullptr))
      allow += (allow.empty() ? "" : ", ") + std::string(r.method);
  }
  return MethodNotAllowedProblem(req.method + " is not allowed on " + req.path + "; use " + allow,
                                 allow);
}

namespace {

bool IsWrite(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// A write a browser sent from another site: refused whatever its credentials
// carry (the session cookie travels with same-site requests too). Browsers
// send Sec-Fetch-Site and Origin on every write; clients that send neither
// (scripts, the PBX) are not browsers and cannot be made to send a cookie.
Status CrossSiteWrite(const Request& req) {
  if (!IsWrite(req.method)) return Status::Ok();
  const std::string& site = req.sec_fetch_site;
  bool refused = !site.empty() && site != "same-origin" && site != "none";
  if (!refused && !req.origin.empty()) {
    std::string_view origin = req.origin;
    size_t scheme = origin.find("://");
    refused = scheme == std::string_view::npos || origin.substr(scheme + 3) != req.host;
  }
  if (!refused) return Status::Ok();
  return Status::PermissionDenied("a write from another site (Origin " + req.origin.substr(0, 100) +
                                  ") is refused; use the console at this server's address")
      .WithReason("cross_site");
}

}  // namespace

std::optional<Response> Api::Gate(Request& req, size_t idx, bool method_mismatch) {
  if (idx == routes_.size()) {
    return method_mismatch ? MethodNotAllowed(req)
                           : Problem(Status::NotFound("no such endpoint: " + req.path));
  }
  if (draining_ && req.path != "/healthz") {
    return Problem(Status::Unavailable("the server is shutting down"));
  }
  if (Status s = CrossSiteWrite(req); !s.ok()) return Problem(s);
  const Route& route = routes_[idx];
  if (route.is_public) return std::nullopt;
  if (route.phone_system) {
    Status auth = req.phone_system_desk.empty() ? AuthenticatePhoneSystem(req) : Status::Ok();
    if (!auth.ok()) return Problem(auth);
    return std::nullopt;
  }
  Status auth = req.principal ? Status::Ok() : Authenticate(req);
  if (auth.ok() && !route.roles.Contains(req.principal->role)) {
    auth = Status::PermissionDenied("role " + std::string(RoleName(req.principal->role)) +
                                    " may not " + req.method + " " + route.pattern);
  }
  if (!auth.ok()) return Problem(auth);
  return std::nullopt;
}

std::optional<Response> Api::Admit(Request& req) {
  auto start = std::chrono::steady_clock::now();
  bool method_mismatch = false;
  size_t idx = Match(req, method_mismatch);
  std::optional<Response> refused = Gate(req, idx, method_mismatch);
  if (refused) Finish(req, idx, *refused, start);
  return refused;
}

Response Api::Handle(Request& req) {
  auto start = std::chrono::steady_clock::now();
  bool method_mismatch = false;
  size_t idx = Match(req, method_mismatch);
  std::optional<Response> refused = Gate(req, idx, method_mismatch);
  Response resp;
  if (refused) {
    resp = std::move(*refused);
  } else {
    const Route& route = routes_[idx];
    Status desk =
        route.is_public || route.phone_system ? Status::Ok() : ChooseDesk(req, !route.any_desk);
    if (!desk.ok()) {
      resp = Problem(desk);
    } else {
      Result<Response> r = Status::Internal("");
      try {
        r = (this->*route.handler)(req);
      } catch (const std::exception& e) {
        r = Status::Internal(e.what());
      }
      resp = r.ok() ? std::move(r).value() : Problem(r.status());
      if (r.ok() && options_.changes && IsWrite(req.method)) {
        options_.changes->Poke();  // open consoles hear of it now, not at the next poll
      }
      if (!r.ok() && resp.status >= 500) {
        log::Error("http.error", {{"route", route.pattern}, {"error", r.status().ToString()}});
      }
    }
  }
  Finish(req, idx, resp, start);
  return resp;
}

void Api::Finish(Request& req, size_t idx, Response& resp,
                 std::chrono::steady_clock::time_point start) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_->Record(idx, resp.status, secs);
  // API answers are never cached; the console's files say their own policy.
  bool has_cache_control = std::any_of(resp.headers.begin(), resp.headers.end(),
                                       [](const auto& h) { return h.first == "Cache-Control"; });
  if (!has_cache_control) resp.headers.emplace_back("Cache-Control", "no-store");
  resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
  log::Debug(
      "http.request",
      {{"method", req.method}, {"path", req.path}, {"status", resp.status}, {"ms", secs * 1000}});
}

Response Json(int status, const boost::json::value& v) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(v);
  return r;
}

Result<boost::json::object> BodyObject(const Request& req) {
  if (req.body.empty()) return Status::InvalidArgument("a JSON object is required", "body");
  // Only JSON, said so: a form or text/plain body is what another site's page
  // can send without asking (docs/security.md).
  if (req.content_type.rfind("application/json", 0) != 0) {
    return Status::InvalidArgument("send the body as application/json", "Content-Type");
  }
  ATIENDE_ASSIGN_OR_RETURN(boost::json::value v, json::Parse(req.body));
  if (!v.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  return std::move(v.as_object());
}

Result<int64_t> IntParam(const std::map<std::string, std::string>& m, const std::string& name,
                         std::optional<int64_t> fallback) {
  auto it = m.find(name);
  if (it == m.end() || it->second.empty()) {
    if (fallback) return *fallback;
    return Status::InvalidArgument("is required", name);
  }
  int64_t v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9' || v > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) {
      return Status::InvalidArgument("must be a non-negative whole number", name);
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

Response WithEtag(Response r, int64_t version) {
  r.headers.emplace_back("ETag", "\"v" + std::to_string(version) + "\"");
  return r;
}

Result<std::optional<int64_t>> IfMatchVersion(const std::string& h) {
  if (h.empty()) return std::optional<int64_t>();
  std::string v = h;
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (!v.empty() && v[0] == 'v') v = v.substr(1);
  auto n = IntParam({{"If-Match", v}}, "If-Match");
  if (!n.ok()) return n.status();
  return std::optional<int64_t>(*n);
}

Result<std::optional<int64_t>> ExpectedVersion(const Request& req,
                                               const boost::json::object* body) {
  ATIENDE_ASSIGN_OR_RETURN(std::optional<int64_t> v, IfMatchVersion(req.if_match));
  if (!v && body) {
    ATIENDE_ASSIGN_OR_RETURN(v, IntField(*body, "version"));
  }
  return v;
}

Status OnlyFields(const boost::json::object& o, std::initializer_list<std::string_view> known) {
  for (const auto& kv : o) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      return Status::InvalidArgument("is not a known field", std::string(kv.key()));
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> StringField(const boost::json::object& o, std::string_view name,
                                               bool required) {
  const auto* v = o.if_contains(name);
  if (!v) {
    if (required) return Status::InvalidArgument("is required", std::string(name));
    return std::optional<std::string>();
  }
  if (v->is_null()) return std::optional<std::string>(std::string());
  if (!v->is_string()) return Status::InvalidArgument("must be a string", std::string(name));
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<int64_t>> IntField(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() < (1ull << 62)) {
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  }
  return Status::InvalidArgument("must be a whole number", std::string(name));
}

Result<Page> PageParams(const std::map<std::string, std::string>& query) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t limit, IntParam(query, "limit", 50));
  if (limit < 1 || limit > 500) return Status::InvalidArgument("must be from 1 to 500", "limit");
  ATIENDE_ASSIGN_OR_RETURN(int64_t offset, IntParam(query, "offset", 0));
  if (offset > 100000) return Status::InvalidArgument("must be at most 100000", "offset");
  return Page{static_cast<int>(limit), static_cast<int>(offset)};
}

boost::json::object PageJson(boost::json::array items, const Page& page) {
  bool full = items.size() == static_cast<size_t>(page.limit);
  boost::json::object out{{"count", items.size()}, {"items", std::move(items)}};
  out["next_offset"] =
      full ? boost::json::value(page.offset + page.limit) : boost::json::value(nullptr);
  return out;
}

}  // namespace atiende::http
