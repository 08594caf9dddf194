// Handlers: telephony (issue 17, docs/telephony.md) — a phone system posts
// call events (JSON or a form, our field names or Zammad Generic CTI's);
// admins create its token; staff read a call and the missed calls.
#include <cctype>

#include "app/desks.h"
#include "app/telephony.h"
#include "core/phone.h"
#include "core/time_format.h"
#include "http/api.h"
#include "json/telephony_json.h"

namespace atiende::http {

namespace bj = boost::json;

namespace {

int FormHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: '+' is a space, %XX a byte.
Result<std::string> FormDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      int hi = i + 2 < s.size() ? FormHexValue(s[i + 1]) : -1;
      int lo = hi >= 0 ? FormHexValue(s[i + 2]) : -1;
      if (lo < 0) return Status::InvalidArgument("a form field has a broken %-escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A field's name without a form's "[]" (user[]=201&user[]=202).
std::string FieldName(std::string name) {
  if (name.size() > 2 && name.ends_with("[]")) name.resize(name.size() - 2);
  return name;
}

Result<EventFields> FormFields(std::string_view body) {
  EventFields f;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    ATIENDE_ASSIGN_OR_RETURN(std::string key, FormDecode(pair.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      ATIENDE_ASSIGN_OR_RETURN(value, FormDecode(pair.substr(eq + 1)));
    }
    f[FieldName(std::move(key))].push_back(std::move(value));
  }
  return f;
}

// A JSON object's strings (numbers as their text: some PBXs send numbers
// and call ids unquoted) and arrays of them.
Result<EventFields> JsonFields(const bj::object& o) {
  EventFields f;
  auto text = [](const bj::value& v) -> std::optional<std::string> {
    if (v.is_string()) return std::string(v.as_string());
    if (v.is_int64()) return std::to_string(v.as_int64());
    if (v.is_uint64()) return std::to_string(v.as_uint64());
    if (v.is_null()) return std::string();
    return std::nullopt;
  };
  for (const auto& [key, value] : o) {
    auto& values = f[FieldName(std::string(key))];
    if (value.is_array()) {
      for (const auto& e : value.as_array()) {
        auto t = text(e);
        if (!t) return Status::InvalidArgument("must be an array of strings", key);
        values.push_back(std::move(*t));
      }
    } else if (auto t = text(value)) {
      values.push_back(std::move(*t));
    } else if (!value.is_object()) {
      values.push_back(bj::serialize(value));  // true/false, a float: as text
    } else {
      return Status::InvalidArgument("must be a string", key);
    }
  }
  return f;
}

}  // namespace

Result<Response> Api::TelephonyEventsRoute(Request& req) {
  EventFields fields;
  if (req.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    ATIENDE_ASSIGN_OR_RETURN(fields, FormFields(req.body));
  } else {
    ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
    ATIENDE_ASSIGN_OR_RETURN(fields, JsonFields(body));
  }
  const std::string& desk = req.phone_system_desk;
  ATIENDE_ASSIGN_OR_RETURN(
      TelephonyEvent e,
      ParseTelephonyEvent(fields, PhoneRegion(deps_.desks->For(desk).desk), deps_.clock.Now()));
  ATIENDE_ASSIGN_OR_RETURN(EventRecorded r, RecordTelephonyEvent(deps_, desk, e));
  return Json(200, {{"call", json::TelephonyCallJson(r.call)}, {"duplicate", r.duplicate}});
}

Result<Response> Api::CreatePhoneSystemTokenRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(body, {"desk", "ttl_hours"}));
  ATIENDE_ASSIGN_OR_RETURN(auto desk, StringField(body, "desk", true));
  ATIENDE_ASSIGN_OR_RETURN(auto hours, IntField(body, "ttl_hours"));
  if (hours && (*hours < 1 || *hours > 24 * 366)) {
    return Status::InvalidArgument("must be a whole number of hours from 1 to 8784", "ttl_hours");
  }
  auto lifetime = hours ? std::chrono::hours(*hours) : kPhoneSystemTokenLifetime;
  ATIENDE_ASSIGN_OR_RETURN(PhoneSystemToken t, CreatePhoneSystemToken(deps_, *req.principal,
                                                                      desk.value_or(""), lifetime));
  return Json(201, {{"token", t.token},
                    {"id", t.id},
                    {"desk", t.desk},
                    {"expires_at", FormatInstant(t.expires_at)}});
}

