#include "core/calendar.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "core/time_format.h"

namespace atiende {
namespace calendar_test {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint At(std::string_view instant) {
  auto t = ParseInstant(instant);
  EXPECT_TRUE(t.ok()) << instant;
  return t.ok() ? *t : TimePoint{};
}

BusinessCalendar Calendar(std::string_view zone, std::string_view hours,
                          const std::vector<std::string>& holidays = {}) {
  auto c = BusinessCalendar::Parse(zone, hours, holidays);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : BusinessCalendar();
}

// Bogota is UTC-5 all year; 2026-11-24 is a Tuesday, 2026-11-27 a Friday.
BusinessCalendar Bogota(const std::vector<std::string>& holidays = {}) {
  return Calendar("America/Bogota", "mon-fri 08:00-18:00", holidays);
}

std::string AddAt(const BusinessCalendar& c, std::string_view start, Micros d) {
  return FormatInstant(c.Add(At(start), d));
}

TEST(Calendar, WeekdayWindow) {
  auto c = Bogota();
  EXPECT_EQ(AddAt(c, "2026-11-24T10:00:00-05:00", hours(2)), "2026-11-24T17:00:00Z");
  // Ending exactly at closing time stays on that day.
  EXPECT_EQ(AddAt(c, "2026-11-24T10:00:00-05:00", hours(8)), "2026-11-24T23:00:00Z");
  // One minute more carries over to the next opening.
  EXPECT_EQ(AddAt(c, "2026-11-24T10:00:00-05:00", hours(8) + minutes(1)), "2026-11-25T13:01:00Z");
  EXPECT_TRUE(c.IsWorking(At("2026-11-24T08:00:00-05:00")));
  EXPECT_TRUE(c.IsWorking(At("2026-11-24T17:59:59-05:00")));
  EXPECT_FALSE(c.IsWorking(At("2026-11-24T18:00:00-05:00")));
  EXPECT_FALSE(c.IsWorking(At("2026-11-24T07:59:59-05:00")));
  EXPECT_FALSE(c.IsWorking(At("2026-11-28T10:00:00-05:00")));  // saturday
}

TEST(Calendar, StartBeforeOpening) {
  auto c = Bogota();
  EXPECT_EQ(AddAt(c, "2026-11-24T06:00:00-05:00", hours(1)), "2026-11-24T14:00:00Z");
  EXPECT_EQ(AddAt(c, "2026-11-24T06:00:00-05:00", Micros::zero()), "2026-11-24T13:00:00Z");
}

TEST(Calendar, StartAfterClosing) {
  auto c = Bogota();
  EXPECT_EQ(AddAt(c, "2026-11-24T19:00:00-05:00", hours(1)), "2026-11-25T14:00:00Z");
  // Closing time itself is outside: d == 0 gives the next opening.
  EXPECT_EQ(AddAt(c, "2026-11-24T18:00:00-05:00", Micros::zero()), "2026-11-25T13:00:00Z");
}

TEST(Calendar, ZeroInsideHoursIsStart) {
  auto c = Bogota();
  EXPECT_EQ(AddAt(c, "2026-11-24T10:15:00-05:00", Micros::zero()), "2026-11-24T15:15:00Z");
  EXPECT_EQ(AddAt(c, "2026-11-24T10:15:00-05:00", -hours(3)), "2026-11-24T15:15:00Z");
}

TEST(Calendar, FridayEveningToMonday) {
  auto c = Bogota();
  EXPECT_EQ(AddAt(c, "2026-11-27T17:30:00-05:00", hours(1)), "2026-11-30T13:30:00Z");
  EXPECT_EQ(AddAt(c, "2026-11-27T20:00:00-05:00", minutes(5)), "2026-11-30T13:05:00Z");
  EXPECT_EQ(AddAt(c, "2026-11-28T12:00:00-05:00", Micros::zero()), "2026-11-30T13:00:00Z");
}

TEST(Calendar, SaturdayMorning) {
  auto c = Calendar("America/Bogota", "mon-fri 08:00-18:00; sat 09:00-13:00");
  EXPECT_EQ(AddAt(c, "2026-11-27T17:00:00-05:00", hours(3)), "2026-11-28T16:00:00Z");
  EXPECT_EQ(AddAt(c, "2026-11-27T17:00:00-05:00", hours(6)), "2026-11-30T14:00:00Z");
}

TEST(Calendar, HolidaysSkipped) {
  // 2026-12-08 is a tuesday.
  auto c = Bogota({"2026-12-08"});
  EXPECT_EQ(AddAt(c, "2026-12-07T17:00:00-05:00", hours(2)), "2026-12-09T14:00:00Z");
  EXPECT_FALSE(c.IsWorking(At("2026-12-08T10:00:00-05:00")));
  EXPECT_EQ(c.Between(At("2026-12-07T00:00:00-05:00"), At("2026-12-10T00:00:00-05:00")), hours(20));
  // Christmas and new year's day fall on fridays in 2026.
  auto xmas = Bogota({"2026-12-25", "2027-01-01"});
  EXPECT_EQ(AddAt(xmas, "2026-12-24T17:00:00-05:00", hours(11)), "2026-12-28T23:00:00Z");
}

TEST(Calendar, WithHolidaysTakesDates) {
  date::local_days dec8 = *ParseLocalDate("2026-12-08");
  date::local_days dec25 = *ParseLocalDate("2026-12-25");
  auto c =
      BusinessCalendar::WithHolidays("America/Bogota", "mon-fri 08:00-18:00", {dec25, dec8, dec25});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->holidays(), (std::vector<std::string>{"2026-12-08", "2026-12-25"}));
  EXPECT_EQ(AddAt(*c, "2026-12-07T17:00:00-05:00", hours(2)), "2026-12-09T14:00:00Z");
  EXPECT_FALSE(c->around_the_clock());
  EXPECT_TRUE(BusinessCalendar::WithHolidays("UTC", "24x7", {})->around_the_clock());
  EXPECT_EQ(BusinessCalendar::WithHolidays("Nowhere/City", "24x7", {}).status().field(),
            "time_zone");
  EXPECT_EQ(BusinessCalendar::WithHolidays("UTC", "mon 10:00-09:00", {}).status().field(),
            "business_hours");
}

TEST(Calendar, CloseAt2400) {
  auto c = Calendar("America/Bogota", "mon-fri 20:00-24:00");
  EXPECT_EQ(AddAt(c, "2026-11-23T23:00:00-05:00", hours(2)), "2026-11-25T02:00:00Z");
  EXPECT_TRUE(c.IsWorking(At("2026-11-23T23:59:59-05:00")));
  EXPECT_FALSE(c.IsWorking(At("2026-11-24T00:00:00-05:00")));
  // Windows that meet at midnight are continuous.
  auto night = Calendar("America/Bogota", "mon 08:00-24:00; tue 00:00-18:00");
  EXPECT_EQ(AddAt(night, "2026-11-23T23:00:00-05:00", hours(2)), "2026-11-24T06:00:00Z");
  EXPECT_EQ(night.Between(At("2026-11-23T00:00:00Z"), At("2026-11-30T00:00:00Z")), hours(34));
}

TEST(Calendar, TwentyFourSeven) {
  auto c = Calendar("America/Bogota", "24x7");
  EXPECT_TRUE(c.around_the_clock());
  EXPECT_EQ(c.business_hours(), "24x7");
  EXPECT_EQ(AddAt(c, "2026-11-28T23:00:00-05:00", hours(100)), "2026-12-03T08:00:00Z");
  EXPECT_TRUE(c.IsWorking(At("2026-11-29T03:00:00-05:00")));
  EXPECT_EQ(c.Between(At("2026-11-28T00:00:00Z"), At("2026-11-29T06:00:00Z")), hours(30));

  // Holidays still close their dates.
  auto h = Calendar("America/Bogota", "24X7", {"2026-12-25"});
  EXPECT_FALSE(h.around_the_clock());
  EXPECT_EQ(AddAt(h, "2026-12-24T23:00:00-05:00", hours(2)), "2026-12-26T06:00:00Z");
  EXPECT_FALSE(h.IsWorking(At("2026-12-25T12:00:00-05:00")));
}

TEST(Calendar, AroundTheClockAndDefault) {
  auto c = BusinessCalendar::AroundTheClock("America/Bogota");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->time_zone(), "America/Bogota");
  EXPECT_EQ(c->Add(At("2026-11-27T20:00:00Z"), hours(5)), At("2026-11-28T01:00:00Z"));
  EXPECT_EQ(c->LocalDate(At("2026-11-28T01:00:00Z")), "2026-11-27");
  auto bad = BusinessCalendar::AroundTheClock("Nowhere/City");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "time_zone");

  BusinessCalendar utc;
  EXPECT_EQ(utc.time_zone(), "UTC");
  EXPECT_TRUE(utc.around_the_clock());
  EXPECT_EQ(utc.LocalDate(At("2026-11-24T23:59:59Z")), "2026-11-24");
  EXPECT_TRUE(BusinessCalendar::AroundTheClock("UTC").ok());
}

