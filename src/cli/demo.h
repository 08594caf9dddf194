// `atiende demo seed`: loads the demo customer master (the NM desk's table as
// printed in its protocol, plus bulk LPG customers, some with a ZB block) and
// one user per role, then prints the logins. Idempotent.
#pragma once

#include <string>

#include "app/deps.h"

namespace atiende::cli {
Status SeedDemo(Deps& deps, const std::string& dir);
}  // namespace atiende::cli
