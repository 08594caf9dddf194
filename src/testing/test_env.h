// Test helpers (header-only, used by *_test.cc): a temporary directory and a
// complete set of Deps over a real SQLite file and a virtual clock.
// Thread-safety: one per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "app/deps.h"
#include "app/desks.h"
#include "app/login_throttle.h"
#include "core/sla.h"
#include "core/time_format.h"
#include "mail/templates.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/instants.h"

namespace atiende::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("atiende-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Changes the "main" desk of deps.store as `change` says (from its stored
// settings: Bogotá, weekdays 08–18, no holidays, no procedures) and reloads
// deps.desks (made when missing).
inline void SetMainDesk(Deps& deps, const std::function<void(Desk&)>& change) {
  Status s = deps.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Desk d, tx.desks().Get(kMainDesk));
    change(d);
    d.from_settings = false;
    d.version += 1;
    return tx.desks().Update(d);
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!deps.desks) {
    Desk fallback;
    fallback.id = std::string(kMainDesk);
    fallback.name = "Main desk";
    deps.desks = std::make_shared<DeskBook>(
        std::make_shared<const DeskRuntime>(BuildDeskRuntime(fallback).value()));
  }
  s = deps.desks->Refresh(deps.store);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// The shipped procedures: what the tests' main desk runs.
inline void RunShippedProcedures(Desk& d) { d.procedures = {"zb-unblock"}; }

struct TestEnv {
  TempDir dir;
  VirtualClock clock{T("2026-11-24T12:00:00Z")};
  std::unique_ptr<Store> store;
  LoginThrottle throttle{clock};
  std::unique_ptr<mail::TemplateSet> templates;
  std::unique_ptr<Deps> deps;

  TestEnv() {
    auto s = sqlite::SqliteStore::Open({dir.file("atiende.db")});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
    templates = std::make_unique<mail::TemplateSet>(mail::TemplateSet::Load().value());
    // Built in place: a temporary Deps copied into make_unique makes GCC 12
    // warn (-Wmaybe-uninitialized, a false positive) in every test using this.
    deps.reset(
        new Deps{*store, clock, throttle, nullptr, templates.get(), MailSettings{}, nullptr, {}});
    // The "main" desk every database starts with: Bogotá, weekdays 08–18, no
    // holidays, running the shipped procedures.
    SetMainDesk(*deps, RunShippedProcedures);
  }
};

// An admin of every desk, acting as the system does (the all-desks scope).
inline Principal Admin() { return Principal{0, "tester", Role::kAdmin, std::nullopt, {}, ""}; }

}  // namespace atiende::testing
