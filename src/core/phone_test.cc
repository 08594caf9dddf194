#include "core/phone.h"

#include <gtest/gtest.h>

namespace atiende {
namespace phone_test {

std::string E164(std::string_view text, std::string_view country = kDefaultPhoneRegion) {
  auto r = NormalizePhone(text, "phone_1", country);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : "";
}

Status Refused(std::string_view text, std::string_view region = kDefaultPhoneRegion) {
  auto r = NormalizePhone(text, "phone_2", region);
  EXPECT_FALSE(r.ok()) << text << " → " << (r.ok() ? *r : "");
  return r.status();
}

TEST(NormalizePhone, ChileanMobilesAndLandlinesGetTheCountryCode) {
  EXPECT_EQ(E164("9 6123 4567"), "+56961234567");
  EXPECT_EQ(E164("961234567"), "+56961234567");
  EXPECT_EQ(E164("  9-6123-4567 "), "+56961234567");
  EXPECT_EQ(E164("9.6123.4567"), "+56961234567");
  EXPECT_EQ(E164("(2) 2345 6789"), "+56223456789");  // Santiago
  EXPECT_EQ(E164("32 234 5678"), "+56322345678");    // Valparaíso
}

TEST(NormalizePhone, InternationalPrefixes) {
  EXPECT_EQ(E164("+56 9 6123 4567"), "+56961234567");
  EXPECT_EQ(E164("0056 9 6123 4567"), "+56961234567");
  EXPECT_EQ(E164("+57 (300) 555-0101"), "+573005550101");
  EXPECT_EQ(E164("+1 415 555 2671"), "+14155552671");
  EXPECT_EQ(E164("56 9 6123 4567"), "+56961234567");  // the code typed without "+"
}

TEST(NormalizePhone, AnotherDefaultCountry) {
  EXPECT_EQ(E164("300 555 0101", "CO"), "+573005550101");
  EXPECT_EQ(E164("601 234 5678", "CO"), "+576012345678");
  EXPECT_EQ(E164("+56961234567", "CO"), "+56961234567");
}

TEST(NormalizePhone, OneNumberSpelledManyWaysIsOneValue) {
  std::string a = E164("9 6123 4567");
  for (auto s : {"+56961234567", "+56 9 6123 4567", "0056-9-6123-4567", "(9) 6123.4567"}) {
    EXPECT_EQ(E164(s), a) << s;
  }
}

// Stricter than the hand-written rules it replaced: Chile dropped the trunk
// 0 and the 91… mobile block is not assigned, so both are refused now.
TEST(NormalizePhone, NumbersTheNumberingPlanDoesNotHave) {
  EXPECT_EQ(Refused("(02) 2345 6789").code(), Status::Code::kInvalidArgument);
  EXPECT_NE(Refused("9 1234 5678").message().find("CL (+56)"), std::string::npos);
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
  EXPECT_NE(Refused("+1234567890123456789").message().find("too long"), std::string::npos);
  EXPECT_NE(Refused("91234567890123").message().find("too long"), std::string::npos);
}

// What the hand-written shape check let through and libphonenumber does not:
// the right count of digits for the country, a prefix that exists.
TEST(NormalizePhone, ValidatedPerCountry) {
  // Chile's numbers have 9 digits since 2016: 8 are one short.
  EXPECT_EQ(Refused("2345 6789").code(), Status::Code::kInvalidArgument);
  // No Chilean number starts with 1 or 0 after the country code.
  EXPECT_NE(Refused("+56 1 2345 6789").message().find("CL (+56)"), std::string::npos);
  // A Colombian mobile has 10 digits starting with 3; 11 are too many.
  EXPECT_EQ(Refused("300 555 01011", "CO").code(), Status::Code::kInvalidArgument);
  // The same digits are a number in one country and not in another.
  EXPECT_EQ(E164("300 555 0101", "CO"), "+573005550101");
  EXPECT_EQ(Refused("300 555 0101", "CL").code(), Status::Code::kInvalidArgument);
}

TEST(NormalizePhone, ACountryCodeMustExist) {
  EXPECT_EQ(Refused("+0 912345678").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Refused("+999 912345678").code(), Status::Code::kInvalidArgument);
}

TEST(NormalizePhone, AnUnknownRegionCountsAsChile) {
  EXPECT_EQ(E164("9 6123 4567", "XX"), "+56961234567");
  EXPECT_EQ(E164("9 6123 4567", ""), "+56961234567");
}

TEST(CallingCode, AnyRegionLibphonenumberKnows) {
  EXPECT_EQ(CallingCodeOf("CO"), "57");
  EXPECT_EQ(CallingCodeOf("CL"), "56");
  EXPECT_EQ(CallingCodeOf("US"), "1");
  EXPECT_EQ(CallingCodeOf("DE"), "49");
  EXPECT_EQ(CallingCodeOf("co"), std::nullopt);
  EXPECT_EQ(CallingCodeOf("XX"), std::nullopt);
  EXPECT_EQ(CallingCodeOf(""), std::nullopt);
}

TEST(PhoneDisplay, NationalAtHomeInternationalAbroad) {
  EXPECT_EQ(PhoneDisplay("+56961234567", "CL"), "9 6123 4567");
  EXPECT_EQ(PhoneDisplay("+56223456789", "CL"), "(2) 2345 6789");
  EXPECT_EQ(PhoneDisplay("+573005550101", "CO"), "300 5550101");
  EXPECT_EQ(PhoneDisplay("+573005550101", "CL"), "+57 300 5550101");
  EXPECT_EQ(PhoneDisplay("anonymous", "CL"), "anonymous");
  EXPECT_EQ(PhoneDisplay("201", "CL"), "201");
  EXPECT_EQ(PhoneDisplay("", "CL"), "");
}

TEST(PhoneRegionOf, TheCountryOfAValidNumber) {
  EXPECT_EQ(PhoneRegionOf("+573005550101"), "CO");
  EXPECT_EQ(PhoneRegionOf("+56961234567"), "CL");
  EXPECT_EQ(PhoneRegionOf("+5612345678"), "");
  EXPECT_EQ(PhoneRegionOf("9 6123 4567"), "");
}

}  // namespace phone_test
}  // namespace atiende
