#include "core/desk_holidays.h"

#include <algorithm>

#include "core/time_format.h"

namespace atiende {

namespace {

// A local list → sorted, distinct dates; `field` names it in errors.
Result<std::vector<date::local_days>> ParseLocalDates(const std::vector<std::string>& list,
                                                      const char* field) {
  if (list.size() > DeskHolidays::kMaxLocalDates) {
    return Status::InvalidArgument(
        "lists more than " + std::to_string(DeskHolidays::kMaxLocalDates) + " dates", field);
  }
  std::vector<date::local_days> out;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string_view s = list[i];
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
    auto day = ParseLocalDate(s);
    if (!day.ok()) {
      return Status::InvalidArgument(
          "date #" + std::to_string(i + 1) + ": " + day.status().message(), field);
    }
    out.push_back(*day);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool ContainsDay(const std::vector<date::local_days>& sorted, date::local_days day) {
  return std::binary_search(sorted.begin(), sorted.end(), day);
}

int YearOfDay(date::local_days day) { return static_cast<int>(date::year_month_day(day).year()); }

std::vector<std::string> FormatLocalDates(const std::vector<date::local_days>& days) {
  std::vector<std::string> out;
  out.reserve(days.size());
  for (date::local_days d : days) out.push_back(FormatLocalDate(d));
  return out;
}

}  // namespace

Result<DeskHolidays> DeskHolidays::Make(std::string_view country,
                                        const std::vector<std::string>& additions,
                                        const std::vector<std::string>& removals) {
  DeskHolidays out;
  if (!country.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(HolidayRules rules, HolidayRules::Shipped(country));
    out.country_ = rules.country();
    out.rules_ = std::move(rules);
  }
  ATIENDE_ASSIGN_OR_RETURN(out.additions_, ParseLocalDates(additions, "holiday_additions"));
  ATIENDE_ASSIGN_OR_RETURN(out.removals_, ParseLocalDates(removals, "holiday_removals"));
  for (date::local_days day : out.removals_) {
    const std::string text = FormatLocalDate(day);
    if (ContainsDay(out.additions_, day)) {
      return Status::InvalidArgument(text + " is both added and removed", "holiday_removals");
    }
    // A move may carry a holiday across new year: look at the years around.
    const int year = YearOfDay(day);
    bool found = false;
    for (int y = year - 1; y <= year + 1 && !found && out.rules_; ++y) {
      for (const Holiday& h : out.rules_->Of(y)) found = found || h.day == day;
    }
    if (!found) {
      return Status::InvalidArgument(text + " is not a holiday of " +
                                         (out.country_.empty() ? "the desk" : out.country_) +
                                         ", so there is nothing to remove",
                                     "holiday_removals");
    }
  }
  return out;
}

std::vector<Holiday> DeskHolidays::Of(int year) const {
  std::vector<Holiday> out;
  if (rules_) {
    for (Holiday& h : rules_->Of(year)) {
      if (!ContainsDay(removals_, h.day)) out.push_back(std::move(h));
    }
  }
  for (date::local_days day : additions_) {
    if (YearOfDay(day) != year) continue;
    auto at = std::lower_bound(out.begin(), out.end(), day,
                               [](const Holiday& h, date::local_days d) { return h.day < d; });
    if (at == out.end() || at->day != day)
      out.insert(at, Holiday{day, std::string(kLocalHolidayName)});
  }
  return out;
}

std::vector<date::local_days> DeskHolidays::Dates(int first_year, int last_year) const {
  std::vector<date::local_days> out = additions_;
  for (int year = first_year; rules_ && year <= last_year; ++year) {
    for (const Holiday& h : rules_->Of(year)) {
      if (!ContainsDay(removals_, h.day)) out.push_back(h.day);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> DeskHolidays::additions() const { return FormatLocalDates(additions_); }
std::vector<std::string> DeskHolidays::removals() const { return FormatLocalDates(removals_); }

Result<BusinessCalendar> DeskCalendar(std::string_view time_zone, std::string_view hours,
                                      const DeskHolidays& holidays) {
  return BusinessCalendar::WithHolidays(
      time_zone, hours, holidays.Dates(kDeskCalendarFirstYear, kDeskCalendarLastYear));
}

Result<BusinessCalendar> DeskCalendar(std::string_view time_zone, std::string_view hours,
                                      std::string_view country,
                                      const std::vector<std::string>& additions,
                                      const std::vector<std::string>& removals) {
  ATIENDE_ASSIGN_OR_RETURN(DeskHolidays holidays, DeskHolidays::Make(country, additions, removals));
  return DeskCalendar(time_zone, hours, holidays);
}

}  // namespace atiende
