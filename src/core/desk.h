// Desk: one client's desk in an installation (docs/desks.md) — its clock,
// calendar, language, phone region, mail sender, distribution lists,
// procedures and number series. Every customer belongs to exactly one desk,
// and so does everything that belongs to a customer: tickets, calls, notices,
// cases, mails and their audit rows. A user of one desk never sees another's.
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

// The desk an upgraded database's records are put in (store migration 0008).
inline constexpr std::string_view kMainDesk = "main";

struct Desk {
  std::string id;    // "cirion-nm": 2..40 of [a-z0-9-], starting with a letter or digit
  std::string name;  // display name, 1..100 bytes
  std::string time_zone = "America/Bogota";  // IANA name
  std::string language = "es";               // "es" (es-419) or "en"
  std::string phone_region;  // ISO 3166-1 alpha-2 ("CO"): national numbers' country; "" Chile
  std::string business_hours = "mon-fri 08:00-18:00";  // BusinessCalendar::Parse's syntax
  std::string holiday_country;                         // "CO", "CL" (data/holidays/); "" none
  std::vector<std::string> holidays_added;             // local dates "2026-12-24", sorted, unique
  std::vector<std::string> holidays_removed;           // local dates, sorted, unique
  int autoclose_days = 7;                              // NM-10; 1..365
  std::string mail_from;  // From: of the desk's mails, "Name <addr>"; "" the installation's
  std::string reply_to;   // Reply-To: address; "" none
  // Procedures (procedures/*.yaml ids) the desk runs; empty: none.
  std::vector<std::string> procedures;
  // Set on the desk an upgrade created: its settings come from the
  // installation's configuration at the next start (then it is cleared).
  bool from_settings = false;
  int64_t version = 0;  // incremented by every update (optimistic concurrency)
  TimePoint created_at{};
  TimePoint updated_at{};
};

// kInvalidArgument (field "id") unless id is 2..40 of [a-z0-9-], not
// starting or ending with '-'.
Status CheckDeskId(std::string_view id);

// Checks what a desk's fields can say alone (not its zone, hours or
// holidays, which need the tz database and the calendar: app/desks.h).
// kInvalidArgument naming the field: "id", "name", "language",
// "phone_region" (not an ISO 3166-1 alpha-2 code), "holiday_country",
// "autoclose_days", "holidays_added"/"holidays_removed" (not YYYY-MM-DD),
// "procedures" (empty or repeated id), "mail_from"/"reply_to" (not one line
// of "Name <address>" or an address).
Status CheckDeskFields(const Desk& d);

// Whether `code` is an assigned ISO 3166-1 alpha-2 country code ("CO").
bool IsCountryCode(std::string_view code);

}  // namespace atiende
