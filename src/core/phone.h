// Phone numbers as the desks receive them ("9 1234 5678", "+56 (2) 2345-6789",
// "0056 9 1234 5678"), normalised to E.164 ("+56912345678") so two spellings of
// one number compare equal (ZB-3: two distinct, valid contact numbers).
//
// The rules, in order:
//  1. Leading and trailing whitespace is dropped. Inside, spaces, dashes, dots
//     and parentheses are separators and are dropped too.
//  2. A leading "+" or "00" marks an international number: the digits after
//     it are the country code and the national number, taken as they are.
//  3. Otherwise the number is national: one leading trunk "0" is dropped
//     ("(02) 2345 6789" as once written in Chile), and the default country
//     code is put in front — unless the digits already start with that code
//     and hold at least 8 digits after it ("56 9 1234 5678" typed without the
//     "+"; no national number of the desks' countries starts with its own
//     country code).
//  4. Anything else — letters, a "+" not in front, "#", "/" … — is refused.
//  5. Fewer than 8 digits (not counting a "+" or "00") are too short to be a
//     number anyone can call back; more than 15 digits in the result are more
//     than E.164 allows; a country code cannot start with 0.
// This is a shape check, not a numbering-plan check: a well-formed number that
// no one owns passes.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace atiende {

// The country code national numbers get when none is given: Chile, where the
// ZB protocol comes from.
inline constexpr char kDefaultPhoneCountry[] = "56";
// The country calling code of a desk's phone region (ISO 3166-1 alpha-2:
// "CO" → "57", "CL" → "56"), for the countries whose desks Atiende serves
// (the Americas, Spain); nullopt for another region. libphonenumber would
// know every region, but Debian 12's build of it needs Boost 1.74's headers,
// which conflict with the Boost 1.81 the server is built with.
std::optional<std::string_view> CallingCodeOf(std::string_view region);
// The regions CallingCodeOf knows, comma-separated, for error messages.
std::string KnownPhoneRegions();

// E.164: at most 15 digits, the country code included.
inline constexpr size_t kMaxPhoneDigits = 15;
inline constexpr size_t kMinPhoneDigits = 8;

// `text` as E.164 ("+56912345678"). kInvalidArgument naming `field` when it is
// empty, holds anything but digits and separators, or is too short or too long
// (see above). REQUIRES: default_country is 1 to 3 digits, not starting with 0.
Result<std::string> NormalizePhone(std::string_view text, std::string_view field,
                                   std::string_view default_country = kDefaultPhoneCountry);

}  // namespace atiende
