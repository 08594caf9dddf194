#include "core/customer.h"

#include <gtest/gtest.h>

namespace atiende {
namespace customer_test {

Customer Valid() {
  Customer c;
  c.legal_name = "  Scotiabank Colpatría S.A. ";
  return c;
}

TEST(NormalizeCustomer, TrimsAndAcceptsMinimal) {
  Customer c = Valid();
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_EQ(c.legal_name, "Scotiabank Colpatría S.A.");
}

TEST(NormalizeCustomer, LegalNameRequired) {
  Customer c;
  c.legal_name = "   ";
  Status s = NormalizeCustomer(c);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "legal_name");
}

TEST(NormalizeCustomer, CriticalityIsPrioritarioOrNothing) {
  Customer c = Valid();
  c.criticality = "PRIORITARIO";
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_EQ(c.criticality, std::optional<std::string>("Prioritario"));
  EXPECT_TRUE(c.critical());
  c.criticality = "";
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_FALSE(c.criticality.has_value());
  c.criticality = "Urgente";
  EXPECT_EQ(NormalizeCustomer(c).field(), "criticality");
}

TEST(NormalizeCustomer, BlocksSortedUniqueAndUpperCase) {
  Customer c = Valid();
  c.blocks = {"ZB", " ZB", "AB"};
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_EQ(c.blocks, (std::vector<std::string>{"AB", "ZB"}));
  EXPECT_TRUE(c.HasBlock("ZB"));
  c.blocks = {"zb"};
  EXPECT_EQ(NormalizeCustomer(c).field(), "blocks");
}

TEST(NormalizeCustomer, RejectsBadEmailsAndOversizedAndInvalidUtf8) {
  Customer c = Valid();
  c.email = "not-an-email";
  EXPECT_EQ(NormalizeCustomer(c).field(), "email");
  c = Valid();
  c.contacts = {{"Ana", "TI", "+57 1", "ana@@x.co"}};
  EXPECT_EQ(NormalizeCustomer(c).field(), "contacts[0].email");
  c = Valid();
  c.legal_name = std::string(301, 'a');
  EXPECT_EQ(NormalizeCustomer(c).field(), "legal_name");
  c = Valid();
  c.legal_name = std::string("Nulo\0Oculto S.A.", 17);
  EXPECT_EQ(NormalizeCustomer(c).field(), "legal_name");
  c = Valid();
  c.group = "bad \xC3";
  EXPECT_EQ(NormalizeCustomer(c).field(), "group");
}

TEST(CheckServiceIds, AServiceHasAnIdOrACircuitAndIdsAreUnique) {
  Customer c = Valid();
  c.services = {{"SID-1", "", "MPLS"}, {"", "CIR-2", ""}};
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_TRUE(CheckServiceIds(c).ok()) << "a circuit alone names a service (the import)";
  c.services.push_back({" ", "", "sin identificar"});
  ASSERT_TRUE(NormalizeCustomer(c).ok()) << "normalising alone does not refuse stored data";
  EXPECT_EQ(CheckServiceIds(c).field(), "services[2].service_id");
  c.services[2] = {"SID-1 ", "CIR-3", ""};
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  Status dup = CheckServiceIds(c);
  EXPECT_EQ(dup.field(), "services[2].service_id");
  EXPECT_NE(dup.message().find("services[0]"), std::string::npos) << dup.message();
}

TEST(Customer, SameDataIgnoresIdentityAndTimes) {
  Customer a = Valid(), b = Valid();
  b.id = 7;
  b.version = 3;
  EXPECT_TRUE(a.SameData(b));
  b.technology = "SDWAN con Out Vipt";
  EXPECT_FALSE(a.SameData(b));
}

}  // namespace customer_test
}  // namespace atiende
