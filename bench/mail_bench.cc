// mail_bench: the outbox (G-2). How many mails are rendered and queued per second
// inside transactions (QueueMail), and how many MailDelivery delivers per second to a
// local SMTP server over one reused connection, next to what the same server accepts
// from a plain client.
//
// Inputs (flag, or environment variable):
//   --backend=B       ATIENDE_BENCH_BACKEND  "sqlite" (default) or "postgresql" (queueing only)
//   --pg-url=URL      ATIENDE_BENCH_PG_URL   PostgreSQL URL for --backend=postgresql
//   --data-dir=DIR    ATIENDE_BENCH_DATA_DIR SQLite files and the SMTP record (default: a
//                                            fresh directory under /tmp, removed at exit)
//   --min-time=S      ATIENDE_BENCH_MIN_TIME seconds measured per queueing benchmark (default 3)
//   --deliver=N       ATIENDE_BENCH_DELIVER  mails in the delivery benchmarks (default 3000;
//                                            0 skips them)
//   --source-dir=DIR  the checkout holding tests/smtp_sink.py and bench/smtp_plain_client.py
//                     (default: the one this file was compiled from)
//
// Queueing (one item = one mail; items_per_second = mails/s, wall clock, all threads):
//   QueueMail/per_tx:K/threads:T  T threads, each Write() queues K mails. A mail is the
//       "directory.test" event (as SendDirectoryTest builds it) to a list of 3 addresses,
//       in a thread of 4 mails (thread key "case:<n/4>"). The virtual clock moves one minute
//       per mail, so each address has about 60 mails in the rate-cap window: an address at
//       its hourly cap (the cap is raised to 1000 so that none is refused).
//   QueueMailSameHour  one thread, 10 mails per Write(), clock standing still: every mail
//       to the list lands in the same rate-cap hour (what a mail loop looks like). Counters
//       first_per_s / last_per_s: the rate over the first and the last 2,000 mails.
// Delivery (needs /usr/bin/python3 with aiosmtpd; starts tests/smtp_sink.py itself and
// stops it at the end; all on 127.0.0.1), N mails queued beforehand on a separate SQLite
// store:
//   Deliver/atiende         MailDelivery(deps, SmtpTransport, owner).RunOnce(): claims,
//       marks sending, sends, marks sent. Counters: smtp_share (time inside
//       SmtpTransport::Send), commits, connections (SMTP connections the sink saw).
//   Deliver/smtp_transport  the same rendered messages through SmtpTransport::Send alone.
//   Deliver/plain_client    bench/smtp_plain_client.py (smtplib) sending the same messages.
// Then one line: delivered/s of Atiende as a share of the plain client's.
//
// MailDelivery logs one line per mail at info level on stderr (as in production): redirect
// stderr (2>FILE). Every run is bounded: --min-time per queueing benchmark, N mails and a
// 30 s SMTP timeout per mail for delivery, 300 s for the plain client.
// Thread-safety: not applicable (a program).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "app/desks.h"
#include "app/directory.h"
#include "app/login_throttle.h"
#include "app/mail_delivery.h"
#include "app/mail_queue.h"
#include "core/time_format.h"
#include "log/log.h"
#include "mail/smtp_transport.h"
#include "mail/templates.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/desks.h"

namespace atiende::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kList[] = "bench_list";

struct Settings {
  std::string backend = "sqlite";
  std::string pg_url;
  std::string data_dir;
  bool own_data_dir = false;
  double min_time = 3;
  int deliver = 3000;
  std::string source_dir = std::filesystem::path(__FILE__).parent_path().parent_path().string();
};

Settings& settings() {
  static Settings s;
  return s;
}

// A store with the Deps a use case needs, as src/testing/test_env.h builds them.
struct Env {
  VirtualClock clock{ParseInstant("2026-11-24T12:00:00Z").value()};
  std::unique_ptr<Store> store;
  sqlite::SqliteStore* sqlite = nullptr;  // == store.get() on SQLite
  LoginThrottle throttle{clock};
  std::unique_ptr<mail::TemplateSet> templates;
  std::unique_ptr<Deps> deps;
};

