// The Store contract for cases of procedures (see store_contract.h).
#include <atomic>
#include <string>
#include <thread>

#include "store/store_contract.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_cases_test {

using testing::T;
using Code = Status::Code;

const TimePoint kBase = T("2026-11-24T12:00:00Z");

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {}
};

Case Draft(int64_t customer_id, std::string procedure = "zb-unblock") {
  Case c;
  c.procedure = std::move(procedure);
  c.customer_id = customer_id;
  c.step = "coordinate_visit";
  c.step_roles = "supervisor";
  c.step_entered_at = c.created_at = c.updated_at = kBase;
  c.intake = {"Juan Pérez", {"+56961234567"}, "Sin gas"};
  c.fields = {{"visit_day", "2026-11-26"}};
  c.timeline.push_back({kBase, "agente", "intake", "Case opened", {{"caller", "Juan Pérez"}}});
  return c;
}

// Numbers the case from the ZB series and inserts it, in one transaction.
Status Create(Store& s, Case& c) {
  return s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    Case draft = c;
    ATIENDE_ASSIGN_OR_RETURN(int64_t k, tx.numbers().Next("ZB"));
    draft.number = FormatCaseNumber("ZB", k);
    ATIENDE_RETURN_IF_ERROR(tx.cases().Insert(draft));
    c = std::move(draft);
    return Status::Ok();
  });
}

Case Created(Store& s, Case c) {
  Status st = Create(s, c);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return c;
}

Status Save(Store& s, Case& c) {
  c.version++;
  Status st =
      s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.cases().Update(c); });
  if (!st.ok()) c.version--;
  return st;
}

std::vector<std::string> Numbers(Store& s, const CaseQuery& q) {
  std::vector<std::string> out;
  Status st = s.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(auto list, tx.cases().List(q));
    for (const auto& c : list) out.push_back(c.number);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST_P(StoreContract, CasesRoundTripWithTheirTimelineAndTimers) {
  Fixture f(GetParam());
  Case c = Draft(7);
  c.notice_number = "EME0000003";
  c.timers.push_back({"overdue", kBase, kBase + std::chrono::hours(72),
                      kBase + std::chrono::hours(48), kBase + std::chrono::hours(72), 0, 4});
  c.timer_generation = 4;
  c = Created(*f.store, c);
  EXPECT_EQ(c.number, "ZB0000001");
  EXPECT_GT(c.id, 0);
  EXPECT_EQ(c.version, 1);
  Case by_number, by_id;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(by_number, tx.cases().Get("ZB0000001"));
                           ATIENDE_ASSIGN_OR_RETURN(by_id, tx.cases().GetById(c.id));
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(by_number, c);
  EXPECT_EQ(by_id, c);
  Status missing = f.store->Read(atiende::testing::MainDesk(),
                                 [](ReadTx& tx) { return tx.cases().Get("ZB0000099").status(); });
  EXPECT_EQ(missing.code(), Code::kNotFound);
}

TEST_P(StoreContract, OneOpenCasePerCustomerAndProcedure) {
  Fixture f(GetParam());
  Case first = Created(*f.store, Draft(7));
  Case second = Draft(7);
  Status st = Create(*f.store, second);
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
  EXPECT_EQ(st.field(), "customer_id");
  // Another customer, or another procedure, is fine; and once closed, a new one opens.
  Created(*f.store, Draft(8));
  Created(*f.store, Draft(7, "other-procedure"));
  first.state = CaseState::kClosed;
  ASSERT_TRUE(Save(*f.store, first).ok());
  Case again = Created(*f.store, Draft(7));
  EXPECT_EQ(again.number, "ZB0000004");  // the refused insert rolled its number back
  std::optional<Case> open;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(open, tx.cases().FindOpen("zb-unblock", 7));
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->number, again.number);
}

