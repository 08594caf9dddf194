// The shared SQL layer under both Store adapters: one statement text per
// query, run on SQLite or PostgreSQL through one small connection interface.
//
// Statement texts are written once, in the dialect both backends accept, with
// two conventions that each backend resolves when it first prepares the text:
//   ?, ?N        placeholders: kept on SQLite; $1, $2, … (or $N) on PostgreSQL.
//   {clause}     a clause only PostgreSQL's write transactions run:
//                row locks ("{FOR UPDATE}", "{FOR UPDATE SKIP LOCKED}"), which
//                SQLite's one writer does not need and PostgreSQL's read-only
//                snapshots may not take; "{RETURNING id}" of an INSERT, which
//                SQLite answers from the connection instead (InsertedId(): a
//                RETURNING clause costs SQLite about three times the insert);
//                and columns a backend keeps in the row itself (customer
//                search, sql::CustomerIndex).
// Everything else that differs between the backends is not hidden here but
// kept in the adapter and named: customer search (FTS5 vs pg_trgm, through
// CustomerIndex), group commit, DDL and migrations.
//
// Errors: each backend maps its own error codes to the same Status codes:
// a unique key → kAlreadyExists; another constraint (foreign key, check) →
// kConflict; a serialization failure or deadlock → kConflict with reason
// "retry"; a lost or unavailable database → kUnavailable; bad input text →
// kInvalidArgument; anything else → kInternal.
//
// Thread-safety: a Conn and the statements it hands out are used by one
// thread at a time (the store hands connections out).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace atiende::sql {

enum class Dialect { kSqlite, kPostgres };

// Whether a statement runs for one desk's rows or for every desk's. The
// texts filter by desk as "(?N = '' OR desk_id = ?N)" (any table prefix, any
// placeholder), which is right for both but leaves the planner an OR: SQLite
// then scans instead of seeking the (desk_id, …) indexes, PostgreSQL's
// generic plans do the same. For one desk, the filter is prepared as
// "(?N <> '' AND desk_id = ?N)": the same rows whenever a desk is bound, and
// a plain equality to seek on. Each variant is prepared once.
enum class Desks { kEvery, kOne };

// One execution of a prepared statement: bind (1-based), then Step() through
// the rows, or Run() when there are none.
class Stmt {
 public:
  virtual ~Stmt() = default;
  virtual Stmt& Bind(int i, int64_t v) = 0;
  virtual Stmt& Bind(int i, std::string_view v) = 0;
  virtual Stmt& BindNull(int i) = 0;
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, bool v) = delete;  // say int64_t{b}: columns hold 0/1 or booleans
  Stmt& Bind(int i, const std::optional<std::string>& v) {
    return v ? Bind(i, std::string_view(*v)) : BindNull(i);
  }
  Stmt& Bind(int i, const std::optional<int64_t>& v) { return v ? Bind(i, *v) : BindNull(i); }

  // Runs the statement on the first call; true while a row is current.
  virtual Result<bool> Step() = 0;
  // Runs the statement to its end, ignoring rows.
  Status Run();

  // Columns of the current row (0-based).
  virtual int64_t Int(int col) const = 0;
  virtual bool Bool(int col) const = 0;  // SQLite 0/1, PostgreSQL boolean
  virtual bool IsNull(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  // Rows inserted, updated or deleted, once the statement has run.
  virtual int64_t Changes() const = 0;
  // After Run() of an INSERT of one row ending in "{RETURNING id}": the new
  // row's id; nullopt when nothing was inserted (ON CONFLICT … DO NOTHING).
  virtual std::optional<int64_t> InsertedId() const = 0;
};

class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;
  // A prepared statement for `sql` (the conventions above), ready to bind.
  // REQUIRES: sql has static storage (a literal, or text built once and
  // never freed): backends cache the prepared statement by its address.
  // Failure (an SQL error) is a kInternal status.
  virtual Result<std::unique_ptr<Stmt>> Query(const char* sql, Desks desks) = 0;
  Result<std::unique_ptr<Stmt>> Query(const char* sql) { return Query(sql, Desks::kEvery); }
};

// The connection as the repositories of one scope use it: each statement in
// the variant for the scope's desk ("" every desk).
class DeskConn {
 public:
  DeskConn(Conn& c, const std::string& desk) : c_(c), desk_(desk) {}
  Result<std::unique_ptr<Stmt>> Query(const char* sql) {
    return c_.Query(sql, desk_.empty() ? Desks::kEvery : Desks::kOne);
  }
  Dialect dialect() const { return c_.dialect(); }
  Conn& conn() { return c_; }

 private:
  Conn& c_;
  const std::string& desk_;
};

// `sql` with its desk filters in their one-desk form (Desks above).
std::string OneDesk(std::string_view sql);
// `sql` as PostgreSQL runs it: placeholders numbered, and {clauses} kept
// (`write`) or dropped. Exposed for the adapters and their tests.
std::string ForPostgres(std::string_view sql, bool write, Desks desks = Desks::kEvery);
// `sql` as SQLite runs it: {clauses} dropped.
std::string ForSqlite(std::string_view sql, Desks desks = Desks::kEvery);

}  // namespace atiende::sql
