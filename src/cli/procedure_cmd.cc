#include "cli/procedure_cmd.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "app/procedures.h"
#include "app/simulation.h"
#include "cli/exit_code.h"
#include "mail/templates.h"
#include "wiring.h"

namespace atiende::cli {

struct ProcedureCommands::Options {
  CLI::App* check = nullptr;
  CLI::App* simulate = nullptr;
  std::string file;
  std::string scenario;
};

namespace {

Result<std::string> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + path, "scenario");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A directory removed when the simulation ends.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("atiende-simulate-" + std::to_string(rd()) + std::to_string(rd()));
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

ProcedureCommands::ProcedureCommands(CLI::App& app,
                                     const std::function<void(CLI::App*)>& add_common)
    : o_(std::make_unique<Options>()) {
  auto* p =
      app.add_subcommand("procedure", "Check and simulate procedure files (procedures/*.yaml)");
  p->require_subcommand(1);
  o_->check = p->add_subcommand("check", "Check a procedure file; errors name the file and line");
  add_common(o_->check);
  o_->check->add_option("FILE", o_->file, "procedure file")->required();
  o_->simulate = p->add_subcommand(
      "simulate", "Run a procedure against a scenario on a virtual clock and print its timeline");
  add_common(o_->simulate);
  o_->simulate->add_option("FILE", o_->file, "procedure file")->required();
  o_->simulate
      ->add_option("--scenario", o_->scenario, "scenario file (YAML; see docs/procedures.md)")
      ->required();
}

ProcedureCommands::~ProcedureCommands() = default;

bool ProcedureCommands::parsed() const { return o_->check->parsed() || o_->simulate->parsed(); }

int ProcedureCommands::Run(Config cfg) {
  auto templates = mail::TemplateSet::Load(cfg.templates_dir);
  if (!templates.ok()) return Fail(templates.status());
  auto proc = ProcedureSet::LoadFile(o_->file, *templates);
  if (!proc.ok()) return Fail(proc.status());
  if (o_->check->parsed()) {
    size_t timers = 0;
    for (const auto& s : proc->steps) timers += s.timers.size();
    std::printf("%s: procedure %s (%s) is valid: %zu steps, %zu timers, start %s\n",
                o_->file.c_str(), proc->id.c_str(), proc->title.c_str(), proc->steps.size(), timers,
                proc->start.c_str());
    return 0;
  }
  auto text = Slurp(o_->scenario);
  if (!text.ok()) return Fail(text.status());
  auto scenario = ParseScenario(*text, o_->scenario);
  if (!scenario.ok()) return Fail(scenario.status());
  ScratchDir scratch;
  cfg.data_dir = scratch.path.string();
  cfg.database_url.clear();  // always a throwaway SQLite file
  cfg.smtp_url.clear();      // nothing leaves the machine
  cfg.virtual_clock = true;
  cfg.virtual_clock_start.clear();
  cfg.directory_file.clear();
  cfg.log_level = "error";
  if (!scenario->time_zone.empty()) cfg.time_zone = scenario->time_zone;
  auto rt = BuildRuntime(cfg);
  if (!rt.ok()) return Fail(rt.status());
  // Only the file under test runs (it may replace the shipped one of its id).
  (*rt)->deps->procedures = ProcedureSet::Of({*proc});
  std::vector<std::string> lines;
  Status st = Simulate(*(*rt)->deps, *(*rt)->virtual_clock, proc->id, *scenario, lines);
  std::printf("Simulation of %s with %s (times in %s)\n", o_->file.c_str(), o_->scenario.c_str(),
              (*rt)->deps->desk.time_zone.c_str());
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::fflush(stdout);
  return st.ok() ? 0 : Fail(st);
}

}  // namespace atiende::cli
