#include "core/time_format.h"

#include <gtest/gtest.h>

namespace atiende {
namespace time_format_test {

TEST(TimeFormat, InstantRoundTrip) {
  auto t = ParseInstant("2026-11-24T09:30:05Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatInstant(*t), "2026-11-24T09:30:05Z");
  auto f = ParseInstant("2026-11-24T09:30:05.25Z");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FormatInstant(*f), "2026-11-24T09:30:05.250000Z");
}

TEST(TimeFormat, OffsetsConvertToUtc) {
  auto t = ParseInstant("2026-11-24T06:00:00-03:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatInstant(*t), "2026-11-24T09:00:00Z");
}

TEST(TimeFormat, RejectsMalformedInstants) {
  for (const char* bad :
       {"", "2026-11-24", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-24T25:00:00Z",
        "2026-11-24T09:00:00", "2026-11-24T09:00:00Zjunk", "2026-11-24T09:00:00+5:00"}) {
    EXPECT_FALSE(ParseInstant(bad).ok()) << bad;
  }
}

TEST(TimeFormat, Durations) {
  EXPECT_EQ(ParseDuration("PT72H").value(), std::chrono::hours(72));
  EXPECT_EQ(ParseDuration("P1D").value(), std::chrono::hours(24));
  EXPECT_EQ(ParseDuration("P1DT30M").value(), std::chrono::minutes(24 * 60 + 30));
  EXPECT_EQ(ParseDuration("P2W").value(), std::chrono::hours(24 * 14));
  for (const char* bad :
       {"", "P", "PT", "72H", "PT72", "P1H", "PT1D", "P-1D", "P99999999999D", "P1DT"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

}  // namespace time_format_test
}  // namespace atiende

namespace atiende {
namespace time_format_test {

TEST(TimeFormat, FormatsByHandWhatTheParserReadsBack) {
  EXPECT_EQ(FormatInstant(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatInstant(TimePoint{} - Micros(500'000)), "1969-12-31T23:59:59.500000Z");
  EXPECT_EQ(FormatInstant(*ParseInstant("2028-02-29T23:59:59.000001Z")),
            "2028-02-29T23:59:59.000001Z");
  // A spread of instants across centuries round-trips exactly.
  for (int64_t us = -2'000'000'000'000'000LL; us < 8'000'000'000'000'000LL;
       us += 123'456'789'012'345LL) {
    TimePoint t{Micros(us)};
    auto back = ParseInstant(FormatInstant(t));
    ASSERT_TRUE(back.ok()) << FormatInstant(t);
    EXPECT_EQ(*back, t) << FormatInstant(t);
  }
}

TEST(TimeFormat, LocalDates) {
  auto d = ParseLocalDate("2028-02-29");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(FormatLocalDate(*d), "2028-02-29");
  EXPECT_EQ(date::weekday(*d), date::Tuesday);
  EXPECT_EQ(FormatLocalDate(date::local_days(date::year(7) / 1 / 2)), "0007-01-02");
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01",
                          " 2026-01-01", "2026-01-01T00:00", "", "2026-00-10"}) {
    auto r = ParseLocalDate(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseLocalDate("2026-02-30").status().message(),
            "\"2026-02-30\" is not a date that exists");
}

}  // namespace time_format_test
}  // namespace atiende
