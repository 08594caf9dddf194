// LoginThrottle: slows down password guessing without handing anyone a way
// to lock a user out (docs/security.md, "Signing in").
//
// - One address guessing one user's password: 5 failures within the window
//   (15 minutes by default)
//   and that (user, address) pair is refused until the window has passed.
// - One user guessed at from many addresses: after 10 failures within the
//   window, attempts from addresses the user has not signed in from lately
//   are let through one at a time, one per 2 seconds — slowed, not refused;
//   addresses the user signed in from keep signing in.
// - One address guessing many users (or a proxy's many users): after 20
//   failures, the same slowing for that address's unknown pairs.
// An attempt counts from Begin() (before the slow password check) to
// Finish(): attempts in flight count against the limits, so concurrent
// guesses cannot outrun them. Every refusal is logged (event
// "login.throttled"). Kept in memory, per node, on the clock it is given —
// the real one even in training mode, where the virtual clock may stand still.
//
// PasswordCheckGate bounds how many argon2id checks (64 MiB each) run at
// once; beyond the running ones a few may wait briefly, the rest are told to
// come back (kUnavailable with Retry-After) — memory stays under a ceiling
// whatever the login rate. Users signing in from an address they used before
// queue apart and go first.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

class LoginThrottle {
 public:
  // `window`: how long failures count (the login_window_seconds setting).
  explicit LoginThrottle(const Clock& clock, std::chrono::seconds window = std::chrono::minutes(15))
      : clock_(clock), window_(window) {}

  // One attempt in flight, from Begin() to Finish().
  struct Attempt {
    std::string username;
    std::string address;
    bool known = false;  // the user signed in from this address lately
  };
  // kTooManyRequests (with the seconds to wait) when the attempt is refused.
  Result<Attempt> Begin(const std::string& username, const std::string& address);
  // `success`: the password was right. An attempt that ended before the
  // password was checked (the gate was full) is Finish()ed with `counted` false.
  void Finish(const Attempt& a, bool success, bool counted = true);

 private:
  struct Window {
    TimePoint start{};
    int failures = 0;
    int in_flight = 0;
    TimePoint next_slow{};  // while slowed: the earliest next attempt
  };
  Window& Current(std::map<std::string, Window>& m, const std::string& key, TimePoint now);
  // kTooManyRequests when a slowed key has an attempt in flight or is early.
  Status Slow(Window& w, TimePoint now) const;
  void Release(std::map<std::string, Window>& m, const std::string& key, bool failed);

  const Clock& clock_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, Window> by_pair_, by_user_, by_address_;
  std::map<std::string, TimePoint> known_;  // pair → last successful sign-in
};

class PasswordCheckGate {
 public:
  // At most `running` checks at once; `waiting` more may wait up to
  // `max_wait` for a turn.
  PasswordCheckGate(int running, int waiting, std::chrono::milliseconds max_wait)
      : running_(running), waiting_(waiting), max_wait_(max_wait) {}

  class Turn {
   public:
    explicit Turn(PasswordCheckGate* g) : g_(g) {}
    Turn(Turn&& o) noexcept : g_(o.g_) { o.g_ = nullptr; }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    Turn& operator=(Turn&&) = delete;
    ~Turn() {
      if (g_) g_->Leave();
    }

   private:
    PasswordCheckGate* g_;
  };
  // kUnavailable (Retry-After 1) when every turn is taken and the queue is
  // full, or the wait ran out. `priority` (a user signing in from an address
  // they signed in from before) has a queue of its own, served first: a flood
  // of strangers does not keep known users out.
  Result<Turn> Enter(bool priority = false);
  // Checks running now, and waiting (for tests).
  int running() const;
  int waiting() const;

  // The process's gate: every password check of sign-in goes through it.
  static PasswordCheckGate& Shared();
  // Sets the shared gate's running checks (the password_checks setting).
  static void Configure(int running);

 private:
  void Leave();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int running_;
  int waiting_;
  std::chrono::milliseconds max_wait_;
  int now_running_ = 0;
  int now_waiting_ = 0;
  int now_waiting_priority_ = 0;
};

}  // namespace atiende
