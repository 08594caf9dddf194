// Holiday dates: the two movable anchors national holiday rules are written
// against (core/holiday_rules.h) — Western Easter Sunday and the June
// solstice. Pure arithmetic: no clock, no time zone database.
// Thread-safety: stateless functions.
#pragma once

#include <date/date.h>

#include "core/clock.h"

namespace atiende {

// Western (Gregorian) Easter Sunday of `year` (the Meeus/Jones/Butcher
// computus): 2026-04-05, 2027-03-28. REQUIRES: 1583 <= year <= 9999.
date::year_month_day EasterSunday(int year);

// The instant of the June solstice of `year` (the sun at its northernmost),
// in UTC: 2026-06-21T08:24Z. Meeus, Astronomical Algorithms ch. 27, with an
// estimate of ΔT (terrestrial minus universal time); within about a minute
// for 1900 … 2150, less exact outside. REQUIRES: 1000 <= year <= 3000.
TimePoint JuneSolstice(int year);

}  // namespace atiende
