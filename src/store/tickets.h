// Tickets (NM-4 … NM-10) and the calls logged as interactions. Reached from a
// transaction (store.h): `tx.tickets()`, `tx.calls()`.
// Thread-safety: as the transaction that hands them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/interaction.h"
#include "core/status.h"
#include "core/ticket.h"

namespace atiende {

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

class TicketReader {
 public:
  virtual ~TicketReader() = default;
  // The ticket numbered `number`: a CS or REQ number, or a RITM number (its
  // request). Upper-case numbers only. kNotFound when no ticket has it.
  virtual Result<Ticket> Get(std::string_view number) = 0;
  // The unclosed ticket (IsUnclosed) of this customer and non-empty service
  // id, if any (NM-10: at most one exists).
  virtual Result<std::optional<Ticket>> FindUnclosed(int64_t customer_id,
                                                     std::string_view service_id) = 0;
  virtual Result<std::vector<Ticket>> List(const TicketQuery& q) = 0;
  // Resolved tickets whose resolved_at is before `before`, oldest first.
  virtual Result<std::vector<Ticket>> ListResolvedBefore(TimePoint before, int limit) = 0;
};

class TicketWriter : public TicketReader {
 public:
  // Stores a new ticket with its item numbers; sets t.id and t.version = 1.
  // kAlreadyExists with field "service_id" when the customer already has an
  // unclosed ticket for t.service_id (non-empty) — the store enforces it, so
  // concurrent openings cannot both pass; field "number" for a reused number.
  virtual Status Insert(Ticket& t) = 0;
  // Writes t over the stored ticket with the same id when its stored version
  // is t.version - 1. kNotFound when absent; kConflict (reason
  // "version_conflict") when the version moved; kAlreadyExists (field
  // "service_id") as Insert when a reopen would make two unclosed tickets for
  // one service.
  virtual Status Update(const Ticket& t) = 0;
};

class CallReader {
 public:
  virtual ~CallReader() = default;
  virtual Result<std::vector<Interaction>> List(const InteractionQuery& q) = 0;
};

class CallWriter : public CallReader {
 public:
  // Sets i.id.
  virtual Status Insert(Interaction& i) = 0;
};

}  // namespace atiende
