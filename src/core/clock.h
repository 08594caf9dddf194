// Clock: the one source of "now" (STYLE.md §3). Everything time-based reads a
// Clock passed to it; nothing in the core reads the system clock.
//
// VirtualClock is a manually driven clock for tests, simulations and the
// training mode (`atiende serve --virtual-clock`).
// Thread-safety: Now() is safe from any thread for both implementations;
// VirtualClock::Set/Advance may race with Now() and are atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace atiende {

using Micros = std::chrono::microseconds;
using TimePoint = std::chrono::sys_time<Micros>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // True for a clock that only moves when told to (tests, training mode).
  virtual bool IsVirtual() const { return false; }
};

class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(TimePoint start) : us_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(Micros(us_.load())); }
  bool IsVirtual() const override { return true; }
  void Set(TimePoint t) { us_.store(t.time_since_epoch().count()); }
  void Advance(Micros d) { us_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> us_;
};

}  // namespace atiende
