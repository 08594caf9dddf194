#include "core/ticket_opening.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace atiende {
namespace ticket_opening_test {

using Action = OpeningDecision::Action;

TimePoint At(std::string_view instant) {
  auto t = ParseInstant(instant);
  EXPECT_TRUE(t.ok()) << instant;
  return t.ok() ? *t : TimePoint{};
}

// Bogotá is UTC-5 all year: 2026-11-25T04:50Z is 23:50 on the 24th there.
BusinessCalendar Bogota() { return BusinessCalendar::AroundTheClock("America/Bogota").value(); }

Ticket Unclosed(TicketState state, std::optional<TimePoint> resolved_at = std::nullopt) {
  Ticket t;
  t.number = "CS0000007";
  t.customer_id = 3;
  t.service_id = "SRV-1001";
  t.state = state;
  t.resolved_at = resolved_at;
  return t;
}

TEST(DecideOpening, NothingUnclosedOpens) {
  auto d = DecideOpening(std::nullopt, "", At("2026-11-24T15:00:00Z"), Bogota());
  EXPECT_EQ(d.action, Action::kOpen);
  EXPECT_FALSE(d.existing);
  // A link to a ticket that no longer stands in the way changes nothing.
  EXPECT_EQ(DecideOpening(std::nullopt, "CS0000007", At("2026-11-24T15:00:00Z"), Bogota()).action,
            Action::kOpen);
}

TEST(DecideOpening, LinkedTicketResolvedTheSameLocalDayIsReopenedInstead) {
  Ticket t = Unclosed(TicketState::kResolved, At("2026-11-25T04:50:00Z"));  // 23:50 on the 24th
  auto d = DecideOpening(t, "CS0000007", At("2026-11-25T04:59:00Z"), Bogota());  // 23:59
  EXPECT_EQ(d.action, Action::kReopenInstead);
  ASSERT_TRUE(d.existing);
  EXPECT_EQ(d.existing->number, "CS0000007");
  // Two UTC dates, one local date: still today in the desk's zone.
  t.resolved_at = At("2026-11-24T23:30:00Z");  // 18:30 on the 24th
  EXPECT_EQ(DecideOpening(t, "CS0000007", At("2026-11-25T04:00:00Z"), Bogota()).action,
            Action::kReopenInstead);
}

TEST(DecideOpening, LinkedTicketResolvedOnAnEarlierLocalDayIsSuperseded) {
  Ticket t = Unclosed(TicketState::kResolved, At("2026-11-25T04:50:00Z"));  // 23:50 on the 24th
  auto d = DecideOpening(t, "CS0000007", At("2026-11-25T05:01:00Z"), Bogota());  // 00:01 the 25th
  EXPECT_EQ(d.action, Action::kSupersede);
  ASSERT_TRUE(d.existing);
  EXPECT_EQ(d.existing->number, "CS0000007");
  // Without a resolution time there is no day to reopen it on.
  t.resolved_at.reset();
  EXPECT_EQ(DecideOpening(t, "CS0000007", At("2026-11-25T04:59:00Z"), Bogota()).action,
            Action::kSupersede);
}

TEST(DecideOpening, AResolvedTicketNotLinkedBlocks) {
  Ticket t = Unclosed(TicketState::kResolved, At("2026-11-20T15:00:00Z"));
  for (std::string_view link : {"", "CS0000006"}) {
    auto d = DecideOpening(t, link, At("2026-11-24T15:00:00Z"), Bogota());
    EXPECT_EQ(d.action, Action::kBlock) << link;
    ASSERT_TRUE(d.existing) << link;
    EXPECT_EQ(d.existing->number, "CS0000007");
    EXPECT_EQ(d.existing->state, TicketState::kResolved);
  }
}

TEST(DecideOpening, AWorkingTicketBlocksEvenWhenLinked) {
  for (TicketState s : {TicketState::kNew, TicketState::kInProgress, TicketState::kOnHold}) {
    for (std::string_view link : {"", "CS0000007"}) {
      auto d = DecideOpening(Unclosed(s), link, At("2026-11-24T15:00:00Z"), Bogota());
      EXPECT_EQ(d.action, Action::kBlock) << Name(s) << " " << link;
      ASSERT_TRUE(d.existing);
      EXPECT_EQ(d.existing->number, "CS0000007");
      EXPECT_EQ(d.existing->state, s);
    }
  }
}

}  // namespace ticket_opening_test
}  // namespace atiende
