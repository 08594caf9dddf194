// `atiende telephony extension set|remove|list`, `atiende telephony settings`
// and `atiende phones check` (docs/telephony.md): an admin maps a desk's
// extensions to its users and sets when the screen pop opens; the check lists
// the stored phone numbers that do not validate, changing nothing, and exits
// 1 when there is any.
#include <cstdio>
#include <memory>
#include <optional>

#include "app/telephony.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "wiring.h"

namespace atiende::cli {

namespace telephony_cmd {

struct Options {
  std::string desk;
  std::string extension;
  std::string username;
  std::optional<std::string> pop_on, dial_url;
};

Principal InDesk(const std::string& desk) {
  Principal p = SystemPrincipal();
  p.desk = desk;
  return p;
}

int SetExt(const Options& o, Deps& deps) {
  auto x = SetExtension(deps, InDesk(o.desk), o.extension, o.username);
  if (!x.ok()) return Fail(x.status());
  std::printf("extension %s of desk %s → %s\n", x->extension.c_str(), o.desk.c_str(),
              x->username.c_str());
  return 0;
}

int RemoveExt(const Options& o, Deps& deps) {
  if (Status s = RemoveExtension(deps, InDesk(o.desk), o.extension); !s.ok()) return Fail(s);
  std::printf("extension %s of desk %s removed\n", o.extension.c_str(), o.desk.c_str());
  return 0;
}

int ListExt(const Options& o, Deps& deps) {
  auto all = ListExtensions(deps, InDesk(o.desk));
  if (!all.ok()) return Fail(all.status());
  for (const auto& x : *all) std::printf("%-12s %s\n", x.extension.c_str(), x.username.c_str());
  return 0;
}

int Settings(const Options& o, Deps& deps) {
  auto s = o.pop_on || o.dial_url ? SetTelephonySettings(deps, InDesk(o.desk), o.pop_on, o.dial_url)
                                  : GetTelephonySettings(deps, InDesk(o.desk));
  if (!s.ok()) return Fail(s.status());
  std::printf("pop_on %s\ndial_url %s\n", s->pop_on.c_str(),
              s->dial_url.empty() ? "-" : s->dial_url.c_str());
  return 0;
}

int Check(const Options& o, Deps& deps) {
  auto r = CheckStoredPhones(deps, o.desk);
  if (!r.ok()) return Fail(r.status());
  for (const auto& p : r->problems) {
    std::printf("%s\t%s\t%s\t\"%s\"\t%s\n", p.desk.c_str(), p.record.c_str(), p.field.c_str(),
                p.value.c_str(), p.why.c_str());
  }
  std::fprintf(stderr, "%lld phone numbers checked, %zu do not validate\n",
               static_cast<long long>(r->checked), r->problems.size());
  return r->problems.empty() ? 0 : 1;
}

}  // namespace telephony_cmd

void AddTelephonyCommand(Commands& c) {
  using namespace telephony_cmd;
  auto o = std::make_shared<Options>();
  auto* tel = c.AddGroup("telephony", "The desks' phone systems (docs/telephony.md)");
  auto* ext = tel->add_subcommand("extension", "Extensions mapped to users");
  ext->require_subcommand(1);
  auto* set = c.Add(ext, "set", "Map an extension to a user (the screen pop goes to them)",
                    WithDeps([o](Deps& d) { return SetExt(*o, d); }));
  set->add_option("--desk", o->desk, "desk id")->required();
  set->add_option("EXTENSION", o->extension, "the phone system's extension (201)")->required();
  set->add_option("USERNAME", o->username, "the user who answers on it")->required();
  auto* remove = c.Add(ext, "remove", "Remove an extension's mapping",
                       WithDeps([o](Deps& d) { return RemoveExt(*o, d); }));
  remove->add_option("--desk", o->desk, "desk id")->required();
  remove->add_option("EXTENSION", o->extension, "extension")->required();
  auto* list = c.Add(ext, "list", "List a desk's extensions",
                     WithDeps([o](Deps& d) { return ListExt(*o, d); }));
  list->add_option("--desk", o->desk, "desk id")->required();
  auto* settings = c.Add(tel, "settings", "Show or change a desk's telephony settings",
                         WithDeps([o](Deps& d) { return Settings(*o, d); }));
  settings->add_option("--desk", o->desk, "desk id")->required();
  settings->add_option("--pop-on", o->pop_on, "answer (default) or ringing");
  settings->add_option("--dial-url", o->dial_url, "click-to-dial URL (\"\" none)");

  auto* phones = c.AddGroup("phones", "Stored phone numbers");
  auto* check = c.Add(phones, "check",
                      "List stored numbers that do not validate (exit 1 if any); changes nothing",
                      WithDeps([o](Deps& d) { return Check(*o, d); }));
  check->add_option("--desk", o->desk, "only this desk");
}

}  // namespace atiende::cli
