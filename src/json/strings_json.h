// JSON arrays of strings, as stored in the stores' list columns.
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace atiende::json {

inline std::string StringsToJson(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return boost::json::serialize(a);
}

// A string, or null when it is empty (optional text fields in API bodies).
inline boost::json::value OrNull(const std::string& s) {
  return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}

// Anything that is not an array of strings reads as empty: these columns are
// written by the stores only.
inline std::vector<std::string> StringsFromJson(std::string_view text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) out.emplace_back(e.as_string());
  }
  return out;
}

}  // namespace atiende::json
