// `atiende user add|passwd|list|disable|enable`: users from a shell;
// passwords are read from standard input, never from the command line.
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/users.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace user_cmd {

struct Options {
  NewUser new_user;
  bool password_stdin = false;
  std::string passwd_name;
  std::string disable_name;
};

Result<std::string> ReadPasswordStdin() {
  std::string line;
  if (!std::getline(std::cin, line)) {
    return Status::InvalidArgument("no password on standard input", "password");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int Add(Options& o, Deps& deps) {
  auto pw = ReadPasswordStdin();
  if (!pw.ok()) return Fail(pw.status());
  o.new_user.password = *pw;
  auto u = AddUser(deps, SystemPrincipal(), o.new_user);
  if (!u.ok()) return Fail(u.status());
  std::printf("user %s added (role %s)\n", u->username.c_str(),
              std::string(RoleName(u->role)).c_str());
  return 0;
}

int Passwd(const Options& o, Deps& deps) {
  auto pw = ReadPasswordStdin();
  if (!pw.ok()) return Fail(pw.status());
  auto ended = SetPassword(deps, SystemPrincipal(), o.passwd_name, *pw);
  if (!ended.ok()) return Fail(ended.status());
  std::printf(
      "password of %s changed; %lld session(s) ended (API tokens stay: `atiende token"
      " list --user %s`, `atiende token revoke ID`)\n",
      o.passwd_name.c_str(), static_cast<long long>(*ended), o.passwd_name.c_str());
  return 0;
}

int SetDisabled(const Options& o, Deps& deps, bool disabled) {
  auto r = SetUserDisabled(deps, SystemPrincipal(), o.disable_name, disabled);
  if (!r.ok()) return Fail(r.status());
  if (disabled) {
    std::printf("user %s disabled; %lld session(s) and API token(s) ended\n",
                r->user.username.c_str(), static_cast<long long>(r->credentials_ended));
  } else {
    std::printf("user %s enabled\n", r->user.username.c_str());
  }
  return 0;
}

int List(Deps& deps) {
  auto users = ListUsers(deps);
  if (!users.ok()) return Fail(users.status());
  for (const auto& u : *users) {
    std::string desks;
    for (const auto& d : u.desks) desks += (desks.empty() ? "" : ",") + d;
    if (desks.empty()) desks = u.role == Role::kAdmin ? "(every desk)" : "-";
    std::printf("%-24s %-12s %-30s%s\n", u.username.c_str(), std::string(RoleName(u.role)).c_str(),
                desks.c_str(), u.disabled ? " (disabled)" : "");
  }
  return 0;
}

}  // namespace user_cmd

void AddUserCommand(Commands& c) {
  using namespace user_cmd;
  auto o = std::make_shared<Options>();
  auto* user = c.AddGroup("user", "Manage users");
  auto* add = c.Add(user, "add", "Add a user", WithDeps([o](Deps& deps) { return Add(*o, deps); }));
  add->add_option("NAME", o->new_user.username, "username")->required();
  add->add_option("--role", o->new_user.role,
                  "agent, supervisor, dispatch, back_office, admin, customer")
      ->required();
  add->add_option("--customer", o->new_user.customer_code, "customer code (customer users)");
  add->add_option("--desk", o->new_user.desks,
                  "a desk the user works in (repeat for several; may be left out when there is"
                  " one desk; admins work in every desk, customer users in their customer's)");
  add->add_flag("--password-stdin", o->password_stdin, "read the password from standard input")
      ->required();
  auto* passwd = c.Add(user, "passwd", "Set a user's password (from stdin)",
                       WithDeps([o](Deps& deps) { return Passwd(*o, deps); }));
  passwd->add_option("NAME", o->passwd_name, "username")->required();
  passwd->footer("Ends every session of the user; API tokens stay (atiende token list/revoke).");
  c.Add(user, "list", "List users", WithDeps(List));
  auto* disable =
      c.Add(user, "disable", "Disable a user: no sign-in; ends their sessions and tokens",
            WithDeps([o](Deps& deps) { return SetDisabled(*o, deps, true); }));
  disable->add_option("NAME", o->disable_name, "username")->required();
  auto* enable = c.Add(user, "enable", "Enable a disabled user again",
                       WithDeps([o](Deps& deps) { return SetDisabled(*o, deps, false); }));
  enable->add_option("NAME", o->disable_name, "username")->required();
}

}  // namespace atiende::cli
