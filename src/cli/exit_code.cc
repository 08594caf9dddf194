#include "cli/exit_code.h"

#include <cstdio>

namespace atiende::cli {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return 0;
    case Status::Code::kInvalidArgument:
      return 65;
    case Status::Code::kPayloadTooLarge:
      return 65;
    case Status::Code::kNotFound:
      return 66;
    case Status::Code::kUnavailable:
      return 69;
    case Status::Code::kAlreadyExists:
    case Status::Code::kConflict:
      return 73;
    case Status::Code::kUnauthenticated:
    case Status::Code::kPermissionDenied:
      return 77;
    case Status::Code::kTooManyRequests:
      return 75;
    case Status::Code::kInternal:
      return 70;
  }
  return 1;
}

int Fail(const Status& s) {
  std::string field = s.field().empty() ? "" : s.field() + ": ";
  std::fprintf(stderr, "atiende: %s%s\n", field.c_str(), s.message().c_str());
  return ExitCodeFor(s);
}

}  // namespace atiende::cli
