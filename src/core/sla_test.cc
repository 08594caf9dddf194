#include "core/sla.h"

#include <gtest/gtest.h>

#include "core/ticket.h"
#include "core/time_format.h"

namespace atiende {
namespace sla_test {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint At(std::string_view instant) { return ParseInstant(instant).value(); }

// The desk works mon-fri 08:00-18:00 in Bogota (UTC-5).
SlaPolicy BogotaPolicy(const std::vector<std::string>& holidays = {}) {
  auto c = BusinessCalendar::Parse("America/Bogota", "mon-fri 08:00-18:00", holidays);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return SlaPolicy::Default(c.ok() ? *c : BusinessCalendar());
}

struct Due {
  std::string response;
  std::string resolution;
  bool operator==(const Due&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Due& d) {
  return os << "{" << d.response << ", " << d.resolution << "}";
}

Due DueAt(const SlaPolicy& p, int priority, std::string_view opened) {
  SlaDue d = ComputeDue(p, priority, At(opened));
  return Due{FormatInstant(d.response), FormatInstant(d.resolution)};
}

TEST(Sla, DefaultTargets) {
  SlaPolicy p = SlaPolicy::Default(BusinessCalendar());
  const SlaTarget want[4] = {{minutes(15), hours(4), true},
                             {minutes(30), hours(8), false},
                             {hours(2), hours(24), false},
                             {hours(8), hours(72), false}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(p.by_priority[i].response, want[i].response) << "P" << i + 1;
    EXPECT_EQ(p.by_priority[i].resolution, want[i].resolution) << "P" << i + 1;
    EXPECT_EQ(p.by_priority[i].around_the_clock, want[i].around_the_clock) << "P" << i + 1;
    EXPECT_EQ(SlaPolicy{}.by_priority[i].resolution, want[i].resolution);
  }
}

TEST(Sla, EachPriorityOnATuesdayMorning) {
  SlaPolicy p = BogotaPolicy();
  const char* opened = "2026-11-24T10:00:00-05:00";  // tuesday
  EXPECT_EQ(DueAt(p, 1, opened), (Due{"2026-11-24T15:15:00Z", "2026-11-24T19:00:00Z"}));
  EXPECT_EQ(DueAt(p, 2, opened), (Due{"2026-11-24T15:30:00Z", "2026-11-24T23:00:00Z"}));
  // 24 working hours: tuesday 8, wednesday 10, thursday until 14:00.
  EXPECT_EQ(DueAt(p, 3, opened), (Due{"2026-11-24T17:00:00Z", "2026-11-26T19:00:00Z"}));
  // 72 working hours: until thursday of the next week, 12:00.
  EXPECT_EQ(DueAt(p, 4, opened), (Due{"2026-11-24T23:00:00Z", "2026-12-03T17:00:00Z"}));
}

TEST(Sla, CriticalCustomersComeFirst) {
  SlaPolicy p = BogotaPolicy();
  TimePoint opened = At("2026-11-24T10:00:00-05:00");
  for (int prio = 1; prio < 4; ++prio) {
    EXPECT_LT(ComputeDue(p, prio, opened).response, ComputeDue(p, prio + 1, opened).response);
    EXPECT_LT(ComputeDue(p, prio, opened).resolution, ComputeDue(p, prio + 1, opened).resolution);
  }
  // A "Prioritario" customer's degradation ranks one higher than another's.
  EXPECT_LT(
      ComputeDue(p, DefaultPriority(TicketKind::kIncident, "degradation", true), opened).resolution,
      ComputeDue(p, DefaultPriority(TicketKind::kIncident, "degradation", false), opened)
          .resolution);
}

TEST(Sla, CriticalAroundTheClockWhileP3WaitsOverTheWeekend) {
  SlaPolicy p = BogotaPolicy();
  const char* opened = "2026-11-27T17:00:00-05:00";  // friday, one hour before closing
  // A critical customer's outage is P1 and counts through the night.
  ASSERT_EQ(DefaultPriority(TicketKind::kIncident, "outage", true), 1);
  EXPECT_EQ(DueAt(p, 1, opened), (Due{"2026-11-27T22:15:00Z", "2026-11-28T02:00:00Z"}));
  // A P3 counts one hour on friday and resumes on monday at 08:00.
  ASSERT_EQ(DefaultPriority(TicketKind::kIncident, "degradation", false), 3);
  EXPECT_EQ(DueAt(p, 3, opened), (Due{"2026-11-30T14:00:00Z", "2026-12-02T16:00:00Z"}));
}

TEST(Sla, OpenedOutOfHoursStartsAtTheNextOpening) {
  SlaPolicy p = BogotaPolicy();
  EXPECT_EQ(DueAt(p, 2, "2026-11-28T10:00:00-05:00"),  // saturday
            (Due{"2026-11-30T13:30:00Z", "2026-11-30T21:00:00Z"}));
}

TEST(Sla, HolidayInTheMiddle) {
  const char* opened = "2026-12-07T17:00:00-05:00";  // monday; tuesday 8 is a holiday
  EXPECT_EQ(DueAt(BogotaPolicy(), 3, opened),
            (Due{"2026-12-08T14:00:00Z", "2026-12-10T16:00:00Z"}));
  SlaPolicy p = BogotaPolicy({"2026-12-08"});
  EXPECT_EQ(DueAt(p, 3, opened), (Due{"2026-12-09T14:00:00Z", "2026-12-11T16:00:00Z"}));
  // Around-the-clock targets ignore holidays.
  EXPECT_EQ(DueAt(p, 1, opened), (Due{"2026-12-07T22:15:00Z", "2026-12-08T02:00:00Z"}));
}

TEST(Sla, CustomTargets) {
  SlaPolicy p = BogotaPolicy();
  p.by_priority[1] = SlaTarget{hours(1), hours(2), true};
  EXPECT_EQ(DueAt(p, 2, "2026-11-27T17:30:00-05:00"),
            (Due{"2026-11-27T23:30:00Z", "2026-11-28T00:30:00Z"}));
}

TEST(Sla, PriorityOutOfRangeIsClamped) {
  SlaPolicy p = BogotaPolicy();
  const char* opened = "2026-11-24T10:00:00-05:00";
  EXPECT_EQ(DueAt(p, 0, opened), DueAt(p, 1, opened));
  EXPECT_EQ(DueAt(p, 9, opened), DueAt(p, 4, opened));
}

}  // namespace sla_test
}  // namespace atiende
