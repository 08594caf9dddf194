#include "app/housekeeping.h"

#include "app/desks.h"
#include "app/ticket_actions.h"
#include "log/log.h"

namespace atiende {

bool Housekeeping::RunOnce() {
  // Desk settings another node changed (PostgreSQL) reach this one here.
  if (Status s = deps_.desks->Refresh(deps_.store); !s.ok()) {
    log::Warn("desk.refresh.failed", {{"error", s.ToString()}});
  }
  auto closed = AutoCloseResolved(deps_);
  if (!closed.ok()) {
    log::Warn("ticket.autoclose.failed", {{"error", closed.status().ToString()}});
    return false;
  }
  if (*closed > 0) log::Info("ticket.autoclose", {{"closed", *closed}});
  return true;
}

void Housekeeping::Start(std::chrono::milliseconds period) {
  loop_.Start([this, period] {
    RunOnce();
    return period;
  });
}

}  // namespace atiende
