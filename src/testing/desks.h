// The desk tests work in: "main", the one every database starts with
// (store migration 0008). Thread-safety: stateless.
#pragma once

#include <string>

#include "core/desk.h"
#include "store/store.h"

namespace atiende::testing {

inline DeskScope MainDesk() { return DeskScope::Of(std::string(kMainDesk)); }

}  // namespace atiende::testing