Status OpenEnv(Env& e, const std::string& backend, const std::string& where) {
  if (backend == "postgresql") {
    ATIENDE_ASSIGN_OR_RETURN(auto pg, pg::PgStore::Open({where, 16}));
    e.store = std::move(pg);
  } else {
    sqlite::SqliteOptions o;
    o.path = where;
    o.warm_search = true;  // as `atiende serve` opens it
    ATIENDE_ASSIGN_OR_RETURN(auto lite, sqlite::SqliteStore::Open(o));
    e.sqlite = lite.get();
    e.store = std::move(lite);
  }
  ATIENDE_ASSIGN_OR_RETURN(auto templates, mail::TemplateSet::Load());
  e.templates = std::make_unique<mail::TemplateSet>(std::move(templates));
  // In place: a copied temporary makes GCC 12 warn (maybe-uninitialized).
  e.deps.reset(new Deps{
      *e.store, e.clock, e.throttle, nullptr, e.templates.get(), MailSettings{}, nullptr, {}});
  ATIENDE_RETURN_IF_ERROR(LoadDesks(*e.deps));
  const Principal admin{0, "bench", Role::kAdmin, std::nullopt};
  return PutDirectoryList(*e.deps, admin, kList,
                          {"mesa@cliente.example", "cc@cliente.example", "jefe@cliente.example"})
      .status();
}

Env*& queue_env() {
  static Env* e = nullptr;
  return e;
}

std::atomic<int64_t>& serial() {
  static std::atomic<int64_t> n{0};
  return n;
}

// The request SendDirectoryTest builds, in a thread of 4 mails.
MailRequest Request(const Deps& d, int64_t n) {
  return MailRequest{
      "directory.test",
      "",
      {kList},
      {},
      {{"list", kList},
       {"addresses", "mesa@cliente.example, cc@cliente.example, jefe@cliente.example"},
       {"sent_by", "bench"},
       {"sent_at", LocalTime(d.clock.Now(), d.desks->For(kMainDesk).desk.time_zone)},
       {"desk_time_zone", d.desks->For(kMainDesk).desk.time_zone}},
      "case:" + std::to_string(n / 4)};
}

// Queues `per_tx` mails in one Write(); `advance` moves the clock before each mail.
Status QueueBatch(Env& e, int per_tx, Micros advance) {
  return e.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    for (int k = 0; k < per_tx; ++k) {
      if (advance.count() > 0) e.clock.Advance(advance);
      ATIENDE_ASSIGN_OR_RETURN(auto m, QueueMail(tx, *e.deps, Request(*e.deps, serial()++)));
      if (m.status != "queued") return Status::Internal("mail " + m.status + ": " + m.last_error);
    }
    return Status::Ok();
  });
}

void BM_QueueMail(benchmark::State& state, int per_tx) {
  Env& e = *queue_env();
  std::pair<uint64_t, uint64_t> before{};
  if (state.thread_index() == 0 && e.sqlite) before = e.sqlite->CommitStats();
  for (auto _ : state) {
    Status s = QueueBatch(e, per_tx, std::chrono::minutes(1));
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * per_tx);
  if (state.thread_index() == 0 && e.sqlite) {
    auto after = e.sqlite->CommitStats();
    double commits = static_cast<double>(after.first - before.first);
    state.counters["commits"] = commits;
    state.counters["closures_per_commit"] =
        commits > 0 ? static_cast<double>(after.second - before.second) / commits : 0;
  }
}

void BM_QueueMailSameHour(benchmark::State& state) {
  Env& e = *queue_env();
  const int per_tx = 10, window = 2000;
  const int batches = static_cast<int>(state.max_iterations);
  std::vector<Clock::time_point> at;
  at.reserve(batches + 1);
  at.push_back(Clock::now());
  for (auto _ : state) {
    Status s = QueueBatch(e, per_tx, Micros(0));
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    at.push_back(Clock::now());
  }
  state.SetItemsProcessed(state.iterations() * per_tx);
  const size_t w = window / per_tx;
  if (at.size() > 2 * w) {
    auto rate = [&](size_t from) {
      return window / std::chrono::duration<double>(at[from + w] - at[from]).count();
    };
    state.counters["first_per_s"] = rate(0);
    state.counters["last_per_s"] = rate(at.size() - 1 - w);
  }
}

