// store_write_bench: customers created per second through the CreateCustomer use
// case (NM-1) — validation, the customer row, its search index and the audit row
// in one Store transaction — with 1, 8 and 32 concurrent writer threads, on
// SQLite or on PostgreSQL. What `POST /api/v1/customers` costs below HTTP and JSON.
//
// Inputs (flag, or environment variable):
//   --backend=B     ATIENDE_BENCH_BACKEND  "sqlite" (default) or "postgresql"
//   --pg-url=URL    ATIENDE_BENCH_PG_URL   PostgreSQL URL (required for postgresql)
//   --pg-pool=N     ATIENDE_BENCH_PG_POOL  PgStore pool size (default 16, the product's)
//   --data-dir=DIR  ATIENDE_BENCH_DATA_DIR SQLite directory (default: a fresh one under
//                                          /tmp, removed at exit)
//   --min-time=S    ATIENDE_BENCH_MIN_TIME seconds measured per benchmark (default 3)
//
// Benchmarks (one iteration = one customer created; items_per_second = writes/s,
// wall clock, all threads together):
//   CreateCustomer/threads:N          no code given: the store assigns "C<id>" (the
//                                     console's case; an extra UPDATE in the transaction)
//   CreateCustomerWithCode/threads:N  the caller gives the code (imports, integrations)
// Counters on SQLite: commits and closures during the run and closures_per_commit
// (SqliteStore::CommitStats(): > 1 means group commit batched writers together).
// Counter `rows_before`: customers in the store when the benchmark started.
//
// Every run is bounded: about --min-time per benchmark, plus Google Benchmark's
// shorter calibration runs.
// Thread-safety: not applicable (a program).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "app/customers.h"
#include "app/desks.h"
#include "app/login_throttle.h"
#include "core/time_format.h"
#include "log/log.h"
#include "mail/templates.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/desks.h"

namespace atiende::bench {
namespace {

struct Settings {
  std::string backend = "sqlite";
  std::string pg_url;
  int pg_pool = 16;
  std::string data_dir;
  double min_time = 3;
  bool own_data_dir = false;  // created here, removed at exit
};

Settings& settings() {
  static Settings s;
  return s;
}

// The Deps a use case needs, as src/testing/test_env.h builds them.
struct Env {
  VirtualClock clock{ParseInstant("2026-11-24T12:00:00Z").value()};
  std::unique_ptr<Store> store;
  sqlite::SqliteStore* sqlite = nullptr;  // == store.get() on SQLite
  LoginThrottle throttle{clock};
  std::unique_ptr<mail::TemplateSet> templates;
  std::unique_ptr<Deps> deps;
};

Env*& env() {
  static Env* e = nullptr;
  return e;
}

std::atomic<int64_t>& serial() {
  static std::atomic<int64_t> n{0};
  return n;
}

// A plausible customer-master row (NM-1): varied words so the search index and
// its vocabulary grow as they do with real names. Unique per `n`.
Customer MakeCustomer(int64_t n, bool with_code) {
  static const char* kFirst[] = {
      "Comercializadora", "Transportes", "Inversiones", "Servicios", "Distribuidora",
      "Constructora",     "Agrícola",    "Industrias",  "Gas",       "Telecomunicaciones"};
  static const char* kSecond[] = {"Andina",     "del Pacífico", "Norte Grande", "Los Álamos",
                                  "Bío Bío",    "Magallanes",   "Atacama",      "Valle Central",
                                  "Cordillera", "Santa Rosa",   "Araucanía",    "del Sur"};
  static const char* kSuffix[] = {"S.A.", "S.A.S.", "Ltda.", "SpA", "E.I.R.L."};
  static const char* kTech[] = {"Legacy sin Out", "SDWAN con Out Vipt", "MPLS", "Fibra dedicada"};
  std::mt19937_64 rng(static_cast<uint64_t>(n) * 0x9E3779B97F4A7C15ULL);
  Customer c;
  if (with_code) c.code = "B" + std::to_string(n);
  c.legal_name = std::string(kFirst[rng() % 10]) + " " + kSecond[rng() % 12] + " " +
                 std::to_string(n) + " " + kSuffix[rng() % 5];
  c.group = std::string("Grupo ") + kSecond[rng() % 12];
  if (rng() % 5 == 0) c.criticality = kCriticalityPriority;
  c.technology = kTech[rng() % 4];
  c.tax_id = std::to_string(76000000 + n) + "-" + std::to_string(rng() % 10);
  c.region = rng() % 3 ? "Metropolitana" : "Biobío";
  c.segment = rng() % 4 ? "empresas" : "granel";
  c.email = "contacto" + std::to_string(n) + "@cliente.example";
  c.phone = "+5622" + std::to_string(1000000 + rng() % 9000000);
  c.service_manager = {"Ana Pérez", "ana.perez@proveedor.example"};
  c.services = {{"SRV-" + std::to_string(n), "CIR-" + std::to_string(n), "Internet 200 Mbps"}};
  c.contacts = {{"Juan Soto", "TI", "+56911111111", "jsoto@cliente.example"}};
  return c;
}

int64_t CountCustomers() {
  int64_t n = 0;
  (void)env()->store->Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(n, tx.customers().Count());
    return Status::Ok();
  });
  return n;
}

