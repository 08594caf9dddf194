// Use cases: moving the training clock, the virtual clock a server runs on in
// training and tests instead of the system clock. Each move is audited (G-1,
// action "clock.set" on entity "clock" "virtual": who moved it, from when to
// when); open consoles hear of it through the change feed and re-read what
// depends on the time.
// Thread-safety: stateless functions; VirtualClock is thread-safe.
#pragma once

#include "app/deps.h"
#include "core/clock.h"
#include "core/user.h"

namespace atiende {

// Sets the clock to `to`, or advances it by `by`, then writes the audit row.
// The clock has moved even when writing the audit row fails (that error is
// returned).
Status SetTrainingClock(Deps& d, VirtualClock& clock, const Principal& actor, TimePoint to);
Status AdvanceTrainingClock(Deps& d, VirtualClock& clock, const Principal& actor, Micros by);

}  // namespace atiende
