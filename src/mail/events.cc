#include "mail/events.h"

namespace atiende::mail {

const std::vector<MailEvent>& Events() {
  static const std::vector<MailEvent> events = {
      {"directory.test",
       "A test mail to a directory list, sent by an admin to check its addresses",
       {"list", "addresses", "sent_by", "sent_at", "desk_time_zone"}},
  };
  return events;
}

const MailEvent* FindEvent(std::string_view name) {
  for (const auto& e : Events()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace atiende::mail
