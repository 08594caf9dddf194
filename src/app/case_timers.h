// CaseTimers: the background scheduler of cases' timers (ZB-7's follow-ups).
// Timers are work items of kind "case.timer" in the database (durable): the
// scheduler claims the due ones, fires each in the case (CaseEngine::
// FireTimer: mails queued, the next firing scheduled) and marks it done — in
// one transaction, so a firing happens once. A timer that fell due while the
// server was down fires once at start; with several nodes on PostgreSQL the
// claim skips rows another node holds (FOR UPDATE SKIP LOCKED), so once in
// total. Time is the injected clock's: a virtual clock drives every timer in
// training and tests (Wake() after moving it).
//
// Due items are fired in batches of one transaction each (one commit for many
// timers); a batch that fails is retried item by item, and an item that keeps
// failing is retried later with backoff, then given up after kMaxAttempts
// (logged), so one broken case cannot stall the others.
// Thread-safety: RunOnce() from any thread; Start()/Stop() from one.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "app/background_loop.h"
#include "app/deps.h"

namespace atiende {

class CaseTimers {
 public:
  static constexpr int kBatch = 256;
  static constexpr int kMaxAttempts = 10;

  // owner: this node's name in work-item claims. on_fired: called after a
  // batch fired timers (wakes mail delivery); may be empty.
  CaseTimers(Deps& deps, std::string owner, std::function<void()> on_fired = {});
  ~CaseTimers();

  // Fires every due timer; returns how many fired (stale items not counted).
  int RunOnce();
  // A thread running RunOnce() whenever a timer is due, checking the store's
  // next due time at least every `poll` (another node may have armed one).
  void Start(std::chrono::milliseconds poll = std::chrono::seconds(1));
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

 private:
  // One transaction: claims up to `limit` due items and fires them. kNotFound
  // when nothing is due.
  Status FireBatch(int limit, int& fired);
  // The oldest due item, which failed: back to the queue later, or given up.
  void PutAside(const Status& why);

  Deps& deps_;
  std::string owner_;
  std::function<void()> on_fired_;
  BackgroundLoop loop_;
};

}  // namespace atiende
