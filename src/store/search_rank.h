// Ranking of customer-search candidates, shared by every Store adapter so the
// backends order results alike: each adapter finds candidates its own way
// (SQLite FTS5, PostgreSQL pg_trgm), then ranks them here on the folded texts.
// Thread-safety: stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atiende {

struct SearchCandidate {
  int64_t id = 0;
  std::string name;  // text::FoldName(legal_name)
  std::string grp;   // text::Fold(group)
  std::string keys;  // folded code and tax id
};

// The same, viewing texts kept elsewhere (the in-memory index's arena).
struct SearchCandidateView {
  int64_t id = 0;
  std::string_view name;
  std::string_view grp;
  std::string_view keys;
};

struct RankedId {
  int64_t id;
  double score;
};

// A customer's folded search texts, as every index keeps them.
struct SearchTexts {
  std::string name;      // text::FoldName(legal_name)
  std::string grp;       // text::Fold(group)
  std::string keys;      // folded code and tax id, plus the tax id's digits alone
  std::string initials;  // text::Initials(name)
};
SearchTexts FoldForSearch(const std::string& legal_name, const std::string& group,
                          const std::string& code, const std::string& tax_id);

// The query as adapters should use it: FoldName(text), at most 8 tokens.
std::vector<std::string> SearchTokens(std::string_view text);

// Scores candidates against the folded query (tokens joined by spaces), drops
// those scoring 0, orders best first (ties: shorter name, then lower id), and
// keeps at most `limit`.
std::vector<RankedId> RankCandidates(const std::string& folded_query,
                                     const std::vector<SearchCandidate>& candidates, int limit);
std::vector<RankedId> RankCandidateViews(const std::string& folded_query,
                                         const std::vector<SearchCandidateView>& candidates,
                                         int limit);

}  // namespace atiende
