// Status and Result: the one error type of Atiende.
//
// A Status is either OK or carries a Code from a closed set and a message meant
// for a person. Adapters map codes in exactly one place each: HTTP in
// src/http/problem.cc, CLI exit codes in src/cli/exit_code.cc.
// No exceptions cross the core; functions that can fail return Status or
// Result<T>.
//
// Thread-safety: values; safe to copy between threads.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace atiende {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,   // bad input; `field` names what was wrong
    kNotFound,          // the thing asked for does not exist (or is not visible)
    kAlreadyExists,     // a unique key is taken
    kConflict,          // a rule or a concurrent change forbids it now
    kUnauthenticated,   // no or bad credentials
    kPermissionDenied,  // authenticated but the role does not allow it
    kTooManyRequests,   // throttled
    kPayloadTooLarge,   // input over a size limit
    kUnavailable,       // a dependency is down; retrying later may work
    kInternal,          // a bug or an unexpected failure
  };

  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(field));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg, std::string field = {}) {
    return Status(Code::kAlreadyExists, std::move(msg), std::move(field));
  }
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  // A concurrent change moved the record's version since the caller read it
  // (optimistic locking): kConflict with reason "version_conflict".
  static Status VersionConflict(std::string msg) {
    return Status(Code::kConflict, std::move(msg)).WithReason("version_conflict");
  }
  static Status Unauthenticated(std::string msg) {
    return Status(Code::kUnauthenticated, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(Code::kPermissionDenied, std::move(msg));
  }
  static Status TooManyRequests(std::string msg) {
    return Status(Code::kTooManyRequests, std::move(msg));
  }
  static Status PayloadTooLarge(std::string msg) {
    return Status(Code::kPayloadTooLarge, std::move(msg));
  }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field (JSON pointer-ish name, or "row 12") the error is about; may be empty.
  const std::string& field() const { return field_; }
  // A stable, machine-readable code ("invalid_argument", or a more specific one set
  // with WithReason, e.g. "reopen_not_allowed").
  std::string reason() const;
  Status WithReason(std::string reason) && {
    reason_ = std::move(reason);
    return std::move(*this);
  }

  // The thing the error is about when it is not the request's own target, e.g.
  // the unclosed ticket that blocks a new one ("CS0000007"); may be empty.
  const std::string& subject() const { return subject_; }
  Status WithSubject(std::string subject) && {
    subject_ = std::move(subject);
    return std::move(*this);
  }
  // For kTooManyRequests and kUnavailable: when a retry may succeed (seconds; 0: unknown).
  int retry_after_seconds() const { return retry_after_; }
  Status WithRetryAfter(int seconds) && {
    retry_after_ = seconds;
    return std::move(*this);
  }

  std::string ToString() const;

 private:
  Status(Code code, std::string msg, std::string field = {})
      : code_(code), message_(std::move(msg)), field_(std::move(field)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
  std::string reason_;
  std::string subject_;
  int retry_after_ = 0;
};

// Result<T> holds a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {}  // NOLINT  REQUIRES: !status.ok()

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace atiende

// Early return on error; usable in functions returning Status or Result<U>.
#define ATIENDE_RETURN_IF_ERROR(expr) \
  do {                                \
    ::atiende::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (0)

#define ATIENDE_CONCAT_INNER(a, b) a##b
#define ATIENDE_CONCAT(a, b) ATIENDE_CONCAT_INNER(a, b)
#define ATIENDE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
// ATIENDE_ASSIGN_OR_RETURN(auto x, FunctionReturningResult());
#define ATIENDE_ASSIGN_OR_RETURN(lhs, expr) \
  ATIENDE_ASSIGN_OR_RETURN_IMPL(ATIENDE_CONCAT(_res_, __LINE__), lhs, expr)
