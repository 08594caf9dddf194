// `atiende ticket open|show|resolve|reopen|close`: the desk's ticket use cases
// from a shell, for operators and scripts. Output is plain text (or JSON with
// --json); errors print a message and exit non-zero (cli/exit_code.h).
// Thread-safety: single-threaded, like the CLI.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/deps.h"

namespace atiende::cli {

class TicketCommands {
 public:
  // Adds the "ticket" command and its subcommands; add_common adds the
  // shared --config/--data-dir options to each.
  TicketCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common);
  ~TicketCommands();
  bool parsed() const;
  // REQUIRES: parsed(). Returns the exit code.
  int Run(Deps& deps);

 private:
  struct Options;
  std::unique_ptr<Options> o_;
};

}  // namespace atiende::cli
