#include "log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

#include "core/time_format.h"

namespace atiende::log {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

spdlog::logger& Sink() {
  static auto logger = [] {
    auto l = std::make_shared<spdlog::logger>("atiende",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

const char* Name(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}
}  // namespace

void SetLevel(Level level) { g_level = static_cast<int>(level); }

bool ParseLevel(std::string_view name, Level& out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == Name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void Write(Level level, std::string_view event, boost::json::object fields) {
  if (!Enabled(level)) return;
  auto now = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
  boost::json::object line{{"ts", FormatInstant(now)}, {"level", Name(level)}, {"event", event}};
  for (auto& [k, v] : fields) line[k] = std::move(v);
  Sink().info(boost::json::serialize(line));
}

}  // namespace atiende::log