TEST(Calendar, ParseAcceptsVariants) {
  auto c = Calendar("America/Bogota", " Mon-Fri 8:00 - 18:00 ; sat 09:00-13:00; ");
  EXPECT_EQ(c.business_hours(), "mon-fri 08:00-18:00; sat 09:00-13:00");
  EXPECT_EQ(c.week()[5], (WorkingHours{9 * 60, 13 * 60}));
  EXPECT_TRUE(c.week()[6].closed());
  // Lists and ranges that wrap past sunday.
  auto wrap = Calendar("UTC", "fri-mon 10:00-14:00; wed, tue 09:00-10:00");
  EXPECT_EQ(wrap.business_hours(), "mon,fri-sun 10:00-14:00; tue-wed 09:00-10:00");
  auto again = BusinessCalendar::Parse("UTC", wrap.business_hours(), {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->week(), wrap.week());
  // Holidays come back sorted and distinct.
  auto h = Bogota({"2026-12-25", " 2026-01-01", "2026-12-25"});
  EXPECT_EQ(h.holidays(), (std::vector<std::string>{"2026-01-01", "2026-12-25"}));
}

void ExpectInvalid(std::string_view zone, std::string_view hours,
                   const std::vector<std::string>& holidays, std::string_view field,
                   std::string_view words) {
  auto c = BusinessCalendar::Parse(zone, hours, holidays);
  ASSERT_FALSE(c.ok()) << hours;
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.status().field(), field) << c.status().ToString();
  EXPECT_NE(c.status().message().find(words), std::string::npos) << c.status().ToString();
}

