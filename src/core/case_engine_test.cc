// The case engine through a fake CaseEffects: where a case stands after each
// change (step, state, timers, timeline) and which effects it asked for — on
// the shipped ZB protocol and on a small procedure with both timer clocks.
// What each action does is case_actions_test.cc's.
#include "core/case_engine.h"

#include <gtest/gtest.h>

#include "testing/case_engine_kit.h"

namespace atiende {
namespace case_engine_test {

using Code = Status::Code;
using testing::kVisit;
using testing::OpenNotice;
using testing::T;
using testing::Whats;
using testing::Zb;
using testing::ZbEngineTest;

TEST_F(ZbEngineTest, WithoutANoticeTheIntakeIsMailedAndTheVisitIsToCoordinate) {
  ASSERT_TRUE(Start().ok());
  EXPECT_EQ(fx.log,
            (std::vector<std::string>{"find_open_notice",
                                      "mail case.zb_intake to supervisor_rrss, jefe_servicio"}));
  EXPECT_EQ(c.procedure, "zb-unblock");
  EXPECT_EQ(c.state, CaseState::kOpen);
  EXPECT_EQ(c.step, "coordinate_visit");
  EXPECT_EQ(c.step_roles, "supervisor");
  EXPECT_EQ(c.notice_number, "");
  EXPECT_TRUE(c.timers.empty());
  EXPECT_EQ(Whats(c), (std::vector<std::string>{"opened", "notice_none", "mail_queued",
                                                "step_entered", "step_entered"}));
  EXPECT_EQ(c.timeline.back().data.at("step"), "coordinate_visit");
  EXPECT_EQ(c.timeline[2].data.at("subject"), "Subject of case.zb_intake");
  EXPECT_EQ(c.timeline[0].actor, "agente");
}

TEST_F(ZbEngineTest, ARegionalCustomersVisitedNoticeIsBackedUpAndItsTimerRunsFromItsUpdate) {
  f.customer.region = "Coquimbo";
  fx.open_notice = OpenNotice(true, T("2026-11-24T02:00:00Z"));
  ASSERT_TRUE(Start().ok());
  EXPECT_EQ(fx.log, (std::vector<std::string>{
                        "find_open_notice", "mail case.zb_intake to supervisor_rrss, jefe_servicio",
                        "mail case.zb_regional_backup to despacho_emergencia cc contact_center, "
                        "cc_emergencia, supervisores_abastible"}));
  EXPECT_EQ(c.notice_number, "EME0000007");
  EXPECT_EQ(c.step, "monitor");
  ASSERT_EQ(c.timers.size(), 1u);
  const CaseTimer& t = c.timers[0];
  EXPECT_EQ(t.id, "overdue");
  EXPECT_EQ(t.since, T("2026-11-24T02:00:00Z"));
  EXPECT_EQ(t.due_at, T("2026-11-27T02:00:00Z"));  // 72 h on the wall clock
  EXPECT_EQ(t.first_due, t.due_at);
  EXPECT_EQ(t.warn_at, T("2026-11-26T02:00:00Z"));  // 48 h
  EXPECT_EQ(Whats(c).back(), "timer_armed");
}

TEST_F(ZbEngineTest, ANoticeUpdateWhileWaitingArmsTheTimerAnewFromTheUpdate) {
  fx.open_notice = OpenNotice(true, T("2026-11-24T02:00:00Z"));
  ASSERT_TRUE(Start().ok());
  const int64_t first = c.timers.at(0).generation;
  ASSERT_TRUE(Changed("2026-11-25T10:00:00Z").ok());  // nothing moved: the timer stays
  EXPECT_EQ(c.timers.at(0).generation, first);
  f.notice->updated_at = T("2026-11-25T10:00:00Z");
  CaseEngine e(Zb(), fx, At("2026-11-25T10:00:00Z", "system"));
  ASSERT_TRUE(e.NoticeChanged(c, f).ok());
  EXPECT_EQ(c.step, "monitor");
  ASSERT_EQ(c.timers.size(), 1u);
  EXPECT_GT(c.timers[0].generation, first);
  EXPECT_EQ(c.timers[0].due_at, T("2026-11-28T10:00:00Z"));
  EXPECT_EQ(e.armed(), c.timers);
  EXPECT_EQ(Whats(c).back(), "timer_armed");
}

TEST_F(ZbEngineTest, TheOverdueTimerMailsEmergencyEvery24hAndAStaleOneDoesNothing) {
  fx.open_notice = OpenNotice(true, T("2026-11-24T02:00:00Z"));
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  const CaseTimer armed = c.timers.at(0);
  bool fired = false;
  CaseEngine late(Zb(), fx, At("2026-11-29T03:00:00Z", "system"));  // two periods missed
  ASSERT_TRUE(late.FireTimer(c, f, "overdue", armed.generation, fired).ok());
  EXPECT_TRUE(fired);
  EXPECT_EQ(fx.log, (std::vector<std::string>{"mail case.zb_overdue to cc_emergencia"}));
  EXPECT_EQ(c.followups, 1);
  EXPECT_EQ(c.timers.at(0).fired, 1);
  EXPECT_EQ(c.timers.at(0).due_at, T("2026-11-30T02:00:00Z"));  // fires once, then moves on
  ASSERT_EQ(late.armed().size(), 1u);
  EXPECT_EQ(late.armed()[0].due_at, T("2026-11-30T02:00:00Z"));

  const Case before = c;
  CaseEngine stale(Zb(), fx, At("2026-11-30T02:00:00Z", "system"));
  ASSERT_TRUE(stale.FireTimer(c, f, "overdue", armed.generation - 1, fired).ok());
  EXPECT_FALSE(fired);
  EXPECT_EQ(c, before);
  EXPECT_EQ(fx.log.size(), 1u);
  EXPECT_TRUE(stale.armed().empty());
}

TEST_F(ZbEngineTest, RefusedAnswersChangeNothingAndAskForNothing) {
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  const Case before = c;
  Status s = Answer("second_call", "no_contact", {});
  EXPECT_EQ(s.reason(), "step_not_current");
  EXPECT_EQ(Answer("coordinate_visit", "contacted", kVisit, Role::kDispatch).code(),
            Code::kPermissionDenied);
  EXPECT_EQ(Answer("coordinate_visit", "maybe", {}).field(), "outcome");
  EXPECT_EQ(Answer("coordinate_visit", "no_contact", {{"colour", "red"}}).field(), "fields.colour");
  auto no_phone_2 = kVisit;
  no_phone_2.erase("phone_2");
  EXPECT_EQ(Answer("coordinate_visit", "contacted", no_phone_2).field(), "fields.phone_2");
  auto same_phones = kVisit;
  same_phones["phone_2"] = same_phones["phone_1"];
  EXPECT_EQ(Answer("coordinate_visit", "contacted", same_phones).field(), "fields.phone_2");
  auto past = kVisit;
  past["visit_day"] = "2026-11-23";
  EXPECT_EQ(Answer("coordinate_visit", "contacted", past).field(), "fields.visit_day");
  EXPECT_EQ(c, before);
  EXPECT_TRUE(fx.log.empty());

  c.step = "monitor";
  EXPECT_EQ(Answer("monitor", "closed", {}).reason(), "step_not_a_form");
  c.state = CaseState::kClosed;
  EXPECT_EQ(Answer("monitor", "closed", {}).reason(), "case_closed");
}

TEST_F(ZbEngineTest, ASecondIntakeAddsItsNewPhonesToTheOpenCase) {
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  CaseEngine e(Zb(), fx, At("2026-11-24T15:00:00Z", "agente"));
  e.AddIntake(c, {"Juana", {"+56933333333", "+56944444444"}, "llama otra vez"});
  EXPECT_EQ(c.intake.phones, (std::vector<std::string>{"+56933333333", "+56944444444"}));
  EXPECT_EQ(c.timeline.back().data.at("what"), "intake_added");
  EXPECT_EQ(c.timeline.back().data.at("comment"), "llama otra vez");
  EXPECT_EQ(c.updated_at, T("2026-11-24T15:00:00Z"));
  EXPECT_TRUE(fx.log.empty());
}

// A small procedure: decisions on a form field, the customer and the calls;
// a block put; timers on the business and the wall clock.
const char* kSmall = R"(procedure: small
title: Small
number_prefix: SM
start: ask
steps:
  ask:
    role: agent
    form:
      kind: {type: choice, options: [leak, other]}
    outcomes:
      answered:
        requires: [kind]
        do: [{record_call: contacted}]
        next: route
  route:
    decide:
      - when: {all: [{case.fields.kind: leak}, {customer.segment: Granel}]}
        do: [{set_block: LEAK}]
        next: wait
      - when: {case.call_attempts: {gte: 2}}
        do: [{end: {result: done, label: listo}}]
      - next: ask
  wait:
    role: dispatch
    timers:
      - {id: office, after: 2h, warn_after: 1h, clock: business, do: [{email: late, to: [desk]}]}
      - {id: wall, after: 2h, do: [{email: late, to: [customer]}]}
    on:
      notice_closed:
        - do: [{end: {result: closed, label: cerrado}}]
)";

class SmallEngineTest : public ::testing::Test {
 protected:
  Procedure p =
      ParseProcedure(kSmall, "small.yaml", {[](std::string_view) { return true; }, {"desk"}})
          .value();
  BusinessCalendar office = BusinessCalendar::Parse("UTC", "mon-fri 09:00-18:00", {}).value();
  testing::FakeCaseEffects fx;
  Case c;
  CaseFacts f;
  const TimePoint friday = T("2026-11-27T17:00:00Z");

