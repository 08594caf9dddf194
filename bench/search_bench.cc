// search_bench: the SearchCustomers use case (NM-2), in process, against a
// SQLite database built by bench/run.sh from bench/gen_customers.py output.
//
// Inputs (flag, or environment variable):
//   --data-dir=DIR    ATIENDE_BENCH_DATA_DIR  data directory holding atiende.db
//   --queries=FILE    ATIENDE_BENCH_QUERIES   queries.tsv (class, query, expected code)
//   --rounds=N        ATIENDE_BENCH_ROUNDS    passes over each class's queries (default 1)
//   --per-class=N     ATIENDE_BENCH_PER_CLASS first N queries of each class (default 200)
//   --memory=0|1      ATIENDE_BENCH_MEMORY    1: search from memory (store/memory_search.h),
//                                             as `atiende serve` does; 0: the FTS5 index
//                                             (default 0). bench/run.sh runs both.
//
// Benchmarks:
//   FirstFuzzySearch      a fresh store, then one typo query: what the first
//                         caller after start-up waits for (the typo pass needs
//                         the vocabulary, loaded when the store opens or on
//                         first use). Reports the RSS it adds.
//   Search/<class>        the class's queries (per-class), in file order, `rounds` times;
//                         one iteration = one query. Counters: p50/p90/p99/max in
//                         microseconds over the per-query samples, recall@1 and
//                         recall@20 of the expected customer, name@1 (the top hit
//                         has the expected customer's folded legal name: the master
//                         repeats names), and the share of queries answered with
//                         nothing (derive to Assurance).
//   SearchMixed/threads:N all queries, N threads sharing one store: throughput.
//
// Every selected query runs once before the benchmarks (warm page cache and vocabulary),
// so Search/* measure the steady state. Latency figures are in-process: no HTTP,
// no JSON. Thread-safety: not applicable (a program).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/customers.h"
#include "core/text.h"
#include "log/log.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/desks.h"
#include "wiring.h"

namespace atiende::bench {
namespace {

struct Query {
  std::string text;
  std::string expected_code;  // empty: none expected
};

struct Settings {
  std::string data_dir;
  std::string queries;
  int rounds = 1;
  size_t per_class = 200;
  bool memory = false;
};

Settings& settings() {
  static Settings s;
  return s;
}

std::map<std::string, std::vector<Query>>& queries_by_class() {
  static std::map<std::string, std::vector<Query>> m;
  return m;
}

std::vector<Query>& all_queries() {
  static std::vector<Query> v;
  return v;
}

// The shared runtime for the steady-state benchmarks.
Runtime*& shared_runtime() {
  static Runtime* rt = nullptr;
  return rt;
}

std::unique_ptr<Runtime> OpenRuntime() {
  Config cfg;
  cfg.data_dir = settings().data_dir;
  cfg.log_level = "warn";
  cfg.search_memory = settings().memory;
  // As a server opens the store: with the memory index (or the FTS5
  // vocabulary) loading in the background.
  auto rt = BuildRuntime(cfg, /*serving=*/settings().memory);
  if (!rt.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", rt.status().ToString().c_str());
    std::exit(2);
  }
  if (settings().memory) {
    auto* store = dynamic_cast<sqlite::SqliteStore*>((*rt)->store.get());
    auto t0 = std::chrono::steady_clock::now();
    while (store && !store->SearchFromMemory()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::fprintf(
        stderr, "search_bench: memory index loaded in %.2f s, %.1f MiB\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
        store ? static_cast<double>(store->memory_search()->stats().bytes) / 1048576.0 : 0.0);
  }
  return std::move(rt).value();
}

bool LoadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    size_t a = line.find('\t');
    size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) continue;
    Query q{line.substr(a + 1, b - a - 1), line.substr(b + 1)};
    auto& cls = queries_by_class()[line.substr(0, a)];
    if (cls.size() >= settings().per_class) continue;
    cls.push_back(q);
    all_queries().push_back(std::move(q));
  }
  return !all_queries().empty();
}

long RssKiB() {
  std::ifstream in("/proc/self/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value;
      return value;
    }
    in.ignore(1 << 12, '\n');
  }
  return 0;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Rank (0-based) of the expected customer in the hits, or -1.
int RankOf(const CustomerSearch& s, const std::string& code) {
  for (size_t i = 0; i < s.hits.size(); ++i) {
    if (s.hits[i].first.code == code) return static_cast<int>(i);
  }
  return -1;
}

// Folded legal name of the customer with this code ("" when unknown). The
// master repeats names ("Transportes Gómez Ltda." and "TRANSPORTES GOMEZ S.A.S."
// fold alike), so a top hit with the same folded name is as good as the expected one.
std::string FoldedNameOf(Deps& deps, const std::string& code) {
  std::string name;
  (void)deps.store.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    auto c = tx.customers().GetByCode(code);
    if (c.ok()) name = text::FoldName(c->legal_name);
    return Status::Ok();
  });
  return name;
}

void BM_FirstFuzzySearch(benchmark::State& state) {
  const auto& typos = queries_by_class()["typo"];
  if (typos.empty()) return state.SkipWithError("no typo queries");
  double rss_mib = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto rt = OpenRuntime();
    long before = RssKiB();
    state.ResumeTiming();
    auto r = SearchCustomers(*rt->deps, atiende::testing::MainDesk(), typos.front().text, 20);
    benchmark::DoNotOptimize(r);
    state.PauseTiming();
    rss_mib = std::max(rss_mib, static_cast<double>(RssKiB() - before) / 1024.0);
    rt.reset();
    state.ResumeTiming();
  }
  state.counters["rss_added_MiB"] = rss_mib;
}

