// Use cases on calls (NM-3, NM-5, NM-8): logging a call, the hand-off to
// Assurance of callers not in the master, follow-up and service information
// given on a call, contacts updated on a call, and a customer's timeline.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"
#include "core/customer.h"
#include "core/interaction.h"
#include "core/ticket.h"
#include "core/user.h"

namespace atiende {

struct CallInput {
  std::optional<int64_t> customer_id;  // nullopt: the caller is not in the master
  Caller caller;
  std::string type;     // InteractionTypes()
  std::string outcome;  // "" → from the type: follow_up_given, information_given, other;
                        // derived_assurance when there is no customer
  std::string notes;
  std::string ticket_number;            // required for follow_up (CS, REQ or RITM)
  std::optional<TimePoint> started_at;  // nullopt → now
  // The phone system's record of this call (docs/telephony.md): linked to
  // the logged call, and a missed one is handled by it (the callback).
  std::optional<int64_t> telephony_call_id;
};

// What the agent tells the caller about the company's services (NM-8).
struct ServiceInfo {
  Customer customer;         // service manager, services, contacts
  std::vector<Ticket> open;  // unclosed tickets, with their engineers
};

struct RecordedCall {
  Interaction call;
  std::optional<Ticket> ticket;     // follow_up: the ticket as it stands (NM-7)
  std::optional<ServiceInfo> info;  // service_info
  bool handed_off = false;          // derived_assurance: the mail to "assurance" was queued
};

// Logs a call in one transaction with what it reads. A follow-up needs a
// ticket number (kNotFound echoing it); service information needs a customer.
// Outcome derived_assurance queues the hand-off mail (event
// "call.derived_assurance") to the "assurance" list. Opening tickets is
// OpenTicket's (outcome ticket_opened is refused here).
Result<RecordedCall> RecordCall(Deps& d, const Principal& agent, CallInput in);

// Calls, newest first. q.ticket_number may be in any case ("cs0000001"); a
// requested item's (RITM) calls are those of its request.
Result<std::vector<Interaction>> ListCalls(Deps& d, const DeskScope& scope,
                                           const InteractionQuery& q);

// Replaces the company's contacts during a call (NM-8) and logs the call
// (service_info / contacts_updated) with the customer change's audit row.
// With expected_version, a customer at another version is refused
// (409 version_conflict) and nothing is written: two agents editing the same
// list do not silently overwrite each other.
Result<Customer> UpdateContactsOnCall(Deps& d, const Principal& agent, int64_t customer_id,
                                      std::optional<int64_t> expected_version,
                                      std::vector<Contact> contacts, Caller caller,
                                      std::string notes);

// A customer's calls and tickets, newest first, at most `limit` of each.
struct TimelineEntry {
  TimePoint at{};
  std::optional<Interaction> call;
  std::optional<Ticket> ticket;
};
Result<std::vector<TimelineEntry>> CustomerTimeline(Deps& d, const DeskScope& scope,
                                                    int64_t customer_id, int limit);

}  // namespace atiende
