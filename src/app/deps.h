// Deps: what every use case needs — the store, the clock, the desks'
// settings (app/desks.h) and the mail settings. Built once by the composition
// root (src/wiring.cc).
// Thread-safety: the referenced objects are thread-safe; Deps is read-only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace atiende {

class DeskBook;
class LoginThrottle;
class ProcedureSet;
namespace mail {
class TemplateSet;
}

struct MailSettings {
  std::string from = "Atiende <atiende@atiende.localhost>";  // From: of every mail
  std::string message_id_host = "atiende.localhost";         // right side of Message-IDs
  int rate_cap_per_hour = 60;  // mails to one address per hour before refusing (loops)
  int max_attempts = 8;        // deliveries tried before a mail is "failed"
  Micros first_retry = std::chrono::seconds(30);  // doubles with each attempt
  // How long a node's claim on a mail lasts without renewal: how soon another
  // node delivers the mails of a node that died (MailDelivery). Renewed every
  // third of it while the node works; default 30 s.
  Micros delivery_lease = std::chrono::seconds(30);
  // The largest incoming message taken (mail_max_mib); a bigger one is refused.
  size_t max_inbound_bytes = size_t{25} << 20;
};

struct Deps {
  Store& store;
  Clock& clock;
  LoginThrottle& throttle;
  // Every desk's settings, calendar and SLA policy (NM-4), by desk id; set
  // by the composition root.
  std::shared_ptr<DeskBook> desks;
  const mail::TemplateSet* templates = nullptr;  // set by the composition root
  MailSettings mail;
  // The procedures cases run (procedures/*.yaml); set by the composition root.
  std::shared_ptr<const ProcedureSet> procedures;
  // Called after credentials ended (sign-out, a password change, a user
  // disabled, a token revoked) so that open live streams check theirs at
  // once; set by the composition root (optional).
  std::function<void()> on_credentials_ended;
};

}  // namespace atiende
