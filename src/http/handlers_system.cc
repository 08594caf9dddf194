// Handlers: health, metrics, the OpenAPI document, the clock.
#include <sodium.h>

#include <boost/asio/ip/address.hpp>

#include "app/health.h"
#include "app/training_clock.h"
#include "core/embedded.h"
#include "core/time_format.h"
#include "http/api.h"

namespace atiende::http {

Result<Response> Api::Healthz(Request&) {
  ATIENDE_ASSIGN_OR_RETURN(Health h, CheckHealth(deps_));
  return Json(200, {{"status", "ok"}, {"backend", h.backend}, {"version", ATIENDE_VERSION}});
}

namespace {

bool IsLoopback(const std::string& address) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

// /metrics tells how busy the server is and which routes fail: for the
// operator's scraper only — on loopback (not through a proxy) or with the
// metrics token (ApiOptions::metrics_token).
Result<Response> Api::MetricsText(Request& req) {
  const std::string& token = options_.metrics_token;
  bool by_token = !token.empty() && req.authorization.rfind("Bearer ", 0) == 0 &&
                  SameSecret(std::string_view(req.authorization).substr(7), token);
  if (!by_token && (req.forwarded || !IsLoopback(req.remote_address))) {
    return token.empty() ? Status::PermissionDenied(
                               "metrics are served on loopback only; set metrics_token to scrape "
                               "them from elsewhere")
                         : Status::Unauthenticated("send the metrics token as a Bearer token");
  }
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  std::map<std::string, double> gauges{
      {"atiende_virtual_clock", options_.virtual_clock ? 1.0 : 0.0}};
  if (options_.changes) {
    auto s = options_.changes->Stats();
    gauges["atiende_live_streams"] = static_cast<double>(s.subscribers);
    gauges["atiende_live_changes_total"] = static_cast<double>(s.published);
    gauges["atiende_live_resets_total"] = static_cast<double>(s.resets);
  }
  r.body = metrics_->Text(gauges);
  return r;
}

Result<Response> Api::OpenApi(Request&) {
  auto it = EmbeddedFiles().find("http/openapi.json");
  if (it == EmbeddedFiles().end()) return Status::Internal("openapi.json not embedded");
  Response r;
  r.body = std::string(it->second);
  return r;
}

Result<Response> Api::GetClock(Request&) {
  return Json(200,
              {{"now", FormatInstant(deps_.clock.Now())}, {"virtual", deps_.clock.IsVirtual()}});
}

Result<Response> Api::SetClock(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  VirtualClock& clock = *options_.virtual_clock;
  if (auto* now = body.if_contains("now"); now && body.size() == 1 && now->is_string()) {
    auto t = ParseInstant(now->as_string());
    if (!t.ok()) return Status::InvalidArgument(t.status().message(), "now");
    ATIENDE_RETURN_IF_ERROR(SetTrainingClock(deps_, clock, *req.principal, *t));
  } else if (auto* adv = body.if_contains("advance"); adv && body.size() == 1 && adv->is_string()) {
    auto d = ParseDuration(adv->as_string());
    if (!d.ok()) return Status::InvalidArgument(d.status().message(), "advance");
    ATIENDE_RETURN_IF_ERROR(AdvanceTrainingClock(deps_, clock, *req.principal, *d));
  } else {
    return Status::InvalidArgument(
        "send either {\"now\": \"<ISO-8601 instant>\"} or {\"advance\": \"PT72H\"}", "body");
  }
  if (options_.on_clock_changed) options_.on_clock_changed();
  return GetClock(req);
}

}  // namespace atiende::http
