// The Store contract for the telephony admin's records (issue 17): a desk's
// extensions mapped to users and its settings, kept per desk (see
// store_contract.h).
#include <string>
#include <vector>

#include "store/store_contract.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_telephony_test {

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {
    Desk other;
    other.id = "otra";
    other.name = "Otra";
    Status s =
        store->Write(DeskScope::All(), [&](WriteTx& tx) { return tx.desks().Insert(other); });
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  Status In(const std::string& desk, const std::function<Status(WriteTx&)>& f) {
    return store->Write(DeskScope::Of(desk), f);
  }
  std::vector<std::string> Listed(const std::string& desk) {
    std::vector<std::string> out;
    Status s = store->Read(DeskScope::Of(desk), [&](ReadTx& tx) -> Status {
      ATIENDE_ASSIGN_OR_RETURN(auto all, tx.telephony().ListExtensions());
      for (const auto& x : all) out.push_back(x.extension + "=" + x.username);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

TEST_P(StoreContract, TelephonyExtensionsArePerDeskAndReplaced) {
  Fixture f(GetParam());
  ASSERT_TRUE(f.In("main", [](WriteTx& tx) -> Status {
                 ATIENDE_RETURN_IF_ERROR(tx.telephony().PutExtension({"202", "ana"}));
                 ATIENDE_RETURN_IF_ERROR(tx.telephony().PutExtension({"201", "ana"}));
                 return tx.telephony().PutExtension({"201", "beto"});  // replaces
               }).ok());
  ASSERT_TRUE(f.In("otra", [](WriteTx& tx) {
                 return tx.telephony().PutExtension({"201", "carla"});
               }).ok());
  EXPECT_EQ(f.Listed("main"), (std::vector<std::string>{"201=beto", "202=ana"}));
  EXPECT_EQ(f.Listed("otra"), (std::vector<std::string>{"201=carla"}));
  ASSERT_TRUE(f.In("otra", [](WriteTx& tx) -> Status {
                 ATIENDE_ASSIGN_OR_RETURN(auto u, tx.telephony().UserOfExtension("201"));
                 EXPECT_EQ(u, std::optional<std::string>("carla"));
                 ATIENDE_ASSIGN_OR_RETURN(auto none, tx.telephony().UserOfExtension("202"));
                 EXPECT_EQ(none, std::nullopt);
                 EXPECT_EQ(tx.telephony().DeleteExtension("202").code(), Status::Code::kNotFound);
                 return tx.telephony().DeleteExtension("201");
               }).ok());
  EXPECT_EQ(f.Listed("otra"), std::vector<std::string>{});
  EXPECT_EQ(f.Listed("main"), (std::vector<std::string>{"201=beto", "202=ana"}));
}

TEST_P(StoreContract, TelephonySettingsDefaultAndArePerDesk) {
  Fixture f(GetParam());
  ASSERT_TRUE(f.In("main", [](WriteTx& tx) -> Status {
                 ATIENDE_ASSIGN_OR_RETURN(TelephonySettings s, tx.telephony().Settings());
                 EXPECT_EQ(s.pop_on, "answer");
                 EXPECT_EQ(s.dial_url, "");
                 s.pop_on = "ringing";
                 s.dial_url = "http://pbx.local/dial";
                 ATIENDE_RETURN_IF_ERROR(tx.telephony().PutSettings(s));
                 s.pop_on = "answer";
                 return tx.telephony().PutSettings(s);  // an update, not a second row
               }).ok());
  ASSERT_TRUE(f.In("main", [](WriteTx& tx) -> Status {
                 ATIENDE_ASSIGN_OR_RETURN(TelephonySettings s, tx.telephony().Settings());
                 EXPECT_EQ(s.pop_on, "answer");
                 EXPECT_EQ(s.dial_url, "http://pbx.local/dial");
                 return Status::Ok();
               }).ok());
  ASSERT_TRUE(f.In("otra", [](WriteTx& tx) -> Status {
                 ATIENDE_ASSIGN_OR_RETURN(TelephonySettings s, tx.telephony().Settings());
                 EXPECT_EQ(s.dial_url, "");
                 return Status::Ok();
               }).ok());
}

}  // namespace store_contract_telephony_test
}  // namespace atiende::contract
