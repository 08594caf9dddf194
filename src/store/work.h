// Background work items (timers to fire, mails to deliver…) and the gapless
// number series. Reached from a transaction (store.h): `tx.work()`,
// `tx.numbers()`. Thread-safety: as the transaction that hands them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/audit.h"

namespace atiende {

// A unit of background work (a timer to fire, a mail to deliver...). Nodes
// claim due items for a lease; an item is done once, by the node that holds it.
struct WorkItem {
  int64_t id = 0;
  std::string kind;     // e.g. "mail.deliver"
  std::string payload;  // kind-specific, usually JSON
  TimePoint due_at{};
  int attempts = 0;  // claims so far, this one included
};

class WorkReader {
 public:
  virtual ~WorkReader() = default;
  // The earliest time an item of `kind` can next be claimed (its due time, or
  // its lease's end while claimed); nullopt when none is pending.
  virtual Result<std::optional<TimePoint>> NextDue(std::string_view kind) = 0;
};

class WorkWriter : public WorkReader {
 public:
  // Adds an item of background work; sets w.id.
  virtual Status Enqueue(WorkItem& w) = 0;
  // Claims up to `limit` items of `kind` that are due (due_at <= now), not
  // done, and not held by an unexpired claim, for `owner` until now + lease.
  // Oldest due first. Concurrent claimers on any number of nodes never receive
  // the same item while its lease runs (PostgreSQL: FOR UPDATE SKIP LOCKED).
  virtual Result<std::vector<WorkItem>> Claim(std::string_view kind, std::string_view owner,
                                              TimePoint now, Micros lease, int limit) = 0;
  // Marks a claimed item done. kConflict when `owner` no longer holds it (its
  // lease ran out and another node claimed it): the caller's transaction
  // should then roll back its effects.
  virtual Status Complete(int64_t id, std::string_view owner, TimePoint now) = 0;
  // Gives a claimed item back, due again at `retry_at` (after a failure).
  virtual Status Release(int64_t id, std::string_view owner, TimePoint retry_at) = 0;
  // Extends `owner`'s claim on item `id` to `until` (a heartbeat, or the check
  // before an effect that must not happen twice). Succeeds while `owner` still
  // holds the item — even past its lease, as long as no one claimed it
  // meanwhile — and never hands it over. kConflict when `owner` no longer
  // holds it: done, given back, or claimed by another node after its lease
  // ran out. A claimer and a renewal of one item are serialised (SQLite's one
  // writer; PostgreSQL's row lock), so after a successful renewal no other
  // claim can start before `until` (on the claimer's clock).
  virtual Status Renew(int64_t id, std::string_view owner, TimePoint until) = 0;
};

class NumberSeries {
 public:
  virtual ~NumberSeries() = default;
  // The next number of a series ("CS", "REQ", "RITM", "EME", "ZB"): 1, 2, 3, …
  // with no gap and no duplicate — the increment rolls back with the
  // transaction, and concurrent transactions (PostgreSQL) wait for each other
  // on the series. Each desk has its own series (both desks have a
  // CS0000001); kInternal in the all-desks scope.
  virtual Result<int64_t> Next(std::string_view series) = 0;

  // Late numbering of a ticket opening (docs/tickets.md, "Numbers").
  // PostgreSQL locks the series row from Next() to the commit, so concurrent
  // openings of one desk queue for the whole transaction. There, true: write
  // the ticket under a placeholder and take the number with
  // SettleTicketNumber as the transaction's last statement. SQLite's one
  // writer holds no lock for others to wait on: false, take it with Next().
  virtual bool late() const { return false; }
  // In one statement: takes the next number of `series` (as Next()), then, in
  // this desk's rows, writes it over `placeholder` in the ticket (its number
  // and document), its entry in the number index, its calls' ticket number
  // and its mails (thread, subject, bodies), and appends `audit` with the
  // placeholder replaced in its entity id and documents (the audit is never
  // rewritten, so it is written here). Returns the number; kInternal, taking
  // none, when no ticket of the desk has the placeholder. Call it last: the
  // series is locked from here to the commit (PostgreSQL). REQUIRES:
  // placeholder is ASCII letters and digits only, never user text, and the
  // ticket has no items (their numbers are another series).
  virtual Result<int64_t> SettleTicketNumber(std::string_view series, std::string_view placeholder,
                                             const AuditEntry& audit) = 0;
};

}  // namespace atiende
