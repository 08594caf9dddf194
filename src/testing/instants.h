// Instants written as in the tests' expectations: T("2026-11-24T12:00:00Z").
// Thread-safety: stateless.
#pragma once

#include "core/clock.h"
#include "core/time_format.h"

namespace atiende::testing {

// An instant in ISO 8601; the test fails (throws) on a malformed one.
inline TimePoint T(const char* iso) { return ParseInstant(iso).value(); }

}  // namespace atiende::testing
