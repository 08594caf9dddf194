#include "wiring.h"

#include <filesystem>

#include "core/time_format.h"
#include "log/log.h"
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

Principal SystemPrincipal() { return Principal{0, "system", Role::kAdmin, std::nullopt}; }

Result<std::unique_ptr<Runtime>> BuildRuntime(const Config& config) {
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
    ATIENDE_ASSIGN_OR_RETURN(rt->store, sqlite::SqliteStore::Open(opt));
  }
  rt->throttle = std::make_unique<LoginThrottle>(*rt->clock);
  rt->deps =
      std::make_unique<Deps>(Deps{*rt->store, *rt->clock, *rt->throttle, {config.time_zone}});
  return rt;
}

}  // namespace atiende
