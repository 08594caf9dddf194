// Checks shared by the domain values that people type (customers, tickets,
// calls): trimming, size limits, UTF-8, control characters, e-mail shape.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace atiende {

// `s` without leading and trailing whitespace (and other bytes <= 0x20).
std::string Trim(std::string_view s);

// Trims `value` in place; kInvalidArgument naming `field` when it is longer
// than `limit` bytes, not UTF-8, or holds control characters other than line
// breaks and tabs (C0, DEL, C1) or bidirectional overrides, embeddings and
// isolates (U+202A–U+202E, U+2066–U+2069), which make text show other than
// it reads.
Status CheckText(std::string& value, std::string_view field, size_t limit);
// CheckText for names, codes, phones and identifiers: one line, no tabs.
Status CheckName(std::string& value, std::string_view field, size_t limit);

// local@domain.tld with one @, no spaces. Not a full RFC 5322 check: mail/
// validates again before sending.
bool LooksLikeEmail(std::string_view e);

}  // namespace atiende
