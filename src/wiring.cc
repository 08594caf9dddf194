#include "wiring.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "app/audit.h"
#include "app/case_timers.h"
#include "app/change_feed.h"
#include "app/desks.h"
#include "app/directory.h"
#include "app/housekeeping.h"
#include "app/mail_delivery.h"
#include "app/procedures.h"
#include "app/telephony.h"
#include "core/sla.h"
#include "core/time_format.h"
#include "http/server.h"
#include "json/desk_json.h"
#include "log/log.h"
#include "mail/file_transport.h"
#include "mail/message.h"
#include "mail/smtp_transport.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace atiende {

namespace {
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
  }
};

// This process's name in work-item claims: "host:pid".
std::string NodeName() {
  char host[256] = "node";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

http::ServerOptions ServerOptionsFor(const Config& cfg, const Store& store) {
  http::ServerOptions o;
  o.listen = cfg.listen;
  o.workers = cfg.workers;
  if (store.backend() == "postgresql") {
    // Handlers beyond the pool's connections only queue for one; in the ticket
    // benchmark 32 workers on a pool of 16 gave multi-second stalls and failed
    // connects at start-up, 16 none (docs/BENCHMARKS.md).
    o.workers = std::min(cfg.workers, cfg.database_pool);
  }
  o.io_threads = cfg.io_threads;
  o.quick_inline = store.backend() == "sqlite";
  o.max_connections = cfg.max_connections;
  o.idle_timeout_seconds = cfg.idle_timeout_seconds;
  o.header_timeout_seconds = cfg.header_timeout_seconds;
  o.trusted_proxies = TrustedProxyList(cfg);
  return o;
}
}  // namespace

std::string ParseMailFrom(const std::string& from) { return ParseAddress(from).email; }

std::string MessageIdHost(const Config& config) {
  if (!config.message_id_host.empty()) return config.message_id_host;
  std::string from = ParseMailFrom(config.mail_from);
  size_t at = from.rfind('@');
  return at == std::string::npos ? from : from.substr(at + 1);
}

Principal SystemPrincipal() { return Principal{0, "system", Role::kAdmin, std::nullopt, {}, ""}; }

namespace {

// The desk the installation's settings describe: what an upgraded
// database's "main" desk becomes (migration 0008), and the settings of a
// record whose desk the book has not loaded.
Desk DeskFromSettings(const Config& config, const ProcedureSet* procedures) {
  Desk d;
  d.id = std::string(kMainDesk);
  d.name = "Main desk";
  d.time_zone = config.time_zone;
  d.language = config.language;
  d.business_hours = config.business_hours;
  d.holidays_added = HolidayList(config);
  std::sort(d.holidays_added.begin(), d.holidays_added.end());
  d.holidays_added.erase(std::unique(d.holidays_added.begin(), d.holidays_added.end()),
                         d.holidays_added.end());
  d.autoclose_days = config.autoclose_days;
  if (procedures) {
    for (const auto& p : procedures->all()) d.procedures.push_back(p.id);
  }
  return d;
}

// The first start after the upgrade: the "main" desk takes the settings
// the installation ran with (nothing renumbered, nothing moved).
Status SettleMainDesk(Deps& deps, const Desk& from_settings) {
  auto settle = [&](WriteTx& tx) -> Status {
    auto main = tx.desks().Get(kMainDesk);
    if (!main.ok()) {
      return main.status().code() == Status::Code::kNotFound ? Status::Ok() : main.status();
    }
    if (!main->from_settings) return Status::Ok();
    Desk d = from_settings;
    d.version = main->version + 1;
    d.created_at = main->created_at;
    d.updated_at = deps.clock.Now();
    if (d.created_at == TimePoint{}) d.created_at = d.updated_at;
    ATIENDE_RETURN_IF_ERROR(tx.desks().Update(d));
    return Audit(tx, d.updated_at, SystemPrincipal(), "desk.settle", "desk", d.id, nullptr,
                 json::ToJson(d));
  };
  // Nodes starting together on one new database all find "main" unsettled;
  // the ones that lose the race find it settled when they read again.
  Status s = deps.store.Write(DeskScope::All(), settle);
  if (s.reason() == "version_conflict") s = deps.store.Write(DeskScope::All(), settle);
  return s;
}

}  // namespace

