#include "core/field.h"

#include "core/text.h"

namespace atiende {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return std::string(s.substr(b, e - b));
}

namespace {

// Characters that make text show other than it reads: controls (C0 but the
// line breaks `allowed`, DEL, C1) and the bidirectional embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069; "Trojan Source").
const char* Unwanted(std::string_view s, bool line_breaks) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    int len = text::DecodeUtf8(s, i, &cp);  // well-formed: checked before
    i += len > 0 ? static_cast<size_t>(len) : 1;
    bool line_break = cp == '\n' || cp == '\r' || cp == '\t';
    if (line_break && !line_breaks) return "must be one line, without tabs";
    if ((cp < 0x20 && !line_break) || (cp >= 0x7F && cp <= 0x9F)) {
      return "must not contain control characters";
    }
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      return "must not contain bidirectional text controls (U+202A–U+202E, U+2066–U+2069)";
    }
  }
  return nullptr;
}

Status Check(std::string& value, std::string_view field, size_t limit, bool line_breaks) {
  value = Trim(value);
  if (value.size() > limit) {
    return Status::InvalidArgument("is longer than " + std::to_string(limit) + " bytes",
                                   std::string(field));
  }
  if (!text::IsValidUtf8(value)) {
    return Status::InvalidArgument("is not valid UTF-8", std::string(field));
  }
  if (const char* why = Unwanted(value, line_breaks)) {
    return Status::InvalidArgument(why, std::string(field));
  }
  return Status::Ok();
}

}  // namespace

Status CheckText(std::string& value, std::string_view field, size_t limit) {
  return Check(value, field, limit, /*line_breaks=*/true);  // kept: cells may wrap lines
}

Status CheckName(std::string& value, std::string_view field, size_t limit) {
  return Check(value, field, limit, /*line_breaks=*/false);
}

bool LooksLikeEmail(std::string_view e) {
  size_t at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         e.find('@', at + 1) == std::string_view::npos &&
         e.find('.', at) != std::string_view::npos && e.find(' ') == std::string_view::npos;
}

}  // namespace atiende
