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

namespace {

struct RegionCode {
  std::string_view region;
  std::string_view code;
};
// ITU-T E.164 country codes (the ITU's list of assigned codes).
constexpr RegionCode kRegionCodes[] = {
    {"AR", "54"},  {"BO", "591"}, {"BR", "55"},  {"CA", "1"},   {"CL", "56"}, {"CO", "57"},
    {"CR", "506"}, {"CU", "53"},  {"DO", "1"},   {"EC", "593"}, {"ES", "34"}, {"GT", "502"},
    {"HN", "504"}, {"MX", "52"},  {"NI", "505"}, {"PA", "507"}, {"PE", "51"}, {"PR", "1"},
    {"PY", "595"}, {"SV", "503"}, {"US", "1"},   {"UY", "598"}, {"VE", "58"},
};

}  // namespace

std::optional<std::string_view> CallingCodeOf(std::string_view region) {
  for (const auto& r : kRegionCodes) {
    if (r.region == region) return r.code;
  }
  return std::nullopt;
}

std::string KnownPhoneRegions() {
  std::string out;
  for (const auto& r : kRegionCodes) {
    if (!out.empty()) out += ", ";
    out += r.region;
  }
  return out;
}

}  // namespace atiende