Result<std::unique_ptr<Runtime>> BuildRuntime(const Config& config, bool serving) {
  auto rt = std::make_unique<Runtime>();
  rt->config = config;
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, level);
  log::SetLevel(level);

  if (config.virtual_clock) {
    TimePoint start = SystemClock().Now();
    if (!config.virtual_clock_start.empty()) {
      auto t = ParseInstant(config.virtual_clock_start);
      if (!t.ok()) return Status::InvalidArgument(t.status().message(), "virtual_clock_start");
      start = *t;
    }
    auto vc = std::make_unique<VirtualClock>(start);
    rt->virtual_clock = vc.get();
    rt->clock = std::move(vc);
  } else {
    rt->clock = std::make_unique<SystemClock>();
  }

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Status::Unavailable("cannot create data directory " + config.data_dir + ": " +
                               ec.message());
  }
  if (!config.database_url.empty()) {
    pg::PgOptions opt;
    opt.url = config.database_url;
    opt.pool_size = config.database_pool;
    opt.memory_search = serving && config.search_memory;
    ATIENDE_ASSIGN_OR_RETURN(rt->store, pg::PgStore::Open(opt));
  } else {
    sqlite::SqliteOptions opt;
    opt.path = config.database_path();
    opt.warm_search = serving;
    opt.memory_search = serving && config.search_memory;
    ATIENDE_ASSIGN_OR_RETURN(rt->store, sqlite::SqliteStore::Open(opt));
  }
  // Throttling runs on real time: in training mode the virtual clock may
  // stand still, and a lockout must still end.
  static const SystemClock real_clock;
  rt->throttle = std::make_unique<LoginThrottle>(real_clock,
                                                 std::chrono::seconds(config.login_window_seconds));
  PasswordCheckGate::Configure(config.password_checks);
  if (!mail::IsValidEmail(ParseMailFrom(config.mail_from))) {
    return Status::InvalidArgument("\"" + config.mail_from + "\" has no valid address",
                                   "mail_from");
  }
  ATIENDE_ASSIGN_OR_RETURN(auto templates, mail::TemplateSet::Load(config.templates_dir));
  rt->templates = std::make_unique<mail::TemplateSet>(std::move(templates));
  if (config.smtp_url.empty()) {
    rt->transport = std::make_unique<mail::FileTransport>(config.data_dir + "/mail");
  } else {
    mail::SmtpOptions smtp;
    smtp.url = config.smtp_url;
    smtp.starttls = config.smtp_starttls == "none"       ? mail::SmtpOptions::StartTls::kNone
                    : config.smtp_starttls == "required" ? mail::SmtpOptions::StartTls::kRequired
                                                         : mail::SmtpOptions::StartTls::kTry;
    smtp.username = config.smtp_username;
    smtp.password = config.smtp_password;
    smtp.from_address = ParseMailFrom(config.mail_from);
    ATIENDE_ASSIGN_OR_RETURN(rt->transport, mail::SmtpTransport::Create(smtp));
  }
  ATIENDE_ASSIGN_OR_RETURN(auto procedures,
                           ProcedureSet::Load(*rt->templates, config.procedures_dir));
  Desk from_settings = DeskFromSettings(config, procedures.get());
  ATIENDE_ASSIGN_OR_RETURN(DeskRuntime fallback, BuildDeskRuntime(from_settings));
  // Built apart, not inside the aggregate below: GCC 12 warns of an
  // uninitialized string in the temporary when it inlines the whole of it.
  MailSettings mail;
  mail.from = config.mail_from;
  mail.message_id_host = MessageIdHost(config);
  mail.rate_cap_per_hour = config.mail_rate_cap;
  mail.delivery_lease = std::chrono::seconds(config.mail_lease_seconds);
  mail.max_inbound_bytes = static_cast<size_t>(config.mail_max_mib) << 20;
  rt->deps = std::make_unique<Deps>(Deps{
      .store = *rt->store,
      .clock = *rt->clock,
      .throttle = *rt->throttle,
      .desks = std::make_shared<DeskBook>(std::make_shared<const DeskRuntime>(std::move(fallback))),
      .templates = rt->templates.get(),
      .mail = std::move(mail),
      .procedures = std::move(procedures),
      .on_credentials_ended = nullptr,
  });
  ATIENDE_RETURN_IF_ERROR(SettleMainDesk(*rt->deps, from_settings));
  ATIENDE_RETURN_IF_ERROR(rt->deps->desks->Refresh(*rt->store));
  // The known lists in every desk; the directory file fills the main desk's.
  for (const auto& desk : rt->deps->desks->ids()) {
    ATIENDE_RETURN_IF_ERROR(
        SeedDirectory(*rt->deps, desk, desk == kMainDesk ? config.directory_file : ""));
  }
  return rt;
}

