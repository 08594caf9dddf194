// `atiende demo seed [--dir data/demo]`: two desks — the telecom's NM desk
// (cirion-nm: Bogotá, Colombian holidays, the NM customers as printed in its
// protocol, the assurance list) and the LPG distributor's ZB desk
// (abastible-zb: Santiago, Chilean holidays, bulk customers, some with a ZB
// block, its lists and the ZB procedure) — and their users, then prints the
// logins. Idempotent.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "app/customers.h"
#include "app/desks.h"
#include "app/directory.h"
#include "app/import_customers.h"
#include "app/users.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace demo_cmd {
constexpr char kDemoPassword[] = "atiende-demo";

constexpr char kNmDesk[] = "cirion-nm";
constexpr char kZbDesk[] = "abastible-zb";

struct DemoUser {
  const char* name;
  const char* role;
  std::vector<std::string> desks;  // a customer user: the desk of its customer
  const char* customer_name;       // legal name of the customer (customer users)
};
const std::vector<DemoUser>& Users() {
  static const std::vector<DemoUser> users = {
      {"agente", "agent", {kNmDesk}, nullptr},
      {"agente.zb", "agent", {kZbDesk}, nullptr},
      {"supervisor", "supervisor", {kZbDesk, kNmDesk}, nullptr},
      {"despacho", "dispatch", {kZbDesk}, nullptr},
      {"mesa", "back_office", {kZbDesk}, nullptr},
      {"admin", "admin", {}, nullptr},
      {"cliente", "customer", {kNmDesk}, "Scotiabank Colpatría S.A."},
      {"cliente.zb", "customer", {kZbDesk}, "Agrícola Los Robles Ltda."},
  };
  return users;
}

// The two desks, created once (an edit an admin made is kept).
Status SeedDesks(Deps& deps) {
  Desk nm;
  nm.id = kNmDesk;
  nm.name = "Cirion — Mesa NM";
  nm.time_zone = "America/Bogota";
  nm.language = "es";
  nm.phone_region = "CO";
  nm.business_hours = "mon-fri 08:00-18:00";
  nm.holiday_country = "CO";
  nm.autoclose_days = 7;
  nm.mail_from = "Mesa NM Cirion <mesa.nm@cirion.example>";
  Desk zb;
  zb.id = kZbDesk;
  zb.name = "Abastible — Bloqueos ZB";
  zb.time_zone = "America/Santiago";
  zb.language = "es";
  zb.phone_region = "CL";
  zb.business_hours = "mon-fri 08:30-18:30; sat 09:00-13:00";
  zb.holiday_country = "CL";
  zb.autoclose_days = 7;
  zb.mail_from = "Contact Center Abastible <contact.center@abastible.example>";
  zb.procedures = {"zb-unblock"};
  for (Desk& d : {std::ref(nm), std::ref(zb)}) {
    auto made = CreateDesk(deps, SystemPrincipal(), d);
    if (!made.ok() && made.status().code() != Status::Code::kAlreadyExists) return made.status();
    std::printf("desk %s: %s (%s)\n", d.id.c_str(), d.name.c_str(), d.time_zone.c_str());
  }
  // A fresh database's "main" desk: the demo does not use it.
  Status unused = DeleteDesk(deps, SystemPrincipal(), kMainDesk);
  if (!unused.ok() && unused.code() != Status::Code::kNotFound &&
      unused.reason() != "desk_in_use") {
    return unused;
  }
  return Status::Ok();
}