TEST_P(StoreContract, ConcurrentIntakesForOneCustomerOpenOneCase) {
  Fixture f(GetParam());
  std::atomic<int> opened{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      Case c = Draft(42);
      Status st = Create(*f.store, c);
      if (st.ok()) {
        opened++;
      } else if (st.code() == Code::kAlreadyExists && st.field() == "customer_id") {
        refused++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(refused.load(), 7);
}

TEST_P(StoreContract, CaseUpdatesCheckTheVersion) {
  Fixture f(GetParam());
  Case c = Created(*f.store, Draft(7));
  Case stale = c;
  c.step = "monitor";
  c.step_roles = "dispatch";
  ASSERT_TRUE(Save(*f.store, c).ok());
  stale.step = "second_call";
  Status st = Save(*f.store, stale);
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_EQ(st.reason(), "version_conflict");
  Case got;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(got, tx.cases().Get(c.number));
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(got.step, "monitor");
  EXPECT_EQ(got.version, 2);
}

TEST_P(StoreContract, CaseQueuesPutOverdueFirstAndFilterByRole) {
  Fixture f(GetParam());
  auto with_timer = [](Case c, int hours) {
    c.step = "monitor";
    c.step_roles = "dispatch";
    c.timers.push_back({"overdue", kBase, kBase + std::chrono::hours(hours), std::nullopt,
                        kBase + std::chrono::hours(hours), 0, 1});
    return c;
  };
  Case later = Created(*f.store, with_timer(Draft(1), 72));
  Case no_timer = Created(*f.store, Draft(2));
  Case sooner = Created(*f.store, with_timer(Draft(3), 10));
  Case back_office = Draft(4);
  back_office.step = "confirm_unblock";
  back_office.step_roles = "back_office,supervisor";
  back_office = Created(*f.store, back_office);
  CaseQuery all;
  all.procedure = "zb-unblock";
  all.state = CaseState::kOpen;
  EXPECT_EQ(
      Numbers(*f.store, all),
      (std::vector<std::string>{sooner.number, later.number, no_timer.number, back_office.number}));
  CaseQuery bo = all;
  bo.role = "back_office";
  EXPECT_EQ(Numbers(*f.store, bo), std::vector<std::string>{back_office.number});
  bo.role = "supervisor";
  EXPECT_EQ(Numbers(*f.store, bo), (std::vector<std::string>{no_timer.number, back_office.number}));
  bo.role = "office";  // a role name inside another one does not match
  EXPECT_TRUE(Numbers(*f.store, bo).empty());
  CaseQuery customer;
  customer.customer_id = 3;
  EXPECT_EQ(Numbers(*f.store, customer), std::vector<std::string>{sooner.number});
  CaseQuery paged = all;
  paged.limit = 2;
  paged.offset = 1;
  EXPECT_EQ(Numbers(*f.store, paged), (std::vector<std::string>{later.number, no_timer.number}));
  later.state = CaseState::kClosed;
  ASSERT_TRUE(Save(*f.store, later).ok());
  EXPECT_EQ(Numbers(*f.store, all).size(), 3u);
  CaseQuery closed;
  closed.state = CaseState::kClosed;
  EXPECT_EQ(Numbers(*f.store, closed), std::vector<std::string>{later.number});
}

TEST_P(StoreContract, OpenCasesAreFoundByTheNoticeTheyFollow) {
  Fixture f(GetParam());
  Case a = Draft(1);
  a.notice_number = "EME0000001";
  a = Created(*f.store, a);
  Case b = Draft(2);
  b.notice_number = "EME0000002";
  b = Created(*f.store, b);
  Created(*f.store, Draft(3));  // follows no notice
  std::vector<Case> found, none;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(found,
                                                    tx.cases().ListOpenByNotice("EME0000002"));
                           ATIENDE_ASSIGN_OR_RETURN(none, tx.cases().ListOpenByNotice(""));
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].number, b.number);
  EXPECT_TRUE(none.empty());
  b.state = CaseState::kClosed;
  ASSERT_TRUE(Save(*f.store, b).ok());
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(found,
                                                    tx.cases().ListOpenByNotice("EME0000002"));
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_TRUE(found.empty());
}

}  // namespace store_contract_cases_test
}  // namespace atiende::contract
