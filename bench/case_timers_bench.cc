// case_timers_bench: durable case timers at scale (procedures issue). N open ZB
// cases, each waiting in the `monitor` step with its overdue timer armed (72 h
// after its notice), K of them falling due at the same instant:
//   - idle: the CPU CaseTimers::Start() costs per minute with nothing due (its
//     poll: an empty claim and the next-due query, once per --poll-ms);
//   - burst: CaseTimers::RunOnce() firing the K due timers (claim, engine,
//     render and queue K zb_overdue mails, next firing, audit), wall and CPU
//     time, batches (commits); then checks that exactly K timers fired, K mails
//     were queued, one per case, none duplicated, and that a second RunOnce()
//     fires nothing.
// Everything runs through the product's code: a real SQLite file store (as
// `atiende serve` opens it, without the search vocabulary warm-up), a virtual
// clock, the shipped procedures and mail templates, the directory lists of
// data/demo/directory.yaml. The N cases are made by the real use cases:
// customers with the ZB block (region Metropolitana: no regional backup mail),
// OpenCase (the intake mail to supervisor_rrss and jefe_servicio), then
// SubmitCaseStep on coordinate_visit with outcome `contacted` (call, notice,
// monitor step, timer armed). The setup rate of both is reported.
//
// Staggering: the virtual clock moves 1 h after every --open-per-hour openings
// (so no address gets more than that many intake mails in one rate-cap hour);
// the first K cases are answered at one instant T0, the others from T0 + 1 h on
// (1 min per 1,000). So at T0 + 72 h exactly K timers are due, the N - K others
// 1 h later or more.
// Mail rate cap: MailSettings::rate_cap_per_hour (60 mails per address per hour
// by default) is raised to --rate-cap (default 2^30) so that no mail is refused:
// the K overdue mails all go to cc_emergencia. --default-cap-check (on by
// default) repeats the burst on a copy with the default cap and counts refusals.
// --breakdown (on by default) repeats it on another copy with an instrumented
// copy of CaseTimers::FireBatch (this file only): time in ClaimWork, in
// FireCaseTimer (engine + QueueMail + save), CompleteWork, and in commit.
//
// The store after setup is kept as DIR/setup/atiende.db; each measurement runs
// on a fresh copy of it. With --data-dir=DIR and a matching DIR/setup/stamp,
// the setup is reused (to profile the burst alone: --reuse-only-burst with
// perf record).
//
// Flags (defaults: the sizes):
//   --cases=N (100000)  --burst=K (10000)  --threads=T (8, setup writers)
//   --idle-seconds=S (60; 0 skips)  --poll-ms=MS (1000, CaseTimers' default)
//   --open-per-hour=H (1000)  --rate-cap=C (1073741824)
//   --breakdown=0|1 (1)  --default-cap-check=0|1 (1)
//   --data-dir=DIR (default: a fresh directory under /tmp, removed at exit)
//   --source-dir=DIR (the checkout holding data/demo/directory.yaml; default:
//                     the one this file was compiled from)
//   --only-burst=0|1 (0: with a reused setup, skip idle and the copies)
// CaseTimers logs one line per RunOnce at info level on stderr; redirect it.
// Thread-safety: not applicable (a program).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/case_timers.h"
#include "app/cases.h"
#include "app/desks.h"
#include "app/directory.h"
#include "app/login_throttle.h"
#include "app/procedures.h"
#include "core/sla.h"
#include "core/time_format.h"
#include "mail/templates.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/desks.h"

