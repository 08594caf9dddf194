// Store: the persistence port. Adapters: sqlite/ (embedded default) and, later,
// postgres/. One contract test suite (store_contract_test.h) runs on each.
//
// Work happens in closures (STYLE.md §5): Read() runs fn against a consistent
// snapshot, Write() runs fn inside one transaction that commits when fn returns
// OK and rolls back everything fn did otherwise. Business rules live in the
// closures (src/app/); the transaction stays here.
//
// Thread-safety: a Store is safe to use from any number of threads. Transaction
// objects (ReadTx/WriteTx) belong to the closure that received them and must
// not escape it. Write() may commit several callers' closures together (group
// commit); each closure still succeeds or fails on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.h"
#include "core/clock.h"
#include "core/customer.h"
#include "core/interaction.h"
#include "core/notice.h"
#include "core/status.h"
#include "core/ticket.h"
#include "core/user.h"

namespace atiende {

// One append-only audit row (G-1).
struct AuditEntry {
  int64_t id = 0;
  TimePoint at{};
  std::string actor;      // username, or "system"
  std::string action;     // e.g. "customer.create"
  std::string entity;     // e.g. "customer"
  std::string entity_id;  // e.g. "42"
  std::string before;     // JSON text, or "" when created
  std::string after;      // JSON text, or "" when deleted
};

// An audit row as the change feed tells it: what changed, not how.
struct Change {
  int64_t id = 0;  // the audit row's id
  TimePoint at{};
  std::string action;     // "ticket.comment"
  std::string entity;     // "ticket"
  std::string entity_id;  // "CS0000001"
  // The customer a ticket or case belongs to (the portal sees its own
  // company's tickets only); nullopt for other entities.
  std::optional<int64_t> customer_id;
};

struct CustomerQuery {
  std::string text;  // raw user text; folded and matched by the adapter
  int limit = 20;    // REQUIRES: 1..100
};

struct CustomerHit {
  Customer customer;
  double score = 0;  // 0..1, higher is better
};

// A sign-in credential: a browser session or an API token. Only a hash of the
// secret is stored.
struct Credential {
  std::string token_hash;  // hex SHA-256 of the secret
  int64_t user_id = 0;
  std::string kind;  // "session" or "api"
  TimePoint created_at{};
  TimePoint expires_at{};
};

// A unit of background work (a timer to fire, a mail to deliver...). Nodes
// claim due items for a lease; an item is done once, by the node that holds it.
struct WorkItem {
  int64_t id = 0;
  std::string kind;     // e.g. "mail.deliver"
  std::string payload;  // kind-specific, usually JSON
  TimePoint due_at{};
  int attempts = 0;  // claims so far, this one included
};

// A named role or distribution list of the directory ("mesa_clientes").
struct DirectoryList {
  std::string name;
  std::vector<std::string> addresses;
  TimePoint updated_at{};
};

// A rendered mail in the outbox (G-2). status: "queued" → "sending" → "sent",
// or "failed" after its retries; "kept" when no SMTP is configured and the
// mail was written as an .eml file instead.
struct OutboxMail {
  int64_t id = 0;
  std::string message_id;  // "<...@host>", assigned when queued
  std::string event;
  std::string lang;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;
  std::string text;
  std::string html;
  std::string thread_key;   // e.g. "ticket:CS0000001"; "" for none
  std::string in_reply_to;  // first mail of the thread, when any
  std::string references;   // space-separated Message-IDs of the thread
  std::string status;
  int attempts = 0;
  std::string last_error;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> sent_at;
};

struct MailFilter {
  std::string status;      // "" for any
  std::string thread_key;  // "" for any
  int64_t before_id = 0;   // 0 for the newest
  int limit = 50;
};

// A ticket queue (NM-4): critical customers first, then by next due time
// (Ticket::next_due()), then by id. Empty filters match everything.
struct TicketQuery {
  std::vector<TicketState> states;  // empty: any state
  std::optional<int64_t> customer_id;
  std::optional<TicketKind> kind;
  std::string assigned_group;
  std::string assigned_engineer;
  std::optional<TimePoint> due_before;  // next_due < this (breached when = now)
  int limit = 50;                       // REQUIRES: 1..500
  int offset = 0;
};

// Calls, newest first (by started_at, then id).
struct InteractionQuery {
  std::optional<int64_t> customer_id;
  std::string ticket_number;  // "" for any
  std::string agent;          // "" for any
  int64_t before_id = 0;      // 0 for the newest; else only ids < before_id
  int limit = 50;             // REQUIRES: 1..500
};

// Dispatch notices, newest first (by id). Empty filters match everything.
struct NoticeQuery {
  std::optional<int64_t> customer_id;
  std::optional<NoticeState> state;
  int limit = 50;  // REQUIRES: 1..500
  int offset = 0;
};

// Cases of procedures (queues): overdue first — by the moment the current
// step's first timer falls due, cases without a timer after — then by id.
// Empty filters match everything.
struct CaseQuery {
  std::string procedure;  // "" for any
  std::optional<CaseState> state;
  std::string role;  // cases whose current step is for this role; "" for any
  std::optional<int64_t> customer_id;
  int limit = 50;  // REQUIRES: 1..500
  int offset = 0;
};

class ReadTx {
 public:
  virtual ~ReadTx() = default;

