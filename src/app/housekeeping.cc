#include "app/housekeeping.h"

#include "app/tickets.h"
#include "log/log.h"

namespace atiende {

bool Housekeeping::RunOnce() {
  auto closed = AutoCloseResolved(deps_);
  if (!closed.ok()) {
    log::Warn("ticket.autoclose.failed", {{"error", closed.status().ToString()}});
    return false;
  }
  if (*closed > 0) log::Info("ticket.autoclose", {{"closed", *closed}});
  return true;
}

void Housekeeping::Start(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      cv_.wait_for(lock, period, [this] { return stop_ || woken_; });
      woken_ = false;
    }
  });
}

void Housekeeping::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Housekeeping::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace atiende
