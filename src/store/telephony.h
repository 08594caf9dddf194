// The telephony calls the phone systems report (core/telephony.h), one per
// (desk, call id). Reached from a transaction (store.h): `tx.telephony()`;
// every query sees the scope's desk only.
// Thread-safety: as the transaction that hands them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/telephony.h"

namespace atiende {

// An extension of the desk's phone system and the user who answers on it.
struct TelephonyExtension {
  std::string extension;
  std::string username;
};

// When the screen pop opens, and where click-to-dial posts.
struct TelephonySettings {
  std::string pop_on = "answer";  // "answer" or "ringing"
  std::string dial_url;           // "" none
};

class TelephonyReader {
 public:
  virtual ~TelephonyReader() = default;
  // kNotFound when absent (or of another desk).
  virtual Result<TelephonyCall> Get(int64_t id) = 0;
  // The call with this phone-system id, locked for update in a write; nullopt
  // when absent.
  virtual Result<std::optional<TelephonyCall>> FindByCallId(std::string_view call_id) = 0;
  // The missed calls no one has handled, oldest ringing first (then by id),
  // at most `limit` from `offset`.
  virtual Result<std::vector<TelephonyCall>> ListMissed(int limit, int offset) = 0;
  // The desk's extensions, by extension. REQUIRES: a one-desk scope.
  virtual Result<std::vector<TelephonyExtension>> ListExtensions() = 0;
  // The username mapped to `extension` in the desk; nullopt when none.
  virtual Result<std::optional<std::string>> UserOfExtension(std::string_view extension) = 0;
  // The desk's settings; the defaults when it has none.
  virtual Result<TelephonySettings> Settings() = 0;
};

class TelephonyWriter : public TelephonyReader {
 public:
  // Sets c.id; c.desk "" takes the scope's. kAlreadyExists when the desk has
  // the call id already.
  virtual Status Insert(TelephonyCall& c, TimePoint now) = 0;
  // Writes everything but the ids. kNotFound when absent.
  virtual Status Update(const TelephonyCall& c, TimePoint now) = 0;
  // Maps an extension of the desk to a user (replacing its mapping).
  virtual Status PutExtension(const TelephonyExtension& x) = 0;
  // kNotFound when the desk has no such extension.
  virtual Status DeleteExtension(std::string_view extension) = 0;
  virtual Status PutSettings(const TelephonySettings& s) = 0;
};

}  // namespace atiende