  // kNotFound when absent.
  virtual Result<Customer> GetCustomer(int64_t id) = 0;
  virtual Result<Customer> GetCustomerByCode(std::string_view code) = 0;
  // The customer an imported row refers to: by code when non-empty, else by
  // tax id when non-empty, else by folded legal name. nullopt when none.
  virtual Result<std::optional<Customer>> FindCustomerByKey(std::string_view code,
                                                            std::string_view tax_id,
                                                            std::string_view legal_name) = 0;
  // Best matches first; empty when nothing matches.
  virtual Result<std::vector<CustomerHit>> SearchCustomers(const CustomerQuery& q) = 0;
  // Customers with id > after_id, by id, at most limit.
  virtual Result<std::vector<Customer>> ListCustomers(int64_t after_id, int limit) = 0;
  virtual Result<int64_t> CountCustomers() = 0;

  virtual Result<User> GetUser(int64_t id) = 0;
  virtual Result<User> GetUserByName(std::string_view username) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  // kNotFound when no credential has this hash.
  virtual Result<Credential> GetCredential(std::string_view token_hash) = 0;

  // Lists sorted by name.
  virtual Result<std::vector<DirectoryList>> GetDirectory() = 0;
  // kNotFound for an unknown list.
  virtual Result<DirectoryList> GetDirectoryList(std::string_view name) = 0;

  // kNotFound when absent.
  virtual Result<OutboxMail> GetMail(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<OutboxMail>> ListMail(const MailFilter& f) = 0;
  // Message-IDs of a thread's first mail and its 9 most recent, oldest first
  // (enough for In-Reply-To and References; constant cost however long the thread).
  virtual Result<std::vector<std::string>> ThreadMessageIds(std::string_view thread_key) = 0;
  // Mails queued to `address` (To or Cc) at or after `since`, counted up to
  // `limit` (the answer is min(count, limit); the cost is bounded by limit).
  virtual Result<int64_t> CountMailTo(std::string_view address, TimePoint since, int64_t limit) = 0;

  // The earliest time an item of `kind` can next be claimed (its due time, or
  // its lease's end while claimed); nullopt when none is pending.
  virtual Result<std::optional<TimePoint>> NextDueWork(std::string_view kind) = 0;

  // The ticket numbered `number`: a CS or REQ number, or a RITM number (its
  // request). Upper-case numbers only. kNotFound when no ticket has it.
  virtual Result<Ticket> GetTicket(std::string_view number) = 0;
  // The unclosed ticket (IsUnclosed) of this customer and non-empty service
  // id, if any (NM-10: at most one exists).
  virtual Result<std::optional<Ticket>> FindUnclosedTicket(int64_t customer_id,
                                                           std::string_view service_id) = 0;
  virtual Result<std::vector<Ticket>> ListTickets(const TicketQuery& q) = 0;
  // Resolved tickets whose resolved_at is before `before`, oldest first.
  virtual Result<std::vector<Ticket>> ListResolvedBefore(TimePoint before, int limit) = 0;

  virtual Result<std::vector<Interaction>> ListInteractions(const InteractionQuery& q) = 0;

  // The notice numbered `number` (exact, as stored: upper case). kNotFound
  // when none has it.
  virtual Result<Notice> GetNotice(std::string_view number) = 0;
  // The notice created with this non-empty external id, if any.
  virtual Result<std::optional<Notice>> FindNoticeByExternalId(std::string_view external_id) = 0;
  virtual Result<std::vector<Notice>> ListNotices(const NoticeQuery& q) = 0;

  // The case numbered `number` (exact, upper case). kNotFound when none has it.
  virtual Result<Case> GetCase(std::string_view number) = 0;
  virtual Result<Case> GetCaseById(int64_t id) = 0;
  // The open case of this procedure for this customer, if any (ZB-1: at most one).
  virtual Result<std::optional<Case>> FindOpenCase(std::string_view procedure,
                                                   int64_t customer_id) = 0;
  // Open cases following the notice numbered `notice_number`, by id.
  virtual Result<std::vector<Case>> ListOpenCasesByNotice(std::string_view notice_number) = 0;
  virtual Result<std::vector<Case>> ListCases(const CaseQuery& q) = 0;

  // Newest first; entity/entity_id filter when non-empty.
  virtual Result<std::vector<AuditEntry>> ListAudit(std::string_view entity,
                                                    std::string_view entity_id, int limit) = 0;
  // The change feed (app/change_feed.h): audit rows with id > after_id,
  // oldest first, at most limit. On PostgreSQL ids are taken at insert and
  // commit in any order, so a smaller id may still appear later.
  virtual Result<std::vector<Change>> ListChanges(int64_t after_id, int limit) = 0;
  // The largest audit id, 0 when the log is empty.
  virtual Result<int64_t> LastAuditId() = 0;
};

class WriteTx : public ReadTx {
 public:
  // Sets c.id, c.version = 1, and c.code when it was empty. c.created_at and
  // c.updated_at must be set by the caller. kAlreadyExists (field "code") when
  // the code is taken.
  virtual Status InsertCustomer(Customer& c) = 0;
  // Writes c over the stored row with the same id when its stored version is
  // c.version - 1. kNotFound when absent; kConflict when the version moved.
  virtual Status UpdateCustomer(const Customer& c) = 0;
  // kNotFound when absent.
  virtual Status DeleteCustomer(int64_t id) = 0;

