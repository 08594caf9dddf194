#include "app/login_throttle.h"

namespace atiende {

namespace {
constexpr auto kWindow = std::chrono::minutes(15);
constexpr int kUserLimit = 5;
constexpr int kAddressLimit = 20;
constexpr size_t kMaxTracked = 100000;  // bound memory under a spray of names
}  // namespace

Status LoginThrottle::CheckOne(const std::map<std::string, Window>& m, const std::string& key,
                               int limit, TimePoint now) const {
  auto it = m.find(key);
  if (it == m.end() || it->second.failures < limit || now - it->second.start >= kWindow) {
    return Status::Ok();
  }
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(it->second.start + kWindow - now);
  int seconds = static_cast<int>(wait.count()) + 1;
  return Status::TooManyRequests("too many failed logins; try again in " + std::to_string(seconds) +
                                 " s")
      .WithRetryAfter(seconds);
}

Status LoginThrottle::Check(const std::string& username, const std::string& address) {
  std::lock_guard lock(mu_);
  TimePoint now = clock_.Now();
  ATIENDE_RETURN_IF_ERROR(CheckOne(by_user_, username, kUserLimit, now));
  return CheckOne(by_address_, address, kAddressLimit, now);
}

void LoginThrottle::Bump(std::map<std::string, Window>& m, const std::string& key, TimePoint now) {
  if (m.size() > kMaxTracked) {
    std::erase_if(m, [&](const auto& kv) { return now - kv.second.start >= kWindow; });
  }
  Window& w = m[key];
  if (now - w.start >= kWindow) w = Window{now, 0};
  w.failures++;
}

void LoginThrottle::RecordFailure(const std::string& username, const std::string& address) {
  std::lock_guard lock(mu_);
  TimePoint now = clock_.Now();
  Bump(by_user_, username, now);
  Bump(by_address_, address, now);
}

void LoginThrottle::RecordSuccess(const std::string& username) {
  std::lock_guard lock(mu_);
  by_user_.erase(username);
}

}  // namespace atiende
