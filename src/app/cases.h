// Use cases on cases — running procedures (core/case.h, core/case_engine.h),
// the ZB protocol among them (ZB-1 … ZB-10): open one from an intake, read
// and list them (queues, overdue first), answer the current step, and hear of
// changes to the notice a case follows. Each change is one store transaction
// holding the case, its audit row, the calls, notices, blocks and mails its
// actions make, and the work items of the timers it arms (app/case_timers.h
// fires them). "Today" for date fields is the desk's local date.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"
#include "core/case.h"
#include "core/case_engine.h"
#include "core/user.h"

namespace atiende {

// A case with what its view shows beside it.
struct CaseDetail {
  Case c;
  const Procedure* procedure = nullptr;  // nullptr: no longer loaded
  std::optional<Customer> customer;
  std::optional<Notice> notice;
};

struct OpenedCase {
  CaseDetail detail;
  bool created = false;  // false: added to the customer's open case (ZB-1)
};

// ZB-1: opens a case of `procedure` for the customer from the intake — runs
// on_start (mails, the notice lookup) and the first steps — or, when the
// customer has an open case of that procedure, adds the intake to it.
// Errors: kInvalidArgument naming "procedure" (unknown), "customer_id"
// (unknown customer), "intake.*"; kConflict reason "block_required" when the
// customer lacks the procedure's block (nothing is written).
Result<OpenedCase> OpenCase(Deps& d, const Principal& actor, const std::string& procedure,
                            int64_t customer_id, CaseIntake intake);

// By number (any case). kNotFound echoing the number.
Result<CaseDetail> GetCase(Deps& d, const DeskScope& scope, std::string_view number);

// Answers the current step (CaseEngine::Submit's errors; kConflict reason
// "version_conflict" when expected_version is set and stale).
Result<CaseDetail> SubmitCaseStep(Deps& d, const Principal& actor, std::string_view number,
                                  StepAnswer answer, std::optional<int64_t> expected_version);

// A queue. REQUIRES: q.limit 1..500.
Result<std::vector<CaseDetail>> ListCases(Deps& d, const DeskScope& scope, const CaseQuery& q);

// The notice `n` changed (updated or closed) in the caller's transaction:
// every open case following it moves (CaseEngine::NoticeChanged).
Status NotifyCasesOfNotice(WriteTx& tx, const Deps& d, const Principal& actor, const Notice& n,
                           TimePoint now);

// For the timers (app/case_timers.h): loads case `case_id`, fires its timer
// if still armed with `generation`, saves. Sets `fired`.
Status FireCaseTimer(WriteTx& tx, const Deps& d, int64_t case_id, const std::string& timer,
                     int64_t generation, bool& fired);

}  // namespace atiende