  // Sets u.id. kAlreadyExists (field "username") when taken.
  virtual Status InsertUser(User& u) = 0;
  virtual Status UpdateUser(const User& u) = 0;
  virtual Status InsertCredential(const Credential& c) = 0;
  // No error when absent.
  virtual Status DeleteCredential(std::string_view token_hash) = 0;
  virtual Status DeleteExpiredCredentials(TimePoint now) = 0;

  virtual Status AppendAudit(const AuditEntry& e) = 0;

  // Creates or replaces a list.
  virtual Status PutDirectoryList(const DirectoryList& l) = 0;
  // Sets m.id. kAlreadyExists for a reused message_id.
  virtual Status InsertMail(OutboxMail& m) = 0;
  // Writes status, attempts, last_error, updated_at and sent_at of m.id.
  virtual Status UpdateMailStatus(const OutboxMail& m) = 0;

  // The next number of a series ("CS", "REQ", "RITM"): 1, 2, 3, … with no gap
  // and no duplicate — the increment rolls back with the transaction, and
  // concurrent transactions (PostgreSQL) wait for each other on the series.
  virtual Result<int64_t> NextNumber(std::string_view series) = 0;
  // Stores a new ticket with its item numbers; sets t.id and t.version = 1.
  // kAlreadyExists with field "service_id" when the customer already has an
  // unclosed ticket for t.service_id (non-empty) — the store enforces it, so
  // concurrent openings cannot both pass; field "number" for a reused number.
  virtual Status InsertTicket(Ticket& t) = 0;
  // Writes t over the stored ticket with the same id when its stored version
  // is t.version - 1. kNotFound when absent; kConflict when the version moved;
  // kAlreadyExists (field "service_id") as InsertTicket when a reopen would
  // make two unclosed tickets for one service.
  virtual Status UpdateTicket(const Ticket& t) = 0;

  // Sets i.id.
  virtual Status InsertInteraction(Interaction& i) = 0;

  // Stores a new notice; sets n.id and n.version = 1. kAlreadyExists with
  // field "external_id" when another notice has n.external_id (non-empty) —
  // the store enforces it, so concurrent creations cannot both pass — or field
  // "number" for a reused number.
  virtual Status InsertNotice(Notice& n) = 0;
  // Writes n over the stored notice with the same id when its stored version
  // is n.version - 1. The number and external id are fixed at insert.
  // kNotFound when absent; kConflict (reason "version_conflict") when the
  // version moved.
  virtual Status UpdateNotice(const Notice& n) = 0;

  // Stores a new case; sets c.id and c.version = 1. kAlreadyExists with field
  // "customer_id" when the customer has an open case of the same procedure —
  // the store enforces it, so concurrent intakes cannot both pass — field
  // "number" for a reused number.
  virtual Status InsertCase(Case& c) = 0;
  // Writes c over the stored case with the same id when its stored version is
  // c.version - 1. kNotFound when absent; kConflict (reason
  // "version_conflict") when the version moved.
  virtual Status UpdateCase(const Case& c) = 0;

  // Adds an item of background work; sets w.id.
  virtual Status EnqueueWork(WorkItem& w) = 0;
  // Claims up to `limit` items of `kind` that are due (due_at <= now), not
  // done, and not held by an unexpired claim, for `owner` until now + lease.
  // Oldest due first. Concurrent claimers on any number of nodes never receive
  // the same item while its lease runs (PostgreSQL: FOR UPDATE SKIP LOCKED).
  virtual Result<std::vector<WorkItem>> ClaimWork(std::string_view kind, std::string_view owner,
                                                  TimePoint now, Micros lease, int limit) = 0;
  // Marks a claimed item done. kConflict when `owner` no longer holds it (its
  // lease ran out and another node claimed it): the caller's transaction
  // should then roll back its effects.
  virtual Status CompleteWork(int64_t id, std::string_view owner, TimePoint now) = 0;
  // Gives a claimed item back, due again at `retry_at` (after a failure).
  virtual Status ReleaseWork(int64_t id, std::string_view owner, TimePoint retry_at) = 0;
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
