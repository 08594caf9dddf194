#include "store/search_rank.h"

#include <algorithm>
#include <unordered_set>

#include "core/text.h"

namespace atiende {

SearchTexts FoldForSearch(const std::string& legal_name, const std::string& group,
                          const std::string& code, const std::string& tax_id) {
  SearchTexts t;
  t.name = text::FoldName(legal_name);
  t.grp = text::Fold(group);
  t.keys = text::Fold(code + " " + tax_id);
  std::string digits;
  for (char ch : tax_id) {
    if (ch >= '0' && ch <= '9') digits += ch;
  }
  if (!digits.empty()) t.keys += " " + digits;
  t.initials = text::Initials(t.name);
  return t;
}

std::vector<std::string> SearchTokens(std::string_view text) {
  auto tokens = text::Tokens(text::FoldName(text));
  if (tokens.size() > 8) tokens.resize(8);
  return tokens;
}

std::vector<RankedId> RankCandidates(const std::string& folded_query,
                                     const std::vector<SearchCandidate>& candidates, int limit) {
  std::vector<SearchCandidateView> views;
  views.reserve(candidates.size());
  for (const auto& c : candidates) views.push_back({c.id, c.name, c.grp, c.keys});
  return RankCandidateViews(folded_query, views, limit);
}

std::vector<RankedId> RankCandidateViews(const std::string& folded_query,
                                         const std::vector<SearchCandidateView>& candidates,
                                         int limit) {
  struct Scored {
    int64_t id;
    double score;
    size_t name_len;
  };
  std::vector<Scored> scored;
  std::unordered_set<int64_t> seen;
  for (const auto& c : candidates) {
    if (!seen.insert(c.id).second) continue;
    double s = std::max({text::Similarity(folded_query, c.name),
                         0.85 * text::Similarity(folded_query, c.grp),
                         text::Similarity(folded_query, c.keys)});
    if (s > 0) scored.push_back({c.id, s, c.name.size()});
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.name_len != b.name_len) return a.name_len < b.name_len;
    return a.id < b.id;
  });
  std::vector<RankedId> out;
  for (size_t i = 0; i < scored.size() && static_cast<int>(i) < limit; ++i) {
    out.push_back({scored[i].id, scored[i].score});
  }
  return out;
}

}  // namespace atiende
