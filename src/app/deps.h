// Deps: what every use case needs — the store, the clock and the desk's
// settings. Built once by the composition root (src/wiring.cc).
// Thread-safety: the referenced objects are thread-safe; Deps is read-only.
#pragma once

#include <string>

#include "core/clock.h"
#include "store/store.h"

namespace atiende {

class LoginThrottle;

struct DeskSettings {
  std::string time_zone = "America/Bogota";  // IANA name; default America/Bogota
};

struct Deps {
  Store& store;
  Clock& clock;
  LoginThrottle& throttle;
  DeskSettings desk;
};

}  // namespace atiende
