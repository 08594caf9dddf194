// The Store contract for dispatch notices (see store_contract.h).
#include <atomic>
#include <string>
#include <thread>

#include "store/store_contract.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_notices_test {

using testing::T;
using Code = Status::Code;

const TimePoint kBase = T("2026-11-24T12:00:00Z");

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {}
};

Notice Draft(int64_t customer_id, std::string external_id = "") {
  Notice n;
  n.external_id = std::move(external_id);
  n.customer_id = customer_id;
  n.visit_day = "2026-11-26";
  n.location_ref = "Parcela 12, camino a Lampa; portón verde";
  n.phone_1 = "+56961234567";
  n.phone_2 = "+56223456789";
  n.observations = "Cliente granel con bloqueo ZB";
  n.created_at = n.updated_at = kBase;
  return n;
}

// Numbers n from the EME series when it has no number and inserts it, in one
// transaction; n is updated only when that commits.
Status Create(Store& s, Notice& n) {
  return s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    Notice draft = n;
    if (draft.number.empty()) {
      ATIENDE_ASSIGN_OR_RETURN(int64_t k, tx.numbers().Next(kSeriesNotice));
      draft.number = FormatNoticeNumber(k);
    }
    ATIENDE_RETURN_IF_ERROR(tx.notices().Insert(draft));
    n = std::move(draft);
    return Status::Ok();
  });
}

Notice Created(Store& s, Notice n) {
  Status st = Create(s, n);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return n;
}

Status Save(Store& s, Notice& n) {
  n.version++;
  Status st =
      s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.notices().Update(n); });
  if (!st.ok()) n.version--;
  return st;
}

Result<Notice> Get(Store& s, const std::string& number) {
  Result<Notice> out = Status::Internal("not read");
  Status st = s.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    out = tx.notices().Get(number);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

std::optional<Notice> ByExternalId(Store& s, const std::string& external_id) {
  std::optional<Notice> out;
  Status st = s.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.notices().FindByExternalId(external_id));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<std::string> List(Store& s, const NoticeQuery& q) {
  std::vector<std::string> out;
  Status st = s.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(auto notices, tx.notices().List(q));
    for (const auto& n : notices) out.push_back(n.number);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST_P(StoreContract, NoticesRoundTripByNumberAndExternalId) {
  Fixture f(GetParam());
  Notice n = Created(*f.store, Draft(7, "WD-2026-0001"));
  EXPECT_EQ(n.number, "EME0000001");
  EXPECT_GT(n.id, 0);
  EXPECT_EQ(n.version, 1);
  auto got = Get(*f.store, "EME0000001");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, n);
  auto found = ByExternalId(*f.store, "WD-2026-0001");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, n);
  EXPECT_FALSE(ByExternalId(*f.store, "WD-2026-0002").has_value());
  EXPECT_FALSE(ByExternalId(*f.store, "").has_value()) << "an empty external id finds nothing";
  EXPECT_EQ(Get(*f.store, "EME0000002").status().code(), Code::kNotFound);
  EXPECT_EQ(Get(*f.store, "eme0000001").status().code(), Code::kNotFound) << "numbers are exact";

  Notice given = Draft(7);
  given.number = "AV-114-2026";
  given.visit_day = given.location_ref = given.phone_1 = given.phone_2 = "";
  given = Created(*f.store, given);
  EXPECT_EQ(Get(*f.store, "AV-114-2026").value(), given);
  EXPECT_EQ(Created(*f.store, Draft(8)).number, "EME0000002") << "given numbers use no EME number";
}

TEST_P(StoreContract, ATakenNoticeExternalIdOrNumberIsRefusedAndNamed) {
  Fixture f(GetParam());
  Notice first = Created(*f.store, Draft(7, "WD-1"));
  Notice again = Draft(9, "WD-1");
  Status st = Create(*f.store, again);
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  EXPECT_EQ(st.field(), "external_id");
  EXPECT_TRUE(again.number.empty()) << "nothing committed";
  Notice reused = Draft(9, "WD-2");
  reused.number = first.number;
  st = Create(*f.store, reused);
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  EXPECT_EQ(st.field(), "number");
  // Empty external ids never collide; the refused creations used no number.
  EXPECT_EQ(Created(*f.store, Draft(9)).number, "EME0000002");
  EXPECT_EQ(Created(*f.store, Draft(9)).number, "EME0000003");
  EXPECT_EQ(List(*f.store, {}).size(), 3u);
}

