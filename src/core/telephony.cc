#include "core/telephony.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/field.h"
#include "core/phone.h"
#include "core/time_format.h"

namespace atiende {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kHangupCauses = {{
    {"normal", "normal"},
    {"busy", "busy"},
    {"cancel", "cancel"},
    {"no_answer", "no_answer"},
    {"noAnswer", "no_answer"},
    {"congestion", "congestion"},
    {"not_found", "not_found"},
    {"notFound", "not_found"},
    {"forwarded", "forwarded"},
}};

std::string TelephonyEventKey(const TelephonyEvent& e) {
  std::string key(Name(e.kind));
  if (e.kind == TelephonyEventKind::kTransfer) key += ":" + e.user;
  return key;
}

// Keeps the earlier of two times for an event that may come twice in
// different spellings; sets when unset.
void KeepEarliest(std::optional<TimePoint>& slot, TimePoint at) {
  if (!slot || at < *slot) slot = at;
}

constexpr size_t kMaxCallId = 128;
constexpr size_t kMaxValue = 64;
constexpr size_t kMaxUsers = 20;

// The first value of the first of `names` present, checked as one line of at
// most `limit` bytes; "" when none is present.
Result<std::string> OneOf(const EventFields& f, std::initializer_list<std::string_view> names,
                          size_t limit = kMaxValue) {
  for (std::string_view name : names) {
    auto it = f.find(name);
    if (it == f.end() || it->second.empty()) continue;
    std::string v = it->second.front();
    ATIENDE_RETURN_IF_ERROR(CheckName(v, name, limit));
    return v;
  }
  return std::string();
}

// A number as E.164 when it is one, else as given (an extension, "anonymous").
std::string CallNumber(const std::string& given, std::string_view phone_region) {
  if (given.empty()) return given;
  auto e164 = NormalizePhone(given, "from", phone_region);
  return e164.ok() ? *e164 : given;
}

}  // namespace

Result<TelephonyEvent> ParseTelephonyEvent(const EventFields& f, std::string_view phone_region,
                                           TimePoint now) {
  TelephonyEvent e;
  ATIENDE_ASSIGN_OR_RETURN(std::string event, OneOf(f, {"event"}));
  if (event.empty()) return Status::InvalidArgument("is required", "event");
  auto kind = ParseTelephonyEventKind(event);
  if (!kind) {
    return Status::InvalidArgument("must be new_call, answer, hangup or transfer", "event");
  }
  e.kind = *kind;
  ATIENDE_ASSIGN_OR_RETURN(e.call_id, OneOf(f, {"call_id", "callId"}, kMaxCallId));
  if (e.call_id.empty()) return Status::InvalidArgument("is required", "call_id");
  ATIENDE_ASSIGN_OR_RETURN(std::string time, OneOf(f, {"time"}));
  e.at = now;
  if (!time.empty()) {
    auto t = ParseInstant(time);
    if (!t.ok()) return Status::InvalidArgument(t.status().message(), "time");
    e.at = *t;
  }
  switch (e.kind) {
    case TelephonyEventKind::kNewCall: {
      ATIENDE_ASSIGN_OR_RETURN(e.direction, OneOf(f, {"direction"}));
      if (e.direction != "in" && e.direction != "out") {
        return Status::InvalidArgument("must be in or out", "direction");
      }
      ATIENDE_ASSIGN_OR_RETURN(std::string from, OneOf(f, {"from"}));
      ATIENDE_ASSIGN_OR_RETURN(std::string to, OneOf(f, {"to"}));
      e.from = CallNumber(from, phone_region);
      e.to = CallNumber(to, phone_region);
      ATIENDE_ASSIGN_OR_RETURN(e.queue, OneOf(f, {"queue"}));
      for (std::string_view name : {"users", "user"}) {
        auto it = f.find(name);
        if (it == f.end()) continue;
        if (it->second.size() > kMaxUsers) {
          return Status::InvalidArgument("at most 20 users or extensions", std::string(name));
        }
        for (std::string v : it->second) {
          ATIENDE_RETURN_IF_ERROR(CheckName(v, name, kMaxValue));
          if (!v.empty()) e.users.push_back(std::move(v));
        }
        break;
      }
      break;
    }
    case TelephonyEventKind::kAnswer: {
      ATIENDE_ASSIGN_OR_RETURN(e.user, OneOf(f, {"user", "answeringNumber", "extension"}));
      break;
    }
    case TelephonyEventKind::kHangup: {
      ATIENDE_ASSIGN_OR_RETURN(std::string cause, OneOf(f, {"cause"}));
      if (cause.empty()) cause = "normal";
      auto name = ParseHangupCause(cause);
      if (!name) {
        return Status::InvalidArgument(
            "must be normal, busy, cancel, no_answer, congestion, not_found or forwarded", "cause");
      }
      e.cause = *name;
      break;
    }
    case TelephonyEventKind::kTransfer: {
      ATIENDE_ASSIGN_OR_RETURN(e.user, OneOf(f, {"to", "user", "extension"}));
      if (e.user.empty()) return Status::InvalidArgument("is required: where the call went", "to");
      break;
    }
  }
  return e;
}

