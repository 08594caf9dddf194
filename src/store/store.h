// Store: the persistence port. Adapters: sqlite/ (embedded, the default) and
// postgres/ (several nodes on one database), both built on the shared SQL
// layer in sql/. One contract test suite (store_contract.h) runs on each.
//
// Work happens in closures (STYLE.md §5): Read() runs fn against a consistent
// snapshot, Write() runs fn inside one transaction that commits when fn returns
// OK and rolls back everything fn did otherwise. Business rules live in the
// closures (src/app/); the transaction stays here.
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
#include <string_view>

#include "store/audit.h"
#include "store/cases.h"
#include "store/customers.h"
#include "store/mail.h"
#include "store/tickets.h"
#include "store/users.h"
#include "store/work.h"

namespace atiende {

class ReadTx {
 public:
  virtual ~ReadTx() = default;
  virtual CustomerReader& customers() = 0;
  virtual UserReader& users() = 0;
  virtual CredentialReader& credentials() = 0;
  virtual TicketReader& tickets() = 0;
  virtual CallReader& calls() = 0;
  virtual NoticeReader& notices() = 0;
  virtual CaseReader& cases() = 0;
  virtual MailReader& mail() = 0;
  virtual DirectoryReader& directory() = 0;
  virtual WorkReader& work() = 0;
  virtual AuditReader& audit() = 0;
};

class WriteTx : public ReadTx {
 public:
  CustomerWriter& customers() override = 0;
  UserWriter& users() override = 0;
  CredentialWriter& credentials() override = 0;
  TicketWriter& tickets() override = 0;
  CallWriter& calls() override = 0;
  NoticeWriter& notices() override = 0;
  CaseWriter& cases() override = 0;
  MailWriter& mail() override = 0;
  DirectoryWriter& directory() override = 0;
  WorkWriter& work() override = 0;
  AuditWriter& audit() override = 0;
  virtual NumberSeries& numbers() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  // Blocking. Returns fn's status, or kUnavailable/kInternal when the store fails.
  virtual Status Read(const std::function<Status(ReadTx&)>& fn) = 0;
  // Blocking: returns once the transaction is durable (or rolled back).
  virtual Status Write(const std::function<Status(WriteTx&)>& fn) = 0;
};

}  // namespace atiende
