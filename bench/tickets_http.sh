#!/usr/bin/env bash
# bench/tickets_http.sh: the NM desk's tickets over HTTP, SQLite and PostgreSQL side by
# side; figures go to docs/BENCHMARKS.md ("NM desk: tickets over HTTP").
#
# For each backend ($BACKENDS, $ROUNDS times, alternating):
#   1. a fresh store with $CUSTOMERS customers, each with an e-mail address, so every
#      opening queues a mail (`atiende import customers` of a generated TSV), an agent
#      and an API token (`atiende user add`, `atiende token create`);
#   2. `atiende serve` with ATIENDE_MAIL_RATE_CAP=$MAIL_RATE_CAP (the per-address loop
#      cap would otherwise fail mails) and no SMTP: the delivery worker keeps each mail
#      as an .eml file (fsync of the file and of the folder) in the same process;
#   3. wrk (keep-alive, $WRK_THREADS threads, $WRK_CONNECTIONS connections, --latency)
#      with bench/tickets_open.lua: POST /api/v1/tickets, a new service id per request,
#      so each answer should be 201 (ticket + call + audit row + mail, one transaction);
#      every other status is counted and reported;
#   4. wrk with bench/tickets_get.lua: GET /api/v1/tickets/{number} over the numbers
#      step 3 created (before step 3, BASELINE=1: the same script on GET /healthz, a
#      public route with an empty read transaction: what the HTTP stack alone allows);
#   for each wrk run: client req/s and p50/p90/p99 (wrk), server-side mean (/metrics),
#   CPU of the server, of wrk, of PostgreSQL, and of the whole machine (other sessions),
#   fsync calls of the server (perf stat tracepoints: fdatasync = SQLite WAL commits,
#   fsync = .eml files and their folder), mails the delivery worker wrote meanwhile;
#   5. SQLite only, PROFILE=1: the same two loads again for $PROFILE_SECONDS under
#      `perf record --call-graph dwarf`, digested: share per thread (writer, HTTP
#      workers, io threads, mail delivery), top functions by self time, atiende
#      functions by inclusive time, system calls.
# The disk's fsync time (4 KiB write + fdatasync, median of 50) is measured before and
# after each backend: about 0.1 ms is the disk's fast state, about 4 ms its throttled one.
# Every step has a time limit; a failed step is reported and the script goes on.
# Everything is kept in $BENCH_DIR/last/ (summary.txt, wrk outputs, perf reports).
#
# Settings (environment, defaults):
#   BUILD=build (configured Release if new)  BENCH_DIR=/tmp/atiende-bench-tickets
#   BACKENDS="sqlite postgresql"  ROUNDS=2  CUSTOMERS=2000  PORT=18110
#   WRK_THREADS=2  WRK_CONNECTIONS=32  OPEN_DURATION=20s  GET_DURATION=20s
#   BASELINE=1  BASELINE_DURATION=10s  PROFILE=1  PROFILE_SECONDS=8  PERF_FREQ=499
#   STOP_WAIT=20 (s after SIGTERM, then SIGKILL)  MAIL_RATE_CAP=100000
#   KEEP_DATA=0 (1: keep each backend's data dir, tens of thousands of .eml files)
# The server reads ATIENDE_* variables as usual (e.g. ATIENDE_WORKERS=32).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD="$ROOT/$BUILD"
BENCH_DIR=${BENCH_DIR:-/tmp/atiende-bench-tickets}
BACKENDS=${BACKENDS:-sqlite postgresql}
ROUNDS=${ROUNDS:-2}
CUSTOMERS=${CUSTOMERS:-2000}
PORT=${PORT:-18110}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
OPEN_DURATION=${OPEN_DURATION:-20s}
GET_DURATION=${GET_DURATION:-20s}
PROFILE=${PROFILE:-1}
BASELINE=${BASELINE:-1}
BASELINE_DURATION=${BASELINE_DURATION:-10s}
PROFILE_SECONDS=${PROFILE_SECONDS:-8}
PERF_FREQ=${PERF_FREQ:-499}
MAIL_RATE_CAP=${MAIL_RATE_CAP:-100000}
KEEP_DATA=${KEEP_DATA:-0}
PY=/usr/bin/python3
PGBIN=/usr/lib/postgresql/15/bin

