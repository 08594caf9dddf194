#include "app/lease_heartbeat.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace lease_heartbeat_test {

constexpr auto kLease = std::chrono::seconds(30);

struct Env {
  testing::TestEnv env;
  int64_t id = 0;

  Env() {
    EXPECT_TRUE(env.store
                    ->Write(atiende::testing::MainDesk(),
                            [&](WriteTx& tx) -> Status {
                              WorkItem w{0, "test.job", "x", env.clock.Now(), 0};
                              ATIENDE_RETURN_IF_ERROR(tx.work().Enqueue(w));
                              id = w.id;
                              ATIENDE_ASSIGN_OR_RETURN(
                                  auto got, tx.work().Claim("test.job", "node-a", env.clock.Now(),
                                                            kLease, 1));
                              return got.size() == 1 ? Status::Ok() : Status::Internal("no claim");
                            })
                    .ok());
  }
  std::optional<TimePoint> NextDue() {
    std::optional<TimePoint> t;
    EXPECT_TRUE(env.store
                    ->Read(atiende::testing::MainDesk(),
                           [&](ReadTx& tx) {
                             ATIENDE_ASSIGN_OR_RETURN(t, tx.work().NextDue("test.job"));
                             return Status::Ok();
                           })
                    .ok());
    return t;
  }
};

TEST(LeaseHeartbeat, EachBeatPushesTheHeldClaimsEndOneLeaseAhead) {
  Env e;
  LeaseHeartbeat hb(*e.env.store, e.env.clock, "node-a", kLease, std::chrono::minutes(5));
  EXPECT_EQ(hb.Beat(), 0) << "nothing held yet";
  hb.Hold(e.id);
  hb.Step();
  e.env.clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(hb.Beat(), 1);
  EXPECT_EQ(e.NextDue(), e.env.clock.Now() + kLease);
  hb.Drop(e.id);
  e.env.clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(hb.Beat(), 0);
  EXPECT_EQ(e.NextDue(), e.env.clock.Now() + std::chrono::seconds(20)) << "no longer renewed";
}

TEST(LeaseHeartbeat, AClaimTakenByAnotherNodeIsDroppedAndFailsTheFence) {
  Env e;
  LeaseHeartbeat hb(*e.env.store, e.env.clock, "node-a", kLease, std::chrono::minutes(5));
  hb.Hold(e.id);
  hb.Step();
  e.env.clock.Advance(kLease + std::chrono::seconds(1));
  ASSERT_TRUE(
      e.env.store
          ->Write(
              atiende::testing::MainDesk(),
              [&](WriteTx& tx) {
                return tx.work().Claim("test.job", "node-b", e.env.clock.Now(), kLease, 1).status();
              })
          .ok());
  EXPECT_EQ(hb.Renew(e.id).code(), Status::Code::kConflict);
  EXPECT_EQ(hb.Beat(), 0) << "dropped by the fence";
  hb.Hold(e.id);
  EXPECT_EQ(hb.Beat(), 0) << "dropped by the beat";
}

// A worker wedged in one step must not hold its claims forever.
TEST(LeaseHeartbeat, AStuckWorkersClaimsAreLeftToLapse) {
  Env e;
  LeaseHeartbeat hb(*e.env.store, e.env.clock, "node-a", kLease, std::chrono::seconds(0));
  hb.Hold(e.id);
  hb.Step();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  TimePoint end = *e.NextDue();
  e.env.clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(hb.Beat(), 1) << "still held";
  EXPECT_EQ(e.NextDue(), end) << "but not renewed";
}

}  // namespace lease_heartbeat_test
}  // namespace atiende
