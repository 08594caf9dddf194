#include "app/mail_delivery.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

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

// Regression: with a backlog, SIGTERM waited for the whole backlog to be sent
// (over 20 s in the ticket benchmark) and the process was killed.
TEST(MailDelivery, StopDuringABacklogReturnsAtOnceAndRequeuesWhatItDidNotTry) {
  testing::TestEnv env;
  ASSERT_TRUE(env.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            for (int i = 0; i < 200; ++i) {
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
