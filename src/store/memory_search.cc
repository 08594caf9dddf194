#include "store/memory_search.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "core/term_index.h"
#include "core/text.h"

namespace atiende {

// Named, not anonymous: MemorySearch's own structs hold these types, and GCC
// warns (-Wsubobject-linkage) when a class of external linkage does.
namespace memory_search_detail {

constexpr size_t kMemCandidates = 200;  // matches per pass handed to the ranking, as FTS5's LIMIT
constexpr size_t kMemScanCap = 200000;  // driver docs checked per pass at most
constexpr size_t kMemMaxAlternatives = 16;
constexpr uint32_t kMemKeyOffsetBits = 8;  // key refs: doc << 8 | byte offset in the keys

bool MemIsStopword(std::string_view t) {
  return t == "de" || t == "del" || t == "la" || t == "las" || t == "los" || t == "el" ||
         t == "y" || t == "e";
}

bool MemHasDigit(std::string_view t) {
  return std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool MemHasLetter(std::string_view t) {
  return std::any_of(t.begin(), t.end(), [](char c) { return !(c >= '0' && c <= '9'); });
}

bool MemStartsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

// Calls fn(token) for the space-separated tokens of a folded text.
template <typename Fn>
void MemForTokens(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) fn(s.substr(i, j - i));
    i = j + 1;
  }
}

size_t MemTokenCount(std::string_view s) {
  size_t n = 0;
  MemForTokens(s, [&](std::string_view) { ++n; });
  return n;
}

// One query token as matched against a doc: the word itself, or any word it
// starts, or one of its spelling alternatives.
struct MemGroup {
  std::string_view token;
  bool prefix = false;
  const std::vector<std::string>* alts = nullptr;
  // Where this token starts a run of numbers ("860 034 594 1", a tax id as
  // written), the run's digits together: a prefix of the key token holding
  // the tax id's digits. Only to find candidates (short number pieces are
  // not key tokens of their own); matching is by the token.
  std::string_view digits;

  bool Matches(std::string_view word) const {
    if (prefix ? MemStartsWith(word, token) : word == token) return true;
    if (alts) {
      for (const auto& a : *alts) {
        if (word == a) return true;
      }
    }
    return false;
  }
};

struct MemTexts {
  std::string_view name, grp, keys, initials;
  bool Has(const MemGroup& g) const {
    bool found = false;
    auto check = [&](std::string_view w) { found = found || g.Matches(w); };
    MemForTokens(name, check);
    if (!found) MemForTokens(grp, check);
    if (!found) MemForTokens(keys, check);
    if (!found) MemForTokens(initials, check);
    return found;
  }
};

struct MemItem {
  int64_t id = 0;
  int64_t version = 0;
  std::string name, grp, keys, initials;
};

MemItem MemFold(const SearchDoc& d) {
  SearchTexts t = FoldForSearch(d.legal_name, d.group, d.code, d.tax_id);
  return {d.id,
          d.version,
          std::move(t.name),
          std::move(t.grp),
          std::move(t.keys),
          std::move(t.initials)};
}

template <typename T>
size_t MemBytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

// The immutable part of a desk's index (see the header).
struct MemSegment {
  std::vector<int64_t> ids;        // by doc number
  std::vector<uint32_t> versions;  // by doc number (customers' versions stay small)
  std::vector<uint32_t> text_off;  // n+1 offsets into arena: "name\0keys\0initials"
  std::string arena;
  std::vector<uint32_t> group_of;   // by doc number, into groups
  std::vector<std::string> groups;  // folded group texts, each once
  std::vector<uint32_t> by_id;      // doc numbers ordered by id
  std::string term_chars;           // the words, sorted, back to back
  std::vector<uint32_t> term_off;   // n_terms+1
  std::vector<uint32_t> post_off;   // n_terms+1, into postings
  std::vector<uint32_t> postings;   // doc numbers, ascending per word
  std::vector<uint32_t> key_refs;   // doc << 8 | offset of a key token, ordered by its text
  std::vector<uint64_t> dead;       // bitset by doc number
  size_t dead_count = 0;

