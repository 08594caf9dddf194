// calendar_bench: BusinessCalendar::Add and Between (src/core/calendar.h), the
// arithmetic behind every SLA due time and business-time timer, with a
// hand-typed holiday list and with a desk's country rules expanded over a
// century (src/core/desk_holidays.h: about 1,850 dates). Pure CPU.
//
//   CalendarAdd/list      Add() of 8 h (P2) and 72 h (P4) of working time from
//   CalendarAdd/rules     instants spread over 2026, Bogotá mon-fri 08:00-18:00;
//                         "list": CO's 2026 and 2027 holidays typed by hand (36
//                         dates), "rules": DeskCalendar for CO (2000 … 2100).
//   CalendarBetween/...   Between() over the same spans.
//   DeskCalendarBuild     DeskCalendar() for CO: parse the rules, expand 101 years.
//
// Thread-safety: not applicable (a program).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/calendar.h"
#include "core/desk_holidays.h"
#include "core/time_format.h"

namespace atiende::bench {
namespace {

constexpr const char* kZone = "America/Bogota";
constexpr const char* kHours = "mon-fri 08:00-18:00";

BusinessCalendar HandList() {
  std::vector<std::string> list;
  for (int year : {2026, 2027}) {
    for (const Holiday& h : HolidayRules::Shipped("CO")->Of(year)) {
      list.push_back(FormatLocalDate(h.day));
    }
  }
  return *BusinessCalendar::Parse(kZone, kHours, list);
}

BusinessCalendar Rules() { return *DeskCalendar(kZone, kHours, "CO", {}, {}); }

// 256 instants through 2026, 34 h apart (every hour of the day comes up).
std::vector<TimePoint> Starts() {
  std::vector<TimePoint> out;
  TimePoint t = *ParseInstant("2026-01-02T00:00:00Z");
  for (int i = 0; i < 256; ++i) out.push_back(t + std::chrono::hours(34 * i));
  return out;
}

void CalendarAdd(benchmark::State& state, const BusinessCalendar& c) {
  const auto starts = Starts();
  size_t i = 0;
  for (auto _ : state) {
    TimePoint s = starts[i++ % starts.size()];
    benchmark::DoNotOptimize(c.Add(s, std::chrono::hours(8)));
    benchmark::DoNotOptimize(c.Add(s, std::chrono::hours(72)));
  }
}

void CalendarBetween(benchmark::State& state, const BusinessCalendar& c) {
  const auto starts = Starts();
  size_t i = 0;
  for (auto _ : state) {
    TimePoint s = starts[i++ % starts.size()];
    benchmark::DoNotOptimize(c.Between(s, s + std::chrono::hours(24 * 10)));
  }
}

void DeskCalendarBuild(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(DeskCalendar(kZone, kHours, "CO", {}, {}));
}

BENCHMARK_CAPTURE(CalendarAdd, list, HandList());
BENCHMARK_CAPTURE(CalendarAdd, rules, Rules());
BENCHMARK_CAPTURE(CalendarBetween, list, HandList());
BENCHMARK_CAPTURE(CalendarBetween, rules, Rules());
BENCHMARK(DeskCalendarBuild)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace atiende::bench

BENCHMARK_MAIN();
