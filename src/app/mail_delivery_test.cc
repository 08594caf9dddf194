#include "app/mail_delivery.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/directory.h"
#include "app/mail_queue.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace mail_delivery_test {

// A transport as slow as a distant SMTP server.
class SlowTransport final : public mail::Transport {
 public:
  Status Send(const mail::Message&, const std::string&) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ++sent;
    return Status::Ok();
  }
  std::string_view name() const override { return "slow"; }
  std::atomic<int> sent{0};
};

// A transport whose sends wait at a gate: an SMTP server that stalls, or a
// node paused in the middle of a send. Records the Message-IDs it sent.
class GatedTransport final : public mail::Transport {
 public:
  Status Send(const mail::Message& m, const std::string&) override {
    std::unique_lock lock(mu_);
    waiting_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
    waiting_ = false;
    sent_.push_back(m.message_id);
    return Status::Ok();
  }
  std::string_view name() const override { return "smtp"; }
  // True once a send waits at the gate (false after 10 s).
  bool WaitForASend() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [this] { return waiting_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool waiting_ = false;
  std::vector<std::string> sent_;
};

void QueueMails(testing::TestEnv& env, int n) {
  ASSERT_TRUE(env.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            for (int i = 0; i < n; ++i) {
                              // Appended, not "a" + …: GCC 12 warns of that (bug 105651).
                              std::string to = "a";
                              to += std::to_string(i) + "@x.example";
                              MailRequest r{"directory.test",
                                            "",
                                            {to},
                                            {},
                                            {{"list", "x"},
                                             {"addresses", "y"},
                                             {"sent_by", "z"},
                                             {"sent_at", "t"},
                                             {"desk_time_zone", "America/Bogota"}},
                                            ""};
                              ATIENDE_RETURN_IF_ERROR(QueueMail(tx, *env.deps, r).status());
                            }
                            return Status::Ok();
                          })
                  .ok());
}

std::vector<OutboxMail> AllMails(testing::TestEnv& env) {
  std::vector<OutboxMail> mails;
  EXPECT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(mails, tx.mail().List({"", "", 0, 500}));
                           return Status::Ok();
                         })
                  .ok());
  return mails;
}

// Regression (issue 19): the mails a dead node had claimed waited out a
// five-minute lease although another node was alive. Node a claims three
// mails and stops in the middle of the first send without renewing — to the
// others, it died. Node b delivers all three once the lease has run out.
// When a comes back, the mail it was sending is accepted by the server (the
// crash's one duplicate), its record is refused and it sends nothing more.
TEST(MailDelivery, ADeadNodesMailsAreTakenOverAfterTheLeaseWithOneDuplicateAtMost) {
  testing::TestEnv env;
  QueueMails(env, 3);
  const Micros lease = env.deps->mail.delivery_lease;
  GatedTransport stalled;
  MailDelivery a(*env.deps, stalled, "node-a");
  std::thread a_runs([&] { a.RunOnce(); });  // no Start(): no heartbeat, as dead
  ASSERT_TRUE(stalled.WaitForASend());

  GatedTransport b_transport;
  b_transport.Open();
  MailDelivery b(*env.deps, b_transport, "node-b");
  env.clock.Advance(lease - std::chrono::seconds(1));
  EXPECT_EQ(b.RunOnce(), 0) << "the claims are a's for one lease";
  env.clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(b.RunOnce(), 3) << "taken over right after the lease";
  EXPECT_EQ(b_transport.sent().size(), 3u);

  stalled.Open();
  a_runs.join();
  ASSERT_EQ(stalled.sent().size(), 1u) << "a stops at the fence after the mail in flight";
  for (const auto& m : AllMails(env)) EXPECT_EQ(m.status, "sent") << m.id;
}

// The other side of a short lease: a node that is slow, not dead, keeps its
// claims while its heartbeat renews them, however long a send takes, so no
// other node sends the same mail meanwhile.
TEST(MailDelivery, ASlowSendKeepsItsClaimsWhileTheHeartbeatRenewsThem) {
  testing::TestEnv env;
  QueueMails(env, 3);
  const Micros lease = env.deps->mail.delivery_lease;
  GatedTransport slow;
  MailDelivery a(*env.deps, slow, "node-a");
  std::thread a_runs([&] { a.RunOnce(); });
  ASSERT_TRUE(slow.WaitForASend());

  GatedTransport b_transport;
  b_transport.Open();
  MailDelivery b(*env.deps, b_transport, "node-b");
  for (int beat = 0; beat < 12; ++beat) {  // four leases
    env.clock.Advance(lease / 3);
    EXPECT_EQ(a.Heartbeat(), 3) << "beat " << beat;
    EXPECT_EQ(b.RunOnce(), 0) << "beat " << beat;
  }
  slow.Open();
  a_runs.join();
  EXPECT_EQ(slow.sent().size(), 3u);
  EXPECT_TRUE(b_transport.sent().empty());
  for (const auto& m : AllMails(env)) {
    EXPECT_EQ(m.status, "sent") << m.id;
    EXPECT_EQ(m.attempts, 1) << m.id;
  }
}

// Regression: with a backlog, SIGTERM waited for the whole backlog to be sent
// (over 20 s in the ticket benchmark) and the process was killed.
TEST(MailDelivery, StopDuringABacklogReturnsAtOnceAndRequeuesWhatItDidNotTry) {
  testing::TestEnv env;
  QueueMails(env, 200);
  SlowTransport transport;
  MailDelivery delivery(*env.deps, transport, "test-node");
  delivery.Start(std::chrono::milliseconds(10));
  for (int i = 0; i < 500 && transport.sent < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  delivery.Stop();
  int sent = 0, queued = 0, other = 0;
  ASSERT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(auto mails, tx.mail().List({"", "", 0, 500}));
                           for (const auto& m : mails) {
                             (m.status == "sent" || m.status == "kept" ? sent
                              : m.status == "queued"                   ? queued
                                                                       : other)++;
                           }
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(sent, transport.sent.load());
  EXPECT_EQ(sent + queued, 200);
  EXPECT_EQ(other, 0) << "no mail left 'sending' after a clean stop";
  EXPECT_LT(sent, 200) << "Stop() waited for the whole backlog";
}

}  // namespace mail_delivery_test
}  // namespace atiende
