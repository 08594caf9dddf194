#include "core/telephony.h"

#include <gtest/gtest.h>

namespace atiende {
namespace telephony_test {

TimePoint At(int seconds) { return TimePoint(std::chrono::seconds(1'800'000'000 + seconds)); }

TelephonyEvent Event(TelephonyEventKind kind, int at, std::string user = "",
                     std::string cause = "") {
  TelephonyEvent e;
  e.kind = kind;
  e.call_id = "c1";
  e.at = At(at);
  e.direction = "in";
  e.from = "+56961234567";
  e.user = std::move(user);
  e.cause = std::move(cause);
  return e;
}

TEST(Telephony, AnsweredCallMeasuresWaitAndTalk) {
  TelephonyCall c;
  ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kNewCall, 0)).ok());
  EXPECT_EQ(StateOf(c), "ringing");
  ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kAnswer, 12, "agente")).ok());
  EXPECT_EQ(StateOf(c), "answered");
  ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kHangup, 72, "", "normal")).ok());
  EXPECT_EQ(StateOf(c), "ended");
  EXPECT_EQ(WaitSeconds(c), 12);
  EXPECT_EQ(TalkSeconds(c), 60);
  EXPECT_EQ(c.answered_by, "agente");
}

TEST(Telephony, UnansweredIsMissedUntilALateAnswerArrives) {
  TelephonyCall c;
  ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kNewCall, 0)).ok());
  ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kHangup, 60, "", "normal")).ok());
  EXPECT_EQ(StateOf(c), "missed");
  ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kAnswer, 10, "agente")).ok());
  EXPECT_EQ(StateOf(c), "ended");
  EXPECT_EQ(TalkSeconds(c), 50);
}

TEST(Telephony, ARepeatIsADuplicateAndChangesNothing) {
  TelephonyCall c;
  ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kAnswer, 10, "a")).ok());
  auto again = ApplyTelephonyEvent(c, Event(TelephonyEventKind::kAnswer, 20, "b"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, EventOutcome::kDuplicate);
  EXPECT_EQ(c.answered_by, "a");
  EXPECT_EQ(c.answered_at, At(10));
}

TEST(Telephony, AFloodOfEventsIsBounded) {
  TelephonyCall c;
  for (int i = 0; i < kMaxEventsPerCall; ++i) {
    ASSERT_TRUE(ApplyTelephonyEvent(c, Event(TelephonyEventKind::kNewCall, i)).ok());
  }
  auto more = ApplyTelephonyEvent(c, Event(TelephonyEventKind::kNewCall, 99));
  EXPECT_EQ(more.status().code(), Status::Code::kTooManyRequests);
}

TEST(Telephony, ParsesZammadGenericCtiFields) {
  EventFields f{{"event", {"newCall"}},    {"callId", {"abc-1"}}, {"direction", {"in"}},
                {"from", {"9 6123 4567"}}, {"to", {"201"}},       {"user", {"Ana", "Luis"}}};
  auto e = ParseTelephonyEvent(f, "CL", At(0));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, TelephonyEventKind::kNewCall);
  EXPECT_EQ(e->call_id, "abc-1");
  EXPECT_EQ(e->from, "+56961234567");
  EXPECT_EQ(e->to, "201");  // an extension stays as given
  EXPECT_EQ(e->users, (std::vector<std::string>{"Ana", "Luis"}));
  EventFields hangup{{"event", {"hangup"}}, {"callId", {"abc-1"}}, {"cause", {"noAnswer"}}};
  auto h = ParseTelephonyEvent(hangup, "CL", At(0));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->cause, "no_answer");
}

TEST(Telephony, RefusesBadEventsNamingTheField) {
  auto field = [](EventFields f) {
    auto e = ParseTelephonyEvent(f, "CL", At(0));
    return e.ok() ? std::string("ok") : e.status().field();
  };
  EXPECT_EQ(field({{"callId", {"x"}}}), "event");
  EXPECT_EQ(field({{"event", {"ring"}}, {"callId", {"x"}}}), "event");
  EXPECT_EQ(field({{"event", {"answer"}}}), "call_id");
  EXPECT_EQ(field({{"event", {"newCall"}}, {"callId", {"x"}}, {"direction", {"up"}}}), "direction");
  EXPECT_EQ(field({{"event", {"hangup"}}, {"callId", {"x"}}, {"cause", {"boom"}}}), "cause");
  EXPECT_EQ(field({{"event", {"answer"}}, {"callId", {std::string(129, 'x')}}}), "callId");
  EXPECT_EQ(field({{"event", {"answer"}}, {"callId", {"a\nb"}}}), "callId");
}

}  // namespace telephony_test
}  // namespace atiende
