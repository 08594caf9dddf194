// A thin RAII layer over one sqlite3 connection: statements are prepared once
// and cached per connection; every failure becomes a Status (mapped as
// store/sql/sql.h says). A Connection is the SQLite side of sql::Conn.
//
// Thread-safety: a Connection is used by one thread at a time (the store hands
// connections out); SQLite itself is built thread-safe.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "store/sql/sql.h"

namespace atiende::sqlite {

class Stmt final : public sql::Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() override { Reset(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  using sql::Stmt::Bind;
  Stmt& Bind(int i, int64_t v) override;
  Stmt& Bind(int i, std::string_view v) override;
  Stmt& BindNull(int i) override;
  // SQLITE_ROW → true, SQLITE_DONE → false; anything else → error Status.
  Result<bool> Step() override;

  int64_t Int(int col) const override { return sqlite3_column_int64(s_, col); }
  bool Bool(int col) const override { return Int(col) != 0; }
  double Real(int col) const { return sqlite3_column_double(s_, col); }
  bool IsNull(int col) const override { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string Text(int col) const override;
  int64_t Changes() const override { return sqlite3_changes(sqlite3_db_handle(s_)); }
  std::optional<int64_t> InsertedId() const override {
    sqlite3* db = sqlite3_db_handle(s_);
    if (sqlite3_changes(db) == 0) return std::nullopt;
    return sqlite3_last_insert_rowid(db);
  }
  // Makes the statement ready to bind and step again.
  void Reset();

 private:
  sqlite3_stmt* s_;
};

class Connection final : public sql::Conn {
 public:
  // Opens (creating when asked) the database file and applies the pragmas the
  // store relies on (WAL, synchronous=FULL, foreign keys, busy timeout).
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only);
  ~Connection() override;

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  // A shared statement text (sql.h), resolved for SQLite once per address.
  using sql::Conn::Query;
  Result<std::unique_ptr<sql::Stmt>> Query(const char* sql, sql::Desks desks) override;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // A cached prepared statement of SQLite's own text, reset and with bindings
  // cleared on return. REQUIRES: sql is a string literal: the cache is keyed
  // by its address.
  // Failure (SQL error) is a kInternal status.
  Result<std::unique_ptr<Stmt>> Prepare(const char* sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() { return db_; }

  // Maps the connection's last error code to a Status.
  Status Error(std::string_view what) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
  // Query()'s, by the shared text, [sql::Desks]
  std::unordered_map<const char*, sqlite3_stmt*> shared_[2];
};

}  // namespace atiende::sqlite
