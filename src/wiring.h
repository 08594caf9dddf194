// The composition root: builds the clock, the store and the use cases' Deps
// from a Config. The only place that knows every concrete adapter.
// Thread-safety: build once, then share the Runtime.
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

// "Atiende <atiende@host>" → "atiende@host" (the SMTP envelope sender).
std::string ParseMailFrom(const std::string& from);

// The right side of Message-IDs: message_id_host, or else the domain of
// mail_from's address. REQUIRES: mail_from holds a valid address.
std::string MessageIdHost(const Config& config);

// The actor for CLI commands and background work.
Principal SystemPrincipal();

}  // namespace atiende
