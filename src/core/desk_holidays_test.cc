#include "core/desk_holidays.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/sla.h"
#include "core/time_format.h"

namespace atiende {
namespace desk_holidays_test {

using std::chrono::hours;

DeskHolidays Desk(std::string_view country, const std::vector<std::string>& additions = {},
                  const std::vector<std::string>& removals = {}) {
  auto d = DeskHolidays::Make(country, additions, removals);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : DeskHolidays();
}

std::vector<std::string> Dates(const DeskHolidays& d, int year) {
  std::vector<std::string> out;
  for (const Holiday& h : d.Of(year)) out.push_back(FormatLocalDate(h.day));
  return out;
}

bool Has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Status ErrorOf(std::string_view country, const std::vector<std::string>& additions,
               const std::vector<std::string>& removals) {
  auto d = DeskHolidays::Make(country, additions, removals);
  return d.ok() ? Status::Ok() : d.status();
}

TEST(DeskHolidays, TheCountrySetAlone) {
  DeskHolidays co = Desk("CO");
  EXPECT_EQ(co.country(), "CO");
  EXPECT_EQ(co.Of(2026).size(), 18u);
  EXPECT_EQ(co.Of(2026), HolidayRules::Shipped("CO")->Of(2026));
  EXPECT_TRUE(DeskHolidays().Of(2026).empty());
}

TEST(DeskHolidays, ARemovalTakesOutThatDateOnly) {
  DeskHolidays d = Desk("CO", {}, {"2026-12-08"});
  auto y2026 = Dates(d, 2026);
  EXPECT_EQ(y2026.size(), 17u);
  EXPECT_FALSE(Has(y2026, "2026-12-08"));
  // Next year's list keeps its 8 December: the removal was one date, not the rule.
  EXPECT_TRUE(Has(Dates(d, 2027), "2027-12-08"));
  EXPECT_EQ(Dates(d, 2027).size(), 18u);
  // Working the years out again (a restart, the desk saved and loaded) keeps
  // the removal: the desk stores its country and local dates, not a list.
  DeskHolidays reloaded = Desk(d.country(), d.additions(), d.removals());
  EXPECT_EQ(Dates(reloaded, 2026), y2026);
  EXPECT_EQ(reloaded.removals(), (std::vector<std::string>{"2026-12-08"}));
}

TEST(DeskHolidays, AdditionsAreLocalHolidaysInDateOrder) {
  // Arica's Asalto y Toma del Morro and an election day, given unsorted and repeated.
  DeskHolidays d = Desk("cl", {" 2026-06-07 ", "2026-05-21", "2026-06-07", "2025-11-16"});
  EXPECT_EQ(d.additions(), (std::vector<std::string>{"2025-11-16", "2026-05-21", "2026-06-07"}));
  auto list = d.Of(2026);
  ASSERT_EQ(list.size(), 17u);  // 16 + 7 June; 21 May was already a holiday
  EXPECT_EQ(FormatLocalDate(list[5].day), "2026-06-07");
  EXPECT_EQ(list[5].name, kLocalHolidayName);
  EXPECT_EQ(list[4].name, "Día de las Glorias Navales");  // the country's name wins
  EXPECT_TRUE(Has(Dates(d, 2025), "2025-11-16"));
}

TEST(DeskHolidays, NoCountryOnlyLocalDates) {
  DeskHolidays d = Desk("", {"2026-12-24"});
  EXPECT_EQ(d.country(), "");
  EXPECT_EQ(Dates(d, 2026), (std::vector<std::string>{"2026-12-24"}));
  EXPECT_TRUE(d.Of(2027).empty());
}

TEST(DeskHolidays, DatesCoverTheYearsAndEveryAddition) {
  DeskHolidays d = Desk("CO", {"1999-05-05", "2026-02-02"}, {"2026-01-12"});
  auto dates = d.Dates(2026, 2027);
  EXPECT_EQ(dates.size(), 1u + 18 + 18);  // 1999 and 2026 added, one 2026 removed
  EXPECT_TRUE(std::is_sorted(dates.begin(), dates.end()));
  EXPECT_EQ(FormatLocalDate(dates.front()), "1999-05-05");
  EXPECT_EQ(std::count(dates.begin(), dates.end(), *ParseLocalDate("2026-01-12")), 0);
}

TEST(DeskHolidays, BadLocalDatesAndCountriesAreRefused) {
  Status s = ErrorOf("PE", {}, {});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "country");

  s = ErrorOf("CO", {"2026-06-07", "2026-02-30"}, {});
  EXPECT_EQ(s.field(), "holiday_additions");
  EXPECT_EQ(s.message(), "date #2: \"2026-02-30\" is not a date that exists");

  s = ErrorOf("CO", {}, {"8/12/2026"});
  EXPECT_EQ(s.field(), "holiday_removals");
  EXPECT_EQ(s.message(), "date #1: \"8/12/2026\" is not a date like 2026-12-25");

  // A removal must name a country holiday: 2026-12-09 is a typo.
  s = ErrorOf("CO", {}, {"2026-12-09"});
  EXPECT_EQ(s.field(), "holiday_removals");
  EXPECT_EQ(s.message(), "2026-12-09 is not a holiday of CO, so there is nothing to remove");
  // San José's own date is not the holiday in 2026; the Monday it moved to is.
  EXPECT_FALSE(ErrorOf("CO", {}, {"2026-03-19"}).ok());
  EXPECT_TRUE(ErrorOf("CO", {}, {"2026-03-23"}).ok());
  EXPECT_FALSE(ErrorOf("", {}, {"2026-12-08"}).ok());

