// `atiende demo seed [--dir data/demo]`: loads the demo customer master (the
// NM desk's table as printed in its protocol, plus bulk LPG customers, some
// with a ZB block) and one user per role, then prints the logins. Idempotent.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "app/customers.h"
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

struct DemoUser {
  const char* name;
  const char* role;
  const char* customer_name;  // legal name of the customer (customer users)
};
constexpr DemoUser kUsers[] = {
    {"agente", "agent", nullptr},      {"supervisor", "supervisor", nullptr},
    {"despacho", "dispatch", nullptr}, {"mesa", "back_office", nullptr},
    {"admin", "admin", nullptr},       {"cliente", "customer", "Scotiabank Colpatría S.A."},
};

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
    ATIENDE_RETURN_IF_ERROR(deps.store.Read([&](ReadTx& tx) {
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
  for (const char* f : {"nm_customers.tsv", "lpg_customers.tsv"}) {
    std::string path = dir + "/" + f;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    ATIENDE_ASSIGN_OR_RETURN(ImportReport r, ImportCustomers(deps, system, ss.str(), {}));
    std::printf("%s: %d created, %d updated, %d unchanged, %zu rejected\n", f, r.created, r.updated,
                r.unchanged, r.rejected.size());
  }
  ATIENDE_RETURN_IF_ERROR(SeedServices(deps, dir + "/nm_services.tsv"));
  ATIENDE_RETURN_IF_ERROR(SeedDirectory(deps, dir + "/directory.yaml"));
  std::printf("directory: demo addresses for the known lists\n");
  std::printf("\nDemo logins (password \"%s\"):\n", kDemoPassword);
  for (const auto& u : kUsers) {
    NewUser nu{u.name, u.role, "", kDemoPassword};
    if (u.customer_name) {
      Status s = deps.store.Read([&](ReadTx& tx) {
        ATIENDE_ASSIGN_OR_RETURN(auto c, tx.customers().FindByKey("", "", u.customer_name));
        if (!c) return Status::NotFound(std::string("demo customer missing: ") + u.customer_name);
        nu.customer_code = c->code;
        return Status::Ok();
      });
      ATIENDE_RETURN_IF_ERROR(s);
    }
    auto added = AddUser(deps, system, nu);
    if (!added.ok() && added.status().code() != Status::Code::kAlreadyExists) return added.status();
    std::printf("  %-11s %s%s\n", u.name, u.role,
                u.customer_name ? (std::string(" of ") + u.customer_name).c_str() : "");
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
