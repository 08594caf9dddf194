#include "app/import_customers.h"

#include <gtest/gtest.h>

#include "app/customers.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace import_customers_test {

using testing::Admin;

// The table of the NM seed, as printed there (tab-separated, empty groups).
const char kSeed[] =
    "GRUPO ECONOMICO\tCLIENTES\tCRÍTICO\tTECNOLOGIA\n"
    "\tSALUD TOTAL EPS-S S.A\tPrioritario\tLegacy sin Out\n"
    "\tVIRREY SOLIS I.P.S. S.A.\tPrioritario\tLegacy sin Out\n"
    "ORGANIZACIÓN ARDILA LULLE - CAL\tINGENIO DEL CAUCA S.A.\tPrioritario\tLegacy sin Out\n"
    "ORGANIZACION ARDILA LULLE - BOG\tCOLTEFINANCIERA S.A.\t\tLegacy sin Out\n"
    "GRUPO COLPATRIA\tScotiabank Colpatría S.A.\tPrioritario\tLegacy con Out\n";

int64_t Count(testing::TestEnv& env) {
  int64_t n = -1;
  EXPECT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(n, tx.customers().Count());
                           return Status::Ok();
                         })
                  .ok());
  return n;
}

TEST(ImportCustomers, SeedTableThenReimportIsUnchanged) {
  testing::TestEnv env;
  auto r = ImportCustomers(*env.deps, Admin(), kSeed, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 5);
  EXPECT_EQ(r->created, 5);
  EXPECT_TRUE(r->rejected.empty());
  auto again = ImportCustomers(*env.deps, Admin(), kSeed, {}).value();
  EXPECT_EQ(again.unchanged, 5);
  EXPECT_EQ(again.created + again.updated, 0);
  auto hits = SearchCustomers(*env.deps, atiende::testing::MainDesk(), "colpatria", 5).value();
  ASSERT_FALSE(hits.hits.empty());
  const Customer& c = hits.hits[0].first;
  EXPECT_EQ(c.group, "GRUPO COLPATRIA");
  EXPECT_EQ(c.criticality, std::optional<std::string>("Prioritario"));
  EXPECT_EQ(c.technology, "Legacy con Out");
}

TEST(ImportCustomers, ChangedRowIsAnUpdateWithAudit) {
  testing::TestEnv env;
  ASSERT_TRUE(ImportCustomers(*env.deps, Admin(), kSeed, {}).ok());
  std::string changed = kSeed;
  changed.replace(changed.find("Legacy con Out"), 14, "SDWAN con Out Vipt");
  auto r = ImportCustomers(*env.deps, Admin(), changed, {}).value();
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(r.unchanged, 4);
  auto c = SearchCustomers(*env.deps, atiende::testing::MainDesk(), "colpatria", 1)
               .value()
               .hits.at(0)
               .first;
  EXPECT_EQ(c.technology, "SDWAN con Out Vipt");
  EXPECT_EQ(c.version, 2);
  ASSERT_TRUE(
      env.store
          ->Read(atiende::testing::MainDesk(),
                 [&](ReadTx& tx) {
                   auto audit = tx.audit().List("customer", std::to_string(c.id), 10).value();
                   EXPECT_EQ(audit.size(), 2u);
                   EXPECT_EQ(audit.front().action, "customer.update");
                   EXPECT_NE(audit.front().before.find("Legacy con Out"), std::string::npos);
                   EXPECT_NE(audit.front().after.find("SDWAN con Out Vipt"), std::string::npos);
                   return Status::Ok();
                 })
          .ok());
}

TEST(ImportCustomers, RejectedRowsNameTheirRowAndReason) {
  testing::TestEnv env;
  std::string csv =
      "CLIENTES;CRÍTICO;EMAIL\n"
      "Alpina;Prioritario;ventas@alpina.co\n"
      ";Prioritario;\n"
      "Colfondos;Urgente;\n"
      "Yupi;;no-es-correo\n";
  auto r = ImportCustomers(*env.deps, Admin(), csv, {}).value();
  EXPECT_EQ(r.created, 1);
  ASSERT_EQ(r.rejected.size(), 3u);
  EXPECT_EQ(r.rejected[0].row, 3);
  EXPECT_EQ(r.rejected[0].field, "legal_name");
  EXPECT_EQ(r.rejected[1].row, 4);
  EXPECT_EQ(r.rejected[1].field, "criticality");
  EXPECT_EQ(r.rejected[2].row, 5);
  EXPECT_EQ(r.rejected[2].field, "email");
}

