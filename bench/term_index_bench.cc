// term_index_bench: TermIndex (src/core/term_index.h), the vocabulary behind
// the typo-tolerant search pass. Pure CPU, no database.
//
//   TermIndexAddAll/N  AddAll() of N distinct terms, as SqliteIndex::EnsureVocabulary
//                      does on the first fuzzy search: N 7-digit codes (the
//                      shape of most of a 1M-customer vocabulary, which holds
//                      every code and tax-id piece) or N name-like words.
//   TermIndexAdd/N     Add() of N terms one at a time (new terms after commits).
//                      The BigO lines fit the growth.
//   TermIndexLookup    Lookup() of misspelt words against a 100k-word index.
//
// Thread-safety: not applicable (a program).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/term_index.h"

namespace atiende::bench {
namespace {

// Distinct 7-digit codes, in a scattered order.
std::vector<std::string> Codes(size_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(std::to_string(1000000 + (i * 2718283) % 9000000));
  return out;
}

// Distinct name-like words: syllables, 6 to 12 letters.
std::vector<std::string> Words(size_t n) {
  static const char* kSyl[] = {"ta", "mar", "co",  "len", "sur", "ri",  "quim", "pa",  "do",
                               "ve", "las", "tor", "ni",  "ca",  "bel", "gu",   "zon", "fe"};
  constexpr size_t k = sizeof(kSyl) / sizeof(kSyl[0]);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; out.size() < n; ++i) {
    std::string w;
    for (size_t x = i + k * k; x > 0; x /= k) w += kSyl[x % k];
    out.push_back(w);
  }
  return out;
}

// The load path (SqliteIndex::EnsureVocabulary): AddAll() of the whole vocabulary.
void BM_TermIndexAddAll(benchmark::State& state, bool codes) {
  auto n = static_cast<size_t>(state.range(0));
  auto terms = codes ? Codes(n) : Words(n);
  for (auto _ : state) {
    TermIndex index;
    index.AddAll(terms);
    benchmark::DoNotOptimize(index.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetComplexityN(state.range(0));
}
BENCHMARK_CAPTURE(BM_TermIndexAddAll, codes, true)
    ->Arg(125000)
    ->Arg(250000)
    ->Arg(500000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();
BENCHMARK_CAPTURE(BM_TermIndexAddAll, words, false)
    ->Arg(125000)
    ->Arg(250000)
    ->Arg(500000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// The incremental path (terms of committed writes once the vocabulary is
// loaded): Add() one term at a time.
void BM_TermIndexAdd(benchmark::State& state) {
  auto terms = Words(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    TermIndex index;
    for (const auto& t : terms) index.Add(t);
    benchmark::DoNotOptimize(index.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_TermIndexAdd)
    ->Arg(50000)
    ->Arg(100000)
    ->Arg(200000)
    ->Arg(400000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

void BM_TermIndexLookup(benchmark::State& state) {
  auto terms = Words(100000);
  TermIndex index;
  index.AddAll(terms);
  std::vector<std::string> queries;
  for (size_t i = 0; i < 1000; ++i) {
    std::string q = terms[(i * 7919) % terms.size()];
    q[q.size() / 2] = 'x';  // one substitution
    queries.push_back(q);
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& q = queries[i++ % queries.size()];
    benchmark::DoNotOptimize(index.Lookup(q, q.size() >= 8 ? 2 : 1));
  }
}
BENCHMARK(BM_TermIndexLookup)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace atiende::bench

BENCHMARK_MAIN();
