#include "core/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "core/field.h"

namespace atiende {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& PhoneUtil() {
  static const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  return *util;
}

bool IsPhoneSeparator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

Status RefusePhone(std::string_view field, std::string why) {
  return Status::InvalidArgument(std::move(why), std::string(field));
}

std::string KnownRegionOr(std::string_view region) {
  const auto& u = PhoneUtil();
  std::string r(region);
  if (r.empty() || u.GetCountryCodeForRegion(r) == 0) return kDefaultPhoneRegion;
  return r;
}

std::string CountryName(const PhoneNumber& n) {
  std::string region;
  PhoneUtil().GetRegionCodeForCountryCode(n.country_code(), &region);
  return region + " (+" + std::to_string(n.country_code()) + ")";
}

}  // namespace

std::optional<std::string> CallingCodeOf(std::string_view region) {
  if (region.size() != 2) return std::nullopt;
  for (char c : region) {
    if (c < 'A' || c > 'Z') return std::nullopt;
  }
  int code = PhoneUtil().GetCountryCodeForRegion(std::string(region));
  if (code == 0) return std::nullopt;
  return std::to_string(code);
}

Result<std::string> NormalizePhone(std::string_view text, std::string_view field,
                                   std::string_view region) {
  std::string s = Trim(text);
  size_t digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!IsPhoneSeparator(c) && !(c == '+' && i == 0)) {
      return RefusePhone(field,
                         "is not a phone number: only digits, spaces, dashes, dots, parentheses "
                         "and a leading + are allowed");
    }
  }
  if (digits == 0) return RefusePhone(field, "is required");
  const auto& u = PhoneUtil();
  std::string home = KnownRegionOr(region);
  PhoneNumber n;
  switch (u.Parse(s, home, &n)) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return RefusePhone(field, "has no country code that exists");
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return RefusePhone(field, "is too short for a phone number");
    case PhoneNumberUtil::TOO_LONG_NSN:
      return RefusePhone(field, "is too long for a phone number");
    default:
      return RefusePhone(field, "is not a phone number");
  }
  switch (u.IsPossibleNumberWithReason(n)) {
    case PhoneNumberUtil::IS_POSSIBLE:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return RefusePhone(field, "has no country code that exists");
    case PhoneNumberUtil::TOO_SHORT:
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      return RefusePhone(field, "is too short for a phone number of " + CountryName(n) +
                                    " (the area code is needed)");
    case PhoneNumberUtil::TOO_LONG:
      return RefusePhone(field, "is too long for a phone number of " + CountryName(n));
    default:
      return RefusePhone(field, "has the wrong number of digits for " + CountryName(n));
  }
  if (!u.IsValidNumber(n)) {
    return RefusePhone(field, "is not a valid number of " + CountryName(n) +
                                  ": no such area code or mobile prefix");
  }
  std::string e164;
  u.Format(n, PhoneNumberUtil::E164, &e164);
  return e164;
}

std::string PhoneDisplay(std::string_view number, std::string_view region) {
  const auto& u = PhoneUtil();
  std::string home = KnownRegionOr(region);
  std::string s(number);
  if (s.empty() || s[0] != '+') return s;
  PhoneNumber n;
  if (u.Parse(s, home, &n) != PhoneNumberUtil::NO_PARSING_ERROR) return s;
  std::string its;
  u.GetRegionCodeForNumber(n, &its);
  std::string out;
  u.Format(n, its == home ? PhoneNumberUtil::NATIONAL : PhoneNumberUtil::INTERNATIONAL, &out);
  return out;
}

std::string PhoneRegionOf(std::string_view e164) {
  const auto& u = PhoneUtil();
  if (e164.empty() || e164[0] != '+') return "";
  PhoneNumber n;
  if (u.Parse(std::string(e164), kDefaultPhoneRegion, &n) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !u.IsValidNumber(n)) {
    return "";
  }
  std::string region;
  u.GetRegionCodeForNumber(n, &region);
  return region;
}

}  // namespace atiende