// Built and started in this order, destroyed in the reverse one.
struct Serving::Parts {
  std::unique_ptr<Runtime> rt;
  std::optional<MailDelivery> delivery;
  std::optional<Housekeeping> housekeeping;
  std::optional<CaseTimers> timers;
  std::optional<ChangeFeed> changes;
  std::optional<http::Api> api;
  std::optional<http::Server> server;
};

Result<std::unique_ptr<Serving>> Serving::Start(const Config& config) {
  auto p = std::make_unique<Parts>();
  ATIENDE_ASSIGN_OR_RETURN(p->rt, BuildRuntime(config, /*serving=*/true));
  Deps& deps = *p->rt->deps;
  // Customers written before caller identification existed (issue 17).
  ATIENDE_RETURN_IF_ERROR(IndexCallerPhones(deps));
  http::ApiOptions api_opt;
  api_opt.secure_cookies = SecureCookies(config);
  api_opt.metrics_token = config.metrics_token;
  api_opt.virtual_clock = p->rt->virtual_clock;
  api_opt.static_dir = config.web_dir;
  api_opt.stream_lifetime = std::chrono::seconds(config.live_stream_seconds);
  // Mail goes out after the transaction that queued it commits (G-2).
  MailDelivery& delivery = p->delivery.emplace(deps, *p->rt->transport, NodeName());
  api_opt.on_mail_queued = [&delivery] { delivery.Wake(); };
  delivery.Start();
  Housekeeping& housekeeping = p->housekeeping.emplace(deps);
  // Cases' timers (ZB-7) fire from the database on the injected clock.
  CaseTimers& timers = p->timers.emplace(deps, NodeName(), [&delivery] { delivery.Wake(); });
  api_opt.on_clock_changed = [&delivery, &housekeeping, &timers] {
    delivery.Wake();
    housekeeping.Wake();
    timers.Wake();
  };
  housekeeping.Start();
  timers.Start();
  // Live updates for the console (GET /api/v1/events), read from the audit log.
  api_opt.changes = &p->changes.emplace(deps.store);
  auto* pg_store = dynamic_cast<pg::PgStore*>(&deps.store);
  if (auto from = pg_store ? pg_store->SearchFollowFrom() : std::nullopt) {
    // Other nodes' customer writes reach this node's in-memory search index
    // through the same log (PostgreSQL).
    pg::PgStore& store = *pg_store;
    p->changes->Follow(*from, [&store](const std::vector<Change>& batch) {
      std::vector<int64_t> ids;
      for (const Change& c : batch) {
        if (c.entity != "customer") continue;
        char* end = nullptr;
        long long id = std::strtoll(c.entity_id.c_str(), &end, 10);
        if (end && *end == '\0' && id > 0) ids.push_back(id);
      }
      if (Status s = store.RefreshSearch(ids); !s.ok()) {
        log::Warn("search.refresh", {{"error", s.ToString()}});
      }
    });
  }
  p->changes->Start();
  http::Api& api = p->api.emplace(deps, std::move(api_opt));
  // A session that ends ends its live streams at once (docs/security.md).
  deps.on_credentials_ended = [&api] { api.CredentialsEnded(); };
  p->server.emplace(*p->api, ServerOptionsFor(config, deps.store));
  return std::unique_ptr<Serving>(new Serving(std::move(p)));
}

Serving::Serving(std::unique_ptr<Parts> parts) : p_(std::move(parts)) {}

Serving::~Serving() = default;

Status Serving::Listen() {
  ATIENDE_RETURN_IF_ERROR(p_->server->Listen());
  const Config& cfg = p_->rt->config;
  log::Info("http.listen", {{"addr", p_->server->address()},
                            {"data_dir", cfg.data_dir},
                            {"backend", p_->rt->store->backend()},
                            {"virtual_clock", cfg.virtual_clock},
                            {"version", ATIENDE_VERSION}});
  return Status::Ok();
}

void Serving::Run() {
  p_->server->Run();
  p_->changes->Stop();
  p_->timers->Stop();
  p_->housekeeping->Stop();
  p_->delivery->Stop();
  log::Info("shutdown.done");
}

void Serving::Stop() { p_->server->Stop(); }

}  // namespace atiende
