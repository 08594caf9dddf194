// The Store contract for sign-in credentials (issue 19: listing and revoking
// sessions and API tokens; see store_contract.h).
#include <string>
#include <vector>

#include "store/store_contract.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_credentials_test {

using testing::T;
using Code = Status::Code;

const TimePoint kNow = T("2026-11-24T12:00:00Z");

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {}

  int64_t AddUser(const std::string& name) {
    User u;
    u.username = name;
    u.role = Role::kAgent;
    u.password_hash = "$argon2id$x";
    u.created_at = kNow;
    EXPECT_TRUE(Write([&](WriteTx& tx) { return tx.users().Insert(u); }).ok());
    return u.id;
  }
  Credential Add(int64_t user, std::string hash, std::string kind, TimePoint expires) {
    Credential c{std::move(hash), user, std::move(kind), kNow, expires};
    Status s = Write([&](WriteTx& tx) { return tx.credentials().Insert(c); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }
  Status Write(const std::function<Status(WriteTx&)>& f) {
    return store->Write(DeskScope::All(), f);
  }
  Status Read(const std::function<Status(ReadTx&)>& f) { return store->Read(DeskScope::All(), f); }
  // The ids List gives, as the arguments say.
  std::vector<int64_t> Ids(std::optional<int64_t> user, std::string kind, TimePoint now = kNow) {
    std::vector<int64_t> out;
    Status s = Read([&](ReadTx& tx) -> Status {
      ATIENDE_ASSIGN_OR_RETURN(auto creds, tx.credentials().List(user, kind, now));
      for (const auto& c : creds) out.push_back(c.id);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

TEST_P(StoreContract, CredentialsGetIdsNeverReusedAndAreFoundByThem) {
  Fixture f(GetParam());
  int64_t ana = f.AddUser("ana");
  Credential a = f.Add(ana, "h1", "session", kNow + std::chrono::hours(12));
  Credential b = f.Add(ana, "h2", "api", kNow + std::chrono::hours(48));
  EXPECT_GT(a.id, 0);
  EXPECT_GT(b.id, a.id);
  ASSERT_TRUE(f.Read([&](ReadTx& tx) {
                 auto got = tx.credentials().GetById(b.id);
                 EXPECT_TRUE(got.ok());
                 EXPECT_EQ(got->token_hash, "h2");
                 EXPECT_EQ(got->kind, "api");
                 EXPECT_EQ(got->user_id, ana);
                 EXPECT_EQ(got->expires_at, kNow + std::chrono::hours(48));
                 EXPECT_EQ(tx.credentials().Get("h1").value().id, a.id);
                 EXPECT_EQ(tx.credentials().GetById(b.id + 100).status().code(), Code::kNotFound);
                 return Status::Ok();
               }).ok());
  // A revoked credential's id is not given again.
  ASSERT_TRUE(f.Write([&](WriteTx& tx) { return tx.credentials().Delete("h2"); }).ok());
  Credential c = f.Add(ana, "h3", "api", kNow + std::chrono::hours(48));
  EXPECT_GT(c.id, b.id);
  ASSERT_TRUE(f.Read([&](ReadTx& tx) {
                 EXPECT_EQ(tx.credentials().GetById(b.id).status().code(), Code::kNotFound);
                 return Status::Ok();
               }).ok());
}

TEST_P(StoreContract, CredentialsListByUserAndKindWithoutTheExpired) {
  Fixture f(GetParam());
  int64_t ana = f.AddUser("ana");
  int64_t bea = f.AddUser("bea");
  int64_t s1 = f.Add(ana, "s1", "session", kNow + std::chrono::hours(12)).id;
  int64_t t1 = f.Add(ana, "t1", "api", kNow + std::chrono::hours(48)).id;
  int64_t s2 = f.Add(bea, "s2", "session", kNow + std::chrono::hours(1)).id;
  f.Add(bea, "old", "session", kNow);  // expires now: not listed
  EXPECT_EQ(f.Ids(std::nullopt, ""), (std::vector<int64_t>{s1, t1, s2}));
  EXPECT_EQ(f.Ids(ana, ""), (std::vector<int64_t>{s1, t1}));
  EXPECT_EQ(f.Ids(std::nullopt, "session"), (std::vector<int64_t>{s1, s2}));
  EXPECT_EQ(f.Ids(ana, "api"), (std::vector<int64_t>{t1}));
  EXPECT_EQ(f.Ids(bea, "api"), (std::vector<int64_t>{}));
  EXPECT_EQ(f.Ids(std::nullopt, "", kNow + std::chrono::hours(13)), (std::vector<int64_t>{t1}));
}

TEST_P(StoreContract, DeleteOfUserEndsOneUsersCredentialsButTheOneKept) {
  Fixture f(GetParam());
  int64_t ana = f.AddUser("ana");
  int64_t bea = f.AddUser("bea");
  int64_t s1 = f.Add(ana, "s1", "session", kNow + std::chrono::hours(12)).id;
  f.Add(ana, "s2", "session", kNow + std::chrono::hours(12));
  int64_t t1 = f.Add(ana, "t1", "api", kNow + std::chrono::hours(48)).id;
  int64_t b1 = f.Add(bea, "b1", "session", kNow + std::chrono::hours(12)).id;
  int64_t ended = -1;
  // A password change: the other sessions end; this one and the token stay.
  ASSERT_TRUE(f.Write([&](WriteTx& tx) -> Status {
                 ATIENDE_ASSIGN_OR_RETURN(ended,
                                          tx.credentials().DeleteOfUser(ana, "session", "s1"));
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(ended, 1);
  EXPECT_EQ(f.Ids(std::nullopt, ""), (std::vector<int64_t>{s1, t1, b1}));
  // Disabling: everything of the user ends; the others' stay.
  ASSERT_TRUE(f.Write([&](WriteTx& tx) -> Status {
                 ATIENDE_ASSIGN_OR_RETURN(ended, tx.credentials().DeleteOfUser(ana, "", ""));
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(ended, 2);
  EXPECT_EQ(f.Ids(std::nullopt, ""), (std::vector<int64_t>{b1}));
  ASSERT_TRUE(f.Write([&](WriteTx& tx) -> Status {
                 ATIENDE_ASSIGN_OR_RETURN(ended, tx.credentials().DeleteOfUser(ana, "", ""));
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(ended, 0);
}

}  // namespace store_contract_credentials_test
}  // namespace atiende::contract