TEST(ImportCustomers, DryRunAndStrictChangeNothing) {
  testing::TestEnv env;
  auto dry = ImportCustomers(*env.deps, Admin(), kSeed, {.dry_run = true}).value();
  EXPECT_EQ(dry.created, 5);
  EXPECT_TRUE(dry.dry_run);
  EXPECT_EQ(Count(env), 0);
  std::string bad = std::string(kSeed) + "\t\tPrioritario\tx\n";
  auto strict = ImportCustomers(*env.deps, Admin(), bad, {.strict = true});
  EXPECT_EQ(strict.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(strict.status().field(), "row 7");
  EXPECT_EQ(Count(env), 0);
}

TEST(ImportCustomers, BadHeadersAreRefusedBeforeAnyWrite) {
  testing::TestEnv env;
  auto unknown = ImportCustomers(*env.deps, Admin(), "CLIENTES\tCOLOR\nA\tb\n", {});
  EXPECT_EQ(unknown.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("COLOR"), std::string::npos);
  auto dup = ImportCustomers(*env.deps, Admin(), "CLIENTES,Razón Social\nA,B\n", {});
  EXPECT_NE(dup.status().message().find("repeats"), std::string::npos);
  auto no_name = ImportCustomers(*env.deps, Admin(), "GRUPO ECONOMICO\nX\n", {});
  EXPECT_NE(no_name.status().message().find("CLIENTES"), std::string::npos);
  auto broken = ImportCustomers(*env.deps, Admin(), "CLIENTES\n\"unterminated\n", {});
  EXPECT_EQ(broken.status().code(), Status::Code::kInvalidArgument);
  auto zip = ImportCustomers(*env.deps, Admin(), std::string("PK\x03\x04garbage", 11), {});
  EXPECT_EQ(zip.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Count(env), 0);
}

TEST(ImportCustomers, OptionalColumnsFillTheRecord) {
  testing::TestEnv env;
  std::string tsv =
      "CODIGO\tCLIENTES\tRUT\tREGION\tSEGMENTO\tBLOQUEOS\tService ID\tCircuito\n"
      "100234\tAgrícola Los Robles Ltda.\t76.123.456-7\tMetropolitana\tgranel\tZB\tS-1\tC-7\n";
  ASSERT_TRUE(ImportCustomers(*env.deps, Admin(), tsv, {}).ok());
  ASSERT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           auto c = tx.customers().GetByCode("100234").value();
                           EXPECT_EQ(c.blocks, std::vector<std::string>{"ZB"});
                           EXPECT_EQ(c.segment, "granel");
                           EXPECT_EQ(c.region, "Metropolitana");
                           EXPECT_EQ(c.services.at(0).circuit, "C-7");
                           return Status::Ok();
                         })
                  .ok());
}

// A customer given several services in the console keeps them all when the
// master file is imported again: the row's service updates its match (by id)
// or is added; a customer with one service has it replaced, as before.
TEST(ImportCustomers, ARowsServiceUpdatesItsMatchAmongSeveral) {
  testing::TestEnv env;
  const std::string head = "CODIGO\tCLIENTES\tService ID\tCircuito\n";
  ASSERT_TRUE(
      ImportCustomers(*env.deps, Admin(), head + "200\tVarios Servicios S.A.\tS-1\tC-1\n", {})
          .ok());
  auto services = [&] {
    std::vector<CustomerService> out;
    EXPECT_TRUE(env.store
                    ->Read(atiende::testing::MainDesk(),
                           [&](ReadTx& tx) {
                             out = tx.customers().GetByCode("200").value().services;
                             return Status::Ok();
                           })
                    .ok());
    return out;
  };
  // One service: the master file's row replaces it.
  ASSERT_TRUE(
      ImportCustomers(*env.deps, Admin(), head + "200\tVarios Servicios S.A.\tS-2\tC-2\n", {})
          .ok());
  EXPECT_EQ(services(), (std::vector<CustomerService>{{"S-2", "C-2", ""}}));
  int64_t id = SearchCustomers(*env.deps, atiende::testing::MainDesk(), "varios servicios", 1)
                   .value()
                   .hits.at(0)
                   .first.id;
  ASSERT_TRUE(UpdateCustomer(*env.deps, Admin(), id, std::nullopt, [](Customer& c) {
                c.services.push_back({"S-3", "C-3", "Sede norte"});
                return Status::Ok();
              }).ok());
  // Several: the row naming S-3 updates S-3's circuit; S-2 stays.
  auto r = ImportCustomers(*env.deps, Admin(), head + "200\tVarios Servicios S.A.\tS-3\tC-9\n", {})
               .value();
  EXPECT_TRUE(r.rejected.empty()) << r.rejected.at(0).reason;
  EXPECT_EQ(services(),
            (std::vector<CustomerService>{{"S-2", "C-2", ""}, {"S-3", "C-9", "Sede norte"}}));
  // A new id among several is added, not written over the first.
  ASSERT_TRUE(
      ImportCustomers(*env.deps, Admin(), head + "200\tVarios Servicios S.A.\tS-4\t\n", {}).ok());
  EXPECT_EQ(services().size(), 3u);
  EXPECT_EQ(services().at(2).service_id, "S-4");
}

}  // namespace import_customers_test
}  // namespace atiende
