// Api: the REST API under /api/v1 plus /healthz and /metrics, as plain
// functions from Request to Response. Handle() authenticates, checks the
// route's roles (401 without credentials, 403 with the wrong role), runs the
// handler, maps errors to problem+json and records metrics.
//
// The route table is one explicit list in routes.cc (STYLE.md §8).
// Thread-safety: Handle() is safe from any number of threads.
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/change_feed.h"
#include "app/deps.h"
#include "core/role.h"
#include "http/message.h"
#include "http/metrics.h"

namespace atiende::http {

// The largest body a public route (or no route) reads: sign-in and the like.
inline constexpr size_t kAnonymousBodyLimit = 16 << 10;

struct ApiOptions {
  bool secure_cookies = false;  // add "Secure" to the session cookie (behind TLS)
  // Who may read /metrics: anyone on loopback (not through a proxy), or a
  // client sending this as a Bearer token; "" = loopback only.
  std::string metrics_token;
  VirtualClock* virtual_clock = nullptr;   // set in training/test mode: enables /api/v1/clock
  std::string static_dir;                  // the console files from here; "" = embedded
  std::function<void()> on_mail_queued;    // wakes the mail delivery worker (optional)
  std::function<void()> on_clock_changed;  // wakes background work after POST /clock (optional)
  // What GET /api/v1/events streams (optional: without it the route is 503).
  // Poked after every successful change made through the API.
  ChangeFeed* changes = nullptr;
  // A live stream ends after this long; the browser reconnects at once and
  // resumes, and the session is checked again (a signed-out user stops hearing).
  std::chrono::seconds stream_lifetime{600};
};

class Api {
 public:
  Api(Deps& deps, ApiOptions options);
  ~Api();

  Response Handle(Request& req);
  // What can be decided from the headers alone, before a body is read: the
  // route, the credentials and the role. The answer to send instead (404,
  // 401, 403, 503 …), or nullopt to read the body and Handle() it. A request
  // admitted here is not authenticated again by Handle().
  std::optional<Response> Admit(Request& req);
  // The largest body accepted for this request line (bytes).
  size_t BodyLimit(std::string_view method, std::string_view path) const;
  // Whether this request line is a quick route (see Route::quick).
  bool IsQuick(std::string_view method, std::string_view path) const;
  // The largest body any route accepts.
  size_t MaxBodyLimit() const;
  // Refuse new work (503) while draining before shutdown.
  void SetDraining() { draining_ = true; }
  // Credentials ended (Deps::on_credentials_ended): every open live stream
  // checks its own at once and ends when it is no longer valid.
  void CredentialsEnded();

  // The live streams open on this node, for CredentialsEnded().
  struct StreamWatch {
    std::atomic<uint64_t> epoch{0};  // bumped by each CredentialsEnded()
    std::mutex mu;
    std::vector<std::weak_ptr<std::function<void()>>> wakes;
  };

  struct Route {
    const char* method;
    const char* pattern;  // "/api/v1/customers/{id}"
    bool is_public;       // no credentials needed
    RoleSet roles;        // who may call it (ignored when public)
    Result<Response> (Api::*handler)(Request&);
    size_t body_limit = 1 << 20;  // default 1 MiB
    // A point read that answers in microseconds (one row by key): the server
    // may run it on its network thread instead of handing it to a worker,
    // which saves two thread switches per request (ServerOptions::quick_inline).
    bool quick = false;
    // Not about one desk's records (sessions, users, desks, the clock): no
    // desk needs naming. Every other route acts in exactly one desk.
    bool any_desk = false;
    // Called by a phone system, not a user (docs/telephony.md): only a
    // "pbx" token is accepted, and it acts in its own desk. The route's
    // roles are empty: a user's credentials get 403.
    bool phone_system = false;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  static std::vector<Route> BuildRoutes(bool virtual_clock);
  // The route serving method + path exactly, or nullptr.
  const Route* Find(std::string_view method, std::string_view path) const;
  // Index of the route, routes_.size() for none; sets `method_mismatch` when
  // only the method differs.
  size_t Match(Request& req, bool& method_mismatch) const;
  Status Authenticate(Request& req);
  // A phone-system route's credentials: sets req.phone_system_desk.
  // kUnauthenticated without a valid token; kPermissionDenied for a user's.
  Status AuthenticatePhoneSystem(Request& req);
  // The checks before a handler runs: route found, not draining, credentials,
  // role, and no cross-site write. A response when refused.
  std::optional<Response> Gate(Request& req, size_t idx, bool method_mismatch);
  // Headers every answer carries, and the request's metrics and log line.
  void Finish(Request& req, size_t idx, Response& resp,
              std::chrono::steady_clock::time_point start);
  // Sets req.principal->desk (docs/desks.md); errors as documented there.
  Status ChooseDesk(Request& req, bool desk_bound);
  Response MethodNotAllowed(const Request& req) const;

