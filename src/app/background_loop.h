// BackgroundLoop: the thread of a background worker (mail delivery, case
// timers, housekeeping). It runs a round at once, then again when the wait
// the round returned is over, or sooner when woken (new work, a virtual clock
// moved) — until Stop(), which a round may check (stopping()) to end early.
// Thread-safety: Wake() and stopping() from any thread; Start()/Stop() from one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace atiende {

class BackgroundLoop {
 public:
  BackgroundLoop() = default;
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;
  ~BackgroundLoop() { Stop(); }

  // round: does the work, returns how long to wait before the next round.
  // REQUIRES: not started.
  void Start(std::function<std::chrono::milliseconds()> round) {
    thread_ = std::thread([this, round = std::move(round)] {
      std::unique_lock lock(mu_);
      while (!stopping_) {
        lock.unlock();
        auto wait = round();
        lock.lock();
        cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
        woken_ = false;
      }
    });
  }
  void Wake() {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }
  // Waits for the round in progress to return; no round starts after.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool stopping() const { return stopping_; }

 private:
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  bool woken_ = false;
};

}  // namespace atiende