TEST(Calendar, ParseErrors) {
  const std::string ok = "mon-fri 08:00-18:00";
  ExpectInvalid("Mars/Olympus", ok, {}, "time_zone", "Mars/Olympus");
  ExpectInvalid("", ok, {}, "time_zone", "America/Bogota");
  ExpectInvalid("UTC", "mon-fry 08:00-18:00", {}, "business_hours", "unknown day \"fry\"");
  ExpectInvalid("UTC", "mon- 08:00-18:00", {}, "business_hours", "a day is missing");
  ExpectInvalid("UTC", "mon 18:00-08:00", {}, "business_hours", "cannot cross midnight");
  ExpectInvalid("UTC", "mon 08:00-08:00", {}, "business_hours", "not after it opens");
  ExpectInvalid("UTC", "mon 24:00-24:00", {}, "business_hours", "not after it opens");
  ExpectInvalid("UTC", "mon 8-18", {}, "business_hours", "\"8\" is not a time");
  ExpectInvalid("UTC", "mon 08:60-09:00", {}, "business_hours", "\"08:60\"");
  ExpectInvalid("UTC", "mon 09:00-24:30", {}, "business_hours", "\"24:30\"");
  ExpectInvalid("UTC", "mon 09:00", {}, "business_hours", "08:00-18:00");
  ExpectInvalid("UTC", "mon-fri", {}, "business_hours", "needs days and a window");
  ExpectInvalid("UTC", "08:00-18:00", {}, "business_hours", "needs days and a window");
  ExpectInvalid("UTC", "", {}, "business_hours", "no working time");
  ExpectInvalid("UTC", " ; ", {}, "business_hours", "no working time");
  ExpectInvalid("UTC", "mon-fri 08:00-18:00; fri 09:00-13:00", {}, "business_hours",
                "fri is listed twice");
  ExpectInvalid("UTC", std::string(2000, 'x'), {}, "business_hours", "too long");
  ExpectInvalid("UTC", ok, {"2026-12-25", "2026-02-30"}, "holidays", "#2 \"2026-02-30\"");
  for (std::string bad : {"2026-2-3", "25/12/2026", "", "2026-12-25x", "2026-13-01"}) {
    ExpectInvalid("UTC", ok, {bad}, "holidays", "is not a date like 2026-12-25");
  }
}

TEST(Calendar, Between) {
  auto c = Bogota();
  EXPECT_EQ(c.Between(At("2026-11-27T17:00:00-05:00"), At("2026-11-30T09:00:00-05:00")), hours(2));
  EXPECT_EQ(c.Between(At("2026-11-24T10:00:00-05:00"), At("2026-11-24T10:00:00-05:00")),
            Micros::zero());
  EXPECT_EQ(c.Between(At("2026-11-24T12:00:00-05:00"), At("2026-11-24T10:00:00-05:00")),
            Micros::zero());
  EXPECT_EQ(c.Between(At("2026-11-23T00:00:00-05:00"), At("2026-11-30T00:00:00-05:00")), hours(50));
}

