// Pieces shared by the ticket use cases (tickets.cc, ticket_actions.cc,
// calls.cc): loading a visible ticket in a transaction, saving a change with
// its audit row, and mailing the customer's contact.
// Thread-safety: stateless; runs inside one Read()/Write() closure.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "app/deps.h"
#include "core/customer.h"
#include "core/ticket.h"
#include "core/user.h"
#include "store/store.h"

namespace atiende {

// kNotFound("no ticket numbered X") for a malformed or unknown number and for
// a ticket a customer user may not see.
Result<Ticket> LoadTicket(ReadTx& tx, const Principal& who, std::string_view number);

// kConflict reason "version_conflict" when expected is set and differs.
Status CheckTicketVersion(const Ticket& t, std::optional<int64_t> expected);

// Stores `after` (version and updated_at set here) over `before` and audits
// the change as `action` ("ticket.update", "ticket.resolve", …).
Status SaveTicket(WriteTx& tx, const Deps& d, const Principal& actor, std::string action,
                  const Ticket& before, Ticket& after);

// The JSON kept in audit rows for a ticket: the staff view at its last change,
// with the journal lines from `journal_from` on as "updates_added" instead of
// the whole journal.
boost::json::object TicketAuditJson(const Ticket& t, size_t journal_from);

// kConflict (reason "journal_full") when adding a line of `adding_bytes`
// would pass kMaxUpdates lines or kMaxJournalBytes. Checked where people add
// comments and notes; the system's own state lines always fit, so a full
// journal never keeps a ticket from being resolved or closed.
Status CheckJournalRoom(const Ticket& t, size_t adding_bytes);

// The fields that differ between two audit JSON texts of a ticket ("" for
// none): [{field, before, after}], nested objects one level deep
// ("sla.response_due"); journal lines added appear as field "updates".
boost::json::array DiffTicketJson(std::string_view before, std::string_view after);

// Queues `event` ("ticket.opened", "ticket.resolved") to the ticket's contact:
// the caller's e-mail, else the customer's. No address: no mail, no error.
// customer_email: the customer's address when the caller already read it
// (nullptr: read here).
Status MailTicketContact(WriteTx& tx, const Deps& d, const Ticket& t, const std::string& event,
                         const std::string* customer_email = nullptr);

// NM-4 "critical customers first in every queue": when a customer's
// criticality changed (the master was edited or re-imported), its unclosed
// tickets take the new rank, each with its audit row. Priorities stay as
// they are (an agent may have chosen them). Call in the customer's transaction.
Status RefreshTicketRank(WriteTx& tx, const Deps& d, const Principal& actor, const Customer& before,
                         const Customer& after);

// The author name shown on journal lines.
inline std::string AuthorOf(const Principal& p) {
  return p.username.empty() ? "system" : p.username;
}

}  // namespace atiende