  size_t size() const { return ids.size(); }
  size_t terms() const { return term_off.empty() ? 0 : term_off.size() - 1; }
  std::string_view Term(size_t t) const {
    return std::string_view(term_chars).substr(term_off[t], term_off[t + 1] - term_off[t]);
  }
  bool IsDead(uint32_t d) const { return (dead[d >> 6] >> (d & 63)) & 1; }
  void Kill(uint32_t d) {
    if (!IsDead(d)) {
      dead[d >> 6] |= uint64_t{1} << (d & 63);
      ++dead_count;
    }
  }
  MemTexts Texts(uint32_t d) const {
    std::string_view all =
        std::string_view(arena).substr(text_off[d], text_off[d + 1] - text_off[d]);
    size_t a = all.find('\0');
    size_t b = all.find('\0', a + 1);
    return {all.substr(0, a), groups[group_of[d]], all.substr(a + 1, b - a - 1), all.substr(b + 1)};
  }
  std::string_view KeyToken(uint32_t ref) const {
    MemTexts t = Texts(ref >> kMemKeyOffsetBits);
    std::string_view rest = t.keys.substr(ref & ((1u << kMemKeyOffsetBits) - 1));
    return rest.substr(0, rest.find(' '));
  }
  // The doc number of a live doc with this id, or -1.
  int64_t Find(int64_t id) const {
    auto it = std::lower_bound(by_id.begin(), by_id.end(), id,
                               [&](uint32_t d, int64_t v) { return ids[d] < v; });
    if (it == by_id.end() || ids[*it] != id || IsDead(*it)) return -1;
    return *it;
  }
  // Word numbers [first, last) for a token (as a prefix or exactly).
  std::pair<size_t, size_t> TermRange(std::string_view token, bool prefix) const {
    size_t n = terms();
    size_t lo = 0, hi = n;
    while (lo < hi) {  // first term >= token
      size_t mid = (lo + hi) / 2;
      if (Term(mid) < token)
        lo = mid + 1;
      else
        hi = mid;
    }
    size_t first = lo;
    if (!prefix) return {first, first < n && Term(first) == token ? first + 1 : first};
    hi = n;
    while (lo < hi) {  // first term not starting with token
      size_t mid = (lo + hi) / 2;
      if (MemStartsWith(Term(mid), token))
        lo = mid + 1;
      else
        hi = mid;
    }
    return {first, lo};
  }
  std::pair<size_t, size_t> KeyRange(std::string_view token, bool prefix) const {
    auto lo = std::lower_bound(key_refs.begin(), key_refs.end(), token,
                               [&](uint32_t r, std::string_view v) { return KeyToken(r) < v; });
    auto hi = std::partition_point(lo, key_refs.end(), [&](uint32_t r) {
      std::string_view k = KeyToken(r);
      return prefix ? MemStartsWith(k, token) : k == token;
    });
    return {static_cast<size_t>(lo - key_refs.begin()), static_cast<size_t>(hi - key_refs.begin())};
  }
  size_t Bytes() const {
    return MemBytes(ids) + MemBytes(versions) + MemBytes(text_off) + arena.capacity() +
           MemBytes(group_of) + MemBytes(groups) + MemBytes(by_id) + term_chars.capacity() +
           MemBytes(term_off) + MemBytes(post_off) + MemBytes(postings) + MemBytes(key_refs) +
           MemBytes(dead);
  }
};

bool MemIsKeyToken(std::string_view tok, size_t index) {
  return index == 0 || tok.size() >= 4 || MemHasLetter(tok);
}

// Docs on their way into a segment, compactly: "name\0grp\0keys\0initials"
// back to back (a plain vector of strings would take twice the memory at
// load, and RSS keeps what malloc once held).
struct MemStaging {
  std::vector<int64_t> ids;
  std::vector<int64_t> versions;
  std::vector<uint32_t> off;  // start of each doc's texts
  std::string texts;