TEST(Calendar, BetweenIsTheInverseOfAdd) {
  const std::vector<BusinessCalendar> calendars = {
      Bogota({"2026-12-08", "2026-12-25"}),
      Calendar("America/Santiago", "mon-fri 08:00-18:00; sat 09:00-13:30"),
      Calendar("America/Santiago", "sat 20:00-24:00; sun 00:00-04:00; wed 22:00-23:30"),
      Calendar("America/Santiago", "24x7", {"2026-09-06"}),
  };
  const std::vector<Micros> durations = {minutes(1), minutes(90), hours(10), hours(37), hours(200)};
  for (const auto& c : calendars) {
    // Every 7 hours over weeks that hold both 2026 changes of Santiago.
    for (auto from :
         {At("2026-03-28T00:00:00Z"), At("2026-08-29T00:00:00Z"), At("2026-11-30T00:00:00Z")}) {
      for (TimePoint s = from; s < from + hours(24 * 14); s += hours(7)) {
        for (Micros d : durations) {
          TimePoint due = c.Add(s, d);
          EXPECT_EQ(c.Between(s, due), d) << c.business_hours() << " from " << FormatInstant(s)
                                          << " due " << FormatInstant(due);
          EXPECT_TRUE(c.IsWorking(due - Micros(1))) << FormatInstant(due);
        }
      }
    }
  }
}

