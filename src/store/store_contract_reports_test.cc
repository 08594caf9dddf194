// The Store contract for the figures' rows (store/reports.h): they follow
// every ticket write and every call logged, in the same transaction.
#include <string>

#include "store/store_contract.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_reports_test {

using testing::T;

const TimePoint kOpened = T("2026-11-24T12:10:00Z");

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {}

  std::vector<TicketFact> Facts(TimePoint from, TimePoint to) {
    std::vector<TicketFact> out;
    Status st = store->Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
      out.clear();
      return tx.reports().ScanTickets(from, to, [&](const TicketFact& f) {
        out.push_back(f);
        return Status::Ok();
      });
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  BacklogCount Backlog(TimePoint at) {
    BacklogCount b;
    Status st = store->Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(b, tx.reports().Backlog(at));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return b;
  }
  Status Log(const std::string& ticket, TimePoint at) {
    return store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
      Interaction i;
      i.caller.name = "Ana";
      i.type = "follow_up";
      i.outcome = "follow_up_given";
      i.ticket_number = ticket;
      i.agent = "agente";
      i.started_at = at;
      i.ended_at = at + std::chrono::minutes(4);
      return tx.calls().Insert(i);
    });
  }
};

Ticket Draft() {
  Ticket t;
  t.number = "CS0000001";
  t.category = "outage";
  t.priority = 2;
  t.critical = true;
  t.customer_id = 7;
  t.service_id = "S-1";
  t.subject = "Sin servicio";
  t.caller = {"Ana Pérez", "+57 1 555", "", ""};
  t.created_at = t.updated_at = kOpened;
  t.response_due = kOpened + std::chrono::minutes(30);
  t.resolution_due = kOpened + std::chrono::hours(8);
  return t;
}

TEST_P(StoreContract, ReportRowsFollowTicketWritesAndCalls) {
  Fixture fx(GetParam());
  Ticket t = Draft();
  ASSERT_TRUE(
      fx.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.tickets().Insert(t); })
          .ok());
  TimePoint day = T("2026-11-24T00:00:00Z");
  TimePoint next = T("2026-11-25T00:00:00Z");
  auto facts = fx.Facts(day, next);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].number, "CS0000001");
  EXPECT_EQ(facts[0].priority, 2);
  EXPECT_TRUE(facts[0].critical);
  EXPECT_EQ(facts[0].state, "new");
  EXPECT_EQ(facts[0].opened_at, kOpened);
  EXPECT_EQ(facts[0].response_due, kOpened + std::chrono::minutes(30));
  EXPECT_FALSE(facts[0].resolved_at);
  EXPECT_TRUE(fx.Facts(next, T("2026-11-26T00:00:00Z")).empty()) << "[from, to) of the opening";

  // A call about it before the resolution counts; one after does not.
  ASSERT_TRUE(fx.Log("CS0000001", kOpened + std::chrono::minutes(5)).ok());
  t.state = TicketState::kResolved;
  t.responded_at = kOpened + std::chrono::minutes(10);
  t.resolved_at = kOpened + std::chrono::hours(2);
  t.version = 2;
  ASSERT_TRUE(
      fx.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.tickets().Update(t); })
          .ok());
  ASSERT_TRUE(fx.Log("CS0000001", kOpened + std::chrono::hours(3)).ok());
  facts = fx.Facts(day, next);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].state, "resolved");
  EXPECT_EQ(facts[0].responded_at, kOpened + std::chrono::minutes(10));
  EXPECT_EQ(facts[0].resolved_at, kOpened + std::chrono::hours(2));
  EXPECT_EQ(facts[0].calls, 1);

  // The backlog at instants around the resolution.
  EXPECT_EQ(fx.Backlog(kOpened).open(), 0);
  EXPECT_EQ(fx.Backlog(kOpened + std::chrono::hours(1)).open(), 1);
  EXPECT_EQ(fx.Backlog(kOpened + std::chrono::hours(3)).open(), 0);

  // The calls by hour: both calls, in the UTC hours they started in.
  std::vector<CallHour> hours;
  ASSERT_TRUE(fx.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           return tx.reports().ScanCallHours(day, next, [&](const CallHour& h) {
                             hours.push_back(h);
                             return Status::Ok();
                           });
                         })
                  .ok());
  ASSERT_EQ(hours.size(), 2u);
  EXPECT_EQ(hours[0].hour, T("2026-11-24T12:00:00Z"));
  EXPECT_EQ(hours[1].hour, T("2026-11-24T15:00:00Z"));
  EXPECT_EQ(hours[0].calls, 1);
  EXPECT_EQ(hours[0].handle, std::chrono::minutes(4));

  // Another desk's scope reads none of it.
  std::vector<TicketFact> other;
  ASSERT_TRUE(fx.store
                  ->Read(DeskScope::Of("another-desk"),
                         [&](ReadTx& tx) {
                           return tx.reports().ScanTickets(day, next, [&](const TicketFact& f) {
                             other.push_back(f);
                             return Status::Ok();
                           });
                         })
                  .ok());
  EXPECT_TRUE(other.empty());
}

}  // namespace store_contract_reports_test
}  // namespace atiende::contract
