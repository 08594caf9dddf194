// The Store contract: behaviours every adapter shares. See store_contract.h.
#include "store/store_contract.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_test {

using testing::T;

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {}
};

Customer Make(std::string name, std::string group = "", std::string code = "") {
  Customer c;
  c.legal_name = std::move(name);
  c.group = std::move(group);
  c.code = std::move(code);
  c.created_at = c.updated_at = T("2026-11-24T12:00:00Z");
  return c;
}

Result<Customer> Insert(Store& s, Customer c) {
  Status st =
      s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.customers().Insert(c); });
  if (!st.ok()) return st;
  return c;
}

std::vector<std::string> Names(Store& s, const std::string& q, int limit = 5) {
  std::vector<std::string> out;
  Status st = s.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(auto hits, tx.customers().Search({q, limit}));
    for (auto& h : hits) out.push_back(h.customer.legal_name);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << q << ": " << st.ToString();
  return out;
}

// The customer table of the NM seed (004_ecd212787f0fa7ee.txt).
void InsertSeed(Store& s) {
  const char* rows[][2] = {
      {"", "SALUD TOTAL EPS-S S.A"},
      {"", "VIRREY SOLIS I.P.S. S.A."},
      {"ORGANIZACIÓN ARDILA LULLE - CAL", "INGENIO DEL CAUCA S.A."},
      {"ORGANIZACION ARDILA LULLE - BOG", "RADIO CADENA NACIONAL S.A.S."},
      {"ORGANIZACION ARDILA LULLE - BOG", "RCN TELEVISION S.A."},
      {"ORGANIZACION ARDILA LULLE - BOG", "COLTEFINANCIERA S.A."},
      {"", "ALPINA PRODUCTOS ALIMENTICIOS S.A."},
      {"GRUPO COLPATRIA", "Scotiabank Colpatría S.A."},
      {"", "COLFONDOS S.A."},
      {"YUPI", "PRODUCTOS YUPI S.A.S."},
      {"TECNOQUIMICAS S.A.", "TECNOQUIMICAS S.A."},
      {"TECNOQUIMICAS S.A.", "TECNOSUR"},
      {"COLOMBINA", "COLOMBINA S. A."},
  };
  for (auto& r : rows) ASSERT_TRUE(Insert(s, Make(r[1], r[0])).ok());
}

TEST_P(StoreContract, InsertAssignsIdCodeAndVersionAndRoundTrips) {
  Fixture f(GetParam());
  Customer c = Make("Scotiabank Colpatría S.A.", "GRUPO COLPATRIA");
  c.criticality = "Prioritario";
  c.technology = "Legacy con Out";
  c.blocks = {"ZB"};
  c.services = {{"SID-1", "CIR-9", "MPLS"}};
  c.contacts = {{"Ana Pérez", "TI", "+57 1 555", "ana@colpatria.co"}};
  c.service_manager = {"Luis Gómez", "luis@cirion.co"};
  auto in = Insert(*f.store, c);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_GT(in->id, 0);
  EXPECT_EQ(in->code, "C" + std::to_string(in->id));
  EXPECT_EQ(in->version, 1);
  Customer got;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(got, tx.customers().Get(in->id));
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_TRUE(got.SameData(*in));
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.created_at, c.created_at);
}

TEST_P(StoreContract, CodesAreUnique) {
  Fixture f(GetParam());
  ASSERT_TRUE(Insert(*f.store, Make("A", "", "100234")).ok());
  auto dup = Insert(*f.store, Make("B", "", "100234"));
  EXPECT_EQ(dup.status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(dup.status().field(), "code");
}

TEST_P(StoreContract, UpdateNeedsThePreviousVersion) {
  Fixture f(GetParam());
  auto c = Insert(*f.store, Make("Panadería La Espiga SpA")).value();
  c.technology = "x";
  c.version = 2;
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.customers().Update(c); })
                  .ok());
  c.technology = "y";  // still version 2: someone else's stale copy
  Status stale = f.store->Write(atiende::testing::MainDesk(),
                                [&](WriteTx& tx) { return tx.customers().Update(c); });
  EXPECT_EQ(stale.code(), Status::Code::kConflict);
  c.id = 999999;
  c.version = 2;
  EXPECT_EQ(f.store
                ->Write(atiende::testing::MainDesk(),
                        [&](WriteTx& tx) { return tx.customers().Update(c); })
                .code(),
            Status::Code::kNotFound);
}

