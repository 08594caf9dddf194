// Use cases: telephony (issue 17, docs/telephony.md). A desk's phone system
// posts call events with a token of its own (kind "pbx", one desk, no user);
// each event moves the desk's record of that call (core/telephony.h). Staff
// read a call and the desk's missed calls, and mark a missed call handled.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/deps.h"
#include "core/telephony.h"
#include "core/user.h"
#include "store/telephony.h"

namespace atiende {

inline constexpr auto kPhoneSystemTokenLifetime = std::chrono::hours(24 * 366);

struct PhoneSystemToken {
  std::string token;  // the secret; shown once, never stored or logged
  int64_t id = 0;     // the credential id (token list, token revoke)
  std::string desk;
  TimePoint expires_at{};
};

// A token for `desk`'s phone system. Requires an admin actor (checked by the
// route). kNotFound for an unknown desk or one the admin does not work in.
Result<PhoneSystemToken> CreatePhoneSystemToken(Deps& d, const Principal& actor,
                                                std::string_view desk, std::chrono::hours lifetime);

// The desk a phone system's token posts for. kUnauthenticated for an
// unknown or expired token, or a credential of another kind (a user's
// session or API token cannot post call events).
Result<std::string> AuthenticatePhoneSystem(Deps& d, std::string_view token);

struct EventRecorded {
  TelephonyCall call;
  bool duplicate = false;  // the (call, event) was applied before: nothing changed
};

// Applies a phone system's event to `desk`'s call (creating the call on its
// first event, whichever that is), with its audit row. An answer by a user
// of the desk (the event's "user" is their username) also pops the call on
// that user's consoles: an audit row of entity "call_pop", id
// "<call id>:<username>", which the change feed tells that user only.
// kTooManyRequests when the call took its share of events
// (core/telephony.h), nothing written.
Result<EventRecorded> RecordTelephonyEvent(Deps& d, const std::string& desk,
                                           const TelephonyEvent& e);

// Who is calling: the customers and contacts of the desk with the call's
// other party's number (`from` of an inbound call, `to` of an outbound one).
struct CallerMatch {
  int64_t customer_id = 0;
  std::string code;
  std::string legal_name;
  std::string contact;  // the contact's name; "" when it is the customer's own phone
};
inline constexpr int kMaxCallerMatches = 10;
struct CallerIdentity {
  std::string number;                // E.164; "" when the call has none
  std::vector<CallerMatch> matches;  // none: unknown; one: that customer; more: a short list
};

struct CallView {
  TelephonyCall call;
  CallerIdentity caller;
};

// A call of the actor's desk and who is calling; kNotFound otherwise.
Result<CallView> GetTelephonyCall(Deps& d, const Principal& actor, int64_t id);

// Links the interaction an agent logged (in this transaction) to the
// telephony call `call_id` of the transaction's desk; a missed call is then
// handled by it (the callback). kInvalidArgument (field "telephony_call_id")
// for a call the desk does not have.
Status LinkTelephonyCall(WriteTx& tx, TimePoint now, const Principal& agent, int64_t call_id,
                         int64_t interaction_id);

// Fills the phone index with the customers written before it existed
// (migration 0011/0010 leaves a mark; this clears it). Run once at start;
// nothing to do afterwards.
Status IndexCallerPhones(Deps& d);
// The actor's desk's missed calls no one handled yet, oldest first.
Result<std::vector<TelephonyCall>> ListMissedCalls(Deps& d, const Principal& actor, int limit,
                                                   int offset);
// Marks a missed call handled (called back, or nothing to do); marking it
// again changes nothing. kNotFound for an unknown call; kConflict when the
// call is not a missed one.
Result<TelephonyCall> MarkCallHandled(Deps& d, const Principal& actor, int64_t id);

// A stored phone number that does not validate (any more) as a number of
// its desk's phone region: libphonenumber's metadata changes with numbering
// plans, and customers' phones were free text before it.
struct StoredPhoneProblem {
  std::string desk;
  std::string record;  // "customer C12", "notice N-2026-000001"
  std::string field;   // "phone", "contacts[0].phone", "phone_1"
  std::string value;   // as stored
  std::string why;     // NormalizePhone's message
};
struct StoredPhoneReport {
  int64_t checked = 0;  // non-empty phones looked at
  std::vector<StoredPhoneProblem> problems;
};
// Checks every phone the desk stores (`desk`, or every desk when empty):
// customers' and their contacts' phones, dispatch notices' two phones.
// Changes nothing. kNotFound for an unknown desk.
Result<StoredPhoneReport> CheckStoredPhones(Deps& d, std::string_view desk);

// Extensions mapped to users, and the desk's telephony settings: the desk
// is the actor's (Principal::desk, one desk); admins write (checked by the
// route and the CLI), every write audited ("telephony.extension.set",
// "telephony.extension.remove", "telephony.settings").
inline constexpr size_t kMaxExtensionBytes = 32;
inline constexpr int kMaxExtensionsPerDesk = 5000;
Result<std::vector<TelephonyExtension>> ListExtensions(Deps& d, const Principal& actor);
// Maps `extension` (1..32 bytes of letters, digits, "*#+-_.") to `username`,
// a user of the desk who is not a customer user and not disabled.
// kInvalidArgument (field "extension" / "username") otherwise.
Result<TelephonyExtension> SetExtension(Deps& d, const Principal& actor, std::string_view extension,
                                        std::string_view username);
// kNotFound when the desk has no such extension.
Status RemoveExtension(Deps& d, const Principal& actor, std::string_view extension);
Result<TelephonySettings> GetTelephonySettings(Deps& d, const Principal& actor);
// pop_on: "answer" or "ringing"; dial_url: "" or an http(s) URL of at most
// 2048 bytes. Fields left nullopt keep their value.
Result<TelephonySettings> SetTelephonySettings(Deps& d, const Principal& actor,
                                               std::optional<std::string> pop_on,
                                               std::optional<std::string> dial_url);

}  // namespace atiende
