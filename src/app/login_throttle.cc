#include "app/login_throttle.h"

#include "log/log.h"

namespace atiende {

namespace {
constexpr int kPairLimit = 5;          // failures of one user from one address: refused
constexpr int kUserSlowAfter = 10;     // failures of one user from anywhere: slowed
constexpr int kAddressSlowAfter = 20;  // failures from one address for anyone: slowed
constexpr auto kSlowSpacing = std::chrono::seconds(2);
constexpr auto kKnownFor = std::chrono::hours(24 * 30);
constexpr size_t kMaxTracked = 100000;  // bound memory under a spray of names

int SecondsUntil(TimePoint then, TimePoint now) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(then - now).count()) + 1;
}

Status Refused(const LoginThrottle::Attempt& a, const char* why, int seconds) {
  log::Warn("login.throttled", {{"username", a.username},
                                {"address", a.address},
                                {"reason", why},
                                {"retry_after", seconds}});
  return Status::TooManyRequests("too many failed sign-ins; try again in " +
                                 std::to_string(seconds) + " s")
      .WithRetryAfter(seconds);
}
}  // namespace

LoginThrottle::Window& LoginThrottle::Current(std::map<std::string, Window>& m,
                                              const std::string& key, TimePoint now) {
  if (m.size() > kMaxTracked) {
    std::erase_if(m, [&](const auto& kv) {
      return kv.second.in_flight == 0 && now - kv.second.start >= window_;
    });
  }
  Window& w = m[key];
  if (now - w.start >= window_ && w.in_flight == 0) w = Window{now};
  return w;
}

Status LoginThrottle::Slow(Window& w, TimePoint now) const {
  if (w.in_flight > 0) return Status::TooManyRequests("").WithRetryAfter(1);
  if (now < w.next_slow) {
    return Status::TooManyRequests("").WithRetryAfter(SecondsUntil(w.next_slow, now));
  }
  return Status::Ok();
}

Result<LoginThrottle::Attempt> LoginThrottle::Begin(const std::string& username,
                                                    const std::string& address) {
  Attempt a{username, address};
  std::string pair = username + '\n' + address;
  std::lock_guard lock(mu_);
  TimePoint now = clock_.Now();
  Window& p = Current(by_pair_, pair, now);
  if (p.failures + p.in_flight >= kPairLimit) {
    int wait = p.failures >= kPairLimit ? SecondsUntil(p.start + window_, now) : 1;
    return Refused(a, "pair", wait);
  }
  Window& u = Current(by_user_, username, now);
  Window& ad = Current(by_address_, address, now);
  auto known = known_.find(pair);
  bool trusted = known != known_.end() && now - known->second < kKnownFor;
  if (!trusted) {
    if (u.failures >= kUserSlowAfter) {
      if (Status s = Slow(u, now); !s.ok()) return Refused(a, "user", s.retry_after_seconds());
      u.next_slow = now + kSlowSpacing;
    }
    if (ad.failures >= kAddressSlowAfter) {
      if (Status s = Slow(ad, now); !s.ok()) return Refused(a, "address", s.retry_after_seconds());
      ad.next_slow = now + kSlowSpacing;
    }
  }
  p.in_flight++;
  u.in_flight++;
  ad.in_flight++;
  a.known = trusted;
  return a;
}

void LoginThrottle::Release(std::map<std::string, Window>& m, const std::string& key, bool failed) {
  auto it = m.find(key);
  if (it == m.end()) return;
  if (it->second.in_flight > 0) it->second.in_flight--;
  if (failed) it->second.failures++;
}

void LoginThrottle::Finish(const Attempt& a, bool success, bool counted) {
  std::string pair = a.username + '\n' + a.address;
  std::lock_guard lock(mu_);
  bool failed = counted && !success;
  Release(by_pair_, pair, failed);
  Release(by_user_, a.username, failed);
  Release(by_address_, a.address, failed);
  if (counted && success) {
    by_pair_.erase(pair);
    if (known_.size() > kMaxTracked) {
      TimePoint now = clock_.Now();
      std::erase_if(known_, [&](const auto& kv) { return now - kv.second >= kKnownFor; });
    }
    known_[pair] = clock_.Now();
  }
}

Result<PasswordCheckGate::Turn> PasswordCheckGate::Enter(bool priority) {
  std::unique_lock lock(mu_);
  auto busy = [] {
    return Status::Unavailable("too many sign-ins at once; try again in a second")
        .WithRetryAfter(1);
  };
  auto my_turn = [&] {
    return now_running_ < running_ && (priority || now_waiting_priority_ == 0);
  };
  if (!my_turn()) {
    int& waiting = priority ? now_waiting_priority_ : now_waiting_;
    if (waiting >= waiting_) return busy();
    waiting++;
    bool turn = cv_.wait_for(lock, max_wait_, my_turn);
    waiting--;
    if (!turn) {
      cv_.notify_all();  // a stranger may go now that this one gave up
      return busy();
    }
  }
  now_running_++;
  return Turn(this);
}

void PasswordCheckGate::Leave() {
  {
    std::lock_guard lock(mu_);
    now_running_--;
  }
  cv_.notify_all();  // the priority queue's waiter, if any, takes it
}

int PasswordCheckGate::running() const {
  std::lock_guard lock(mu_);
  return now_running_;
}

int PasswordCheckGate::waiting() const {
  std::lock_guard lock(mu_);
  return now_waiting_ + now_waiting_priority_;
}

PasswordCheckGate& PasswordCheckGate::Shared() {
  // Two checks (128 MiB) at once by default, eight more waiting up to 2 s: a
  // flood of sign-ins holds at most ten of the handler threads.
  static PasswordCheckGate gate(2, 8, std::chrono::milliseconds(2000));
  return gate;
}

void PasswordCheckGate::Configure(int running) {
  PasswordCheckGate& g = Shared();
  {
    std::lock_guard lock(g.mu_);
    g.running_ = std::max(1, running);
    g.waiting_ = 4 * g.running_;
  }
  g.cv_.notify_all();
}

}  // namespace atiende