namespace atiende::bench {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
constexpr char kProcedure[] = "zb-unblock";
constexpr char kTimerKind[] = "case.timer";
constexpr char kVisitDay[] = "2027-06-30";  // after every virtual "today" of the setup

struct Settings {
  int cases = 100000;
  int burst = 10000;
  int threads = 8;
  double idle_seconds = 60;
  int poll_ms = 1000;
  int open_per_hour = 1000;
  int rate_cap = 1 << 30;
  bool breakdown = true;
  bool default_cap_check = true;
  bool only_burst = false;
  std::string data_dir;
  bool own_data_dir = false;
  std::string source_dir = fs::path(__FILE__).parent_path().parent_path().string();
};

Settings& settings() {
  static Settings s;
  return s;
}

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time of the whole process (every thread: the store's writer runs the closures).
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Median 4 KiB write + fdatasync in `dir`, µs: what a commit costs on this disk now.
double FsyncMicros(const std::string& dir) {
  std::string path = dir + "/fsync-probe";
  int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) return 0;
  std::vector<double> us;
  char buf[4096] = {};
  for (int i = 0; i < 50; ++i) {
    auto t0 = Steady::now();
    if (pwrite(fd, buf, sizeof buf, 0) != static_cast<ssize_t>(sizeof buf) || fdatasync(fd) != 0)
      break;
    us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - t0).count());
  }
  close(fd);
  unlink(path.c_str());
  if (us.empty()) return 0;
  std::nth_element(us.begin(), us.begin() + us.size() / 2, us.end());
  return us[us.size() / 2];
}

// The Deps `atiende serve` builds (src/wiring.cc), over a SQLite file and a virtual clock.
struct Env {
  VirtualClock clock{ParseInstant("2026-11-24T12:00:00Z").value()};
  std::unique_ptr<sqlite::SqliteStore> store;
  LoginThrottle throttle{clock};
  std::unique_ptr<mail::TemplateSet> templates;
  std::unique_ptr<Deps> deps;
};

Result<std::unique_ptr<Env>> OpenEnv(const std::string& db, TimePoint now, int rate_cap) {
  auto e = std::make_unique<Env>();
  e->clock.Set(now);
  sqlite::SqliteOptions o;
  o.path = db;
  o.warm_search = false;  // no background vocabulary load in the idle measurement
  ATIENDE_ASSIGN_OR_RETURN(e->store, sqlite::SqliteStore::Open(o));
  ATIENDE_ASSIGN_OR_RETURN(auto templates, mail::TemplateSet::Load());
  e->templates = std::make_unique<mail::TemplateSet>(std::move(templates));
  e->deps = std::make_unique<Deps>(Deps{
      *e->store, e->clock, e->throttle, nullptr, e->templates.get(), MailSettings{}, nullptr, {}});
  ATIENDE_ASSIGN_OR_RETURN(e->deps->procedures, ProcedureSet::Load(*e->templates));
  ATIENDE_RETURN_IF_ERROR(LoadDesks(*e->deps));
  const Principal system{0, "bench", Role::kAdmin, std::nullopt, {}, ""};
  ATIENDE_ASSIGN_OR_RETURN(Desk main, GetDesk(*e->deps, system, kMainDesk));
  main.procedures = {"zb-unblock"};  // weekdays 08:00-18:00 in Bogotá, as before
  ATIENDE_RETURN_IF_ERROR(UpdateDesk(*e->deps, system, main).status());
  e->deps->mail.rate_cap_per_hour = rate_cap;
  ATIENDE_RETURN_IF_ERROR(
      SeedDirectory(*e->deps, kMainDesk, settings().source_dir + "/data/demo/directory.yaml"));
  return e;
}

