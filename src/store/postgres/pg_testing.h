// Test helpers for the PostgreSQL adapter: the test server's URL (from
// ATIENDE_TEST_PG_URL, or the file named by ATIENDE_TEST_PG_URL_FILE that
// scripts/pg-test-server writes) and a fresh database per test.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "store/postgres/pg_store.h"

namespace atiende::pg::testing {

inline std::string ServerUrl() {
  if (const char* u = std::getenv("ATIENDE_TEST_PG_URL")) return u;
  if (const char* f = std::getenv("ATIENDE_TEST_PG_URL_FILE")) {
    std::ifstream in(f);
    std::string url;
    std::getline(in, url);
    return url;
  }
  return {};
}

// A new empty database on the test server; its URL. Fails the test when no
// server is configured: nothing is skipped.
inline std::string FreshDatabase() {
  std::string url = ServerUrl();
  EXPECT_FALSE(url.empty())
      << "no PostgreSQL test server: set ATIENDE_TEST_PG_URL or run via ctest";
  if (url.empty()) return {};
  static std::atomic<int> seq{0};
  std::random_device rd;
  std::string name = std::to_string(rd()).insert(0, "t") + "_" + std::to_string(seq++);
  auto admin = PgConn::Connect(url);
  EXPECT_TRUE(admin.ok()) << admin.status().ToString();
  if (!admin.ok()) return {};
  auto created = (*admin)->Simple("CREATE DATABASE " + name);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return url.substr(0, url.rfind('/') + 1) + name;
}

}  // namespace atiende::pg::testing
