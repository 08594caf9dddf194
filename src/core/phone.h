// Phone numbers as the desks receive them ("9 6123 4567", "+56 (2) 2345-6789",
// "0056 9 6123 4567"), parsed and validated with libphonenumber (Google's
// numbering-plan metadata for every country, Debian's libphonenumber8) and
// stored in E.164 ("+56961234567"), so two spellings of one number compare
// equal (ZB-3: two distinct, valid contact numbers).
//
// - A number without a country code is national in the desk's phone region
//   (ISO 3166-1 alpha-2, "CL", "CO"): its trunk prefix and the region's
//   international call prefixes ("00" in Chile) are understood as that
//   country's numbering plan says.
// - The number must be valid in its country: a mobile or landline prefix that
//   exists and the right number of digits for it — not only a plausible shape.
// - Only digits, spaces, dashes, dots, parentheses and one leading "+" are
//   accepted: letters (vanity numbers, "ext 2") and "#", "/" are refused, so
//   nothing the caller typed is silently dropped.
//
// Thread-safety: all functions may be called from any thread (libphonenumber's
// PhoneNumberUtil is an immutable singleton once built).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace atiende {

// The region national numbers belong to when a desk names none: Chile, where
// the ZB protocol comes from.
inline constexpr char kDefaultPhoneRegion[] = "CL";

// The country calling code of a region libphonenumber knows ("CO" → "57",
// "CL" → "56"); nullopt for a region it does not know (or not upper case).
std::optional<std::string> CallingCodeOf(std::string_view region);

// E.164: at most 15 digits, the country code included.
inline constexpr size_t kMaxPhoneDigits = 15;

// `text` as E.164 ("+56961234567"). kInvalidArgument naming `field` when it is
// empty, holds anything but digits and separators, is too short or too long,
// or is not a valid number of its country. An unknown `region` counts as
// kDefaultPhoneRegion.
Result<std::string> NormalizePhone(std::string_view text, std::string_view field,
                                   std::string_view region = kDefaultPhoneRegion);

// How a stored number is shown to a desk of `region`: the national format
// ("9 6123 4567", "(2) 2345 6789", "300 5550101") when the number is of that
// country, the international one ("+57 300 5550101") otherwise, `number` as it
// is when it is not a number (free text, "anonymous", an extension).
std::string PhoneDisplay(std::string_view number, std::string_view region = kDefaultPhoneRegion);

// The region a valid E.164 number belongs to ("+573005550101" → "CO"); "" when
// it is not one.
std::string PhoneRegionOf(std::string_view e164);

}  // namespace atiende