// Runs fn(i) for i in [begin, end) on `threads` threads; the first error wins.
Status ParallelFor(int begin, int end, int threads, const std::function<Status(int)>& fn) {
  std::vector<Status> errors(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = begin + t; i < end; i += threads) {
        Status s = fn(i);
        if (!s.ok()) {
          errors[t] = s;
          return;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& s : errors) ATIENDE_RETURN_IF_ERROR(s);
  return Status::Ok();
}

struct SetupResult {
  TimePoint t0{};                                    // when the first K cases were answered
  TimePoint end{};                                   // the clock after setup
  double customers_s = 0, open_s = 0, submit_s = 0;  // wall seconds
  bool reused = false;
};

std::string Stamp() {
  const Settings& s = settings();
  return std::to_string(s.cases) + " " + std::to_string(s.burst) + " " +
         std::to_string(s.open_per_hour) + " v1";
}

Status WriteSetupStamp(const std::string& dir, const SetupResult& r) {
  std::ofstream out(dir + "/stamp");
  out << Stamp() << "\n"
      << r.t0.time_since_epoch().count() << " " << r.end.time_since_epoch().count() << "\n"
      << r.customers_s << " " << r.open_s << " " << r.submit_s << "\n";
  return out ? Status::Ok() : Status::Internal("cannot write " + dir + "/stamp");
}

bool ReadSetupStamp(const std::string& dir, SetupResult& r) {
  std::ifstream in(dir + "/stamp");
  std::string line;
  if (!std::getline(in, line) || line != Stamp()) return false;
  int64_t t0 = 0, end = 0;
  in >> t0 >> end >> r.customers_s >> r.open_s >> r.submit_s;
  if (!in || !fs::exists(dir + "/atiende.db")) return false;
  r.t0 = TimePoint(Micros(t0));
  r.end = TimePoint(Micros(end));
  r.reused = true;
  return true;
}

// Builds DIR/setup/atiende.db: N customers, N cases in `monitor`, timers staggered.
Status Setup(const std::string& dir, SetupResult& r) {
  const Settings& s = settings();
  fs::remove_all(dir);
  fs::create_directories(dir);
  ATIENDE_ASSIGN_OR_RETURN(
      auto env,
      OpenEnv(dir + "/atiende.db", ParseInstant("2026-11-24T12:00:00Z").value(), s.rate_cap));
  Deps& d = *env->deps;
  const Principal supervisor{0, "bench.supervisor", Role::kSupervisor, std::nullopt};

  // 1. Customers with the ZB block, 500 per transaction (not the measured path).
  std::vector<int64_t> ids(s.cases);
  auto t = Steady::now();
  for (int from = 0; from < s.cases; from += 500) {
    ATIENDE_RETURN_IF_ERROR(d.store.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) -> Status {
      for (int i = from; i < std::min(s.cases, from + 500); ++i) {
        Customer c;
        c.legal_name = "Cliente Granel Bench " + std::to_string(i);
        c.region = "Metropolitana";
        c.segment = "granel";
        c.blocks = {"ZB"};
        c.email = "cliente" + std::to_string(i) + "@granel.example";
        c.phone = "+5622" + std::to_string(1000000 + i % 9000000);
        c.created_at = c.updated_at = env->clock.Now();
        ATIENDE_RETURN_IF_ERROR(NormalizeCustomer(c));
        ATIENDE_RETURN_IF_ERROR(tx.customers().Insert(c));
        ids[i] = c.id;
      }
      return Status::Ok();
    }));
  }
  r.customers_s = Seconds(Steady::now() - t);

  // 2. OpenCase for each (ZB-1: intake mail, notice lookup, coordinate_visit).
  std::vector<std::string> numbers(s.cases);
  t = Steady::now();
  for (int from = 0; from < s.cases; from += s.open_per_hour) {
    ATIENDE_RETURN_IF_ERROR(ParallelFor(
        from, std::min(s.cases, from + s.open_per_hour), s.threads, [&](int i) -> Status {
          CaseIntake in{"Llamante " + std::to_string(i), {"+56 9 8765 4321"}, ""};
          ATIENDE_ASSIGN_OR_RETURN(auto opened,
                                   OpenCase(d, supervisor, kProcedure, ids[i], std::move(in)));
          if (!opened.created || opened.detail.c.step != "coordinate_visit") {
            return Status::Internal("case for customer " + std::to_string(ids[i]) + " is at step " +
                                    opened.detail.c.step);
          }
          numbers[i] = opened.detail.c.number;
          return Status::Ok();
        }));
    env->clock.Advance(std::chrono::hours(1));
    if ((from / s.open_per_hour) % 10 == 9) {
      std::fprintf(stderr, "setup: %d cases opened\n", from + s.open_per_hour);
    }
  }
  r.open_s = Seconds(Steady::now() - t);

  // 3. SubmitCaseStep "contacted": the first K at T0, the rest from T0 + 1 h.
  auto submit = [&](int i) -> Status {
    StepAnswer a;
    a.step = "coordinate_visit";
    a.outcome = "contacted";
    a.fields = {{"visit_day", kVisitDay},
                {"location_ref", "Estanque junto al portón " + std::to_string(i)},
                {"phone_1", "+56 9 8765 4321"},
                {"phone_2", "+56 2 2345 6789"}};
    ATIENDE_ASSIGN_OR_RETURN(auto detail,
                             SubmitCaseStep(d, supervisor, numbers[i], a, std::nullopt));
    if (detail.c.step != "monitor" || detail.c.timers.size() != 1) {
      return Status::Internal("case " + numbers[i] + " is at step " + detail.c.step);
    }
    return Status::Ok();
  };
  r.t0 = env->clock.Now();
  t = Steady::now();
  ATIENDE_RETURN_IF_ERROR(ParallelFor(0, s.burst, s.threads, submit));
  env->clock.Advance(std::chrono::hours(1));
  for (int from = s.burst; from < s.cases; from += 1000) {
    ATIENDE_RETURN_IF_ERROR(ParallelFor(from, std::min(s.cases, from + 1000), s.threads, submit));
    env->clock.Advance(std::chrono::minutes(1));
  }
  r.submit_s = Seconds(Steady::now() - t);
  r.end = env->clock.Now();

  std::optional<TimePoint> next;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(next, tx.work().NextDue(kTimerKind));
    return Status::Ok();
  }));
  if (!next || *next != r.t0 + std::chrono::hours(72)) {
    return Status::Internal("the first timer is due at " +
                            (next ? FormatInstant(*next) : std::string("never")) + ", not " +
                            FormatInstant(r.t0 + std::chrono::hours(72)));
  }
  env.reset();  // closes the store: the WAL is checkpointed into the file
  return WriteSetupStamp(dir, r);
}

