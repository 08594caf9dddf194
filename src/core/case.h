// Case: one running procedure (core/procedure.h) for one customer — a ZB
// unblocking request from intake to its end. It holds where it is (the current
// step), what people entered on its forms, the dispatch notice it follows, its
// timers and its timeline: every step, call, mail, timer and notice change
// with who and when (ZB-10). core/case_engine.h moves it.
//
// A customer has at most one open case per procedure (ZB-1); a second intake
// is added to the open case.
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/phone.h"
#include "core/status.h"

namespace atiende {

enum class CaseState { kOpen, kClosed };
std::string_view Name(CaseState s);  // "open", "closed"
std::optional<CaseState> ParseCaseState(std::string_view s);

// What the caller said when the case was opened (the source's "pop-up").
struct CaseIntake {
  std::string caller;               // who called
  std::vector<std::string> phones;  // callback numbers, E.164
  std::string comment;
  bool operator==(const CaseIntake&) const = default;
};

// A timer armed by the current step. It first falls due at `first_due`
// (`since` + the timer's `after`), then every `every` until the step is left
// or `since` moves (the notice was updated): then it is armed anew with a new
// generation, and work items of older generations do nothing.
struct CaseTimer {
  std::string id;  // the procedure's timer id ("overdue")
  TimePoint since{};
  TimePoint first_due{};
  std::optional<TimePoint> warn_at;
  TimePoint due_at{};  // the next firing
  int fired = 0;       // firings since armed
  int64_t generation = 0;
  bool operator==(const CaseTimer&) const = default;
};

// One line of the case's timeline. kind: "intake", "step", "call", "mail",
// "timer", "notice", "block", "end". `data` holds the details (outcome,
// fields, recipients, subject, mail id...), lists joined with ", ", and
// data["what"] the exact event: opened, intake_added, step_entered,
// step_answered, call, mail_queued, mail_skipped, timer_armed, timer_fired,
// notice_none, notice_found, notice_linked, notice_created, notice_written,
// notice_updated, notice_closed, notice_already_closed, block_set,
// block_lifted, closed. `text` is the same in English, for logs and the CLI.
struct CaseEvent {
  TimePoint at{};
  std::string actor;  // username, or "system"
  std::string kind;
  std::string text;  // one readable line
  std::map<std::string, std::string> data;
  bool operator==(const CaseEvent&) const = default;
};

struct Case {
  int64_t id = 0;      // assigned by the store
  std::string desk;    // its customer's desk; the scope's when empty at insert
  std::string number;  // the procedure's prefix + 7 digits: ZB0000001
  std::string procedure;
  int64_t customer_id = 0;
  CaseState state = CaseState::kOpen;
  std::string step;        // the current step's id; "" once closed
  std::string step_roles;  // roles acting on the current step, comma-separated (queues)
  TimePoint step_entered_at{};
  std::string result;  // once closed: the `end` action's result ("no_contact")
  std::string result_label;
  CaseIntake intake;
  std::map<std::string, std::string> fields;  // normalised form values, latest wins
  std::string notice_number;                  // the notice the case follows; "" for none
  int call_attempts = 0;
  int followups = 0;  // timer firings over the case's life
  std::vector<CaseTimer> timers;
  int64_t timer_generation = 0;
  std::vector<CaseEvent> timeline;
  int64_t version = 0;  // incremented by every change (optimistic concurrency)
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> closed_at;

  // When the first timer of the current step first falls due (the queue's
  // "overdue" order); nullopt without timers.
  std::optional<TimePoint> overdue_at() const;
  bool operator==(const Case&) const = default;
};

// A list as the timeline's data holds it: "a, b, c".
std::string JoinList(const std::vector<std::string>& v);

// At most this many timeline entries are kept; older ones are dropped
// (the audit trail keeps them all).
inline constexpr size_t kMaxCaseTimeline = 2000;

// "ZB" + 7 digits (more past 9,999,999).
std::string FormatCaseNumber(std::string_view prefix, int64_t n);

// Trims and validates the intake: caller required (at most 200 bytes), one
// to three phones normalised to E.164 (Chile's code for national numbers),
// comment at most 4 KiB. kInvalidArgument naming the field ("intake.phones[1]").
Status NormalizeIntake(CaseIntake& in, std::string_view phone_region = kDefaultPhoneRegion);

}  // namespace atiende