  size_t size() const { return ids.size(); }
  void Add(const MemItem& it) {
    ids.push_back(it.id);
    versions.push_back(it.version);
    off.push_back(static_cast<uint32_t>(texts.size()));
    texts.append(it.name).append(1, '\0').append(it.grp).append(1, '\0');
    texts.append(it.keys).append(1, '\0').append(it.initials).append(1, '\0');
  }
  // name, grp, keys, initials of doc i.
  MemTexts Texts(size_t i) const {
    std::string_view all(texts.data() + off[i], texts.size() - off[i]);
    size_t a = all.find('\0');
    size_t b = all.find('\0', a + 1);
    size_t c = all.find('\0', b + 1);
    size_t d = all.find('\0', c + 1);
    return {all.substr(0, a), all.substr(a + 1, b - a - 1), all.substr(b + 1, c - b - 1),
            all.substr(c + 1, d - c - 1)};
  }
};

// Builds a segment from live docs (consumed).
std::unique_ptr<MemSegment> MemBuild(MemStaging staged) {
  auto seg = std::make_unique<MemSegment>();
  MemSegment& s = *seg;
  std::vector<uint32_t> order(staged.size());
  {
    std::vector<uint64_t> rank_key(staged.size());  // name tokens << 32 | name length
    for (uint32_t i = 0; i < order.size(); ++i) {
      order[i] = i;
      std::string_view name = staged.Texts(i).name;
      uint64_t tokens = std::min<size_t>(MemTokenCount(name), 0xffff);
      uint64_t len = std::min<size_t>(name.size(), 0xffffffff);
      rank_key[i] = tokens << 32 | len;
    }
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      if (rank_key[a] != rank_key[b]) return rank_key[a] < rank_key[b];
      return staged.ids[a] < staged.ids[b];
    });
  }
  const size_t n = staged.size();
  s.ids.reserve(n);
  s.versions.reserve(n);
  s.text_off.reserve(n + 1);
  s.group_of.reserve(n);
  s.arena.reserve(staged.texts.size());
  std::unordered_map<std::string, uint32_t> group_ids;
  // Words: numbered in order of appearance first, sorted after.
  std::unordered_map<std::string_view, uint32_t> word_ids;
  std::deque<std::string> words;  // a deque: the views in word_ids stay valid
  std::vector<uint32_t> counts;
  std::vector<uint32_t> doc_words;  // per doc: its distinct word numbers, then a separator
  doc_words.reserve(n * 6);
  constexpr uint32_t kEnd = 0xffffffff;
  for (uint32_t d = 0; d < n; ++d) {
    const uint32_t from = order[d];
    const MemTexts it = staged.Texts(from);
    s.ids.push_back(staged.ids[from]);
    s.versions.push_back(
        static_cast<uint32_t>(std::min<int64_t>(staged.versions[from], 0xffffffff)));
    s.text_off.push_back(static_cast<uint32_t>(s.arena.size()));
    s.arena += it.name;
    s.arena += '\0';
    s.arena += it.keys;
    s.arena += '\0';
    s.arena += it.initials;
    auto [g, fresh] =
        group_ids.try_emplace(std::string(it.grp), static_cast<uint32_t>(s.groups.size()));
    if (fresh) s.groups.emplace_back(it.grp);
    s.group_of.push_back(g->second);
    size_t start = doc_words.size();
    auto add_word = [&](std::string_view w) {
      auto found = word_ids.find(w);
      uint32_t id;
      if (found == word_ids.end()) {
        id = static_cast<uint32_t>(words.size());
        words.emplace_back(w);
        counts.push_back(0);
        word_ids.emplace(words.back(), id);
      } else {
        id = found->second;
      }
      for (size_t k = start; k < doc_words.size(); ++k) {
        if (doc_words[k] == id) return;
      }
      doc_words.push_back(id);
      counts[id]++;
    };
    MemForTokens(it.name, add_word);
    MemForTokens(it.grp, add_word);
    MemForTokens(it.initials, add_word);
    doc_words.push_back(kEnd);
  }
  staged = MemStaging();
  s.text_off.push_back(static_cast<uint32_t>(s.arena.size()));
  s.groups.shrink_to_fit();
  // Sort the words, then lay the postings out word by word (CSR).
  std::vector<uint32_t> by_text(words.size());
  for (uint32_t i = 0; i < by_text.size(); ++i) by_text[i] = i;
  std::sort(by_text.begin(), by_text.end(),
            [&](uint32_t a, uint32_t b) { return words[a] < words[b]; });
  std::vector<uint32_t> rank(words.size());
  s.term_off.reserve(words.size() + 1);
  s.post_off.reserve(words.size() + 1);
  uint32_t total = 0;
  for (uint32_t r = 0; r < by_text.size(); ++r) {
    rank[by_text[r]] = r;
    s.term_off.push_back(static_cast<uint32_t>(s.term_chars.size()));
    s.term_chars += words[by_text[r]];
    s.post_off.push_back(total);
    total += counts[by_text[r]];
  }
  s.term_off.push_back(static_cast<uint32_t>(s.term_chars.size()));
  s.post_off.push_back(total);
  s.postings.resize(total);
  std::vector<uint32_t> fill(s.post_off.begin(), s.post_off.end() - 1);
  uint32_t d = 0;
  for (uint32_t w : doc_words) {
    if (w == kEnd) {
      ++d;
      continue;
    }
    s.postings[fill[rank[w]]++] = d;
  }
  doc_words = {};
  // Code and tax-id tokens.
  for (uint32_t doc = 0; doc < n; ++doc) {
    std::string_view keys = s.Texts(doc).keys;
    size_t index = 0, pos = 0;
    MemForTokens(keys, [&](std::string_view tok) {
      pos = static_cast<size_t>(tok.data() - keys.data());
      if (MemIsKeyToken(tok, index++) && pos < (1u << kMemKeyOffsetBits) &&
          doc < (1u << (32 - kMemKeyOffsetBits))) {
        s.key_refs.push_back(doc << kMemKeyOffsetBits | static_cast<uint32_t>(pos));
      }
    });
  }
  std::sort(s.key_refs.begin(), s.key_refs.end(), [&](uint32_t a, uint32_t b) {
    std::string_view x = s.KeyToken(a), y = s.KeyToken(b);
    return x != y ? x < y : a < b;
  });
  s.key_refs.shrink_to_fit();
  s.by_id.resize(n);
  for (uint32_t i = 0; i < n; ++i) s.by_id[i] = i;
  std::sort(s.by_id.begin(), s.by_id.end(),
            [&](uint32_t a, uint32_t b) { return s.ids[a] < s.ids[b]; });
  s.dead.assign((n + 63) / 64, 0);
  return seg;
}

}  // namespace memory_search_detail

