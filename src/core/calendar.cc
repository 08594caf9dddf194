#include "core/calendar.h"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <optional>

#include "core/time_format.h"

namespace atiende {

namespace {

using date::days;
using std::chrono::minutes;

constexpr int kMinutesPerDay = 24 * 60;
constexpr std::string_view kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr size_t kMaxHoursBytes = 1000;
constexpr size_t kMaxHolidays = 10000;

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string FormatMinute(int m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
  return buf;
}

std::optional<int> ParseDayName(std::string_view s) {
  for (int i = 0; i < 7; ++i) {
    if (kDayNames[i] == s) return i;
  }
  return std::nullopt;
}

// "8:00", "08:00" … "24:00" → minutes from midnight; nullopt when malformed.
std::optional<int> ParseClock(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) {
    return std::nullopt;
  }
  auto number = [](std::string_view digits) -> std::optional<int> {
    int n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  };
  auto hour = number(s.substr(0, colon));
  auto minute = number(s.substr(colon + 1));
  if (!hour || !minute) return std::nullopt;
  int h = *hour, m = *minute;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

// A day list ("mon-fri,sun") → the days it names, monday = 0.
Result<std::vector<int>> ParseDays(std::string_view list, std::string_view group) {
  std::vector<int> out;
  const std::string in = " in " + Quote(group);
  while (true) {
    size_t comma = list.find(',');
    std::string_view item = TrimView(list.substr(0, comma));
    size_t dash = item.find('-');
    std::string_view from = TrimView(item.substr(0, dash));
    std::string_view to = dash == std::string_view::npos ? from : TrimView(item.substr(dash + 1));
    for (std::string_view name : {from, to}) {
      if (!ParseDayName(name)) {
        return Status::InvalidArgument(
            (name.empty() ? std::string("a day is missing") : "unknown day " + Quote(name)) + in +
                " (days are mon tue wed thu fri sat sun)",
            "business_hours");
      }
    }
    for (int d = *ParseDayName(from);; d = (d + 1) % 7) {  // ranges wrap past sunday
      out.push_back(d);
      if (d == *ParseDayName(to)) break;
    }
    if (comma == std::string_view::npos) return out;
    list.remove_prefix(comma + 1);
  }
}

// "08:00-18:00" → the window; close after open, both within the day.
Result<WorkingHours> ParseWindow(std::string_view window, std::string_view group) {
  const std::string in = " in " + Quote(group);
  size_t dash = window.find('-');
  if (dash == std::string_view::npos) {
    return Status::InvalidArgument("expected a window like 08:00-18:00" + in, "business_hours");
  }
  std::string_view open_text = TrimView(window.substr(0, dash));
  std::string_view close_text = TrimView(window.substr(dash + 1));
  auto open = ParseClock(open_text);
  auto close = ParseClock(close_text);
  for (auto [text, value] : {std::pair{open_text, open}, std::pair{close_text, close}}) {
    if (!value) {
      return Status::InvalidArgument(Quote(text) + " is not a time from 00:00 to 24:00" + in,
                                     "business_hours");
    }
  }
  if (*close <= *open) {
    return Status::InvalidArgument("closes at " + FormatMinute(*close) +
                                       ", not after it opens at " + FormatMinute(*open) + in +
                                       " (a window cannot cross midnight: split it, e.g. " +
                                       Quote("mon 22:00-24:00; tue 00:00-06:00") + ")",
                                   "business_hours");
  }
  return WorkingHours{*open, *close};
}

Result<std::array<WorkingHours, 7>> ParseHours(std::string_view text) {
  if (text.size() > kMaxHoursBytes) {
    return Status::InvalidArgument("is too long", "business_hours");
  }
  std::string lower(TrimView(text));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::array<WorkingHours, 7> week{};
  if (lower == "24x7") {
    week.fill(WorkingHours{0, kMinutesPerDay});
    return week;
  }
  std::array<bool, 7> listed{};
  for (std::string_view rest = lower; !rest.empty();) {
    size_t semi = rest.find(';');
    std::string_view group = TrimView(rest.substr(0, semi));
    rest.remove_prefix(semi == std::string_view::npos ? rest.size() : semi + 1);
    if (group.empty()) continue;
    size_t digit = group.find_first_of("0123456789");
    if (digit == std::string_view::npos || digit == 0) {
      return Status::InvalidArgument(
          Quote(group) + " needs days and a window, like " + Quote("mon-fri 08:00-18:00"),
          "business_hours");
    }
    ATIENDE_ASSIGN_OR_RETURN(auto days, ParseDays(group.substr(0, digit), group));
    ATIENDE_ASSIGN_OR_RETURN(auto hours, ParseWindow(group.substr(digit), group));
    for (int d : days) {
      if (listed[d]) {
        return Status::InvalidArgument(std::string(kDayNames[d]) + " is listed twice (again in " +
                                           Quote(group) + "); a day has one window",
                                       "business_hours");
      }
      listed[d] = true;
      week[d] = hours;
    }
  }
  if (std::all_of(week.begin(), week.end(), [](const WorkingHours& h) { return h.closed(); })) {
    return Status::InvalidArgument("has no working time: give hours like " +
                                       Quote("mon-fri 08:00-18:00") + " or " + Quote("24x7"),
                                   "business_hours");
  }
  return week;
}

Result<std::vector<date::local_days>> ParseHolidays(const std::vector<std::string>& list) {
  if (list.size() > kMaxHolidays) {
    return Status::InvalidArgument("lists more than " + std::to_string(kMaxHolidays) + " dates",
                                   "holidays");
  }
  std::vector<date::local_days> out;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string_view s = TrimView(list[i]);
    auto day = ParseLocalDate(s);
    if (!day.ok()) {
      return Status::InvalidArgument(
          "holiday #" + std::to_string(i + 1) + " " + Quote(s) + " is not a date like 2026-12-25",
          "holidays");
    }
    out.push_back(*day);
  }
  return out;
}

Result<const date::time_zone*> LocateZone(std::string_view name) {
  if (name.empty()) {
    return Status::InvalidArgument("is required: an IANA time zone such as \"America/Bogota\"",
                                   "time_zone");
  }
  if (name == "UTC") return static_cast<const date::time_zone*>(nullptr);
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return Status::InvalidArgument(
        Quote(name) + " is not a known IANA time zone (such as \"America/Bogota\")", "time_zone");
  }
}

