#include "core/phone.h"

#include <gtest/gtest.h>

namespace atiende {
namespace phone_test {

std::string E164(std::string_view text, std::string_view country = kDefaultPhoneCountry) {
  auto r = NormalizePhone(text, "phone_1", country);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : "";
}

Status Refused(std::string_view text) {
  auto r = NormalizePhone(text, "phone_2");
  EXPECT_FALSE(r.ok()) << text << " → " << (r.ok() ? *r : "");
  return r.status();
}

TEST(NormalizePhone, ChileanMobilesAndLandlinesGetTheCountryCode) {
  EXPECT_EQ(E164("9 1234 5678"), "+56912345678");
  EXPECT_EQ(E164("912345678"), "+56912345678");
  EXPECT_EQ(E164("  9-1234-5678 "), "+56912345678");
  EXPECT_EQ(E164("9.1234.5678"), "+56912345678");
  EXPECT_EQ(E164("(2) 2345 6789"), "+56223456789");   // Santiago
  EXPECT_EQ(E164("32 234 5678"), "+56322345678");     // Valparaíso
  EXPECT_EQ(E164("(02) 2345 6789"), "+56223456789");  // the old trunk 0
}

TEST(NormalizePhone, InternationalPrefixes) {
  EXPECT_EQ(E164("+56 9 1234 5678"), "+56912345678");
  EXPECT_EQ(E164("0056 9 1234 5678"), "+56912345678");
  EXPECT_EQ(E164("+57 (300) 555-0101"), "+573005550101");
  EXPECT_EQ(E164("+1 415 555 2671"), "+14155552671");
  EXPECT_EQ(E164("56 9 1234 5678"), "+56912345678");  // the code typed without "+"
}

TEST(NormalizePhone, AnotherDefaultCountry) {
  EXPECT_EQ(E164("300 555 0101", "57"), "+573005550101");
  EXPECT_EQ(E164("601 234 5678", "57"), "+576012345678");
  EXPECT_EQ(E164("+56912345678", "57"), "+56912345678");
}

TEST(NormalizePhone, OneNumberSpelledManyWaysIsOneValue) {
  std::string a = E164("9 1234 5678");
  for (auto s : {"+56912345678", "+56 9 1234 5678", "0056-9-1234-5678", "(9) 1234.5678"}) {
    EXPECT_EQ(E164(s), a) << s;
  }
}

TEST(NormalizePhone, RefusesWhatIsNotANumberNamingTheField) {
  for (auto s : {"9 1234 567a", "nueve", "+56 9 1234 5678 ext 2", "9#12345678", "9/1234/5678",
                 "56+912345678", "++56912345678", "９１２３４５６７８"}) {
    Status st = Refused(s);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << s;
    EXPECT_EQ(st.field(), "phone_2") << s;
  }
  EXPECT_NE(Refused("abc").message().find("digits"), std::string::npos);
}

TEST(NormalizePhone, EmptyIsRequired) {
  EXPECT_EQ(Refused("").message(), "is required");
  EXPECT_EQ(Refused("  ").message(), "is required");
  EXPECT_EQ(Refused(" - ( ) ").code(), Status::Code::kInvalidArgument);
}

TEST(NormalizePhone, LengthLimits) {
  EXPECT_NE(Refused("1234567").message().find("too short"), std::string::npos);
  EXPECT_NE(Refused("+56 1234").message().find("too short"), std::string::npos);
  EXPECT_NE(Refused("00 1234567").message().find("too short"), std::string::npos);
  EXPECT_EQ(E164("12345678"), "+5612345678");               // 8 digits: the shortest accepted
  EXPECT_EQ(E164("+123456789012345"), "+123456789012345");  // 15: the E.164 maximum
  EXPECT_NE(Refused("+1234567890123456").message().find("too long"), std::string::npos);
  EXPECT_NE(Refused("91234567890123").message().find("too long"), std::string::npos);  // 2 + 14
}

TEST(NormalizePhone, ACountryCodeCannotStartWithZero) {
  EXPECT_EQ(Refused("+0 912345678").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Refused("000 912345678").code(), Status::Code::kInvalidArgument);
}

TEST(CallingCode, TheDesksRegionsAndNoGuessForOthers) {
  EXPECT_EQ(CallingCodeOf("CO"), "57");
  EXPECT_EQ(CallingCodeOf("CL"), "56");
  EXPECT_EQ(CallingCodeOf("US"), "1");
  EXPECT_EQ(CallingCodeOf("DE"), std::nullopt);
  EXPECT_EQ(CallingCodeOf("co"), std::nullopt);
  EXPECT_NE(KnownPhoneRegions().find("CO"), std::string::npos);
  // A Colombian mobile typed nationally, in a desk of Colombia.
  auto co = NormalizePhone("300 555 0101", "phone", *CallingCodeOf("CO"));
  EXPECT_EQ(co.value(), "+573005550101");
}

}  // namespace phone_test
}  // namespace atiende
