#include "app/desks.h"

#include <algorithm>

#include "app/audit.h"
#include "app/deps.h"
#include "app/procedures.h"
#include "core/desk_holidays.h"
#include "core/phone.h"
#include "json/desk_json.h"
#include "log/log.h"

namespace atiende {

namespace {

// A scope no record has: what a desk-bound user without a desk sees.
constexpr const char* kNoDesk = "\x01no-desk";

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool WorksIn(const Principal& p, std::string_view desk) {
  if (p.role == Role::kAdmin && p.desks.empty()) return true;
  return std::find(p.desks.begin(), p.desks.end(), desk) != p.desks.end();
}

// Creating and removing desks is for an admin of the whole installation; an
// admin of some desks edits those desks' settings only.
Status CheckInstallationAdmin(const Principal& p, std::string_view what) {
  if (p.role == Role::kAdmin && p.desks.empty()) return Status::Ok();
  return Status::PermissionDenied("only an admin of every desk " + std::string(what) +
                                  " desks; you work in some");
}

Status CheckProcedures(const Deps& d, const Desk& desk) {
  if (!d.procedures) return Status::Ok();
  for (const auto& id : desk.procedures) {
    if (!d.procedures->Find(id)) {
      std::string known;
      for (const auto& p : d.procedures->all()) known += (known.empty() ? "" : ", ") + p.id;
      return Status::InvalidArgument("no procedure \"" + id + "\" (known: " + known + ")",
                                     "procedures");
    }
  }
  return Status::Ok();
}

// Normalises and checks every setting; the calendar is built to check the
// zone, hours and holidays.
Status Check(const Deps& d, Desk& desk) {
  desk.holidays_added = Sorted(std::move(desk.holidays_added));
  desk.holidays_removed = Sorted(std::move(desk.holidays_removed));
  ATIENDE_RETURN_IF_ERROR(CheckDeskFields(desk));
  ATIENDE_RETURN_IF_ERROR(CheckProcedures(d, desk));
  return BuildDeskRuntime(desk).status();
}

}  // namespace

Result<DeskRuntime> BuildDeskRuntime(const Desk& d) {
  auto calendar = DeskCalendar(d.time_zone, d.business_hours, d.holiday_country, d.holidays_added,
                               d.holidays_removed);
  if (!calendar.ok()) {
    // Named as the desk's settings name them.
    const Status& s = calendar.status();
    std::string field = s.field() == "country"             ? "holiday_country"
                        : s.field() == "holiday_additions" ? "holidays_added"
                        : s.field() == "holiday_removals"  ? "holidays_removed"
                                                           : s.field();
    return Status::InvalidArgument(s.message(), field);
  }
  return DeskRuntime{d, SlaPolicy::Default(std::move(calendar).value())};
}

DeskBook::DeskBook(std::shared_ptr<const DeskRuntime> fallback) : fallback_(std::move(fallback)) {}

Status DeskBook::Refresh(Store& store) {
  std::vector<Desk> desks;
  ATIENDE_RETURN_IF_ERROR(store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(desks, tx.desks().List());
    return Status::Ok();
  }));
  std::map<std::string, std::shared_ptr<const DeskRuntime>, std::less<>> next;
  for (auto& desk : desks) {
    {
      std::lock_guard lock(mu_);
      auto it = desks_.find(desk.id);
      if (it != desks_.end() && it->second->desk.version == desk.version) {
        next[desk.id] = it->second;
        continue;
      }
    }
    auto rt = BuildDeskRuntime(desk);
    if (rt.ok()) {
      next[desk.id] = std::make_shared<const DeskRuntime>(std::move(rt).value());
      continue;
    }
    log::Warn("desk.settings", {{"desk", desk.id}, {"error", rt.status().message()}});
    DeskRuntime kept{desk, fallback_->sla};  // NOLINT: the zone no longer loads
    next[desk.id] = std::make_shared<const DeskRuntime>(std::move(kept));
  }
  std::lock_guard lock(mu_);
  for (auto& [id, rt] : desks_) {
    auto it = next.find(id);
    if (it == next.end() || it->second != rt) retired_.push_back(std::move(rt));
  }
  desks_ = std::move(next);
  return Status::Ok();
}

const DeskRuntime& DeskBook::For(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = desks_.find(id);
  return it == desks_.end() ? *fallback_ : *it->second;
}

bool DeskBook::Has(std::string_view id) const {
  std::lock_guard lock(mu_);
  return desks_.find(id) != desks_.end();
}

std::vector<std::string> DeskBook::ids() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, rt] : desks_) out.push_back(id);
  return out;
}

Status LoadDesks(Deps& d) {
  if (!d.desks) {
    Desk fallback;
    fallback.id = std::string(kMainDesk);
    fallback.name = "Main desk";
    ATIENDE_ASSIGN_OR_RETURN(DeskRuntime rt, BuildDeskRuntime(fallback));
    d.desks = std::make_shared<DeskBook>(std::make_shared<const DeskRuntime>(std::move(rt)));
  }
  return d.desks->Refresh(d.store);
}

