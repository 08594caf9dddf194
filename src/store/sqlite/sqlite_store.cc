#include "store/sqlite/sqlite_store.h"

#include <filesystem>

#include "core/embedded.h"
#include "log/log.h"
#include "store/sql/memory_index.h"
#include "store/sql/repos.h"
#include "store/sqlite/sqlite_search.h"

namespace atiende::sqlite {

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(SqliteOptions options) {
  std::unique_ptr<SqliteStore> s(new SqliteStore(std::move(options)));
  ATIENDE_ASSIGN_OR_RETURN(s->writer_conn_, Connection::Open(s->options_.path, false));
  ATIENDE_RETURN_IF_ERROR(s->Migrate(*s->writer_conn_));
  for (int i = 0; i < s->options_.readers; ++i) {
    ATIENDE_ASSIGN_OR_RETURN(auto r, Connection::Open(s->options_.path, true));
    s->readers_.push_back(std::move(r));
  }
  s->writer_ = std::thread([p = s.get()] { p->WriterLoop(); });
  // Typo-tolerant search needs the vocabulary; a server loads it now rather
  // than on the first agent's search. Start-up does not wait for it.
  if (s->options_.memory_search) {
    // Searches use the FTS5 index until the memory index is loaded.
    s->memory_ = std::make_unique<MemorySearch>();
    s->warm_ = std::thread([p = s.get()] {
      if (Status st = p->RebuildSearch(); !st.ok() && !p->closing_) {
        log::Warn("search.memory_load", {{"error", st.ToString()}});
      }
    });
  } else if (s->options_.warm_search) {
    s->warm_ = std::thread([p = s.get()] {
      auto c = p->TakeReader();
      if (!c) return;
      (void)SqliteIndex(*c, p->search_).EnsureVocabulary();
      p->ReturnReader(std::move(c));
    });
  }
  return s;
}

SqliteStore::~SqliteStore() {
  closing_ = true;
  if (warm_.joinable()) warm_.join();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

namespace {

// kInternal naming the first row that breaks a foreign key, if any.
Status CheckForeignKeys(Connection& c) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c.Prepare("PRAGMA foreign_key_check"));
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::Ok();
  return Status::Internal("foreign key broken: table " + st->Text(0) + ", row " +
                          std::to_string(st->Int(1)) + ", parent " + st->Text(2));
}

}  // namespace

Status SqliteStore::Migrate(Connection& c) {
  ATIENDE_RETURN_IF_ERROR(c.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT"
      " NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"));
  const std::string prefix = "store/sqlite/migrations/";
  for (const auto& [path, sql] : EmbeddedFiles()) {  // std::map: sorted by name
    if (path.rfind(prefix, 0) != 0) continue;
    std::string name = std::filesystem::path(path).stem().string();
    ATIENDE_ASSIGN_OR_RETURN(auto st,
                             c.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?"));
    st->Bind(1, name);
    ATIENDE_ASSIGN_OR_RETURN(bool applied, st->Step());
    st->Reset();
    if (applied) continue;
    // A migration that copies tables into new ones (SQLite's way to change a
    // key) runs with foreign keys off, as SQLite's ALTER TABLE procedure says,
    // and checks them all before it commits. The pragma is a no-op inside a
    // transaction, hence here.
    const bool rebuilds = sql.find("-- atiende: rebuilds-tables") != std::string_view::npos;
    if (rebuilds) ATIENDE_RETURN_IF_ERROR(c.Exec("PRAGMA foreign_keys=OFF"));
    // BEGIN IMMEDIATE takes the write lock: two processes starting together
    // apply each migration once (the second re-checks under the lock).
    Status began = c.Exec("BEGIN IMMEDIATE");
    if (!began.ok()) {
      if (rebuilds) (void)c.Exec("PRAGMA foreign_keys=ON");
      return began;
    }
    ATIENDE_ASSIGN_OR_RETURN(auto again,
                             c.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?"));
    again->Bind(1, name);
    auto done = again->Step();
    again->Reset();
    Status s = done.status();
    if (s.ok() && !*done) {
      s = c.Exec(sql);
      if (s.ok()) {
        ATIENDE_ASSIGN_OR_RETURN(auto ins,
                                 c.Prepare("INSERT INTO schema_migrations(version) VALUES (?)"));
        ins->Bind(1, name);
        s = ins->Run();
      }
      if (s.ok() && rebuilds) s = CheckForeignKeys(c);
    }
    if (!s.ok()) {
      (void)c.Exec("ROLLBACK");
      if (rebuilds) (void)c.Exec("PRAGMA foreign_keys=ON");
      return Status::Internal("migration " + name + " failed: " + s.message());
    }
    Status committed = c.Exec("COMMIT");
    if (rebuilds) ATIENDE_RETURN_IF_ERROR(c.Exec("PRAGMA foreign_keys=ON"));
    ATIENDE_RETURN_IF_ERROR(committed);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> SqliteStore::AppliedMigrations() {
  std::vector<std::string> out;
  Status s =
      Read(DeskScope::All(), [&](ReadTx&) { return Status::Ok(); });  // ensures the store is usable
  ATIENDE_RETURN_IF_ERROR(s);
  auto c = TakeReader();
  auto st = c->Prepare("SELECT version FROM schema_migrations ORDER BY version");
  if (st.ok()) {
    while (true) {
      auto row = (*st)->Step();
      if (!row.ok() || !*row) break;
      out.push_back((*st)->Text(0));
    }
  }
  ReturnReader(std::move(c));
  return out;
}

std::unique_ptr<Connection> SqliteStore::TakeReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!readers_.empty()) {
      auto c = std::move(readers_.back());
      readers_.pop_back();
      return c;
    }
  }
  // Pool exhausted: open another connection (kept in the pool afterwards).
  auto c = Connection::Open(options_.path, true);
  return c.ok() ? std::move(c).value() : nullptr;
}

