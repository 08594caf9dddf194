// The Store contract for incoming mail and bounced addresses (issue 16; see store_contract.h).
#include <string>

#include "store/store_contract.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_mail_in_test {

using testing::T;

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {}
};

InboundMail Received(std::string key) {
  InboundMail m;
  m.dedup_key = std::move(key);
  m.message_id = m.dedup_key;
  m.source = "pipe";
  m.status = "received";
  m.raw_size = 1234;
  m.created_at = m.updated_at = T("2026-12-07T12:00:00Z");
  return m;
}

TEST_P(StoreContract, IncomingMailIsTakenOnceKeepsItsRawBytesAndThreads) {
  Fixture f(GetParam());
  auto desk = atiende::testing::MainDesk();
  InboundMail a = Received("<a@example.com>");
  std::string packed(300000, 'x');  // large values survive on both backends
  packed += "end";
  ASSERT_TRUE(
      f.store->Write(desk, [&](WriteTx& tx) { return tx.mail().InsertInbound(a, packed); }).ok());
  EXPECT_GT(a.id, 0);
  InboundMail again = Received("<a@example.com>");
  EXPECT_EQ(
      f.store->Write(desk, [&](WriteTx& tx) { return tx.mail().InsertInbound(again, "y"); }).code(),
      Status::Code::kAlreadyExists);
  a.status = "matched";
  a.from_addr = "jose@example.com";
  a.subject = "Re: [CS0000001] Información";
  a.text = "Texto con ñ";
  a.to = {"mesa@atiende.localhost"};
  a.attachments = R"([{"part":2,"filename":"guía.pdf","content_type":"application/pdf","size":9}])";
  a.thread_key = "ticket:CS0000001";
  a.sent_at = T("2026-12-07T11:59:00Z");
  a.unread = true;
  ASSERT_TRUE(f.store->Write(desk, [&](WriteTx& tx) { return tx.mail().UpdateInbound(a); }).ok());
  ASSERT_TRUE(f.store
                  ->Write(desk,
                          [&](WriteTx& tx) {
                            return tx.mail().SetAddressBounce("gone@example.com", "5.1.1 unknown",
                                                              T("2026-12-07T12:00:00Z"));
                          })
                  .ok());
  ASSERT_TRUE(
      f.store
          ->Read(desk,
                 [&](ReadTx& tx) {
                   auto got = tx.mail().GetInbound(a.id).value();
                   EXPECT_EQ(got.subject, a.subject);
                   EXPECT_EQ(got.text, a.text);
                   EXPECT_EQ(got.attachments, a.attachments);
                   EXPECT_EQ(got.to, a.to);
                   EXPECT_EQ(got.sent_at, a.sent_at);
                   EXPECT_TRUE(got.unread);
                   EXPECT_EQ(tx.mail().InboundRaw(a.id).value(), packed);
                   EXPECT_EQ(tx.mail().FindInbound("<a@example.com>").value()->id, a.id);
                   EXPECT_FALSE(tx.mail().FindInbound("<b@example.com>").value());
                   EXPECT_EQ(tx.mail().ThreadOfMessageId("<a@example.com>").value(),
                             "ticket:CS0000001");
                   EXPECT_EQ(tx.mail().ThreadOfMessageId("<zz@example.com>").value(), "");
                   EXPECT_EQ(tx.mail().ListInbound({"matched", "", 0, 10}).value().size(), 1u);
                   EXPECT_TRUE(tx.mail().ListInbound({"unmatched", "", 0, 10}).value().empty());
                   EXPECT_EQ(tx.mail().AddressBounce("gone@example.com").value(), "5.1.1 unknown");
                   EXPECT_EQ(tx.mail().AddressBounce("ok@example.com").value(), "");
                   EXPECT_EQ(tx.mail().GetInbound(a.id + 1000).status().code(),
                             Status::Code::kNotFound);
                   return Status::Ok();
                 })
          .ok());
  ASSERT_TRUE(f.store
                  ->Write(desk,
                          [&](WriteTx& tx) {
                            return tx.mail().SetAddressBounce("gone@example.com", "",
                                                              T("2026-12-07T13:00:00Z"));
                          })
                  .ok());
  ASSERT_TRUE(f.store
                  ->Read(desk,
                         [&](ReadTx& tx) {
                           EXPECT_EQ(tx.mail().AddressBounce("gone@example.com").value(), "");
                           return Status::Ok();
                         })
                  .ok());
}

}  // namespace store_contract_mail_in_test
}  // namespace atiende::contract
