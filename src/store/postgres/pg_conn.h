// A thin layer over one libpq connection: statements are prepared once per
// connection (keyed by the SQL literal's address), parameters travel as text,
// and every failure becomes a Status (SQLSTATE mapped in pg_conn.cc, as
// store/sql/sql.h says). A PgConn is the PostgreSQL side of sql::Conn.
// Thread-safety: a PgConn is used by one thread at a time (the pool hands it out).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "store/sql/sql.h"

namespace atiende::pg {

// A query parameter: text, or SQL NULL.
using Param = std::optional<std::string>;
inline Param P(std::string_view s) { return std::string(s); }
inline Param P(int64_t v) { return std::to_string(v); }

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col); }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col), PQgetlength(r_.get(), row, col));
  }
  int64_t Int(int row, int col) const {
    return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
  }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t Affected() const { return std::strtoll(PQcmdTuples(r_.get()), nullptr, 10); }

 private:
  std::shared_ptr<PGresult> r_;
};

class PgConn final : public sql::Conn {
 public:
  // kUnavailable when the server cannot be reached (connect_timeout applies).
  static Result<std::unique_ptr<PgConn>> Connect(const std::string& url);
  ~PgConn() override;

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  // A shared statement text (sql.h), resolved for PostgreSQL once per address
  // and transaction kind ({clauses} run in write transactions only).
  using sql::Conn::Query;
  Result<std::unique_ptr<sql::Stmt>> Query(const char* sql, sql::Desks desks) override;
  // Set by the store as each transaction begins.
  void set_writing(bool writing) { writing_ = writing; }

  // Runs a statement of PostgreSQL's own text with parameters. REQUIRES: sql is a string literal
  // (or otherwise has static storage): prepared statements are cached by address. Errors:
  // kAlreadyExists (unique violation), kConflict (other constraints, serialization failures: reason
  // "retry"), kUnavailable (connection lost or server shutting down), kInvalidArgument (bad input
  // text), kInternal.
  Result<PgResult> Exec(const char* sql, const std::vector<Param>& params = {});
  // Runs SQL text without parameters or caching (migrations, BEGIN/COMMIT).
  Result<PgResult> Simple(std::string_view sql);
  bool broken() const { return PQstatus(c_) != CONNECTION_OK; }

 private:
  explicit PgConn(PGconn* c) : c_(c) {}
  Result<PgResult> Check(PGresult* r);
  Result<std::string> PrepareShared(const char* sql, sql::Desks desks);
  PGconn* c_;
  bool writing_ = false;
  std::unordered_map<const char*, std::string> prepared_;
  // [writing_][sql::Desks]: statement name
  std::unordered_map<const char*, std::string> shared_[2][2];
};

}  // namespace atiende::pg
