// `atiende token create USER [--ttl-hours N]`: an API token for a user,
// printed once on standard output. `atiende token create-pbx --desk ID
// [--ttl-hours N]`: a phone system's token for a desk (docs/telephony.md). `atiende token list
// [--user NAME] [--kind session|api]`: the sessions and tokens that have not expired, by id (never
// their secrets); `atiende token revoke ID` ends one at once.
#include <cstdio>
#include <memory>

#include "app/credentials.h"
#include "app/sessions.h"
#include "app/telephony.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "core/time_format.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace token_cmd {

struct Options {
  std::string user;
  int ttl_hours = 24 * 90;
  std::string list_user;
  std::string list_kind;
  int64_t revoke_id = 0;
  std::string pbx_desk;
  int pbx_ttl_hours = 24 * 366;
};

int Create(const Options& o, Deps& deps) {
  auto g = CreateApiToken(deps, SystemPrincipal(), o.user, std::chrono::hours(o.ttl_hours));
  if (!g.ok()) return Fail(g.status());
  std::printf("%s\n", g->token.c_str());
  return 0;
}

int CreatePbx(const Options& o, Deps& deps) {
  auto t = CreatePhoneSystemToken(deps, SystemPrincipal(), o.pbx_desk,
                                  std::chrono::hours(o.pbx_ttl_hours));
  if (!t.ok()) return Fail(t.status());
  std::printf("%s\n", t->token.c_str());
  return 0;
}

int List(const Options& o, Deps& deps) {
  auto creds = ListCredentials(deps, o.list_user, o.list_kind);
  if (!creds.ok()) return Fail(creds.status());
  std::printf("%-8s %-8s %-24s %-28s %s\n", "ID", "KIND", "USER", "CREATED", "EXPIRES");
  for (const auto& c : *creds) {
    std::printf("%-8lld %-8s %-24s %-28s %s\n", static_cast<long long>(c.id), c.kind.c_str(),
                c.kind == "pbx" ? ("desk:" + c.desk).c_str() : c.username.c_str(),
                FormatInstant(c.created_at).c_str(), FormatInstant(c.expires_at).c_str());
  }
  return 0;
}

int Revoke(const Options& o, Deps& deps) {
  auto c = RevokeCredential(deps, SystemPrincipal(), o.revoke_id);
  if (!c.ok()) return Fail(c.status());
  if (c->kind == "pbx") {
    std::printf("phone-system token %lld of desk %s revoked\n", static_cast<long long>(c->id),
                c->desk.c_str());
    return 0;
  }
  std::printf("%s %lld of %s revoked\n", c->kind == "api" ? "API token" : "session",
              static_cast<long long>(c->id), c->username.c_str());
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
  auto* pbx = c.Add(token, "create-pbx",
                    "Create a phone system's token for a desk (posts call events only)",
                    WithDeps([o](Deps& deps) { return CreatePbx(*o, deps); }));
  pbx->add_option("--desk", o->pbx_desk, "the desk whose calls it reports")->required();
  pbx->add_option("--ttl-hours", o->pbx_ttl_hours, "lifetime in hours (default 8784)")
      ->check(CLI::Range(1, 24 * 366));
  auto* list = c.Add(token, "list", "List sessions and API tokens (ids, never secrets)",
                     WithDeps([o](Deps& deps) { return List(*o, deps); }));
  list->add_option("--user", o->list_user, "only this user's");
  list->add_option("--kind", o->list_kind, "only sessions or only API tokens")
      ->check(CLI::IsMember({"session", "api", "pbx"}));
  auto* revoke = c.Add(token, "revoke", "Revoke a session or API token by its id (token list)",
                       WithDeps([o](Deps& deps) { return Revoke(*o, deps); }));
  revoke->add_option("ID", o->revoke_id, "the id `atiende token list` shows")
      ->required()
      ->check(CLI::PositiveNumber);
}

}  // namespace atiende::cli