void BM_Create(benchmark::State& state, bool with_code) {
  Env& e = *env();
  const Principal admin{0, "bench", Role::kAdmin, std::nullopt};
  std::pair<uint64_t, uint64_t> before{};
  int64_t rows_before = 0;
  if (state.thread_index() == 0) {
    rows_before = CountCustomers();
    if (e.sqlite) before = e.sqlite->CommitStats();
  }
  int64_t failures = 0;
  for (auto _ : state) {
    auto c = CreateCustomer(*e.deps, admin, MakeCustomer(serial().fetch_add(1), with_code));
    if (!c.ok()) {
      if (failures++ == 0) state.SkipWithError(c.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["rows_before"] = static_cast<double>(rows_before);
    if (e.sqlite) {
      auto after = e.sqlite->CommitStats();
      double commits = static_cast<double>(after.first - before.first);
      double closures = static_cast<double>(after.second - before.second);
      state.counters["commits"] = commits;
      state.counters["closures"] = closures;
      state.counters["closures_per_commit"] = commits > 0 ? closures / commits : 0;
    }
  }
}

// Median time of a 4 KiB write + fdatasync in `dir`, in microseconds: what one commit
// costs on this disk right now. The machine is shared; this swings from ~0.1 ms to
// several ms, and every single-writer figure follows it.
double FsyncMicros(const std::string& dir) {
  std::string path = dir + "/fsync-probe";
  int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) return 0;
  std::vector<double> us;
  char buf[4096] = {};
  for (int i = 0; i < 50; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (pwrite(fd, buf, sizeof buf, 0) != static_cast<ssize_t>(sizeof buf) || fdatasync(fd) != 0)
      break;
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  close(fd);
  unlink(path.c_str());
  if (us.empty()) return 0;
  std::nth_element(us.begin(), us.begin() + us.size() / 2, us.end());
  return us[us.size() / 2];
}

// Flags of ours (after benchmark::Initialize removed its own), then the environment.
void ParseSettings(int argc, char** argv) {
  auto env_or = [](const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
  };
  Settings& s = settings();
  s.backend = env_or("ATIENDE_BENCH_BACKEND", s.backend);
  s.pg_url = env_or("ATIENDE_BENCH_PG_URL", "");
  s.pg_pool = std::atoi(env_or("ATIENDE_BENCH_PG_POOL", "16").c_str());
  s.data_dir = env_or("ATIENDE_BENCH_DATA_DIR", "");
  s.min_time = std::atof(env_or("ATIENDE_BENCH_MIN_TIME", "3").c_str());
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--backend=", 0) == 0) s.backend = a.substr(10);
    if (a.rfind("--pg-url=", 0) == 0) s.pg_url = a.substr(9);
    if (a.rfind("--pg-pool=", 0) == 0) s.pg_pool = std::atoi(a.substr(10).c_str());
    if (a.rfind("--data-dir=", 0) == 0) s.data_dir = a.substr(11);
    if (a.rfind("--min-time=", 0) == 0) s.min_time = std::atof(a.substr(11).c_str());
  }
  if (s.min_time <= 0) s.min_time = 3;
}

Status OpenEnv(Env& e) {
  const Settings& s = settings();
  if (s.backend == "postgresql") {
    if (s.pg_url.empty()) return Status::InvalidArgument("--pg-url is required", "pg-url");
    ATIENDE_ASSIGN_OR_RETURN(auto pg, pg::PgStore::Open({s.pg_url, std::max(1, s.pg_pool)}));
    e.store = std::move(pg);
  } else if (s.backend == "sqlite") {
    sqlite::SqliteOptions o;
    o.path = s.data_dir + "/atiende.db";
    o.warm_search = true;  // as `atiende serve` opens it: new terms go into the typo vocabulary
    ATIENDE_ASSIGN_OR_RETURN(auto lite, sqlite::SqliteStore::Open(o));
    e.sqlite = lite.get();
    e.store = std::move(lite);
  } else {
    return Status::InvalidArgument("must be sqlite or postgresql", "backend");
  }
  ATIENDE_ASSIGN_OR_RETURN(auto templates, mail::TemplateSet::Load());
  e.templates = std::make_unique<mail::TemplateSet>(std::move(templates));
  // In place: a copied temporary makes GCC 12 warn (maybe-uninitialized).
  e.deps.reset(new Deps{
      *e.store, e.clock, e.throttle, nullptr, e.templates.get(), MailSettings{}, nullptr, {}});
  ATIENDE_RETURN_IF_ERROR(LoadDesks(*e.deps));
  // Codes given by CreateCustomerWithCode must not collide with an earlier run's.
  serial() = CountCustomers() * 10 + 1000000;
  return Status::Ok();
}

}  // namespace
}  // namespace atiende::bench

