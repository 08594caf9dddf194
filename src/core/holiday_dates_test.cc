#include "core/holiday_dates.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/time_format.h"

namespace atiende {
namespace holiday_dates_test {

std::string Easter(int year) { return FormatLocalDate(date::local_days(EasterSunday(year))); }

TEST(HolidayDates, EasterSundayMatchesThePublishedDates) {
  EXPECT_EQ(Easter(2026), "2026-04-05");
  EXPECT_EQ(Easter(2027), "2027-03-28");
  EXPECT_EQ(Easter(2025), "2025-04-20");
  EXPECT_EQ(Easter(2024), "2024-03-31");
  EXPECT_EQ(Easter(2011), "2011-04-24");
  EXPECT_EQ(Easter(2000), "2000-04-23");
  // The earliest and latest dates Easter can take.
  EXPECT_EQ(Easter(1818), "1818-03-22");
  EXPECT_EQ(Easter(2285), "2285-03-22");
  EXPECT_EQ(Easter(1943), "1943-04-25");
  EXPECT_EQ(Easter(2038), "2038-04-25");
}

TEST(HolidayDates, EasterSundayIsASundayEveryYear) {
  for (int year = 1583; year <= 9999; ++year) {
    date::year_month_day e = EasterSunday(year);
    ASSERT_TRUE(e.ok()) << year;
    ASSERT_EQ(date::weekday(date::sys_days(e)), date::Sunday) << year;
    ASSERT_GE(e, date::year(year) / 3 / 22) << year;
    ASSERT_LE(e, date::year(year) / 4 / 25) << year;
  }
}

// Published instants (USNO / IMCCE), to the minute.
TEST(HolidayDates, JuneSolsticeWithinAMinuteOfThePublishedInstant) {
  struct Case {
    int year;
    const char* instant;
  };
  for (const Case& c : {Case{2021, "2021-06-21T03:32:00Z"}, Case{2024, "2024-06-20T20:51:00Z"},
                        Case{2025, "2025-06-21T02:42:00Z"}, Case{2026, "2026-06-21T08:24:00Z"},
                        Case{2027, "2027-06-21T14:11:00Z"}}) {
    TimePoint expected = *ParseInstant(c.instant);
    auto error = std::chrono::abs(JuneSolstice(c.year) - expected);
    EXPECT_LE(error, std::chrono::seconds(90))
        << c.year << ": " << FormatInstant(JuneSolstice(c.year));
  }
}

}  // namespace holiday_dates_test
}  // namespace atiende
