// Interaction: one logged call (NM-5). Every call the desk takes is one, with
// its type and outcome, whether or not a ticket results. A caller not found in
// the customer master is recorded with no customer and the outcome
// "derived_assurance" (NM-3).
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/ticket.h"

namespace atiende {

// Types: "opening", "follow_up", "service_info", "case" (a call of a
// procedure's case: its intake or an attempt to reach the customer), "other".
const std::vector<std::string_view>& InteractionTypes();
// Outcomes: "ticket_opened", "ticket_reopened", "blocked_by_unclosed_ticket",
// "follow_up_given", "information_given", "contacts_updated",
// "derived_assurance", "ticket_closed", "case_opened", "case_intake_added",
// "contacted", "no_contact", "other".
const std::vector<std::string_view>& InteractionOutcomes();

struct Interaction {
  int64_t id = 0;                      // assigned by the store
  std::string desk;                    // the scope's when empty at insert
  std::optional<int64_t> customer_id;  // nullopt: not in the master
  Caller caller;
  std::string type;
  std::string outcome;
  std::string notes;
  std::string ticket_number;  // the ticket (or case: ZB0000001) the call concerned, or ""
  std::string agent;          // username of who took the call
  TimePoint started_at{};
  TimePoint ended_at{};
};

inline constexpr size_t kMaxNotesBytes = 16 << 10;

// Validates type, outcome, caller (NormalizeCaller), notes and times (ended
// not before started). kInvalidArgument naming the field.
Status NormalizeInteraction(Interaction& i);

}  // namespace atiende
