#include "core/status.h"

namespace atiende {

namespace {
const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "ok";
    case Status::Code::kInvalidArgument:
      return "invalid_argument";
    case Status::Code::kNotFound:
      return "not_found";
    case Status::Code::kAlreadyExists:
      return "already_exists";
    case Status::Code::kConflict:
      return "conflict";
    case Status::Code::kUnauthenticated:
      return "unauthenticated";
    case Status::Code::kPermissionDenied:
      return "forbidden";
    case Status::Code::kTooManyRequests:
      return "too_many_requests";
    case Status::Code::kPayloadTooLarge:
      return "payload_too_large";
    case Status::Code::kUnavailable:
      return "unavailable";
    case Status::Code::kInternal:
      return "internal";
  }
  return "internal";
}
}  // namespace

std::string Status::reason() const { return reason_.empty() ? CodeName(code_) : reason_; }

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = reason();
  s += ": ";
  if (!field_.empty()) s += field_ + ": ";
  s += message_;
  return s;
}

}  // namespace atiende
