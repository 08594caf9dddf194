// HolidayRules: a country's national holidays as data — one rule per holiday,
// from which the holidays of any year follow, so nobody types next year's
// list by hand. Shipped for Colombia and Chile in data/holidays/co.yaml and
// cl.yaml (embedded in the binary); docs/desks.md ("Holidays") describes the
// file format. A desk combines a rule set with local dates in
// core/desk_holidays.h.
//
// A rule names a day of the year (its kind), may be valid for some years
// only, may count only on one weekday, and may move (its move policy):
//   kind fixed          month and day: 20 July
//   kind easter         days from Western Easter Sunday: -2 is Good Friday
//   kind june_solstice  the local date of the June solstice at a UTC offset
//   move next_monday    to the following Monday unless a Monday (Colombia,
//                       Ley 51 de 1983, "Ley Emiliani")
//   move nearest_monday Tue, Wed, Thu to that week's Monday, Fri to the next
//                       Monday; Sat, Sun, Mon stay (Chile, Ley 19.668)
//   move bridge_friday  Tue to the Friday before, Wed to the Friday after;
//                       other days stay (Chile, Ley 20.299)
// Kinds and policies are explicit name → entry tables (STYLE.md §10); a file
// naming anything else is refused when it is parsed, before it is used.
//
// Pure: parsing and date arithmetic only (core/holiday_dates.h).
// Thread-safety: a parsed HolidayRules is an immutable value; share freely.
#pragma once

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace atiende {

enum class HolidayKind { kFixed, kEaster, kJuneSolstice };
enum class HolidayMove { kNone, kNextMonday, kNearestMonday, kBridgeFriday };

// The years rules may be written for and computed in (Gregorian Easter).
inline constexpr int kHolidayMinYear = 1583;
inline constexpr int kHolidayMaxYear = 9999;

// One holiday as its law states it.
struct HolidayRule {
  std::string name;  // as published, in the country's language: "Día de San José"
  HolidayKind kind = HolidayKind::kFixed;
  unsigned month = 0;          // kFixed: 1 … 12
  unsigned day = 0;            // kFixed: 1 … 31, a day the month has (29 Feb: leap years only)
  int easter_offset = 0;       // kEaster: days from Easter Sunday (-3: Holy Thursday)
  int utc_offset_minutes = 0;  // kJuneSolstice: whose local date counts (-240: UTC-4)
  HolidayMove move = HolidayMove::kNone;  // default: none
  // When set, the rule's date counts only when it falls on this weekday
  // (checked before any move). Default: any weekday.
  std::optional<date::weekday> only_on;
  int from_year = kHolidayMinYear;  // the first year the rule applies; default: always
  int to_year = kHolidayMaxYear;    // the last one; default: still in force
  std::string law;                  // informative: "Ley 51 de 1983"; may be empty
  int line = 0;                     // 1-based line in its file
};

// A holiday on a date: "2026-03-23", "Día de San José".
struct Holiday {
  date::local_days day;
  // Two rules landing on one date (Colombia 2011: San Pedro y San Pablo and
  // Sagrado Corazón on 4 July) give one holiday, names joined by " / ".
  std::string name;
  bool operator==(const Holiday&) const = default;
};

class HolidayRules {
 public:
  HolidayRules() = default;  // no rules: no holidays

  // Parses a rule file (data/holidays/co.yaml); `file` names it in errors.
  // Top level: country (two letters, required), name, since (the first year
  // the file describes; default kHolidayMinYear) and rules (a list). Each
  // rule: name (required), kind, month and day (fixed), offset (easter, days
  // within ±200), utc_offset ("-04:00", june_solstice), move, only_on (mon …
  // sun), from and to (years), law.
  // Fails with kInvalidArgument, field "holiday_rules", the message starting
  // "file:line: ": not YAML, an unknown key, an unknown kind, move or
  // weekday, a month or day out of range (31 April), a key the kind does not
  // take or lacks, a year outside kHolidayMinYear … kHolidayMaxYear, from
  // after to, no rules, or over 1 MiB.
  static Result<HolidayRules> Parse(std::string_view yaml, std::string_view file);

  // A shipped rule set: "CO" or "CL" (any case). Fails with
  // kInvalidArgument, field "country", for any other code; an embedded file
  // that does not parse is kInternal (a bug, caught by the tests).
  static Result<HolidayRules> Shipped(std::string_view country);
  // The countries Shipped knows, sorted: {"CL", "CO"}.
  static std::vector<std::string> ShippedCountries();

  // The holidays of `year`, sorted by date, one per date; empty before
  // since(). A holiday is listed under its rule's year even if a move
  // carried it into another (no shipped rule moves across new year).
  // REQUIRES: kHolidayMinYear <= year <= kHolidayMaxYear (else empty).
  std::vector<Holiday> Of(int year) const;

  const std::string& country() const { return country_; }  // "CO"
  const std::string& name() const { return name_; }        // "Colombia"
  int since() const { return since_; }
  const std::vector<HolidayRule>& rules() const { return rules_; }

 private:
  friend class HolidayRulesParser;

  std::string country_;
  std::string name_;
  int since_ = kHolidayMinYear;
  std::vector<HolidayRule> rules_;
};

// The date `rule` gives in `year`, moved by its policy; nullopt when the rule
// does not apply that year (outside from … to, a 29 February in a common
// year, or not on its only_on weekday).
std::optional<date::local_days> HolidayDate(const HolidayRule& rule, int year);

// The names files use, for messages and docs: "fixed", "next_monday".
std::string_view Name(HolidayKind kind);
std::string_view Name(HolidayMove move);

}  // namespace atiende
