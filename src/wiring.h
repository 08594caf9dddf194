// The composition root: builds the clock, the store and the use cases' Deps
// from a Config, and for `atiende serve` the background workers, the Api and
// the HTTP server around them. The only place that knows every concrete
// adapter; the CLI parses arguments and calls these.
// Thread-safety: build once, then share the Runtime; Serving as documented.
#pragma once

#include <memory>

#include "app/deps.h"
#include "app/login_throttle.h"
#include "config/config.h"
#include "mail/templates.h"
#include "mail/transport.h"

namespace atiende {

struct Runtime {
  Config config;
  std::unique_ptr<Clock> clock;
  VirtualClock* virtual_clock = nullptr;  // == clock.get() in virtual mode
  std::unique_ptr<Store> store;
  std::unique_ptr<LoginThrottle> throttle;
  std::unique_ptr<mail::TemplateSet> templates;
  std::unique_ptr<mail::Transport> transport;  // SMTP, or .eml files without SMTP
  std::unique_ptr<Deps> deps;
};

// Creates the data directory when missing, opens (and migrates) the store,
// loads and checks the mail templates, creates the known directory lists.
// kUnavailable when the database cannot be opened; kInvalidArgument for a bad
// virtual_clock_start.
// `serving`: for `atiende serve` (warms caches); false for one-shot commands.
Result<std::unique_ptr<Runtime>> BuildRuntime(const Config& config, bool serving = false);

// A serving node: the Runtime, its background workers (mail delivery,
// housekeeping, case timers, the change feed), the Api and the HTTP server.
// Thread-safety: Stop() may be called from any thread; the rest from one.
class Serving {
 public:
  // Builds the Runtime (BuildRuntime(config, serving=true)) and starts the
  // background workers. Errors: those of BuildRuntime.
  static Result<std::unique_ptr<Serving>> Start(const Config& config);
  ~Serving();  // stops the background workers if Run() did not

  // Binds the listening socket and logs "http.listen". Errors: those of
  // http::Server::Listen.
  Status Listen();
  // REQUIRES: Listen() succeeded. Serves until Stop() or SIGTERM/SIGINT,
  // then stops the background workers and logs "shutdown.done".
  void Run();
  void Stop();

 private:
  struct Parts;
  explicit Serving(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> p_;
};

// "Atiende <atiende@host>" → "atiende@host" (the SMTP envelope sender).
std::string ParseMailFrom(const std::string& from);

// The right side of Message-IDs: message_id_host, or else the domain of
// mail_from's address. REQUIRES: mail_from holds a valid address.
std::string MessageIdHost(const Config& config);

// The actor for CLI commands and background work.
Principal SystemPrincipal();

}  // namespace atiende
