#include "core/desk.h"

#include <algorithm>

#include "core/field.h"
#include "core/phone.h"

namespace atiende {

namespace {

// ISO 3166-1 alpha-2, the officially assigned codes.
constexpr std::string_view kCountries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status CheckDates(const std::vector<std::string>& dates, const char* field) {
  if (dates.size() > 1000) return Status::InvalidArgument("more than 1000 dates", field);
  for (size_t i = 0; i < dates.size(); ++i) {
    if (!IsDate(dates[i])) {
      return Status::InvalidArgument(
          "date " + std::to_string(i + 1) + " (\"" + dates[i] + "\") is not YYYY-MM-DD", field);
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsCountryCode(std::string_view code) {
  if (code.size() != 2) return false;
  for (size_t i = 0; i + 2 <= kCountries.size(); i += 3) {
    if (kCountries.substr(i, 2) == code) return true;
  }
  return false;
}

Status CheckDeskId(std::string_view id) {
  const std::string why =
      "a desk id is 2 to 40 of a-z, 0-9 and '-', not starting or ending with '-'";
  if (id.size() < 2 || id.size() > 40 || id.front() == '-' || id.back() == '-') {
    return Status::InvalidArgument(why, "id");
  }
  for (char ch : id) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
      return Status::InvalidArgument(why, "id");
    }
  }
  return Status::Ok();
}

namespace {

// A sender as mail headers carry it: "Name <addr@host>" or "addr@host", on
// one line (a line break would let a setting write headers of its own).
Status CheckSender(const std::string& s, const char* field) {
  if (s.empty()) return Status::Ok();
  if (s.size() > 300) return Status::InvalidArgument("at most 300 bytes", field);
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("must be one line, without control characters", field);
    }
  }
  size_t lt = s.find('<'), gt = s.rfind('>');
  std::string_view addr = s;
  if (lt != std::string::npos || gt != std::string::npos) {
    if (lt == std::string::npos || gt == std::string::npos || gt < lt || gt + 1 != s.size()) {
      return Status::InvalidArgument("must be \"Name <address>\" or an address", field);
    }
    addr = std::string_view(s).substr(lt + 1, gt - lt - 1);
  }
  if (!LooksLikeEmail(addr)) {
    return Status::InvalidArgument("\"" + std::string(addr) + "\" is not an e-mail address", field);
  }
  return Status::Ok();
}

}  // namespace

Status CheckDeskFields(const Desk& d) {
  ATIENDE_RETURN_IF_ERROR(CheckDeskId(d.id));
  if (d.name.empty() || d.name.size() > 100) {
    return Status::InvalidArgument("the name is required, at most 100 bytes", "name");
  }
  std::string name = d.name;
  ATIENDE_RETURN_IF_ERROR(CheckName(name, "name", 100));
  if (d.language != "es" && d.language != "en") {
    return Status::InvalidArgument("language must be \"es\" or \"en\"", "language");
  }
  if (!d.phone_region.empty() && !IsCountryCode(d.phone_region)) {
    return Status::InvalidArgument(
        "\"" + d.phone_region + "\" is not a country code (ISO 3166-1 alpha-2, e.g. CO, CL)",
        "phone_region");
  }
  if (!d.phone_region.empty() && !CallingCodeOf(d.phone_region)) {
    return Status::InvalidArgument("libphonenumber knows no numbering plan for " + d.phone_region,
                                   "phone_region");
  }
  if (!d.holiday_country.empty() && !IsCountryCode(d.holiday_country)) {
    return Status::InvalidArgument("\"" + d.holiday_country + "\" is not a country code",
                                   "holiday_country");
  }
  ATIENDE_RETURN_IF_ERROR(CheckSender(d.mail_from, "mail_from"));
  ATIENDE_RETURN_IF_ERROR(CheckSender(d.reply_to, "reply_to"));
  if (d.autoclose_days < 1 || d.autoclose_days > 365) {
    return Status::InvalidArgument("autoclose_days must be 1 to 365", "autoclose_days");
  }
  ATIENDE_RETURN_IF_ERROR(CheckDates(d.holidays_added, "holidays_added"));
  ATIENDE_RETURN_IF_ERROR(CheckDates(d.holidays_removed, "holidays_removed"));
  std::vector<std::string> procs = d.procedures;
  std::sort(procs.begin(), procs.end());
  for (size_t i = 0; i < procs.size(); ++i) {
    if (procs[i].empty()) return Status::InvalidArgument("an empty procedure id", "procedures");
    if (i > 0 && procs[i] == procs[i - 1]) {
      return Status::InvalidArgument("procedure \"" + procs[i] + "\" is listed twice",
                                     "procedures");
    }
  }
  return Status::Ok();
}

}  // namespace atiende
