// memory_search_bench: the in-memory customer index (store/memory_search.h)
// alone, on bench/gen_customers.py output: load time, memory, and per query
// class latency and quality, without a database. Writes the folded texts and
// queries for bench/search_peers.py, so pg_trgm and Xapian index exactly the
// same strings.
//
// Usage: memory_search_bench --data=DIR [--per-class=N] [--rounds=N]
//                            [--dump=FILE.tsv]
//   DIR holds customers-*.tsv and queries.tsv (bench/gen_customers.py).
// Output: one line per class: p50/p90/p99/max in microseconds (wall clock),
// the p50/p99 of the thread's CPU time per query (what the query costs, not
// how long it waited for a core on a loaded machine), recall@1, name@1,
// recall@20, empty; then load seconds, index bytes, RSS.
// Thread-safety: not applicable (a program).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "store/memory_search.h"
#include "store/search_rank.h"

namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
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

double ThreadCpuUs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace atiende;
  std::string data, dump;
  size_t per_class = 200;
  int rounds = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--data=", 0) == 0) data = a.substr(7);
    if (a.rfind("--dump=", 0) == 0) dump = a.substr(7);
    if (a.rfind("--per-class=", 0) == 0) per_class = std::strtoul(a.c_str() + 12, nullptr, 10);
    if (a.rfind("--rounds=", 0) == 0) rounds = std::max(1, std::atoi(a.c_str() + 9));
  }
  if (data.empty()) {
    std::fprintf(stderr,
                 "usage: memory_search_bench --data=DIR [--per-class=N] [--rounds=N]"
                 " [--dump=FILE]\n");
    return 2;
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(data)) {
    std::string name = e.path().filename().string();
    if (name.rfind("customers-", 0) == 0 && name.size() > 4 &&
        name.substr(name.size() - 4) == ".tsv") {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  long rss0 = RssKiB();
  auto t0 = std::chrono::steady_clock::now();
  MemorySearch index;
  index.BeginLoad();
  std::unordered_map<std::string, int64_t> id_of_code;
  std::vector<std::string> folded_name;  // by id
  folded_name.emplace_back();
  std::ofstream out;
  if (!dump.empty()) out.open(dump);
  int64_t next_id = 1;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    std::getline(in, line);  // header
    std::vector<SearchDoc> page;
    while (std::getline(in, line)) {
      auto cols = SplitTabs(line);
      if (cols.size() < 6) continue;
      SearchDoc d{next_id++, 1, "main", cols[1], cols[0], cols[4], cols[5]};
      id_of_code[d.code] = d.id;
      folded_name.push_back(text::FoldName(d.legal_name));
      if (out) {
        SearchTexts t = FoldForSearch(d.legal_name, d.group, d.code, d.tax_id);
        out << d.id << '\t' << t.name << '\t' << t.grp << '\t' << t.keys << '\t' << t.initials
            << '\n';
      }
      page.push_back(std::move(d));
      if (page.size() == 20000) {
        index.LoadPage(page);
        page.clear();
      }
    }
    index.LoadPage(page);
  }
  index.FinishLoad();
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  folded_name.shrink_to_fit();

  struct Query {
    std::string text;
    int64_t expected = 0;
  };
  std::map<std::string, std::vector<Query>> classes;
  {
    std::ifstream in(data + "/queries.tsv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto cols = SplitTabs(line);
      if (cols.size() < 3) continue;
      auto& v = classes[cols[0]];
      if (v.size() >= per_class) continue;
      auto it = id_of_code.find(cols[2]);
      v.push_back({cols[1], it == id_of_code.end() ? 0 : it->second});
    }
  }
  for (const auto& [cls, qs] : classes) {  // warm-up
    for (const auto& q : qs) (void)index.Search(q.text, "main", 20);
  }
  std::printf("%-8s %8s %8s %8s %8s %8s %8s %9s %7s %9s %6s\n", "class", "p50_us", "p90_us",
              "p99_us", "max_us", "cpu_p50", "cpu_p99", "recall@1", "name@1", "recall@20", "empty");
  std::vector<double> all, all_cpu;
  for (const auto& [cls, qs] : classes) {
    std::vector<double> us, cpu;
    size_t expected = 0, top1 = 0, name1 = 0, top20 = 0, empty = 0;
    for (int r = 0; r < rounds; ++r) {
      for (const auto& q : qs) {
        double c0 = ThreadCpuUs();
        auto a = std::chrono::steady_clock::now();
        auto hits = index.Search(q.text, "main", 20);
        auto b = std::chrono::steady_clock::now();
        cpu.push_back(ThreadCpuUs() - c0);
        us.push_back(std::chrono::duration<double, std::micro>(b - a).count());
        if (r > 0 || !hits) continue;
        empty += hits->empty();
        if (q.expected == 0) continue;
        ++expected;
        for (size_t i = 0; i < hits->size(); ++i) {
          if ((*hits)[i].id == q.expected) {
            top20++;
            top1 += i == 0;
          }
        }
        if (!hits->empty() && folded_name[static_cast<size_t>((*hits)[0].id)] ==
                                  folded_name[static_cast<size_t>(q.expected)]) {
          name1++;
        }
      }
    }
    all.insert(all.end(), us.begin(), us.end());
    all_cpu.insert(all_cpu.end(), cpu.begin(), cpu.end());
    auto ratio = [](size_t a, size_t b) { return b ? static_cast<double>(a) / b : 0.0; };
    std::printf("%-8s %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %9.3f %7.3f %9.3f %6.3f\n", cls.c_str(),
                Percentile(us, 0.5), Percentile(us, 0.9), Percentile(us, 0.99),
                us.empty() ? 0 : *std::max_element(us.begin(), us.end()), Percentile(cpu, 0.5),
                Percentile(cpu, 0.99), ratio(top1, expected), ratio(name1, expected),
                ratio(top20, expected), ratio(empty, qs.size()));
  }
  std::printf("%-8s %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f\n", "all", Percentile(all, 0.5),
              Percentile(all, 0.9), Percentile(all, 0.99),
              all.empty() ? 0 : *std::max_element(all.begin(), all.end()), Percentile(all_cpu, 0.5),
              Percentile(all_cpu, 0.99));
  auto st = index.stats();
  // RSS of the program less what the bench itself keeps (names by id, codes).
  std::printf(
      "load: %zu customers in %.2f s; index %.1f MiB (containers); process RSS %.1f MiB"
      " (%.1f MiB before loading)\n",
      st.docs, load_s, static_cast<double>(st.bytes) / 1048576.0,
      static_cast<double>(RssKiB()) / 1024.0, static_cast<double>(rss0) / 1024.0);
  if (!dump.empty()) {
    std::ofstream qs(dump + ".queries");
    for (const auto& [cls, v] : classes) {
      for (const auto& q : v) {
        std::string folded;
        for (const auto& t : SearchTokens(q.text)) folded += (folded.empty() ? "" : " ") + t;
        qs << cls << '\t' << folded << '\t' << q.expected << '\n';
      }
    }
  }
  return 0;
}
