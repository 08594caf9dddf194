// PgStore: the PostgreSQL adapter of the Store port, for several nodes on one
// database. Each Read()/Write() runs on a pooled connection in its own
// transaction; PostgreSQL itself batches concurrent commits. Background work
// is claimed with FOR UPDATE SKIP LOCKED, so no leader is needed.
//
// Faults: a broken connection is dropped and replaced on next use; while the
// server is unreachable calls fail fast with kUnavailable (a connection attempt
// at most every 250 ms; the rest fail at once) instead of hanging.
// Thread-safety: all public methods are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/memory_search.h"
#include "store/postgres/pg_conn.h"
#include "store/store.h"

namespace atiende::pg {

struct PgOptions {
  std::string url;             // postgresql://user@host:port/db (libpq URI or key=value)
  int pool_size = 16;          // connections at most (default 16)
  int write_retries = 3;       // retries of a Write() after a serialization failure (default 3)
  bool memory_search = false;  // answer customer searches from memory (memory_search.h),
                               // loaded in the background at open; other nodes' writes
                               // come through RefreshSearch (the change feed)
};

class PgStore final : public Store {
 public:
  // Connects, then applies pending migrations under an advisory lock (so two
  // nodes starting together apply each migration once).
  static Result<std::unique_ptr<PgStore>> Open(PgOptions options);
  ~PgStore() override;

  std::string_view backend() const override { return "postgresql"; }
  Status Read(const DeskScope& scope, const std::function<Status(ReadTx&)>& fn) override;
  Status Write(const DeskScope& scope, const std::function<Status(WriteTx&)>& fn) override;

  Result<std::vector<std::string>> AppliedMigrations();

  // Customer search from memory (options.memory_search): whether searches
  // are answered from memory now (it is loaded).
  bool SearchFromMemory() const { return memory_ && memory_->ready(); }
  // Other nodes wrote these customers (the change feed read their audit
  // rows): the in-memory index re-reads them. No-op without one.
  Status RefreshSearch(const std::vector<int64_t>& ids);
  // The audit id after which other nodes' customer changes must be
  // refreshed; nullopt without a memory index.
  std::optional<int64_t> SearchFollowFrom() const { return follow_from_; }
  // Rebuilds the in-memory index from the database (blocking; the old one
  // answers meanwhile). No-op without one.
  Status RebuildSearch();
  MemorySearch* memory_search() { return memory_.get(); }

 private:
  explicit PgStore(PgOptions o) : options_(std::move(o)) {}
  Status Migrate(PgConn& c);
  Result<std::unique_ptr<PgConn>> Take();
  void Give(std::unique_ptr<PgConn> c);
  Status Run(bool write, const std::function<Status(PgConn&)>& fn);

  PgOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;                                          // connections checked out or idle
  std::chrono::steady_clock::time_point next_connect_{};  // circuit breaker
  std::string last_error_;

  std::unique_ptr<MemorySearch> memory_;
  std::optional<int64_t> follow_from_;
  std::atomic<bool> closing_{false};
  std::thread loader_;
};

}  // namespace atiende::pg
