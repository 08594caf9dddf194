#include "store/sqlite/db.h"

namespace atiende::sqlite {

namespace {
Status FromCode(int rc, std::string_view what, const char* msg) {
  std::string m = std::string(what) + ": " + (msg ? msg : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(m);
      }
      return Status::Conflict(m);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return Status::Unavailable(m);
    default:
      return Status::Internal(m);
  }
}
}  // namespace

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(s_);
  return FromCode(sqlite3_extended_errcode(db), "sqlite step", sqlite3_errmsg(db));
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  int n = sqlite3_column_bytes(s_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
}

void Stmt::Reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = Status::Unavailable("cannot open database " + path + ": " +
                                    (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return st;
  }
  std::unique_ptr<Connection> c(new Connection(db));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  ATIENDE_RETURN_IF_ERROR(c->Exec(read_only
                                      ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                                      : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                        " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"));
  return c;
}

Connection::~Connection() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  for (auto& cache : shared_) {
    for (auto& [sql, s] : cache) sqlite3_finalize(s);
  }
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  Status st = FromCode(sqlite3_extended_errcode(db_), "sqlite exec", err);
  sqlite3_free(err);
  return st;
}

Result<std::unique_ptr<Stmt>> Connection::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return FromCode(rc, "sqlite prepare", sqlite3_errmsg(db_));
    it = cache_.emplace(sql, s).first;
  }
  return std::make_unique<Stmt>(it->second);
}

Result<std::unique_ptr<sql::Stmt>> Connection::Query(const char* sql, sql::Desks desks) {
  auto& cache = shared_[desks == sql::Desks::kOne ? 1 : 0];
  auto it = cache.find(sql);
  if (it == cache.end()) {
    std::string text = sql::ForSqlite(sql, desks);
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, text.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return FromCode(rc, "sqlite prepare", sqlite3_errmsg(db_));
    it = cache.emplace(sql, s).first;
  }
  return std::unique_ptr<sql::Stmt>(new Stmt(it->second));
}

Status Connection::Error(std::string_view what) const {
  return FromCode(sqlite3_extended_errcode(db_), what, sqlite3_errmsg(db_));
}

}  // namespace atiende::sqlite
