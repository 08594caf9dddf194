// Customer search on PostgreSQL (NM-2): candidates through the pg_trgm GIN
// index on the folded search_doc — word prefixes first, then similar words
// for typos — ranked by the same function as on SQLite (search_rank.h).
#include "core/text.h"
#include "store/postgres/pg_tx.h"
#include "store/search_rank.h"

namespace atiende::pg {

namespace {

constexpr int kCandidates = 200;

// "SELECT ... WHERE search_doc LIKE $1 AND ... LIKE $n ..." for n = 1..8,
// built once: statements are cached by the address of their text.
const char* PrefixSql(size_t n) {
  static const std::vector<std::string> sql = [] {
    std::vector<std::string> v(9);
    for (size_t k = 1; k <= 8; ++k) {
      std::string s = "SELECT id, search_name, search_group, search_keys FROM customers WHERE ";
      for (size_t i = 1; i <= k; ++i) {
        s += (i > 1 ? " AND " : "") + std::string("search_doc LIKE $") + std::to_string(i);
      }
      s += " ORDER BY length(search_name), id LIMIT " + std::to_string(kCandidates);
      v[k] = s;
    }
    return v;
  }();
  return sql[n].c_str();
}

void Collect(const PgResult& r, std::vector<SearchCandidate>& out) {
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3)});
  }
}

}  // namespace

Result<std::vector<CustomerHit>> PgTx::SearchCustomers(const CustomerQuery& q) {
  std::vector<std::string> tokens = SearchTokens(q.text);
  if (tokens.empty()) return std::vector<CustomerHit>();
  std::string folded;
  std::vector<Param> patterns;
  for (const auto& t : tokens) {
    folded += (folded.empty() ? "" : " ") + t;
    patterns.push_back("% " + t + "%");  // a word starting with the token
  }
  std::vector<SearchCandidate> candidates;
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(PrefixSql(tokens.size()), patterns));
  Collect(r, candidates);
  if (static_cast<int>(candidates.size()) < q.limit) {
    // Forgive typos: words similar to each token (pg_trgm word similarity).
    ATIENDE_RETURN_IF_ERROR(c_.Exec("SELECT set_config('pg_trgm.word_similarity_threshold',"
                                    " '0.5', true)")
                                .status());
    for (const auto& t : tokens) {
      if (text::AllowedTypos(t.size()) == 0) continue;
      ATIENDE_ASSIGN_OR_RETURN(
          auto fuzzy, c_.Exec("SELECT id, search_name, search_group, search_keys FROM customers"
                              " WHERE $1 <% search_doc ORDER BY word_similarity($1, search_doc)"
                              " DESC, id LIMIT 200",
                              {P(t)}));
      Collect(fuzzy, candidates);
    }
  }
  std::vector<CustomerHit> hits;
  for (const auto& ranked : RankCandidates(folded, candidates, q.limit)) {
    ATIENDE_ASSIGN_OR_RETURN(auto c, GetCustomer(ranked.id));
    hits.push_back({std::move(c), ranked.score});
  }
  return hits;
}

}  // namespace atiende::pg