// A fresh copy of the setup's database in DIR/<name>/.
Result<std::string> CopySetup(const std::string& name) {
  const std::string from = settings().data_dir + "/setup", to = settings().data_dir + "/" + name;
  fs::remove_all(to);
  fs::create_directories(to);
  for (const char* f : {"atiende.db", "atiende.db-wal"}) {
    if (fs::exists(from + "/" + f)) fs::copy_file(from + "/" + f, to + "/" + f);
  }
  return to + "/atiende.db";
}

struct MailCheck {
  int mails = 0, queued = 0, failed = 0, distinct_threads = 0, distinct_ids = 0;
  std::map<std::string, int> events;
};

int64_t LastMailId(Deps& d) {
  int64_t id = 0;
  (void)d.store.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(auto ms, tx.mail().List({"", "", 0, 1}));
    if (!ms.empty()) id = ms.front().id;
    return Status::Ok();
  });
  return id;
}

// The mails queued after mail `after`.
Result<MailCheck> CheckMails(Deps& d, int64_t after) {
  MailCheck out;
  std::set<std::string> threads, ids;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) -> Status {
    int64_t before = 0;
    while (true) {
      ATIENDE_ASSIGN_OR_RETURN(auto ms, tx.mail().List({"", "", before, 500}));
      bool done = ms.empty();
      for (const auto& m : ms) {
        if (m.id <= after) {
          done = true;
          break;
        }
        out.mails++;
        out.queued += m.status == "queued";
        out.failed += m.status == "failed";
        out.events[m.event]++;
        threads.insert(m.thread_key);
        ids.insert(m.message_id);
        before = m.id;
      }
      if (done) break;
    }
    return Status::Ok();
  }));
  out.distinct_threads = static_cast<int>(threads.size());
  out.distinct_ids = static_cast<int>(ids.size());
  return out;
}

struct CaseCheck {
  int due = 0, due_fired_once = 0, not_due = 0, not_due_untouched = 0, other = 0;
};

// Every case: those whose timer was due at `at` fired exactly once, the others never.
Result<CaseCheck> CheckCases(Deps& d, TimePoint at) {
  CaseCheck out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) -> Status {
    for (int64_t id = 1; id <= settings().cases; ++id) {
      ATIENDE_ASSIGN_OR_RETURN(Case c, tx.cases().GetById(id));
      if (c.timers.size() != 1) {
        out.other++;
        continue;
      }
      if (c.timers[0].first_due <= at) {
        out.due++;
        out.due_fired_once += c.followups == 1 && c.timers[0].fired == 1;
      } else {
        out.not_due++;
        out.not_due_untouched += c.followups == 0 && c.timers[0].fired == 0;
      }
    }
    return Status::Ok();
  }));
  return out;
}