using namespace memory_search_detail;  // NOLINT(google-build-using-namespace)

// A desk's index: the base segment, the delta since, and the typo vocabulary.
struct MemorySearch::DeskIndex {
  std::unique_ptr<MemSegment> base = std::make_unique<MemSegment>();
  struct DeltaDoc {
    MemItem item;
    bool dead = false;
  };
  std::vector<DeltaDoc> delta;
  size_t delta_live = 0;
  std::map<std::string, std::vector<uint32_t>, std::less<>> delta_words;  // every token → slots
  std::unordered_map<int64_t, uint32_t> delta_by_id;                      // live slots
  TermIndex typos;  // name and group words without digits

  void AddTypoWords(const MemItem& it) {
    auto add = [&](std::string_view w) {
      if (!MemHasDigit(w)) typos.Add(w);
    };
    MemForTokens(it.name, add);
    MemForTokens(it.grp, add);
  }

  void Rebuild(MemStaging items) {
    delta.clear();
    delta_live = 0;
    delta_words.clear();
    delta_by_id.clear();
    base = MemBuild(std::move(items));
    std::vector<std::string> words;
    for (size_t t = 0; t < base->terms(); ++t) {
      std::string_view w = base->Term(t);
      if (!MemHasDigit(w)) words.emplace_back(w);
    }
    typos = TermIndex();
    typos.AddAll(words);
  }

  MemStaging LiveItems() const {
    MemStaging out;
    for (uint32_t d = 0; d < base->size(); ++d) {
      if (base->IsDead(d)) continue;
      MemTexts t = base->Texts(d);
      out.Add({base->ids[d], base->versions[d], std::string(t.name), std::string(t.grp),
               std::string(t.keys), std::string(t.initials)});
    }
    for (const auto& dd : delta) {
      if (!dd.dead) out.Add(dd.item);
    }
    return out;
  }

  // The indexed version of id, if any.
  std::optional<int64_t> VersionOf(int64_t id) const {
    if (auto it = delta_by_id.find(id); it != delta_by_id.end())
      return delta[it->second].item.version;
    int64_t d = base->Find(id);
    if (d >= 0) return base->versions[static_cast<size_t>(d)];
    return std::nullopt;
  }

