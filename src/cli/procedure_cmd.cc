// `atiende procedure check FILE` and `atiende procedure simulate FILE
// --scenario FILE`: a protocol's author checks a procedure file (errors name
// the file and line) and sees what it will do — the timeline of steps, mails
// with To, Cc and subject, and timers — on a virtual clock against a scenario,
// in a throwaway database, before it goes live (app/simulation.h).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "app/desks.h"
#include "app/procedures.h"
#include "app/simulation.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "mail/templates.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace procedure_cmd {

struct Options {
  CLI::App* check = nullptr;
  CLI::App* simulate = nullptr;
  std::string file;
  std::string scenario;
};

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

int Run(const Options& o, Config cfg) {
  auto templates = mail::TemplateSet::Load(cfg.templates_dir);
  if (!templates.ok()) return Fail(templates.status());
  auto proc = ProcedureSet::LoadFile(o.file, *templates);
  if (!proc.ok()) return Fail(proc.status());
  if (o.check->parsed()) {
    size_t timers = 0;
    for (const auto& s : proc->steps) timers += s.timers.size();
    std::printf("%s: procedure %s (%s) is valid: %zu steps, %zu timers, start %s\n", o.file.c_str(),
                proc->id.c_str(), proc->title.c_str(), proc->steps.size(), timers,
                proc->start.c_str());
    return 0;
  }
  auto text = Slurp(o.scenario);
  if (!text.ok()) return Fail(text.status());
  auto scenario = ParseScenario(*text, o.scenario);
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
  Deps& deps = *(*rt)->deps;
  deps.procedures = ProcedureSet::Of({*proc});
  // The simulation's one desk runs the file's procedure.
  auto desk = GetDesk(deps, SystemPrincipal(), kMainDesk);
  if (!desk.ok()) return Fail(desk.status());
  desk->procedures = {proc->id};
  if (auto s = UpdateDesk(deps, SystemPrincipal(), *desk); !s.ok()) return Fail(s.status());
  std::vector<std::string> lines;
  Status st = Simulate(deps, *(*rt)->virtual_clock, proc->id, *scenario, lines);
  std::printf("Simulation of %s with %s (times in %s)\n", o.file.c_str(), o.scenario.c_str(),
              deps.desks->For(kMainDesk).desk.time_zone.c_str());
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::fflush(stdout);
  return st.ok() ? 0 : Fail(st);
}

}  // namespace procedure_cmd

void AddProcedureCommand(Commands& c) {
  using namespace procedure_cmd;
  auto o = std::make_shared<Options>();
  // Both subcommands run Run(), which tells them apart.
  auto run = [o](Config cfg) { return Run(*o, std::move(cfg)); };
  auto* p = c.AddGroup("procedure", "Check and simulate procedure files (procedures/*.yaml)");
  o->check = c.Add(p, "check", "Check a procedure file; errors name the file and line", run);
  o->check->add_option("FILE", o->file, "procedure file")->required();
  o->simulate =
      c.Add(p, "simulate",
            "Run a procedure against a scenario on a virtual clock and print its timeline", run);
  o->simulate->add_option("FILE", o->file, "procedure file")->required();
  o->simulate->add_option("--scenario", o->scenario, "scenario file (YAML; see docs/procedures.md)")
      ->required();
}

}  // namespace atiende::cli