struct Burst {
  int fired = 0, second_run = 0;
  double wall_s = 0, cpu_s = 0;
  uint64_t commits = 0, closures = 0;
  MailCheck mails;
  CaseCheck cases;
  std::optional<TimePoint> next_due;
};

// Moves the clock to T0 + 72 h and fires what is due with CaseTimers::RunOnce().
Result<Burst> RunBurst(Env& e, TimePoint t0, bool verify) {
  Burst b;
  Deps& d = *e.deps;
  int64_t last_mail = LastMailId(d);
  e.clock.Set(t0 + std::chrono::hours(72));
  CaseTimers timers(d, "bench-node");
  auto stats0 = e.store->CommitStats();
  double cpu0 = CpuSeconds();
  auto w0 = Steady::now();
  b.fired = timers.RunOnce();
  b.wall_s = Seconds(Steady::now() - w0);
  b.cpu_s = CpuSeconds() - cpu0;
  auto stats1 = e.store->CommitStats();
  b.commits = stats1.first - stats0.first;
  b.closures = stats1.second - stats0.second;
  if (!verify) return b;
  b.second_run = timers.RunOnce();
  ATIENDE_ASSIGN_OR_RETURN(b.mails, CheckMails(d, last_mail));
  ATIENDE_ASSIGN_OR_RETURN(b.cases, CheckCases(d, e.clock.Now()));
  ATIENDE_RETURN_IF_ERROR(d.store.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(b.next_due, tx.work().NextDue(kTimerKind));
    return Status::Ok();
  }));
  return b;
}

struct Idle {
  double baseline_cpu_s = 0, scheduler_cpu_s = 0, wall_s = 0;
  uint64_t commits = 0;
  double claim_us = 0, next_due_us = 0;  // one empty claim Write / one NextDueWork Read, wall
};

// CaseTimers::Start() with nothing due, against the same time without it.
Idle RunIdle(Env& e) {
  Idle r;
  const auto span = std::chrono::duration<double>(settings().idle_seconds);
  double cpu0 = CpuSeconds();
  std::this_thread::sleep_for(span);
  r.baseline_cpu_s = CpuSeconds() - cpu0;

  auto stats0 = e.store->CommitStats();
  cpu0 = CpuSeconds();
  auto w0 = Steady::now();
  {
    CaseTimers timers(*e.deps, "bench-node");
    timers.Start(std::chrono::milliseconds(settings().poll_ms));
    std::this_thread::sleep_for(span);
    timers.Stop();
  }
  r.wall_s = Seconds(Steady::now() - w0);
  r.scheduler_cpu_s = CpuSeconds() - cpu0;
  r.commits = e.store->CommitStats().first - stats0.first;

  // The two halves of one poll, as CaseTimers::FireBatch and Start() run them.
  const int n = 50;
  auto w = Steady::now();
  for (int i = 0; i < n; ++i) {
    (void)e.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) -> Status {
      ATIENDE_ASSIGN_OR_RETURN(auto items, tx.work().Claim(kTimerKind, "bench-node", e.clock.Now(),
                                                           std::chrono::minutes(2), 256));
      return items.empty() ? Status::NotFound("nothing due") : Status::Internal("due items");
    });
  }
  r.claim_us = Seconds(Steady::now() - w) * 1e6 / n;
  w = Steady::now();
  for (int i = 0; i < n; ++i) {
    (void)e.store->Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
      return tx.work().NextDue(kTimerKind).status();
    });
  }
  r.next_due_us = Seconds(Steady::now() - w) * 1e6 / n;
  return r;
}

struct Breakdown {
  int fired = 0, batches = 0;
  double total_s = 0, claim_s = 0, parse_s = 0, fire_s = 0, complete_s = 0, closure_s = 0;
};

