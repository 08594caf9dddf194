// A thin RAII layer over one sqlite3 connection: statements are prepared once
// and cached per connection; every failure becomes a Status.
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

namespace atiende::sqlite {

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() { Reset(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& BindNull(int i);
  Stmt& Bind(int i, const std::optional<std::string>& v) {
    return v ? Bind(i, std::string_view(*v)) : BindNull(i);
  }
  // SQLITE_ROW → true, SQLITE_DONE → false; anything else → error Status.
  Result<bool> Step();
  // Step() expecting SQLITE_DONE.
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Real(int col) const { return sqlite3_column_double(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string Text(int col) const;
  // Makes the statement ready to bind and step again.
  void Reset();

 private:
  sqlite3_stmt* s_;
};

class Connection {
 public:
  // Opens (creating when asked) the database file and applies the pragmas the
  // store relies on (WAL, synchronous=FULL, foreign keys, busy timeout).
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only);
  ~Connection();

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // A cached prepared statement, reset and with bindings cleared on return.
  // REQUIRES: sql is a string literal: the cache is keyed by its address.
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
};

}  // namespace atiende::sqlite
