// The Store contract test suite (STYLE.md §6): one set of behaviours every
// adapter must show. An adapter's test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract,
//                            ::testing::Values(StoreFactory{"sqlite", MakeSqlite}));
//
// Each test gets a fresh, empty, migrated store from the factory.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "store/store.h"

namespace atiende::contract {

struct StoreFactory {
  std::string name;
  // Returns a new empty store; `dir` is a fresh temporary directory.
  std::function<std::unique_ptr<Store>(const std::string& dir)> make;
};

inline std::string PrintToString(const StoreFactory& f) { return f.name; }

class StoreContract : public ::testing::TestWithParam<StoreFactory> {};

}  // namespace atiende::contract