TEST_P(StoreContract, DeleteRemovesFromReadsAndSearch) {
  Fixture f(GetParam());
  auto c = Insert(*f.store, Make("Hotel Bahía Coquimbo S.A.")).value();
  EXPECT_EQ(Names(*f.store, "bahia").size(), 1u);
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.customers().Delete(c.id); })
                  .ok());
  EXPECT_TRUE(Names(*f.store, "bahia").empty());
  Status again = f.store->Write(atiende::testing::MainDesk(),
                                [&](WriteTx& tx) { return tx.customers().Delete(c.id); });
  EXPECT_EQ(again.code(), Status::Code::kNotFound);
}

TEST_P(StoreContract, IdsOfDeletedCustomersAreNotReused) {
  Fixture f(GetParam());
  auto a = Insert(*f.store, Make("Primera")).value();
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.customers().Delete(a.id); })
                  .ok());
  auto b = Insert(*f.store, Make("Segunda")).value();
  EXPECT_GT(b.id, a.id);
}

TEST_P(StoreContract, AFailedClosureRollsBackOnlyItself) {
  Fixture f(GetParam());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      Status s = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
        Customer c = Make("Empresa " + std::to_string(i));
        ATIENDE_RETURN_IF_ERROR(tx.customers().Insert(c));
        if (i % 2) return Status::InvalidArgument("rejected on purpose");
        return Status::Ok();
      });
      if (s.ok())
        ok++;
      else
        EXPECT_EQ(s.message(), "rejected on purpose");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  int64_t count = 0;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(count, tx.customers().Count());
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(count, 8);
  EXPECT_TRUE(Names(*f.store, "Empresa 1").empty() ||
              Names(*f.store, "Empresa 1")[0] != "Empresa 1");
}

TEST_P(StoreContract, SearchFindsWhatAPersonExpects) {
  Fixture f(GetParam());
  InsertSeed(*f.store);
  EXPECT_EQ(Names(*f.store, "colpatria").at(0), "Scotiabank Colpatría S.A.");
  EXPECT_EQ(Names(*f.store, "COLPATRÍA S.A.").at(0), "Scotiabank Colpatría S.A.");
  EXPECT_EQ(Names(*f.store, "colpatira").at(0), "Scotiabank Colpatría S.A.");  // a typo
  EXPECT_EQ(Names(*f.store, "tecnoquimica").at(0), "TECNOQUIMICAS S.A.");
  auto rcn = Names(*f.store, "rcn");
  EXPECT_EQ(rcn.at(0), "RCN TELEVISION S.A.");
  EXPECT_EQ(rcn.at(1), "RADIO CADENA NACIONAL S.A.S.");  // by its initials
  EXPECT_EQ(Names(*f.store, "virrey solis ips").at(0), "VIRREY SOLIS I.P.S. S.A.");
  EXPECT_EQ(Names(*f.store, "salud tot").at(0), "SALUD TOTAL EPS-S S.A");  // being typed
  auto ardila = Names(*f.store, "ardila lule", 10);                        // the group, with a typo
  EXPECT_EQ(ardila.size(), 4u);
  EXPECT_TRUE(std::find(ardila.begin(), ardila.end(), "RCN TELEVISION S.A.") != ardila.end());
  EXPECT_TRUE(Names(*f.store, "zzzz qqqq").empty());
  EXPECT_TRUE(Names(*f.store, "  ...  ").empty());
}

