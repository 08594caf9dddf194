// ISO-8601 instants, durations and local dates as used in the API and in
// settings ("2026-11-24T06:00:00Z", "PT72H", "P1D", "2026-12-25"). Pure
// functions.
// Thread-safety: stateless.
#pragma once

#include <date/date.h>

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

// "2026-12-25": a calendar date with no time or zone (a holiday, a visit
// day). Exactly YYYY-MM-DD, a date that exists (no 2026-02-29); surrounding
// whitespace is not accepted. kInvalidArgument otherwise.
Result<date::local_days> ParseLocalDate(std::string_view s);
// "2026-12-25". REQUIRES: a date in years 0 … 9999.
std::string FormatLocalDate(date::local_days day);

}  // namespace atiende