DeskScope ScopeOf(const Deps& d, const Principal& p) {
  if (!p.desk.empty()) return DeskScope::Of(p.desk);
  if (p.user_id == 0 || (p.role == Role::kAdmin && p.desks.empty())) {
    std::vector<std::string> ids = d.desks->ids();
    return ids.size() == 1 ? DeskScope::Of(ids.front()) : DeskScope::All();
  }
  return DeskScope::Of(kNoDesk);
}

Result<DeskScope> DeskToWrite(const Deps& d, const Principal& actor, std::string_view named) {
  if (!named.empty()) {
    if (!d.desks->Has(named) || !WorksIn(actor, named) ||
        (!actor.desk.empty() && actor.desk != named)) {
      return Status::InvalidArgument("no desk \"" + std::string(named) + "\"", "desk");
    }
    return DeskScope::Of(std::string(named));
  }
  DeskScope scope = ScopeOf(d, actor);
  if (!scope.all()) return scope;
  std::vector<std::string> ids = d.desks->ids();
  if (ids.size() == 1) return DeskScope::Of(ids.front());
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
  return Status::InvalidArgument("name the desk (one of: " + list + ")", "desk");
}

Result<DeskScope> ScopeOfCustomer(Deps& d, const Principal& actor, int64_t customer_id) {
  DeskScope scope = ScopeOf(d, actor);
  if (!scope.all()) return scope;
  std::string desk;
  Status s = d.store.Read(scope, [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Customer c, tx.customers().Get(customer_id));
    desk = c.desk;
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound) {
    return Status::InvalidArgument("no customer with id " + std::to_string(customer_id),
                                   "customer_id");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  return DeskScope::Of(desk);
}

Result<Desk> CreateDesk(Deps& d, const Principal& actor, Desk desk) {
  ATIENDE_RETURN_IF_ERROR(CheckInstallationAdmin(actor, "creates"));
  ATIENDE_RETURN_IF_ERROR(Check(d, desk));
  desk.from_settings = false;
  desk.created_at = desk.updated_at = d.clock.Now();
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) {
    ATIENDE_RETURN_IF_ERROR(tx.desks().Insert(desk));
    return Audit(tx, desk.created_at, actor, "desk.create", "desk", desk.id, nullptr,
                 json::ToJson(desk));
  }));
  ATIENDE_RETURN_IF_ERROR(d.desks->Refresh(d.store));
  return desk;
}

Result<std::vector<Desk>> ListDesks(Deps& d, const Principal& actor) {
  std::vector<Desk> desks;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(desks, tx.desks().List());
    return Status::Ok();
  }));
  std::erase_if(desks, [&](const Desk& k) { return !WorksIn(actor, k.id); });
  return desks;
}

Result<Desk> GetDesk(Deps& d, const Principal& actor, std::string_view id) {
  if (!WorksIn(actor, id)) return Status::NotFound("no desk \"" + std::string(id) + "\"");
  Desk desk;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(desk, tx.desks().Get(id));
    return Status::Ok();
  }));
  return desk;
}

Result<Desk> UpdateDesk(Deps& d, const Principal& actor, Desk desk) {
  if (!WorksIn(actor, desk.id)) return Status::NotFound("no desk \"" + desk.id + "\"");
  ATIENDE_RETURN_IF_ERROR(Check(d, desk));
  desk.from_settings = false;
  desk.updated_at = d.clock.Now();
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Desk before, tx.desks().Get(desk.id));
    if (before.version != desk.version) {
      return Status::VersionConflict("desk " + desk.id + " is at version " +
                                     std::to_string(before.version) + ", not " +
                                     std::to_string(desk.version))
          .WithSubject(desk.id);
    }
    desk.created_at = before.created_at;
    desk.version = before.version + 1;
    ATIENDE_RETURN_IF_ERROR(tx.desks().Update(desk));
    return Audit(tx, desk.updated_at, actor, "desk.update", "desk", desk.id, json::ToJson(before),
                 json::ToJson(desk));
  }));
  ATIENDE_RETURN_IF_ERROR(d.desks->Refresh(d.store));
  return desk;
}

Status DeleteDesk(Deps& d, const Principal& actor, std::string_view id) {
  if (!WorksIn(actor, id)) return Status::NotFound("no desk \"" + std::string(id) + "\"");
  ATIENDE_RETURN_IF_ERROR(CheckInstallationAdmin(actor, "removes"));
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Desk before, tx.desks().Get(id));
    ATIENDE_RETURN_IF_ERROR(tx.desks().Delete(id));
    return Audit(tx, d.clock.Now(), actor, "desk.delete", "desk", before.id, json::ToJson(before),
                 nullptr);
  }));
  return d.desks->Refresh(d.store);
}

std::string PhoneCountry(const Desk& desk) {
  auto code = CallingCodeOf(desk.phone_region);
  return code ? std::string(*code) : std::string(kDefaultPhoneCountry);
}

}  // namespace atiende
