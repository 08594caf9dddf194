// SqliteStore: the embedded Store adapter (the default).
//
// One database file in WAL mode with synchronous=FULL. All writes go through one
// writer thread that takes every pending Write() closure, runs each inside its
// own SAVEPOINT of one transaction and commits them together (group commit):
// one fsync acknowledges many requests, and a closure that fails rolls back
// only its own savepoint. Reads use a pool of read-only connections.
//
// Thread-safety: all public methods are safe from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/term_index.h"
#include "store/memory_search.h"
#include "store/sqlite/db.h"
#include "store/store.h"

namespace atiende::sqlite {

struct SqliteOptions {
  std::string path;            // database file; created when missing
  int readers = 8;             // size of the read-connection pool (default 8)
  int max_batch = 256;         // most closures committed together (default 256)
  bool warm_search = false;    // load the typo vocabulary in the background at open
                               // (servers: yes; one-shot CLI commands: no)
  bool memory_search = false;  // answer customer searches from memory (memory_search.h),
                               // loaded in the background at open (servers)
};

// Shared state between the store and its transactions: the search vocabulary.
struct SearchState {
  std::shared_mutex mu;  // guards the fields below
  bool loaded = false;   // built from the FTS vocabulary at start (in the background)
  TermIndex terms;
  std::vector<std::string> pending;  // terms committed while the vocabulary loads
  std::mutex load_mu;                // one loader at a time; searches needing it wait
};

class SqliteStore final : public Store {
 public:
  // Opens the file, applies pending migrations, starts the writer thread.
  static Result<std::unique_ptr<SqliteStore>> Open(SqliteOptions options);
  ~SqliteStore() override;  // drains queued writes, then stops the writer

  std::string_view backend() const override { return "sqlite"; }
  Status Read(const DeskScope& scope, const std::function<Status(ReadTx&)>& fn) override;
  Status Write(const DeskScope& scope, const std::function<Status(WriteTx&)>& fn) override;

  // Migrations applied, as "0001_init" names, in order.
  Result<std::vector<std::string>> AppliedMigrations();
  // Number of commits and of closures committed so far (group commit check).
  std::pair<uint64_t, uint64_t> CommitStats() const;

  // Customer search from memory (options.memory_search): whether searches
  // are answered from memory now (it is loaded).
  bool SearchFromMemory() const { return memory_ && memory_->ready(); }
  // Rebuilds the in-memory index from the database (blocking; the old one
  // answers meanwhile). No-op without one.
  Status RebuildSearch();
  // The in-memory search index (nullptr unless options.memory_search).
  MemorySearch* memory_search() { return memory_.get(); }

 private:
  struct Pending {
    const DeskScope* scope;
    const std::function<Status(WriteTx&)>* fn;
    std::promise<Status> done;
  };
  explicit SqliteStore(SqliteOptions options) : options_(std::move(options)) {}
  Status Migrate(Connection& c);
  void WriterLoop();
  void CommitBatch(std::vector<Pending*>& batch);
  std::unique_ptr<Connection> TakeReader();
  void ReturnReader(std::unique_ptr<Connection> c);

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_conn_;
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> commits_{0}, committed_{0};

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;

  SearchState search_;
  std::thread warm_;  // loads the search vocabulary (or the memory index) after Open()
  std::unique_ptr<MemorySearch> memory_;
  std::atomic<bool> closing_{false};  // stops a load in progress
};

}  // namespace atiende::sqlite
