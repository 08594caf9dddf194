// DeskHolidays: the days a desk is closed for holidays — its country's
// national rules (core/holiday_rules.h) plus single dates the desk adds (a
// regional holiday, an election day) or removes (a holiday it works). And
// DeskCalendar, the desk's BusinessCalendar with those holidays.
//
// Local changes are dates, not edits of a rule: removing 2026-12-08 leaves
// 2027-12-08 a holiday, and working out any year again (next year's list, a
// calendar rebuilt after a restart) keeps 2026-12-08 removed. A desk's
// settings therefore store the country and the two date lists, never a
// generated list.
//
// Pure. Thread-safety: an immutable value; share freely.
#pragma once

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/holiday_rules.h"
#include "core/status.h"

namespace atiende {

// The name of a holiday a desk adds.
inline constexpr std::string_view kLocalHolidayName = "Feriado local";

// The years a desk calendar knows holidays in (additions outside them are
// kept too). Working time after 2100 counts no country holidays.
inline constexpr int kDeskCalendarFirstYear = 2000;
inline constexpr int kDeskCalendarLastYear = 2100;

class DeskHolidays {
 public:
  // Caps on each local list.
  static constexpr size_t kMaxLocalDates = 1000;

  DeskHolidays() = default;  // no country and no local dates: no holidays

  // country: a shipped rule set ("CO", "CL", any case; HolidayRules::Shipped)
  // or "" for none. additions and removals: dates "2026-06-07" (surrounding
  // whitespace ignored; order and repeats do not matter).
  // Fails with kInvalidArgument naming field "country" (no rules for it),
  // "holiday_additions" or "holiday_removals" (not a date, over
  // kMaxLocalDates dates; the message gives the date's position), or
  // "holiday_removals" for a date that is not one of the country's holidays
  // (nothing to remove: a typo would otherwise silently keep the holiday) or
  // that is also an addition.
  static Result<DeskHolidays> Make(std::string_view country,
                                   const std::vector<std::string>& additions,
                                   const std::vector<std::string>& removals);

  // The holidays of `year`, sorted by date, one per date: the country's
  // (HolidayRules::Of) without the removed dates, with the added ones (named
  // kLocalHolidayName unless the country already has that date).
  std::vector<Holiday> Of(int year) const;
  // Every holiday date of the years first … last (each as Of), plus the
  // additions outside them; sorted and distinct.
  std::vector<date::local_days> Dates(int first_year, int last_year) const;

  // "CO"; "" for none.
  const std::string& country() const { return country_; }
  // The local lists in canonical form: sorted, distinct "YYYY-MM-DD".
  std::vector<std::string> additions() const;
  std::vector<std::string> removals() const;

 private:
  std::optional<HolidayRules> rules_;
  std::string country_;
  std::vector<date::local_days> additions_;  // sorted, distinct
  std::vector<date::local_days> removals_;   // sorted, distinct
};

// A desk's calendar: BusinessCalendar::WithHolidays with zone and hours as
// Parse takes them and the dates of `holidays` for the years
// kDeskCalendarFirstYear … kDeskCalendarLastYear (about 1,850 dates for CO;
// Add and Between stay one binary search per day walked).
// Fails as BusinessCalendar::Parse does for "time_zone" and "business_hours".
Result<BusinessCalendar> DeskCalendar(std::string_view time_zone, std::string_view hours,
                                      const DeskHolidays& holidays);
// DeskHolidays::Make, then the above: the one call a desk's settings need.
// Fails as either does.
Result<BusinessCalendar> DeskCalendar(std::string_view time_zone, std::string_view hours,
                                      std::string_view country,
                                      const std::vector<std::string>& additions,
                                      const std::vector<std::string>& removals);

}  // namespace atiende
