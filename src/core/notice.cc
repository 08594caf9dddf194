#include "core/notice.h"

#include <date/date.h>

#include <cctype>
#include <cstdio>

#include "core/field.h"

namespace atiende {

namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::string_view Name(NoticeState s) { return s == NoticeState::kOpen ? "open" : "closed"; }

std::string_view Name(NoticeOutcome o) {
  switch (o) {
    case NoticeOutcome::kFit:
      return "apta";
    case NoticeOutcome::kNotFit:
      return "no_apta";
    case NoticeOutcome::kNone:
      break;
  }
  return "";
}

std::optional<NoticeState> ParseNoticeState(std::string_view s) {
  if (s == "open") return NoticeState::kOpen;
  if (s == "closed") return NoticeState::kClosed;
  return std::nullopt;
}

std::optional<NoticeOutcome> ParseNoticeOutcome(std::string_view s) {
  if (s == "apta") return NoticeOutcome::kFit;
  if (s == "no_apta") return NoticeOutcome::kNotFit;
  return std::nullopt;
}

std::string FormatNoticeNumber(int64_t n) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%07lld", static_cast<long long>(n));
  return std::string(kSeriesNotice) + digits;
}

Result<std::string> NormalizeNoticeNumber(std::string_view number) {
  std::string n = Trim(number);
  if (n.empty()) return Status::InvalidArgument("is required", "number");
  if (n.size() > kMaxNoticeNumberBytes) {
    return Status::InvalidArgument(
        "is longer than " + std::to_string(kMaxNoticeNumberBytes) + " characters", "number");
  }
  for (char& c : n) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (!std::isalnum(u) && c != '-' && c != '_')) {
      return Status::InvalidArgument("may hold only letters A-Z, digits, '-' and '_'", "number");
    }
    c = static_cast<char>(std::toupper(u));
  }
  std::string_view series = kSeriesNotice;
  if (n.rfind(series, 0) == 0 && AllDigits(std::string_view(n).substr(series.size()))) {
    return Status::InvalidArgument(
        n + " is in Atiende's own series (EME + digits); leave the number out to get one, or "
            "give the dispatch system's number",
        "number");
  }
  return n;
}

bool IsLocalDate(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  if (!AllDigits(day.substr(0, 4)) || !AllDigits(day.substr(5, 2)) ||
      !AllDigits(day.substr(8, 2))) {
    return false;
  }
  int y = std::stoi(std::string(day.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(day.substr(5, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(day.substr(8, 2))));
  return y >= 1 && date::year_month_day{date::year(y), date::month(m), date::day(d)}.ok();
}

Status NormalizeNotice(Notice& n, std::string_view default_region) {
  ATIENDE_RETURN_IF_ERROR(CheckName(n.external_id, "external_id", kMaxExternalIdBytes));
  n.visit_day = Trim(n.visit_day);
  if (!n.visit_day.empty() && !IsLocalDate(n.visit_day)) {
    return Status::InvalidArgument("must be a date as YYYY-MM-DD (e.g. 2026-11-24)", "visit_day");
  }
  ATIENDE_RETURN_IF_ERROR(CheckName(n.location_ref, "location_ref", kMaxLocationRefBytes));
  for (auto [field, phone] : {std::pair{"phone_1", &n.phone_1}, {"phone_2", &n.phone_2}}) {
    ATIENDE_RETURN_IF_ERROR(CheckName(*phone, field, 64));
    if (phone->empty()) continue;
    ATIENDE_ASSIGN_OR_RETURN(*phone, NormalizePhone(*phone, field, default_region));
  }
  if (!n.phone_1.empty() && n.phone_1 == n.phone_2) {
    return Status::InvalidArgument("is the same number as phone_1 (" + n.phone_1 +
                                       "); two distinct contact numbers are "
                                       "needed",
                                   "phone_2");
  }
  ATIENDE_RETURN_IF_ERROR(CheckText(n.observations, "observations", kMaxNoticeTextBytes));
  ATIENDE_RETURN_IF_ERROR(
      CheckText(n.technician_observations, "technician_observations", kMaxNoticeTextBytes));
  bool any =
      !n.visit_day.empty() || !n.location_ref.empty() || !n.phone_1.empty() || !n.phone_2.empty();
  if (any && !n.has_visit()) {
    // Name the first missing field, in the order the form asks for them.
    for (auto [field, value] : {std::pair{"visit_day", &n.visit_day},
                                {"location_ref", &n.location_ref},
                                {"phone_1", &n.phone_1},
                                {"phone_2", &n.phone_2}}) {
      if (value->empty()) {
        return Status::InvalidArgument(
            "is required: a coordinated visit has a day, a reference of the place and two "
            "contact numbers",
            field);
      }
    }
  }
  return Status::Ok();
}

Status CheckVisitDayNotPast(std::string_view visit_day, std::string_view today) {
  // Both are YYYY-MM-DD: text order is date order.
  if (visit_day >= today) return Status::Ok();
  return Status::InvalidArgument(
      "is in the past: " + std::string(visit_day) + " is before today, " + std::string(today),
      "visit_day");
}

Status CloseNoticeValue(Notice& n, NoticeOutcome outcome, std::string technician_observations,
                        TimePoint now) {
  if (n.state == NoticeState::kClosed) {
    return Status::Conflict("notice " + n.number + " is already closed (" +
                            std::string(Name(n.outcome)) + "); a closed notice does not change")
        .WithReason("notice_closed")
        .WithSubject(n.number);
  }
  if (outcome == NoticeOutcome::kNone) {
    return Status::InvalidArgument("must be apta or no_apta", "outcome");
  }
  ATIENDE_RETURN_IF_ERROR(CheckText(technician_observations, "observations", kMaxNoticeTextBytes));
  if (outcome == NoticeOutcome::kNotFit && technician_observations.empty()) {
    return Status::InvalidArgument(
        "is required when the installation is not fit (no_apta): say what the technician found",
        "observations");
  }
  n.state = NoticeState::kClosed;
  n.outcome = outcome;
  n.technician_observations = std::move(technician_observations);
  n.closed_at = now;
  return Status::Ok();
}

}  // namespace atiende
