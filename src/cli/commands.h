// The commands of `atiende`, one file each. Each Add…Command function adds a
// command and its subcommands to the parser with what each one runs; cli.cc
// parses the arguments, loads the settings and runs the subcommand given.
// Actions print their output on stdout, errors with Fail() (exit_code.h), and
// return the exit code. They build what they need through wiring.h.
// Thread-safety: single-threaded, like the CLI.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "app/deps.h"
#include "config/config.h"

namespace atiende::cli {

// What a subcommand runs, given the settings (defaults, --config or
// ATIENDE_CONFIG, ATIENDE_* variables, --data-dir and --log-level; checked).
using Action = std::function<int(Config)>;

class Commands {
 public:
  explicit Commands(CLI::App& app) : app_(app) {}
  CLI::App& app() { return app_; }
  // Adds top-level command `name`, which takes exactly one subcommand.
  CLI::App* AddGroup(const std::string& name, const std::string& description);
  // Adds subcommand `name` to `parent` with the options every command takes
  // (--config, --data-dir, --log-level); `run` runs when it is given.
  CLI::App* Add(CLI::App* parent, const std::string& name, const std::string& description,
                Action run);
  // After parsing: loads the settings and runs the action of the subcommand
  // given. Returns its exit code; 64 when no subcommand with an action was given.
  int Run() const;

 private:
  struct Common {
    std::string config_file;
    std::string data_dir;
    std::string log_level;
  };
  CLI::App& app_;
  Common common_;  // one set: only the subcommand given fills it
  std::vector<std::pair<CLI::App*, Action>> actions_;
};

// The Action of a command over the database: builds the Runtime from the
// settings (logging at warn instead of info, to keep tool output clean), then
// runs `run` on its Deps.
Action WithDeps(std::function<int(Deps&)> run);

// `atiende serve` (serve_cmd.cc).
void AddServeCommand(Commands& c);
// `atiende db migrate` (db_cmd.cc).
void AddDbCommand(Commands& c);
// `atiende import customers` (import_cmd.cc).
void AddImportCommand(Commands& c);
// `atiende desk add|list|show|set|remove` (desk_cmd.cc).
void AddDeskCommand(Commands& c);
// `atiende user add|passwd|list|disable|enable` (user_cmd.cc).
void AddUserCommand(Commands& c);
// `atiende token create|list|revoke` (token_cmd.cc).
void AddTokenCommand(Commands& c);
// `atiende demo seed` (demo_cmd.cc).
void AddDemoCommand(Commands& c);
// `atiende mail list|show|retry|check` (mail_cmd.cc).
void AddMailCommand(Commands& c);
// `atiende ticket open|show|resolve|reopen|close` (ticket_cmd.cc).
void AddTicketCommand(Commands& c);
// `atiende procedure check|simulate` (procedure_cmd.cc).
void AddProcedureCommand(Commands& c);
// `atiende telephony extension|settings`, `atiende phones check` (telephony_cmd.cc).
void AddTelephonyCommand(Commands& c);

}  // namespace atiende::cli