TEST(Calendar, LongWalkIsBounded) {
  // Every working day of 21 years is a holiday: Add gives "never".
  std::vector<std::string> mondays;
  for (date::local_days d = date::local_days(date::year(2026) / 11 / 30);
       d < date::local_days(date::year(2048) / 1 / 1); d += date::days(7)) {
    date::year_month_day ymd(d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    mondays.push_back(buf);
  }
  auto c = Calendar("UTC", "mon 08:00-09:00", mondays);
  EXPECT_EQ(c.Add(At("2026-11-25T00:00:00Z"), minutes(1)), TimePoint::max());
  EXPECT_EQ(c.Between(At("2026-11-25T00:00:00Z"), TimePoint::max()), Micros::zero());
  // Long targets on a normal calendar walk day by day, quickly.
  auto b = Bogota();
  EXPECT_EQ(b.Between(At("2026-11-24T10:00:00-05:00"),
                      b.Add(At("2026-11-24T10:00:00-05:00"), hours(20000))),
            hours(20000));
}

TEST(Calendar, SameLocalDayInBogota) {
  auto c = Bogota();
  EXPECT_EQ(c.LocalDate(At("2026-11-24T04:59:59Z")), "2026-11-23");
  EXPECT_EQ(c.LocalDate(At("2026-11-24T05:00:00Z")), "2026-11-24");
  EXPECT_FALSE(c.SameLocalDay(At("2026-11-24T04:59:00Z"), At("2026-11-24T05:00:00Z")));
  EXPECT_TRUE(c.SameLocalDay(At("2026-11-24T05:00:00Z"), At("2026-11-25T04:59:59Z")));
  EXPECT_FALSE(c.SameLocalDay(At("2026-11-24T05:00:00Z"), At("2026-11-25T05:00:00Z")));
  // The same instants are one UTC day but two local ones.
  EXPECT_TRUE(
      BusinessCalendar().SameLocalDay(At("2026-11-24T04:59:00Z"), At("2026-11-24T05:00:00Z")));
}

// America/Santiago in 2026 (zdump -v): at 2026-04-05T03:00Z clocks go from
// 24:00 -03 back to 23:00 -04 (saturday 4 April has 25 hours, 23:00-24:00
// twice); at 2026-09-06T04:00Z they go from 24:00 -04 to 01:00 -03 (sunday 6
// September has 23 hours and starts at 01:00).
TEST(CalendarDst, SantiagoWorkingWindowsOnChangeDays) {
  auto c = Calendar("America/Santiago", "mon-sun 08:00-18:00");
  // April: saturday at -03, sunday at -04; each day has 10 working hours.
  EXPECT_EQ(c.Between(At("2026-04-04T00:00:00Z"), At("2026-04-05T06:00:00Z")), hours(10));
  EXPECT_EQ(c.Between(At("2026-04-05T06:00:00Z"), At("2026-04-06T06:00:00Z")), hours(10));
  EXPECT_EQ(AddAt(c, "2026-04-04T17:00:00-03:00", hours(2)), "2026-04-05T13:00:00Z");
  EXPECT_FALSE(c.IsWorking(At("2026-04-05T11:30:00Z")));  // 07:30 -04
  EXPECT_TRUE(c.IsWorking(At("2026-04-05T12:00:00Z")));   // 08:00 -04
  // September: saturday at -04, sunday at -03.
  EXPECT_EQ(c.Between(At("2026-09-06T00:00:00Z"), At("2026-09-07T00:00:00Z")), hours(10));
  EXPECT_EQ(AddAt(c, "2026-09-05T17:00:00-04:00", hours(2)), "2026-09-06T12:00:00Z");
  EXPECT_TRUE(c.IsWorking(At("2026-09-06T11:00:00Z")));   // 08:00 -03
  EXPECT_FALSE(c.IsWorking(At("2026-09-06T21:30:00Z")));  // 18:30 -03
}

TEST(CalendarDst, SantiagoWindowHoldingTheChangeCountsRealTime) {
  auto c = Calendar("America/Santiago", "sat 20:00-24:00; sun 00:00-04:00");
  // Saturday 20:00 -03 (23:00Z) to midnight -04 (04:00Z): 5 real hours.
  EXPECT_EQ(c.Between(At("2026-04-04T12:00:00Z"), At("2026-04-05T04:00:00Z")), hours(5));
  EXPECT_EQ(c.Between(At("2026-04-04T12:00:00Z"), At("2026-04-06T00:00:00Z")), hours(9));
  EXPECT_EQ(AddAt(c, "2026-04-04T20:00:00-03:00", hours(6)), "2026-04-05T05:00:00Z");
  EXPECT_TRUE(c.IsWorking(At("2026-04-05T03:30:00Z")));  // 23:30 -04, the second time
  // Saturday 20:00 -04 (00:00Z) to midnight, which is skipped: 4 h; sunday
  // opens at the change (01:00 -03) until 04:00 -03: 3 h.
  EXPECT_EQ(c.Between(At("2026-09-05T12:00:00Z"), At("2026-09-07T00:00:00Z")), hours(7));
  EXPECT_EQ(AddAt(c, "2026-09-05T20:00:00-04:00", hours(5)), "2026-09-06T05:00:00Z");

  // A closing time that happens twice closes at its second occurrence.
  auto late = Calendar("America/Santiago", "sat 22:00-23:30");
  EXPECT_EQ(late.Between(At("2026-04-04T12:00:00Z"), At("2026-04-06T00:00:00Z")), minutes(150));
  EXPECT_TRUE(late.IsWorking(At("2026-04-05T03:15:00Z")));   // 23:15 -04
  EXPECT_FALSE(late.IsWorking(At("2026-04-05T03:45:00Z")));  // 23:45 -04
}

TEST(CalendarDst, SantiagoSameLocalDay) {
  auto c = Calendar("America/Santiago", "mon-fri 08:00-18:00");
  // Saturday 4 April runs from 03:00Z to 04:00Z the next day (25 h).
  EXPECT_EQ(c.LocalDate(At("2026-04-04T02:59:59Z")), "2026-04-03");
  EXPECT_TRUE(c.SameLocalDay(At("2026-04-04T03:00:00Z"), At("2026-04-05T03:59:59Z")));
  EXPECT_TRUE(c.SameLocalDay(At("2026-04-05T02:30:00Z"), At("2026-04-05T03:30:00Z")));
  EXPECT_FALSE(c.SameLocalDay(At("2026-04-05T03:59:59Z"), At("2026-04-05T04:00:00Z")));
  EXPECT_EQ(c.LocalDate(At("2026-04-05T04:00:00Z")), "2026-04-05");
  // Sunday 6 September runs from 04:00Z (01:00 -03) to 03:00Z the next day (23 h).
  EXPECT_EQ(c.LocalDate(At("2026-09-06T03:59:59Z")), "2026-09-05");
  EXPECT_EQ(c.LocalDate(At("2026-09-06T04:00:00Z")), "2026-09-06");
  EXPECT_FALSE(c.SameLocalDay(At("2026-09-06T03:59:59Z"), At("2026-09-06T04:00:00Z")));
  EXPECT_TRUE(c.SameLocalDay(At("2026-09-06T04:00:00Z"), At("2026-09-07T02:59:59Z")));
  EXPECT_EQ(c.LocalDate(At("2026-09-07T03:00:00Z")), "2026-09-07");
}

}  // namespace calendar_test
}  // namespace atiende
