// Ticket: a case of the NM desk (NM-6). An *incident* (the service is affected)
// is numbered CS0000001…; a *requirement* (no impact: a change, an RFO) is
// numbered REQ0000001… and carries at least one requested item RITM0000001….
// Each series has its own gapless counter, kept by the store.
//
// The lifecycle is data (TicketTransitions()): every change of state names the
// action that makes it, and the allowed next states of any state are listed
// from that table (for 409 messages and for the console's buttons).
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

enum class TicketKind { kIncident, kRequirement };
enum class TicketState { kNew, kInProgress, kOnHold, kResolved, kClosed, kCancelled };

std::string_view Name(TicketKind k);   // "incident", "requirement"
std::string_view Name(TicketState s);  // "new", "in_progress", …
std::optional<TicketKind> ParseTicketKind(std::string_view s);
std::optional<TicketState> ParseTicketState(std::string_view s);
// Neither closed nor cancelled: such a ticket blocks a new one for the same
// customer and service (NM-10), resolved included.
bool IsUnclosed(TicketState s);
// Every state, in lifecycle order (new, in_progress, on_hold, resolved,
// closed, cancelled); and those of them that IsUnclosed, in the same order.
std::vector<TicketState> AllTicketStates();
std::vector<TicketState> UnclosedTicketStates();

// The categories of each kind (NM-6): incident → outage, degradation,
// packet_loss, saturation, other; requirement → change, rfo, other.
const std::vector<std::string_view>& TicketCategories(TicketKind k);

// One allowed change of state and the action that makes it ("update",
// "resolve", "close", "reopen", "cancel").
struct TicketTransition {
  TicketState from;
  TicketState to;
  std::string_view action;
};
const std::vector<TicketTransition>& TicketTransitions();
// The transitions that leave `from`, in table order.
std::vector<TicketTransition> TransitionsFrom(TicketState from);
// kConflict (reason "transition_not_allowed") naming the allowed ones when the
// table has no row from → to made by `action`.
Status CheckTransition(TicketState from, TicketState to, std::string_view action);

// Number series: "CS" (incidents), "REQ" (requests), "RITM" (requested items).
inline constexpr char kSeriesIncident[] = "CS";
inline constexpr char kSeriesRequest[] = "REQ";
inline constexpr char kSeriesItem[] = "RITM";
// "CS" + 7 digits (more digits past 9,999,999).
std::string FormatTicketNumber(std::string_view series, int64_t n);
struct TicketNumber {
  std::string series;  // "CS", "REQ" or "RITM"
  int64_t n = 0;
};
// Case-insensitive ("cs0000001" is CS0000001); nullopt when malformed.
std::optional<TicketNumber> ParseTicketNumber(std::string_view s);

// Priority 1 (critical) … 4 (low), as ServiceNow desks number them.
inline constexpr int kPriorityCritical = 1;
inline constexpr int kPriorityLow = 4;
// The priority a new ticket gets when the agent does not choose one: an outage
// is 2, other incidents 3, requirements 4; a critical customer ("Prioritario")
// ranks one higher (NM-4).
int DefaultPriority(TicketKind k, std::string_view category, bool critical_customer);
// A priority as it came in (any whole number) as an int: 1..4 stay as they
// are; anything else stays outside 1..4, so that the checks that refuse it
// (NormalizeNewTicket, ChangeTicket) still do, and never overflows.
int PriorityFromInput(int64_t p);

struct Caller {
  std::string name;  // required on calls
  std::string phone;
  std::string company;
  std::string email;
  bool operator==(const Caller&) const = default;
};

// A line of the ticket's journal. kind: "comment" (visible to the customer),
// "work_note" (internal), "state" (a change of state, written by the system).
struct TicketUpdate {
  TimePoint at{};
  std::string author;
  std::string kind;
  std::string text;
  bool operator==(const TicketUpdate&) const = default;
};

// A requested item of a requirement (RITM).
struct TicketItem {
  std::string number;  // RITM0000001
  std::string description;
  bool operator==(const TicketItem&) const = default;
};

struct Ticket {
  int64_t id = 0;      // assigned by the store
  std::string desk;    // its customer's desk; the scope's when empty at insert
  std::string number;  // CS… or REQ…
  TicketKind kind = TicketKind::kIncident;
  TicketState state = TicketState::kNew;
  std::string category;
  int priority = 3;
  int64_t customer_id = 0;
  std::string customer_name;  // legal name when opened
  bool critical = false;      // the customer was "Prioritario" when opened
  std::string service_id;     // "" when the ticket concerns no single service
  std::string circuit;
  std::string subject;
  std::string description;
  Caller caller;
  std::string assigned_engineer;
  std::string assigned_group;
  std::string resolution;
  int reopen_count = 0;
  std::string linked_to;  // the earlier ticket this one follows (NM-9), or ""
  std::vector<TicketItem> items;
  std::vector<TicketUpdate> updates;  // oldest first
  TimePoint response_due{};
  TimePoint resolution_due{};
  std::optional<TimePoint> responded_at;  // first move out of "new"
  std::optional<TimePoint> resolved_at;
  std::optional<TimePoint> closed_at;
  int64_t version = 0;  // incremented by every change (optimistic concurrency)
  TimePoint created_at{};
  TimePoint updated_at{};

  // The due time the queue orders by: the response target until the first
  // response, then the resolution target.
  TimePoint next_due() const { return responded_at ? resolution_due : response_due; }
  // Whether a target passed unmet at `now` (resolved, closed and cancelled
  // tickets are judged by when they were resolved).
  bool response_breached(TimePoint now) const;
  bool resolution_breached(TimePoint now) const;
};

// Field size limits (bytes) and counts.
inline constexpr size_t kMaxSubjectBytes = 200;
inline constexpr size_t kMaxTextBytes = 16 << 10;      // description, notes, resolution
inline constexpr size_t kMaxUpdates = 1000;            // journal lines people add
inline constexpr size_t kMaxJournalBytes = 512 << 10;  // their text, all lines together
inline constexpr size_t kMaxItems = 50;

// Trims and validates what an agent typed into a new ticket: kind's category,
// subject (required), description, caller (name required), service id for
// incidents (required: an incident affects a service), sizes, UTF-8, priority
// 1..4. kInvalidArgument naming the field.
Status NormalizeNewTicket(Ticket& t);
// Checks a caller: name required, sizes, UTF-8, e-mail shape. field_prefix is
// prepended to field names ("caller.name").
Status NormalizeCaller(Caller& c, std::string_view field_prefix = "caller.");
// Checks free text: trims, kInvalidArgument naming `field` when empty (and
// required), longer than `max` or not UTF-8.
Status NormalizeText(std::string& s, std::string_view field, size_t max, bool required);

}  // namespace atiende
