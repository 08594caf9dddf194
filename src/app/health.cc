#include "app/health.h"

namespace atiende {

Result<Health> CheckHealth(Deps& d) {
  Status s = d.store.Read(DeskScope::All(), [](ReadTx&) { return Status::Ok(); });
  if (!s.ok()) return Status::Unavailable("database: " + s.message());
  return Health{std::string(d.store.backend())};
}

}  // namespace atiende
