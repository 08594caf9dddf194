#include "mail/events.h"

namespace atiende::mail {

const std::vector<MailEvent>& Events() {
  static const std::vector<MailEvent> events = {
      {"directory.test",
       "A test mail to a directory list, sent by an admin to check its addresses",
       {"list", "addresses", "sent_by", "sent_at", "desk_time_zone"}},
      {"ticket.opened",
       "To the customer's contact when a ticket is opened (NM-6): its number and what it is about",
       {"number", "subject", "customer", "service_id", "circuit", "state", "priority",
        "caller_name", "opened_at", "resolution", "resolved_at", "autoclose_days",
        "desk_time_zone"}},
      {"ticket.resolved",
       "To the customer's contact when a ticket is resolved: the resolution, and that it can be "
       "closed in the portal or reopened today",
       {"number", "subject", "customer", "service_id", "circuit", "state", "priority",
        "caller_name", "opened_at", "resolution", "resolved_at", "autoclose_days",
        "desk_time_zone"}},
      {"call.derived_assurance",
       "To the assurance list when a caller is not in the customer master (NM-3): the hand-off",
       {"caller_name", "caller_phone", "caller_company", "caller_email", "notes", "agent",
        "call_at", "desk_time_zone"}},
  };
  return events;
}

const MailEvent& CaseEvent() {
  static const MailEvent event = {
      "case.*",
      "A mail a procedure sends (procedures/*.yaml, action email: <template>): its case, "
      "customer, intake and notice",
      {"case_number",
       "procedure_title",
       "step_title",
       "customer_code",
       "customer_name",
       "customer_region",
       "customer_phone",
       "customer_email",
       "caller",
       "phones",
       "comment",
       "has_notice",
       "notice_number",
       "visit_day",
       "location_ref",
       "phone_1",
       "phone_2",
       "notice_observations",
       "technician_observations",
       "notice_outcome",
       "notice_updated_at",
       "followups",
       "call_attempts",
       "actor",
       "at",
       "desk_time_zone"}};
  return event;
}

const MailEvent* FindEvent(std::string_view name) {
  if (name.starts_with(kCaseEventPrefix) && name.size() > sizeof(kCaseEventPrefix) - 1) {
    return &CaseEvent();
  }
  for (const auto& e : Events()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace atiende::mail