OUT="$BENCH_DIR/last"
SUMMARY="$OUT/summary.txt"
SERVER_PID=""
PG_DIR=""
RESULTS="$OUT/results.tsv"  # backend round load rps p50 p90 p99 non2xx server_cpu ...

mkdir -p "$BENCH_DIR"
rm -rf "$OUT"
mkdir -p "$OUT"

say() { echo "$*" | tee -a "$SUMMARY"; }
step() { echo; echo "== $*"; }
secs_of() { local d=$1; d=${d%s}; echo "$d"; }  # "20s" → 20 (wrk durations in seconds)

stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    if ! timeout "${STOP_WAIT:-20}" tail --pid="$SERVER_PID" -f /dev/null; then
      # Seen with a mail backlog: MailDelivery::RunOnce drains every due mail before
      # it looks at Stop().
      echo "server still running ${STOP_WAIT:-20}s after SIGTERM: killed" | tee -a "$SUMMARY"
      kill -KILL "$SERVER_PID" 2>/dev/null
    fi
  fi
  SERVER_PID=""
}
stop_pg() {
  if [[ -n $PG_DIR ]]; then
    timeout 60 "$ROOT/scripts/pg-test-server" stop "$PG_DIR" >/dev/null 2>&1 || true
  fi
  PG_DIR=""
}
cleanup() { stop_server; stop_pg; }
trap cleanup EXIT

# fsync_probe: the disk's fsync time here, median of 50 (4 KiB write + fdatasync), in µs.
fsync_probe() {
  timeout 60 $PY - "$BENCH_DIR" <<'PY' || echo "fsync_probe_failed"
import os, statistics, sys, time
path = os.path.join(sys.argv[1], "fsync-probe.bin")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
block = os.urandom(4096)
samples = []
for i in range(50):
    os.pwrite(fd, block, (i % 16) * 4096)
    t = time.perf_counter()
    os.fdatasync(fd)
    samples.append((time.perf_counter() - t) * 1e6)
os.close(fd)
os.unlink(path)
samples.sort()
med = statistics.median(samples)
state = "fast" if med < 1000 else "throttled" if med > 2500 else "between"
print(f"{med:.0f} us median (p10 {samples[5]:.0f}, p90 {samples[44]:.0f}; {state})")
PY
}

