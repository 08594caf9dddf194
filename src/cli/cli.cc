#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "wiring.h"

namespace atiende::cli {

CLI::App* Commands::AddGroup(const std::string& name, const std::string& description) {
  CLI::App* group = app_.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

CLI::App* Commands::Add(CLI::App* parent, const std::string& name, const std::string& description,
                        Action run) {
  CLI::App* cmd = parent->add_subcommand(name, description);
  cmd->add_option("--config", common_.config_file, "YAML config file (or ATIENDE_CONFIG)");
  cmd->add_option("--data-dir", common_.data_dir,
                  "data directory (or ATIENDE_DATA_DIR; default ./var)");
  cmd->add_option("--log-level", common_.log_level, "debug, info, warn or error");
  actions_.emplace_back(cmd, std::move(run));
  return cmd;
}

int Commands::Run() const {
  for (const auto& [cmd, run] : actions_) {
    if (!cmd->parsed()) continue;
    std::string file = common_.config_file;
    if (file.empty()) {
      if (const char* f = std::getenv("ATIENDE_CONFIG")) file = f;
    }
    auto cfg = LoadConfig(file);
    if (!cfg.ok()) return Fail(cfg.status());
    if (!common_.data_dir.empty()) cfg->data_dir = common_.data_dir;
    if (!common_.log_level.empty()) cfg->log_level = common_.log_level;
    if (Status s = ValidateConfig(*cfg); !s.ok()) return Fail(s);
    return run(std::move(*cfg));
  }
  return 64;
}

Action WithDeps(std::function<int(Deps&)> run) {
  return [run = std::move(run)](Config cfg) {
    if (cfg.log_level == "info") cfg.log_level = "warn";  // keep tool output clean
    auto rt = BuildRuntime(cfg);
    if (!rt.ok()) return Fail(rt.status());
    return run(*(*rt)->deps);
  };
}

int Main(int argc, char** argv) {
  CLI::App app{"Atiende: contact-center cases, tickets and procedures"};
  app.require_subcommand(1);
  Commands commands(app);
  AddServeCommand(commands);
  AddDbCommand(commands);
  AddImportCommand(commands);
  AddDeskCommand(commands);
  AddUserCommand(commands);
  AddTokenCommand(commands);
  AddDemoCommand(commands);
  AddMailCommand(commands);
  AddTicketCommand(commands);
  AddProcedureCommand(commands);
  AddTelephonyCommand(commands);
  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (app.got_subcommand("version")) {
    std::printf("atiende %s\n", ATIENDE_VERSION);
    return 0;
  }
  return commands.Run();
}

}  // namespace atiende::cli
