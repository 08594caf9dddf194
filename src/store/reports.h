// ReportReader: what the desk's figures read (docs/reports.md). Narrow rows
// the store keeps in step with every write of a ticket, a logged call and a
// phone system's call, in the same transaction, so no figure is ever stale.
// Every scan is over [from, to) of the scope's desk, in key order, handed to
// `fn` row by row (no row is kept: a year of a million tickets reads in
// constant memory). `fn` returning an error stops the scan with it.
// Thread-safety: as every interface of a transaction (store.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/case.h"
#include "core/clock.h"
#include "core/notice.h"
#include "core/status.h"

namespace atiende {

struct TicketFact {
  int64_t ticket_id = 0;
  std::string number;
  std::string kind;
  std::string category;
  int priority = 3;
  bool critical = false;
  std::string state;
  TimePoint opened_at{};
  TimePoint response_due{};
  TimePoint resolution_due{};
  std::optional<TimePoint> responded_at;
  std::optional<TimePoint> resolved_at;
  std::optional<TimePoint> closed_at;
  int reopens = 0;
  int calls = 0;  // calls logged about it before it was resolved
};

// The logged calls of one UTC hour with one type and outcome.
struct CallHour {
  TimePoint hour{};
  std::string type;
  std::string outcome;
  int64_t calls = 0;
  Micros handle{};  // their summed length (ended_at - started_at)
};

// A phone system's call as the figures see it.
struct PhoneCallFact {
  int64_t id = 0;
  std::string state;  // ringing, answered, missed, ended
  std::optional<TimePoint> ringing_at;
  std::optional<TimePoint> answered_at;
  std::optional<TimePoint> ended_at;
};

// The open tickets at an instant, for the backlog: opened before it, not
// resolved and not cancelled by it.
struct BacklogCount {
  int64_t opened = 0;     // opened before the instant
  int64_t resolved = 0;   // resolved before it (the last resolution)
  int64_t cancelled = 0;  // cancelled, never resolved, before it
  int64_t open() const { return opened - resolved - cancelled; }
};

class ReportReader {
 public:
  virtual ~ReportReader() = default;
  // Tickets opened in [from, to), oldest first.
  virtual Status ScanTickets(TimePoint from, TimePoint to,
                             const std::function<Status(const TicketFact&)>& fn) = 0;
  // Tickets unclosed now (neither closed nor cancelled), whatever their age:
  // the wallboard's at-risk and breached counts.
  virtual Status ScanUnclosedTickets(const std::function<Status(const TicketFact&)>& fn) = 0;
  virtual Result<BacklogCount> Backlog(TimePoint at) = 0;
  // Logged calls by UTC hour in [from, to).
  virtual Status ScanCallHours(TimePoint from, TimePoint to,
                               const std::function<Status(const CallHour&)>& fn) = 0;
  // The phone system's calls that rang in [from, to).
  virtual Status ScanPhoneCalls(TimePoint from, TimePoint to,
                                const std::function<Status(const PhoneCallFact&)>& fn) = 0;
  // Phone calls ringing now (no answer, no end), whenever they started.
  virtual Result<int64_t> CountRinging() = 0;
  // Every case and every notice of the desk, by id (the ZB figures: a desk
  // holds thousands of them, read whole; docs/reports.md).
  virtual Status ScanCases(const std::function<Status(const Case&)>& fn) = 0;
  virtual Status ScanNotices(const std::function<Status(const Notice&)>& fn) = 0;
};

}  // namespace atiende
