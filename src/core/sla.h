// SLA: the response and resolution targets of each ticket priority and the
// due times they give a ticket (NM-4: critical customers first, with shorter
// targets — a "Prioritario" customer's ticket ranks one priority higher, see
// DefaultPriority in core/ticket.h, and so gets the shorter targets).
//
// A target counts either plain time ("around the clock": the critical
// priority) or the desk's working time on its BusinessCalendar
// (core/calendar.h). Both due times count from the opening of the ticket.
// Pure: the calendar and the opening instant are arguments; nothing here
// reads a clock.
// Thread-safety: values and a pure function.
#pragma once

#include <array>

#include "core/calendar.h"
#include "core/clock.h"

namespace atiende {

struct SlaTarget {
  Micros response{};              // until the first response (the ticket leaves "new")
  Micros resolution{};            // until resolved
  bool around_the_clock = false;  // plain time; otherwise the calendar's working time
};

struct SlaPolicy {
  BusinessCalendar calendar;  // the desk's working hours (default: UTC, 24x7)
  // index = priority - 1 (1 critical … 4 low); default: the targets below.
  std::array<SlaTarget, 4> by_priority = {{
      {std::chrono::minutes(15), std::chrono::hours(4), true},
      {std::chrono::minutes(30), std::chrono::hours(8), false},
      {std::chrono::hours(2), std::chrono::hours(24), false},
      {std::chrono::hours(8), std::chrono::hours(72), false},
  }};

  // `calendar` with the default targets: P1 24x7: 15 min / 4 h; P2 business:
  // 30 min / 8 h; P3 business: 2 h / 24 h; P4 business: 8 h / 72 h.
  static SlaPolicy Default(BusinessCalendar calendar);
};

struct SlaDue {
  TimePoint response;
  TimePoint resolution;
};

// The due times of a ticket of `priority` opened at `opened`. Around-the-clock
// targets add plain time; others use p.calendar.Add (so a ticket opened out of
// hours starts counting at the next opening).
// REQUIRES: 1 <= priority <= 4 (others are clamped to that range).
SlaDue ComputeDue(const SlaPolicy& p, int priority, TimePoint opened);

}  // namespace atiende
