// ChangeFeed on both backends: subscribers hear committed changes their role
// may know of, resume after an id or are told to reset, a slow subscriber is
// reset instead of buffering forever, limits hold, and on PostgreSQL a change
// that commits after one with a larger id is still heard.
#include "app/change_feed.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <thread>

#include "store/postgres/pg_store.h"
#include "store/postgres/pg_testing.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace change_feed_test {

using namespace std::chrono_literals;

struct Backend {
  std::string name;
  bool postgres = false;
};

Principal Who(Role r, int64_t user_id, std::optional<int64_t> customer = std::nullopt) {
  return Principal{user_id, "u" + std::to_string(user_id), r, customer, {"main"}, "main"};
}

ChangeFeedOptions Fast() {
  ChangeFeedOptions o;
  o.poll = 10ms;
  return o;
}

// What the subscription receives until `n` changes (or a reset) arrived,
// waiting at most 10 s.
ChangeFeed::Subscription::Batch Collect(ChangeFeed::Subscription& s, size_t n) {
  ChangeFeed::Subscription::Batch all;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (all.changes.size() < n && !all.reset && std::chrono::steady_clock::now() < deadline) {
    auto b = s.Take();
    all.reset = all.reset || b.reset;
    for (auto& c : b.changes) all.changes.push_back(std::move(c));
    std::this_thread::sleep_for(5ms);
  }
  return all;
}
std::vector<std::string> Ids(const std::vector<Change>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.entity + ":" + c.entity_id);
  return out;
}

class ChangeFeedTest : public ::testing::TestWithParam<Backend> {
 protected:
  testing::TestEnv env;
  std::unique_ptr<Store> pg_store;
  Store* store = nullptr;

  void SetUp() override {
    store = env.store.get();
    if (GetParam().postgres) {
      pg_store = pg::PgStore::Open({pg::testing::FreshDatabase()}).value();
      store = pg_store.get();
    }
  }

  void Append(const std::string& entity, const std::string& id, const std::string& action) {
    Status st = store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
      return tx.audit().Append({0, env.clock.Now(), "ana", action, entity, id, "", ""});
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
};

TEST(ChangeFeedVisible, EachRoleHearsOfWhatItMayRead) {
  Change ticket{1, {}, "ticket.open", "ticket", "CS0000001", 7};
  Change notice{2, {}, "notice.create", "notice", "EME0000001", std::nullopt};
  Change user{3, {}, "user.create", "user", "4", std::nullopt};
  Change mail{4, {}, "mail.retry", "mail", "9", std::nullopt};
  EXPECT_TRUE(ChangeFeed::Visible(Who(Role::kCustomer, 1, 7), ticket));
  EXPECT_FALSE(ChangeFeed::Visible(Who(Role::kCustomer, 1, 8), ticket));
  EXPECT_FALSE(ChangeFeed::Visible(Who(Role::kCustomer, 1, 7), notice));
  EXPECT_FALSE(ChangeFeed::Visible(Who(Role::kCustomer, 1), ticket));
  EXPECT_TRUE(ChangeFeed::Visible(Who(Role::kAgent, 1), ticket));
  EXPECT_TRUE(ChangeFeed::Visible(Who(Role::kDispatch, 1), notice));
  EXPECT_FALSE(ChangeFeed::Visible(Who(Role::kAgent, 1), user));
  EXPECT_FALSE(ChangeFeed::Visible(Who(Role::kAgent, 1), mail));
  EXPECT_TRUE(ChangeFeed::Visible(Who(Role::kSupervisor, 1), mail));
  EXPECT_FALSE(ChangeFeed::Visible(Who(Role::kSupervisor, 1), user));
  EXPECT_TRUE(ChangeFeed::Visible(Who(Role::kAdmin, 1), user));
}

TEST_P(ChangeFeedTest, SubscribersHearCommittedChangesTheirRoleMayKnowOf) {
  Append("notice", "EME0000000", "notice.create");  // before anyone listens: not heard
  ChangeFeed feed(*store, Fast());
  feed.Start();
  auto agent = feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).value();
  auto admin = feed.Subscribe(Who(Role::kAdmin, 2), std::nullopt).value();
  int wakes = 0;
  agent->OnReady([&] { ++wakes; });
  Append("notice", "EME0000001", "notice.create");
  Append("user", "5", "user.create");
  Append("customer", "9", "customer.update");
  auto heard = Collect(*agent, 2);
  EXPECT_FALSE(heard.reset);
  EXPECT_EQ(Ids(heard.changes), (std::vector<std::string>{"notice:EME0000001", "customer:9"}));
  EXPECT_GT(wakes, 0);
  EXPECT_EQ(Ids(Collect(*admin, 3).changes),
            (std::vector<std::string>{"notice:EME0000001", "user:5", "customer:9"}));
  EXPECT_TRUE(agent->Take().changes.empty());
}

