#include "app/mail_queue.h"

#include <gtest/gtest.h>

#include "app/directory.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace mail_queue_test {

using testing::Admin;

class MailQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PutDirectoryList(*env.deps, Admin(), "mesa_clientes",
                                 {"mesa@abastible.cl", "Turno@abastible.cl"})
                    .ok());
    ASSERT_TRUE(PutDirectoryList(*env.deps, Admin(), "contact_center",
                                 {"cc@abastible.cl", "turno@abastible.cl"})
                    .ok());
    ASSERT_TRUE(PutDirectoryList(*env.deps, Admin(), "assurance", {}).ok());
  }

  Result<OutboxMail> Queue(MailRequest r) {
    Result<OutboxMail> out = Status::Internal("");
    Status s = env.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
      out = QueueMail(tx, *env.deps, r);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }

  MailRequest Test(std::vector<std::string> to, std::vector<std::string> cc = {},
                   std::string thread = "") {
    return {"directory.test",
            "",
            std::move(to),
            std::move(cc),
            {{"list", "x"},
             {"addresses", "y"},
             {"sent_by", "z"},
             {"sent_at", "t"},
             {"desk_time_zone", "America/Santiago"}},
            std::move(thread)};
  }

  testing::TestEnv env;
};

TEST_F(MailQueueTest, ListsExpandAndAnAddressGetsOneCopy) {
  auto m = Queue(Test({"mesa_clientes"}, {"contact_center", "extra@cirion.co"}));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->to, (std::vector<std::string>{"mesa@abastible.cl", "Turno@abastible.cl"}));
  EXPECT_EQ(m->cc, (std::vector<std::string>{"cc@abastible.cl", "extra@cirion.co"}));
  EXPECT_EQ(m->status, "queued");
  EXPECT_EQ(m->subject, "Prueba de la lista x en Atiende");
  ASSERT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           EXPECT_EQ(tx.work().NextDue("mail.deliver").value(), env.clock.Now());
                           return Status::Ok();
                         })
                  .ok());
}

TEST_F(MailQueueTest, BadRecipientsFailTheChange) {
  EXPECT_EQ(Queue(Test({"no_such_list"})).status().field(), "to");
  EXPECT_EQ(Queue(Test({"assurance"})).status().field(), "to");  // empty list
  EXPECT_EQ(Queue(Test({"mesa_clientes"}, {"not an address@"})).status().field(), "cc");
  EXPECT_EQ(Queue(Test({})).status().field(), "to");
  ASSERT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [](ReadTx& tx) {
                           EXPECT_TRUE(tx.mail().List({}).value().empty());
                           return Status::Ok();
                         })
                  .ok());
}

TEST_F(MailQueueTest, ARolledBackChangeLeavesNoMail) {
  Status s = env.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    ATIENDE_RETURN_IF_ERROR(QueueMail(tx, *env.deps, Test({"mesa_clientes"})).status());
    return Status::Conflict("the change failed after queueing");
  });
  EXPECT_FALSE(s.ok());
  ASSERT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [](ReadTx& tx) {
                           EXPECT_TRUE(tx.mail().List({}).value().empty());
                           EXPECT_FALSE(tx.work().NextDue("mail.deliver").value().has_value());
                           return Status::Ok();
                         })
                  .ok());
}

TEST_F(MailQueueTest, ThreadsReferToTheirFirstMail) {
  auto first = Queue(Test({"mesa_clientes"}, {}, "case:7")).value();
  auto second = Queue(Test({"mesa_clientes"}, {}, "case:7")).value();
  EXPECT_TRUE(first.in_reply_to.empty());
  EXPECT_EQ(second.in_reply_to, first.message_id);
  EXPECT_EQ(second.references, first.message_id);
  EXPECT_NE(first.message_id, second.message_id);
}

TEST_F(MailQueueTest, TheRateCapStopsALoop) {
  env.deps->mail.rate_cap_per_hour = 3;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Queue(Test({"cc@abastible.cl"})).value().status, "queued");
  auto capped = Queue(Test({"cc@abastible.cl"})).value();
  EXPECT_EQ(capped.status, "failed");
  EXPECT_NE(capped.last_error.find("rate cap"), std::string::npos);
  env.clock.Advance(std::chrono::minutes(61));
  EXPECT_EQ(Queue(Test({"cc@abastible.cl"})).value().status, "queued");
}

TEST_F(MailQueueTest, TheDirectorysListsAreNotRateCapped) {
  // 100 ZB cases overdue in one hour all write to C.C. Emergencia: work, not a loop.
  env.deps->mail.rate_cap_per_hour = 3;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Queue(Test({"mesa_clientes"})).value().status, "queued");
}

TEST(LocalTime, UsesTheDesksZoneAcrossDaylightSaving) {
  // Santiago: UTC-3 in summer (November), UTC-4 in winter (June).
  EXPECT_EQ(LocalTime(testing::T("2026-11-24T12:00:00Z"), "America/Santiago"), "24-11-2026 09:00");
  EXPECT_EQ(LocalTime(testing::T("2026-06-24T12:00:00Z"), "America/Santiago"), "24-06-2026 08:00");
  EXPECT_EQ(LocalTime(testing::T("2026-11-24T12:00:00Z"), "America/Bogota"), "24-11-2026 07:00");
}

}  // namespace mail_queue_test
}  // namespace atiende
