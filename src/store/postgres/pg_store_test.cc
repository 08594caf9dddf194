#include "store/postgres/pg_store.h"

#include <gtest/gtest.h>

#include "store/postgres/pg_testing.h"
#include "store/store_contract.h"

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
            (std::vector<std::string>{"0001_init", "0002_work_items", "0003_mail", "0004_tickets",
                                      "0005_notices", "0006_cases", "0007_work_claimed",
                                      "0008_desks", "0009_credential_ids", "0010_telephony",
                                      "0011_reports"}));
}

TEST(PgStore, UnreachableServerFailsFastAsUnavailable) {
  auto start = std::chrono::steady_clock::now();
  auto s = PgStore::Open({"postgresql://postgres@127.0.0.1:1/none"});
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace pg_store_test
}  // namespace atiende::pg
