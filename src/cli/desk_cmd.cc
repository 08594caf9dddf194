// `atiende desk add ID --name … [settings]`, `desk list`, `desk show ID`,
// `desk set ID [settings]`, `desk remove ID`: the desks of the installation
// (docs/desks.md). Settings are validated as the API does; errors name the
// setting and exit non-zero with nothing written.
#include <cstdio>
#include <memory>
#include <optional>

#include "app/desks.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "json/desk_json.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace desk_cmd {

// Each setting as given on the command line; unset ones are left alone.
struct Options {
  std::string id;
  std::optional<std::string> name, time_zone, language, phone_region, business_hours,
      holiday_country, mail_from, reply_to;
  std::optional<int> autoclose_days;
  std::optional<std::vector<std::string>> holidays_added, holidays_removed, procedures;
};

void Apply(const Options& o, Desk& d) {
  auto set = [](const auto& from, auto& to) {
    if (from) to = *from;
  };
  set(o.name, d.name);
  set(o.time_zone, d.time_zone);
  set(o.language, d.language);
  set(o.phone_region, d.phone_region);
  set(o.business_hours, d.business_hours);
  set(o.holiday_country, d.holiday_country);
  set(o.mail_from, d.mail_from);
  set(o.reply_to, d.reply_to);
  set(o.autoclose_days, d.autoclose_days);
  set(o.holidays_added, d.holidays_added);
  set(o.holidays_removed, d.holidays_removed);
  set(o.procedures, d.procedures);
}

void Print(const Desk& d) { std::printf("%s\n", boost::json::serialize(json::ToJson(d)).c_str()); }

int Add(const Options& o, Deps& deps) {
  Desk d;
  d.id = o.id;
  Apply(o, d);
  auto made = CreateDesk(deps, SystemPrincipal(), d);
  if (!made.ok()) return Fail(made.status());
  std::printf("desk %s added\n", made->id.c_str());
  return 0;
}

int List(Deps& deps) {
  auto desks = ListDesks(deps, SystemPrincipal());
  if (!desks.ok()) return Fail(desks.status());
  for (const auto& d : *desks) {
    std::printf("%-20s %-20s %-3s %-3s %s\n", d.id.c_str(), d.time_zone.c_str(), d.language.c_str(),
                d.holiday_country.empty() ? "-" : d.holiday_country.c_str(), d.name.c_str());
  }
  return 0;
}

int Show(const Options& o, Deps& deps) {
  auto d = GetDesk(deps, SystemPrincipal(), o.id);
  if (!d.ok()) return Fail(d.status());
  Print(*d);
  return 0;
}

int Set(const Options& o, Deps& deps) {
  auto d = GetDesk(deps, SystemPrincipal(), o.id);
  if (!d.ok()) return Fail(d.status());
  Apply(o, *d);
  auto saved = UpdateDesk(deps, SystemPrincipal(), *d);
  if (!saved.ok()) return Fail(saved.status());
  Print(*saved);
  return 0;
}

int Remove(const Options& o, Deps& deps) {
  if (Status s = DeleteDesk(deps, SystemPrincipal(), o.id); !s.ok()) return Fail(s);
  std::printf("desk %s removed\n", o.id.c_str());
  return 0;
}

void AddSettings(CLI::App* app, Options& o) {
  app->add_option("--name", o.name, "display name");
  app->add_option("--time-zone", o.time_zone, "IANA time zone (America/Bogota)");
  app->add_option("--language", o.language, "es or en");
  app->add_option("--phone-region", o.phone_region, "country of national numbers (CO, CL)");
  app->add_option("--hours", o.business_hours, "business hours (\"mon-fri 08:00-18:00\")");
  app->add_option("--holidays", o.holiday_country, "country holiday rules (CO, CL; \"\" none)");
  app->add_option("--add-holidays", o.holidays_added, "local holidays (YYYY-MM-DD …)");
  app->add_option("--remove-holidays", o.holidays_removed,
                  "country holidays worked (YYYY-MM-DD …)");
  app->add_option("--autoclose-days", o.autoclose_days, "days before a resolved ticket closes");
  app->add_option("--mail-from", o.mail_from, "From: of the desk's mail (\"Name <addr>\")");
  app->add_option("--reply-to", o.reply_to, "Reply-To: of the desk's mail");
  app->add_option("--procedures", o.procedures, "procedures the desk runs (ids)");
}

}  // namespace desk_cmd

void AddDeskCommand(Commands& c) {
  using namespace desk_cmd;
  auto o = std::make_shared<Options>();
  auto* desk = c.AddGroup("desk", "Manage desks (docs/desks.md)");
  auto* add = c.Add(desk, "add", "Add a desk", WithDeps([o](Deps& d) { return Add(*o, d); }));
  add->add_option("ID", o->id, "desk id (a-z, 0-9, -)")->required();
  AddSettings(add, *o);
  c.Add(desk, "list", "List desks", WithDeps(List));
  auto* show = c.Add(desk, "show", "Show a desk's settings (JSON)",
                     WithDeps([o](Deps& d) { return Show(*o, d); }));
  show->add_option("ID", o->id, "desk id")->required();
  auto* set =
      c.Add(desk, "set", "Change a desk's settings", WithDeps([o](Deps& d) { return Set(*o, d); }));
  set->add_option("ID", o->id, "desk id")->required();
  AddSettings(set, *o);
  auto* remove = c.Add(desk, "remove", "Remove a desk nothing belongs to",
                       WithDeps([o](Deps& d) { return Remove(*o, d); }));
  remove->add_option("ID", o->id, "desk id")->required();
}

}  // namespace atiende::cli
