#include "core/ticket.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/field.h"

namespace atiende {

namespace {

constexpr std::pair<TicketState, std::string_view> kStateNames[] = {
    {TicketState::kNew, "new"},        {TicketState::kInProgress, "in_progress"},
    {TicketState::kOnHold, "on_hold"}, {TicketState::kResolved, "resolved"},
    {TicketState::kClosed, "closed"},  {TicketState::kCancelled, "cancelled"},
};

}  // namespace

std::string_view Name(TicketKind k) {
  return k == TicketKind::kIncident ? "incident" : "requirement";
}

std::string_view Name(TicketState s) {
  for (const auto& [state, name] : kStateNames) {
    if (state == s) return name;
  }
  return "new";
}

std::optional<TicketKind> ParseTicketKind(std::string_view s) {
  if (s == "incident") return TicketKind::kIncident;
  if (s == "requirement") return TicketKind::kRequirement;
  return std::nullopt;
}

std::optional<TicketState> ParseTicketState(std::string_view s) {
  for (const auto& [state, name] : kStateNames) {
    if (name == s) return state;
  }
  return std::nullopt;
}

bool IsUnclosed(TicketState s) { return s != TicketState::kClosed && s != TicketState::kCancelled; }

std::vector<TicketState> AllTicketStates() {
  std::vector<TicketState> out;
  for (const auto& [state, name] : kStateNames) out.push_back(state);
  return out;
}

std::vector<TicketState> UnclosedTicketStates() {
  std::vector<TicketState> out;
  for (TicketState s : AllTicketStates()) {
    if (IsUnclosed(s)) out.push_back(s);
  }
  return out;
}

const std::vector<std::string_view>& TicketCategories(TicketKind k) {
  static const std::vector<std::string_view> incident = {"outage", "degradation", "packet_loss",
                                                         "saturation", "other"};
  static const std::vector<std::string_view> requirement = {"change", "rfo", "other"};
  return k == TicketKind::kIncident ? incident : requirement;
}

const std::vector<TicketTransition>& TicketTransitions() {
  using S = TicketState;
  static const std::vector<TicketTransition> table = {
      {S::kNew, S::kInProgress, "update"},       {S::kNew, S::kOnHold, "update"},
      {S::kNew, S::kResolved, "resolve"},        {S::kNew, S::kCancelled, "cancel"},
      {S::kInProgress, S::kOnHold, "update"},    {S::kInProgress, S::kResolved, "resolve"},
      {S::kInProgress, S::kCancelled, "cancel"}, {S::kOnHold, S::kInProgress, "update"},
      {S::kOnHold, S::kResolved, "resolve"},     {S::kOnHold, S::kCancelled, "cancel"},
      {S::kResolved, S::kClosed, "close"},       {S::kResolved, S::kInProgress, "reopen"},
  };
  return table;
}

std::vector<TicketTransition> TransitionsFrom(TicketState from) {
  std::vector<TicketTransition> out;
  for (const auto& t : TicketTransitions()) {
    if (t.from == from) out.push_back(t);
  }
  return out;
}

Status CheckTransition(TicketState from, TicketState to, std::string_view action) {
  for (const auto& t : TicketTransitions()) {
    if (t.from == from && t.to == to && t.action == action) return Status::Ok();
  }
  std::string allowed;
  for (const auto& t : TransitionsFrom(from)) {
    if (!allowed.empty()) allowed += ", ";
    allowed += std::string(Name(t.to)) + " (" + std::string(t.action) + ")";
  }
  if (allowed.empty()) allowed = "none: the ticket is final";
  return Status::Conflict("a ticket in state " + std::string(Name(from)) + " cannot move to " +
                          std::string(Name(to)) + " (action " + std::string(action) +
                          "); allowed from " + std::string(Name(from)) + ": " + allowed)
      .WithReason("transition_not_allowed");
}

std::string FormatTicketNumber(std::string_view series, int64_t n) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%07lld", static_cast<long long>(n));
  return std::string(series) + digits;
}

std::optional<TicketNumber> ParseTicketNumber(std::string_view s) {
  std::string upper;
  for (char c : s) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view series : {kSeriesItem, kSeriesIncident, kSeriesRequest}) {
    if (upper.rfind(series, 0) != 0) continue;
    std::string_view digits = std::string_view(upper).substr(series.size());
    if (digits.size() < 7 || digits.size() > 15) return std::nullopt;
    if (digits.size() > 7 && digits[0] == '0') return std::nullopt;  // one spelling per number
    int64_t n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n == 0) return std::nullopt;
    return TicketNumber{std::string(series), n};
  }
  return std::nullopt;
}