// "mon-fri", "sat", "mon,wed-fri": the days of `days` (sorted, monday = 0).
std::string FormatDays(const std::vector<int>& days) {
  std::string out;
  for (size_t i = 0; i < days.size();) {
    size_t j = i;
    while (j + 1 < days.size() && days[j + 1] == days[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += kDayNames[days[i]];
    if (j > i) out += "-" + std::string(kDayNames[days[j]]);
    i = j + 1;
  }
  return out;
}

}  // namespace

Result<BusinessCalendar> BusinessCalendar::Parse(std::string_view time_zone, std::string_view hours,
                                                 const std::vector<std::string>& holidays) {
  ATIENDE_ASSIGN_OR_RETURN(BusinessCalendar c, WithHolidays(time_zone, hours, {}));
  ATIENDE_ASSIGN_OR_RETURN(auto days, ParseHolidays(holidays));
  c.SetHolidays(std::move(days));
  return c;
}

Result<BusinessCalendar> BusinessCalendar::WithHolidays(std::string_view time_zone,
                                                        std::string_view hours,
                                                        std::vector<date::local_days> holidays) {
  BusinessCalendar c;
  ATIENDE_ASSIGN_OR_RETURN(c, AroundTheClock(time_zone));
  ATIENDE_ASSIGN_OR_RETURN(c.week_, ParseHours(hours));
  c.SetHolidays(std::move(holidays));
  return c;
}

void BusinessCalendar::SetHolidays(std::vector<date::local_days> holidays) {
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  holidays_ = std::move(holidays);
  around_the_clock_ =
      holidays_.empty() && std::all_of(week_.begin(), week_.end(), [](WorkingHours h) {
        return h.open_minute == 0 && h.close_minute == kMinutesPerDay;
      });
}

Result<BusinessCalendar> BusinessCalendar::AroundTheClock(std::string_view time_zone) {
  std::string_view name = TrimView(time_zone);
  BusinessCalendar c;
  ATIENDE_ASSIGN_OR_RETURN(c.zone_, LocateZone(name));
  c.time_zone_ = std::string(name);
  return c;
}

date::local_days BusinessCalendar::LocalDay(TimePoint t) const {
  auto local = zone_ ? zone_->to_local(t) : date::local_time<Micros>(t.time_since_epoch());
  return date::floor<days>(local);
}

BusinessCalendar::Window BusinessCalendar::WindowOn(date::local_days day) const {
  const WorkingHours& h = week_[date::weekday(day).iso_encoding() - 1];
  if (h.closed() || std::binary_search(holidays_.begin(), holidays_.end(), day)) {
    return Window{};
  }
  auto at = [&](int minute, date::choose choose) {
    date::local_time<Micros> local = day + minutes(minute);
    return zone_ ? zone_->to_sys(local, choose) : TimePoint(local.time_since_epoch());
  };
  // A skipped local time maps to the change itself (date's rule for
  // nonexistent times); a repeated one opens early and closes late.
  return Window{at(h.open_minute, date::choose::earliest),
                at(h.close_minute, date::choose::latest)};
}

TimePoint BusinessCalendar::Add(TimePoint start, Micros d) const {
  d = std::max(d, Micros::zero());
  if (around_the_clock_) return d > TimePoint::max() - start ? TimePoint::max() : start + d;
  // Windows of neighbouring days may overlap when a change repeats local
  // midnight, hence the day before and `cur`, which only moves forward.
  const date::local_days first = LocalDay(start) - days(1);
  TimePoint cur = start;
  for (int i = 0; i <= kMaxWalkDays; ++i) {
    Window w = WindowOn(first + days(i));
    if (w.empty() || w.close <= cur) continue;
    cur = std::max(cur, w.open);
    if (d <= w.close - cur) return cur + d;
    d -= w.close - cur;
    cur = w.close;
  }
  return TimePoint::max();
}

Micros BusinessCalendar::Between(TimePoint a, TimePoint b) const {
  if (b <= a) return Micros::zero();
  if (around_the_clock_) return b - a;
  const Micros horizon = days(kMaxWalkDays);
  if (b - a > horizon) b = a + horizon;
  const date::local_days last = LocalDay(b);
  Micros total{0};
  TimePoint cur = a;
  for (date::local_days day = LocalDay(a) - days(1); day <= last && cur < b; day += days(1)) {
    Window w = WindowOn(day);
    if (w.empty()) continue;
    TimePoint from = std::max(cur, w.open);
    TimePoint to = std::min(b, w.close);
    if (to <= from) continue;
    total += to - from;
    cur = to;
  }
  return total;
}

bool BusinessCalendar::IsWorking(TimePoint t) const {
  if (around_the_clock_) return true;
  const date::local_days day = LocalDay(t);
  for (date::local_days d : {day - days(1), day, day + days(1)}) {
    Window w = WindowOn(d);
    if (w.open <= t && t < w.close) return true;
  }
  return false;
}

bool BusinessCalendar::SameLocalDay(TimePoint a, TimePoint b) const {
  return LocalDay(a) == LocalDay(b);
}

std::string BusinessCalendar::LocalDate(TimePoint t) const { return FormatLocalDate(LocalDay(t)); }

std::string BusinessCalendar::business_hours() const {
  if (std::all_of(week_.begin(), week_.end(), [](WorkingHours h) {
        return h.open_minute == 0 && h.close_minute == kMinutesPerDay;
      })) {
    return "24x7";
  }
  std::string out;
  std::array<bool, 7> done{};
  for (int i = 0; i < 7; ++i) {
    if (done[i] || week_[i].closed()) continue;
    std::vector<int> days;
    for (int j = i; j < 7; ++j) {
      if (week_[j] != week_[i]) continue;
      days.push_back(j);
      done[j] = true;
    }
    if (!out.empty()) out += "; ";
    out += FormatDays(days) + " " + FormatMinute(week_[i].open_minute) + "-" +
           FormatMinute(week_[i].close_minute);
  }
  return out;
}

std::vector<std::string> BusinessCalendar::holidays() const {
  std::vector<std::string> out;
  for (date::local_days day : holidays_) out.push_back(FormatLocalDate(day));
  return out;
}

}  // namespace atiende