  bool Remove(int64_t id) {
    if (auto it = delta_by_id.find(id); it != delta_by_id.end()) {
      delta[it->second].dead = true;
      delta_by_id.erase(it);
      --delta_live;
      return true;
    }
    int64_t d = base->Find(id);
    if (d < 0) return false;
    base->Kill(static_cast<uint32_t>(d));
    return true;
  }

  void Add(MemItem item) {
    uint32_t slot = static_cast<uint32_t>(delta.size());
    auto index = [&](std::string_view w) {
      auto it = delta_words.find(w);
      if (it == delta_words.end())
        it = delta_words.emplace(std::string(w), std::vector<uint32_t>()).first;
      if (it->second.empty() || it->second.back() != slot) it->second.push_back(slot);
    };
    MemForTokens(item.name, index);
    MemForTokens(item.grp, index);
    MemForTokens(item.keys, index);
    MemForTokens(item.initials, index);
    AddTypoWords(item);
    delta_by_id[item.id] = slot;
    delta.push_back({std::move(item), false});
    ++delta_live;
  }

  bool NeedsMerge() const {
    size_t live = base->size() - base->dead_count;
    return delta.size() > std::max<size_t>(1024, live / 4) ||
           base->dead_count > std::max<size_t>(1024, base->size() / 4);
  }

  // The first `k` docs matching every group (any group when `any`), in
  // static order; the delta's after the base's.
  void Collect(const std::vector<MemGroup>& groups, bool any, size_t k,
               std::vector<SearchCandidateView>& out) const {
    if (groups.empty()) return;
    CollectBase(groups, any, k, out);
    CollectDelta(groups, any, k, out);
  }

  void CollectBase(const std::vector<MemGroup>& groups, bool any, size_t k,
                   std::vector<SearchCandidateView>& out) const {
    const MemSegment& s = *base;
    if (s.size() == 0) return;
    // Each group's sources: posting lists, plus key refs (unordered by doc).
    struct Source {
      std::vector<std::pair<const uint32_t*, const uint32_t*>> lists;
      std::pair<size_t, size_t> keys{0, 0};
      size_t estimate = 0;
      bool approx = false;  // keys found by MemGroup::digits: the token still to check
    };
    std::vector<Source> sources(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
      Source& src = sources[g];
      auto add_terms = [&](std::pair<size_t, size_t> r) {
        for (size_t t = r.first; t < r.second; ++t) {
          const uint32_t* b = s.postings.data() + s.post_off[t];
          const uint32_t* e = s.postings.data() + s.post_off[t + 1];
          src.lists.push_back({b, e});
          src.estimate += static_cast<size_t>(e - b);
        }
      };
      add_terms(s.TermRange(groups[g].token, groups[g].prefix));
      if (groups[g].alts) {
        for (const auto& a : *groups[g].alts) add_terms(s.TermRange(a, false));
      }
      src.keys = s.KeyRange(groups[g].token, groups[g].prefix);
      if (src.keys.first == src.keys.second && !groups[g].digits.empty()) {
        src.keys = s.KeyRange(groups[g].digits, true);
        src.approx = true;
      }
      src.estimate += src.keys.second - src.keys.first;
    }
    // The drivers: the rarest group (every group must match), or all of them.
    std::vector<size_t> drivers;
    if (any) {
      for (size_t g = 0; g < groups.size(); ++g) drivers.push_back(g);
    } else {
      size_t best = 0;
      for (size_t g = 1; g < groups.size(); ++g) {
        if (sources[g].estimate < sources[best].estimate) best = g;
      }
      drivers.push_back(best);
    }
    // A min-heap over the drivers' lists walks their docs in static order.
    using Cursor = std::pair<const uint32_t*, const uint32_t*>;
    auto later = [](const Cursor& a, const Cursor& b) { return *a.first > *b.first; };
    std::priority_queue<Cursor, std::vector<Cursor>, decltype(later)> heap(later);
    std::vector<uint32_t> key_docs;
    for (size_t g : drivers) {
      for (const auto& l : sources[g].lists) {
        if (l.first != l.second) heap.push(l);
      }
      for (size_t r = sources[g].keys.first; r < sources[g].keys.second; ++r) {
        key_docs.push_back(s.key_refs[r] >> kMemKeyOffsetBits);
      }
    }
    std::sort(key_docs.begin(), key_docs.end());
    if (!key_docs.empty()) heap.push({key_docs.data(), key_docs.data() + key_docs.size()});
    // The second rarest group as a sorted set, when not much larger than the
    // driver: most driver docs fail it, and a binary search is cheaper than
    // reading their texts.
    size_t second = groups.size();
    std::vector<uint32_t> second_docs;
    if (!any && groups.size() >= 2) {
      for (size_t g = 0; g < groups.size(); ++g) {
        if (g == drivers[0]) continue;
        if (second == groups.size() || sources[g].estimate < sources[second].estimate) second = g;
      }
      if (sources[second].estimate <= 8 * sources[drivers[0]].estimate + 20000) {
        second_docs.reserve(sources[second].estimate);
        for (const auto& l : sources[second].lists)
          second_docs.insert(second_docs.end(), l.first, l.second);
        for (size_t r = sources[second].keys.first; r < sources[second].keys.second; ++r) {
          second_docs.push_back(s.key_refs[r] >> kMemKeyOffsetBits);
        }
        std::sort(second_docs.begin(), second_docs.end());
      } else {
        second = groups.size();
      }
    }
    size_t found = 0, scanned = 0;
    int64_t last = -1;
    while (!heap.empty() && found < k && scanned < kMemScanCap) {
      Cursor c = heap.top();
      heap.pop();
      uint32_t d = *c.first;
      if (++c.first != c.second) heap.push(c);
      if (static_cast<int64_t>(d) == last) continue;
      last = d;
      ++scanned;
      if (s.IsDead(d)) continue;
      if (second < groups.size() &&
          !std::binary_search(second_docs.begin(), second_docs.end(), d)) {
        continue;
      }
      MemTexts t = s.Texts(d);
      bool ok = true;
      if (!any) {
        for (size_t g = 0; g < groups.size() && ok; ++g) {
          bool checked = (g == drivers[0] || g == second) && !sources[g].approx;
          if (!checked) ok = t.Has(groups[g]);
        }
      }
      if (!ok) continue;
      out.push_back({s.ids[d], t.name, t.grp, t.keys});
      ++found;
    }
  }