std::string_view Name(TelephonyEventKind k) {
  switch (k) {
    case TelephonyEventKind::kNewCall:
      return "new_call";
    case TelephonyEventKind::kAnswer:
      return "answer";
    case TelephonyEventKind::kHangup:
      return "hangup";
    case TelephonyEventKind::kTransfer:
      return "transfer";
  }
  return "new_call";
}

std::optional<TelephonyEventKind> ParseTelephonyEventKind(std::string_view name) {
  if (name == "new_call" || name == "newCall") return TelephonyEventKind::kNewCall;
  if (name == "answer") return TelephonyEventKind::kAnswer;
  if (name == "hangup") return TelephonyEventKind::kHangup;
  if (name == "transfer") return TelephonyEventKind::kTransfer;
  return std::nullopt;
}

std::optional<std::string> ParseHangupCause(std::string_view cause) {
  for (const auto& [given, name] : kHangupCauses) {
    if (cause == given) return std::string(name);
  }
  return std::nullopt;
}

std::string_view StateOf(const TelephonyCall& c) {
  if (c.ended_at) return c.answered_at ? "ended" : "missed";
  return c.answered_at ? "answered" : "ringing";
}

std::optional<int64_t> WaitSeconds(const TelephonyCall& c) {
  if (!c.ringing_at || !c.answered_at) return std::nullopt;
  return std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(*c.answered_at - *c.ringing_at).count());
}

std::optional<int64_t> TalkSeconds(const TelephonyCall& c) {
  if (!c.answered_at || !c.ended_at) return std::nullopt;
  return std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(*c.ended_at - *c.answered_at).count());
}

Result<EventOutcome> ApplyTelephonyEvent(TelephonyCall& c, const TelephonyEvent& e) {
  if (c.events >= kMaxEventsPerCall) {
    return Status::TooManyRequests("call " + c.call_id + " already took " +
                                   std::to_string(kMaxEventsPerCall) + " events");
  }
  ++c.events;
  std::string key = TelephonyEventKey(e);
  if (std::find(c.seen.begin(), c.seen.end(), key) != c.seen.end()) {
    return EventOutcome::kDuplicate;
  }
  c.seen.push_back(std::move(key));
  if (c.call_id.empty()) c.call_id = e.call_id;
  switch (e.kind) {
    case TelephonyEventKind::kNewCall:
      c.direction = e.direction;
      c.from = e.from;
      c.to = e.to;
      c.queue = e.queue;
      c.ringing = e.users;
      KeepEarliest(c.ringing_at, e.at);
      break;
    case TelephonyEventKind::kAnswer:
      c.answered_by = e.user;
      KeepEarliest(c.answered_at, e.at);
      break;
    case TelephonyEventKind::kHangup:
      c.cause = e.cause;
      KeepEarliest(c.ended_at, e.at);
      break;
    case TelephonyEventKind::kTransfer:
      // The last transfer received names where the call went.
      c.transferred_to = e.user;
      break;
  }
  // Out of order: an answer or an end known before the ringing started is
  // not "before" it; the ringing is at latest the first time known.
  if (c.answered_at && c.ringing_at && *c.answered_at < *c.ringing_at) c.ringing_at = c.answered_at;
  if (c.ended_at && c.answered_at && *c.ended_at < *c.answered_at) c.ended_at = c.answered_at;
  return EventOutcome::kApplied;
}

}  // namespace atiende
