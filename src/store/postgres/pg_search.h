// Customer search on PostgreSQL (NM-2), the backend-specific half of the
// customer master (sql::CustomerIndex): folded copies of the names, group,
// code and tax id in columns of `customers`, with a pg_trgm GIN index on
// search_doc — word prefixes first, then similar words for typos — ranked by
// the same function as on SQLite (search_rank.h).
// Thread-safety: one per transaction, used by one thread.
#pragma once

#include "store/postgres/pg_conn.h"
#include "store/sql/repos.h"

namespace atiende::pg {

class PgIndex final : public sql::CustomerIndex {
 public:
  explicit PgIndex(PgConn& c) : c_(c) {}
  Result<std::vector<RankedId>> Search(const CustomerQuery& q, const std::string& desk) override;
  Result<std::optional<int64_t>> NewId() override;
  int BindColumns(sql::Stmt& st, int first, const Customer& c) override;
  // The columns went with the row (BindColumns).
  Status Index(const Customer&, bool) override { return Status::Ok(); }
  Status Unindex(int64_t) override { return Status::Ok(); }  // the row took its columns along

 private:
  PgConn& c_;
};

}  // namespace atiende::pg
