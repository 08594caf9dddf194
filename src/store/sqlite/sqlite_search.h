// Customer search on SQLite (NM-2), the backend-specific half of the customer
// master (sql::CustomerIndex): an FTS5 table beside `customers` holds folded
// copies of the names, group, code and tax id (rowid = customers.id); a
// typo-tolerant pass looks the vocabulary up in memory (SearchState).
// Thread-safety: one per transaction, used by one thread; SearchState is shared
// and guarded by its own locks.
#pragma once

#include <string>
#include <vector>

#include "store/sql/repos.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite_store.h"

namespace atiende::sqlite {

class SqliteIndex final : public sql::CustomerIndex {
 public:
  SqliteIndex(Connection& c, SearchState& search) : c_(c), search_(search) {}

  Result<std::vector<RankedId>> Search(const CustomerQuery& q, const std::string& desk) override;
  Result<std::optional<int64_t>> NewId() override { return std::optional<int64_t>(); }
  int BindColumns(sql::Stmt&, int first, const Customer&) override { return first; }
  Status Index(const Customer& c, bool is_new) override;
  Status Unindex(int64_t id) override;

  // Search terms written by this transaction, for the vocabulary after commit.
  std::vector<std::string>& new_terms() { return new_terms_; }
  // Loads the typo-tolerance vocabulary once per store; later calls return at once.
  Status EnsureVocabulary();

 private:
  Result<std::vector<int64_t>> MatchIds(const std::string& expr, const std::string& desk,
                                        int limit);

  Connection& c_;
  SearchState& search_;
  std::vector<std::string> new_terms_;
  std::vector<SearchCandidate> fetched_;  // rows read by MatchIds, for ranking
};

}  // namespace atiende::sqlite
