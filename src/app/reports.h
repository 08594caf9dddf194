// The desk's figures (issue 18; every definition in docs/reports.md): tables
// computed from the store's report rows (store/reports.h) for one desk, over
// a range of its local dates, bucketed by local day, ISO week, month or hour
// of day in the desk's time zone; and the wallboard's live counts.
//
// A table is columns and rows of JSON scalars (string, integer, double or
// null), the same for the API's JSON, CSV and XLSX (http/handlers_reports.cc).
// Thread-safety: pure functions over the store; safe from any thread.
#pragma once

#include <date/date.h>

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "app/deps.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

namespace date {
class time_zone;
}

namespace atiende {

enum class ReportBucket { kDay, kWeek, kMonth, kHourOfDay, kTotal };

struct ReportRange {
  date::local_days first{};  // the first local date, inclusive
  date::local_days last{};   // the last local date, inclusive
  ReportBucket by = ReportBucket::kDay;
};

// The longest range a report takes (ten years of days).
inline constexpr int kMaxReportDays = 3660;

// ?from=YYYY-MM-DD&to=YYYY-MM-DD&by=day|week|month|hour|total (local dates of
// the desk, both inclusive; by defaults to day). kInvalidArgument naming the
// parameter: a malformed date, to before from, a range over kMaxReportDays,
// an unknown bucket.
Result<ReportRange> ParseReportRange(std::string_view from, std::string_view to,
                                     std::string_view by);
std::string_view Name(ReportBucket b);

struct ReportTable {
  std::string name;
  std::string time_zone;
  std::vector<std::string> columns;
  std::vector<std::vector<boost::json::value>> rows;
  boost::json::object ToJson() const;
};

// The names GET /api/v1/reports/{name} answers: tickets, tickets_by, sla,
// backlog, calls, calls_by, phone, zb, zb_results.
const std::vector<std::string_view>& ReportNames();

// One report of `desk` (its zone and calendar from d.desks), judged at
// d.clock's now. kNotFound for an unknown name.
Result<ReportTable> ComputeReport(Deps& d, const std::string& desk, std::string_view name,
                                  const ReportRange& range);

// The wallboard's counts at now (docs/reports.md "The wallboard").
Result<boost::json::object> ComputeWallboard(Deps& d, const std::string& desk);

// An instant in the desk's zone with its offset: "2026-11-24T08:00:00-05:00".
std::string FormatLocalInstant(const date::time_zone* zone, TimePoint t);
// The zone of an IANA name; nullptr for UTC (or an unknown name).
const date::time_zone* ZoneOf(std::string_view name);

// Every ticket opened in the range, one row each (the export behind
// GET /api/v1/reports/tickets/rows), handed to `row` as it is read: the
// columns of TicketRowColumns(), times in the desk's zone.
const std::vector<std::string>& TicketRowColumns();
Status ScanTicketRows(Deps& d, const std::string& desk, const ReportRange& range,
                      const std::function<Status(const std::vector<std::string>&)>& row);

}  // namespace atiende
