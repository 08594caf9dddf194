#include "wiring.h"

#include <filesystem>

#include "app/directory.h"
#include "app/mail_delivery.h"
#include "app/procedures.h"
#include "core/sla.h"
#include "core/time_format.h"
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
}  // namespace

std::string ParseMailFrom(const std::string& from) { return ParseAddress(from).email; }

std::string MessageIdHost(const Config& config) {
  if (!config.message_id_host.empty()) return config.message_id_host;
  std::string from = ParseMailFrom(config.mail_from);
  return from.substr(from.find('@') + 1);
}

Principal SystemPrincipal() { return Principal{0, "system", Role::kAdmin, std::nullopt}; }

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
    ATIENDE_ASSIGN_OR_RETURN(rt->store,
                             pg::PgStore::Open({config.database_url, config.database_pool}));
  } else {
    sqlite::SqliteOptions opt;
    opt.path = config.database_path();
    opt.warm_search = serving;
    ATIENDE_ASSIGN_OR_RETURN(rt->store, sqlite::SqliteStore::Open(opt));
  }
  rt->throttle = std::make_unique<LoginThrottle>(*rt->clock);
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
  ATIENDE_ASSIGN_OR_RETURN(
      auto calendar,
      BusinessCalendar::Parse(config.time_zone, config.business_hours, HolidayList(config)));
  ATIENDE_ASSIGN_OR_RETURN(auto procedures,
                           ProcedureSet::Load(*rt->templates, config.procedures_dir));
  rt->deps = std::make_unique<Deps>(Deps{
      .store = *rt->store,
      .clock = *rt->clock,
      .throttle = *rt->throttle,
      .desk = {.time_zone = config.time_zone,
               .language = config.language,
               .autoclose_days = config.autoclose_days},
      .templates = rt->templates.get(),
      .mail = {.from = config.mail_from,
               .message_id_host = MessageIdHost(config),
               .rate_cap_per_hour = config.mail_rate_cap},
      .sla = std::make_shared<SlaPolicy>(SlaPolicy::Default(std::move(calendar))),
      .procedures = std::move(procedures),
  });
  ATIENDE_RETURN_IF_ERROR(SeedDirectory(*rt->deps, config.directory_file));
  return rt;
}

}  // namespace atiende
