// The one place where a Status becomes a process exit code (sysexits.h
// values): 64 usage/invalid input, 65 bad data, 66 missing input, 69 service
// unavailable, 70 internal error, 73 conflict/already exists, 77 permission.
#pragma once

#include "core/status.h"

namespace atiende::cli {
int ExitCodeFor(const Status& s);
// Prints "atiende: <message>" to stderr and returns ExitCodeFor(s).
int Fail(const Status& s);
}  // namespace atiende::cli
