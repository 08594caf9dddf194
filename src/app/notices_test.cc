// Notice use cases on both stores: idempotent creation under concurrent
// retries, the visit day against the desk's local date, updates and closing.
#include "app/notices.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "app/customers.h"
#include "core/sla.h"
#include "store/postgres/pg_testing.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace notices_test {

using testing::Admin;
using testing::T;
using Code = Status::Code;

NoticeChange Observations(std::string text) {
  NoticeChange c;
  c.observations = std::move(text);
  return c;
}

struct Backend {
  std::string name;
  bool postgres = false;
};

class NoticesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam().postgres) {
      auto s = pg::PgStore::Open({pg::testing::FreshDatabase()});
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      pg_store = std::move(s).value();
      deps = std::make_unique<Deps>(
          Deps{*pg_store, env.clock, env.throttle, nullptr, env.templates.get(), {}, nullptr, {}});
    } else {
      deps = std::make_unique<Deps>(
          Deps{*env.store, env.clock, env.throttle, nullptr, env.templates.get(), {}, nullptr, {}});
    }
    UseZone("America/Santiago");
    Customer c;
    c.legal_name = "Agrícola Los Andes SpA";
    customer = CreateCustomer(*deps, Admin(), c).value().id;
  }

  void UseZone(const std::string& zone) {
    testing::SetMainDesk(*deps, [&](Desk& d) {
      d.time_zone = zone;
      d.business_hours = "24x7";
    });
  }

  NewNoticeInput Input(std::string external_id = "") {
    NewNoticeInput in;
    in.external_id = std::move(external_id);
    in.customer_id = customer;
    in.visit_day = "2026-11-26";
    in.location_ref = "Parcela 12, camino a Lampa";
    in.phone_1 = "9 6123 4567";
    in.phone_2 = "2 2345 6789";
    in.observations = "Bloqueo ZB; visita coordinada";
    return in;
  }

  std::vector<AuditEntry> AuditOf(const std::string& number) {
    std::vector<AuditEntry> out;
    EXPECT_TRUE(deps->store
                    .Read(atiende::testing::MainDesk(),
                          [&](ReadTx& tx) {
                            ATIENDE_ASSIGN_OR_RETURN(out, tx.audit().List("notice", number, 50));
                            return Status::Ok();
                          })
                    .ok());
    return out;
  }

  testing::TestEnv env;  // clock 2026-11-24T12:00:00Z: 09:00 in Santiago
  std::unique_ptr<Store> pg_store;
  std::unique_ptr<Deps> deps;
  int64_t customer = 0;
  Principal dispatch{0, "despacho", Role::kDispatch, std::nullopt};
};

TEST_P(NoticesTest, CreateNumbersFromTheEmeSeriesAndAudits) {
  auto a = CreateNotice(*deps, dispatch, Input());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->created);
  EXPECT_EQ(a->notice.number, "EME0000001");
  EXPECT_EQ(a->notice.phone_1, "+56961234567");
  EXPECT_EQ(a->notice.phone_2, "+56223456789");
  EXPECT_EQ(a->notice.state, NoticeState::kOpen);
  EXPECT_EQ(a->notice.created_at, env.clock.Now());
  EXPECT_EQ(CreateNotice(*deps, dispatch, Input()).value().notice.number, "EME0000002");
  auto audit = AuditOf("EME0000001");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "notice.create");
  EXPECT_EQ(audit[0].actor, "despacho");
  EXPECT_EQ(GetNotice(*deps, atiende::testing::MainDesk(), "eme0000001").value(), a->notice);
}

TEST_P(NoticesTest, NationalNumbersTakeTheDesksPhoneRegion) {
  testing::SetMainDesk(*deps, [](Desk& d) { d.phone_region = "CO"; });
  NewNoticeInput in = Input();
  in.phone_1 = "300 555 0101";
  in.phone_2 = "+56 2 2345 6789";  // an international number stays as it is
  auto a = CreateNotice(*deps, dispatch, in);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->notice.phone_1, "+573005550101");
  EXPECT_EQ(a->notice.phone_2, "+56223456789");
}

TEST_P(NoticesTest, ConcurrentRetriesWithOneExternalIdMakeOneNotice) {
  constexpr int kThreads = 8;
  std::vector<Result<CreatedNotice>> results(kThreads, Status::Internal("not run"));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ready++;
      while (ready.load() < kThreads) std::this_thread::yield();
      results[i] = CreateNotice(*deps, dispatch, Input("WD-77"));
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  std::set<std::string> numbers;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    created += r->created;
    numbers.insert(r->notice.number);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(numbers, std::set<std::string>{"EME0000001"});
  EXPECT_EQ(ListNotices(*deps, atiende::testing::MainDesk(), {}).value().size(), 1u);
  EXPECT_EQ(AuditOf("EME0000001").size(), 1u);
  // The lost races used no number.
  EXPECT_EQ(CreateNotice(*deps, dispatch, Input("WD-78")).value().notice.number, "EME0000002");
}

