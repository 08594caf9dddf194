// Use case: whether this node can serve (GET /healthz, for load balancers).
// Thread-safety: stateless over thread-safe Deps.
#pragma once

#include <string>

#include "app/deps.h"

namespace atiende {

struct Health {
  std::string backend;  // the store's: "sqlite" or "postgresql"
};

// Runs an empty transaction on a pooled connection: it proves the database
// answers and costs nothing that grows with the data. kUnavailable
// ("database: …") when it does not answer.
Result<Health> CheckHealth(Deps& d);

}  // namespace atiende