// nm_services.tsv: one row per service of an NM customer (legal_name, email,
// service_manager, manager_contact, service_id, circuit, description). Adds
// what is missing; re-running changes nothing.
Status SeedServices(Deps& deps, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::string line;
  std::getline(in, line);  // header
  int added = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
    if (f.size() != 7) continue;
    int64_t id = 0;
    ATIENDE_RETURN_IF_ERROR(deps.store.Read(DeskScope::Of(kNmDesk), [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(auto c, tx.customers().FindByKey("", "", f[0]));
      if (!c) return Status::NotFound("demo customer missing: " + f[0]);
      id = c->id;
      return Status::Ok();
    }));
    auto r = UpdateCustomer(deps, SystemPrincipal(), id, std::nullopt, [&](Customer& c) {
      c.email = f[1];
      c.service_manager = {f[2], f[3]};
      bool known = false;
      for (const auto& s : c.services) known = known || s.service_id == f[4];
      if (!known) {
        c.services.push_back({f[4], f[5], f[6]});
        ++added;
      }
      if (c.contacts.empty()) c.contacts.push_back({"Mesa de TI", "NOC", "+57 601 555 0100", f[1]});
      return Status::Ok();
    });
    ATIENDE_RETURN_IF_ERROR(r.status());
  }
  std::printf("nm_services.tsv: %d services added\n", added);
  return Status::Ok();
}

Status SeedDemo(Deps& deps, const std::string& dir) {
  Principal system = SystemPrincipal();
  ATIENDE_RETURN_IF_ERROR(SeedDesks(deps));
  for (auto [f, desk] : {std::pair{"nm_customers.tsv", kNmDesk}, {"lpg_customers.tsv", kZbDesk}}) {
    std::string path = dir + "/" + f;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    ImportOptions options;
    options.desk = desk;
    ATIENDE_ASSIGN_OR_RETURN(ImportReport r, ImportCustomers(deps, system, ss.str(), options));
    std::printf("%s → %s: %d created, %d updated, %d unchanged, %zu rejected\n", f, desk, r.created,
                r.updated, r.unchanged, r.rejected.size());
  }
  ATIENDE_RETURN_IF_ERROR(SeedServices(deps, dir + "/nm_services.tsv"));
  ATIENDE_RETURN_IF_ERROR(SeedDirectory(deps, kZbDesk, dir + "/directory.yaml"));
  ATIENDE_RETURN_IF_ERROR(SeedDirectory(deps, kNmDesk, dir + "/directory-nm.yaml"));
  std::printf("directory: demo addresses for the known lists of both desks\n");
  std::printf("\nDemo logins (password \"%s\"):\n", kDemoPassword);
  for (const auto& u : Users()) {
    NewUser nu{u.name, u.role, "", kDemoPassword, u.desks};
    if (u.customer_name) {
      Status s = deps.store.Read(DeskScope::Of(u.desks.front()), [&](ReadTx& tx) {
        ATIENDE_ASSIGN_OR_RETURN(auto c, tx.customers().FindByKey("", "", u.customer_name));
        if (!c) return Status::NotFound(std::string("demo customer missing: ") + u.customer_name);
        nu.customer_code = c->code;
        return Status::Ok();
      });
      ATIENDE_RETURN_IF_ERROR(s);
    }
    auto added = AddUser(deps, system, nu);
    if (!added.ok() && added.status().code() != Status::Code::kAlreadyExists) return added.status();
    std::string desks;
    for (const auto& d : u.desks) desks += (desks.empty() ? "" : ", ") + d;
    std::printf("  %-11s %-11s %s%s\n", u.name, u.role,
                desks.empty() ? "every desk" : desks.c_str(),
                u.customer_name ? (std::string(", of ") + u.customer_name).c_str() : "");
  }
  return Status::Ok();
}

}  // namespace demo_cmd

void AddDemoCommand(Commands& c) {
  using namespace demo_cmd;
  auto dir = std::make_shared<std::string>("data/demo");
  auto* demo = c.AddGroup("demo", "Demo data");
  auto* seed = c.Add(demo, "seed", "Load the demo customers and users (idempotent)",
                     WithDeps([dir](Deps& deps) {
                       Status s = SeedDemo(deps, *dir);
                       return s.ok() ? 0 : Fail(s);
                     }));
  seed->add_option("--dir", *dir, "folder with the demo files (default data/demo)");
}

}  // namespace atiende::cli