int main(int argc, char** argv) {
  using namespace atiende::bench;
  benchmark::Initialize(&argc, argv);
  ParseSettings(argc, argv);
  atiende::log::SetLevel(atiende::log::Level::kWarn);
  Settings& s = settings();
  if (s.backend == "sqlite" && s.data_dir.empty()) {
    char tmpl[] = "/tmp/atiende-store-bench-XXXXXX";
    if (!mkdtemp(tmpl)) return 2;
    s.data_dir = tmpl;
    s.own_data_dir = true;
  }
  auto e = std::make_unique<Env>();
  env() = e.get();
  if (auto st = OpenEnv(*e); !st.ok()) {
    std::fprintf(
        stderr,
        "store_write_bench: %s\nusage: store_write_bench [--backend=sqlite|postgresql]"
        " [--pg-url=URL] [--pg-pool=N] [--data-dir=DIR] [--min-time=S] [benchmark flags]\n",
        st.ToString().c_str());
    return 2;
  }
  const std::string probe_dir = s.backend == "sqlite" ? s.data_dir : "/tmp";
  benchmark::AddCustomContext("backend", s.backend);
  if (s.backend == "postgresql") benchmark::AddCustomContext("pg_pool", std::to_string(s.pg_pool));
  benchmark::AddCustomContext("fsync_p50_us_before", std::to_string(FsyncMicros(probe_dir)));

  for (bool with_code : {false, true}) {
    auto* b = benchmark::RegisterBenchmark(
        with_code ? "CreateCustomerWithCode" : "CreateCustomer",
        [with_code](benchmark::State& st) { BM_Create(st, with_code); });
    b->MinTime(s.min_time)->UseRealTime()->Unit(benchmark::kMicrosecond);
    for (int t : {1, 8, 32}) b->Threads(t);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::fprintf(stderr, "fsync p50 after the run: %.0f us\n", FsyncMicros(probe_dir));
  env() = nullptr;
  e.reset();
  if (s.own_data_dir) std::filesystem::remove_all(s.data_dir);
  return 0;
}
