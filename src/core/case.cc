#include "core/case.h"

#include <algorithm>
#include <cstdio>

#include "core/field.h"
#include "core/phone.h"

namespace atiende {

std::string_view Name(CaseState s) { return s == CaseState::kOpen ? "open" : "closed"; }

std::optional<CaseState> ParseCaseState(std::string_view s) {
  if (s == "open") return CaseState::kOpen;
  if (s == "closed") return CaseState::kClosed;
  return std::nullopt;
}

std::optional<TimePoint> Case::overdue_at() const {
  if (timers.empty()) return std::nullopt;
  return timers.front().first_due;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string FormatCaseNumber(std::string_view prefix, int64_t n) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%07lld", static_cast<long long>(n));
  return std::string(prefix) + digits;
}

Status NormalizeIntake(CaseIntake& in, std::string_view phone_region) {
  ATIENDE_RETURN_IF_ERROR(CheckName(in.caller, "intake.caller", 200));
  if (in.caller.empty())
    return Status::InvalidArgument("is required: who is calling", "intake.caller");
  ATIENDE_RETURN_IF_ERROR(CheckText(in.comment, "intake.comment", 4096));
  if (in.phones.empty()) {
    return Status::InvalidArgument("is required: at least one callback number", "intake.phones");
  }
  if (in.phones.size() > 3) return Status::InvalidArgument("at most 3 numbers", "intake.phones");
  for (size_t i = 0; i < in.phones.size(); ++i) {
    std::string field = "intake.phones[" + std::to_string(i) + "]";
    ATIENDE_ASSIGN_OR_RETURN(in.phones[i], NormalizePhone(in.phones[i], field, phone_region));
  }
  // One number written two ways is one number.
  std::vector<std::string> distinct;
  for (auto& p : in.phones) {
    if (std::find(distinct.begin(), distinct.end(), p) == distinct.end()) distinct.push_back(p);
  }
  in.phones.swap(distinct);
  return Status::Ok();
}

}  // namespace atiende