// ---- delivery ----

// Counts the time spent inside the wrapped transport's Send.
class TimedTransport final : public mail::Transport {
 public:
  explicit TimedTransport(mail::Transport& inner) : inner_(inner) {}
  Status Send(const mail::Message& m, const std::string& rendered) override {
    auto t0 = Clock::now();
    Status s = inner_.Send(m, rendered);
    spent += Clock::now() - t0;
    return s;
  }
  std::string_view name() const override { return inner_.name(); }
  Clock::duration spent{};

 private:
  mail::Transport& inner_;
};

struct Sink {
  pid_t pid = -1;
  int port = 0;
  std::string record;
};

struct Delivery {
  Sink sink;
  std::unique_ptr<Env> env;  // its own SQLite store: the queueing benchmarks' mails stay apart
  double atiende = 0, transport = 0, plain = 0;  // mails/s
};

Delivery& delivery() {
  static Delivery d;
  return d;
}

// Starts tests/smtp_sink.py; its first stdout line is the port. The sink dies with us.
Result<Sink> StartSink(const std::string& record) {
  std::string script = settings().source_dir + "/tests/smtp_sink.py";
  int fds[2];
  if (pipe(fds) != 0) return Status::Internal("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl("/usr/bin/python3", "python3", script.c_str(), record.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  std::string line;
  pollfd p{fds[0], POLLIN, 0};
  char buf[64];
  while (line.find('\n') == std::string::npos) {
    ssize_t n = poll(&p, 1, 10000) > 0 ? read(fds[0], buf, sizeof buf) : -1;
    if (n <= 0) {
      close(fds[0]);
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
      return Status::Unavailable("no port from " + script);
    }
    line.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  return Sink{pid, std::atoi(line.c_str()), record};
}

void StopSink(Sink& s) {
  if (s.pid <= 0) return;
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
  s.pid = -1;
}

// Distinct SMTP connections among records [from, from + count) of the sink's file.
int Connections(const std::string& record, int from, int count) {
  std::ifstream in(record);
  std::string line;
  std::set<int64_t> seen;
  for (int i = 0; std::getline(in, line) && i < from + count; ++i) {
    if (i < from) continue;
    auto v = boost::json::parse(line);
    seen.insert(v.as_object().at("connection").to_number<int64_t>());
  }
  return static_cast<int>(seen.size());
}

Result<std::unique_ptr<mail::SmtpTransport>> NewTransport() {
  mail::SmtpOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(delivery().sink.port);
  o.starttls = mail::SmtpOptions::StartTls::kNone;
  return mail::SmtpTransport::Create(o);
}

// Starts the sink and queues N mails on a fresh SQLite store (not timed).
Status PrepareDelivery() {
  Delivery& d = delivery();
  const std::string dir = settings().data_dir;
  ATIENDE_ASSIGN_OR_RETURN(d.sink, StartSink(dir + "/smtp-record.jsonl"));
  d.env = std::make_unique<Env>();
  ATIENDE_RETURN_IF_ERROR(OpenEnv(*d.env, "sqlite", dir + "/deliver.db"));
  d.env->deps->mail.rate_cap_per_hour = 1 << 30;  // N mails to 3 addresses within the hour
  for (int queued = 0; queued < settings().deliver; queued += 50) {
    ATIENDE_RETURN_IF_ERROR(
        QueueBatch(*d.env, std::min(50, settings().deliver - queued), Micros(0)));
  }
  return Status::Ok();
}

void BM_DeliverAtiende(benchmark::State& state) {
  Delivery& d = delivery();
  if (Status s = PrepareDelivery(); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  auto transport = NewTransport();
  if (!transport.ok()) {
    state.SkipWithError(transport.status().ToString().c_str());
    return;
  }
  TimedTransport timed(**transport);
  MailDelivery worker(*d.env->deps, timed, "bench-node");
  auto commits = d.env->sqlite->CommitStats().first;
  int handled = 0;
  Clock::duration elapsed{};
  for (auto _ : state) {
    auto t0 = Clock::now();
    handled = worker.RunOnce();
    elapsed = Clock::now() - t0;
  }
  int64_t sent = 0;
  (void)d.env->store->Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(auto ms, tx.mail().List({"sent", "", 0, settings().deliver + 10}));
    sent = static_cast<int64_t>(ms.size());
    return Status::Ok();
  });
  if (handled != settings().deliver || sent != handled) {
    state.SkipWithError(("handled " + std::to_string(handled) + ", sent " + std::to_string(sent) +
                         " of " + std::to_string(settings().deliver))
                            .c_str());
    return;
  }
  state.SetItemsProcessed(handled);
  d.atiende = handled / std::chrono::duration<double>(elapsed).count();
  state.counters["smtp_share"] = std::chrono::duration<double>(timed.spent) / elapsed;
  state.counters["commits"] = static_cast<double>(d.env->sqlite->CommitStats().first - commits);
  state.counters["connections"] = Connections(d.sink.record, 0, handled);
}

void BM_DeliverTransport(benchmark::State& state) {
  Delivery& d = delivery();
  if (d.sink.pid <= 0) {
    state.SkipWithError("needs Deliver/atiende first");
    return;
  }
  std::vector<std::pair<mail::Message, std::string>> mails;
  (void)d.env->store->Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(auto ms, tx.mail().List({"sent", "", 0, settings().deliver}));
    for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
      mail::Message m =
          OutboxMessage(*it, d.env->deps->mail, d.env->deps->desks->For(it->desk).desk);
      auto rendered = mail::Render(m);
      if (rendered.ok()) mails.emplace_back(std::move(m), std::move(rendered).value());
    }
    return Status::Ok();
  });
  auto transport = NewTransport();
  if (!transport.ok() || mails.size() != static_cast<size_t>(settings().deliver)) {
    state.SkipWithError("cannot prepare the messages");
    return;
  }
  Clock::duration elapsed{};
  for (auto _ : state) {
    auto t0 = Clock::now();
    for (const auto& [m, rendered] : mails) {
      if (Status s = (*transport)->Send(m, rendered); !s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        return;
      }
    }
    elapsed = Clock::now() - t0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(mails.size()));
  d.transport = static_cast<double>(mails.size()) / std::chrono::duration<double>(elapsed).count();
  state.counters["connections"] =
      Connections(d.sink.record, settings().deliver, settings().deliver);
}