int DefaultPriority(TicketKind k, std::string_view category, bool critical_customer) {
  int p = k == TicketKind::kRequirement ? 4 : category == "outage" ? 2 : 3;
  return critical_customer ? p - 1 : p;
}

int PriorityFromInput(int64_t p) { return static_cast<int>(std::clamp<int64_t>(p, -1, 99)); }

bool Ticket::response_breached(TimePoint now) const {
  if (responded_at) return *responded_at > response_due;
  if (resolved_at) return *resolved_at > response_due;
  if (state == TicketState::kCancelled) return false;  // as resolution_breached
  return now > response_due;
}

bool Ticket::resolution_breached(TimePoint now) const {
  if (state == TicketState::kCancelled) return false;
  TimePoint done = resolved_at ? *resolved_at : now;
  return done > resolution_due;
}

Status NormalizeText(std::string& s, std::string_view field, size_t max, bool required) {
  ATIENDE_RETURN_IF_ERROR(CheckText(s, field, max));
  if (required && s.empty()) return Status::InvalidArgument("is required", std::string(field));
  return Status::Ok();
}

// A one-line value: a name, a phone, an identifier.
Status NormalizeName(std::string& s, std::string_view field, size_t max, bool required) {
  ATIENDE_RETURN_IF_ERROR(CheckName(s, field, max));
  if (required && s.empty()) return Status::InvalidArgument("is required", std::string(field));
  return Status::Ok();
}

Status NormalizeCaller(Caller& c, std::string_view prefix) {
  std::string p(prefix);
  ATIENDE_RETURN_IF_ERROR(NormalizeName(c.name, p + "name", 200, true));
  ATIENDE_RETURN_IF_ERROR(NormalizeName(c.phone, p + "phone", 64, false));
  ATIENDE_RETURN_IF_ERROR(NormalizeName(c.company, p + "company", 300, false));
  ATIENDE_RETURN_IF_ERROR(NormalizeName(c.email, p + "email", 200, false));
  if (!c.email.empty() && !LooksLikeEmail(c.email)) {
    return Status::InvalidArgument("is not an e-mail address", p + "email");
  }
  return Status::Ok();
}

Status NormalizeNewTicket(Ticket& t) {
  const auto& cats = TicketCategories(t.kind);
  if (std::find(cats.begin(), cats.end(), t.category) == cats.end()) {
    std::string list;
    for (auto c : cats) list += (list.empty() ? "" : ", ") + std::string(c);
    return Status::InvalidArgument(
        "must be one of " + list + " for " + std::string(Name(t.kind)) + " tickets", "category");
  }
  ATIENDE_RETURN_IF_ERROR(NormalizeName(t.subject, "subject", kMaxSubjectBytes, true));
  ATIENDE_RETURN_IF_ERROR(NormalizeText(t.description, "description", kMaxTextBytes, false));
  ATIENDE_RETURN_IF_ERROR(NormalizeName(t.service_id, "service_id", 100, false));
  ATIENDE_RETURN_IF_ERROR(NormalizeName(t.circuit, "circuit", 100, false));
  ATIENDE_RETURN_IF_ERROR(NormalizeName(t.assigned_engineer, "assigned_engineer", 200, false));
  ATIENDE_RETURN_IF_ERROR(NormalizeName(t.assigned_group, "assigned_group", 200, false));
  ATIENDE_RETURN_IF_ERROR(NormalizeCaller(t.caller));
  if (t.kind == TicketKind::kIncident && t.service_id.empty()) {
    return Status::InvalidArgument(
        "is required for an incident: an incident affects one service (its service id)",
        "service_id");
  }
  if (t.priority < kPriorityCritical || t.priority > kPriorityLow) {
    return Status::InvalidArgument("must be from 1 (critical) to 4 (low)", "priority");
  }
  if (t.items.size() > kMaxItems) {
    return Status::InvalidArgument("must hold at most " + std::to_string(kMaxItems) + " items",
                                   "items");
  }
  for (size_t i = 0; i < t.items.size(); ++i) {
    ATIENDE_RETURN_IF_ERROR(NormalizeText(t.items[i].description,
                                          "items[" + std::to_string(i) + "].description",
                                          kMaxTextBytes, true));
  }
  return Status::Ok();
}

}  // namespace atiende
