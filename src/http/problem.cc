#include "http/problem.h"

#include <boost/json.hpp>

namespace atiende::http {

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kUnauthenticated:
      return 401;
    case Status::Code::kPermissionDenied:
      return 403;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kAlreadyExists:
      return 409;
    case Status::Code::kConflict:
      return 409;
    case Status::Code::kPayloadTooLarge:
      return 413;
    case Status::Code::kTooManyRequests:
      return 429;
    case Status::Code::kUnavailable:
      return 503;
    case Status::Code::kInternal:
      return 500;
  }
  return 500;
}

namespace {
const char* Title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

// The members every problem starts with, in the order clients see them.
boost::json::object Head(int status, std::string code) {
  return {{"type", "about:blank"}, {"title", Title(status)}, {"status", status}, {"code", code}};
}

Response ProblemResponse(int status, const boost::json::object& o) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(o);
  return r;
}

}  // namespace

Response Problem(const Status& s) {
  int status = HttpStatusFor(s);
  boost::json::object o = Head(status, s.reason());
  // Internal details stay in the log; the client gets a generic message.
  std::string detail = status == 500 ? "internal error; it has been logged" : s.message();
  if (!s.field().empty()) {
    o["field"] = s.field();
    detail = s.field() + ": " + detail;
  }
  o["detail"] = detail;
  if (!s.subject().empty()) o["subject"] = s.subject();
  Response r = ProblemResponse(status, o);
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if ((status == 429 || status == 503) && s.retry_after_seconds() > 0) {
    r.headers.emplace_back("Retry-After", std::to_string(s.retry_after_seconds()));
  }
  return r;
}

Response StatusProblem(int status, std::string code, std::string detail) {
  boost::json::object o = Head(status, std::move(code));
  o["detail"] = std::move(detail);
  return ProblemResponse(status, o);
}

Response MethodNotAllowedProblem(std::string detail, const std::string& allow) {
  boost::json::object o = Head(405, "method_not_allowed");
  o["detail"] = std::move(detail);
  Response r = ProblemResponse(405, o);
  r.headers.emplace_back("Allow", allow);
  return r;
}

}  // namespace atiende::http