// CaseTimers::FireBatch (app/case_timers.cc) copied with timers around each call.
Result<Breakdown> RunBreakdown(Env& e, TimePoint t0) {
  Breakdown b;
  Deps& d = *e.deps;
  e.clock.Set(t0 + std::chrono::hours(72));
  auto w0 = Steady::now();
  while (true) {
    int fired = 0;
    Steady::duration claim{}, parse{}, fire{}, complete{}, closure{};
    Status s = d.store.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) -> Status {
      auto c0 = Steady::now();
      fired = 0;
      claim = parse = fire = complete = {};
      TimePoint now = d.clock.Now();
      auto t = Steady::now();
      ATIENDE_ASSIGN_OR_RETURN(
          auto items, tx.work().Claim(kTimerKind, "bench-breakdown", now, std::chrono::minutes(2),
                                      CaseTimers::kBatch));
      claim += Steady::now() - t;
      if (items.empty()) return Status::NotFound("nothing due");
      for (const auto& item : items) {
        t = Steady::now();
        auto v = boost::json::parse(item.payload).as_object();
        int64_t case_id = v.at("case").as_int64();
        std::string timer(v.at("timer").as_string());
        int64_t generation = v.at("generation").as_int64();
        parse += Steady::now() - t;
        t = Steady::now();
        bool did = false;
        ATIENDE_RETURN_IF_ERROR(FireCaseTimer(tx, d, case_id, timer, generation, did));
        fire += Steady::now() - t;
        t = Steady::now();
        ATIENDE_RETURN_IF_ERROR(tx.work().Complete(item.id, "bench-breakdown", now));
        complete += Steady::now() - t;
        fired += did ? 1 : 0;
      }
      closure = Steady::now() - c0;
      return Status::Ok();
    });
    if (s.code() == Status::Code::kNotFound) break;
    ATIENDE_RETURN_IF_ERROR(s);
    b.fired += fired;
    b.batches++;
    b.claim_s += Seconds(claim);
    b.parse_s += Seconds(parse);
    b.fire_s += Seconds(fire);
    b.complete_s += Seconds(complete);
    b.closure_s += Seconds(closure);
  }
  b.total_s = Seconds(Steady::now() - w0);
  return b;
}

bool ParseFlags(int argc, char** argv) {
  Settings& s = settings();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      return a.size() > n && a.compare(0, n, name) == 0 ? a.c_str() + n : nullptr;
    };
    if (auto v = val("--cases=")) {
      s.cases = std::atoi(v);
    } else if (auto v = val("--burst=")) {
      s.burst = std::atoi(v);
    } else if (auto v = val("--threads=")) {
      s.threads = std::atoi(v);
    } else if (auto v = val("--idle-seconds=")) {
      s.idle_seconds = std::atof(v);
    } else if (auto v = val("--poll-ms=")) {
      s.poll_ms = std::atoi(v);
    } else if (auto v = val("--open-per-hour=")) {
      s.open_per_hour = std::atoi(v);
    } else if (auto v = val("--rate-cap=")) {
      s.rate_cap = std::atoi(v);
    } else if (auto v = val("--breakdown=")) {
      s.breakdown = std::atoi(v) != 0;
    } else if (auto v = val("--default-cap-check=")) {
      s.default_cap_check = std::atoi(v) != 0;
    } else if (auto v = val("--only-burst=")) {
      s.only_burst = std::atoi(v) != 0;
    } else if (auto v = val("--data-dir=")) {
      s.data_dir = v;
    } else if (auto v = val("--source-dir=")) {
      s.source_dir = v;
    } else {
      std::fprintf(stderr, "case_timers_bench: unknown flag %s\n", a.c_str());
      return false;
    }
  }
  return s.cases > 0 && s.burst > 0 && s.burst <= s.cases && s.threads > 0 && s.poll_ms > 0 &&
         s.open_per_hour > 0 && s.rate_cap > 0 && s.idle_seconds >= 0;
}

std::string Machine() {
  std::string model;
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  double load[3] = {};
  getloadavg(load, 3);
  char buf[256];
  std::snprintf(buf, sizeof buf, "nproc=%u cpu=\"%s\" load=%.2f %.2f %.2f",
                std::thread::hardware_concurrency(), model.c_str(), load[0], load[1], load[2]);
  return buf;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "case_timers_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace
}  // namespace atiende::bench

