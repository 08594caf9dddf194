#include "app/login_throttle.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "core/field.h"
#include "testing/test_env.h"

namespace atiende {
namespace login_throttle_test {

using std::chrono::seconds;

class LoginThrottleTest : public ::testing::Test {
 protected:
  // A failed attempt from start to end; false when it was refused.
  bool Fail(const std::string& user, const std::string& address) {
    auto a = throttle.Begin(user, address);
    if (!a.ok()) return false;
    throttle.Finish(*a, false);
    return true;
  }
  bool Succeed(const std::string& user, const std::string& address) {
    auto a = throttle.Begin(user, address);
    if (!a.ok()) return false;
    throttle.Finish(*a, true);
    return true;
  }
  VirtualClock clock{testing::T("2026-11-24T12:00:00Z")};
  LoginThrottle throttle{clock, std::chrono::minutes(15)};
};

TEST_F(LoginThrottleTest, AttemptsInFlightCountAgainstThePairLimit) {
  std::vector<LoginThrottle::Attempt> open;
  for (int i = 0; i < 5; ++i) open.push_back(throttle.Begin("ana", "10.0.0.1").value());
  auto sixth = throttle.Begin("ana", "10.0.0.1");
  EXPECT_EQ(sixth.status().code(), Status::Code::kTooManyRequests);
  for (const auto& a : open) throttle.Finish(a, false);
  EXPECT_FALSE(throttle.Begin("ana", "10.0.0.1").ok());  // five failures now
}

TEST_F(LoginThrottleTest, FailuresLockThePairNotTheUsersOtherAddresses) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Fail("ana", "10.0.0.1"));
  auto refused = throttle.Begin("ana", "10.0.0.1");
  ASSERT_EQ(refused.status().code(), Status::Code::kTooManyRequests);
  EXPECT_GT(refused.status().retry_after_seconds(), 800);
  EXPECT_TRUE(Succeed("ana", "10.0.0.2"));
  clock.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(Succeed("ana", "10.0.0.1"));
}

TEST_F(LoginThrottleTest, ManyAddressesSlowTheUserButNotItsKnownAddress) {
  ASSERT_TRUE(Succeed("ana", "192.0.2.1"));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Fail("ana", "10.0.1." + std::to_string(i)));
  EXPECT_TRUE(Fail("ana", "10.0.2.1"));      // slowed: one attempt…
  EXPECT_FALSE(Fail("ana", "10.0.2.2"));     // …then wait
  EXPECT_TRUE(Succeed("ana", "192.0.2.1"));  // known: not slowed
  clock.Advance(seconds(3));
  EXPECT_TRUE(Fail("ana", "10.0.2.3"));
}

TEST_F(LoginThrottleTest, AnAddressSprayingNamesIsSlowedNotRefused) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Fail("user" + std::to_string(i), "10.0.0.9"));
  EXPECT_TRUE(Succeed("bystander", "10.0.0.9"));
  EXPECT_FALSE(Succeed("other", "10.0.0.9"));
  clock.Advance(seconds(3));
  EXPECT_TRUE(Succeed("other", "10.0.0.9"));
}

TEST_F(LoginThrottleTest, AnAttemptThatWasNotCheckedDoesNotCount) {
  for (int i = 0; i < 10; ++i) {
    auto a = throttle.Begin("ana", "10.0.0.1");
    ASSERT_TRUE(a.ok()) << i;
    throttle.Finish(*a, false, /*counted=*/false);
  }
}

TEST(PasswordCheckGate, BoundsTheChecksRunningAtOnce) {
  PasswordCheckGate gate(2, 1, std::chrono::milliseconds(50));
  auto a = gate.Enter();
  auto b = gate.Enter();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(gate.running(), 2);
  auto c = gate.Enter();  // waits 50 ms, then gives up
  EXPECT_EQ(c.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(c.status().retry_after_seconds(), 1);
  { auto done = std::move(*a); }
  EXPECT_EQ(gate.running(), 1);
  EXPECT_TRUE(gate.Enter().ok());
}

TEST(PasswordCheckGate, AWaiterGetsTheTurnThatFreesUp) {
  PasswordCheckGate gate(1, 1, std::chrono::seconds(10));
  auto first = std::make_unique<Result<PasswordCheckGate::Turn>>(gate.Enter());
  ASSERT_TRUE(first->ok());
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    first.reset();
  });
  EXPECT_TRUE(gate.Enter().ok());
  release.join();
}

TEST(PasswordCheckGate, KnownUsersQueueApartAndGoFirst) {
  PasswordCheckGate gate(1, 1, std::chrono::seconds(10));
  auto running = std::make_unique<Result<PasswordCheckGate::Turn>>(gate.Enter());
  ASSERT_TRUE(running->ok());
  std::vector<std::string> order;
  std::mutex mu;
  auto wait_for_waiters = [&](int n) {
    for (int i = 0; i < 1000 && gate.waiting() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_EQ(gate.waiting(), n);
  };
  std::thread stranger([&] {
    auto t = gate.Enter(false);
    std::lock_guard l(mu);
    order.push_back(t.ok() ? "stranger" : "stranger refused");
  });
  wait_for_waiters(1);
  // The strangers' queue is full: another stranger is told to come back…
  EXPECT_EQ(gate.Enter(false).status().code(), Status::Code::kUnavailable);
  // …but a known user queues apart, and goes first.
  std::thread known([&] {
    auto t = gate.Enter(true);
    std::lock_guard l(mu);
    order.push_back(t.ok() ? "known" : "known refused");
  });
  wait_for_waiters(2);
  running.reset();
  known.join();
  stranger.join();
  EXPECT_EQ(order, (std::vector<std::string>{"known", "stranger"}));
}

TEST(CheckName, RefusesWhatMakesANameShowOtherThanItReads) {
  auto check = [](std::string v) { return CheckName(v, "name", 100); };
  EXPECT_TRUE(check("Línea Ñandú S.A.S.").ok());
  EXPECT_EQ(check("Evil\u202eCorp").field(), "name");
  EXPECT_FALSE(check("A\u2066B").ok());
  EXPECT_FALSE(check("A\tB").ok());
  EXPECT_FALSE(check("A\nB").ok());
  EXPECT_FALSE(check("A\u0085B").ok());  // C1 NEXT LINE
  std::string text = "line one\nline two";
  EXPECT_TRUE(CheckText(text, "text", 100).ok());
  std::string bidi = "a\u202Eb";
  EXPECT_FALSE(CheckText(bidi, "text", 100).ok());
}

}  // namespace login_throttle_test
}  // namespace atiende