void BM_DeliverPlainClient(benchmark::State& state) {
  Delivery& d = delivery();
  if (d.sink.pid <= 0) {
    state.SkipWithError("needs Deliver/atiende first");
    return;
  }
  // Resends the records of Deliver/atiende (the first N): the same bytes and envelopes.
  const std::string cmd = "timeout 300 /usr/bin/python3 " + settings().source_dir +
                          "/bench/smtp_plain_client.py --port " + std::to_string(d.sink.port) +
                          " --record " + d.sink.record + " --count " +
                          std::to_string(settings().deliver);
  std::string out;
  for (auto _ : state) {
    FILE* p = popen(cmd.c_str(), "r");
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    if (!p || pclose(p) != 0) {
      state.SkipWithError(("plain client failed: " + out).c_str());
      return;
    }
  }
  auto v = boost::json::parse(out).as_object();
  state.SetIterationTime(v.at("seconds").to_number<double>());
  state.SetItemsProcessed(v.at("sent").to_number<int64_t>());
  d.plain = v.at("per_second").to_number<double>();
  state.counters["connections"] =
      Connections(d.sink.record, 2 * settings().deliver, settings().deliver);
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
  s.data_dir = env_or("ATIENDE_BENCH_DATA_DIR", "");
  s.min_time = std::atof(env_or("ATIENDE_BENCH_MIN_TIME", "3").c_str());
  s.deliver = std::atoi(env_or("ATIENDE_BENCH_DELIVER", "3000").c_str());
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--backend=", 0) == 0) s.backend = a.substr(10);
    if (a.rfind("--pg-url=", 0) == 0) s.pg_url = a.substr(9);
    if (a.rfind("--data-dir=", 0) == 0) s.data_dir = a.substr(11);
    if (a.rfind("--min-time=", 0) == 0) s.min_time = std::atof(a.substr(11).c_str());
    if (a.rfind("--deliver=", 0) == 0) s.deliver = std::atoi(a.substr(10).c_str());
    if (a.rfind("--source-dir=", 0) == 0) s.source_dir = a.substr(13);
  }
  if (s.min_time <= 0) s.min_time = 3;
}

}  // namespace
}  // namespace atiende::bench

