#include "store/postgres/pg_store.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/embedded.h"
#include "log/log.h"
#include "store/postgres/pg_search.h"
#include "store/sql/memory_index.h"

namespace atiende::pg {

namespace {
constexpr auto kReconnectEvery = std::chrono::milliseconds(250);
constexpr int64_t kMigrationLock = 0x617469656e6465;  // "atiende"
}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::Open(PgOptions options) {
  std::unique_ptr<PgStore> s(new PgStore(std::move(options)));
  ATIENDE_ASSIGN_OR_RETURN(auto c, PgConn::Connect(s->options_.url));
  ATIENDE_RETURN_IF_ERROR(s->Migrate(*c));
  s->open_ = 1;
  s->idle_.push_back(std::move(c));
  if (s->options_.memory_search) {
    s->memory_ = std::make_unique<MemorySearch>();
    // Other nodes' customer changes are followed from a little before the
    // log's end: an audit id is taken at insert and committed later, so a
    // transaction in flight now may commit an id below the end. Refreshing a
    // customer twice is harmless.
    constexpr int64_t kFollowMargin = 10000;
    int64_t last = 0;
    ATIENDE_RETURN_IF_ERROR(s->Read(DeskScope::All(), [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(last, tx.audit().LastId());
      return Status::Ok();
    }));
    s->follow_from_ = std::max<int64_t>(0, last - kFollowMargin);
    s->loader_ = std::thread([p = s.get()] {
      if (Status st = p->RebuildSearch(); !st.ok() && !p->closing_) {
        log::Warn("search.memory_load", {{"error", st.ToString()}});
      }
    });
  }
  return s;
}

PgStore::~PgStore() {
  closing_ = true;
  if (loader_.joinable()) loader_.join();
}

Status PgStore::RebuildSearch() {
  if (!memory_) return Status::Ok();
  memory_->BeginLoad();
  constexpr int kPage = 20000;
  int64_t after = 0;
  while (!closing_) {
    std::vector<SearchDoc> page;
    ATIENDE_RETURN_IF_ERROR(
        Run(false, [&](PgConn& c) { return sql::ReadSearchDocs(c, after, kPage, page); }));
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

Status PgStore::RefreshSearch(const std::vector<int64_t>& ids) {
  if (!memory_ || ids.empty()) return Status::Ok();
  std::vector<SearchDoc> found;
  ATIENDE_RETURN_IF_ERROR(Run(false, [&](PgConn& c) {
    found.clear();
    return sql::ReadSearchDocsById(c, ids, found);
  }));
  std::vector<int64_t> gone = ids;
  for (const auto& d : found) {
    memory_->Upsert(d);
    gone.erase(std::remove(gone.begin(), gone.end(), d.id), gone.end());
  }
  for (int64_t id : gone) memory_->Remove(id);
  return Status::Ok();
}

Status PgStore::Migrate(PgConn& c) {
  ATIENDE_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_lock($1)", {P(kMigrationLock)}).status());
  Status s = c.Simple(
                  "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY,"
                  " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
                 .status();
  const std::string prefix = "store/postgres/migrations/";
  for (const auto& [path, sql] : EmbeddedFiles()) {
    if (!s.ok()) break;
    if (path.rfind(prefix, 0) != 0) continue;
    std::string name = std::filesystem::path(path).stem().string();
    auto done = c.Exec("SELECT 1 FROM schema_migrations WHERE version = $1", {P(name)});
    if (!done.ok()) {
      s = done.status();
      break;
    }
    if (done->rows() > 0) continue;
    s = c.Simple("BEGIN").status();
    if (s.ok()) s = c.Simple(sql).status();
    if (s.ok())
      s = c.Exec("INSERT INTO schema_migrations(version) VALUES ($1)", {P(name)}).status();
    if (s.ok()) s = c.Simple("COMMIT").status();
    if (!s.ok()) {
      (void)c.Simple("ROLLBACK");
      s = Status::Internal("migration " + name + " failed: " + s.message());
    }
  }
  (void)c.Exec("SELECT pg_advisory_unlock($1)", {P(kMigrationLock)});
  return s;
}

Result<std::vector<std::string>> PgStore::AppliedMigrations() {
  std::vector<std::string> out;
  ATIENDE_RETURN_IF_ERROR(Run(false, [&](PgConn& c) {
    ATIENDE_ASSIGN_OR_RETURN(auto r, c.Exec("SELECT version FROM schema_migrations ORDER BY 1"));
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.Text(i, 0));
    return Status::Ok();
  }));
  return out;
}

Result<std::unique_ptr<PgConn>> PgStore::Take() {
  std::unique_lock lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (open_ < options_.pool_size) break;
    if (cv_.wait_for(lock, std::chrono::seconds(5)) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      return Status::Unavailable("all database connections are busy");
    }
  }
  auto now = std::chrono::steady_clock::now();
  if (now < next_connect_) return Status::Unavailable(last_error_);
  open_++;
  lock.unlock();
  auto c = PgConn::Connect(options_.url);
  if (!c.ok()) {
    lock.lock();
    open_--;
    next_connect_ = std::chrono::steady_clock::now() + kReconnectEvery;
    last_error_ = c.status().message();
    cv_.notify_one();
  }
  return c;
}

void PgStore::Give(std::unique_ptr<PgConn> c) {
  std::lock_guard lock(mu_);
  if (c && !c->broken()) {
    idle_.push_back(std::move(c));
  } else {
    open_--;  // a broken connection is dropped; the next Take() opens a new one
  }
  cv_.notify_one();
}

Status PgStore::Run(bool write, const std::function<Status(PgConn&)>& fn) {
  for (int attempt = 0;; ++attempt) {
    ATIENDE_ASSIGN_OR_RETURN(auto c, Take());
    c->set_writing(write);
    Status s =
        c->Simple(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status();
    if (s.ok()) {
      try {
        s = fn(*c);
      } catch (const std::exception& e) {
        s = Status::Internal(std::string("transaction failed: ") + e.what());
      }
      if (s.ok()) {
        s = c->Simple("COMMIT").status();
      } else if (!c->broken()) {
        (void)c->Simple("ROLLBACK");
      }
    }
    bool broken = c->broken();
    Give(std::move(c));
    // A connection lost before COMMIT was sent is safe to retry once on a new one.
    bool retry = (s.reason() == "retry" && attempt < options_.write_retries) ||
                 (broken && attempt == 0 && s.code() == Status::Code::kUnavailable && !write);
    if (!retry) return s;
  }
}

Status PgStore::Read(const DeskScope& scope, const std::function<Status(ReadTx&)>& fn) {
  return Run(false, [&](PgConn& c) {
    PgIndex trgm(c);
    sql::MemoryIndex index(trgm, memory_.get());
    sql::SqlTx tx(c, index, scope);
    return fn(tx);
  });
}

Status PgStore::Write(const DeskScope& scope, const std::function<Status(WriteTx&)>& fn) {
  std::vector<sql::MemoryIndex::Op> ops;  // the committed attempt's
  Status s = Run(true, [&](PgConn& c) {
    PgIndex trgm(c);
    sql::MemoryIndex index(trgm, memory_.get());
    sql::SqlTx tx(c, index, scope);
    Status st = fn(tx);
    ops = index.TakeOps();
    return st;
  });
  // Before the caller hears of its commit: a search after a write finds it.
  if (s.ok() && memory_) sql::MemoryIndex::Apply(*memory_, ops);
  return s;
}

}  // namespace atiende::pg