  void CollectDelta(const std::vector<MemGroup>& groups, bool any, size_t k,
                    std::vector<SearchCandidateView>& out) const {
    if (delta_live == 0) return;
    std::vector<uint32_t> slots;
    auto gather = [&](const MemGroup& g) {
      if (!g.digits.empty()) {
        for (auto it = delta_words.lower_bound(g.digits);
             it != delta_words.end() && MemStartsWith(it->first, g.digits); ++it) {
          slots.insert(slots.end(), it->second.begin(), it->second.end());
        }
      }
      if (g.prefix) {
        for (auto it = delta_words.lower_bound(g.token);
             it != delta_words.end() && MemStartsWith(it->first, g.token); ++it) {
          slots.insert(slots.end(), it->second.begin(), it->second.end());
        }
      } else if (auto it = delta_words.find(g.token); it != delta_words.end()) {
        slots.insert(slots.end(), it->second.begin(), it->second.end());
      }
      if (g.alts) {
        for (const auto& a : *g.alts) {
          if (auto it = delta_words.find(a); it != delta_words.end()) {
            slots.insert(slots.end(), it->second.begin(), it->second.end());
          }
        }
      }
    };
    if (any) {
      for (const auto& g : groups) gather(g);
    } else {
      gather(groups[0]);
    }
    std::sort(slots.begin(), slots.end());
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
    size_t found = 0;
    for (uint32_t slot : slots) {
      if (found >= k) break;
      const DeltaDoc& dd = delta[slot];
      if (dd.dead) continue;
      MemTexts t{dd.item.name, dd.item.grp, dd.item.keys, dd.item.initials};
      bool ok = true;
      if (!any) {
        for (size_t g = 1; g < groups.size() && ok; ++g) ok = t.Has(groups[g]);
      }
      if (!ok) continue;
      out.push_back({dd.item.id, t.name, t.grp, t.keys});
      ++found;
    }
  }