void BM_Search(benchmark::State& state, const std::string& cls) {
  const auto& qs = queries_by_class()[cls];
  Deps& deps = *shared_runtime()->deps;
  std::vector<double> us;
  us.reserve(qs.size() * static_cast<size_t>(settings().rounds));
  size_t i = 0, expected = 0, top1 = 0, top1_name = 0, top20 = 0, empty = 0;
  for (auto _ : state) {
    const Query& q = qs[i % qs.size()];
    auto t0 = std::chrono::steady_clock::now();
    auto r = SearchCustomers(deps, atiende::testing::MainDesk(), q.text, 20);
    auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    if (i < qs.size()) {  // quality on the first pass only
      if (r->hits.empty()) ++empty;
      if (!q.expected_code.empty()) {
        ++expected;
        int rank = RankOf(*r, q.expected_code);
        top1 += rank == 0;
        top20 += rank >= 0;
        if (rank != 0 && !r->hits.empty()) {  // outside the timed region, first pass only
          state.PauseTiming();
          std::string want = FoldedNameOf(deps, q.expected_code);
          top1_name += !want.empty() && text::FoldName(r->hits[0].first.legal_name) == want;
          state.ResumeTiming();
        } else {
          top1_name += rank == 0;
        }
      }
    }
    ++i;
  }
  double n = static_cast<double>(std::min(i, qs.size()));
  state.counters["p50_us"] = Percentile(us, 0.50);
  state.counters["p90_us"] = Percentile(us, 0.90);
  state.counters["p99_us"] = Percentile(us, 0.99);
  state.counters["max_us"] = us.empty() ? 0 : *std::max_element(us.begin(), us.end());
  if (expected > 0) {
    state.counters["recall@1"] = static_cast<double>(top1) / static_cast<double>(expected);
    state.counters["name@1"] = static_cast<double>(top1_name) / static_cast<double>(expected);
    state.counters["recall@20"] = static_cast<double>(top20) / static_cast<double>(expected);
  }
  state.counters["empty"] = n > 0 ? static_cast<double>(empty) / n : 0;
  state.SetItemsProcessed(static_cast<int64_t>(i));
}

void BM_SearchMixed(benchmark::State& state) {
  const auto& qs = all_queries();
  Deps& deps = *shared_runtime()->deps;
  // Threads start at different offsets so they do not ask the same thing together.
  size_t i = static_cast<size_t>(state.thread_index()) * qs.size() / 2;
  for (auto _ : state) {
    auto r = SearchCustomers(deps, atiende::testing::MainDesk(), qs[i++ % qs.size()].text, 20);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// Flags of ours (after benchmark::Initialize removed its own), then the environment.
void ParseSettings(int argc, char** argv) {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  Settings& s = settings();
  s.data_dir = env("ATIENDE_BENCH_DATA_DIR");
  s.queries = env("ATIENDE_BENCH_QUERIES");
  if (auto r = env("ATIENDE_BENCH_ROUNDS"); !r.empty()) s.rounds = std::atoi(r.c_str());
  if (auto r = env("ATIENDE_BENCH_PER_CLASS"); !r.empty()) s.per_class = std::atol(r.c_str());
  s.memory = env("ATIENDE_BENCH_MEMORY") == "1";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--data-dir=", 0) == 0) s.data_dir = a.substr(11);
    if (a.rfind("--queries=", 0) == 0) s.queries = a.substr(10);
    if (a.rfind("--rounds=", 0) == 0) s.rounds = std::atoi(a.substr(9).c_str());
    if (a.rfind("--per-class=", 0) == 0) s.per_class = std::atol(a.substr(12).c_str());
    if (a.rfind("--memory=", 0) == 0) s.memory = a.substr(9) == "1";
  }
  s.rounds = std::max(1, s.rounds);
  s.per_class = std::max<size_t>(1, s.per_class);
}

}  // namespace
}  // namespace atiende::bench

int main(int argc, char** argv) {
  using namespace atiende::bench;
  benchmark::Initialize(&argc, argv);
  ParseSettings(argc, argv);
  if (settings().data_dir.empty() || !LoadQueries(settings().queries)) {
    std::fprintf(stderr,
                 "usage: search_bench --data-dir=DIR --queries=FILE [--rounds=N] [--per-class=N]"
                 " [benchmark flags]\n  (or ATIENDE_BENCH_DATA_DIR, ATIENDE_BENCH_QUERIES)\n");
    return 2;
  }
  // Cold numbers first, while no other store has touched the vocabulary.
  benchmark::RegisterBenchmark("FirstFuzzySearch", BM_FirstFuzzySearch)
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();

  auto rt = OpenRuntime();
  shared_runtime() = rt.get();
  for (const auto& q : all_queries())
    (void)SearchCustomers(*rt->deps, atiende::testing::MainDesk(), q.text, 20);  // warm-up

  const int rounds = settings().rounds;
  for (const auto& [cls, qs] : queries_by_class()) {
    benchmark::RegisterBenchmark(("Search/" + cls).c_str(), BM_Search, cls)
        ->Iterations(static_cast<int64_t>(qs.size()) * rounds)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("SearchMixed", BM_SearchMixed)
      ->Iterations(static_cast<int64_t>(all_queries().size()) * rounds)
      ->Threads(1)
      ->Threads(2)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
