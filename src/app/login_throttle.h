// LoginThrottle: slows down password guessing. After 5 failed logins for one
// username, or 20 from one address, within 15 minutes, further attempts are
// refused (kTooManyRequests) until the window has passed. A success clears the
// username's count. Kept in memory, per node.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

class LoginThrottle {
 public:
  explicit LoginThrottle(const Clock& clock) : clock_(clock) {}

  // kTooManyRequests (with the seconds to wait in the message) when locked out.
  Status Check(const std::string& username, const std::string& address);
  void RecordFailure(const std::string& username, const std::string& address);
  void RecordSuccess(const std::string& username);

 private:
  struct Window {
    TimePoint start{};
    int failures = 0;
  };
  Status CheckOne(const std::map<std::string, Window>& m, const std::string& key, int limit,
                  TimePoint now) const;
  void Bump(std::map<std::string, Window>& m, const std::string& key, TimePoint now);

  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Window> by_user_, by_address_;
};

}  // namespace atiende
