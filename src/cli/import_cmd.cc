// `atiende import customers FILE [--dry-run] [--strict]`: the customer master
// from a spreadsheet; prints what changed and each rejected row (exit 65 when
// a row was rejected).
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "app/import_customers.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace import_cmd {

struct Options {
  std::string file;
  bool dry_run = false;
  bool strict = false;
  std::string desk;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int PrintReport(const ImportReport& r) {
  std::printf("%s%d rows: %d created, %d updated, %d unchanged, %zu rejected\n",
              r.dry_run ? "dry run (nothing changed): " : "", r.rows, r.created, r.updated,
              r.unchanged, r.rejected.size());
  for (const auto& x : r.rejected) {
    std::printf("  row %d: %s%s\n", x.row, x.field.empty() ? "" : (x.field + ": ").c_str(),
                x.reason.c_str());
  }
  return r.rejected.empty() ? 0 : 65;
}

int ImportCustomersFile(const Options& o, Deps& deps) {
  auto bytes = ReadFile(o.file);
  if (!bytes.ok()) return Fail(bytes.status());
  auto rep = ImportCustomers(deps, SystemPrincipal(), *bytes, {o.dry_run, o.strict, o.desk});
  if (!rep.ok()) return Fail(rep.status());
  return PrintReport(*rep);
}

}  // namespace import_cmd

void AddImportCommand(Commands& c) {
  using namespace import_cmd;
  auto o = std::make_shared<Options>();
  auto* imp = c.AddGroup("import", "Import data");
  auto* customers = c.Add(imp, "customers", "Import the customer master (TSV, CSV, XLSX)",
                          WithDeps([o](Deps& deps) { return ImportCustomersFile(*o, deps); }));
  customers->add_option("FILE", o->file, "the spreadsheet")->required();
  customers->add_flag("--dry-run", o->dry_run, "report what would change; change nothing");
  customers->add_flag("--strict", o->strict, "import nothing when any row is rejected");
  customers->add_option("--desk", o->desk,
                        "the desk the customers belong to (needed when there are several)");
}

}  // namespace atiende::cli
