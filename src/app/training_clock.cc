#include "app/training_clock.h"

#include <functional>

#include "app/audit.h"
#include "core/time_format.h"

namespace atiende {

namespace {

Status MoveAndAudit(Deps& d, VirtualClock& clock, const Principal& actor,
                    const std::function<void()>& move) {
  TimePoint before = clock.Now();
  move();
  TimePoint after = clock.Now();
  return d.store.Write(DeskScope::All(), [&](WriteTx& tx) {
    return Audit(tx, after, actor, "clock.set", "clock", "virtual",
                 boost::json::string(FormatInstant(before)),
                 boost::json::string(FormatInstant(after)));
  });
}

}  // namespace

Status SetTrainingClock(Deps& d, VirtualClock& clock, const Principal& actor, TimePoint to) {
  return MoveAndAudit(d, clock, actor, [&] { clock.Set(to); });
}

Status AdvanceTrainingClock(Deps& d, VirtualClock& clock, const Principal& actor, Micros by) {
  return MoveAndAudit(d, clock, actor, [&] { clock.Advance(by); });
}

}  // namespace atiende
