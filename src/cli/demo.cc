#include "cli/demo.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/directory.h"
#include "app/import_customers.h"
#include "app/users.h"
#include "wiring.h"

namespace atiende::cli {

namespace {
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
}  // namespace

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
  ATIENDE_RETURN_IF_ERROR(SeedDirectory(deps, dir + "/directory.yaml"));
  std::printf("directory: demo addresses for the known lists\n");
  std::printf("\nDemo logins (password \"%s\"):\n", kDemoPassword);
  for (const auto& u : kUsers) {
    NewUser nu{u.name, u.role, "", kDemoPassword};
    if (u.customer_name) {
      Status s = deps.store.Read([&](ReadTx& tx) {
        ATIENDE_ASSIGN_OR_RETURN(auto c, tx.FindCustomerByKey("", "", u.customer_name));
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

}  // namespace atiende::cli