# CPU ticks (utime + stime) of a set of pids.
cpu_ticks() {
  local total=0 p f
  for p in "$@"; do
    f=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
    [[ -n $f ]] && total=$((total + ${f% *} + ${f#* }))
  done
  echo "$total"
}
pg_pids() {  # the postmaster of our throwaway server and its children
  [[ -n $PG_DIR && -f $PG_DIR/home ]] || return 0
  local pm
  pm=$(head -1 "$(cat "$PG_DIR/home")/data/postmaster.pid" 2>/dev/null) || return 0
  [[ -n $pm ]] || return 0
  echo "$pm"
  pgrep -P "$pm" 2>/dev/null
}
machine_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }

# metrics_route FILE ROUTE: "count sum_seconds" of a route in a /metrics dump.
metrics_route() {
  awk -v r="route=\"$2\"" 'index($0, r) && /_count\{/ {c=$NF} index($0, r) && /_sum\{/ {s=$NF}
    END {print (c ? c : 0), (s ? s : 0)}' "$1" 2>/dev/null
}

# wrk_run NAME SCRIPT DURATION ROUTE [env assignments...]: one measured wrk run
# against $SERVER_PID, with the figures around it. Appends a line to $RESULTS.
wrk_run() {
  local name=$1 script=$2 duration=$3 route=$4
  shift 4
  local secs t_wall0 t_wall1 srv0 srv1 pg0 pg1 m0 m1 mail0 mail1 c0 s0 c1 s1
  secs=$(secs_of "$duration")
  step "wrk $name: $WRK_THREADS threads, $WRK_CONNECTIONS connections, $duration"
  curl -s -m 5 "http://127.0.0.1:$PORT/metrics" >"$OUT/$name.metrics-before" || true
  mail0=$(ls -f "$DATA/mail" 2>/dev/null | grep -c '\.eml$')
  local backlog0
  backlog0=$(mail_backlog "$backend")
  srv0=$(cpu_ticks "$SERVER_PID")
  # shellcheck disable=SC2046
  pg0=$(cpu_ticks $(pg_pids))
  m0=$(machine_ticks)
  t_wall0=$(date +%s.%N)
  # fsync calls of the server during the run (tracepoints: counting only).
  timeout $((secs + 30)) perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync \
    -p "$SERVER_PID" -o "$OUT/$name.perfstat" -- sleep "$secs" >/dev/null 2>&1 &
  local perf_pid=$!
  # PostgreSQL: what the server's active sessions wait on, sampled every 0.5 s.
  local waits_pid=""
  if [[ -n $PG_URL ]]; then
    (
      end=$((SECONDS + secs))
      while ((SECONDS < end)); do
        timeout 5 "$PGBIN/psql" -Atq "$PG_URL" -c "SELECT coalesce(wait_event_type, 'CPU') || ':' ||
          coalesce(wait_event, '-') FROM pg_stat_activity WHERE datname = current_database()
          AND state = 'active' AND pid <> pg_backend_pid()" 2>/dev/null
        sleep 0.5
      done
    ) >"$OUT/$name.pgwaits" &
    waits_pid=$!
  fi
  env "$@" ATIENDE_TOKEN="$TOKEN" timeout $((secs + 120)) /usr/bin/time -f "wrk_cpu %U %S" \
    -o "$OUT/$name.wrktime" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$duration" --latency \
    --timeout 10s -s "$ROOT/bench/$script" "http://127.0.0.1:$PORT" >"$OUT/$name.wrk" 2>&1
  local rc=$?
  t_wall1=$(date +%s.%N)
  srv1=$(cpu_ticks "$SERVER_PID")
  # shellcheck disable=SC2046
  pg1=$(cpu_ticks $(pg_pids))
  m1=$(machine_ticks)
  mail1=$(ls -f "$DATA/mail" 2>/dev/null | grep -c '\.eml$')
  wait "$perf_pid" 2>/dev/null
  [[ -n $waits_pid ]] && wait "$waits_pid" 2>/dev/null
  curl -s -m 5 "http://127.0.0.1:$PORT/metrics" >"$OUT/$name.metrics-after" || true
  cat "$OUT/$name.wrk"
  if [[ $rc != 0 ]] || ! grep -q '^wrk_summary' "$OUT/$name.wrk"; then
    say "$name: wrk FAILED (rc=$rc): $(tail -3 "$OUT/$name.wrk" | tr '\n' ' ')"
    return 1
  fi
  read -r c0 s0 <<<"$(metrics_route "$OUT/$name.metrics-before" "$route")"
  read -r c1 s1 <<<"$(metrics_route "$OUT/$name.metrics-after" "$route")"
  local hz fdatasync fsync wrk_cpu
  hz=$(getconf CLK_TCK)
  fdatasync=$(awk -F, '/fdatasync/ {print $1}' "$OUT/$name.perfstat" 2>/dev/null)
  fsync=$(awk -F, '/sys_enter_fsync/ {print $1}' "$OUT/$name.perfstat" 2>/dev/null)
  wrk_cpu=$(awk '/^wrk_cpu/ {print $2 + $3}' "$OUT/$name.wrktime" 2>/dev/null)
  $PY - "$name" "$t_wall0" "$t_wall1" "$srv0" "$srv1" "$pg0" "$pg1" "$m0" "$m1" "$hz" \
    "${c0:-0}" "${s0:-0}" "${c1:-0}" "${s1:-0}" "${fdatasync:-?}" "${fsync:-?}" "${wrk_cpu:-0}" \
    "$mail0" "$mail1" "$OUT/$name.wrk" "$RESULTS" <<'PY' | tee -a "$SUMMARY"
import sys
(name, w0, w1, srv0, srv1, pg0, pg1, m0, m1, hz, c0, s0, c1, s1, fds, fs, wrk_cpu,
 mail0, mail1, wrk_out, results) = sys.argv[1:]
wall = float(w1) - float(w0)
hz = float(hz)
srv = (int(srv1) - int(srv0)) / hz / wall
pg = (int(pg1) - int(pg0)) / hz / wall
mb0, mt0 = map(int, m0.split())
mb1, mt1 = map(int, m1.split())
busy = (mb1 - mb0) / max(mt1 - mt0, 1) * 2  # in cores, 2-core machine
wrk = float(wrk_cpu) / wall
summary = {}
status = ""
for line in open(wrk_out):
    if line.startswith("wrk_summary "):
        summary = dict(kv.split("=", 1) for kv in line.split()[1:])
    if line.startswith("wrk_status "):
        status = line[len("wrk_status "):].strip()
n = float(c1) - float(c0)
server_mean = (float(s1) - float(s0)) / n * 1e3 if n > 0 else float("nan")
rps = float(summary.get("rps", 0))
bad = int(summary.get("non2xx", 0)) + int(summary.get("timeouts", 0)) + int(summary.get("socket_errors", 0))
try:
    fds_s = f"{int(fds) / wall:.0f}/s"
    per_commit = f"{rps / (int(fds) / wall):.1f}" if int(fds) else "-"
except ValueError:
    fds_s, per_commit = "?", "-"
try:
    fs_s = f"{int(fs) / wall:.0f}/s"
except ValueError:
    fs_s = "?"
mails = (int(mail1) - int(mail0)) / wall
other = busy - srv - pg - wrk
print(f"{name}: {rps:.0f} req/s, p50 {summary.get('p50_ms')} ms, p90 {summary.get('p90_ms')} ms,"
      f" p99 {summary.get('p99_ms')} ms, max {summary.get('max_ms')} ms;"
      f" errors (non-2xx + timeouts + socket) {bad}; statuses: {status}")
print(f"  server-side mean {server_mean:.3f} ms over {n:.0f} requests;"
      f" CPU (cores of 2): server {srv:.2f}, wrk {wrk:.2f}, postgres {pg:.2f},"
      f" others {max(other, 0):.2f}, machine busy {busy:.2f}")
print(f"  server fdatasync {fds_s} (requests per fdatasync: {per_commit}), fsync {fs_s};"
      f" .eml files written by the delivery worker: {mails:.0f}/s")
with open(results, "a") as f:
    f.write("\t".join(map(str, [name, f"{rps:.0f}", summary.get("p50_ms"), summary.get("p99_ms"),
                                bad, f"{srv:.2f}", f"{server_mean:.3f}"])) + "\n")
PY
  say "  mail backlog (queued + sending) before / after the run: $backlog0 / $(mail_backlog "$backend")"
  if [[ -s $OUT/$name.pgwaits ]]; then
    say "  PostgreSQL active sessions by wait event (samples every 0.5 s): $(sort "$OUT/$name.pgwaits" |
      uniq -c | sort -rn | head -6 | awk '{printf "%s %s, ", $2, $1}')"
  fi
}

# profile NAME SCRIPT [env...]: perf record (DWARF call graphs: the system libraries
# have no frame pointers) of the server under one load, digested by perf_digest.
profile() {
  local name=$1 script=$2
  shift 2
  step "profile $name (${PROFILE_SECONDS}s of perf record --call-graph dwarf -F $PERF_FREQ)"
  env "$@" ATIENDE_TOKEN="$TOKEN" timeout $((PROFILE_SECONDS + 120)) wrk -t"$WRK_THREADS" \
    -c"$WRK_CONNECTIONS" -d$((PROFILE_SECONDS + 3))s --timeout 10s -s "$ROOT/bench/$script" \
    "http://127.0.0.1:$PORT" >"$OUT/$name.wrk" 2>&1 &
  local wrk_pid=$!
  sleep 1
  timeout $((PROFILE_SECONDS + 60)) perf record -q --call-graph dwarf,16384 -F "$PERF_FREQ" \
    -p "$SERVER_PID" -o "$OUT/$name.perf.data" -- sleep "$PROFILE_SECONDS" >/dev/null 2>"$OUT/$name.perf.log"
  wait "$wrk_pid"
  say "$name (under perf): $(grep -h '^wrk_summary' "$OUT/$name.wrk" | cut -d' ' -f2-4,7,11-)"
  [[ -s $OUT/$name.perf.data ]] || { say "$name: perf record FAILED: $(tail -2 "$OUT/$name.perf.log")"; return 1; }
  timeout 300 perf report -i "$OUT/$name.perf.data" --no-children -g none --stdio -q \
    --sort dso --percent-limit 0.5 >"$OUT/$name.dso.txt" 2>/dev/null
  timeout 300 perf script -i "$OUT/$name.perf.data" -F tid,ip,sym,dso >"$OUT/$name.perf.script" 2>/dev/null
  {
    echo "$name: by library (self):"
    head -8 "$OUT/$name.dso.txt" | sed 's/^ */  /'
    timeout 300 $PY - "$OUT/$name.perf.script" <<'PYDIGEST'
import collections, re, sys
samples, cur = [], None
for line in open(sys.argv[1], errors="replace"):
    s = line.strip()
    if not s:
        if cur: samples.append(cur)
        cur = None
        continue
    if cur is None:
        cur = (s.split()[0], [])
        continue
    parts = s.split(None, 1)
    if len(parts) < 2: continue
    m = re.match(r"(.*) \(([^()]*)\)$", parts[1])
    cur[1].append((m.group(1), m.group(2).rsplit("/", 1)[-1]) if m else (parts[1], "?"))
if cur: samples.append(cur)
n = len(samples)
if not n:
    print("no samples"); sys.exit(0)

def short(sym):  # drops template and parameter lists: "ns::Class::Fn"
    depth, out = 0, []
    for ch in sym:
        if ch in "<(": depth += 1
        elif ch in ">)": depth -= 1
        elif depth == 0: out.append(ch)
    s = re.sub(r"::\{lambda#\d+\}.*", "", "".join(out)).replace("[abi:cxx11]", "")
    return s.strip() or sym[:60]

def role_of(frames):
    names = " ".join(f[0] for f in frames)
    if "SqliteStore::WriterLoop" in names: return "sqlite writer thread"
    if "MailDelivery" in names: return "mail delivery thread"
    if "Housekeeping" in names: return "housekeeping thread"
    if "thread_pool::thread_function" in names or "boost_asio_detail_posix_thread_function" in names:
        return "HTTP workers (thread pool)"
    if "scheduler::run" in names or "Server::Run" in names: return "HTTP io threads"
    return None

votes = collections.defaultdict(collections.Counter)
for tid, fr in samples:
    r = role_of(fr)
    if r: votes[tid][r] += 1
tid_role = {t: c.most_common(1)[0][0] for t, c in votes.items()}
roles, leaf, incl, sysc = (collections.Counter() for _ in range(4))
role_leaf = collections.defaultdict(collections.Counter)
role_incl = collections.defaultdict(collections.Counter)
for tid, fr in samples:
    r = tid_role.get(tid, "unattributed")
    roles[r] += 1
    if fr:
        l = f"{short(fr[0][0]) if not fr[0][0].startswith('[unknown]') else '[unknown]'} [{fr[0][1]}]"
        leaf[l] += 1
        role_leaf[r][l] += 1
    seen = set()
    for sym, dso in fr:
        if sym.startswith("atiende::") or sym.startswith("__x64_sys_"):
            s = short(sym)
            if s not in seen:
                seen.add(s)
                (incl if s.startswith("atiende::") else sysc)[s] += 1
                role_incl[r][s] += 1
pct = lambda c: f"{100.0 * c / n:5.1f}%"
print(f"samples: {n} from {len(set(t for t, _ in samples))} threads"
      f" ({', '.join(f'{v}: {k}' for k, v in collections.Counter(tid_role.values()).items())})")
print("by thread (% of the server's samples):")
for r, c in roles.most_common(): print(f"  {pct(c)}  {r}")
print("top 25 functions, self:")
for s, c in leaf.most_common(25): print(f"  {pct(c)}  {s}")
print("atiende functions, inclusive (self + callees; a lambda counts as its function):")
for s, c in incl.most_common(35): print(f"  {pct(c)}  {s}")
print("system calls, inclusive:")
for s, c in sysc.most_common(8): print(f"  {pct(c)}  {s}")
for r, c in roles.most_common(3):
    print(f"-- {r} ({pct(c)}): top self")
    for s, k in role_leaf[r].most_common(8): print(f"  {pct(k)}  {s}")
PYDIGEST
  } >"$OUT/$name.digest.txt" 2>&1
  tee -a "$SUMMARY" <"$OUT/$name.digest.txt"
  rm -f "$OUT/$name.perf.script"
}

# mail_backlog BACKEND: mails queued or being sent (what the delivery worker still has to do).
mail_backlog() {
  local q="SELECT count(*) FROM mail_outbox WHERE status IN ('queued', 'sending')"
  if [[ $1 = sqlite ]]; then
    timeout 30 sqlite3 -readonly "$DATA/atiende.db" "$q" 2>/dev/null || echo "?"
  else
    timeout 30 "$PGBIN/psql" -Atq "$PG_URL" -c "$q" 2>/dev/null || echo "?"
  fi
}

# store_counts BACKEND: rows behind the openings (each should have a call, an audit
# row and a mail) and the mails' states.
store_counts() {
  local q="SELECT 'tickets', count(*) FROM tickets UNION ALL SELECT 'interactions', count(*) FROM interactions
    UNION ALL SELECT 'audit(ticket.open)', count(*) FROM audit WHERE action = 'ticket.open'
    UNION ALL SELECT 'mail_outbox', count(*) FROM mail_outbox
    UNION ALL SELECT 'mail ' || status, count(*) FROM mail_outbox GROUP BY status"
  if [[ $1 = sqlite ]]; then
    timeout 60 sqlite3 -readonly "$DATA/atiende.db" "$q" 2>&1 | tr '|\n' '= ' || true
  else
    timeout 60 "$PGBIN/psql" -Atq -F= "$PG_URL" -c "$q" 2>&1 | tr '\n' ' ' || true
  fi
}

step "build ($BUILD)"
if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$OUT/cmake.log" 2>&1 ||
    { tail -20 "$OUT/cmake.log"; exit 1; }
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")
timeout 1200 cmake --build "$BUILD" -j"$(nproc)" --target atiende >"$OUT/build.log" 2>&1 ||
  { tail -30 "$OUT/build.log"; echo "build failed"; exit 1; }
BIN="$BUILD/atiende"
for tool in wrk perf curl; do
  command -v $tool >/dev/null || { echo "$tool is missing (scripts/bootstrap installs wrk)"; exit 1; }
done

say "# tickets over HTTP $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+dirty'), build $build_type ($BUILD)"
say "machine: nproc=$(nproc) cpu=\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\" ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) kernel=$(uname -r)"
say "settings: customers=$CUSTOMERS wrk=${WRK_THREADS}t/${WRK_CONNECTIONS}c open=$OPEN_DURATION get=$GET_DURATION rounds=$ROUNDS mail_rate_cap=$MAIL_RATE_CAP workers=${ATIENDE_WORKERS:-default (32; PostgreSQL: at most the pool)}"
[[ $build_type = Release ]] || say "WARNING: $BUILD is a $build_type build, not Release"

step "customers"
TSV="$BENCH_DIR/customers-$CUSTOMERS.tsv"
$PY - "$CUSTOMERS" "$TSV" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("CODIGO\tCLIENTES\tNIT\tEMAIL\tCRITICO\n")
    for i in range(1, n + 1):
        crit = "Prioritario" if i % 7 == 0 else ""
        f.write(f"B{i:06d}\tCliente Bench {i} S.A.S.\t{900000000 + i}\tnoc{i}@cliente{i}.example\t{crit}\n")
PY

for round in $(seq 1 "$ROUNDS"); do
  for backend in $BACKENDS; do
    tag="$backend-r$round"
    step "$tag"
    say ""
    say "## $tag: load $(cut -d' ' -f1-3 /proc/loadavg); disk fsync before: $(fsync_probe)"
    DATA="$BENCH_DIR/data-$tag"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    PG_URL=""
    unset ATIENDE_DATABASE_URL
    if [[ $backend = postgresql ]]; then
      PG_DIR="$BENCH_DIR/pg-$tag"
      if ! timeout 120 "$ROOT/scripts/pg-test-server" start "$PG_DIR" >"$OUT/$tag.pg-start.log" 2>&1; then
        say "$tag: PostgreSQL did not start: $(tail -3 "$OUT/$tag.pg-start.log" | tr '\n' ' ')"
        stop_pg
        continue
      fi
      PG_URL=$(cat "$PG_DIR/url")
      export ATIENDE_DATABASE_URL=$PG_URL
      say "$tag: $("$PGBIN/psql" -Atq "$PG_URL" -c 'SELECT version()' | cut -d, -f1), synchronous_commit=$("$PGBIN/psql" -Atq "$PG_URL" -c 'SHOW synchronous_commit'), fsync=$("$PGBIN/psql" -Atq "$PG_URL" -c 'SHOW fsync'), database_pool=${ATIENDE_DATABASE_POOL:-16}"
    else
      say "$tag: SQLite, journal_mode=WAL, synchronous=FULL"
    fi

    if ! timeout 300 "$BIN" import customers "$TSV" --data-dir "$DATA" >"$OUT/$tag.import.log" 2>&1; then
      say "$tag: import FAILED: $(tail -2 "$OUT/$tag.import.log")"
      stop_pg
      continue
    fi
    printf 'bench-password-123\n' | timeout 60 "$BIN" user add bench --role agent --password-stdin \
      --data-dir "$DATA" >/dev/null 2>&1 || true
    TOKEN=$(timeout 60 "$BIN" token create bench --data-dir "$DATA" 2>/dev/null | tail -1)
    if [[ -z $TOKEN ]]; then
      say "$tag: cannot create an API token"
      stop_pg
      continue
    fi

    ATIENDE_MAIL_RATE_CAP=$MAIL_RATE_CAP ATIENDE_SMTP_URL="" "$BIN" serve \
      --listen "127.0.0.1:$PORT" --data-dir "$DATA" 2>"$OUT/$tag.serve.log" >/dev/null &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
      grep -q '"http.listen"' "$OUT/$tag.serve.log" 2>/dev/null && break
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
    if ! grep -q '"http.listen"' "$OUT/$tag.serve.log"; then
      say "$tag: server did not start: $(tail -3 "$OUT/$tag.serve.log" | tr '\n' ' ')"
      stop_server
      stop_pg
      continue
    fi
    # One opening by hand: the request shape is accepted and the mail is queued.
    probe=$(curl -s -m 10 -o "$OUT/$tag.probe.json" -w '%{http_code}' -X POST \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      "http://127.0.0.1:$PORT/api/v1/tickets" \
      -d '{"kind":"incident","category":"outage","customer_id":1,"service_id":"SVC-probe","subject":"Prueba","caller":{"name":"Ana Pérez","phone":"+57 601 555 0000"}}')
    if [[ $probe != 201 ]]; then
      say "$tag: the probe opening answered $probe: $(head -c 300 "$OUT/$tag.probe.json")"
      stop_server
      stop_pg
      continue
    fi
    sleep 1

    # The HTTP baseline: a public point route with an empty read transaction, no
    # token, on a fresh server (no mail backlog yet).
    if [[ $BASELINE = 1 ]]; then
      wrk_run "$tag healthz" tickets_get.lua "$BASELINE_DURATION" "GET /healthz" ATIENDE_PATH=/healthz
    fi
    NUMBERS="$OUT/$tag.numbers"
    wrk_run "$tag open" tickets_open.lua "$OPEN_DURATION" "POST /api/v1/tickets" \
      ATIENDE_CUSTOMERS="$CUSTOMERS" ATIENDE_RUN="m$round" ATIENDE_NUMBERS_OUT="$NUMBERS"
    if [[ -s $NUMBERS ]]; then
      wrk_run "$tag get" tickets_get.lua "$GET_DURATION" "GET /api/v1/tickets/{number}" \
        ATIENDE_NUMBERS="$NUMBERS"
    else
      say "$tag get: skipped (no ticket was created)"
    fi
    if [[ $PROFILE = 1 && $backend = sqlite && $round = 1 ]]; then
      profile "$tag profile-open" tickets_open.lua \
        ATIENDE_CUSTOMERS="$CUSTOMERS" ATIENDE_RUN="p$round"
      [[ -s $NUMBERS ]] && profile "$tag profile-get" tickets_get.lua ATIENDE_NUMBERS="$NUMBERS"
    fi
    say "$tag rows: $(store_counts "$backend")"
    stop_server
    say "$tag: disk fsync after: $(fsync_probe); load $(cut -d' ' -f1-3 /proc/loadavg)"
    stop_pg
    [[ $KEEP_DATA = 1 ]] || rm -rf "$DATA"
  done
done

step "summary ($SUMMARY)"
if [[ -s $RESULTS ]]; then
  $PY - "$RESULTS" <<'PY' | tee -a "$SUMMARY"
import collections, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = collections.defaultdict(list)
for name, rps, p50, p99, bad, cpu, mean in rows:
    backend, load = name.split("-r")[0], name.split()[-1]
    by[(backend, load)].append((float(rps), p50, p99, int(bad), cpu, mean))
print()
print("| load | backend | req/s | p50 ms | p99 ms | errors | server CPU (cores) | server-side mean ms | target |")
print("|---|---|---|---|---|---|---|---|---|")
targets = {"open": 10000, "get": 50000, "healthz": None}
for load in ("healthz", "open", "get"):
    for backend in ("sqlite", "postgresql"):
        for rps, p50, p99, bad, cpu, mean in by.get((backend, load), []):
            t = targets[load]
            verdict = ("baseline" if t is None else
                       "met" if rps >= t and bad == 0 else f"missed ({rps / t:.2f} of {t})")
            print(f"| {load} | {backend} | {rps:.0f} | {p50} | {p99} | {bad} | {cpu} | {mean} | {verdict} |")
for load in ("healthz", "open", "get"):
    s = [r[0] for r in by.get(("sqlite", load), [])]
    p = [r[0] for r in by.get(("postgresql", load), [])]
    if s and p:
        print(f"{load}: SQLite / PostgreSQL = {statistics.mean(s) / statistics.mean(p):.2f}"
              f" (means of {len(s)} and {len(p)} runs)")
PY
fi
say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
