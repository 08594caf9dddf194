#include "app/case_timers.h"

#include <algorithm>
#include <boost/json.hpp>
#include <optional>

#include "app/cases.h"
#include "log/log.h"

namespace atiende {

namespace {

constexpr char kKind[] = "case.timer";
constexpr auto kLease = std::chrono::minutes(2);

struct TimerRef {
  int64_t case_id = 0;
  std::string timer;
  int64_t generation = 0;
};

Result<TimerRef> ParsePayload(const WorkItem& w) {
  boost::system::error_code ec;
  auto v = boost::json::parse(w.payload, ec);
  if (ec || !v.is_object())
    return Status::Internal("timer item " + std::to_string(w.id) + ": bad payload");
  const auto& o = v.as_object();
  TimerRef r;
  auto* c = o.if_contains("case");
  auto* t = o.if_contains("timer");
  auto* g = o.if_contains("generation");
  if (!c || !c->is_int64() || !t || !t->is_string() || !g || !g->is_int64()) {
    return Status::Internal("timer item " + std::to_string(w.id) + ": bad payload");
  }
  return TimerRef{c->as_int64(), std::string(t->as_string()), g->as_int64()};
}

}  // namespace

CaseTimers::CaseTimers(Deps& deps, std::string owner, std::function<void()> on_fired)
    : deps_(deps), owner_(std::move(owner)), on_fired_(std::move(on_fired)) {}

CaseTimers::~CaseTimers() { loop_.Stop(); }

Status CaseTimers::FireBatch(int limit, int& fired) {
  fired = 0;
  return deps_.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    fired = 0;
    TimePoint now = deps_.clock.Now();
    ATIENDE_ASSIGN_OR_RETURN(auto items, tx.work().Claim(kKind, owner_, now, kLease, limit));
    if (items.empty()) return Status::NotFound("nothing due");
    for (const auto& item : items) {
      ATIENDE_ASSIGN_OR_RETURN(TimerRef ref, ParsePayload(item));
      bool did = false;
      ATIENDE_RETURN_IF_ERROR(
          FireCaseTimer(tx, deps_, ref.case_id, ref.timer, ref.generation, did));
      ATIENDE_RETURN_IF_ERROR(tx.work().Complete(item.id, owner_, now));
      fired += did ? 1 : 0;
    }
    return Status::Ok();
  });
}

void CaseTimers::PutAside(const Status& why) {
  Status s = deps_.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    TimePoint now = deps_.clock.Now();
    ATIENDE_ASSIGN_OR_RETURN(auto items, tx.work().Claim(kKind, owner_, now, kLease, 1));
    if (items.empty()) return Status::Ok();
    const WorkItem& w = items.front();
    if (w.attempts >= kMaxAttempts) {
      log::Error("case.timer.given_up",
                 {{"item", w.id}, {"payload", w.payload}, {"error", why.ToString()}});
      return tx.work().Complete(w.id, owner_, now);
    }
    auto backoff = std::chrono::seconds(30) * (1 << std::min(w.attempts, 7));
    log::Warn("case.timer.failed",
              {{"item", w.id}, {"attempts", w.attempts}, {"error", why.ToString()}});
    return tx.work().Release(w.id, owner_, now + backoff);
  });
  if (!s.ok()) log::Warn("case.timer.put_aside", {{"error", s.ToString()}});
}

int CaseTimers::RunOnce() {
  int total = 0;
  while (!loop_.stopping()) {
    int fired = 0;
    Status s = FireBatch(kBatch, fired);
    if (s.code() == Status::Code::kNotFound) break;
    if (s.ok()) {
      total += fired;
      continue;
    }
    // A batch failed as a whole: go item by item so one bad case cannot hold back the rest.
    for (int i = 0; i < kBatch; ++i) {
      Status one = FireBatch(1, fired);
      if (one.code() == Status::Code::kNotFound) break;
      if (one.ok()) {
        total += fired;
      } else {
        PutAside(one);
      }
    }
  }
  if (total > 0) {
    log::Info("case.timers.fired", {{"count", total}});
    if (on_fired_) on_fired_();
  }
  return total;
}

void CaseTimers::Start(std::chrono::milliseconds poll) {
  loop_.Start([this, poll] {
    RunOnce();
    // Until the next timer falls due (real clock), at most `poll`.
    auto wait = poll;
    std::optional<TimePoint> next;
    Status s = deps_.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
      ATIENDE_ASSIGN_OR_RETURN(next, tx.work().NextDue(kKind));
      return Status::Ok();
    });
    if (s.ok() && next && !deps_.clock.IsVirtual()) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - deps_.clock.Now());
      wait = std::clamp(until, std::chrono::milliseconds(10), poll);
    }
    return wait;
  });
}

}  // namespace atiende
