// Customer search on SQLite (NM-2): FTS5 over folded copies of the names, then
// a typo-tolerant pass through the vocabulary, then re-ranking in C++.
#include <algorithm>
#include <mutex>

#include "core/text.h"
#include "store/sqlite/sqlite_tx.h"

namespace atiende::sqlite {

namespace {

constexpr int kCandidates = 200;  // FTS rows re-ranked per query
constexpr size_t kMaxTokens = 8;

std::string Quote(const std::string& token) { return "\"" + token + "\""; }

// AND of one group per token; each group ORs the token (as a prefix when it is
// the last, being typed) with its spelling alternatives.
std::string MatchExpression(const std::vector<std::string>& tokens,
                            const std::vector<std::vector<std::string>>& alternatives,
                            const char* joiner) {
  std::string expr;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string group =
        Quote(tokens[i]) + (i + 1 == tokens.size() || tokens[i].size() >= 3 ? "*" : "");
    for (const auto& alt : alternatives[i]) group += " OR " + Quote(alt);
    if (!expr.empty()) expr += joiner;
    expr += "(" + group + ")";
  }
  return expr;
}

}  // namespace

Result<std::vector<int64_t>> SqliteTx::MatchIds(const std::string& expr, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT rowid FROM customer_search WHERE"
                                               " customer_search MATCH ? ORDER BY rank LIMIT ?"));
  st->Bind(1, expr).Bind(2, int64_t{limit});
  std::vector<int64_t> ids;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    ids.push_back(st->Int(0));
  }
  return ids;
}

Status SqliteTx::EnsureVocabulary() {
  {
    std::shared_lock lock(search_.mu);
    if (search_.loaded) return Status::Ok();
  }
  std::unique_lock lock(search_.mu);
  if (search_.loaded) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT term FROM customer_search_vocab"));
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    search_.terms.Add(st->Text(0));
  }
  search_.loaded = true;
  return Status::Ok();
}

Result<std::vector<CustomerHit>> SqliteTx::SearchCustomers(const CustomerQuery& q) {
  std::string folded = text::FoldName(q.text);
  std::vector<std::string> tokens = text::Tokens(folded);
  if (tokens.size() > kMaxTokens) tokens.resize(kMaxTokens);
  if (tokens.empty()) return std::vector<CustomerHit>();
  folded.clear();
  for (const auto& t : tokens) folded += (folded.empty() ? "" : " ") + t;

  std::vector<std::vector<std::string>> alternatives(tokens.size());
  ATIENDE_ASSIGN_OR_RETURN(auto ids,
                           MatchIds(MatchExpression(tokens, alternatives, " AND "), kCandidates));
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
          more, MatchIds(MatchExpression(tokens, alternatives, " AND "), kCandidates));
    }
    if (static_cast<int>(ids.size() + more.size()) < q.limit && tokens.size() > 1) {
      // Still short: any token may match (a wrong word should not hide the right company).
      ATIENDE_ASSIGN_OR_RETURN(
          auto any_ids, MatchIds(MatchExpression(tokens, alternatives, " OR "), kCandidates));
      more.insert(more.end(), any_ids.begin(), any_ids.end());
    }
    for (int64_t id : more) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }

  // Re-rank on the folded texts.
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare("SELECT name, grp, keys FROM customer_search"
                                               " WHERE rowid = ?"));
  struct Scored {
    int64_t id;
    double score;
    size_t name_len;
  };
  std::vector<Scored> scored;
  scored.reserve(ids.size());
  for (int64_t id : ids) {
    st->Reset();
    st->Bind(1, id);
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) continue;
    std::string name = st->Text(0), grp = st->Text(1), keys = st->Text(2);
    double s = std::max({text::Similarity(folded, name), 0.85 * text::Similarity(folded, grp),
                         text::Similarity(folded, keys)});
    if (s > 0) scored.push_back({id, s, name.size()});
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.name_len != b.name_len) return a.name_len < b.name_len;
    return a.id < b.id;
  });
  if (static_cast<int>(scored.size()) > q.limit) scored.resize(q.limit);
  std::vector<CustomerHit> hits;
  for (const auto& s : scored) {
    ATIENDE_ASSIGN_OR_RETURN(auto c, GetCustomer(s.id));
    hits.push_back({std::move(c), s.score});
  }
  return hits;
}

}  // namespace atiende::sqlite