TEST_P(StoreContract, SearchMatchesCodeAndTaxId) {
  Fixture f(GetParam());
  Customer c = Make("Lechería del Sur Ltda.", "", "102019");
  c.tax_id = "78.456.789-0";
  ASSERT_TRUE(Insert(*f.store, c).ok());
  EXPECT_EQ(Names(*f.store, "102019").at(0), "Lechería del Sur Ltda.");
  EXPECT_EQ(Names(*f.store, "784567890").at(0), "Lechería del Sur Ltda.");
  EXPECT_EQ(Names(*f.store, "78.456.789-0").at(0), "Lechería del Sur Ltda.");
}

TEST_P(StoreContract, SearchIsSafeWithQueryMetaCharacters) {
  Fixture f(GetParam());
  InsertSeed(*f.store);
  for (const char* q :
       {"%", "_", "'", "\"", "*", "NEAR(", "--", "colpatria'; DROP TABLE customers;", "a OR b",
        "^col", "col:umn", "(", "\\"}) {
    Names(*f.store, q);  // must not fail
  }
  EXPECT_EQ(Names(*f.store, "colpatria").at(0), "Scotiabank Colpatría S.A.");
}

TEST_P(StoreContract, SearchFollowsRenames) {
  Fixture f(GetParam());
  auto c = Insert(*f.store, Make("Colegio San Andrés de Talca")).value();
  EXPECT_EQ(Names(*f.store, "san andres").size(), 1u);
  c.legal_name = "Colegio Los Aromos";
  c.version = 2;
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.customers().Update(c); })
                  .ok());
  EXPECT_TRUE(Names(*f.store, "san andres").empty());
  EXPECT_EQ(Names(*f.store, "aromos").at(0), "Colegio Los Aromos");
  EXPECT_EQ(Names(*f.store, "aromoss").at(0), "Colegio Los Aromos");  // typo, new term
}

TEST_P(StoreContract, FindCustomerByKeyPrefersCodeThenTaxIdThenName) {
  Fixture f(GetParam());
  Customer a = Make("Agrícola Los Robles Ltda.", "", "100234");
  a.tax_id = "76.123.456-7";
  ASSERT_TRUE(Insert(*f.store, a).ok());
  ASSERT_TRUE(
      f.store
          ->Read(atiende::testing::MainDesk(),
                 [&](ReadTx& tx) {
                   EXPECT_TRUE(tx.customers().FindByKey("100234", "", "").value().has_value());
                   EXPECT_FALSE(tx.customers()
                                    .FindByKey("999", "", "Agrícola Los Robles Ltda.")
                                    .value()
                                    .has_value());
                   EXPECT_TRUE(
                       tx.customers().FindByKey("", "76.123.456-7", "").value().has_value());
                   EXPECT_TRUE(tx.customers()
                                   .FindByKey("", "", "AGRICOLA LOS ROBLES LTDA")
                                   .value()
                                   .has_value());
                   return Status::Ok();
                 })
          .ok());
}

TEST_P(StoreContract, ListCustomersPagesById) {
  Fixture f(GetParam());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(Insert(*f.store, Make(std::string("E").append(std::to_string(i)))).ok());
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           auto first = tx.customers().List(0, 3).value();
                           EXPECT_EQ(first.size(), 3u);
                           auto rest = tx.customers().List(first.back().id, 3).value();
                           EXPECT_EQ(rest.size(), 2u);
                           EXPECT_GT(rest.front().id, first.back().id);
                           return Status::Ok();
                         })
                  .ok());
}

TEST_P(StoreContract, UsersAndCredentials) {
  Fixture f(GetParam());
  User u;
  u.username = "agente";
  u.role = Role::kAgent;
  u.password_hash = "$argon2id$x";
  u.created_at = T("2026-11-24T12:00:00Z");
  ASSERT_TRUE(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.users().Insert(u); })
          .ok());
  User dup = u;
  EXPECT_EQ(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.users().Insert(dup); })
          .code(),
      Status::Code::kAlreadyExists);
  Credential cred{"abc", u.id, "session", T("2026-11-24T12:00:00Z"), T("2026-11-25T00:00:00Z")};
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.credentials().Insert(cred); })
                  .ok());
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           EXPECT_EQ(tx.users().GetByName("agente").value().role, Role::kAgent);
                           EXPECT_EQ(tx.credentials().Get("abc").value().user_id, u.id);
                           EXPECT_EQ(tx.credentials().Get("nope").status().code(),
                                     Status::Code::kNotFound);
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            return tx.credentials().DeleteExpired(T("2026-11-25T00:00:00Z"));
                          })
                  .ok());
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           EXPECT_EQ(tx.credentials().Get("abc").status().code(),
                                     Status::Code::kNotFound);
                           return Status::Ok();
                         })
                  .ok());
}