TEST_P(ChangeFeedTest, ResumingReplaysAfterTheLastSeenIdOrResets) {
  ChangeFeed feed(*store, Fast());
  feed.Start();
  auto first = feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).value();
  Append("ticket", "CS0000001", "ticket.open");
  auto seen = Collect(*first, 1).changes.at(0).id;
  first.reset();  // the console lost its connection...
  Append("ticket", "CS0000002", "ticket.open");
  Append("ticket", "CS0000003", "ticket.open");
  // ...and another listener shows when the feed has read them.
  auto other = feed.Subscribe(Who(Role::kAgent, 2), std::nullopt).value();
  Append("ticket", "CS0000004", "ticket.open");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  std::vector<std::string> others;
  while (std::find(others.begin(), others.end(), "ticket:CS0000004") == others.end()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the feed never read CS0000004";
    for (auto& id : Ids(other->Take().changes)) others.push_back(id);
    std::this_thread::sleep_for(5ms);
  }

  auto resumed = feed.Subscribe(Who(Role::kAgent, 1), seen).value();
  auto got = Collect(*resumed, 3);
  EXPECT_FALSE(got.reset);
  EXPECT_EQ(Ids(got.changes),
            (std::vector<std::string>{"ticket:CS0000002", "ticket:CS0000003", "ticket:CS0000004"}));
  auto unknown = feed.Subscribe(Who(Role::kAgent, 3), seen - 1000).value();
  EXPECT_TRUE(unknown->Take().reset);
}

TEST_P(ChangeFeedTest, ASubscriberThatDoesNotKeepUpIsResetNotBuffered) {
  ChangeFeedOptions o = Fast();
  o.max_pending = 3;
  ChangeFeed feed(*store, o);
  feed.Start();
  auto slow = feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).value();
  std::atomic<int> wakes{0};
  slow->OnReady([&] { ++wakes; });  // one per change delivered
  for (int i = 0; i < 5; ++i) Append("ticket", "CS000000" + std::to_string(i), "ticket.open");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (wakes < 5 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(wakes, 5);
  auto b = slow->Take();
  EXPECT_TRUE(b.reset);
  EXPECT_LT(b.changes.size(), 3u);
}

TEST_P(ChangeFeedTest, SubscriptionsAreLimitedPerUserAndInAll) {
  ChangeFeedOptions o = Fast();
  o.max_per_user = 2;
  o.max_subscribers = 3;
  ChangeFeed feed(*store, o);
  auto a = feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).value();
  auto b = feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).value();
  EXPECT_EQ(feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).status().code(),
            Status::Code::kTooManyRequests);
  auto c = feed.Subscribe(Who(Role::kAgent, 2), std::nullopt).value();
  EXPECT_EQ(feed.Subscribe(Who(Role::kAgent, 3), std::nullopt).status().code(),
            Status::Code::kUnavailable);
  a.reset();  // closing one frees its place
  EXPECT_TRUE(feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).ok());
}

// PostgreSQL takes audit ids at insert: a transaction that appended first but
// commits last has the smaller id. It must still be heard.
TEST(ChangeFeedPostgres, AChangeCommittedAfterALargerIdIsStillHeard) {
  auto pg = pg::PgStore::Open({pg::testing::FreshDatabase()}).value();
  testing::TestEnv env;
  ChangeFeed feed(*pg, Fast());
  feed.Start();
  auto sub = feed.Subscribe(Who(Role::kAgent, 1), std::nullopt).value();
  std::promise<void> appended, release;
  auto released = release.get_future().share();
  std::thread slow([&] {
    Status st = pg->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
      ATIENDE_RETURN_IF_ERROR(tx.audit().Append(
          {0, env.clock.Now(), "ana", "ticket.open", "ticket", "CS-SLOW", "", ""}));
      appended.set_value();
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  });
  appended.get_future().wait();
  ASSERT_TRUE(pg->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
                  return tx.audit().Append(
                      {0, env.clock.Now(), "ana", "ticket.open", "ticket", "CS-FAST", "", ""});
                }).ok());
  auto fast = Collect(*sub, 1);
  release.set_value();
  slow.join();
  auto late = Collect(*sub, 1);
  ASSERT_EQ(fast.changes.size(), 1u);
  ASSERT_EQ(late.changes.size(), 1u);
  EXPECT_EQ(fast.changes[0].entity_id, "CS-FAST");
  EXPECT_EQ(late.changes[0].entity_id, "CS-SLOW");
  EXPECT_LT(late.changes[0].id, fast.changes[0].id);
}

INSTANTIATE_TEST_SUITE_P(Stores, ChangeFeedTest,
                         ::testing::Values(Backend{"sqlite", false}, Backend{"postgresql", true}),
                         [](const auto& info) { return info.param.name; });

}  // namespace change_feed_test
}  // namespace atiende