TEST_P(StoreContract, ConcurrentCreationsWithOneExternalIdMakeOneNotice) {
  Fixture f(GetParam());
  constexpr int kThreads = 6;
  std::atomic<int> ready{0}, ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      ready++;
      while (ready.load() < kThreads) std::this_thread::yield();
      Status st = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
        // Numbers outside the series, so nothing but the external id
        // serialises the transactions; the pause keeps the first one open
        // while the others insert.
        Notice n = Draft(7, "WD-RACE");
        n.number = "AV-" + std::to_string(w);
        ATIENDE_RETURN_IF_ERROR(tx.notices().Insert(n));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return Status::Ok();
      });
      if (st.ok()) {
        ok++;
      } else if (st.code() == Code::kAlreadyExists && st.field() == "external_id") {
        refused++;
      } else {
        ADD_FAILURE() << st.ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(List(*f.store, {}).size(), 1u);
}

TEST_P(StoreContract, UpdateNoticeNeedsThePreviousVersion) {
  Fixture f(GetParam());
  Notice n = Created(*f.store, Draft(7, "WD-1"));
  Notice stale = n;
  n.observations += "\nVisita confirmada para el jueves";
  n.updated_at = kBase + std::chrono::hours(5);
  ASSERT_TRUE(Save(*f.store, n).ok());
  EXPECT_EQ(n.version, 2);
  EXPECT_EQ(Get(*f.store, n.number).value(), n);

  stale.phone_2 = "+56987654321";
  Status st = Save(*f.store, stale);
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_EQ(st.reason(), "version_conflict");
  EXPECT_EQ(Get(*f.store, n.number).value(), n) << "the first change is kept";

  n.state = NoticeState::kClosed;
  n.outcome = NoticeOutcome::kNotFit;
  n.technician_observations = "Regulador con fuga";
  n.closed_at = kBase + std::chrono::hours(30);
  ASSERT_TRUE(Save(*f.store, n).ok());
  EXPECT_EQ(Get(*f.store, n.number).value(), n);
  EXPECT_EQ(ByExternalId(*f.store, "WD-1").value(), n);

  Notice ghost = n;
  ghost.id = 987654;
  EXPECT_EQ(Save(*f.store, ghost).code(), Code::kNotFound);
}

TEST_P(StoreContract, ListNoticesNewestFirstWithFilters) {
  Fixture f(GetParam());
  std::vector<Notice> made;
  for (int i = 0; i < 6; ++i) made.push_back(Created(*f.store, Draft(i % 2 == 0 ? 7 : 8)));
  made[2].state = NoticeState::kClosed;
  made[2].outcome = NoticeOutcome::kFit;
  ASSERT_TRUE(Save(*f.store, made[2]).ok());
  made[3].state = NoticeState::kClosed;
  made[3].outcome = NoticeOutcome::kFit;
  ASSERT_TRUE(Save(*f.store, made[3]).ok());

  NoticeQuery all;
  EXPECT_EQ(List(*f.store, all),
            (std::vector<std::string>{"EME0000006", "EME0000005", "EME0000004", "EME0000003",
                                      "EME0000002", "EME0000001"}));
  NoticeQuery of7;
  of7.customer_id = 7;
  EXPECT_EQ(List(*f.store, of7),
            (std::vector<std::string>{"EME0000005", "EME0000003", "EME0000001"}));
  NoticeQuery open;
  open.state = NoticeState::kOpen;
  EXPECT_EQ(List(*f.store, open),
            (std::vector<std::string>{"EME0000006", "EME0000005", "EME0000002", "EME0000001"}));
  NoticeQuery closed8;
  closed8.customer_id = 8;
  closed8.state = NoticeState::kClosed;
  EXPECT_EQ(List(*f.store, closed8), (std::vector<std::string>{"EME0000004"}));
  NoticeQuery page;
  page.limit = 2;
  page.offset = 3;
  EXPECT_EQ(List(*f.store, page), (std::vector<std::string>{"EME0000003", "EME0000002"}));
  NoticeQuery nobody;
  nobody.customer_id = 99;
  EXPECT_TRUE(List(*f.store, nobody).empty());
}

}  // namespace store_contract_notices_test
}  // namespace atiende::contract
