#include "core/sla.h"

#include <algorithm>
#include <utility>

namespace atiende {

SlaPolicy SlaPolicy::Default(BusinessCalendar calendar) {
  SlaPolicy p;
  p.calendar = std::move(calendar);
  return p;
}

SlaDue ComputeDue(const SlaPolicy& p, int priority, TimePoint opened) {
  const SlaTarget& t = p.by_priority[std::clamp(priority, 1, 4) - 1];
  auto due = [&](Micros d) { return t.around_the_clock ? opened + d : p.calendar.Add(opened, d); };
  return SlaDue{due(t.response), due(t.resolution)};
}

}  // namespace atiende
