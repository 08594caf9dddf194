// Deps: what every use case needs — the store, the clock and the desk's
// settings. Built once by the composition root (src/wiring.cc).
// Thread-safety: the referenced objects are thread-safe; Deps is read-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace atiende {

class LoginThrottle;
class ProcedureSet;
struct SlaPolicy;
namespace mail {
class TemplateSet;
}

struct DeskSettings {
  std::string time_zone = "America/Bogota";  // IANA name; default America/Bogota
  std::string language = "es";               // language of mails and console; default es
  int autoclose_days = 7;  // resolved tickets close on their own after this many days (NM-10)
};

struct MailSettings {
  std::string from = "Atiende <atiende@atiende.localhost>";  // From: of every mail
  std::string message_id_host = "atiende.localhost";         // right side of Message-IDs
  int rate_cap_per_hour = 60;  // mails to one address per hour before refusing (loops)
  int max_attempts = 8;        // deliveries tried before a mail is "failed"
  Micros first_retry = std::chrono::seconds(30);  // doubles with each attempt
};

struct Deps {
  Store& store;
  Clock& clock;
  LoginThrottle& throttle;
  DeskSettings desk;
  const mail::TemplateSet* templates = nullptr;  // set by the composition root
  MailSettings mail;
  // SLA targets on the desk's business calendar (NM-4); set by the composition
  // root. Its calendar's zone is desk.time_zone.
  std::shared_ptr<const SlaPolicy> sla;
  // The procedures cases run (procedures/*.yaml); set by the composition root.
  std::shared_ptr<const ProcedureSet> procedures;
};

}  // namespace atiende
