#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/store_contract.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende::sqlite {
namespace sqlite_store_test {

std::unique_ptr<Store> MakeSqlite(const std::string& dir) {
  auto s = SqliteStore::Open({dir + "/atiende.db"});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

using contract::StoreContract;
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract,
                         ::testing::Values(contract::StoreFactory{"sqlite", MakeSqlite}),
                         [](const auto& info) { return info.param.name; });

TEST(SqliteStore, ConcurrentWritesShareCommits) {
  testing::TempDir dir;
  auto store = SqliteStore::Open({dir.file("a.db")}).value();
  constexpr int kWriters = 64;
  std::atomic<int> waiting{0};
  std::vector<std::thread> threads;
  // The first closure holds the writer until every other writer has queued,
  // so the rest must be committed together.
  std::thread first([&] {
    ASSERT_TRUE(store
                    ->Write(atiende::testing::MainDesk(),
                            [&](WriteTx& tx) {
                              auto deadline =
                                  std::chrono::steady_clock::now() + std::chrono::seconds(10);
                              while (waiting.load() < kWriters - 1 &&
                                     std::chrono::steady_clock::now() < deadline) {
                                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                              }
                              std::this_thread::sleep_for(std::chrono::milliseconds(50));
                              Customer c;
                              c.legal_name = "first";
                              return tx.customers().Insert(c);
                            })
                    .ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (int i = 1; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      waiting++;
      ASSERT_TRUE(store
                      ->Write(atiende::testing::MainDesk(),
                              [&](WriteTx& tx) {
                                Customer c;
                                c.legal_name = "w" + std::to_string(i);
                                return tx.customers().Insert(c);
                              })
                      .ok());
    });
  }
  first.join();
  for (auto& t : threads) t.join();
  auto [commits, closures] = store->CommitStats();
  EXPECT_EQ(closures, static_cast<uint64_t>(kWriters));
  EXPECT_LE(commits, 3u) << "64 concurrent writes should need about 2 commits";
}

TEST(SqliteStore, MigrationsAreRecordedAndAppliedOnce) {
  testing::TempDir dir;
  {
    auto a = SqliteStore::Open({dir.file("m.db")});
    ASSERT_TRUE(a.ok());
    auto applied = (*a)->AppliedMigrations().value();
    ASSERT_FALSE(applied.empty());
    EXPECT_EQ(applied.front(), "0001_init");
  }
  // Two processes' worth of opens at once: both succeed, nothing is applied twice.
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 2; ++i) {
    ts.emplace_back([&] { ok += SqliteStore::Open({dir.file("m.db")}).ok(); });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 2);
  auto again = SqliteStore::Open({dir.file("m.db")}).value();
  EXPECT_EQ(
      again->AppliedMigrations().value(),
      (std::vector<std::string>{"0001_init", "0002_work_items", "0003_mail", "0004_tickets",
                                "0005_notices", "0006_cases", "0007_work_claimed", "0008_desks",
                                "0009_search_desk", "0010_credential_ids", "0011_telephony",
                                "0012_telephony_extensions", "0013_reports", "0014_mail_in"}));
}

// The plan SQLite picks for a lookup in one desk: a seek on the
// (desk_id, code) key, not a scan of every desk's customers (an import
// looks each row up: a scan made it quadratic).
TEST(SqliteStore, OneDeskLookupsSeekTheDeskIndex) {
  testing::TempDir dir;
  ASSERT_TRUE(SqliteStore::Open({dir.file("p.db")}).ok());
  auto c = Connection::Open(dir.file("p.db"), true).value();
  auto plan = [&](sql::Desks desks) {
    std::string text =
        "EXPLAIN QUERY PLAN " + sql::ForSqlite(
                                    "SELECT id FROM customers WHERE code = ?1"
                                    " AND (?2 = '' OR desk_id = ?2) ORDER BY id LIMIT 1",
                                    desks);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(c->raw(), text.c_str(), -1, &st, nullptr), SQLITE_OK);
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
      out += "\n";
    }
    sqlite3_finalize(st);
    return out;
  };
  std::string one = plan(sql::Desks::kOne);
  EXPECT_NE(one.find("USING"), std::string::npos) << one;
  EXPECT_EQ(one.find("SCAN customers"), std::string::npos) << one;
}

TEST(SqliteStore, AuditRowsCannotBeChangedOrDeleted) {
  testing::TempDir dir;
  auto store = SqliteStore::Open({dir.file("a.db")}).value();
  ASSERT_TRUE(store
                  ->Write(atiende::testing::MainDesk(),
                          [](WriteTx& tx) {
                            return tx.audit().Append({0, testing::T("2026-11-24T12:00:00Z"), "a",
                                                      "x", "customer", "1", "", ""});
                          })
                  .ok());
  auto conn = Connection::Open(dir.file("a.db"), false).value();
  EXPECT_FALSE(conn->Exec("UPDATE audit SET actor = 'mallory'").ok());
  EXPECT_FALSE(conn->Exec("DELETE FROM audit").ok());
}

TEST(SqliteStore, UnopenableFileIsUnavailable) {
  auto s = SqliteStore::Open({"/proc/no/such/dir/x.db"});
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
}

}  // namespace sqlite_store_test
}  // namespace atiende::sqlite
