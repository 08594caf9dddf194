// Readers for the stores' JSON documents (tickets, notices): a missing field
// or one of the wrong type reads as empty, since only the stores write them.
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "store/time_columns.h"

namespace atiende::json {

inline std::string DocStr(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

inline int64_t DocInt(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

// An instant kept as integer microseconds; nullopt when absent or null.
inline std::optional<TimePoint> DocAt(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return At(v->as_int64());
}

}  // namespace atiende::json
