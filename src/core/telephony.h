// Telephony (issue 17): the calls a desk's phone system (a PBX, a cloud
// provider) reports, keyed by the phone system's own call id, and how each
// event moves one. The events may arrive twice or out of order: each kind is
// applied once per call (a repeat is a duplicate, not an error), and the
// call's state is derived from the times the events carry, so a late
// `answer` turns a missed call into an answered one.
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

enum class TelephonyEventKind { kNewCall, kAnswer, kHangup, kTransfer };
// "new_call", "answer", "hangup", "transfer".
std::string_view Name(TelephonyEventKind k);
// Accepts the names above and Zammad Generic CTI's ("newCall"); nullopt else.
std::optional<TelephonyEventKind> ParseTelephonyEventKind(std::string_view name);

// Why a call ended. Accepts "normal", "busy", "cancel", "no_answer",
// "congestion", "not_found", "forwarded" and Zammad's camelCase spellings
// ("noAnswer", "notFound"); returns the snake_case name, nullopt for another.
std::optional<std::string> ParseHangupCause(std::string_view cause);

// The most events one call takes; more is a flood (a looping PBX script),
// refused without writing.
inline constexpr int kMaxEventsPerCall = 32;

// One event as the phone system posts it, already checked and normalised.
struct TelephonyEvent {
  TelephonyEventKind kind = TelephonyEventKind::kNewCall;
  std::string call_id;             // the phone system's, 1..128 printable bytes
  TimePoint at{};                  // when it happened (the event's own time, else arrival)
  std::string direction;           // new_call: "in" or "out"
  std::string from;                // new_call: E.164, or as given when it is not a number
  std::string to;                  // new_call: E.164, or as given
  std::string queue;               // new_call, optional
  std::vector<std::string> users;  // new_call: the extensions or users it rings
  std::string user;                // answer: the answering extension or user; transfer: the target
  std::string cause;               // hangup: ParseHangupCause's name
};

// The fields of an event as posted, each with its values (JSON arrays and a
// form's repeated "user[]" give several; the "[]" is dropped).
using EventFields = std::map<std::string, std::vector<std::string>, std::less<>>;

// The event these fields describe. Field names: ours (event, call_id, time,
// direction, from, to, queue, users, user, cause) or Zammad Generic CTI's
// (event=newCall, callId, user, answeringNumber, cause=noAnswer …); others
// are ignored. `from` and `to` are stored E.164 when they are numbers
// (national ones in `phone_region`), as given otherwise ("anonymous", an
// extension). `time` (RFC 3339) defaults to `now`. kInvalidArgument naming
// the field for a missing event or call id, an unknown event, direction or
// cause, a value too long (call id 128 bytes, others 64, 20 users) or with
// control characters.
Result<TelephonyEvent> ParseTelephonyEvent(const EventFields& f, std::string_view phone_region,
                                           TimePoint now);

// A call as Atiende records it: one row per (desk, call_id).
struct TelephonyCall {
  int64_t id = 0;
  std::string desk;
  std::string call_id;
  std::string direction;  // "in", "out"; "" while only answer/hangup are known
  std::string from;
  std::string to;
  std::string queue;
  std::vector<std::string> ringing;  // the extensions or users rung
  std::string answered_by;           // the answering extension or user
  std::string transferred_to;        // the last transfer's target
  std::optional<TimePoint> ringing_at;
  std::optional<TimePoint> answered_at;
  std::optional<TimePoint> ended_at;
  std::string cause;
  std::vector<std::string> seen;          // the event keys applied ("new_call", "transfer:201" …)
  int events = 0;                         // every event accepted for the call, duplicates too
  std::optional<int64_t> interaction_id;  // the call the agent logged for it
  std::optional<TimePoint> handled_at;    // a missed call called back or marked
  std::string handled_by;
};

// "ringing", "answered", "missed" (ended unanswered), "ended" (answered, then
// hung up).
std::string_view StateOf(const TelephonyCall& c);
// Seconds from ringing (or the first event known) to the answer; nullopt
// when not answered or the start is unknown.
std::optional<int64_t> WaitSeconds(const TelephonyCall& c);
// Seconds from the answer to the end; nullopt unless both are known.
std::optional<int64_t> TalkSeconds(const TelephonyCall& c);

// What applying an event did.
enum class EventOutcome { kApplied, kDuplicate };

// Applies `e` to `c` (a new call when c.id == 0). A repeated (call, event)
// changes nothing but the event count and returns kDuplicate. An event older
// than one already applied is put in its place by time: a hangup timed
// before the answer does not hide the answer. kTooManyRequests when the
// call already took kMaxEventsPerCall events.
Result<EventOutcome> ApplyTelephonyEvent(TelephonyCall& c, const TelephonyEvent& e);

}  // namespace atiende