  size_t Bytes() const {
    size_t b = base->Bytes() + delta.capacity() * sizeof(DeltaDoc) +
               delta_by_id.size() * (sizeof(int64_t) + sizeof(uint32_t) + 16) +
               delta_words.size() * 64;
    for (const auto& dd : delta) {
      b += dd.item.name.capacity() + dd.item.grp.capacity() + dd.item.keys.capacity() +
           dd.item.initials.capacity();
    }
    return b;
  }
};

struct MemorySearch::Loading {
  std::map<std::string, MemStaging> by_desk;
};

MemorySearch::MemorySearch() = default;
MemorySearch::~MemorySearch() = default;

void MemorySearch::BeginLoad() {
  std::lock_guard loading(load_mu_);
  loading_ = std::make_unique<Loading>();
  std::unique_lock lock(mu_);
  journaling_ = true;
  journal_.clear();
}

void MemorySearch::LoadPage(const std::vector<SearchDoc>& page) {
  std::lock_guard loading(load_mu_);
  if (!loading_) return;
  for (const auto& d : page) loading_->by_desk[d.desk].Add(MemFold(d));
}

void MemorySearch::Load(const std::vector<SearchDoc>& docs) {
  {
    std::lock_guard loading(load_mu_);
    if (!loading_) {
      loading_ = std::make_unique<Loading>();
      std::unique_lock lock(mu_);
      journaling_ = true;
      journal_.clear();
    }
  }
  LoadPage(docs);
  FinishLoad();
}

void MemorySearch::FinishLoad() {
  std::lock_guard loading(load_mu_);
  if (!loading_) return;
  // Built outside mu_: searches go on meanwhile.
  std::map<std::string, std::unique_ptr<DeskIndex>> built;
  for (auto& [desk, items] : loading_->by_desk) {
    auto idx = std::make_unique<DeskIndex>();
    idx->Rebuild(std::move(items));
    built[desk] = std::move(idx);
  }
  loading_.reset();
  std::unique_lock lock(mu_);
  desks_ = std::move(built);
  for (const auto& e : journal_) {
    if (e.remove) {
      RemoveLocked(e.doc.id);
    } else {
      UpsertLocked(e.doc);
    }
  }
  journal_.clear();
  journal_.shrink_to_fit();
  journaling_ = false;
  ready_.store(true, std::memory_order_release);
}

void MemorySearch::Clear() {
  std::lock_guard loading(load_mu_);
  loading_.reset();
  std::unique_lock lock(mu_);
  ready_.store(false, std::memory_order_release);
  desks_.clear();
  journal_.clear();
  journaling_ = false;
}

MemorySearch::DeskIndex& MemorySearch::DeskLocked(const std::string& desk) {
  auto& p = desks_[desk];
  if (!p) p = std::make_unique<DeskIndex>();
  return *p;
}

void MemorySearch::Upsert(const SearchDoc& d) {
  std::unique_lock lock(mu_);
  if (journaling_) journal_.push_back({false, d});
  UpsertLocked(d);
}

void MemorySearch::Remove(int64_t id) {
  std::unique_lock lock(mu_);
  if (journaling_) {
    SearchDoc d;
    d.id = id;
    journal_.push_back({true, std::move(d)});
  }
  RemoveLocked(id);
}

void MemorySearch::UpsertLocked(const SearchDoc& d) {
  // Already there at this version or a newer one: an older commit arriving late.
  for (auto& [desk, idx] : desks_) {
    if (auto v = idx->VersionOf(d.id)) {
      if (*v >= d.version && desk == d.desk) return;
      idx->Remove(d.id);
    }
  }
  DeskIndex& idx = DeskLocked(d.desk);
  idx.Add(MemFold(d));
  if (idx.NeedsMerge()) {
    idx.Rebuild(idx.LiveItems());
    ++merges_;
  }
}

void MemorySearch::RemoveLocked(int64_t id) {
  for (auto& [desk, idx] : desks_) {
    if (idx->Remove(id) && idx->NeedsMerge()) {
      idx->Rebuild(idx->LiveItems());
      ++merges_;
    }
  }
}

void MemorySearch::Compact() {
  std::unique_lock lock(mu_);
  for (auto& [desk, idx] : desks_) {
    if (!idx->delta.empty() || idx->base->dead_count > 0) {
      idx->Rebuild(idx->LiveItems());
      ++merges_;
    }
  }
}

