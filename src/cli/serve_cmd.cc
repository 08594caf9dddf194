// `atiende serve`: the API and the console, with the background workers,
// until SIGTERM/SIGINT (Serving in wiring.h).
#include <memory>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace serve_cmd {

struct Options {
  std::string listen;
  bool virtual_clock = false;
  std::string clock_start;
};

int Serve(const Options& o, Config cfg) {
  if (!o.listen.empty()) cfg.listen = o.listen;
  if (o.virtual_clock) cfg.virtual_clock = true;
  if (!o.clock_start.empty()) cfg.virtual_clock_start = o.clock_start;
  auto node = Serving::Start(cfg);
  if (!node.ok()) return Fail(node.status());
  if (Status s = (*node)->Listen(); !s.ok()) return Fail(s);
  (*node)->Run();
  return 0;
}

}  // namespace serve_cmd

void AddServeCommand(Commands& c) {
  using namespace serve_cmd;
  auto o = std::make_shared<Options>();
  auto* serve = c.Add(&c.app(), "serve", "Serve the API and the console",
                      [o](Config cfg) { return Serve(*o, std::move(cfg)); });
  serve->add_option("--listen", o->listen,
                    "address:port (or ATIENDE_LISTEN; default 127.0.0.1:8080)");
  serve->add_flag("--virtual-clock", o->virtual_clock,
                  "run on a virtual clock moved by POST /api/v1/clock");
  serve->add_option("--virtual-clock-start", o->clock_start, "ISO-8601 start of the virtual clock");
}

}  // namespace atiende::cli
