// Store: the persistence port. Adapters: sqlite/ (embedded, the default) and
// postgres/ (several nodes on one database), both built on the shared SQL
// layer in sql/. One contract test suite (store_contract.h) runs on each.
//
// Work happens in closures (STYLE.md §5): Read() runs fn against a consistent
// snapshot, Write() runs fn inside one transaction that commits when fn returns
// OK and rolls back everything fn did otherwise. Business rules live in the
// closures (src/app/); the transaction stays here.
//
// Desks (core/desk.h, docs/desks.md): every transaction runs in a DeskScope,
// one desk or all of them. In a desk's scope every reader sees that desk's
// records only — another desk's record is kNotFound, exactly as a missing one
// — and every record written without a desk gets the scope's. The all-desks
// scope is for the system (sweeps, timers, the outbox, administration): it
// filters nothing, and a lookup by number (unique only within a desk) in it
// answers the oldest match. Desks and users are installation-wide.
//
// A transaction hands out one small interface per aggregate, so a use case
// names what it touches: `tx.tickets().Get("CS0000001")`,
// `tx.audit().Append(e)`. Each interface is declared in its own header
// (customers.h, users.h, tickets.h, cases.h, mail.h, work.h, audit.h).
//
// Thread-safety: a Store is safe to use from any number of threads. Transaction
// objects (ReadTx/WriteTx), and the interfaces they hand out, belong to the
// closure that received them and must not escape it. Write() may commit
// several callers' closures together (group commit); each closure still
// succeeds or fails on its own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "store/audit.h"
#include "store/cases.h"
#include "store/customers.h"
#include "store/desks.h"
#include "store/mail.h"
#include "store/reports.h"
#include "store/telephony.h"
#include "store/tickets.h"
#include "store/users.h"
#include "store/work.h"

namespace atiende {

// Which desk's records a transaction sees and writes.
class DeskScope {
 public:
  // One desk's records. REQUIRES: desk non-empty.
  static DeskScope Of(std::string desk) { return DeskScope(std::move(desk)); }
  // Every desk's records: the system's scope.
  static DeskScope All() { return DeskScope(""); }
  // "" for every desk.
  const std::string& desk() const { return desk_; }
  bool all() const { return desk_.empty(); }

 private:
  explicit DeskScope(std::string desk) : desk_(std::move(desk)) {}
  std::string desk_;
};

class ReadTx {
 public:
  virtual ~ReadTx() = default;
  // The scope the transaction was opened in.
  virtual const DeskScope& scope() const = 0;
  virtual DeskReader& desks() = 0;
  virtual CustomerReader& customers() = 0;
  virtual UserReader& users() = 0;
  virtual CredentialReader& credentials() = 0;
  virtual TicketReader& tickets() = 0;
  virtual CallReader& calls() = 0;
  virtual TelephonyReader& telephony() = 0;
  // The desk's figures (store/reports.h); read-only, also in a WriteTx.
  virtual ReportReader& reports() = 0;
  virtual NoticeReader& notices() = 0;
  virtual CaseReader& cases() = 0;
  virtual MailReader& mail() = 0;
  virtual DirectoryReader& directory() = 0;
  virtual WorkReader& work() = 0;
  virtual AuditReader& audit() = 0;
};

class WriteTx : public ReadTx {
 public:
  DeskWriter& desks() override = 0;
  CustomerWriter& customers() override = 0;
  UserWriter& users() override = 0;
  CredentialWriter& credentials() override = 0;
  TicketWriter& tickets() override = 0;
  CallWriter& calls() override = 0;
  TelephonyWriter& telephony() override = 0;
  NoticeWriter& notices() override = 0;
  CaseWriter& cases() override = 0;
  MailWriter& mail() override = 0;
  DirectoryWriter& directory() override = 0;
  WorkWriter& work() override = 0;
  AuditWriter& audit() override = 0;
  virtual NumberSeries& numbers() = 0;
  // This same transaction seen from one desk's scope: what the system does
  // for one desk's record found in the all-desks scope (a case's timer).
  // Valid while this transaction is. REQUIRES: scope().all() or
  // scope().desk() == desk; desk non-empty.
  virtual std::unique_ptr<WriteTx> InDesk(const std::string& desk) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  // Blocking. Returns fn's status, or kUnavailable/kInternal when the store fails.
  virtual Status Read(const DeskScope& scope, const std::function<Status(ReadTx&)>& fn) = 0;
  // Blocking: returns once the transaction is durable (or rolled back).
  virtual Status Write(const DeskScope& scope, const std::function<Status(WriteTx&)>& fn) = 0;
};

}  // namespace atiende