TEST_P(StoreContract, AuditIsReturnedNewestFirst) {
  Fixture f(GetParam());
  for (int i = 0; i < 3; ++i) {
    AuditEntry e{0,   T("2026-11-24T12:00:00Z"),           "ana", "customer.update", "customer",
                 "7", "{\"v\":" + std::to_string(i) + "}", "{}"};
    ASSERT_TRUE(
        f.store
            ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.audit().Append(e); })
            .ok());
  }
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           auto all = tx.audit().List("customer", "7", 10).value();
                           EXPECT_EQ(all.size(), 3u);
                           EXPECT_EQ(all.front().before, "{\"v\":2}");
                           EXPECT_EQ(all.front().actor, "ana");
                           EXPECT_TRUE(tx.audit().List("customer", "8", 10).value().empty());
                           return Status::Ok();
                         })
                  .ok());
}

TEST_P(StoreContract, ClaimedWorkGoesToExactlyOneClaimer) {
  Fixture f(GetParam());
  constexpr int kItems = 1000, kWorkers = 8;
  TimePoint now = T("2026-11-24T12:00:00Z");
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            for (int i = 0; i < kItems; ++i) {
                              WorkItem w{0, "test.job", std::to_string(i), now - Micros(i), 0};
                              ATIENDE_RETURN_IF_ERROR(tx.work().Enqueue(w));
                            }
                            return Status::Ok();
                          })
                  .ok());
  std::vector<std::atomic<int>> claims(kItems), completions(kItems);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      std::string owner = "node-" + std::to_string(w);
      for (int round = 0; round < 1000; ++round) {
        std::vector<WorkItem> got;
        ASSERT_TRUE(f.store
                        ->Write(atiende::testing::MainDesk(),
                                [&](WriteTx& tx) {
                                  ATIENDE_ASSIGN_OR_RETURN(
                                      got, tx.work().Claim("test.job", owner, now,
                                                           std::chrono::hours(1), 25));
                                  return Status::Ok();
                                })
                        .ok());
        if (got.empty()) return;
        for (const auto& item : got) {
          int i = std::stoi(item.payload);
          claims[i]++;
          Status done = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
            return tx.work().Complete(item.id, owner, now);
          });
          if (done.ok()) completions[i]++;
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  for (int i = 0; i < kItems; ++i) {
    EXPECT_EQ(claims[i].load(), 1) << "item " << i;
    EXPECT_EQ(completions[i].load(), 1) << "item " << i;
  }
}

