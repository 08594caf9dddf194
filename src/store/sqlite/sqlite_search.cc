// Customer search on SQLite (NM-2): FTS5 over folded copies of the names, then
// a typo-tolerant pass through the vocabulary, then re-ranking in C++.
#include "store/sqlite/sqlite_search.h"

#include <algorithm>
#include <mutex>

#include "core/text.h"
#include "store/search_rank.h"

namespace atiende::sqlite {

namespace {

constexpr int kCandidates = 200;  // FTS rows re-ranked per query

std::string Quote(const std::string& token) { return "\"" + token + "\""; }

// Articles and prepositions ("de", "la", "y") are in a large share of the names
// and make a MATCH read huge doclists; Similarity() still sees them.
bool IsStopword(const std::string& t) {
  return t == "de" || t == "del" || t == "la" || t == "las" || t == "los" || t == "el" ||
         t == "y" || t == "e";
}

// AND of one group per token; each group ORs the token (as a prefix when it is
// the last, being typed) with its spelling alternatives.
std::string MatchExpression(const std::vector<std::string>& tokens,
                            const std::vector<std::vector<std::string>>& alternatives,
                            const char* joiner) {
  std::string expr;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i + 1 < tokens.size() && IsStopword(tokens[i])) continue;  // the last is being typed
    std::string group =
        Quote(tokens[i]) + (i + 1 == tokens.size() || tokens[i].size() >= 3 ? "*" : "");
    for (const auto& alt : alternatives[i]) group += " OR " + Quote(alt);
    if (!expr.empty()) expr += joiner;
    expr += "(" + group + ")";
  }
  return expr;
}

}  // namespace

// No ORDER BY rank: bm25 scores every matching row (1.6 us each; "de*" matches
// 220k of 1M), and the candidates are re-ranked by RankCandidates anyway.
// The texts come with the ids, so no second lookup per candidate.
// The desk is checked on the match's own row (its UNINDEXED desk column,
// migration 0009), before the LIMIT.
Result<std::vector<int64_t>> SqliteIndex::MatchIds(const std::string& expr, const std::string& desk,
                                                   int limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare("SELECT rowid, name, grp, keys FROM customer_search"
                                      " WHERE customer_search MATCH ?1 AND (?2 = '' OR desk = ?2)"
                                      " LIMIT ?3"));
  st->Bind(1, expr).Bind(2, desk).Bind(3, int64_t{limit});
  std::vector<int64_t> ids;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    ids.push_back(st->Int(0));
    fetched_.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3)});
  }
  return ids;
}

Status SqliteIndex::EnsureVocabulary() {
  {
    std::shared_lock lock(search_.mu);
    if (search_.loaded) return Status::Ok();
  }
  std::lock_guard loading(search_.load_mu);
  {
    std::shared_lock lock(search_.mu);
    if (search_.loaded) return Status::Ok();
  }
  // Read and index outside the shared lock: searches that need no typo pass
  // and commits go on meanwhile.
  std::vector<std::string> all;
  // Name and group words only: codes and tax-id pieces (digits, 95% of the
  // terms at 1M customers) are never typo candidates.
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT term FROM customer_search_vocab"
                                               " WHERE term >= 'a' AND term NOT GLOB '*[0-9]*'"));
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    all.push_back(st->Text(0));
  }
  TermIndex built;
  built.AddAll(all);
  std::unique_lock lock(search_.mu);
  search_.terms = std::move(built);
  search_.terms.AddAll(search_.pending);
  search_.pending.clear();
  search_.loaded = true;
  return Status::Ok();
}

Result<std::vector<RankedId>> SqliteIndex::Search(const CustomerQuery& q, const std::string& desk) {
  std::vector<std::string> tokens = SearchTokens(q.text);
  if (tokens.empty()) return std::vector<RankedId>();
  std::string folded;
  for (const auto& t : tokens) folded += (folded.empty() ? "" : " ") + t;

  std::vector<std::vector<std::string>> alternatives(tokens.size());
  fetched_.clear();
  ATIENDE_ASSIGN_OR_RETURN(
      auto ids, MatchIds(MatchExpression(tokens, alternatives, " AND "), desk, kCandidates));
  if (static_cast<int>(ids.size()) < q.limit) {
    // Forgive typos: add the vocabulary's near spellings of each token.
    ATIENDE_RETURN_IF_ERROR(EnsureVocabulary());
    bool any = false;
    {
      std::shared_lock lock(search_.mu);
      for (size_t i = 0; i < tokens.size(); ++i) {
        alternatives[i] = search_.terms.Lookup(tokens[i], text::AllowedTypos(tokens[i].size()));
        if (alternatives[i].size() > 16) alternatives[i].resize(16);
        any = any || !alternatives[i].empty();
      }
    }
    std::vector<int64_t> more;
    if (any) {
      ATIENDE_ASSIGN_OR_RETURN(
          more, MatchIds(MatchExpression(tokens, alternatives, " AND "), desk, kCandidates));
    }
    if (ids.empty() && more.empty() && tokens.size() > 1) {
      // Still short: any token may match (a wrong word should not hide the right company).
      ATIENDE_ASSIGN_OR_RETURN(
          auto any_ids, MatchIds(MatchExpression(tokens, alternatives, " OR "), desk, kCandidates));
      more.insert(more.end(), any_ids.begin(), any_ids.end());
    }
    ids.insert(ids.end(), more.begin(), more.end());
  }

  std::vector<SearchCandidate> candidates = std::move(fetched_);
  fetched_.clear();
  return RankCandidates(folded, candidates, q.limit);
}

Status SqliteIndex::Index(const Customer& c, bool is_new) {
  if (!is_new) ATIENDE_RETURN_IF_ERROR(Unindex(c.id));
  SearchTexts t = FoldForSearch(c.legal_name, c.group, c.code, c.tax_id);
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("INSERT INTO customer_search(rowid, name, grp, keys, initials, desk)"
                          " VALUES (?,?,?,?,?,?)"));
  st->Bind(1, c.id).Bind(2, t.name).Bind(3, t.grp).Bind(4, t.keys).Bind(5, t.initials);
  st->Bind(6, c.desk);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  for (const auto& term : text::Tokens(t.name)) new_terms_.push_back(term);
  for (const auto& term : text::Tokens(t.grp)) new_terms_.push_back(term);
  return Status::Ok();
}

Status SqliteIndex::Unindex(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto del, c_.Prepare("DELETE FROM customer_search WHERE rowid = ?"));
  del->Bind(1, id);
  return del->Run();
}

}  // namespace atiende::sqlite
