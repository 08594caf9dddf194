// BusinessCalendar: when a desk works (its weekly working hours and holidays,
// in one IANA time zone) and the arithmetic of working time on it. SLA due
// times count working time on it (NM-4, core/sla.h); the reopen rule asks
// whether two instants fall on the same local day (NM-9).
//
// Local wall-clock hours are what count: "mon-fri 08:00-18:00" is 10 h of work
// on every weekday, whatever the UTC offset that day. When a daylight-saving
// change falls inside a window, the window lasts the real time between its
// opening and its closing (9 h or 11 h). A local time skipped by a change maps
// to the instant of the change; a repeated one opens a window at its first
// occurrence and closes one at its last.
//
// Pure: no clock reads and no process time zone; the tz database (the OS one,
// /usr/share/zoneinfo) is only read.
// Thread-safety: immutable after construction; safe to share between threads.
#pragma once

#include <date/date.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace atiende {

// Working hours of one weekday, minutes from local midnight (0 … 1440);
// open == close: closed all day.
struct WorkingHours {
  int open_minute = 0;
  int close_minute = 0;
  bool closed() const { return open_minute >= close_minute; }
  bool operator==(const WorkingHours&) const = default;
};

class BusinessCalendar {
 public:
  // How far Add walks (and Between counts) before giving up: 20 years of
  // calendar days. Parse refuses a week without working time, so only a
  // holiday list covering every working day for 20 years can exhaust it.
  static constexpr int kMaxWalkDays = 20 * 366;

  // UTC, around the clock. A placeholder (e.g. in a default-built
  // SlaPolicy); desks build theirs with Parse.
  BusinessCalendar() = default;

  // time_zone: IANA name ("America/Bogota"; "UTC"). hours:
  // "mon-fri 08:00-18:00; sat 09:00-13:00": groups separated by ';', each a
  // day list then one window. Days are mon tue wed thu fri sat sun
  // (case-insensitive), ranges with '-' (wrapping: "sun-thu" is sun, mon, …,
  // thu), lists with ','. A window is HH:MM-HH:MM within one day, "24:00"
  // allowed as a close time; a day has at most one window and unlisted days
  // are closed. "24x7" means every day 00:00-24:00. holidays: local dates
  // "2026-12-25", closed all day (also under "24x7"); order and repeats do
  // not matter.
  // Fails with kInvalidArgument naming field "time_zone" (empty or unknown
  // zone), "business_hours" (bad day or time, close not after open, a day
  // listed twice, no working time at all, over 1000 bytes) or "holidays" (not
  // a YYYY-MM-DD date, the message gives its position; over 10000 dates).
  static Result<BusinessCalendar> Parse(std::string_view time_zone, std::string_view hours,
                                        const std::vector<std::string>& holidays);
  // As Parse, with the holidays already local dates (a desk's country rules
  // expanded over a century: DeskCalendar in core/desk_holidays.h). Order
  // and repeats do not matter; there is no limit on their number. Fails as
  // Parse does for "time_zone" and "business_hours".
  static Result<BusinessCalendar> WithHolidays(std::string_view time_zone, std::string_view hours,
                                               std::vector<date::local_days> holidays);
  // Every minute counts, in the given zone (which still matters for
  // SameLocalDay and LocalDate). kInvalidArgument ("time_zone") when unknown.
  static Result<BusinessCalendar> AroundTheClock(std::string_view time_zone);

  // Instants passed below are real ones (years 1 … 9999); TimePoint::max()
  // is accepted only as Between's `b`.

  // The instant after `start` when `d` of working time has elapsed; it may
  // be a closing time (a target met "by 18:00"). d == 0: `start` itself when
  // working, else the next opening. REQUIRES: d >= 0 (negative counts as 0).
  // TimePoint::max() ("never") when the walk passes kMaxWalkDays.
  // Cost: one step per calendar day walked, not per minute.
  TimePoint Add(TimePoint start, Micros d) const;
  // Working time in [a, b); 0 when b <= a. The inverse of Add:
  // Between(s, Add(s, d)) == d. Counts at most kMaxWalkDays after `a`
  // (so b == TimePoint::max() is fine).
  Micros Between(TimePoint a, TimePoint b) const;
  // Whether `t` is inside working hours (windows are [open, close)).
  bool IsWorking(TimePoint t) const;
  // Whether a and b fall on the same local calendar date in this zone.
  bool SameLocalDay(TimePoint a, TimePoint b) const;
  // "2026-11-24": the local date of `t` in this zone.
  std::string LocalDate(TimePoint t) const;

  const std::string& time_zone() const { return time_zone_; }
  // Whether Add and Between are plain time arithmetic (24x7, no holidays).
  bool around_the_clock() const { return around_the_clock_; }
  // Hours of each weekday, monday first (index 0 = mon … 6 = sun).
  const std::array<WorkingHours, 7>& week() const { return week_; }
  // The hours in canonical form, accepted by Parse: "24x7" or
  // "mon-fri 08:00-18:00; sat 09:00-13:00".
  std::string business_hours() const;
  // The holidays as sorted, distinct "YYYY-MM-DD" dates.
  std::vector<std::string> holidays() const;

 private:
  struct Window {
    TimePoint open;
    TimePoint close;
    bool empty() const { return close <= open; }
  };

  // Sorts and dedupes `holidays` into holidays_; sets around_the_clock_.
  void SetHolidays(std::vector<date::local_days> holidays);
  date::local_days LocalDay(TimePoint t) const;
  // The working window of a local date; open == close when there is none.
  Window WindowOn(date::local_days day) const;

  std::string time_zone_ = "UTC";
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC, without the tz database
  std::array<WorkingHours, 7> week_ = {
      {{0, 1440}, {0, 1440}, {0, 1440}, {0, 1440}, {0, 1440}, {0, 1440}, {0, 1440}}};
  std::vector<date::local_days> holidays_;  // sorted, distinct
  bool around_the_clock_ = true;
};

}  // namespace atiende
