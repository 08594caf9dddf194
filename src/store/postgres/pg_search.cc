#include "store/postgres/pg_search.h"

#include "core/text.h"
#include "store/search_rank.h"

namespace atiende::pg {

namespace {

constexpr int kCandidates = 200;

// "SELECT ... WHERE search_doc LIKE $1 AND ... LIKE $n ..." for n = 1..8,
// then the desk ($n+1, "" for every desk), built once: statements are cached
// by the address of their text.
const char* PrefixSql(size_t n) {
  static const std::vector<std::string> sql = [] {
    std::vector<std::string> v(9);
    for (size_t k = 1; k <= 8; ++k) {
      std::string s = "SELECT id, search_name, search_group, search_keys FROM customers WHERE ";
      for (size_t i = 1; i <= k; ++i) {
        s += (i > 1 ? " AND " : "") + std::string("search_doc LIKE $") + std::to_string(i);
      }
      std::string desk = "$" + std::to_string(k + 1);
      s += " AND (" + desk + " = '' OR desk_id = " + desk + ")";
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

Result<std::vector<RankedId>> PgIndex::Search(const CustomerQuery& q, const std::string& desk) {
  std::vector<std::string> tokens = SearchTokens(q.text);
  if (tokens.empty()) return std::vector<RankedId>();
  std::string folded;
  std::vector<Param> patterns;
  for (const auto& t : tokens) {
    folded += (folded.empty() ? "" : " ") + t;
    patterns.push_back("% " + t + "%");  // a word starting with the token
  }
  std::vector<SearchCandidate> candidates;
  patterns.push_back(desk);
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
                              " WHERE $1 <% search_doc AND ($2 = '' OR desk_id = $2)"
                              " ORDER BY word_similarity($1, search_doc) DESC, id LIMIT 200",
                              {P(t), P(desk)}));
      Collect(fuzzy, candidates);
    }
  }
  return RankCandidates(folded, candidates, q.limit);
}

Result<std::optional<int64_t>> PgIndex::NewId() {
  // The id first, so the row is written once with its final code: no
  // placeholder code for concurrent inserts to wait on, no second row version.
  ATIENDE_ASSIGN_OR_RETURN(auto r,
                           c_.Exec("SELECT nextval(pg_get_serial_sequence('customers', 'id'))"));
  return std::optional<int64_t>(r.Int(0, 0));
}

int PgIndex::BindColumns(sql::Stmt& st, int first, const Customer& c) {
  SearchTexts t = FoldForSearch(c.legal_name, c.group, c.code, c.tax_id);
  std::string doc = " " + t.name + " " + t.grp + " " + t.keys + " " + t.initials + " ";
  st.Bind(first, t.name).Bind(first + 1, t.grp).Bind(first + 2, t.keys).Bind(first + 3, doc);
  return first + 4;
}

}  // namespace atiende::pg
