// Use cases that change an existing ticket (NM-7 … NM-10, G-1): PATCH,
// resolve, close, reopen, comments, and the auto-close of resolved tickets.
// Each loads the visible ticket, checks the expected version, applies the
// change and saves it with its audit row in one store transaction; without an
// expected version a concurrent change is read again and the change reapplied.
//
// Visibility as in tickets.h: a number the actor may not see is kNotFound.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/deps.h"
#include "core/ticket.h"
#include "core/user.h"

namespace atiende {

// The fields PATCH may change; nullopt leaves a field alone.
struct TicketChange {
  std::optional<TicketState> state;  // only by the "update" and "cancel" actions
  std::optional<int64_t> priority;   // as typed; 1..4 or refused
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

// Closes tickets resolved more than their desk's autoclose_days ago (NM-10),
// as "system". Safe on several nodes at once: each ticket closes once (the
// optimistic version lets one node win). Returns how many it closed.
Result<int> AutoCloseResolved(Deps& d);

}  // namespace atiende
