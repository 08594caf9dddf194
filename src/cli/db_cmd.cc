// `atiende db migrate`: opens the database, which applies pending migrations.
#include <cstdio>

#include "cli/commands.h"

namespace atiende::cli {

void AddDbCommand(Commands& c) {
  auto* db = c.AddGroup("db", "Database maintenance");
  c.Add(db, "migrate", "Apply pending migrations", [](Config cfg) {
    std::string path = cfg.database_path();
    return WithDeps([&path](Deps&) {
      std::printf("database %s is up to date\n", path.c_str());
      return 0;
    })(std::move(cfg));
  });
}

}  // namespace atiende::cli
