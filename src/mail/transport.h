// Transport: the seam through which a rendered mail leaves Atiende — SMTP (SmtpTransport) or
// .eml files kept under the data directory when no SMTP is configured (FileTransport).
//
// The outbox calls Send after the mail's transaction has committed, never inside it, and
// decides from the returned code whether to retry:
//   OK               accepted by the server (or written); the outbox marks the mail sent.
//   kUnavailable     temporary: connection refused or reset, timeout, TLS or login failure,
//                    an SMTP 4xx reply (e.g. "421 service not available"), disk full. Nothing
//                    was delivered; retry later with backoff.
//   kInvalidArgument permanent: the message is invalid, or the server answered 5xx (e.g. "550
//                    5.1.1 no such user" for one recipient — the whole mail is refused, there is
//                    no partial delivery). message() holds the server's reply ("smtp: 550 ...").
//                    Retrying the same mail will not help; the outbox marks it failed.
// A mail can still be delivered twice when the connection drops after the server accepted the
// data but before its reply arrived (an SMTP property); the outbox keeps this window to one
// message and receivers can deduplicate on Message-ID.
//
// Thread-safety: implementations are safe to call from several threads; calls may be
// serialised internally (SmtpTransport uses one connection).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "mail/message.h"

namespace atiende::mail {

class Transport {
 public:
  virtual ~Transport() = default;

  // Delivers `rendered` (the bytes of Render(m)) to EnvelopeRecipients(m) (SMTP) or stores it.
  // REQUIRES: rendered == Render(m).value().
  virtual Status Send(const Message& m, const std::string& rendered) = 0;

  // "smtp" or "file": for logs and metrics.
  virtual std::string_view name() const = 0;
};

}  // namespace atiende::mail