void SqliteStore::ReturnReader(std::unique_ptr<Connection> c) {
  std::lock_guard lock(readers_mu_);
  readers_.push_back(std::move(c));
}

namespace {
Status Run(Connection& c, const char* sql) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c.Prepare(sql));
  return st->Run();
}
}  // namespace

Status SqliteStore::Read(const DeskScope& scope, const std::function<Status(ReadTx&)>& fn) {
  auto c = TakeReader();
  if (!c) return Status::Unavailable("cannot open a database connection");
  // Cached statements: a read is often a single indexed lookup, so parsing
  // BEGIN/COMMIT each time would be a noticeable share of it.
  Status s = Run(*c, "BEGIN");
  if (s.ok()) {
    SqliteIndex fts(*c, search_);
    sql::MemoryIndex index(fts, memory_.get());
    sql::SqlTx tx(*c, index, scope);
    s = fn(tx);
    Status end = Run(*c, "COMMIT");
    if (s.ok()) s = end;
  }
  ReturnReader(std::move(c));
  return s;
}

Status SqliteStore::Write(const DeskScope& scope, const std::function<Status(WriteTx&)>& fn) {
  Pending p{&scope, &fn, {}};
  auto fut = p.done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("the store is shutting down");
    queue_.push_back(&p);
  }
  cv_.notify_one();
  return fut.get();
}

void SqliteStore::WriterLoop() {
  std::vector<Pending*> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    batch.clear();
  }
}

void SqliteStore::CommitBatch(std::vector<Pending*>& batch) {
  Connection& c = *writer_conn_;
  std::vector<Status> results(batch.size());
  std::vector<std::string> terms;
  std::vector<sql::MemoryIndex::Op> ops;
  Status s = c.Exec("BEGIN IMMEDIATE");
  if (s.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      Status sp = Run(c, "SAVEPOINT w");
      if (!sp.ok()) {
        results[i] = sp;
        continue;
      }
      SqliteIndex fts(c, search_);
      sql::MemoryIndex index(fts, memory_.get());
      sql::SqlTx tx(c, index, *batch[i]->scope);
      try {
        results[i] = (*batch[i]->fn)(tx);
      } catch (const std::exception& e) {  // a bug in a closure must not stop the writer
        results[i] = Status::Internal(std::string("write failed: ") + e.what());
      }
      if (results[i].ok()) {
        terms.insert(terms.end(), fts.new_terms().begin(), fts.new_terms().end());
        auto mine = index.TakeOps();
        ops.insert(ops.end(), std::make_move_iterator(mine.begin()),
                   std::make_move_iterator(mine.end()));
      } else {
        (void)Run(c, "ROLLBACK TO w");
      }
      (void)Run(c, "RELEASE w");
    }
    s = c.Exec("COMMIT");
    if (!s.ok()) (void)c.Exec("ROLLBACK");
  }
  if (s.ok()) {
    commits_++;
    committed_ += batch.size();
    // Before the writers hear of their commit: a search after a write finds it.
    if (memory_) sql::MemoryIndex::Apply(*memory_, ops);
    std::unique_lock lock(search_.mu);
    if (search_.loaded) {
      for (const auto& t : terms) search_.terms.Add(t);
    } else {
      search_.pending.insert(search_.pending.end(), terms.begin(), terms.end());
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->done.set_value(s.ok() ? results[i] : s);
  }
}

Status SqliteStore::RebuildSearch() {
  if (!memory_) return Status::Ok();
  memory_->BeginLoad();
  constexpr int kPage = 20000;
  int64_t after = 0;
  while (!closing_) {
    std::vector<SearchDoc> page;
    auto c = TakeReader();
    if (!c) return Status::Unavailable("cannot open a database connection");
    Status s = Run(*c, "BEGIN");
    if (s.ok()) {
      s = sql::ReadSearchDocs(*c, after, kPage, page);
      Status end = Run(*c, "COMMIT");
      if (s.ok()) s = end;
    }
    ReturnReader(std::move(c));
    ATIENDE_RETURN_IF_ERROR(s);
    if (page.empty()) break;
    after = page.back().id;
    memory_->LoadPage(page);
  }
  if (closing_) return Status::Unavailable("the store is closing");
  memory_->FinishLoad();
  auto st = memory_->stats();
  log::Info("search.memory_loaded", {{"customers", static_cast<int64_t>(st.docs)},
                                     {"bytes", static_cast<int64_t>(st.bytes)}});
  return Status::Ok();
}

std::pair<uint64_t, uint64_t> SqliteStore::CommitStats() const {
  return {commits_.load(), committed_.load()};
}

}  // namespace atiende::sqlite
