// `atiende token create USER [--ttl-hours N]`: an API token for a user,
// printed once on standard output.
#include <cstdio>
#include <memory>

#include "app/sessions.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace token_cmd {

struct Options {
  std::string user;
  int ttl_hours = 24 * 90;
};

int Create(const Options& o, Deps& deps) {
  auto g = CreateApiToken(deps, SystemPrincipal(), o.user, std::chrono::hours(o.ttl_hours));
  if (!g.ok()) return Fail(g.status());
  std::printf("%s\n", g->token.c_str());
  return 0;
}

}  // namespace token_cmd

void AddTokenCommand(Commands& c) {
  using namespace token_cmd;
  auto o = std::make_shared<Options>();
  auto* token = c.AddGroup("token", "API tokens");
  auto* create = c.Add(token, "create", "Create an API token for a user",
                       WithDeps([o](Deps& deps) { return Create(*o, deps); }));
  create->add_option("USER", o->user, "username")->required();
  create->add_option("--ttl-hours", o->ttl_hours, "lifetime in hours (default 2160)")
      ->check(CLI::Range(1, 24 * 366));
}

}  // namespace atiende::cli