TEST_P(StoreContract, AnExpiredLeaseLetsAnotherClaimerTakeOver) {
  Fixture f(GetParam());
  TimePoint now = T("2026-11-24T12:00:00Z");
  WorkItem w{0, "test.job", "x", now, 0};
  ASSERT_TRUE(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.work().Enqueue(w); })
          .ok());
  WorkItem later{0, "test.job", "not yet", now + std::chrono::hours(1), 0};
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.work().Enqueue(later); })
                  .ok());
  auto claim = [&](const std::string& owner, TimePoint at) {
    std::vector<WorkItem> got;
    EXPECT_TRUE(
        f.store
            ->Write(atiende::testing::MainDesk(),
                    [&](WriteTx& tx) {
                      ATIENDE_ASSIGN_OR_RETURN(
                          got, tx.work().Claim("test.job", owner, at, std::chrono::minutes(1), 10));
                      return Status::Ok();
                    })
            .ok());
    return got;
  };
  auto next_due = [&] {
    std::optional<TimePoint> t;
    EXPECT_TRUE(f.store
                    ->Read(atiende::testing::MainDesk(),
                           [&](ReadTx& tx) {
                             ATIENDE_ASSIGN_OR_RETURN(t, tx.work().NextDue("test.job"));
                             return Status::Ok();
                           })
                    .ok());
    return t;
  };
  EXPECT_EQ(next_due(), now);
  auto first = claim("a", now);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(next_due(), now + std::chrono::minutes(1));  // the lease's end
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_TRUE(claim("b", now + std::chrono::seconds(30)).empty());  // still leased to a
  auto second = claim("b", now + std::chrono::minutes(2));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempts, 2);
  EXPECT_EQ(f.store
                ->Write(atiende::testing::MainDesk(),
                        [&](WriteTx& tx) { return tx.work().Complete(w.id, "a", now); })
                .code(),
            Status::Code::kConflict);
  EXPECT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.work().Complete(w.id, "b", now); })
                  .ok());
  EXPECT_TRUE(claim("c", now + std::chrono::minutes(10)).empty());  // done stays done
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            return tx.work().Release(w.id, "b",
                                                     now);  // no effect on a finished item
                          })
                  .ok());
  EXPECT_TRUE(claim("c", now + std::chrono::minutes(10)).empty());
  EXPECT_EQ(claim("c", now + std::chrono::hours(2)).at(0).payload, "not yet");
}

// The fence of short leases (issue 19): only the holder renews, and a
// renewal never hands an item over or revives a finished one.
TEST_P(StoreContract, OnlyTheHolderRenewsAClaim) {
  Fixture f(GetParam());
  TimePoint now = T("2026-11-24T12:00:00Z");
  constexpr auto kLease = std::chrono::seconds(30);
  WorkItem w{0, "test.job", "x", now, 0};
  ASSERT_TRUE(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.work().Enqueue(w); })
          .ok());
  auto write = [&](const std::function<Status(WorkWriter&)>& fn) {
    return f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return fn(tx.work()); });
  };
  auto claim = [&](const std::string& owner, TimePoint at) {
    std::vector<WorkItem> got;
    EXPECT_TRUE(write([&](WorkWriter& work) {
                  ATIENDE_ASSIGN_OR_RETURN(got, work.Claim("test.job", owner, at, kLease, 10));
                  return Status::Ok();
                }).ok());
    return got;
  };
  auto renew = [&](const std::string& owner, TimePoint until) {
    return write([&](WorkWriter& work) { return work.Renew(w.id, owner, until); }).code();
  };
  auto next_due = [&] {
    std::optional<TimePoint> t;
    EXPECT_TRUE(f.store
                    ->Read(atiende::testing::MainDesk(),
                           [&](ReadTx& tx) {
                             ATIENDE_ASSIGN_OR_RETURN(t, tx.work().NextDue("test.job"));
                             return Status::Ok();
                           })
                    .ok());
    return t;
  };
  using Code = Status::Code;
  EXPECT_EQ(renew("a", now + kLease), Code::kConflict) << "nobody holds it yet";
  ASSERT_EQ(claim("a", now).size(), 1u);
  EXPECT_EQ(renew("b", now + std::chrono::hours(1)), Code::kConflict);
  // Renewed at +20 s, a holds it until +50 s: b's claim at +40 s finds nothing.
  EXPECT_EQ(renew("a", now + std::chrono::seconds(50)), Code::kOk);
  EXPECT_EQ(next_due(), now + std::chrono::seconds(50));
  EXPECT_TRUE(claim("b", now + std::chrono::seconds(40)).empty());
  // Past its end but not taken by anyone, the claim is still a's to renew.
  EXPECT_EQ(renew("a", now + std::chrono::seconds(90)), Code::kOk);
  EXPECT_TRUE(claim("b", now + std::chrono::seconds(60)).empty());
  // Taken over once it ran out: a's renewal is refused, b's accepted.
  ASSERT_EQ(claim("b", now + std::chrono::seconds(91)).size(), 1u);
  EXPECT_EQ(renew("a", now + std::chrono::hours(1)), Code::kConflict);
  EXPECT_EQ(renew("b", now + std::chrono::minutes(2)), Code::kOk);
  EXPECT_TRUE(claim("a", now + std::chrono::seconds(100)).empty());
  // Given back, then done: nobody renews it.
  EXPECT_TRUE(write([&](WorkWriter& work) {
                return work.Release(w.id, "b", now + std::chrono::minutes(3));
              }).ok());
  EXPECT_EQ(renew("b", now + std::chrono::hours(1)), Code::kConflict);
  ASSERT_EQ(claim("c", now + std::chrono::minutes(3)).size(), 1u);
  EXPECT_TRUE(write([&](WorkWriter& work) { return work.Complete(w.id, "c", now); }).ok());
  EXPECT_EQ(renew("c", now + std::chrono::hours(1)), Code::kConflict);
  EXPECT_EQ(next_due(), std::nullopt);
}

