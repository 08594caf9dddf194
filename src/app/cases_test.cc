// Case use cases and timers on both stores: the ZB procedure's timers fire
// from the database on the virtual clock — once, also with two nodes on one
// PostgreSQL database; stale timers do nothing; failed firings are retried;
// business-time timers skip closed hours.
#include "app/cases.h"

#include <gtest/gtest.h>

#include <thread>

#include "app/case_timers.h"
#include "app/customers.h"
#include "app/directory.h"
#include "app/notices.h"
#include "app/procedures.h"
#include "core/sla.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_testing.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace cases_test {

using testing::Admin;
using testing::T;
using Code = Status::Code;

struct Backend {
  std::string name;
  bool postgres = false;
};

Principal As(Role r, std::string name) { return Principal{0, std::move(name), r, std::nullopt}; }

class CasesTest : public ::testing::TestWithParam<Backend> {
 protected:
  testing::TestEnv env;
  std::string pg_url;
  std::unique_ptr<Store> pg_store;
  std::unique_ptr<Deps> deps;

  void SetUp() override {
    Store* store = env.store.get();
    if (GetParam().postgres) {
      pg_url = pg::testing::FreshDatabase();
      pg_store = pg::PgStore::Open({pg_url}).value();
      store = pg_store.get();
    }
    deps = MakeDeps(*store);
    for (const auto& list : KnownLists()) {
      ASSERT_TRUE(PutDirectoryList(*deps, Admin(), list, {list + "@abastible.example"}).ok());
    }
  }

  std::unique_ptr<Deps> MakeDeps(Store& store) {
    auto d = std::make_unique<Deps>(
        Deps{store, env.clock, env.throttle, nullptr, env.templates.get(), {}, nullptr, {}});
    testing::SetMainDesk(*d, [](Desk& k) {
      k.time_zone = "America/Santiago";
      k.business_hours = "mon-fri 09:00-18:00";
      testing::RunShippedProcedures(k);
    });
    d->procedures = ProcedureSet::Load(*env.templates).value();
    d->mail.rate_cap_per_hour = 100000;
    return d;
  }

  int64_t Customer(const std::string& code, const std::string& region = "Metropolitana") {
    atiende::Customer c;
    c.code = code;
    c.legal_name = "Cliente " + code + " Ltda.";
    c.region = region;
    c.segment = "granel";
    c.blocks = {"ZB"};
    c.email = "cliente" + code + "@example.cl";
    return CreateCustomer(*deps, Admin(), c).value().id;
  }

  // A case at `monitor` with its notice and its 72 h timer armed.
  std::string Monitored(const std::string& code) {
    int64_t id = Customer(code);
    auto opened = OpenCase(*deps, As(Role::kAgent, "agente"), "zb-unblock", id,
                           {"Ana", {"+56 9 3111 2222"}, ""});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    StepAnswer a{"coordinate_visit",
                 "contacted",
                 {{"visit_day", "2026-11-26"},
                  {"location_ref", "Portón verde"},
                  {"phone_1", "+56 9 3111 2222"},
                  {"phone_2", "+56 2 2345 6789"}},
                 std::nullopt};
    auto done = SubmitCaseStep(*deps, As(Role::kSupervisor, "supervisor"), opened->detail.c.number,
                               a, std::nullopt);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    EXPECT_EQ(done->c.step, "monitor");
    return done->c.number;
  }

  int MailsOf(const std::string& event) {
    int n = 0;
    EXPECT_TRUE(deps->store
                    .Read(atiende::testing::MainDesk(),
                          [&](ReadTx& tx) {
                            ATIENDE_ASSIGN_OR_RETURN(auto mails, tx.mail().List({"", "", 0, 500}));
                            for (const auto& m : mails) n += m.event == event;
                            return Status::Ok();
                          })
                    .ok());
    return n;
  }

  Case Get(const std::string& number) {
    return GetCase(*deps, atiende::testing::MainDesk(), number).value().c;
  }
};

TEST_P(CasesTest, TheOverdueTimerFiresOnceAt72hThenEvery24h) {
  std::string number = Monitored("1001");
  CaseTimers timers(*deps, "node-a");
  env.clock.Advance(std::chrono::hours(71));
  EXPECT_EQ(timers.RunOnce(), 0);
  EXPECT_EQ(Get(number).followups, 0);
  env.clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(timers.RunOnce(), 1);
  EXPECT_EQ(timers.RunOnce(), 0);  // done: nothing fires twice
  EXPECT_EQ(MailsOf("case.zb_overdue"), 1);
  env.clock.Advance(std::chrono::hours(24));
  EXPECT_EQ(timers.RunOnce(), 1);
  Case c = Get(number);
  EXPECT_EQ(c.followups, 2);
  EXPECT_EQ(c.timers.at(0).due_at, c.timers.at(0).first_due + std::chrono::hours(48));
}

TEST_P(CasesTest, ATimerDueLongAgoFiresOnceNotOncePerMissedPeriod) {
  std::string number = Monitored("1002");
  CaseTimers timers(*deps, "node-a");
  env.clock.Advance(std::chrono::hours(24 * 10));  // the server was down ten days
  EXPECT_EQ(timers.RunOnce(), 1);
  EXPECT_EQ(MailsOf("case.zb_overdue"), 1);
  Case c = Get(number);
  EXPECT_GT(c.timers.at(0).due_at, env.clock.Now());
}