int main(int argc, char** argv) {
  using namespace atiende::bench;
  benchmark::Initialize(&argc, argv);
  ParseSettings(argc, argv);
  Settings& s = settings();
  if (s.backend != "sqlite" && s.backend != "postgresql") {
    std::fprintf(stderr, "mail_bench: --backend must be sqlite or postgresql\n");
    return 2;
  }
  if (s.data_dir.empty()) {
    char tmpl[] = "/tmp/atiende-mail-bench-XXXXXX";
    if (!mkdtemp(tmpl)) return 2;
    s.data_dir = tmpl;
    s.own_data_dir = true;
  }
  auto env = std::make_unique<Env>();
  auto st = OpenEnv(*env, s.backend, s.backend == "sqlite" ? s.data_dir + "/atiende.db" : s.pg_url);
  if (!st.ok()) {
    std::fprintf(stderr,
                 "mail_bench: %s\nusage: mail_bench [--backend=sqlite|postgresql] [--pg-url=URL]"
                 " [--data-dir=DIR] [--min-time=S] [--deliver=N] [--source-dir=DIR]"
                 " [benchmark flags]\n",
                 st.ToString().c_str());
    return 2;
  }
  env->deps->mail.rate_cap_per_hour = 1000;
  queue_env() = env.get();
  benchmark::AddCustomContext("backend", s.backend);
  benchmark::AddCustomContext("fsync_p50_us_before", std::to_string(FsyncMicros(s.data_dir)));

  for (int per_tx : {1, 10}) {
    benchmark::RegisterBenchmark(("QueueMail/per_tx:" + std::to_string(per_tx)).c_str(),
                                 [per_tx](benchmark::State& st) { BM_QueueMail(st, per_tx); })
        ->MinTime(s.min_time)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond)
        ->Threads(1)
        ->Threads(8);
  }
  benchmark::RegisterBenchmark("QueueMailSameHour",
                               [](benchmark::State& st) {
                                 queue_env()->deps->mail.rate_cap_per_hour = 1 << 30;
                                 BM_QueueMailSameHour(st);
                                 queue_env()->deps->mail.rate_cap_per_hour = 1000;
                               })
      ->Iterations(2000)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  if (s.deliver > 0) {
    benchmark::RegisterBenchmark("Deliver/atiende", BM_DeliverAtiende)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("Deliver/smtp_transport", BM_DeliverTransport)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("Deliver/plain_client", BM_DeliverPlainClient)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  std::printf("fsync p50 after the run: %.0f us\n", FsyncMicros(s.data_dir));
  Delivery& d = delivery();
  if (d.atiende > 0 && d.plain > 0) {
    std::printf(
        "delivery over one SMTP connection: Atiende %.0f mails/s, SmtpTransport alone %.0f/s,"
        " plain smtplib client %.0f/s; Atiende / plain client = %.2f, SmtpTransport / plain"
        " client = %.2f\n",
        d.atiende, d.transport, d.plain, d.atiende / d.plain, d.transport / d.plain);
  }
  StopSink(d.sink);
  d.env.reset();
  queue_env() = nullptr;
  env.reset();
  if (s.own_data_dir) std::filesystem::remove_all(s.data_dir);
  return 0;
}