Result<Response> Api::GetTelephonyCallRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(CallView v, GetTelephonyCall(deps_, *req.principal, id));
  bj::object out = json::TelephonyCallJson(v.call);
  const std::string region = PhoneRegion(deps_.desks->For(v.call.desk).desk);
  auto display = [&](const std::string& n) {
    return n.empty() ? bj::value(nullptr) : bj::value(PhoneDisplay(n, region));
  };
  out["from_display"] = display(v.call.from);
  out["to_display"] = display(v.call.to);
  bj::array matches;
  for (const CallerMatch& m : v.caller.matches) {
    matches.push_back(
        bj::object{{"customer_id", m.customer_id},
                   {"code", m.code},
                   {"legal_name", m.legal_name},
                   {"contact", m.contact.empty() ? bj::value(nullptr) : bj::value(m.contact)}});
  }
  const size_t n = v.caller.matches.size();
  out["caller"] = bj::object{
      {"number", v.caller.number.empty() ? bj::value(nullptr) : bj::value(v.caller.number)},
      {"display", display(v.caller.number)},
      {"result", n == 0   ? "unknown"
                 : n == 1 ? "customer"
                          : "several"},
      {"matches", std::move(matches)}};
  return Json(200, out);
}

Result<Response> Api::ListMissedCallsRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(Page page, PageParams(req.query));
  ATIENDE_ASSIGN_OR_RETURN(auto calls,
                           ListMissedCalls(deps_, *req.principal, page.limit, page.offset));
  bj::array items;
  for (const auto& c : calls) items.push_back(json::TelephonyCallJson(c));
  return Json(200, PageJson(std::move(items), page));
}

Result<Response> Api::MarkCallHandledRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(TelephonyCall c, MarkCallHandled(deps_, *req.principal, id));
  return Json(200, json::TelephonyCallJson(c));
}

namespace {

bj::object ExtensionJson(const TelephonyExtension& x) {
  return {{"extension", x.extension}, {"username", x.username}};
}

bj::object SettingsJson(const TelephonySettings& s) {
  return {{"pop_on", s.pop_on}, {"dial_url", s.dial_url}};
}

}  // namespace

Result<Response> Api::ListExtensionsRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto all, ListExtensions(deps_, *req.principal));
  bj::array items;
  for (const auto& x : all) items.push_back(ExtensionJson(x));
  return Json(200, {{"items", std::move(items)}});
}

Result<Response> Api::PutExtensionRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(body, {"username"}));
  ATIENDE_ASSIGN_OR_RETURN(auto username, StringField(body, "username", true));
  ATIENDE_ASSIGN_OR_RETURN(
      TelephonyExtension x,
      SetExtension(deps_, *req.principal, req.params["extension"], username.value_or("")));
  return Json(200, ExtensionJson(x));
}

Result<Response> Api::DeleteExtensionRoute(Request& req) {
  ATIENDE_RETURN_IF_ERROR(RemoveExtension(deps_, *req.principal, req.params["extension"]));
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Result<Response> Api::GetTelephonySettingsRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(TelephonySettings s, GetTelephonySettings(deps_, *req.principal));
  return Json(200, SettingsJson(s));
}

Result<Response> Api::PatchTelephonySettingsRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(body, {"pop_on", "dial_url"}));
  ATIENDE_ASSIGN_OR_RETURN(auto pop_on, StringField(body, "pop_on"));
  ATIENDE_ASSIGN_OR_RETURN(auto dial_url, StringField(body, "dial_url"));
  ATIENDE_ASSIGN_OR_RETURN(TelephonySettings s,
                           SetTelephonySettings(deps_, *req.principal, pop_on, dial_url));
  return Json(200, SettingsJson(s));
}

// ?number= (at most 64 bytes) as the request's desk stores it (E.164) and
// shows it; 200 with "valid": false and the reason when it is not a number.
Result<Response> Api::FormatPhoneRoute(Request& req) {
  auto q = req.query.find("number");
  if (q == req.query.end() || q->second.empty()) {
    return Status::InvalidArgument("is required", "number");
  }
  if (q->second.size() > 64) return Status::InvalidArgument("at most 64 bytes", "number");
  const std::string region = PhoneRegion(deps_.desks->For(req.principal->desk).desk);
  auto e164 = NormalizePhone(q->second, "number", region);
  if (!e164.ok()) {
    return Json(200, {{"valid", false},
                      {"e164", nullptr},
                      {"display", nullptr},
                      {"region", nullptr},
                      {"error", e164.status().message()}});
  }
  return Json(200, {{"valid", true},
                    {"e164", *e164},
                    {"display", PhoneDisplay(*e164, region)},
                    {"region", PhoneRegionOf(*e164)},
                    {"error", nullptr}});
}

}  // namespace atiende::http
