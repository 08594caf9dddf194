// ISO-8601 instants and durations as used in the API ("2026-11-24T06:00:00Z",
// "PT72H", "P1D"). Pure functions.
// Thread-safety: stateless.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

// "2026-11-24T06:00:00.123456Z" (microseconds only when non-zero), UTC.
std::string FormatInstant(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)". kInvalidArgument otherwise.
Result<TimePoint> ParseInstant(std::string_view s);
// Accepts "P[nD][T[nH][nM][nS]]" with whole numbers (weeks too: "PnW").
// kInvalidArgument otherwise, or when the total exceeds 10 years.
Result<Micros> ParseDuration(std::string_view s);

}  // namespace atiende
