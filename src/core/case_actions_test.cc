// The registry's actions (core/case_actions.cc) run by the engine on the
// shipped ZB protocol, through a fake CaseEffects: which effects each asked
// for with which arguments, and what it wrote on the case and its timeline.
#include <gtest/gtest.h>

#include "core/case_engine.h"
#include "testing/case_engine_kit.h"

namespace atiende {
namespace case_actions_test {

using Code = Status::Code;
using testing::kVisit;
using testing::OpenNotice;
using testing::T;
using testing::Whats;
using testing::ZbEngineTest;

TEST_F(ZbEngineTest, TwoCallsWithoutContactMailTheCustomerAndEndTheCase) {
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  ASSERT_TRUE(Answer("coordinate_visit", "no_contact", {}).ok());
  EXPECT_EQ(c.step, "second_call");
  EXPECT_EQ(c.call_attempts, 1);
  ASSERT_TRUE(
      Answer("second_call", "no_contact", {}, Role::kSupervisor, "2026-11-25T09:00:00Z").ok());
  EXPECT_EQ(fx.log, (std::vector<std::string>{"record_call no_contact",
                                              "mail case.zb_no_contact to cliente@example.cl",
                                              "record_call no_contact"}));
  EXPECT_EQ(c.call_attempts, 2);
  EXPECT_EQ(c.state, CaseState::kClosed);
  EXPECT_EQ(c.result, "no_contact");
  EXPECT_EQ(c.result_label, "sin contacto — desbloqueo no gestionado");
  EXPECT_EQ(c.closed_at, T("2026-11-25T09:00:00Z"));
  EXPECT_EQ(c.step, "");
  EXPECT_EQ(c.step_roles, "");
  EXPECT_EQ(Whats(c).back(), "closed");
  EXPECT_EQ(c.timeline.back().data.at("result"), "no_contact");
}

TEST_F(ZbEngineTest, MailToACustomerWithoutAnAddressIsSkippedAndAContactsAddressIsUsed) {
  f.customer.email = "";
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  ASSERT_TRUE(Answer("coordinate_visit", "no_contact", {}).ok());
  EXPECT_EQ(fx.log, (std::vector<std::string>{"record_call no_contact"}));
  const CaseEvent& skipped = c.timeline[c.timeline.size() - 2];
  EXPECT_EQ(skipped.data.at("what"), "mail_skipped");
  EXPECT_EQ(skipped.data.at("event"), "case.zb_no_contact");

  f.customer.contacts = {{"Pedro", "", "", ""}, {"Ana", "hija", "", "ana@example.cl"}};
  c.step = "verify_visit";  // back at a step whose no_contact mails the customer
  ASSERT_TRUE(Answer("verify_visit", "no_contact", {}).ok());
  EXPECT_EQ(fx.log.back(), "mail case.zb_no_contact to ana@example.cl");
}

TEST_F(ZbEngineTest, AContactedCallCreatesTheNoticeWithTheVisitAndWaitsForIt) {
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  ASSERT_TRUE(Answer("coordinate_visit", "contacted", kVisit).ok());
  EXPECT_EQ(fx.log, (std::vector<std::string>{"record_call contacted", "find_open_notice",
                                              "create_notice "}));
  EXPECT_EQ(c.fields, kVisit);
  EXPECT_EQ(c.notice_number, "EME0000001");
  ASSERT_TRUE(f.notice.has_value());
  EXPECT_TRUE(f.notice->has_visit());
  EXPECT_EQ(c.step, "monitor");
  EXPECT_EQ(c.step_roles, "dispatch");
  ASSERT_EQ(c.timers.size(), 1u);
  EXPECT_EQ(c.timers[0].since, T("2026-11-24T13:00:00Z"));  // the new notice's update
  auto whats = Whats(c);
  EXPECT_NE(std::find(whats.begin(), whats.end(), "notice_created"), whats.end());
}

TEST_F(ZbEngineTest, ANoticeDispatchOpenedMeanwhileTakesTheVisitInsteadOfASecondOne) {
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  fx.open_notice = OpenNotice(false, T("2026-11-24T12:30:00Z"));
  ASSERT_TRUE(Answer("coordinate_visit", "contacted", kVisit).ok());
  EXPECT_EQ(fx.log, (std::vector<std::string>{"record_call contacted", "find_open_notice",
                                              "update_notice EME0000007 "}));
  EXPECT_EQ(c.notice_number, "EME0000007");
  auto whats = Whats(c);
  auto linked = std::find(whats.begin(), whats.end(), "notice_linked");
  ASSERT_NE(linked, whats.end());
  EXPECT_EQ(*(linked + 1), "notice_written");
}

TEST_F(ZbEngineTest, AVisitForANoticeClosedMeanwhileIsNotWrittenAndTheClosingDecides) {
  fx.open_notice = OpenNotice(false, T("2026-11-24T02:00:00Z"));
  ASSERT_TRUE(Start().ok());
  EXPECT_EQ(c.step, "verify_visit");
  ASSERT_TRUE(Answer("verify_visit", "no_contact", {}).ok());
  f.notice->state = NoticeState::kClosed;
  f.notice->outcome = NoticeOutcome::kFit;
  ASSERT_TRUE(Changed("2026-11-24T14:00:00Z").ok());  // at a form step: only noted
  EXPECT_EQ(c.step, "second_call");
  fx.log.clear();
  ASSERT_TRUE(Answer("second_call", "contacted", kVisit, Role::kAdmin).ok());
  EXPECT_EQ(fx.log,
            (std::vector<std::string>{
                "record_call contacted",
                "mail case.zb_fit to mesa_clientes cc contact_center, supervisores_abastible"}));
  EXPECT_EQ(c.step, "confirm_unblock");
  auto whats = Whats(c);
  EXPECT_NE(std::find(whats.begin(), whats.end(), "notice_already_closed"), whats.end());
}

TEST_F(ZbEngineTest, UpdatingANoticeTheCaseNoLongerFollowsIsRefused) {
  fx.open_notice = OpenNotice(false, T("2026-11-24T02:00:00Z"));
  ASSERT_TRUE(Start().ok());
  f.notice.reset();
  Status s = Answer("verify_visit", "contacted", kVisit);
  EXPECT_EQ(s.code(), Code::kConflict);
  EXPECT_EQ(s.reason(), "no_notice");
}

TEST_F(ZbEngineTest, AFitClosingGoesToTheBackOfficeWhichLiftsTheBlock) {
  fx.open_notice = OpenNotice(true, T("2026-11-24T02:00:00Z"));
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  f.notice->state = NoticeState::kClosed;
  f.notice->outcome = NoticeOutcome::kFit;
  ASSERT_TRUE(Changed("2026-11-25T10:00:00Z").ok());
  EXPECT_EQ(fx.log,
            (std::vector<std::string>{
                "mail case.zb_fit to mesa_clientes cc contact_center, supervisores_abastible"}));
  EXPECT_EQ(c.step, "confirm_unblock");
  EXPECT_TRUE(c.timers.empty());
  EXPECT_EQ(Answer("confirm_unblock", "unblocked", {}, Role::kSupervisor).code(),
            Code::kPermissionDenied);
  ASSERT_TRUE(Answer("confirm_unblock", "unblocked", {}, Role::kBackOffice).ok());
  EXPECT_EQ(fx.log,
            (std::vector<std::string>{
                "mail case.zb_fit to mesa_clientes cc contact_center, supervisores_abastible",
                "lift_block ZB customer C1",
                "mail case.zb_unblocked to supervisor_rrss cc contact_center"}));
  EXPECT_EQ(c.result, "unblocked");
  EXPECT_EQ(c.state, CaseState::kClosed);
}

TEST_F(ZbEngineTest, ANotFitClosingMailsTheServiceAndTheCustomerAndEndsTheCase) {
  fx.open_notice = OpenNotice(true, T("2026-11-24T02:00:00Z"));
  ASSERT_TRUE(Start().ok());
  fx.log.clear();
  f.notice->state = NoticeState::kClosed;
  f.notice->outcome = NoticeOutcome::kNotFit;
  f.notice->technician_observations = "regulador dañado";
  ASSERT_TRUE(Changed("2026-11-25T10:00:00Z").ok());
  EXPECT_EQ(fx.log,
            (std::vector<std::string>{
                "mail case.zb_not_fit to supervisor_rrss, jefe_servicio cc supervisores_abastible",
                "mail case.zb_not_fit_customer to cliente@example.cl"}));
  EXPECT_EQ(c.result, "not_fit");
  auto closing = std::find_if(c.timeline.begin(), c.timeline.end(), [](const CaseEvent& e) {
    return e.data.at("what") == "notice_closed";
  });
  ASSERT_NE(closing, c.timeline.end());
  EXPECT_EQ(closing->data.at("outcome"), "no_apta");
  EXPECT_EQ(closing->data.at("observations"), "regulador dañado");
}

}  // namespace case_actions_test
}  // namespace atiende
