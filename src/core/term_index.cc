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

void TermIndex::AddEntries(std::string_view term) {
  terms_.emplace_back(term);
  known_.insert(terms_.back());
  uint32_t id = static_cast<uint32_t>(terms_.size() - 1);
  recent_.push_back({Hash(term), id});
  for (const auto& d : text::Deletes1(term)) recent_.push_back({Hash(d), id});
}

void TermIndex::Add(std::string_view term) {
  if (term.empty() || term.size() > 32 || known_.count(term)) return;
  AddEntries(term);
  if (recent_.size() > 1024) Compact();
}

void TermIndex::AddAll(const std::vector<std::string>& terms) {
  for (const auto& t : terms) {
    if (!t.empty() && t.size() <= 32 && !known_.count(t)) AddEntries(t);
  }
  std::sort(recent_.begin(), recent_.end());
  std::vector<Entry> merged;
  merged.reserve(sorted_.size() + middle_.size() + recent_.size());
  std::merge(sorted_.begin(), sorted_.end(), middle_.begin(), middle_.end(),
             std::back_inserter(merged));
  std::vector<Entry> all;
  all.reserve(merged.size() + recent_.size());
  std::merge(merged.begin(), merged.end(), recent_.begin(), recent_.end(), std::back_inserter(all));
  sorted_.swap(all);
  middle_.clear();
  recent_.clear();
}

void TermIndex::Compact() {
  std::sort(recent_.begin(), recent_.end());
  std::vector<Entry> merged;
  merged.reserve(middle_.size() + recent_.size());
  std::merge(middle_.begin(), middle_.end(), recent_.begin(), recent_.end(),
             std::back_inserter(merged));
  middle_.swap(merged);
  recent_.clear();
  if (middle_.size() > std::max<size_t>(sorted_.size() / 8, 4096)) {
    merged.clear();
    merged.reserve(sorted_.size() + middle_.size());
    std::merge(sorted_.begin(), sorted_.end(), middle_.begin(), middle_.end(),
               std::back_inserter(merged));
    sorted_.swap(merged);
    middle_.clear();
  }
}

void TermIndex::Collect(uint64_t key, std::vector<uint32_t>& out) const {
  for (const auto* tier : {&sorted_, &middle_}) {
    auto [b, e] = std::equal_range(tier->begin(), tier->end(), Entry{key, 0});
    for (auto it = b; it != e; ++it) out.push_back(it->term);
  }
  for (const auto& r : recent_) {
    if (r.key == key) out.push_back(r.term);
  }
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
