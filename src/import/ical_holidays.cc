#include "import/ical_holidays.h"

#include <date/date.h>
#include <libical/ical.h>

#include <algorithm>
#include <map>
#include <memory>

#include "core/time_format.h"

namespace atiende::import {

namespace {

constexpr int kIcalMinYear = 1900;
constexpr int kIcalMaxYear = 2200;
constexpr int kMaxEventDays = 366;  // a longer "all-day event" is not a holiday

struct IcalComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

// What the recurrence callback collects: date → name.
struct IcalCollected {
  std::map<date::local_days, std::string> days;
  std::string name;
  date::local_days first, last;  // the years asked for
  bool too_many = false;
};

// One occurrence of an all-day event: each of its days within the years.
void CollectIcalSpan(icalcomponent*, struct icaltime_span* span, void* data) {
  auto* out = static_cast<IcalCollected*>(data);
  // Date values have no zone: libical counts them from midnight UTC.
  const auto start =
      date::floor<date::days>(std::chrono::sys_seconds(std::chrono::seconds(span->start)));
  const auto end =
      date::floor<date::days>(std::chrono::sys_seconds(std::chrono::seconds(span->end)));
  const int n = std::clamp(static_cast<int>((end - start).count()), 1, kMaxEventDays);
  for (int i = 0; i < n; ++i) {
    const date::local_days day(start.time_since_epoch() + date::days(i));
    if (day < out->first || day > out->last) continue;
    if (out->days.size() >= kMaxIcalHolidays && !out->days.contains(day)) {
      out->too_many = true;
      return;
    }
    out->days.emplace(day, out->name);  // the first event's name wins
  }
}

// Whether the event recurs more often than daily (FREQ=HOURLY …): refused,
// as its expansion over years would be millions of occurrences.
bool RecursWithinADay(icalcomponent* event) {
  for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY); p;
       p = icalcomponent_get_next_property(event, ICAL_RRULE_PROPERTY)) {
    if (icalproperty_get_rrule(p).freq < ICAL_DAILY_RECURRENCE) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<IcalHoliday>> ParseIcalHolidays(std::string_view ics, int first_year,
                                                   int last_year) {
  if (ics.size() > kMaxIcalBytes) {
    return Status::PayloadTooLarge("the iCalendar feed is over 1 MiB");
  }
  if (first_year < kIcalMinYear || last_year > kIcalMaxYear || first_year > last_year) {
    return Status::InvalidArgument("years " + std::to_string(first_year) + " … " +
                                       std::to_string(last_year) + " are not within 1900 … 2200",
                                   "ics");
  }
  std::unique_ptr<icalcomponent, IcalComponentFree> root(
      icalparser_parse_string(std::string(ics).c_str()));
  if (!root || icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT) {
    return Status::InvalidArgument("is not an iCalendar feed (BEGIN:VCALENDAR … END:VCALENDAR)",
                                   "ics");
  }
  IcalCollected out;
  out.first = date::local_days(date::year(first_year) / 1 / 1);
  out.last = date::local_days(date::year(last_year) / 12 / 31);
  icaltimetype range_start = icaltime_null_date();
  range_start.year = first_year;
  range_start.month = 1;
  range_start.day = 1;
  icaltimetype range_end = range_start;
  range_end.year = last_year + 1;
  for (icalcomponent* event = icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT);
       event; event = icalcomponent_get_next_component(root.get(), ICAL_VEVENT_COMPONENT)) {
    const icaltimetype start = icalcomponent_get_dtstart(event);
    if (icaltime_is_null_time(start) || !start.is_date) continue;  // timed: not a holiday
    const char* summary = icalcomponent_get_summary(event);
    if (RecursWithinADay(event)) {
      return Status::InvalidArgument(
          "event \"" + std::string(summary ? summary : "") + "\" recurs more often than daily",
          "ics");
    }
    out.name = summary ? summary : "";
    icalcomponent_foreach_recurrence(event, range_start, range_end, CollectIcalSpan, &out);
    if (out.too_many) {
      return Status::InvalidArgument(
          "holds more than " + std::to_string(kMaxIcalHolidays) + " holiday dates", "ics");
    }
  }
  std::vector<IcalHoliday> holidays;
  holidays.reserve(out.days.size());
  for (auto& [day, name] : out.days) holidays.push_back({FormatLocalDate(day), std::move(name)});
  return holidays;
}

}  // namespace atiende::import
