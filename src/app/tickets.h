// Use cases on tickets (NM-6 … NM-10, G-1): open, follow by number, queues
// and history. The changes to an existing ticket (PATCH, resolve, close,
// reopen, comment, auto-close) are in ticket_actions.h. Each write runs in one
// store transaction with its audit row, the call it came from (NM-5) and the
// mails it sends (G-2).
//
// Visibility: a customer user sees only its company's tickets; any other
// number is kNotFound, exactly as an unknown one, so numbers do not leak.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"
#include "app/ticket_actions.h"  // cli/ticket_cmd.cc still reaches the actions through here
#include "core/interaction.h"
#include "core/ticket.h"
#include "core/user.h"

namespace atiende {

struct OpenTicketInput {
  TicketKind kind = TicketKind::kIncident;
  std::string category;
  int64_t customer_id = 0;
  std::string service_id;  // required for incidents
  std::string circuit;     // "" → taken from the customer's services when listed
  std::string subject;
  std::string description;
  Caller caller;
  std::optional<int64_t> priority;  // as typed; nullopt → DefaultPriority; 1..4 or refused
  std::string assigned_engineer;
  std::string assigned_group;
  std::vector<std::string> items;  // requirement items; none → one item from the subject
  // An earlier ticket of the customer this one follows (NM-9). When it is the
  // resolved ticket that blocks this opening (NM-10), it closes in the same
  // transaction: the problem came back after the day it could be reopened.
  std::string linked_to;
  std::string call_notes;
  std::optional<TimePoint> call_started_at;  // nullopt → now
  // The caller names a service the master does not list (issue 15): the
  // ticket opens for it and the service is added to the customer, flagged
  // unconfirmed for the master's editors. Without it such a service is refused.
  bool new_service = false;
  // The phone system's record of the call (docs/telephony.md): the logged
  // call is linked to it, and a missed call is handled by it (the callback).
  std::optional<int64_t> telephony_call_id;
};

struct OpenedTicket {
  Ticket ticket;
  Interaction call;
};

// Opens a ticket and logs the call (outcome "ticket_opened"). Errors:
// kInvalidArgument naming the field; kConflict reason
// "blocked_by_unclosed_ticket" (subject: that ticket's number) when the
// customer has an unclosed ticket for the service — the call is then still
// logged, with that outcome.
Result<OpenedTicket> OpenTicket(Deps& d, const Principal& actor, OpenTicketInput in);

// By CS, REQ or RITM number (any case). kNotFound echoing the number.
Result<Ticket> GetTicket(Deps& d, const Principal& who, std::string_view number);

// A queue (NM-4): critical customers first, then by due time. A customer user
// sees its own company's tickets only. Empty states → the working states
// (new, in_progress, on_hold). breached → only tickets past their next due time.
struct QueueFilter {
  std::vector<TicketState> states;
  std::optional<int64_t> customer_id;
  std::optional<TicketKind> kind;
  std::string assigned_group;
  std::string assigned_engineer;
  bool breached = false;
  int limit = 50;
  int offset = 0;
};
Result<std::vector<Ticket>> ListQueue(Deps& d, const Principal& who, QueueFilter f);

// G-1: every change of the ticket, oldest first: who, when, what action, and
// each changed field before and after.
struct TicketChangeEntry {
  TimePoint at{};
  std::string actor;
  std::string action;
  boost::json::array changes;  // [{field, before, after}]
};
Result<std::vector<TicketChangeEntry>> TicketHistory(Deps& d, const Principal& who,
                                                     std::string_view number);

}  // namespace atiende