TEST_P(CasesTest, ANoticeUpdateMakesTheArmedTimerStale) {
  std::string number = Monitored("1003");
  CaseTimers timers(*deps, "node-a");
  env.clock.Advance(std::chrono::hours(50));
  NoticeChange ch;
  ch.observations = "Técnico asignado";
  ASSERT_TRUE(UpdateNotice(*deps, As(Role::kDispatch, "despacho"), Get(number).notice_number,
                           std::nullopt, ch)
                  .ok());
  env.clock.Advance(std::chrono::hours(30));  // 80 h after the first arming, 30 h after the update
  EXPECT_EQ(timers.RunOnce(), 0);             // the old item is stale
  EXPECT_EQ(MailsOf("case.zb_overdue"), 0);
  env.clock.Advance(std::chrono::hours(42));  // 72 h after the update
  EXPECT_EQ(timers.RunOnce(), 1);
  EXPECT_EQ(MailsOf("case.zb_overdue"), 1);
}

// Several nodes share a database only on PostgreSQL (one SQLite file has one node).
class CasesOnSharedDatabaseTest : public CasesTest {};

TEST_P(CasesOnSharedDatabaseTest, TwoNodesFireEachDueTimerOnceInTotal) {
  std::vector<std::string> numbers;
  for (int i = 0; i < 40; ++i) numbers.push_back(Monitored(std::to_string(2000 + i)));
  auto other_store = pg::PgStore::Open({pg_url}).value();
  auto other = MakeDeps(*other_store);
  env.clock.Advance(std::chrono::hours(73));
  CaseTimers a(*deps, "node-a"), b(*other, "node-b");
  int fired_a = 0, fired_b = 0;
  std::thread ta([&] { fired_a = a.RunOnce(); });
  std::thread tb([&] { fired_b = b.RunOnce(); });
  ta.join();
  tb.join();
  EXPECT_EQ(fired_a + fired_b, 40);
  EXPECT_EQ(MailsOf("case.zb_overdue"), 40);
  for (const auto& n : numbers) EXPECT_EQ(Get(n).followups, 1) << n;
}

TEST_P(CasesTest, FiringsThatFailAreRetriedWithBackoffNotLost) {
  std::string good = Monitored("3001");
  std::string bad = Monitored("3002");
  // The follow-up's list was emptied by mistake: every firing fails.
  ASSERT_TRUE(PutDirectoryList(*deps, Admin(), "cc_emergencia", {}).ok());
  CaseTimers timers(*deps, "node-a");
  env.clock.Advance(std::chrono::hours(73));
  EXPECT_EQ(timers.RunOnce(), 0);  // every firing fails: the list has no address
  EXPECT_EQ(Get(good).followups, 0);
  // Fixed by an admin: the next attempt (after its backoff) fires both.
  ASSERT_TRUE(PutDirectoryList(*deps, Admin(), "cc_emergencia", {"cc@abastible.example"}).ok());
  env.clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(timers.RunOnce(), 2);
  EXPECT_EQ(Get(good).followups, 1);
  EXPECT_EQ(Get(bad).followups, 1);
}

TEST_P(CasesTest, BusinessTimeTimersCountOnlyWorkingHours) {
  std::string yaml = R"(procedure: callback
title: Llamar de vuelta
number_prefix: CB
start: wait
steps:
  wait:
    role: supervisor
    timers:
      - {id: remind, after: 9h, clock: business, do: [{email: zb_overdue, to: [cc_emergencia]}]}
    on:
      notice_closed:
        - do: [{end: {result: done, label: listo}}]
)";
  auto p = ParseProcedure(yaml, "callback.yaml", ProcedureSet::Context(*env.templates));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::vector<Procedure> all = deps->procedures->all();
  all.push_back(*p);
  deps->procedures = ProcedureSet::Of(all);
  testing::SetMainDesk(*deps, [](Desk& d) { d.procedures.push_back("callback"); });
  env.clock.Set(T("2026-11-27T20:00:00Z"));  // Friday 17:00 in Santiago: 1 h left that day
  auto opened = OpenCase(*deps, As(Role::kAgent, "agente"), "callback", Customer("4001"),
                         {"Ana", {"+56 9 3111 2222"}, ""});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  // 1 h on Friday + 8 h on Monday: due Monday 17:00 local = 20:00Z.
  EXPECT_EQ(opened->detail.c.timers.at(0).due_at, T("2026-11-30T20:00:00Z"));
}

TEST_P(CasesTest, AnIntakeForACustomerWithoutTheBlockWritesNothing) {
  atiende::Customer c;
  c.legal_name = "Sin Bloqueo SpA";
  int64_t id = CreateCustomer(*deps, Admin(), c).value().id;
  auto opened = OpenCase(*deps, As(Role::kAgent, "agente"), "zb-unblock", id,
                         {"Ana", {"+56 9 3111 2222"}, ""});
  EXPECT_EQ(opened.status().code(), Code::kConflict);
  EXPECT_EQ(opened.status().reason(), "block_required");
  CaseQuery q;
  EXPECT_TRUE(ListCases(*deps, atiende::testing::MainDesk(), q).value().empty());
  EXPECT_EQ(MailsOf("case.zb_intake"), 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, CasesOnSharedDatabaseTest,
                         ::testing::Values(Backend{"postgresql", true}),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Stores, CasesTest,
                         ::testing::Values(Backend{"sqlite", false}, Backend{"postgresql", true}),
                         [](const auto& info) { return info.param.name; });

}  // namespace cases_test
}  // namespace atiende
