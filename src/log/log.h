// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2026-11-24T06:00:00.123Z","level":"info","event":"http.listen","addr":"127.0.0.1:8080"}
// Secrets (passwords, tokens, cookies) are never passed here.
// Thread-safety: safe from any thread.
#pragma once

#include <boost/json.hpp>
#include <string_view>

namespace atiende::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Lines below `level` are dropped. Default kInfo.
void SetLevel(Level level);
// "debug", "info", "warn", "error"; false for anything else.
bool ParseLevel(std::string_view name, Level& out);
bool Enabled(Level level);

void Write(Level level, std::string_view event, boost::json::object fields = {});
inline void Info(std::string_view event, boost::json::object fields = {}) {
  Write(Level::kInfo, event, std::move(fields));
}
inline void Warn(std::string_view event, boost::json::object fields = {}) {
  Write(Level::kWarn, event, std::move(fields));
}
inline void Error(std::string_view event, boost::json::object fields = {}) {
  Write(Level::kError, event, std::move(fields));
}
inline void Debug(std::string_view event, boost::json::object fields = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, event, std::move(fields));
}

}  // namespace atiende::log
