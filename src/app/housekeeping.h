// Housekeeping: the background thread that runs the desk's periodic jobs —
// today the auto-close of resolved tickets (NM-10) — every `period`, and at
// once when woken (a virtual clock moved, in training and tests).
//
// Jobs are safe to run on several nodes at once (see AutoCloseResolved), so no
// leader is needed. A failing job is logged and retried next period.
// Thread-safety: Wake() from any thread; Start()/Stop() from one.
#pragma once

#include <chrono>

#include "app/background_loop.h"
#include "app/deps.h"

namespace atiende {

class Housekeeping {
 public:
  explicit Housekeeping(Deps& deps) : deps_(deps) {}
  ~Housekeeping() { Stop(); }

  // Runs every job once; returns false when one failed (it is logged).
  bool RunOnce();
  // period: how often jobs run without being woken (default 1 s: one indexed
  // query each, so cheap; short enough for virtual-clock tests).
  void Start(std::chrono::milliseconds period = std::chrono::seconds(1));
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

 private:
  Deps& deps_;
  BackgroundLoop loop_;
};

}  // namespace atiende
