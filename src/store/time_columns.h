// How both stores keep instants: integer microseconds since the Unix epoch,
// UTC, so ordering and arithmetic in SQL need no time-zone rules.
// Thread-safety: stateless.
#pragma once

#include <cstdint>

#include "core/clock.h"

namespace atiende {

inline int64_t Us(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint At(int64_t us) { return TimePoint(Micros(us)); }

}  // namespace atiende