TEST_P(StoreContract, DirectoryListsAreReplacedWhole) {
  Fixture f(GetParam());
  DirectoryList l{
      "mesa_clientes", {"mesa@abastible.cl", "turno@abastible.cl"}, T("2026-11-24T12:00:00Z")};
  ASSERT_TRUE(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.directory().Put(l); })
          .ok());
  l.addresses = {"mesa@abastible.cl"};
  ASSERT_TRUE(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.directory().Put(l); })
          .ok());
  ASSERT_TRUE(
      f.store
          ->Read(atiende::testing::MainDesk(),
                 [&](ReadTx& tx) {
                   auto all = tx.directory().List().value();
                   EXPECT_EQ(all.size(), 1u);
                   EXPECT_EQ(tx.directory().Get("mesa_clientes").value().addresses, l.addresses);
                   EXPECT_EQ(tx.directory().Get("nadie").status().code(), Status::Code::kNotFound);
                   return Status::Ok();
                 })
          .ok());
}

TEST_P(StoreContract, OutboxKeepsMailsThreadsAndRecipients) {
  Fixture f(GetParam());
  auto mail = [&](const char* id, const char* thread) {
    OutboxMail m;
    m.message_id = id;
    m.event = "directory.test";
    m.lang = "es";
    m.to = {"mesa@abastible.cl"};
    m.cc = {"cc@abastible.cl", "sup@abastible.cl"};
    m.subject = "Desbloqueo Cliente 100234 con bloqueo ZB";
    m.text = "Cuerpo con ñ";
    m.thread_key = thread;
    m.status = "queued";
    m.created_at = m.updated_at = T("2026-11-24T12:00:00Z");
    return m;
  };
  OutboxMail a = mail("<a@atiende>", "case:1"), b = mail("<b@atiende>", "case:1"),
             c = mail("<c@atiende>", "case:2");
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            ATIENDE_RETURN_IF_ERROR(tx.mail().Insert(a));
                            ATIENDE_RETURN_IF_ERROR(tx.mail().Insert(b));
                            return tx.mail().Insert(c);
                          })
                  .ok());
  OutboxMail dup = mail("<a@atiende>", "");
  EXPECT_EQ(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.mail().Insert(dup); })
          .code(),
      Status::Code::kAlreadyExists);
  b.status = "sent";
  b.attempts = 1;
  b.sent_at = T("2026-11-24T12:00:05Z");
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) { return tx.mail().UpdateStatus(b); })
                  .ok());
  ASSERT_TRUE(
      f.store
          ->Read(atiende::testing::MainDesk(),
                 [&](ReadTx& tx) {
                   EXPECT_EQ(tx.mail().ThreadMessageIds("case:1").value(),
                             (std::vector<std::string>{"<a@atiende>", "<b@atiende>"}));
                   auto got = tx.mail().Get(b.id).value();
                   EXPECT_EQ(got.status, "sent");
                   EXPECT_EQ(got.cc, a.cc);
                   EXPECT_EQ(got.text, "Cuerpo con ñ");
                   EXPECT_EQ(got.sent_at, b.sent_at);
                   EXPECT_EQ(tx.mail().List({"queued", "", 0, 10}).value().size(), 2u);
                   EXPECT_EQ(tx.mail().List({"", "case:1", 0, 10}).value().front().message_id,
                             "<b@atiende>");
                   EXPECT_EQ(
                       tx.mail().CountTo("cc@abastible.cl", T("2026-11-24T11:00:00Z"), 100).value(),
                       3);
                   EXPECT_EQ(
                       tx.mail().CountTo("cc@abastible.cl", T("2026-11-24T11:00:00Z"), 2).value(),
                       2);
                   EXPECT_EQ(
                       tx.mail().CountTo("cc@abastible.cl", T("2026-11-24T13:00:00Z"), 100).value(),
                       0);
                   return Status::Ok();
                 })
          .ok());
}

