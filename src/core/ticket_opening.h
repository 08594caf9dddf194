// The decision NM-9 and NM-10 make when an agent opens a ticket for one of a
// customer's services that already has an unclosed ticket: open it anyway,
// send the agent to reopen the resolved one, close the resolved one because
// the new ticket follows it, or refuse.
//
//   unclosed ticket for the service      new ticket linked to it   decision
//   none (or no service)                 —                         open
//   resolved today (desk's time zone)    yes                       reopen instead
//   resolved on an earlier day           yes                       supersede
//   any other, or resolved and unlinked  —                         block
//
// Thread-safety: a value and a pure function.
#pragma once

#include <optional>
#include <string_view>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/ticket.h"

namespace atiende {

struct OpeningDecision {
  enum class Action {
    kOpen,           // nothing stands in the way
    kReopenInstead,  // NM-9: the linked ticket was resolved today; reopen it instead
    kSupersede,      // NM-9: the linked resolved ticket closes; the new one follows it
    kBlock,          // NM-10: the unclosed ticket blocks the new one
  };
  Action action = Action::kOpen;
  // The unclosed ticket: the one to reopen, to close or that blocks.
  // nullopt exactly when action is kOpen.
  std::optional<Ticket> existing;
};

// unclosed: the customer's unclosed ticket (IsUnclosed) for the new ticket's
// service; nullopt when there is none or the new ticket concerns no single
// service. linked_to: the number of the ticket the new one follows, in
// canonical form ("" for none). opening_at: when the new ticket is opened;
// "today" is its local date in `calendar`'s time zone.
OpeningDecision DecideOpening(const std::optional<Ticket>& unclosed, std::string_view linked_to,
                              TimePoint opening_at, const BusinessCalendar& calendar);

}  // namespace atiende
