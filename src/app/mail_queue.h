// Use case helper: render a mail and queue it in the caller's transaction
// (G-2; STYLE.md §12). If the transaction rolls back, there is no mail; if it
// commits, a "mail.deliver" work item will deliver it after commit.
// Thread-safety: stateless; runs inside one Write() closure.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/deps.h"
#include "store/store.h"

namespace atiende {

struct MailRequest {
  std::string event;  // a mail::Events() name
  std::string lang;   // "" for the desk's language
  // Each entry is a directory list name ("mesa_clientes") or an address.
  std::vector<std::string> to;
  std::vector<std::string> cc;
  boost::json::object vars;  // the event's variables
  std::string thread_key;    // mails with one key thread together (TicketThreadKey)
};

// The thread keys of the mails about one ticket ("ticket:CS0000001") and
// about one case ("case:" and its number). Built here only: the outbox is
// searched by them.
std::string TicketThreadKey(std::string_view number);
std::string CaseThreadKey(std::string_view number);

// Errors (the caller's transaction should roll back): kInvalidArgument for an
// unknown list, a list with no addresses, a malformed address or no recipient
// at all (field "to"), a template problem. A recipient over the rate cap does
// not fail the change: the mail is kept as "failed" with the reason, and no
// delivery is scheduled. The cap (loop protection) applies to addresses given
// as such (callers, customers), not to the directory's lists.
Result<OutboxMail> QueueMail(WriteTx& tx, const Deps& d, const MailRequest& r);

// Formats an instant in the desk's time zone for mail bodies: "24-11-2026 09:00".
std::string LocalTime(TimePoint t, const std::string& time_zone);

}  // namespace atiende
