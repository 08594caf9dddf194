#include "store/postgres/pg_store.h"

#include <gtest/gtest.h>

#include "core/ticket.h"
#include "store/postgres/pg_testing.h"
#include "store/store_contract.h"
#include "testing/desks.h"
#include "testing/instants.h"

namespace atiende::pg {
namespace pg_store_test {

std::unique_ptr<Store> MakePg(const std::string&) {
  auto s = PgStore::Open({testing::FreshDatabase()});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

using contract::StoreContract;
INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract,
                         ::testing::Values(contract::StoreFactory{"postgresql", MakePg}),
                         [](const auto& info) { return info.param.name; });

TEST(PgStore, MigrationsAreRecordedAndAppliedOnceByConcurrentNodes) {
  std::string url = testing::FreshDatabase();
  std::vector<std::thread> nodes;
  std::atomic<int> ok{0};
  for (int i = 0; i < 3; ++i) {
    nodes.emplace_back([&] { ok += PgStore::Open({url}).ok(); });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(ok.load(), 3);
  auto applied = PgStore::Open({url}).value()->AppliedMigrations().value();
  EXPECT_EQ(applied,
            (std::vector<std::string>{
                "0001_init", "0002_work_items", "0003_mail", "0004_tickets", "0005_notices",
                "0006_cases", "0007_work_claimed", "0008_desks", "0009_credential_ids",
                "0010_telephony", "0011_telephony_extensions", "0012_reports", "0013_mail_in"}));
}

// A node that dies in the middle of an opening (its connection cut, as when
// the process is killed) leaves no gap: wherever the transaction stopped,
// before the numbering statement or after it but before the commit, the
// series increment rolls back with the rows, and the next opening takes the
// number.
TEST(PgStore, AnOpeningCutBetweenStatementsLeavesNoGap) {
  std::string url = testing::FreshDatabase();
  auto store = PgStore::Open({url});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto admin = PgConn::Connect(url);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  const TimePoint at = atiende::testing::T("2026-12-07T12:00:00Z");
  // cut: 0 before the numbering statement, 1 after it, 2 never.
  auto open = [&](int i, int cut) {
    return (*store)->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
      std::string ph = "CSXCUT" + std::to_string(i);
      Ticket t;
      t.kind = TicketKind::kIncident;
      t.category = "outage";
      t.priority = 2;
      t.customer_id = 1;
      t.customer_name = "Cliente 1";
      t.service_id = "SID-" + std::to_string(i);
      t.subject = "Sin servicio";
      t.number = ph;
      t.created_at = t.updated_at = at;
      t.response_due = t.resolution_due = at + std::chrono::hours(1);
      ATIENDE_RETURN_IF_ERROR(tx.tickets().Insert(t));
      auto kill = [&] {
        auto r = (*admin)->Simple(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
            " current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()");
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      };
      if (cut == 0) kill();
      AuditEntry e;
      e.at = at;
      e.actor = "agente";
      e.action = "ticket.open";
      e.entity = "ticket";
      e.entity_id = ph;
      ATIENDE_ASSIGN_OR_RETURN(int64_t n, tx.numbers().SettleTicketNumber(kSeriesIncident, ph, e));
      (void)n;
      if (cut == 1) kill();
      return Status::Ok();
    });
  };
  EXPECT_FALSE(open(1, 0).ok());
  EXPECT_FALSE(open(2, 1).ok());
  Status st = open(3, 2);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto rows = (*admin)->Simple(
      "SELECT string_agg(number, ',' ORDER BY number), (SELECT last FROM number_series"
      " WHERE series = 'CS') FROM tickets");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Text(0, 0), "CS0000001");
  EXPECT_EQ(rows->Text(0, 1), "1");
}

TEST(PgStore, UnreachableServerFailsFastAsUnavailable) {
  auto start = std::chrono::steady_clock::now();
  auto s = PgStore::Open({"postgresql://postgres@127.0.0.1:1/none"});
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace pg_store_test
}  // namespace atiende::pg
