// Housekeeping: the background thread that runs the desk's periodic jobs —
// today the auto-close of resolved tickets (NM-10) — every `period`, and at
// once when woken (a virtual clock moved, in training and tests).
//
// Jobs are safe to run on several nodes at once (see AutoCloseResolved), so no
// leader is needed. A failing job is logged and retried next period.
// Thread-safety: Wake() from any thread; Start()/Stop() from one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

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
  void Wake();
  void Stop();

 private:
  Deps& deps_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
};

}  // namespace atiende
