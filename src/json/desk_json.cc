#include "json/desk_json.h"

#include <set>

#include "core/time_format.h"
#include "json/doc_fields.h"
#include "json/strings_json.h"

namespace atiende::json {

namespace bj = boost::json;

namespace {

bj::array DeskList(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::vector<std::string> DeskListOf(const bj::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (e.is_string()) out.emplace_back(e.as_string());
  }
  return out;
}

bj::object Settings(const Desk& d) {
  return {{"name", d.name},
          {"time_zone", d.time_zone},
          {"language", d.language},
          {"phone_region", d.phone_region},
          {"business_hours", d.business_hours},
          {"holiday_country", d.holiday_country},
          {"holidays_added", DeskList(d.holidays_added)},
          {"holidays_removed", DeskList(d.holidays_removed)},
          {"autoclose_days", d.autoclose_days},
          {"mail_from", d.mail_from},
          {"reply_to", d.reply_to},
          {"procedures", DeskList(d.procedures)}};
}

}  // namespace

std::string DeskDoc(const Desk& d) {
  bj::object o = Settings(d);
  if (d.from_settings) o["from_settings"] = true;
  return bj::serialize(o);
}

Desk DeskFromDoc(std::string_view doc) {
  Desk d;
  boost::system::error_code ec;
  bj::value v = bj::parse(doc, ec);
  if (ec || !v.is_object()) return d;
  const bj::object& o = v.as_object();
  auto str = [&](std::string_view key, std::string& out) {
    if (auto* f = o.if_contains(key); f && f->is_string()) out = std::string(f->as_string());
  };
  str("name", d.name);
  str("time_zone", d.time_zone);
  str("language", d.language);
  str("phone_region", d.phone_region);
  str("business_hours", d.business_hours);
  str("holiday_country", d.holiday_country);
  str("mail_from", d.mail_from);
  str("reply_to", d.reply_to);
  d.holidays_added = DeskListOf(o, "holidays_added");
  d.holidays_removed = DeskListOf(o, "holidays_removed");
  d.procedures = DeskListOf(o, "procedures");
  if (auto* f = o.if_contains("autoclose_days"); f && f->is_int64()) {
    d.autoclose_days = static_cast<int>(f->as_int64());
  }
  if (auto* f = o.if_contains("from_settings"); f && f->is_bool()) d.from_settings = f->as_bool();
  return d;
}

bj::object ToJson(const Desk& d) {
  bj::object o = Settings(d);
  o["id"] = d.id;
  o["version"] = d.version;
  o["created_at"] = FormatInstant(d.created_at);
  o["updated_at"] = FormatInstant(d.updated_at);
  return o;
}

Status ApplyDeskJson(const bj::value& body, Desk& d) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  static const std::set<std::string, std::less<>> kStrings = {
      "name",           "time_zone",       "language",  "phone_region",
      "business_hours", "holiday_country", "mail_from", "reply_to"};
  static const std::set<std::string, std::less<>> kLists = {"holidays_added", "holidays_removed",
                                                            "procedures"};
  for (const auto& [key, v] : body.as_object()) {
    std::string k(key);
    if (k == "id" || k == "version" || k == "created_at" || k == "updated_at") continue;
    if (kStrings.count(k)) {
      if (!v.is_string()) return Status::InvalidArgument(k + " must be a string", k);
      std::string s(v.as_string());
      if (k == "name")
        d.name = s;
      else if (k == "time_zone")
        d.time_zone = s;
      else if (k == "language")
        d.language = s;
      else if (k == "phone_region")
        d.phone_region = s;
      else if (k == "business_hours")
        d.business_hours = s;
      else if (k == "holiday_country")
        d.holiday_country = s;
      else if (k == "mail_from")
        d.mail_from = s;
      else
        d.reply_to = s;
    } else if (kLists.count(k)) {
      if (!v.is_array()) return Status::InvalidArgument(k + " must be an array of strings", k);
      std::vector<std::string> out;
      for (const auto& e : v.as_array()) {
        if (!e.is_string()) return Status::InvalidArgument(k + " must be an array of strings", k);
        out.emplace_back(e.as_string());
      }
      if (k == "holidays_added")
        d.holidays_added = std::move(out);
      else if (k == "holidays_removed")
        d.holidays_removed = std::move(out);
      else
        d.procedures = std::move(out);
    } else if (k == "autoclose_days") {
      if (!v.is_int64()) return Status::InvalidArgument("autoclose_days must be an integer", k);
      d.autoclose_days = static_cast<int>(std::clamp<int64_t>(v.as_int64(), -1, 100000));
    } else {
      return Status::InvalidArgument("unknown field \"" + k + "\"", k);
    }
  }
  return Status::Ok();
}

}  // namespace atiende::json