TEST_P(StoreContract, ALongThreadGivesItsFirstAndLatestMessageIds) {
  Fixture f(GetParam());
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            for (int i = 0; i < 20; ++i) {
                              // Moved-in strings: GCC 12 warns (-Wstringop-overflow)
                              // on assigning literals here, a false positive.
                              OutboxMail m;
                              m.message_id = "<" + std::to_string(i) + "@atiende>";
                              m.event = std::string("directory.test");
                              m.lang = std::string("es");
                              m.to = {"a@abastible.cl"};
                              m.subject = std::string("s");
                              m.text = std::string("t");
                              m.thread_key = std::string("case:9");
                              m.status = std::string("queued");
                              m.created_at = m.updated_at = T("2026-11-24T12:00:00Z");
                              ATIENDE_RETURN_IF_ERROR(tx.mail().Insert(m));
                            }
                            return Status::Ok();
                          })
                  .ok());
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           auto ids = tx.mail().ThreadMessageIds("case:9").value();
                           EXPECT_EQ(ids.size(), 10u);
                           EXPECT_EQ(ids.front(), "<0@atiende>");
                           EXPECT_EQ(ids.at(1), "<11@atiende>");
                           EXPECT_EQ(ids.back(), "<19@atiende>");
                           return Status::Ok();
                         })
                  .ok());
}

// The shared SQL layer maps each backend's errors the same way (sql/sql.h):
// a taken unique key is kAlreadyExists naming the field, a row still referred
// to is kConflict, a moved version is kConflict with reason version_conflict.
TEST_P(StoreContract, ConstraintErrorsMeanTheSameOnEveryBackend) {
  Fixture f(GetParam());
  auto a = Insert(*f.store, Make("Transportes Andinos SAS")).value();
  auto b = Insert(*f.store, Make("Ferretería El Tornillo Ltda")).value();

  b.code = a.code;  // a code another customer has
  b.version += 1;
  Status taken = f.store->Write(atiende::testing::MainDesk(),
                                [&](WriteTx& tx) { return tx.customers().Update(b); });
  EXPECT_EQ(taken.code(), Status::Code::kAlreadyExists) << taken.ToString();
  EXPECT_EQ(taken.field(), "code");

  User u;
  u.username = "cliente.andinos";
  u.role = Role::kCustomer;
  u.customer_id = a.id;
  u.password_hash = "x";
  ASSERT_TRUE(
      f.store
          ->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.users().Insert(u); })
          .ok());
  User again = u;
  Status dup = f.store->Write(atiende::testing::MainDesk(),
                              [&](WriteTx& tx) { return tx.users().Insert(again); });
  EXPECT_EQ(dup.code(), Status::Code::kAlreadyExists) << dup.ToString();
  EXPECT_EQ(dup.field(), "username");

  Status referenced = f.store->Write(atiende::testing::MainDesk(),
                                     [&](WriteTx& tx) { return tx.customers().Delete(a.id); });
  EXPECT_EQ(referenced.code(), Status::Code::kConflict) << referenced.ToString();
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) { return tx.customers().Get(a.id).status(); })
                  .ok());

  a.version += 5;  // not the stored version + 1
  Status stale = f.store->Write(atiende::testing::MainDesk(),
                                [&](WriteTx& tx) { return tx.customers().Update(a); });
  EXPECT_EQ(stale.code(), Status::Code::kConflict);
  EXPECT_EQ(stale.reason(), "version_conflict");
}

}  // namespace store_contract_test
}  // namespace atiende::contract
