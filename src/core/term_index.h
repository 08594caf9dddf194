// TermIndex: the vocabulary of a search index, for typo-tolerant lookups.
// Given a query token it returns the indexed terms within edit distance 1
// (SymSpell-style: every term is filed under itself and each string made by
// deleting one of its bytes; two strings within distance 1 share a key), and
// distance 2 where a second deletion on the query side finds the term.
//
// Memory: one 12-byte entry per (term, deletion) pair; keys are 64-bit hashes,
// candidates are verified with text::EditDistance.
// Thread-safety: Add() requires exclusive access; Lookup() may run concurrently
// with other Lookup() calls (callers guard with a shared_mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace atiende {

class TermIndex {
 public:
  // Adds a term (no-op when present or longer than 32 bytes). Amortised
  // O(log n) per term.
  void Add(std::string_view term);
  // Adds many terms at once: one sort instead of repeated merges.
  void AddAll(const std::vector<std::string>& terms);
  // Terms t with EditDistance(token, t) <= max_distance (max 2), excluding token itself.
  std::vector<std::string> Lookup(std::string_view token, int max_distance) const;
  size_t size() const { return terms_.size(); }

 private:
  struct Entry {
    uint64_t key;
    uint32_t term;
    bool operator<(const Entry& o) const { return key < o.key; }
  };
  void Collect(uint64_t key, std::vector<uint32_t>& out) const;
  // Merges `fresh` and recent_ into sorted_.
  void Compact(std::vector<Entry> fresh);
  uint32_t NewTerm(std::string_view term);

  std::deque<std::string> terms_;               // a deque: references stay valid on growth
  std::unordered_set<std::string_view> known_;  // views into terms_
  // Two tiers: sorted_ (binary search) and recent_ (hashed). recent_ merges
  // into sorted_ once it holds a quarter of it, so sorted_ grows
  // geometrically and each entry is copied O(1) times on average.
  std::vector<Entry> sorted_;
  std::unordered_multimap<uint64_t, uint32_t> recent_;
};

}  // namespace atiende
