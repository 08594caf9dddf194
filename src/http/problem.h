// The one place where a Status becomes an HTTP response: RFC 9457
// application/problem+json with a stable `code`, a readable `detail` and, for
// input errors, the `field` at fault.
// Thread-safety: stateless.
#pragma once

#include "core/status.h"
#include "http/message.h"

namespace atiende::http {

int HttpStatusFor(const Status& s);
// REQUIRES: !s.ok()
Response Problem(const Status& s);

}  // namespace atiende::http
