// ParseTable (format dispatch), NormalizeHeader and the helpers shared by the
// delimited (csv.cc) and XLSX (xlsx.cc) readers.
#include "import/table.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

namespace atiende::import {

namespace {
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
}  // namespace

namespace internal {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII fast path
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return i;
    i += static_cast<std::size_t>(n);
  }
  return std::string_view::npos;
}

Status RowError(int row, std::string message) {
  return Status::InvalidArgument(std::move(message), "row " + std::to_string(row));
}

}  // namespace internal

Result<Table> ParseTable(std::string_view bytes) {
  if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return ParseXlsx(bytes);
  // OLE2 compound file: a legacy .xls, or an encrypted (password-protected) .xlsx.
  if (bytes.substr(0, 8) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
    return Status::InvalidArgument(
        "legacy .xls and password-protected workbooks are not supported; save the sheet as "
        ".xlsx without a password or as \"CSV UTF-8\"");
  }
  return ParseDelimited(bytes);
}

namespace {

bool IsHeaderSeparator(char c) { return c == '_' || c == '-' || IsAsciiSpace(c); }

// Lowercases ASCII letters and collapses separator runs to one space, trimming both
// ends. Non-ASCII bytes pass through.
std::string CollapseSeparators(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (IsHeaderSeparator(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace

std::string NormalizeHeader(std::string_view header) {
  // NFKC with marks stripped and case folded: "Í" -> "i", "ñ" -> "n", NBSP -> " ",
  // "ª" -> "a". utf8proc allocates with malloc.
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(header.data()),
      static_cast<utf8proc_ssize_t>(header.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STABLE));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (n < 0 || mapped == nullptr) return CollapseSeparators(header);  // invalid UTF-8
  return CollapseSeparators(
      std::string_view(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n)));
}

}  // namespace atiende::import
