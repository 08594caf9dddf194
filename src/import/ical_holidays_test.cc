#include "import/ical_holidays.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/desk_holidays.h"

namespace atiende::import {
namespace ical_holidays_test {

// A feed of `events` (VEVENT bodies), with CRLF line ends as RFC 5545 asks.
std::string Feed(const std::vector<std::string>& events) {
  std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Atiende//test//ES\r\n";
  int uid = 0;
  for (const std::string& e : events) {
    out += "BEGIN:VEVENT\r\nUID:" + std::to_string(++uid) + "@test\r\n" + e + "END:VEVENT\r\n";
  }
  return out + "END:VCALENDAR\r\n";
}

std::vector<std::string> DatesOf(const Result<std::vector<IcalHoliday>>& r) {
  std::vector<std::string> out;
  if (!r.ok()) return {r.status().ToString()};
  for (const IcalHoliday& h : *r) out.push_back(h.date);
  return out;
}

TEST(IcalHolidays, AllDayEventsAreHolidays) {
  auto r = ParseIcalHolidays(Feed({
                                 "DTSTART;VALUE=DATE:20260607\r\n"
                                 "SUMMARY:Asalto y Toma del Morro de Arica\r\n",
                                 "DTSTART;VALUE=DATE:20251116\r\nDTEND;VALUE=DATE:20251117\r\n"
                                 "SUMMARY:Elecciones Presidenciales y Parlamentarias\r\n",
                                 // A meeting, not a holiday.
                                 "DTSTART:20260608T150000Z\r\nDTEND:20260608T160000Z\r\n"
                                 "SUMMARY:Reunión\r\n",
                             }),
                             2025, 2026);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<IcalHoliday>{
                    {"2025-11-16", "Elecciones Presidenciales y Parlamentarias"},
                    {"2026-06-07", "Asalto y Toma del Morro de Arica"},
                }));
}

TEST(IcalHolidays, MultiDayEventsGiveEachDay) {
  // DTEND is exclusive: 17, 18 and 19 September; a DURATION works the same.
  EXPECT_EQ(DatesOf(ParseIcalHolidays(
                Feed({"DTSTART;VALUE=DATE:20270917\r\nDTEND;VALUE=DATE:20270920\r\n"
                      "SUMMARY:Fiestas Patrias\r\n",
                      "DTSTART;VALUE=DATE:20271224\r\nDURATION:P2D\r\nSUMMARY:Navidad\r\n"}),
                2027, 2027)),
            (std::vector<std::string>{"2027-09-17", "2027-09-18", "2027-09-19", "2027-12-24",
                                      "2027-12-25"}));
}

TEST(IcalHolidays, RecurrencesAreExpandedWithinTheYears) {
  // Every 20 June from 2024, except 2026; only 2025 … 2027 asked for.
  auto r = ParseIcalHolidays(Feed({"DTSTART;VALUE=DATE:20240620\r\nRRULE:FREQ=YEARLY\r\n"
                                   "EXDATE;VALUE=DATE:20260620\r\nSUMMARY:Aniversario\r\n"}),
                             2025, 2027);
  EXPECT_EQ(DatesOf(r), (std::vector<std::string>{"2025-06-20", "2027-06-20"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].name, "Aniversario");
}

TEST(IcalHolidays, FeedsTheDeskAsAdditions) {
  auto r =
      ParseIcalHolidays(Feed({"DTSTART;VALUE=DATE:20260607\r\nSUMMARY:Arica\r\n"}), 2026, 2026);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> additions;
  for (const IcalHoliday& h : *r) additions.push_back(h.date);
  auto desk = DeskHolidays::Make("CL", additions, {});
  ASSERT_TRUE(desk.ok()) << desk.status().ToString();
  EXPECT_EQ(desk->Of(2026).size(), 17u);
}

TEST(IcalHolidays, BadFeedsAreRefused) {
  auto not_ical = ParseIcalHolidays("hello, world", 2026, 2026);
  ASSERT_FALSE(not_ical.ok());
  EXPECT_EQ(not_ical.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(not_ical.status().field(), "ics");
  EXPECT_FALSE(ParseIcalHolidays("", 2026, 2026).ok());

  auto big = ParseIcalHolidays(std::string(kMaxIcalBytes + 1, 'x'), 2026, 2026);
  EXPECT_EQ(big.status().code(), Status::Code::kPayloadTooLarge);

  auto hourly = ParseIcalHolidays(
      Feed({"DTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=HOURLY\r\nSUMMARY:X\r\n"}), 2026, 2026);
  ASSERT_FALSE(hourly.ok());
  EXPECT_EQ(hourly.status().message(), "event \"X\" recurs more often than daily");

  // Every day for 3 years is over the cap.
  auto daily = ParseIcalHolidays(
      Feed({"DTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=DAILY\r\nSUMMARY:X\r\n"}), 2026, 2028);
  ASSERT_FALSE(daily.ok());
  EXPECT_EQ(daily.status().message(), "holds more than 1000 holiday dates");

  EXPECT_FALSE(ParseIcalHolidays(Feed({}), 2027, 2026).ok());
  EXPECT_FALSE(ParseIcalHolidays(Feed({}), 1800, 2026).ok());
  EXPECT_TRUE(ParseIcalHolidays(Feed({}), 2026, 2026)->empty());
}

}  // namespace ical_holidays_test
}  // namespace atiende::import