  void SetUp() override {
    f.customer.code = "C2";
    f.customer.email = "c2@example.cl";
    CaseEngine e(p, fx, Moment(friday));
    ASSERT_TRUE(e.Start(c, f).ok());
  }
  CaseMoment Moment(TimePoint now) { return {now, "agente", "2026-11-27", &office}; }
  Status Answer(const std::string& kind) {
    CaseEngine e(p, fx, Moment(friday));
    return e.Submit(c, f, {"ask", "answered", {{"kind", kind}}, Role::kAgent});
  }
};

TEST_F(SmallEngineTest, DecisionsReadTheFieldsTheCustomerAndTheCalls) {
  f.customer.segment = "otro";
  ASSERT_TRUE(Answer("leak").ok());
  EXPECT_EQ(c.step, "ask");  // not granel, one call: back to ask
  ASSERT_TRUE(Answer("leak").ok());
  EXPECT_EQ(c.result, "done");  // two calls
  EXPECT_EQ(fx.log, (std::vector<std::string>{"record_call contacted", "record_call contacted"}));
}

TEST_F(SmallEngineTest, TimersCountBusinessOrWallTimeAndAOneShotFiresOnce) {
  f.customer.segment = "granel";
  ASSERT_TRUE(Answer("leak").ok());
  EXPECT_EQ(fx.log,
            (std::vector<std::string>{"record_call contacted", "set_block LEAK customer C2"}));
  EXPECT_EQ(c.step, "wait");
  ASSERT_EQ(c.timers.size(), 2u);
  EXPECT_EQ(c.timers[0].warn_at, T("2026-11-27T18:00:00Z"));  // the last working hour
  EXPECT_EQ(c.timers[0].due_at, T("2026-11-30T10:00:00Z"));   // one hour on Monday
  EXPECT_EQ(c.timers[1].due_at, T("2026-11-27T19:00:00Z"));   // the wall clock
  fx.log.clear();
  bool fired = false;
  CaseEngine e(p, fx, Moment(T("2026-11-27T19:00:00Z")));
  ASSERT_TRUE(e.FireTimer(c, f, "wall", c.timers[1].generation, fired).ok());
  EXPECT_TRUE(fired);
  EXPECT_EQ(fx.log, (std::vector<std::string>{"mail case.late to c2@example.cl"}));
  EXPECT_TRUE(e.armed().empty());  // no every: nothing to schedule
  ASSERT_TRUE(e.FireTimer(c, f, "wall", c.timers[1].generation, fired).ok());
  EXPECT_FALSE(fired);
  EXPECT_EQ(fx.log.size(), 1u);
  EXPECT_EQ(c.followups, 1);
}

}  // namespace case_engine_test
}  // namespace atiende
