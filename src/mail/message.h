// Message: one outgoing e-mail and its RFC 5322 / MIME wire form.
//
// Render() produces the exact bytes handed to a Transport (SMTP or .eml file): CRLF line
// endings, header lines folded to <= 78 characters, non-ASCII header text as RFC 2047 UTF-8
// encoded-words, bodies as quoted-printable UTF-8 (7-bit clean, body lines <= 76 bytes).
// Nothing here reads the clock or does I/O: the caller supplies `date` and `message_id`, and
// the same Message always renders to the same bytes.
//
// Addresses are ASCII only (no SMTPUTF8); display names, subject and bodies may be UTF-8.
//
// Thread-safety: plain values and pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende::mail {

struct Address {
  std::string name;   // display name, UTF-8, may be empty
  std::string email;  // "local@domain.tld", see IsValidEmail
};

struct Message {
  Address from;
  std::vector<Address> to, cc;  // at least one recipient in to + cc; there is no Bcc
  std::optional<Address> reply_to;
  std::string subject;                  // UTF-8, one line
  std::string text;                     // UTF-8 plain body, required; any line endings
  std::string html;                     // optional UTF-8 HTML alternative
  std::string message_id;               // "<unique@host>" (<= 250 bytes) from the caller; required
  std::string in_reply_to;              // optional "<...>"
  std::vector<std::string> references;  // optional, each "<...>"
  TimePoint date;                       // from the caller's Clock
};

// Pragmatic address check: ASCII "local@domain.tld", <= 254 bytes, local part <= 64 bytes of
// letters, digits and !#$%&'*+-/=?^_`{|}~ with single inner dots; domain of >= 2 dot-separated
// labels (letters, digits, inner hyphens, <= 63 bytes each), the last >= 2 bytes and not all
// digits. No spaces, controls, quotes, brackets or non-ASCII bytes.
bool IsValidEmail(std::string_view addr);

// OK, or kInvalidArgument with field() naming what is wrong: "to" (no recipients at all),
// "from.email", "to[2].email", "cc[0].name", "reply_to.email", "subject", "message_id",
// "in_reply_to", "references[1]", "text" (empty), "html". Refused: malformed addresses or
// message ids, control characters (CR and LF included: header injection) in any header value,
// invalid UTF-8 anywhere.
Status Validate(const Message& m);

// The message in RFC 5322 form, ending with CRLF. Headers, in order: Date ("Tue, 24 Nov 2026
// 12:00:00 +0000"), From, Reply-To, To, Cc (never Bcc), Subject, Message-ID, In-Reply-To,
// References, MIME-Version, Content-Type, [Content-Transfer-Encoding], Auto-Submitted:
// auto-generated, X-Loop: atiende@<the Message-ID's host> (incoming mail carrying it is ours).
// Subject and display names are RFC 2047 encoded-words (Q or B, whichever is shorter; each <= 75
// characters, never splitting a character) only when they hold non-ASCII, a "=?" or a word too long
// to fold within 78 columns; otherwise plain, display names with specials quoted. Without html:
// text/plain; charset=UTF-8, quoted-printable. With html: multipart/alternative (text, then html)
// with a boundary derived from message_id only. A leading "." or "From " on a body line is encoded
// (=2E, =46) so no line starts with them. Fails as Validate does.
Result<std::string> Render(const Message& m);

// SMTP envelope recipients: the To then Cc addresses in order, duplicates (compared
// case-insensitively) dropped, each as first written.
std::vector<std::string> EnvelopeRecipients(const Message& m);

// A header value with RFC 2047 encoded-words decoded to UTF-8 (B and Q, charset UTF-8 or
// US-ASCII, which is what Render produces; other charsets and malformed words are left as
// written). Folding is undone first; whitespace between two adjacent encoded-words is dropped,
// as RFC 2047 §6.2 requires.
std::string DecodeHeaderWords(std::string_view value);

}  // namespace atiende::mail