  // Handlers (handlers_*.cc).
  Result<Response> Healthz(Request& req);
  Result<Response> MetricsText(Request& req);
  Result<Response> OpenApi(Request& req);
  Result<Response> WebPage(Request& req);
  Result<Response> Login(Request& req);
  Result<Response> Logout(Request& req);
  Result<Response> WhoAmI(Request& req);
  Result<Response> ListUsers(Request& req);
  Result<Response> CreateUser(Request& req);
  Result<Response> CreateToken(Request& req);
  Result<Response> ChangeOwnPasswordRoute(Request& req);
  Result<Response> DisableUserRoute(Request& req);
  Result<Response> EnableUserRoute(Request& req);
  Result<Response> ListCredentialsRoute(Request& req);
  Result<Response> RevokeCredentialRoute(Request& req);
  Result<Response> ListDesksRoute(Request& req);
  Result<Response> CreateDeskRoute(Request& req);
  Result<Response> GetDeskRoute(Request& req);
  Result<Response> PatchDeskRoute(Request& req);
  Result<Response> DeleteDeskRoute(Request& req);
  Result<Response> GetClock(Request& req);
  Result<Response> SetClock(Request& req);
  Result<Response> SearchCustomers(Request& req);
  Result<Response> CreateCustomer(Request& req);
  Result<Response> GetCustomer(Request& req);
  Result<Response> PatchCustomer(Request& req);
  Result<Response> DeleteCustomer(Request& req);
  Result<Response> ImportCustomers(Request& req);
  Result<Response> CustomerHistory(Request& req);
  Result<Response> GetDirectory(Request& req);
  Result<Response> PutDirectory(Request& req);
  Result<Response> TestDirectory(Request& req);
  Result<Response> ListMail(Request& req);
  Result<Response> GetMail(Request& req);
  Result<Response> GetMailRaw(Request& req);
  Result<Response> RetryMailRoute(Request& req);
  Result<Response> OpenTicket(Request& req);
  Result<Response> GetTicket(Request& req);
  Result<Response> PatchTicket(Request& req);
  Result<Response> ResolveTicketRoute(Request& req);
  Result<Response> CloseTicketRoute(Request& req);
  Result<Response> ReopenTicketRoute(Request& req);
  Result<Response> CommentTicketRoute(Request& req);
  Result<Response> ListTickets(Request& req);
  Result<Response> TicketHistoryRoute(Request& req);
  Result<Response> RecordCallRoute(Request& req);
  Result<Response> ListCallsRoute(Request& req);
  Result<Response> CustomerTimelineRoute(Request& req);
  Result<Response> PutContactsRoute(Request& req);
  Result<Response> CreateNoticeRoute(Request& req);
  Result<Response> GetNoticeRoute(Request& req);
  Result<Response> PatchNoticeRoute(Request& req);
  Result<Response> CloseNoticeRoute(Request& req);
  Result<Response> ListNoticesRoute(Request& req);
  Result<Response> OpenCaseRoute(Request& req);
  Result<Response> GetCaseRoute(Request& req);
  Result<Response> SubmitCaseStepRoute(Request& req);
  Result<Response> ListCasesRoute(Request& req);
  Result<Response> ListProceduresRoute(Request& req);
  Result<Response> EventsRoute(Request& req);
  Result<Response> TelephonyEventsRoute(Request& req);
  Result<Response> CreatePhoneSystemTokenRoute(Request& req);
  Result<Response> GetTelephonyCallRoute(Request& req);
  Result<Response> ListMissedCallsRoute(Request& req);
  Result<Response> MarkCallHandledRoute(Request& req);
  Result<Response> ListExtensionsRoute(Request& req);
  Result<Response> PutExtensionRoute(Request& req);
  Result<Response> DeleteExtensionRoute(Request& req);
  Result<Response> GetTelephonySettingsRoute(Request& req);
  Result<Response> PatchTelephonySettingsRoute(Request& req);
  Result<Response> FormatPhoneRoute(Request& req);
  Result<Response> ListReportsRoute(Request& req);
  Result<Response> WallboardRoute(Request& req);
  Result<Response> GetReportRoute(Request& req);
  Result<Response> ReportRowsRoute(Request& req);

  // Wakes the mail delivery worker after a change queued mail.
  void WakeMail() {
    if (options_.on_mail_queued) options_.on_mail_queued();
  }

  Deps& deps_;
  ApiOptions options_;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string_view>> segments_;  // each route's pattern, split once
  std::unique_ptr<Metrics> metrics_;
  std::atomic<bool> draining_{false};
  std::shared_ptr<StreamWatch> streams_ = std::make_shared<StreamWatch>();
};

// Helpers for handlers (api.cc).
Response Json(int status, const boost::json::value& v);
// The request body parsed as a JSON object; kInvalidArgument otherwise.
Result<boost::json::object> BodyObject(const Request& req);
// Adds ETag: "v<version>".
Response WithEtag(Response r, int64_t version);
// If-Match: "v3" (or 3) → 3; "" → nullopt. kInvalidArgument otherwise.
Result<std::optional<int64_t>> IfMatchVersion(const std::string& h);
// The version a write expects: If-Match, else the body's "version" field
// (when there is a body); nullopt when neither is given.
Result<std::optional<int64_t>> ExpectedVersion(const Request& req, const boost::json::object* body);
// kInvalidArgument naming the first field of `o` not in `known`.
Status OnlyFields(const boost::json::object& o, std::initializer_list<std::string_view> known);
// A string field: absent → nullopt (or kInvalidArgument "is required" when
// required); null → ""; other types → kInvalidArgument.
Result<std::optional<std::string>> StringField(const boost::json::object& o, std::string_view name,
                                               bool required = false);
// An integer field: absent or null → nullopt; other types → kInvalidArgument.
Result<std::optional<int64_t>> IntField(const boost::json::object& o, std::string_view name);
// A path or query parameter as a positive integer; kInvalidArgument naming it.
Result<int64_t> IntParam(const std::map<std::string, std::string>& m, const std::string& name,
                         std::optional<int64_t> fallback = std::nullopt);

// A page of a list route: ?limit= (1..500, default 50) and ?offset=
// (0..100000). kInvalidArgument naming the parameter.
struct Page {
  int limit = 50;
  int offset = 0;
};
Result<Page> PageParams(const std::map<std::string, std::string>& query);
// {"count", "items", "next_offset"}: next_offset is null on the last page.
boost::json::object PageJson(boost::json::array items, const Page& page);

}  // namespace atiende::http
