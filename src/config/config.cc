#include "config/config.h"

#include <date/tz.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>

#include "core/calendar.h"
#include "core/field.h"
#include "log/log.h"
#include "mail/events.h"
#include "mail/message.h"

namespace atiende {

namespace {

Status SetInt(int& out, const std::string& v, const std::string& key, int lo, int hi) {
  try {
    size_t used = 0;
    int n = std::stoi(v, &used);
    if (used != v.size() || n < lo || n > hi) throw std::out_of_range("");
    out = n;
    return Status::Ok();
  } catch (...) {
    return Status::InvalidArgument(
        "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi), key);
  }
}

Status SetBool(bool& out, const std::string& v, const std::string& key) {
  if (v == "true" || v == "1" || v == "yes")
    out = true;
  else if (v == "false" || v == "0" || v == "no")
    out = false;
  else
    return Status::InvalidArgument("must be true or false", key);
  return Status::Ok();
}

Status CheckLogLevel(const std::string& v, const std::string& key) {
  log::Level level;
  if (!log::ParseLevel(v, level))
    return Status::InvalidArgument("must be debug, info, warn or error", key);
  return Status::Ok();
}

Status CheckTimeZone(const std::string& v, const std::string& key) {
  try {
    (void)date::locate_zone(v);
  } catch (const std::exception&) {
    return Status::InvalidArgument("\"" + v + "\" is not an IANA time zone", key);
  }
  return Status::Ok();
}

Status CheckLanguage(const std::string& v, const std::string& key) {
  const auto& langs = mail::Languages();
  if (std::find(langs.begin(), langs.end(), v) != langs.end()) return Status::Ok();
  std::string names;
  for (const auto& l : langs) names += (names.empty() ? "" : " or ") + l;
  return Status::InvalidArgument("must be " + names, key);
}

// The right side of a Message-ID: a host name, as the domain of an address.
Status CheckMessageIdHost(const std::string& v, const std::string& key) {
  if (v.empty() || mail::IsValidEmail("id@" + v)) return Status::Ok();
  return Status::InvalidArgument("\"" + v + "\" is not a host name", key);
}

using Setter = std::function<Status(Config&, const std::string&, const std::string&)>;

const std::map<std::string, Setter>& Setters() {
  static const std::map<std::string, Setter> m = {
      {"listen",
       [](Config& c, auto& v, auto&) {
         c.listen = v;
         return Status::Ok();
       }},
      {"data_dir",
       [](Config& c, auto& v, auto&) {
         c.data_dir = v;
         return Status::Ok();
       }},
      {"log_level",
       [](Config& c, auto& v, auto& k) {
         c.log_level = v;
         return CheckLogLevel(v, k);
       }},
      {"workers", [](Config& c, auto& v, auto& k) { return SetInt(c.workers, v, k, 1, 256); }},
      {"io_threads", [](Config& c, auto& v, auto& k) { return SetInt(c.io_threads, v, k, 1, 64); }},
      {"time_zone",
       [](Config& c, auto& v, auto& k) {
         c.time_zone = v;
         return CheckTimeZone(v, k);
       }},
      {"language",
       [](Config& c, auto& v, auto& k) {
         c.language = v;
         return CheckLanguage(v, k);
       }},
      {"business_hours",
       [](Config& c, auto& v, auto&) {
         c.business_hours = v;
         return Status::Ok();
       }},
      {"holidays",
       [](Config& c, auto& v, auto&) {
         c.holidays = v;
         return Status::Ok();
       }},
      {"autoclose_days",
       [](Config& c, auto& v, auto& k) { return SetInt(c.autoclose_days, v, k, 1, 365); }},
      {"secure_cookies",
       [](Config& c, auto& v, auto& k) {
         bool b = false;
         if (v != "auto" && !SetBool(b, v, k).ok()) {
           return Status::InvalidArgument("must be true, false or auto", k);
         }
         c.secure_cookies = v == "auto" ? "auto" : (b ? "true" : "false");
         return Status::Ok();
       }},
      {"max_connections",
       [](Config& c, auto& v, auto& k) { return SetInt(c.max_connections, v, k, 0, 1000000); }},
      {"idle_timeout_seconds",
       [](Config& c, auto& v, auto& k) { return SetInt(c.idle_timeout_seconds, v, k, 1, 3600); }},
      {"header_timeout_seconds",
       [](Config& c, auto& v, auto& k) { return SetInt(c.header_timeout_seconds, v, k, 1, 300); }},
      {"trusted_proxies",
       [](Config& c, auto& v, auto&) {
         c.trusted_proxies = v;
         return Status::Ok();
       }},
      {"metrics_token",
       [](Config& c, auto& v, auto& k) {
         c.metrics_token = v;
         return v.empty() || v.size() >= 16
                    ? Status::Ok()
                    : Status::InvalidArgument("must be at least 16 characters", k);
       }},
      {"login_window_seconds",
       [](Config& c, auto& v, auto& k) { return SetInt(c.login_window_seconds, v, k, 1, 86400); }},
      {"password_checks",
       [](Config& c, auto& v, auto& k) { return SetInt(c.password_checks, v, k, 1, 64); }},
      {"virtual_clock", [](Config& c, auto& v, auto& k) { return SetBool(c.virtual_clock, v, k); }},
      {"search_memory", [](Config& c, auto& v, auto& k) { return SetBool(c.search_memory, v, k); }},
      {"database_url",
       [](Config& c, auto& v, auto&) {
         c.database_url = v;
         return Status::Ok();
       }},
      {"database_pool",
       [](Config& c, auto& v, auto& k) { return SetInt(c.database_pool, v, k, 1, 1000); }},
      {"smtp_url",
       [](Config& c, auto& v, auto&) {
         c.smtp_url = v;
         return Status::Ok();
       }},
      {"smtp_starttls",
       [](Config& c, auto& v, auto& k) {
         c.smtp_starttls = v;
         return v == "none" || v == "try" || v == "required"
                    ? Status::Ok()
                    : Status::InvalidArgument("must be none, try or required", k);
       }},
      {"smtp_username",
       [](Config& c, auto& v, auto&) {
         c.smtp_username = v;
         return Status::Ok();
       }},
      {"smtp_password",
       [](Config& c, auto& v, auto&) {
         c.smtp_password = v;
         return Status::Ok();
       }},
      {"mail_from",
       [](Config& c, auto& v, auto&) {
         c.mail_from = v;
         return Status::Ok();
       }},
      {"message_id_host",
       [](Config& c, auto& v, auto& k) {
         c.message_id_host = v;
         return CheckMessageIdHost(v, k);
       }},
      {"live_stream_seconds",
       [](Config& c, auto& v, auto& k) { return SetInt(c.live_stream_seconds, v, k, 1, 86400); }},
      {"mail_rate_cap",
       [](Config& c, auto& v, auto& k) { return SetInt(c.mail_rate_cap, v, k, 1, 100000); }},
      {"mail_lease_seconds",
       [](Config& c, auto& v, auto& k) { return SetInt(c.mail_lease_seconds, v, k, 1, 3600); }},
      {"mail_max_mib",
       [](Config& c, auto& v, auto& k) { return SetInt(c.mail_max_mib, v, k, 1, 200); }},
      {"templates_dir",
       [](Config& c, auto& v, auto&) {
         c.templates_dir = v;
         return Status::Ok();
       }},
      {"procedures_dir",
       [](Config& c, auto& v, auto&) {
         c.procedures_dir = v;
         return Status::Ok();
       }},
      {"directory_file",
       [](Config& c, auto& v, auto&) {
         c.directory_file = v;
         return Status::Ok();
       }},
      {"web_dir",
       [](Config& c, auto& v, auto&) {
         c.web_dir = v;
         return Status::Ok();
       }},
      {"virtual_clock_start",
       [](Config& c, auto& v, auto&) {
         c.virtual_clock_start = v;
         return Status::Ok();
       }},
  };
  return m;
}

}  // namespace

Result<Config> LoadConfig(const std::string& file) {
  Config c;
  if (!file.empty()) {
    if (!std::filesystem::exists(file))
      return Status::NotFound("config file " + file + " does not exist");
    YAML::Node root;
    try {
      root = YAML::LoadFile(file);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(e.what(), file);
    }
    if (root && !root.IsNull()) {
      if (!root.IsMap()) return Status::InvalidArgument("must be a mapping of settings", file);
      for (const auto& kv : root) {
        std::string key = kv.first.as<std::string>();
        auto it = Setters().find(key);
        if (it == Setters().end()) {
          return Status::InvalidArgument("is not a known setting", file + ": " + key);
        }
        if (!kv.second.IsScalar())
          return Status::InvalidArgument("must be a single value", file + ": " + key);
        ATIENDE_RETURN_IF_ERROR(it->second(c, kv.second.Scalar(), file + ": " + key));
      }
    }
  }
  for (const auto& [key, set] : Setters()) {
    std::string var = "ATIENDE_";
    for (char ch : key) var += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (const char* v = std::getenv(var.c_str())) ATIENDE_RETURN_IF_ERROR(set(c, v, var));
  }
  ATIENDE_RETURN_IF_ERROR(ValidateConfig(c));
  return c;
}

Status ValidateConfig(const Config& c) {
  ATIENDE_RETURN_IF_ERROR(CheckLogLevel(c.log_level, "log_level"));
  ATIENDE_RETURN_IF_ERROR(CheckTimeZone(c.time_zone, "time_zone"));
  ATIENDE_RETURN_IF_ERROR(CheckLanguage(c.language, "language"));
  ATIENDE_RETURN_IF_ERROR(CheckMessageIdHost(c.message_id_host, "message_id_host"));
  if (!c.database_url.empty() && c.database_url.rfind("postgresql://", 0) != 0 &&
      c.database_url.rfind("postgres://", 0) != 0) {
    return Status::InvalidArgument("must be a postgresql:// URL", "database_url");
  }
  if (c.data_dir.empty()) return Status::InvalidArgument("must not be empty", "data_dir");
  return BusinessCalendar::Parse(c.time_zone, c.business_hours, HolidayList(c)).status();
}

bool SecureCookies(const Config& c) {
  if (c.secure_cookies != "auto") return c.secure_cookies == "true";
  std::string host = c.listen.substr(0, c.listen.rfind(':'));
  return !(host.rfind("127.", 0) == 0 || host == "localhost" || host == "[::1]" || host == "::1");
}

namespace {
std::vector<std::string> CommaList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = Trim(std::string_view(text).substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}
}  // namespace

std::vector<std::string> TrustedProxyList(const Config& c) { return CommaList(c.trusted_proxies); }

std::vector<std::string> HolidayList(const Config& c) { return CommaList(c.holidays); }

}  // namespace atiende
