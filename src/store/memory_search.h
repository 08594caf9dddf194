// MemorySearch: customer search from memory (NM-2, issue 20). Every desk's
// customers as folded texts (name, group, code and tax id, initials) in a
// compact index, queried with the same matching rules as the SQLite FTS5 index
// (every query token a word or word prefix, typo alternatives when few match,
// any token when none) and ranked by the same function (search_rank.h).
// The database stays the truth: the index is built from it at start (Load),
// follows this node's commits (Upsert/Remove after each commit) and, on
// PostgreSQL, other nodes' through the change feed; Load again rebuilds it.
//
// Layout per desk: one immutable base segment — docs numbered in a static
// order (fewer name tokens, then shorter name, then lower id: the ranking's
// own tie-breaks), folded texts in one byte arena, a sorted dictionary of the
// name/group/initials words with posting lists of doc numbers, and the
// code/tax-id tokens as one array sorted by text — plus a small delta of docs
// written since (ordered maps), and tombstones for replaced docs. When the
// delta outgrows a quarter of the base, both merge into a new base.
// A query walks the posting lists of its rarest token in static order,
// checks the others on each doc's own texts, and stops after kCandidates
// matches: the cost is bounded however many customers a short prefix matches.
//
// Thread-safety: every public method from any thread (one shared_mutex:
// searches share it, writes take it alone).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/search_rank.h"

namespace atiende {

// A customer as the index needs it (raw texts: the index folds them).
struct SearchDoc {
  int64_t id = 0;
  int64_t version = 0;
  std::string desk;
  std::string legal_name;
  std::string group;
  std::string code;
  std::string tax_id;
};

class MemorySearch {
 public:
  MemorySearch();
  ~MemorySearch();
  MemorySearch(const MemorySearch&) = delete;
  MemorySearch& operator=(const MemorySearch&) = delete;

  // Starts recording Upsert/Remove calls, so writes committed while Load's
  // documents are read are not lost (Load replays them). Call before reading.
  void BeginLoad();
  // Adds a page of the store's customers to the index being loaded (folded
  // at once: pages keep the memory a load needs small).
  void LoadPage(const std::vector<SearchDoc>& page);
  // Replaces the whole index with the pages loaded since BeginLoad, replays
  // the writes recorded since, and makes the index ready.
  void FinishLoad();
  // BeginLoad (unless begun), LoadPage(docs), FinishLoad.
  void Load(const std::vector<SearchDoc>& docs);
  // Whether Search answers (false until the first Load: callers fall back to
  // the database's own index).
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  // Forgets everything; not ready until the next Load.
  void Clear();

  // The customer was written with this version: replaces an older version
  // (an older or equal one than the indexed is ignored: commits on several
  // threads may arrive out of order). Moves it between desks if needed.
  void Upsert(const SearchDoc& d);
  // The customer was deleted.
  void Remove(int64_t id);

  // Best matches in `desk` ("" every desk), as the database index would rank
  // them; nullopt when not ready.
  std::optional<std::vector<RankedId>> Search(std::string_view text, const std::string& desk,
                                              int limit) const;

  struct Stats {
    size_t docs = 0;      // live customers
    size_t delta = 0;     // of which in the deltas
    size_t bytes = 0;     // memory held by the index (approximate: container capacities)
    uint64_t merges = 0;  // delta merges since start
  };
  Stats stats() const;

  // Merges every desk's delta into its base now (tests, after a bulk load).
  void Compact();

  struct DeskIndex;  // defined in the .cc
  struct Loading;

 private:
  DeskIndex& DeskLocked(const std::string& desk);  // REQUIRES: mu_ held exclusively
  void UpsertLocked(const SearchDoc& d);
  void RemoveLocked(int64_t id);

  mutable std::shared_mutex mu_;
  std::atomic<bool> ready_{false};
  // Guarded by mu_.
  std::map<std::string, std::unique_ptr<DeskIndex>> desks_;
  bool journaling_ = false;
  struct JournalEntry {
    bool remove = false;
    SearchDoc doc;
  };
  std::vector<JournalEntry> journal_;
  uint64_t merges_ = 0;
  std::mutex load_mu_;  // guards loading_ (lock order: load_mu_, then mu_)
  std::unique_ptr<Loading> loading_;
};

}  // namespace atiende
