// Test helpers (header-only, used by *_test.cc): a temporary directory and a
// complete set of Deps over a real SQLite file and a virtual clock.
// Thread-safety: one per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "app/deps.h"
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
    deps.reset(new Deps{*store, clock, throttle, DeskSettings{}, templates.get(), MailSettings{},
                        nullptr, nullptr});
    deps->sla = std::make_shared<SlaPolicy>(SlaPolicy::Default(
        BusinessCalendar::Parse(deps->desk.time_zone, "mon-fri 08:00-18:00", {}).value()));
  }
};

inline Principal Admin() { return Principal{0, "tester", Role::kAdmin, std::nullopt}; }

}  // namespace atiende::testing
