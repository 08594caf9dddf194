#include "app/lease_heartbeat.h"

#include <algorithm>
#include <vector>

#include "log/log.h"

namespace atiende {

LeaseHeartbeat::LeaseHeartbeat(Store& store, const Clock& clock, std::string owner, Micros lease,
                               std::chrono::steady_clock::duration stuck_after)
    : store_(store),
      clock_(clock),
      owner_(std::move(owner)),
      lease_(lease),
      stuck_after_(stuck_after),
      step_start_(std::chrono::steady_clock::now()) {}

LeaseHeartbeat::~LeaseHeartbeat() { loop_.Stop(); }

void LeaseHeartbeat::Hold(int64_t id) {
  std::lock_guard lock(mu_);
  held_.insert(id);
}

void LeaseHeartbeat::Drop(int64_t id) {
  std::lock_guard lock(mu_);
  held_.erase(id);
}

void LeaseHeartbeat::Step() {
  std::lock_guard lock(mu_);
  step_start_ = std::chrono::steady_clock::now();
}

Status LeaseHeartbeat::Renew(int64_t id) {
  Status s = store_.Write(DeskScope::All(), [&](WriteTx& tx) {
    return tx.work().Renew(id, owner_, clock_.Now() + lease_);
  });
  if (s.code() == Status::Code::kConflict) Drop(id);
  return s;
}

int LeaseHeartbeat::Beat() {
  std::vector<int64_t> ids;
  {
    std::lock_guard lock(mu_);
    if (std::chrono::steady_clock::now() - step_start_ > stuck_after_) {
      if (!held_.empty()) {
        log::Warn("work.heartbeat_stuck", {{"owner", owner_}, {"held", held_.size()}});
      }
      return static_cast<int>(held_.size());
    }
    ids.assign(held_.begin(), held_.end());
  }
  if (ids.empty()) return 0;
  std::vector<int64_t> lost;
  Status s = store_.Write(DeskScope::All(), [&](WriteTx& tx) {
    lost.clear();  // the closure may run again (PostgreSQL retries a serialisation failure)
    TimePoint until = clock_.Now() + lease_;
    for (int64_t id : ids) {
      Status r = tx.work().Renew(id, owner_, until);
      if (r.code() == Status::Code::kConflict) {
        lost.push_back(id);
      } else {
        ATIENDE_RETURN_IF_ERROR(r);
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    // Kept: the next round tries again; if none succeeds within the lease,
    // other nodes take the items over and the fence stops this one.
    log::Warn("work.heartbeat", {{"owner", owner_}, {"error", s.ToString()}});
    return static_cast<int>(ids.size());
  }
  std::lock_guard lock(mu_);
  for (int64_t id : lost) held_.erase(id);
  return static_cast<int>(held_.size());
}

void LeaseHeartbeat::Start() {
  auto period = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(lease_ / 3),
                         std::chrono::milliseconds(1));
  loop_.Start([this, period] {
    Beat();
    return period;
  });
}

}  // namespace atiende
