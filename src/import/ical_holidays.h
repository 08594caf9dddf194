// IcalHolidays: the holidays in an iCalendar feed (.ics, RFC 5545) — a
// government's or a provider's published holiday calendar — as dates a desk
// can add locally (core/desk_holidays.h: DeskHolidays::Make's additions).
// Parsed with libical (Debian's libical-dev).
//
// A holiday is an all-day event: a VEVENT whose DTSTART is a date
// (DTSTART;VALUE=DATE:20260918). An event over several days (DTEND, which is
// exclusive, or DURATION) gives each of its days; RRULE, RDATE and EXDATE
// recurrences are expanded. Timed events (a meeting at 10:00) are not
// holidays and are skipped, as are other components (VTODO, VTIMEZONE).
//
// Thread-safety: pure functions over their arguments; safe to call
// concurrently (libical keeps its error state per thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace atiende::import {

// Feeds over this size are refused (kPayloadTooLarge).
inline constexpr std::size_t kMaxIcalBytes = 1u << 20;  // 1 MiB

struct IcalHoliday {
  std::string date;  // "2026-09-18"
  std::string name;  // the event's SUMMARY; "" when it has none
  bool operator==(const IcalHoliday&) const = default;
};

// The holidays of `ics` in the years first_year … last_year, sorted by date,
// one per date (the first event's name when two fall on one date).
// Fails with kPayloadTooLarge over kMaxIcalBytes, and with kInvalidArgument,
// field "ics": not an iCalendar (no VCALENDAR), a recurrence more often than
// daily, more than kMaxIcalHolidays dates in the years asked for, or a year
// range outside 1900 … 2200 or reversed.
inline constexpr std::size_t kMaxIcalHolidays = 1000;
Result<std::vector<IcalHoliday>> ParseIcalHolidays(std::string_view ics, int first_year,
                                                   int last_year);

}  // namespace atiende::import
