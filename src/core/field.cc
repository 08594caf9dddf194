#include "core/field.h"

#include "core/text.h"

namespace atiende {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return std::string(s.substr(b, e - b));
}

Status CheckText(std::string& value, std::string_view field, size_t limit) {
  value = Trim(value);
  if (value.size() > limit) {
    return Status::InvalidArgument("is longer than " + std::to_string(limit) + " bytes",
                                   std::string(field));
  }
  if (!text::IsValidUtf8(value)) {
    return Status::InvalidArgument("is not valid UTF-8", std::string(field));
  }
  for (char ch : value) {
    bool line_break = ch == '\n' || ch == '\r' || ch == '\t';  // kept: cells may wrap lines
    if ((static_cast<unsigned char>(ch) < 0x20 && !line_break) || ch == 0x7f) {
      return Status::InvalidArgument("must not contain control characters", std::string(field));
    }
  }
  return Status::Ok();
}

bool LooksLikeEmail(std::string_view e) {
  size_t at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         e.find('@', at + 1) == std::string_view::npos &&
         e.find('.', at) != std::string_view::npos && e.find(' ') == std::string_view::npos;
}

}  // namespace atiende
