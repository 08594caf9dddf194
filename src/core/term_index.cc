#include "core/term_index.h"

#include <algorithm>

#include "core/text.h"

namespace atiende {

namespace {
uint64_t Hash(std::string_view s) {  // FNV-1a
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}
}  // namespace

uint32_t TermIndex::NewTerm(std::string_view term) {
  terms_.emplace_back(term);
  known_.insert(terms_.back());
  return static_cast<uint32_t>(terms_.size() - 1);
}

void TermIndex::Add(std::string_view term) {
  if (term.empty() || term.size() > 32 || known_.count(term)) return;
  uint32_t id = NewTerm(term);
  recent_.emplace(Hash(term), id);
  for (const auto& d : text::Deletes1(term)) recent_.emplace(Hash(d), id);
  if (recent_.size() > std::max<size_t>(4096, sorted_.size() / 4)) Compact({});
}

void TermIndex::AddAll(const std::vector<std::string>& terms) {
  std::vector<Entry> fresh;
  for (const auto& t : terms) {
    if (t.empty() || t.size() > 32 || known_.count(t)) continue;
    uint32_t id = NewTerm(t);
    fresh.push_back({Hash(t), id});
    for (const auto& d : text::Deletes1(t)) fresh.push_back({Hash(d), id});
  }
  Compact(std::move(fresh));
}

void TermIndex::Compact(std::vector<Entry> fresh) {
  for (const auto& [key, term] : recent_) fresh.push_back({key, term});
  recent_.clear();
  std::sort(fresh.begin(), fresh.end());
  std::vector<Entry> merged;
  merged.reserve(sorted_.size() + fresh.size());
  std::merge(sorted_.begin(), sorted_.end(), fresh.begin(), fresh.end(),
             std::back_inserter(merged));
  sorted_.swap(merged);
}

void TermIndex::Collect(uint64_t key, std::vector<uint32_t>& out) const {
  auto [b, e] = std::equal_range(sorted_.begin(), sorted_.end(), Entry{key, 0});
  for (auto it = b; it != e; ++it) out.push_back(it->term);
  auto [rb, re] = recent_.equal_range(key);
  for (auto it = rb; it != re; ++it) out.push_back(it->second);
}

std::vector<std::string> TermIndex::Lookup(std::string_view token, int max_distance) const {
  std::vector<uint32_t> cand;
  if (max_distance <= 0 || token.empty()) return {};
  Collect(Hash(token), cand);
  auto dels = text::Deletes1(token);
  for (const auto& d : dels) Collect(Hash(d), cand);
  if (max_distance >= 2) {
    for (const auto& d : dels) {
      for (const auto& dd : text::Deletes1(d)) Collect(Hash(dd), cand);
    }
  }
  std::sort(cand.begin(), cand.end());
  cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
  std::vector<std::string> out;
  for (uint32_t id : cand) {
    const std::string& t = terms_[id];
    if (t != token && text::EditDistance(token, t, max_distance) <= max_distance) out.push_back(t);
  }
  return out;
}

}  // namespace atiende
