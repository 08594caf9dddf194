// Desks at run time (docs/desks.md): each desk's settings with what they
// build — its business calendar (zone, hours, holidays) and SLA policy — and
// the use cases that create, list and change desks.
//
// DeskBook holds the desks the store has, loaded at start and reloaded after
// every change made through this process; another node's change is picked up
// by Refresh(), which the housekeeping loop calls.
// Thread-safety: DeskBook is safe to share; what For() returns is immutable
// and lives as long as the book (a refresh retires a desk's old settings
// without freeing them: desks change a few times a year).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/desk.h"
#include "core/sla.h"
#include "core/user.h"
#include "store/store.h"

namespace atiende {

struct Deps;

// One desk as the use cases need it.
struct DeskRuntime {
  Desk desk;
  SlaPolicy sla;  // its calendar: the desk's zone, hours and holidays
  const BusinessCalendar& calendar() const { return sla.calendar; }
};

// The desk's calendar (its zone, hours, and holidays: its country's rules
// plus holidays_added, less holidays_removed; core/desk_holidays.h) and SLA
// policy. kInvalidArgument naming "time_zone", "business_hours",
// "holiday_country", "holidays_added" or "holidays_removed" when one is wrong.
Result<DeskRuntime> BuildDeskRuntime(const Desk& d);

class DeskBook {
 public:
  // `fallback` answers For() of a desk the store does not have (a record
  // written before its desk was loaded cannot exist; this keeps a reader
  // going rather than failing it): the installation's own settings.
  explicit DeskBook(std::shared_ptr<const DeskRuntime> fallback);

  // Reads every desk from the store and replaces the book. A desk whose
  // settings no longer build (a zone removed from the tz database) keeps its
  // previous runtime, or the fallback's calendar, and is logged.
  Status Refresh(Store& store);
  // The desk's runtime; the fallback for an unknown id.
  const DeskRuntime& For(std::string_view id) const;
  // Whether the store had this desk at the last refresh.
  bool Has(std::string_view id) const;
  // The ids, sorted.
  std::vector<std::string> ids() const;

 private:
  std::shared_ptr<const DeskRuntime> fallback_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const DeskRuntime>, std::less<>> desks_;
  std::vector<std::shared_ptr<const DeskRuntime>> retired_;  // kept: For() hands out references
};

// Makes d.desks (its fallback: a default Desk named "main") when missing and
// loads it from d.store: for tools and benchmarks that build their own Deps.
Status LoadDesks(Deps& d);

// The scope a principal's request runs in: its desk; for the system and an
// admin who named none, the installation's only desk, or every desk when
// there are several. A staff or customer user without a desk sees nothing (a
// scope no record has): never every desk by omission.
DeskScope ScopeOf(const Deps& d, const Principal& p);

// The region national phone numbers belong to in this desk (its phone_region:
// "CO"); Chile where it names none.
std::string PhoneRegion(const Desk& desk);

// The one desk a new record of the actor goes to: `named` when given (a
// desk the actor works in), else the actor's desk, else the installation's
// only desk. kInvalidArgument (field "desk") for an unknown desk or when
// several are possible and none is named (the message lists them).
Result<DeskScope> DeskToWrite(const Deps& d, const Principal& actor, std::string_view named);

// The scope to act on customer `customer_id` in: the actor's desk, or — for
// an actor of every desk (the system, an admin who named none) — the
// customer's own. kInvalidArgument (field "customer_id") when the customer
// is not in the actor's scope.
Result<DeskScope> ScopeOfCustomer(Deps& d, const Principal& actor, int64_t customer_id);

// Use cases (admins only; kPermissionDenied otherwise). Each writes an audit
// row and refreshes d.desks.
// Creates a desk from `d` (its id, name and settings). kInvalidArgument
// naming the field; kAlreadyExists for a taken id.
Result<Desk> CreateDesk(Deps& d, const Principal& actor, Desk desk);
// Every desk, by id; any signed-in staff user sees the desks they work in,
// an admin every desk.
Result<std::vector<Desk>> ListDesks(Deps& d, const Principal& actor);
// The desk `id` (kNotFound unless the actor works in it or is an admin).
Result<Desk> GetDesk(Deps& d, const Principal& actor, std::string_view id);
// Replaces the settings of desk `desk.id` at version `desk.version`.
// kConflict (version_conflict) when it moved.
Result<Desk> UpdateDesk(Deps& d, const Principal& actor, Desk desk);
// Removes a desk nothing belongs to (a mistaken one; the demo's unused
// "main"). kConflict (reason desk_in_use) otherwise; kNotFound.
Status DeleteDesk(Deps& d, const Principal& actor, std::string_view id);

}  // namespace atiende
