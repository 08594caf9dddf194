// Simulation: runs a procedure against a scenario on a virtual clock and
// returns its timeline — what `atiende procedure simulate` prints, so a
// protocol's author sees every step change, mail (To, Cc, subject) and timer
// before the file goes live. It runs the real use cases on a real store (a
// throwaway one the caller builds), so what it shows is what the desk would do.
// Deterministic: the same files give the same output.
//
// A scenario (YAML):
//   start: 2026-11-24T09:00:00-03:00    # when the customer calls
//   time_zone: America/Santiago         # optional; the desk's zone
//   customer: {code: "101455", legal_name: …, region: Coquimbo, blocks: [ZB], email: …}
//   notice: {number: "4001234", visit_day: …, …}   # optional: dispatch already holds one
//   intake: {caller: …, phones: […], comment: …}
//   directory: {supervisor_rrss: [a@x.cl], …}     # optional; others get list@example.com
//   events:                                        # in time order, offsets from start
//     - {at: +2h, step: coordinate_visit, outcome: contacted, fields: {…}}
//     - {at: +30h, notice: update, observations: …}
//     - {at: +100h, notice: close, outcome: apta, observations: …}
//     - {at: +101h, intake: {caller: …, phones: […]}}
//   until: +240h                                   # optional; default: last event + 7 days
// Thread-safety: single-threaded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"
#include "app/notices.h"
#include "core/case.h"
#include "core/customer.h"

namespace atiende {

struct ScenarioEvent {
  Micros at{0};      // after start
  std::string kind;  // "step", "notice_update", "notice_close", "intake"
  std::string step;
  std::string outcome;
  std::map<std::string, std::string> fields;
  std::string observations;
  CaseIntake intake;
  int line = 0;
};

struct Scenario {
  std::string file;
  TimePoint start{};
  std::string time_zone;  // "" keeps the configured one
  Customer customer;
  std::optional<NewNoticeInput> notice;
  CaseIntake intake;
  std::map<std::string, std::vector<std::string>> directory;
  std::vector<ScenarioEvent> events;
  std::optional<Micros> until;
};

// kInvalidArgument "FILE:LINE: message" (field "scenario").
Result<Scenario> ParseScenario(std::string_view yaml, std::string_view file);

// Runs `procedure` (loaded in d.procedures) through the scenario on `clock`,
// firing timers as time passes. Returns the timeline, one line per entry;
// kInvalidArgument naming the scenario's line when an event is refused (the
// lines so far are in `lines`).
Status Simulate(Deps& d, VirtualClock& clock, const std::string& procedure, const Scenario& s,
                std::vector<std::string>& lines);

}  // namespace atiende