int main(int argc, char** argv) {
  using namespace atiende;
  using namespace atiende::bench;
  if (!ParseFlags(argc, argv)) {
    std::fprintf(stderr,
                 "usage: case_timers_bench [--cases=N] [--burst=K<=N] [--threads=T]"
                 " [--idle-seconds=S] [--poll-ms=MS] [--open-per-hour=H] [--rate-cap=C]"
                 " [--breakdown=0|1] [--default-cap-check=0|1] [--only-burst=0|1]"
                 " [--data-dir=DIR] [--source-dir=DIR]\n");
    return 2;
  }
  Settings& s = settings();
  if (s.data_dir.empty()) {
    char tmpl[] = "/tmp/atiende-case-timers-bench-XXXXXX";
    if (!mkdtemp(tmpl)) return 2;
    s.data_dir = tmpl;
    s.own_data_dir = true;
  }
  fs::create_directories(s.data_dir);
  std::printf("# case_timers_bench: %d open cases with pending timers, %d due together\n", s.cases,
              s.burst);
  std::printf("machine: %s\n", Machine().c_str());
  std::printf("data dir: %s, fsync p50 %.0f us\n", s.data_dir.c_str(), FsyncMicros(s.data_dir));

  const std::string setup_dir = s.data_dir + "/setup";
  SetupResult setup;
  if (!ReadSetupStamp(setup_dir, setup)) {
    if (Status st = Setup(setup_dir, setup); !st.ok()) return Fail(st);
  }
  std::printf(
      "setup%s: %d customers in %.1f s; OpenCase %d in %.1f s = %.0f cases/s; SubmitCaseStep"
      " (contacted -> monitor, timer armed) %d in %.1f s = %.0f cases/s; %d setup threads\n",
      setup.reused ? " (reused from an earlier run)" : "", s.cases, setup.customers_s, s.cases,
      setup.open_s, s.cases / setup.open_s, s.cases, setup.submit_s, s.cases / setup.submit_s,
      s.threads);
  std::printf("pending timers: %d (%d due at T0+72h = %s, the others >= 1 h later)\n", s.cases,
              s.burst, FormatInstant(setup.t0 + std::chrono::hours(72)).c_str());
  std::fflush(stdout);

  // The real path: idle, then the burst, on one copy.
  auto db = CopySetup("run");
  if (!db.ok()) return Fail(db.status());
  auto env = OpenEnv(*db, setup.end, s.rate_cap);
  if (!env.ok()) return Fail(env.status());
  if (s.idle_seconds > 0 && !s.only_burst) {
    Idle idle = RunIdle(**env);
    double per_min = (idle.scheduler_cpu_s - idle.baseline_cpu_s) / idle.wall_s * 60;
    std::printf(
        "idle: CaseTimers::Start(poll %d ms) for %.1f s with nothing due: process CPU %.1f ms"
        " (baseline without the scheduler, same span: %.1f ms) => %.1f ms CPU per minute"
        " (%.3f%% of one core); %llu polls; one poll = empty claim Write %.0f us +"
        " NextDueWork Read %.0f us (wall)\n",
        s.poll_ms, idle.wall_s, idle.scheduler_cpu_s * 1e3, idle.baseline_cpu_s * 1e3,
        per_min * 1e3, per_min / 60 * 100, static_cast<unsigned long long>(idle.commits),
        idle.claim_us, idle.next_due_us);
    std::fflush(stdout);
  }
  auto burst = RunBurst(**env, setup.t0, true);
  if (!burst.ok()) return Fail(burst.status());
  const Burst& b = *burst;
  std::printf(
      "burst: CaseTimers::RunOnce() fired %d timers in %.3f s wall (%.3f s CPU) = %.0f us per"
      " timer, %.0f timers/s; %llu commits (%llu closures; batch %d) -> target <= 1 s: %s\n",
      b.fired, b.wall_s, b.cpu_s, b.wall_s * 1e6 / std::max(1, b.fired),
      b.fired / std::max(1e-9, b.wall_s), static_cast<unsigned long long>(b.commits),
      static_cast<unsigned long long>(b.closures), CaseTimers::kBatch,
      b.wall_s <= 1.0 ? "met" : "MISSED");
  std::string events;
  for (const auto& [ev, n] : b.mails.events) events += " " + ev + "=" + std::to_string(n);
  std::printf(
      "check: mails queued by the burst %d (queued %d, failed %d;%s), distinct cases (thread"
      " keys) %d, distinct Message-IDs %d; cases due %d of which fired exactly once %d; not due"
      " %d of which untouched %d; a second RunOnce() fired %d; next timer due %s\n",
      b.mails.mails, b.mails.queued, b.mails.failed, events.c_str(), b.mails.distinct_threads,
      b.mails.distinct_ids, b.cases.due, b.cases.due_fired_once, b.cases.not_due,
      b.cases.not_due_untouched, b.second_run,
      b.next_due ? FormatInstant(*b.next_due).c_str() : "never");
  bool ok = b.fired == s.burst && b.mails.mails == s.burst && b.mails.queued == s.burst &&
            b.mails.distinct_threads == s.burst && b.mails.distinct_ids == s.burst &&
            b.cases.due == s.burst && b.cases.due_fired_once == s.burst &&
            b.cases.not_due == s.cases - s.burst && b.cases.not_due_untouched == b.cases.not_due &&
            b.cases.other == 0 && b.second_run == 0;
  std::printf("check: %s\n", ok ? "OK" : "FAILED");
  std::fflush(stdout);
  env->reset();

  if (s.breakdown && !s.only_burst) {
    auto db2 = CopySetup("breakdown");
    if (!db2.ok()) return Fail(db2.status());
    auto env2 = OpenEnv(*db2, setup.end, s.rate_cap);
    if (!env2.ok()) return Fail(env2.status());
    auto br = RunBreakdown(**env2, setup.t0);
    if (!br.ok()) return Fail(br.status());
    const Breakdown& x = *br;
    double commit = x.total_s - x.closure_s;
    auto pct = [&](double v) { return 100 * v / x.total_s; };
    std::printf(
        "breakdown (copy of FireBatch with timers, fresh copy of the setup): %d fired in %d"
        " batches, %.3f s: ClaimWork %.3f s (%.1f%%), payload JSON %.3f s (%.1f%%),"
        " FireCaseTimer (load case+customer+notice, engine, QueueMail, save case, work item,"
        " audit) %.3f s (%.1f%%, %.0f us each), CompleteWork %.3f s (%.1f%%), outside the"
        " closures (BEGIN/SAVEPOINT/COMMIT, writer hand-off) %.3f s (%.1f%%)\n",
        x.fired, x.batches, x.total_s, x.claim_s, pct(x.claim_s), x.parse_s, pct(x.parse_s),
        x.fire_s, pct(x.fire_s), x.fire_s * 1e6 / std::max(1, x.fired), x.complete_s,
        pct(x.complete_s), commit, pct(commit));
    std::fflush(stdout);
  }

  if (s.default_cap_check && !s.only_burst) {
    auto db3 = CopySetup("default-cap");
    if (!db3.ok()) return Fail(db3.status());
    auto env3 = OpenEnv(*db3, setup.end, MailSettings{}.rate_cap_per_hour);
    if (!env3.ok()) return Fail(env3.status());
    auto b3 = RunBurst(**env3, setup.t0, false);
    if (!b3.ok()) return Fail(b3.status());
    // The mails of this burst are the newest b3->fired ones.
    MailCheck m;
    (void)(*env3)->store->Read(atiende::testing::MainDesk(), [&](ReadTx& tx) -> Status {
      ATIENDE_ASSIGN_OR_RETURN(auto ms, tx.mail().List({"", "", 0, std::max(1, b3->fired)}));
      for (const auto& x : ms) {
        if (x.event != "case.zb_overdue") continue;
        m.mails++;
        m.queued += x.status == "queued";
        m.failed += x.status == "failed";
      }
      return Status::Ok();
    });
    std::printf(
        "default rate cap (%d mails per address per hour): the same burst fired %d timers in"
        " %.3f s; of its %d zb_overdue mails %d queued, %d refused as \"failed\" (rate cap on"
        " cc_emergencia)\n",
        MailSettings{}.rate_cap_per_hour, b3->fired, b3->wall_s, m.mails, m.queued, m.failed);
  }

  if (s.own_data_dir) fs::remove_all(s.data_dir);
  return ok ? 0 : 1;
}
