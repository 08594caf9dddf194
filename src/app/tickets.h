// Use cases on tickets (NM-6 … NM-10, G-1): open, follow, change, resolve,
// close, reopen, comment, queues, history, and the auto-close of resolved
// tickets. Each write runs in one store transaction with its audit row, the
// call it came from (NM-5) and the mails it sends (G-2).
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
  std::optional<int> priority;  // nullopt → DefaultPriority
  std::string assigned_engineer;
  std::string assigned_group;
  std::vector<std::string> items;  // requirement items; none → one item from the subject
  // An earlier ticket of the customer this one follows (NM-9). When it is the
  // resolved ticket that blocks this opening (NM-10), it closes in the same
  // transaction: the problem came back after the day it could be reopened.
  std::string linked_to;
  std::string call_notes;
  std::optional<TimePoint> call_started_at;  // nullopt → now
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

// The fields PATCH may change; nullopt leaves a field alone.
struct TicketChange {
  std::optional<TicketState> state;  // only by the "update" and "cancel" actions
  std::optional<int> priority;
  std::optional<std::string> assigned_engineer;
  std::optional<std::string> assigned_group;
  std::optional<std::string> subject;
  std::optional<std::string> work_note;  // appended, internal
  std::optional<std::string> comment;    // appended, visible to the customer
};
// kConflict reason "version_conflict" when expected_version is set and stale
// (no lost update); reason "transition_not_allowed" listing the allowed ones.
Result<Ticket> ChangeTicket(Deps& d, const Principal& actor, std::string_view number,
                            std::optional<int64_t> expected_version, TicketChange change);

// → resolved with the resolution (required); mails the customer's contact.
Result<Ticket> ResolveTicket(Deps& d, const Principal& actor, std::string_view number,
                             std::string resolution, std::optional<int64_t> expected_version);
// resolved → closed. A customer user may close its own company's resolved ticket.
Result<Ticket> CloseTicket(Deps& d, const Principal& actor, std::string_view number,
                           std::optional<int64_t> expected_version);

// NM-9: resolved → in_progress only when resolved on the same calendar day as
// now in the desk's time zone, with a reason; otherwise kConflict reason
// "reopen_not_allowed" saying a new ticket (linked to this one) must be
// opened. When `caller` has a name, the call is logged ("ticket_reopened").
Result<Ticket> ReopenTicket(Deps& d, const Principal& actor, std::string_view number,
                            std::string reason, const Caller& caller);

// kind: "comment" (anyone who sees the ticket) or "work_note" (staff only).
Result<Ticket> CommentTicket(Deps& d, const Principal& actor, std::string_view number,
                             std::string kind, std::string text);

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

// Closes tickets resolved more than DeskSettings::autoclose_days ago (NM-10),
// as "system". Safe on several nodes at once: each ticket closes once (the
// optimistic version lets one node win). Returns how many it closed.
Result<int> AutoCloseResolved(Deps& d);

}  // namespace atiende
