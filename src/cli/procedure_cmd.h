// `atiende procedure check FILE` and `atiende procedure simulate FILE
// --scenario FILE`: a protocol's author checks a procedure file (errors name
// the file and line) and sees what it will do — the timeline of steps, mails
// with To, Cc and subject, and timers — on a virtual clock against a scenario,
// in a throwaway database, before it goes live (app/simulation.h).
// Thread-safety: single-threaded, like the CLI.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "config/config.h"

namespace atiende::cli {

class ProcedureCommands {
 public:
  ProcedureCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common);
  ~ProcedureCommands();
  bool parsed() const;
  // REQUIRES: parsed(). Returns the exit code.
  int Run(Config cfg);

 private:
  struct Options;
  std::unique_ptr<Options> o_;
};

}  // namespace atiende::cli