  s = ErrorOf("CO", {"2026-12-08"}, {"2026-12-08"});
  EXPECT_EQ(s.field(), "holiday_removals");
  EXPECT_EQ(s.message(), "2026-12-08 is both added and removed");

  std::vector<std::string> many(DeskHolidays::kMaxLocalDates + 1, "2026-01-02");
  EXPECT_EQ(ErrorOf("CO", many, {}).field(), "holiday_additions");
}

// --- The desk's BusinessCalendar ---------------------------------------------

TimePoint At(std::string_view instant) {
  auto t = ParseInstant(instant);
  EXPECT_TRUE(t.ok()) << instant;
  return t.ok() ? *t : TimePoint{};
}

BusinessCalendar Calendar(std::string_view zone, std::string_view hours, std::string_view country,
                          const std::vector<std::string>& additions = {},
                          const std::vector<std::string>& removals = {}) {
  auto c = DeskCalendar(zone, hours, country, additions, removals);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : BusinessCalendar();
}

TEST(DeskCalendar, SlaSkipsAColombianMovedMonday) {
  BusinessCalendar c = Calendar("America/Bogota", "mon-fri 08:00-18:00", "CO");
  // San José, Thursday 19 March 2026, is kept on Monday 23 (Ley Emiliani).
  EXPECT_TRUE(c.IsWorking(At("2026-03-19T10:00:00-05:00")));
  EXPECT_FALSE(c.IsWorking(At("2026-03-23T10:00:00-05:00")));
  // A P2 ticket opened Friday 20 March at 17:00: 30 min to respond that
  // Friday; 8 working hours to resolve — 1 h on Friday, none on the weekend
  // or the holiday Monday, 7 h on Tuesday 24.
  SlaDue due = ComputeDue(SlaPolicy::Default(c), 2, At("2026-03-20T17:00:00-05:00"));
  EXPECT_EQ(FormatInstant(due.response), "2026-03-20T22:30:00Z");
  EXPECT_EQ(FormatInstant(due.resolution), "2026-03-24T20:00:00Z");  // 15:00 in Bogotá
  EXPECT_EQ(c.Between(At("2026-03-20T17:00:00-05:00"), due.resolution), hours(8));
}

TEST(DeskCalendar, SlaSkipsAChileanHoliday) {
  BusinessCalendar c = Calendar("America/Santiago", "mon-fri 09:00-18:00", "CL");
  // San Pedro y San Pablo, Tuesday 29 June 2027, is kept on Monday 28
  // (Ley 19.668); Tuesday is a working day. Santiago is at UTC-4 in winter.
  EXPECT_FALSE(c.IsWorking(At("2027-06-28T10:00:00-04:00")));
  EXPECT_TRUE(c.IsWorking(At("2027-06-29T10:00:00-04:00")));
  SlaDue due = ComputeDue(SlaPolicy::Default(c), 2, At("2027-06-25T17:00:00-04:00"));
  // 1 h on Friday 25, then 7 h from Tuesday 29 at 09:00.
  EXPECT_EQ(FormatInstant(due.resolution), "2027-06-29T20:00:00Z");
  // Glorias Navales, Thursday 21 May 2026: a Wednesday 17:00 ticket's 2 h
  // run to Friday 10:00.
  EXPECT_EQ(FormatInstant(c.Add(At("2026-05-20T17:00:00-04:00"), hours(2))),
            "2026-05-22T14:00:00Z");
}

TEST(DeskCalendar, LocalAdditionsCloseAndRemovalsOpen) {
  BusinessCalendar c =
      Calendar("America/Bogota", "mon-fri 08:00-18:00", "CO", {"2026-03-24"}, {"2026-03-23"});
  EXPECT_TRUE(c.IsWorking(At("2026-03-23T10:00:00-05:00")));
  EXPECT_FALSE(c.IsWorking(At("2026-03-24T10:00:00-05:00")));
  EXPECT_FALSE(c.around_the_clock());
}

TEST(DeskCalendar, HolidaysCoverTheCentury) {
  BusinessCalendar c = Calendar("America/Bogota", "24x7", "CO");
  auto list = c.holidays();
  EXPECT_EQ(list.front(), "2000-01-01");
  EXPECT_EQ(list.back(), "2100-12-25");
  EXPECT_GT(list.size(), 101u * 17);
  EXPECT_FALSE(c.IsWorking(At("2099-12-25T12:00:00-05:00")));
  EXPECT_FALSE(c.around_the_clock());  // 24x7 but holidays close it
}

TEST(DeskCalendar, BadSettingsAreRefused) {
  auto zone = DeskCalendar("Mars/Olympus", "mon-fri 08:00-18:00", "CO", {}, {});
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().field(), "time_zone");
  auto hours = DeskCalendar("America/Bogota", "mon-fri 18:00-08:00", "CO", {}, {});
  ASSERT_FALSE(hours.ok());
  EXPECT_EQ(hours.status().field(), "business_hours");
  auto country = DeskCalendar("America/Bogota", "mon-fri 08:00-18:00", "XX", {}, {});
  ASSERT_FALSE(country.ok());
  EXPECT_EQ(country.status().field(), "country");
}

}  // namespace desk_holidays_test
}  // namespace atiende
