#include "core/ticket_opening.h"

namespace atiende {

OpeningDecision DecideOpening(const std::optional<Ticket>& unclosed, std::string_view linked_to,
                              TimePoint opening_at, const BusinessCalendar& calendar) {
  using Action = OpeningDecision::Action;
  if (!unclosed) return {Action::kOpen, std::nullopt};
  bool follows_resolved =
      unclosed->state == TicketState::kResolved && unclosed->number == linked_to;
  if (!follows_resolved) return {Action::kBlock, unclosed};
  // Resolved today: NM-9 says reopen it, not open another. Otherwise the
  // problem came back after the day it was resolved, so the new ticket
  // follows the old one, which closes.
  if (unclosed->resolved_at && calendar.SameLocalDay(*unclosed->resolved_at, opening_at)) {
    return {Action::kReopenInstead, unclosed};
  }
  return {Action::kSupersede, unclosed};
}

}  // namespace atiende
