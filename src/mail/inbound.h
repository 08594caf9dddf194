// Incoming mail (issue 16): a received message parsed with GMime 3 into what Atiende keeps —
// addresses, subject, threading headers, a readable UTF-8 text, the attachments' list, and the
// signs of machine mail (RFC 3834) and of delivery reports (RFC 3464).
//
// Parsing never trusts the input: RFC 2047 words in any charset GMime knows, bodies in UTF-8,
// ISO-8859-1 or Windows-1252 (ISO-8859-1 and US-ASCII labels are read as Windows-1252, which
// is what such mail really holds), quoted-printable and base64, HTML-only mail turned into
// text (libxml2's HTML parser). Bounded: at most `max_parts` MIME parts and `max_depth` levels
// of nesting (beyond that: an error naming the limit, so the caller quarantines the message),
// text kept up to `max_text_bytes`. Invalid bytes become U+FFFD; control characters other
// than tab and newline are dropped from everything returned.
//
// Thread-safety: ParseMail may run on several threads at once (GMime is initialised once).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "mail/message.h"

namespace atiende::mail {

struct InboundLimits {
  size_t max_parts = 500;
  int max_depth = 20;
  size_t max_text_bytes = size_t{1} << 20;  // the readable text kept (longer: cut)
};

struct InboundAttachment {
  int part = 0;              // the leaf part's position in depth-first order (1-based); ExtractPart
  std::string filename;      // UTF-8, path separators removed; "attachment-<part>" when none
  std::string content_type;  // "application/pdf"
  int64_t size = 0;          // decoded bytes
};

struct ParsedMail {
  std::string message_id;  // "<left@right>", "" when the message has none
  Address from;            // first From mailbox; email "" when none
  std::vector<Address> to, cc, reply_to;
  std::string return_path;  // as written, without <>; "<>" is kept as "" with null_return_path
  bool has_return_path = false;
  bool null_return_path = false;
  std::string subject;  // decoded, one line
  std::optional<TimePoint> date;
  std::string in_reply_to;              // "<...>" or ""
  std::vector<std::string> references;  // each "<...>"
  std::string text;                     // readable UTF-8, LF line ends
  bool text_from_html = false;          // the mail had HTML only
  bool text_cut = false;                // longer than max_text_bytes
  std::vector<InboundAttachment> attachments;
  int parts = 0;  // leaf parts seen
  // Machine-mail signs (raw header values, trimmed; "" when absent).
  std::string auto_submitted, precedence, x_auto_response_suppress, x_loop, list_id;
  // Delivery report (multipart/report; report-type=delivery-status).
  bool is_dsn = false;
  std::string dsn_action;                    // first recipient's Action: "failed", "delayed", ...
  std::string dsn_status;                    // "5.1.1"
  std::string dsn_diagnostic;                // Diagnostic-Code text
  std::string dsn_recipient;                 // Final-Recipient address
  std::string dsn_original_id;               // Message-ID of the returned message (or its headers)
  std::vector<std::string> headers_of_loop;  // every X-Loop value
};

// Parses `raw` (RFC 5322 bytes). kInvalidArgument with the reason when it is not a message at
// all or exceeds a limit.
Result<ParsedMail> ParseMail(std::string_view raw, const InboundLimits& limits = {});

// The decoded bytes of leaf part `part` (InboundAttachment::part). kNotFound when absent.
Result<std::string> ExtractPart(std::string_view raw, int part, const InboundLimits& limits = {});

// Readable text of an HTML document: scripts, styles and the head dropped, block elements and
// <br> as line breaks, list items as "- ", link targets after their text when they differ,
// entities decoded, runs of blank lines collapsed. Input UTF-8.
std::string HtmlToText(std::string_view html);

// Bytes in `charset` as UTF-8 (ISO-8859-1, US-ASCII and unknown labels read as Windows-1252);
// invalid sequences become U+FFFD.
std::string ToUtf8(std::string_view bytes, std::string_view charset);

// The raw message as stored: zlib-compressed, then base64 (the store keeps text).
std::string PackRaw(std::string_view raw);
// The bytes PackRaw packed. kInternal when `packed` is damaged or would unpack to more than
// max_bytes.
Result<std::string> UnpackRaw(std::string_view packed, size_t max_bytes = size_t{256} << 20);

// The Message-ID of `raw` read from its header block without a full parse ("<...>"), "" when
// it has none.
std::string ScanMessageId(std::string_view raw);

}  // namespace atiende::mail
