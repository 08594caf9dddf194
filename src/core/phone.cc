#include "core/phone.h"

#include "core/field.h"

namespace atiende {

namespace {

bool IsSeparator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

Status Refuse(std::string_view field, std::string why) {
  return Status::InvalidArgument(std::move(why), std::string(field));
}

}  // namespace

Result<std::string> NormalizePhone(std::string_view text, std::string_view field,
                                   std::string_view default_country) {
  std::string s = Trim(text);
  if (s.empty()) return Refuse(field, "is required");
  bool international = false;
  size_t i = 0;
  if (s[0] == '+') {
    international = true;
    i = 1;
  }
  std::string digits;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (!IsSeparator(c)) {
      return Refuse(field,
                    "is not a phone number: only digits, spaces, dashes, dots, parentheses "
                    "and a leading + or 00 are allowed");
    }
  }
  if (!international && digits.rfind("00", 0) == 0) {
    international = true;
    digits.erase(0, 2);
  }
  if (digits.size() < kMinPhoneDigits) {
    return Refuse(field, "is too short for a phone number: " + std::to_string(digits.size()) +
                             " digits, at least " + std::to_string(kMinPhoneDigits) +
                             " are needed (area code included)");
  }
  std::string e164;
  if (international) {
    if (digits[0] == '0') return Refuse(field, "has a country code starting with 0");
    e164 = digits;
  } else {
    bool has_country = digits.rfind(default_country, 0) == 0 &&
                       digits.size() >= default_country.size() + kMinPhoneDigits;
    if (has_country) {
      e164 = digits;
    } else {
      if (digits[0] == '0') digits.erase(0, 1);  // the trunk prefix
      e164 = std::string(default_country) + digits;
    }
  }
  if (e164.size() > kMaxPhoneDigits) {
    return Refuse(field, "is too long for a phone number: " + std::to_string(e164.size()) +
                             " digits with the country code, E.164 allows " +
                             std::to_string(kMaxPhoneDigits));
  }
  return "+" + e164;
}

}  // namespace atiende