std::optional<std::vector<RankedId>> MemorySearch::Search(std::string_view text,
                                                          const std::string& desk,
                                                          int limit) const {
  if (!ready()) return std::nullopt;
  std::vector<std::string> tokens = SearchTokens(text);
  if (tokens.empty()) return std::vector<RankedId>();
  std::string folded;
  for (const auto& t : tokens) folded += (folded.empty() ? "" : " ") + t;

  std::shared_lock lock(mu_);
  std::vector<const DeskIndex*> scope;
  if (desk.empty()) {
    for (const auto& [name, idx] : desks_) scope.push_back(idx.get());
  } else if (auto it = desks_.find(desk); it != desks_.end()) {
    scope.push_back(it->second.get());
  }
  // As the FTS5 index: a group per token, articles skipped unless being
  // typed, the last token (being typed) and tokens of 3+ letters as prefixes.
  // Runs of number tokens, joined (MemGroup::digits).
  std::vector<std::string> runs(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0 && !MemHasLetter(tokens[i - 1])) continue;
    for (size_t j = i; j < tokens.size() && !MemHasLetter(tokens[j]); ++j) runs[i] += tokens[j];
    if (runs[i].size() == tokens[i].size()) runs[i].clear();  // a single number
  }
  auto make_groups = [&](const std::vector<std::vector<std::string>>* alts, bool last_exact) {
    std::vector<MemGroup> groups;
    for (size_t i = 0; i < tokens.size(); ++i) {
      bool last = i + 1 == tokens.size();
      if (!last && MemIsStopword(tokens[i])) continue;
      MemGroup g;
      g.token = tokens[i];
      g.prefix = last ? !last_exact : tokens[i].size() >= 3;
      if (alts && !(*alts)[i].empty()) g.alts = &(*alts)[i];
      g.digits = runs[i];
      groups.push_back(g);
    }
    return groups;
  };
  std::vector<SearchCandidateView> candidates;
  auto distinct = [](const std::vector<SearchCandidateView>& v, size_t from) {
    std::unordered_set<int64_t> ids;
    for (size_t i = from; i < v.size(); ++i) ids.insert(v[i].id);
    return ids.size();
  };
  // Whole words first, so that an exact word is never crowded out by the
  // many words it starts; then as prefixes.
  std::vector<MemGroup> exact = make_groups(nullptr, true);
  std::vector<MemGroup> plain = make_groups(nullptr, false);
  for (const DeskIndex* idx : scope) {
    idx->Collect(exact, false, kMemCandidates, candidates);
    idx->Collect(plain, false, kMemCandidates, candidates);
  }
  size_t first = distinct(candidates, 0);
  if (static_cast<int>(first) < limit) {
    // Forgive typos: the desk's words near each token.
    for (const DeskIndex* idx : scope) {
      std::vector<std::vector<std::string>> alternatives(tokens.size());
      bool any = false;
      for (size_t i = 0; i < tokens.size(); ++i) {
        alternatives[i] = idx->typos.Lookup(tokens[i], text::AllowedTypos(tokens[i].size()));
        if (alternatives[i].size() > kMemMaxAlternatives)
          alternatives[i].resize(kMemMaxAlternatives);
        any = any || !alternatives[i].empty();
      }
      size_t before = candidates.size();
      if (any) idx->Collect(make_groups(&alternatives, false), false, kMemCandidates, candidates);
      if (first == 0 && candidates.size() == before && tokens.size() > 1) {
        // Still nothing: any token may match (a wrong word should not hide the right company).
        idx->Collect(make_groups(&alternatives, false), true, kMemCandidates, candidates);
      }
    }
  }
  return RankCandidateViews(folded, candidates, limit);
}

MemorySearch::Stats MemorySearch::stats() const {
  std::shared_lock lock(mu_);
  Stats st;
  st.merges = merges_;
  for (const auto& [desk, idx] : desks_) {
    st.docs += idx->base->size() - idx->base->dead_count + idx->delta_live;
    st.delta += idx->delta_live;
    st.bytes += idx->Bytes();
  }
  return st;
}

}  // namespace atiende
