// The one place where a Status becomes an HTTP response: RFC 9457
// application/problem+json with a stable `code`, a readable `detail` and, for
// input errors, the `field` at fault.
// Thread-safety: stateless.
#pragma once

#include <string>

#include "core/status.h"
#include "http/message.h"

namespace atiende::http {

int HttpStatusFor(const Status& s);
// REQUIRES: !s.ok()
Response Problem(const Status& s);
// A problem for a status no Status code stands for (415, 431).
Response StatusProblem(int status, std::string code, std::string detail);
// 405 (code "method_not_allowed") for a path that other methods serve:
// `allow` lists them ("GET, PATCH") and is sent as the Allow header too.
Response MethodNotAllowedProblem(std::string detail, const std::string& allow);

}  // namespace atiende::http
