// Mail intake (issue 16, docs/mail.md): one received message, from the MTA pipe
// (`atiende mail receive`) or IMAP, taken into a desk.
//
// Nothing is lost: the raw bytes are stored (compressed) in their own commit
// before the message is parsed; a message that cannot be parsed or processed
// is kept as "quarantined" with the reason, and can be processed again
// (ReprocessMail) after a fix. Idempotent: a message with a Message-ID (or,
// without one, the same bytes) already taken by the desk is not taken twice;
// one left "received" by a process that died is processed by the next try.
//
// Thread-safety: as Deps; callable from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/deps.h"
#include "core/status.h"

namespace atiende {

struct IntakeResult {
  int64_t id = 0;
  std::string status;      // the mail's status after intake (store/mail.h InboundMail)
  std::string reason;      // why it was quarantined or dropped
  bool duplicate = false;  // taken before; nothing was written
};

// Takes `raw` into `desk` (which must exist). kPayloadTooLarge over
// d.mail.max_inbound_bytes, kInvalidArgument for an empty message or an
// unknown desk, kUnavailable when the database is (the caller retries:
// EX_TEMPFAIL). A message that fails to parse is not an error: it is
// quarantined and the result says so.
Result<IntakeResult> ReceiveMail(Deps& d, const std::string& desk, std::string_view raw,
                                 std::string_view source);

// Parses and files again an incoming mail that is "received" or
// "quarantined" (after a fix), from its stored raw bytes.
Result<IntakeResult> ReprocessMail(Deps& d, const std::string& desk, int64_t id);

}  // namespace atiende
