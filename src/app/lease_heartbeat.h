// LeaseHeartbeat: keeps a worker's claims on work items (store/work.h) alive
// while the worker lives and makes progress, so that their lease can be short.
// When the process dies the renewals stop, and other nodes claim the items as
// soon as the lease runs out — a lease, not minutes.
//
// The worker Hold()s what it claimed, calls Step() when it starts on an item,
// and Drop()s what it finished. Every lease/3 the heartbeat renews every held
// claim to now + lease in one transaction (WorkWriter::Renew); a claim found
// lost is dropped. A claim is thus never closer than 2/3 of a lease to its end
// while the node is healthy: that margin covers a slow renewal and the skew
// between the nodes' clocks (the lease's end is written with the holder's
// clock and read with the claimer's).
//
// The heartbeat stops renewing when the worker's current step has lasted
// longer than `stuck_after` (real time): a wedged thread must not hold its
// items forever, so the process then counts as dead and its claims lapse.
//
// Renew(id) is the fence: the worker calls it right before an effect that
// must not happen twice (handing a mail to SMTP) and skips the item unless it
// succeeds. The claim is then held for a full lease, and renewed on.
//
// Thread-safety: every method but Start()/Stop() may be called from any thread;
// Start()/Stop() from one.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "app/background_loop.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

namespace atiende {

class LeaseHeartbeat {
 public:
  // owner: the name the claims were taken under. lease: how far each renewal
  // reaches (REQUIRES: > 0). stuck_after: see above.
  LeaseHeartbeat(Store& store, const Clock& clock, std::string owner, Micros lease,
                 std::chrono::steady_clock::duration stuck_after);
  ~LeaseHeartbeat();
  LeaseHeartbeat(const LeaseHeartbeat&) = delete;
  LeaseHeartbeat& operator=(const LeaseHeartbeat&) = delete;

  Micros lease() const { return lease_; }

  // A claim to keep (just claimed) / to stop keeping (finished, given back).
  void Hold(int64_t id);
  void Drop(int64_t id);
  // The worker starts on an item now (for the stuck check).
  void Step();

  // The fence: renews the claim on `id` now, in its own transaction. kConflict
  // (and the claim dropped) when this owner no longer holds it; another error
  // when the store could not be reached — the claim is then not proven either.
  Status Renew(int64_t id);

  // One heartbeat round: renews every held claim, drops the lost ones.
  // Returns how many are still held. No store access when none is held.
  int Beat();

  // A thread that runs Beat() every lease/3 until Stop().
  void Start();
  void Stop() { loop_.Stop(); }

 private:
  Store& store_;
  const Clock& clock_;
  const std::string owner_;
  const Micros lease_;
  const std::chrono::steady_clock::duration stuck_after_;
  std::mutex mu_;
  std::set<int64_t> held_;                            // guarded by mu_
  std::chrono::steady_clock::time_point step_start_;  // guarded by mu_
  BackgroundLoop loop_;
};

}  // namespace atiende