TEST_P(NoticesTest, AnExternalIdOfAnotherCustomersNoticeIsRefused) {
  ASSERT_TRUE(CreateNotice(*deps, dispatch, Input("WD-1")).ok());
  Customer other;
  other.legal_name = "Lechería del Sur Ltda.";
  auto in = Input("WD-1");
  in.customer_id = CreateCustomer(*deps, Admin(), other).value().id;
  auto r = CreateNotice(*deps, dispatch, in);
  EXPECT_EQ(r.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(r.status().field(), "external_id");
  EXPECT_EQ(r.status().subject(), "EME0000001");
}

TEST_P(NoticesTest, TheVisitDayIsJudgedInTheDesksTimeZone) {
  // 2026-11-25T02:30Z is still the 24th in Santiago (UTC-3) but the 25th in UTC.
  env.clock.Set(T("2026-11-25T02:30:00Z"));
  auto in = Input();
  in.visit_day = "2026-11-24";
  ASSERT_TRUE(CreateNotice(*deps, dispatch, in).ok()) << "today, in Santiago";
  UseZone("UTC");
  auto r = CreateNotice(*deps, dispatch, in);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "visit_day");
  EXPECT_NE(r.status().message().find("2026-11-25"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(ListNotices(*deps, atiende::testing::MainDesk(), {}).value().size(), 1u);
}

TEST_P(NoticesTest, ARetryAfterTheVisitDayPassedStillGetsTheNotice) {
  auto first = CreateNotice(*deps, dispatch, Input("WD-9"));
  ASSERT_TRUE(first.ok());
  env.clock.Advance(std::chrono::hours(24 * 5));
  auto again = CreateNotice(*deps, dispatch, Input("WD-9"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->notice, first->notice);
}

TEST_P(NoticesTest, BadCreationsNameTheFieldAndWriteNothing) {
  auto no_visit = Input();
  no_visit.visit_day = no_visit.location_ref = no_visit.phone_1 = no_visit.phone_2 = "";
  EXPECT_EQ(CreateNotice(*deps, dispatch, no_visit).status().field(), "visit_day");
  auto same = Input();
  same.phone_2 = "+56 9 6123 4567";
  EXPECT_EQ(CreateNotice(*deps, dispatch, same).status().field(), "phone_2");
  auto unknown = Input();
  unknown.customer_id = 987654;
  EXPECT_EQ(CreateNotice(*deps, dispatch, unknown).status().field(), "customer_id");
  auto past = Input();
  past.visit_day = "2026-11-23";
  EXPECT_EQ(CreateNotice(*deps, dispatch, past).status().field(), "visit_day");
  auto ours = Input();
  ours.number = "EME0000009";
  EXPECT_EQ(CreateNotice(*deps, dispatch, ours).status().field(), "number");
  EXPECT_TRUE(ListNotices(*deps, atiende::testing::MainDesk(), {}).value().empty());
  EXPECT_EQ(CreateNotice(*deps, dispatch, Input()).value().notice.number, "EME0000001");
}

TEST_P(NoticesTest, ADispatchNumberedNoticeGetsItsVisitLater) {
  NewNoticeInput in;
  in.number = "av-114";
  in.customer_id = customer;
  in.observations = "Creado en Web Despacho";
  auto made = CreateNotice(*deps, dispatch, in);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->notice.number, "AV-114");
  EXPECT_FALSE(made->notice.has_visit());

  env.clock.Advance(std::chrono::hours(2));
  NoticeChange partial;
  partial.visit_day = "2026-11-27";
  auto r = UpdateNotice(*deps, dispatch, "AV-114", std::nullopt, partial);
  EXPECT_EQ(r.status().field(), "location_ref") << "a visit is all four fields";

  NoticeChange visit;
  visit.visit_day = "2026-11-27";
  visit.location_ref = "Fundo El Roble";
  visit.phone_1 = "+56 9 8765 4321";
  visit.phone_2 = "32 234 5678";
  auto updated = UpdateNotice(*deps, dispatch, "av-114", 1, visit);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_TRUE(updated->has_visit());
  EXPECT_EQ(updated->phone_2, "+56322345678");
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->updated_at, env.clock.Now());
  EXPECT_EQ(updated->created_at, made->notice.created_at);

  auto stale = UpdateNotice(*deps, dispatch, "AV-114", 1, Observations("x"));
  EXPECT_EQ(stale.status().reason(), "version_conflict");
  auto same = UpdateNotice(*deps, dispatch, "AV-114", std::nullopt, visit);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->version, 2) << "nothing changed: no new version";
  EXPECT_EQ(AuditOf("AV-114").size(), 2u);
}

TEST_P(NoticesTest, CloseOnceWithTheOutcome) {
  auto made = CreateNotice(*deps, dispatch, Input()).value().notice;
  env.clock.Advance(std::chrono::hours(30));
  auto closed = CloseNotice(*deps, dispatch, made.number, NoticeOutcome::kNotFit,
                            "Regulador con fuga; no se abastece", std::nullopt);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->state, NoticeState::kClosed);
  EXPECT_EQ(closed->outcome, NoticeOutcome::kNotFit);
  EXPECT_EQ(closed->closed_at, env.clock.Now());
  EXPECT_EQ(closed->updated_at, env.clock.Now());
  auto twice = CloseNotice(*deps, dispatch, made.number, NoticeOutcome::kFit, "", std::nullopt);
  EXPECT_EQ(twice.status().code(), Code::kConflict);
  EXPECT_EQ(twice.status().reason(), "notice_closed");
  auto edit = UpdateNotice(*deps, dispatch, made.number, std::nullopt, Observations("otra"));
  EXPECT_EQ(edit.status().reason(), "notice_closed");
  EXPECT_EQ(GetNotice(*deps, atiende::testing::MainDesk(), made.number).value(), *closed);
  auto audit = AuditOf(made.number);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "notice.close");  // newest first
  EXPECT_EQ(GetNotice(*deps, atiende::testing::MainDesk(), "EME0000999").status().code(),
            Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Stores, NoticesTest,
                         ::testing::Values(Backend{"Sqlite", false}, Backend{"Postgres", true}),
                         [](const auto& info) { return info.param.name; });

}  // namespace notices_test
}  // namespace atiende
