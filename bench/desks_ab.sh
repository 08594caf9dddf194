#!/usr/bin/env bash
# bench/desks_ab.sh: search, ticket opening and follow-up over HTTP, two binaries A/B
# (issue 14, desks: "within 10% of their figures before this issue in the same run");
# figures go to docs/BENCHMARKS.md ("Desks: search, ticket opening and follow-up before
# and after (issue 14)").
#
#   BEFORE=/tmp/ab/atiende-before AFTER=/tmp/ab/atiende-after bench/desks_ab.sh
#   bench/desks_ab.sh BEFORE_BINARY AFTER_BINARY          # the same, as arguments
#
# Nothing is built: the two binaries are given (for example the same tree built at two
# commits). For each backend ($BACKENDS), $ROUNDS rounds; each round runs both binaries,
# in the order before, after in odd rounds and after, before in even ones (ABBA: a drift
# of the machine's load hits both alike). One run of one binary:
#   1. a fresh store: a copy of the binary's template store, made once per binary and
#      cached. The before template: $CUSTOMERS customers from bench/gen_customers.py
#      (--seed $SEED, cached with its queries.tsv) imported with `atiende import
#      customers`, an agent (`atiende user add`) and an API token (`atiende token
#      create`). The after template (AFTER_STORE=migrate): a copy of the before one
#      upgraded by `AFTER db migrate`: the schema is the one a fresh data dir gets (the
#      same migrations), with the same customers, ids and token. AFTER_STORE=import
#      imports with the after binary instead; at 3c3b39d that import is quadratic (each
#      row's lookup by code scans the table: more than 12 minutes for 100k rows, against
#      11 s before), hence the default. SQLite: the data directory is copied;
#      PostgreSQL: a new database created WITH TEMPLATE, on one throwaway server
#      (scripts/pg-test-server) shared by both binaries;
#   2. `atiende serve` with ATIENDE_MAIL_RATE_CAP=$MAIL_RATE_CAP and no SMTP (as
#      bench/tickets_http.sh: each opening queues a mail, the delivery worker keeps it as
#      an .eml file); one search and one opening by hand must answer 200 and 201;
#   3. wrk warm-up, $WARMUP_DURATION of bench/search.lua (not counted: the typo
#      vocabulary is loaded by the first typo search);
#   4. search: wrk with bench/search.lua (GET /api/v1/customers?q=..., the 5,000
#      queries of queries.tsv in rotation) for $SEARCH_DURATION;
#   5. ticket opening: wrk with bench/tickets_open.lua (POST /api/v1/tickets, customers
#      1..$CUSTOMERS, a new service id per request: every answer should be 201) for
#      $OPEN_DURATION;
#   6. follow-up: wrk with bench/tickets_get.lua (GET /api/v1/tickets/{number} over the
#      numbers step 5 created) for $GET_DURATION;
#   for each wrk run: req/s, p50, p90, p99 (wrk --latency), the statuses, the server-side
#   mean of the route (/metrics), the load average before and after, the disk's fsync time
#   just before (4 KiB write + fdatasync, median of 20), the CPU (from /proc, in cores
#   of 2) of the server, of wrk, of PostgreSQL and of everything else ("others": the
#   other sessions on this machine), and the .eml files the server's delivery worker
#   wrote meanwhile (its CPU counts as the server's: it drains the openings' mails
#   during the follow-up run).
# The summary prints per round and binary the three loads, then per round the ratio
# after / before of each metric (both runs of one round are back to back), the median
# ratio over the rounds, and the verdict against 10%: req/s ratio >= 0.90, p50 and p99
# ratios <= 1.10 (on the median ratio; the spread is printed beside it). Also, for
# reading: the server-side mean and the server's CPU per request (server CPU / req/s),
# which the other sessions' load moves less than req/s and latencies.
# Every step has a time limit; a failed step is reported and the script goes on.
# Everything is kept in $BENCH_DIR/last/ (summary.txt, results.tsv, wrk outputs, logs).
#
# Settings (environment, defaults):
#   BEFORE, AFTER (binaries; or the two arguments)  BENCH_DIR=/tmp/atiende-bench-desks
#   BACKENDS=sqlite ("sqlite postgresql" for both)  ROUNDS=3  CUSTOMERS=100000  SEED=42
#   PORT=18120  WRK_THREADS=2  WRK_CONNECTIONS=32  WARMUP_DURATION=3s
#   SEARCH_DURATION=10s  OPEN_DURATION=10s  GET_DURATION=10s
#   STOP_WAIT=20 (s after SIGTERM, then SIGKILL)  MAIL_RATE_CAP=100000
#   FRESH_TEMPLATES=0 (1: rebuild the cached template stores)
#   AFTER_STORE=migrate (or import: see step 1)  IMPORT_TIMEOUT=900 (s per file)
#   PG_ANALYZE=1 (PostgreSQL: ANALYZE each template; 0: leave it to autovacuum)
# The server reads ATIENDE_* variables as usual (e.g. ATIENDE_WORKERS=32).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BEFORE=${1:-${BEFORE:-}}
AFTER=${2:-${AFTER:-}}
BENCH_DIR=${BENCH_DIR:-/tmp/atiende-bench-desks}
BACKENDS=${BACKENDS:-sqlite}
ROUNDS=${ROUNDS:-3}
CUSTOMERS=${CUSTOMERS:-100000}
SEED=${SEED:-42}
PORT=${PORT:-18120}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WARMUP_DURATION=${WARMUP_DURATION:-3s}
SEARCH_DURATION=${SEARCH_DURATION:-10s}
OPEN_DURATION=${OPEN_DURATION:-10s}
GET_DURATION=${GET_DURATION:-10s}
STOP_WAIT=${STOP_WAIT:-20}
MAIL_RATE_CAP=${MAIL_RATE_CAP:-100000}
FRESH_TEMPLATES=${FRESH_TEMPLATES:-0}
AFTER_STORE=${AFTER_STORE:-migrate}
IMPORT_TIMEOUT=${IMPORT_TIMEOUT:-900}
PG_ANALYZE=${PG_ANALYZE:-1}
PY=/usr/bin/python3
PGBIN=/usr/lib/postgresql/15/bin

for b in "$BEFORE" "$AFTER"; do
  [[ -n $b && -x $b ]] || { echo "usage: BEFORE=binary AFTER=binary $0 (or $0 BEFORE AFTER); got '$b'"; exit 2; }
done
BEFORE=$(readlink -f "$BEFORE")
AFTER=$(readlink -f "$AFTER")
for tool in wrk curl; do
  command -v $tool >/dev/null || { echo "$tool is missing (scripts/bootstrap installs wrk)"; exit 1; }
done

OUT="$BENCH_DIR/last"
SUMMARY="$OUT/summary.txt"
RESULTS="$OUT/results.tsv"
SERVER_PID=""
PG_DIR=""
PG_SERVER_URL=""

mkdir -p "$BENCH_DIR"
rm -rf "$OUT"
mkdir -p "$OUT"
printf 'backend\tround\tbinary\tload\trps\tp50_ms\tp90_ms\tp99_ms\tbad\tstatuses\tserver_mean_ms\tload1_before\tload1_after\tserver_cpu\twrk_cpu\tpg_cpu\tothers_cpu\tfsync_us\tmails_per_s\n' >"$RESULTS"

say() { echo "$*" | tee -a "$SUMMARY"; }
step() { echo; echo "== $*"; }
secs_of() { local d=$1; d=${d%s}; echo "$d"; }  # "10s" → 10 (wrk durations in seconds)

stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    if ! timeout "$STOP_WAIT" tail --pid="$SERVER_PID" -f /dev/null; then
      # Seen with a mail backlog (bench/tickets_http.sh): the delivery worker drains
      # every due mail before it looks at Stop().
      echo "server still running ${STOP_WAIT}s after SIGTERM: killed" >>"$OUT/stops.log"
      kill -KILL "$SERVER_PID" 2>/dev/null
      timeout 10 tail --pid="$SERVER_PID" -f /dev/null
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

# fsync_us: the disk's fsync time now, median of 20 (4 KiB write + fdatasync), in µs.
# (About 100 µs is the disk's fast state, about 4,000 µs its throttled one.)
fsync_us() {
  timeout 30 $PY - "$BENCH_DIR" <<'PY' || echo "?"
import os, statistics, sys, time
path = os.path.join(sys.argv[1], "fsync-probe.bin")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
block = os.urandom(4096)
samples = []
for i in range(20):
    os.pwrite(fd, block, (i % 16) * 4096)
    t = time.perf_counter()
    os.fdatasync(fd)
    samples.append((time.perf_counter() - t) * 1e6)
os.close(fd)
os.unlink(path)
print(f"{statistics.median(samples):.0f}")
PY
}

# CPU ticks (utime + stime) of a set of pids (as bench/tickets_http.sh).
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

# wrk_run LOAD SCRIPT DURATION ROUTE [env assignments...]: one measured wrk run against
# $SERVER_PID ($backend, $round, $which set by the caller). Appends a line to $RESULTS.
wrk_run() {
  local load=$1 script=$2 duration=$3 route=$4
  shift 4
  local name="$backend-r$round-$which-$load"
  local secs t0 t1 srv0 srv1 pg0 pg1 m0 m1 la0 la1 fs c0 s0 c1 s1 mail0 mail1
  secs=$(secs_of "$duration")
  step "$name: wrk $WRK_THREADS threads, $WRK_CONNECTIONS connections, $duration"
  fs=$(fsync_us)
  curl -s -m 5 "http://127.0.0.1:$PORT/metrics" >"$OUT/$name.metrics-before" || true
  la0=$(cut -d' ' -f1 /proc/loadavg)
  mail0=$(find "$DATA/mail" -maxdepth 1 -name '*.eml' 2>/dev/null | wc -l)
  srv0=$(cpu_ticks "$SERVER_PID")
  # shellcheck disable=SC2046
  pg0=$(cpu_ticks $(pg_pids))
  m0=$(machine_ticks)
  t0=$(date +%s.%N)
  env "$@" ATIENDE_TOKEN="$TOKEN" timeout $((secs + 120)) /usr/bin/time -f "wrk_cpu %U %S" \
    -o "$OUT/$name.wrktime" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$duration" --latency \
    --timeout 10s -s "$ROOT/bench/$script" "http://127.0.0.1:$PORT" >"$OUT/$name.wrk" 2>&1
  local rc=$?
  t1=$(date +%s.%N)
  srv1=$(cpu_ticks "$SERVER_PID")
  # shellcheck disable=SC2046
  pg1=$(cpu_ticks $(pg_pids))
  m1=$(machine_ticks)
  la1=$(cut -d' ' -f1 /proc/loadavg)
  mail1=$(find "$DATA/mail" -maxdepth 1 -name '*.eml' 2>/dev/null | wc -l)
  curl -s -m 5 "http://127.0.0.1:$PORT/metrics" >"$OUT/$name.metrics-after" || true
  if [[ $rc != 0 ]] || ! grep -q '^wrk_summary' "$OUT/$name.wrk"; then
    say "$name: wrk FAILED (rc=$rc): $(tail -3 "$OUT/$name.wrk" | tr '\n' ' ')"
    return 1
  fi
  read -r c0 s0 <<<"$(metrics_route "$OUT/$name.metrics-before" "$route")"
  read -r c1 s1 <<<"$(metrics_route "$OUT/$name.metrics-after" "$route")"
  local wrk_cpu
  wrk_cpu=$(awk '/^wrk_cpu/ {print $2 + $3}' "$OUT/$name.wrktime" 2>/dev/null)
  $PY - "$backend" "$round" "$which" "$load" "$t0" "$t1" "$srv0" "$srv1" "$pg0" "$pg1" \
    "$m0" "$m1" "$(getconf CLK_TCK)" "$(nproc)" "${c0:-0}" "${s0:-0}" "${c1:-0}" "${s1:-0}" \
    "${wrk_cpu:-0}" "$la0" "$la1" "$fs" "$mail0" "$mail1" "$OUT/$name.wrk" "$RESULTS" <<'PY' | tee -a "$SUMMARY"
import sys
(backend, rnd, which, load, w0, w1, srv0, srv1, pg0, pg1, m0, m1, hz, ncpu, c0, s0, c1, s1,
 wrk_cpu, la0, la1, fs, mail0, mail1, wrk_out, results) = sys.argv[1:]
wall = float(w1) - float(w0)
hz = float(hz)
srv = (int(srv1) - int(srv0)) / hz / wall
pg = (int(pg1) - int(pg0)) / hz / wall
mb0, mt0 = map(int, m0.split())
mb1, mt1 = map(int, m1.split())
busy = (mb1 - mb0) / max(mt1 - mt0, 1) * int(ncpu)  # in cores
wrk = float(wrk_cpu) / wall
others = max(busy - srv - pg - wrk, 0.0)
mails = (int(mail1) - int(mail0)) / wall  # .eml files the server's delivery worker wrote meanwhile
summary, status = {}, ""
for line in open(wrk_out):
    if line.startswith("wrk_summary "):
        summary = dict(kv.split("=", 1) for kv in line.split()[1:])
    if line.startswith("wrk_status "):
        status = line[len("wrk_status "):].strip()
if not status:  # search.lua counts only non-200 answers
    status = f"200={int(summary.get('requests', 0)) - int(summary.get('non2xx', 0))}"
    if int(summary.get("non2xx", 0)):
        status += f" other={summary.get('non2xx')}"
n = float(c1) - float(c0)
mean = (float(s1) - float(s0)) / n * 1e3 if n > 0 else float("nan")
rps = float(summary.get("rps", 0))
bad = int(summary.get("non2xx", 0)) + int(summary.get("timeouts", 0)) + int(summary.get("socket_errors", 0))
print(f"{backend} r{rnd} {which} {load}: {rps:.0f} req/s, p50 {summary.get('p50_ms')} ms,"
      f" p90 {summary.get('p90_ms')} ms, p99 {summary.get('p99_ms')} ms; errors {bad};"
      f" statuses {status.split(' first_error=')[0]}; server-side mean {mean:.3f} ms")
print(f"  load average {la0} -> {la1}; fsync {fs} us; CPU (cores): server {srv:.2f},"
      f" wrk {wrk:.2f}, postgres {pg:.2f}, others {others:.2f}, machine busy {busy:.2f};"
      f" mails delivered meanwhile {mails:.0f}/s")
if " first_error=" in status:
    print("  first error: " + status.split(" first_error=", 1)[1][:300])
with open(results, "a") as f:
    f.write("\t".join(map(str, [backend, rnd, which, load, f"{rps:.0f}", summary.get("p50_ms"),
                                summary.get("p90_ms"), summary.get("p99_ms"), bad,
                                status.split(" first_error=")[0].replace(" ", ","), f"{mean:.3f}",
                                la0, la1, f"{srv:.2f}", f"{wrk:.2f}", f"{pg:.2f}",
                                f"{others:.2f}", fs, f"{mails:.0f}"])) + "\n")
PY
}

# The generated master and its queries, cached per size and seed.
step "customers ($CUSTOMERS, seed $SEED)"
GEN="$BENCH_DIR/data-$CUSTOMERS-s$SEED"
if [[ ! -s $GEN/queries.tsv ]]; then
  rm -rf "$GEN"
  mkdir -p "$GEN"
  timeout 900 $PY "$ROOT/bench/gen_customers.py" --rows "$CUSTOMERS" --seed "$SEED" \
    --out-dir "$GEN" >"$OUT/gen.log" 2>&1 ||
    { cat "$OUT/gen.log"; rm -rf "$GEN"; echo "gen_customers.py failed"; exit 1; }
fi
QUERIES="$GEN/queries.tsv"

# analyze_template DB LOG: PostgreSQL, PG_ANALYZE=1: ANALYZE the template database, so
# both binaries' databases (copies WITH TEMPLATE, which copies the statistics) start
# with statistics. Without it the after database has none on the new desk_id column:
# the upgrade changes no row, so autovacuum does not analyze it, while the before
# template is analyzed by autovacuum after its import (see docs/BENCHMARKS.md).
analyze_template() {
  [[ $backend = postgresql && $PG_ANALYZE = 1 ]] || return 0
  timeout 300 "$PGBIN/psql" -Atq "${PG_SERVER_URL%/*}/$1" -c "ANALYZE" >>"$2" 2>&1
}

# make_template BIN KEY [FROM_KEY]: the binary's template store (customers, agent,
# token), cached under $BENCH_DIR/tpl-sqlite-KEY (SQLite) or made in database tpl_KEY
# (PostgreSQL, on this script's throwaway server: made every time). Without FROM_KEY:
# `import customers`, `user add`, `token create`. With FROM_KEY: a copy of that
# template, upgraded with `BIN db migrate` (same customers, same ids, same token).
# Prints the token.
make_template() {
  local bin=$1 key=$2 from=${3:-}
  local dir="$BENCH_DIR/tpl-$backend-$key" db="tpl_${2//-/_}" log="$OUT/tpl-$backend-$2.log"
  if [[ $backend = sqlite && $FRESH_TEMPLATES != 1 && -s $dir/token && -s $dir/data/atiende.db ]]; then
    cat "$dir/token"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  local env_db=()
  if [[ $backend = postgresql ]]; then
    env_db=(ATIENDE_DATABASE_URL="${PG_SERVER_URL%/*}/$db")
    timeout 300 "$PGBIN/psql" -Atq "$PG_SERVER_URL" -c "DROP DATABASE IF EXISTS $db" \
      -c "CREATE DATABASE $db${from:+ TEMPLATE tpl_${from//-/_}}" >>"$log" 2>&1 || return 1
  fi
  if [[ -n $from ]]; then
    if [[ $backend = sqlite ]]; then
      timeout 300 cp -a "$BENCH_DIR/tpl-$backend-$from/data" "$dir/data" || return 1
    else
      mkdir -p "$dir/data"
    fi
    env "${env_db[@]}" timeout 600 "$bin" db migrate --data-dir "$dir/data" >>"$log" 2>&1 ||
      { echo "db migrate failed: $(tail -2 "$log")" >&2; return 1; }
    analyze_template "$db" "$log" || return 1
    cp "$BENCH_DIR/tpl-$backend-$from/token" "$dir/token" && cat "$dir/token"
    return
  fi
  mkdir -p "$dir/data"
  local f
  for f in "$GEN"/customers-*.tsv; do
    env "${env_db[@]}" timeout "$IMPORT_TIMEOUT" "$bin" import customers "$f" --data-dir "$dir/data" \
      >>"$log" 2>&1 || { echo "import failed (rc $?): $(tail -2 "$log")" >&2; return 1; }
  done
  printf 'bench-password-123\n' | env "${env_db[@]}" timeout 60 "$bin" user add bench --role agent \
    --password-stdin --data-dir "$dir/data" >>"$log" 2>&1 || true
  local token
  token=$(env "${env_db[@]}" timeout 60 "$bin" token create bench --data-dir "$dir/data" 2>>"$log" | tail -1)
  [[ -n $token ]] || { echo "cannot create an API token" >&2; return 1; }
  analyze_template "$db" "$log" || return 1
  echo "$token" >"$dir/token"
  echo "$token"
}

# The templates' keys (content hash: a rebuilt binary gets a new template).
SHA_before=$(sha256sum "$BEFORE" | cut -c1-12)
SHA_after=$(sha256sum "$AFTER" | cut -c1-12)
KEY_before="$SHA_before-$CUSTOMERS-s$SEED"
if [[ $AFTER_STORE = migrate ]]; then
  KEY_after="$SHA_after-from-$KEY_before"
else
  KEY_after="$SHA_after-$CUSTOMERS-s$SEED"
fi
bin_of() { [[ $1 = before ]] && echo "$BEFORE" || echo "$AFTER"; }
key_of() { [[ $1 = before ]] && echo "$KEY_before" || echo "$KEY_after"; }

say "# desks A/B $(date -u +%Y-%m-%dT%H:%M:%SZ), tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
say "before: $BEFORE ($("$BEFORE" version 2>/dev/null | head -1), sha256 $SHA_before)"
say "after:  $AFTER ($("$AFTER" version 2>/dev/null | head -1), sha256 $SHA_after); its store: $AFTER_STORE"
say "machine: nproc=$(nproc) cpu=\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\" ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) kernel=$(uname -r)"
say "settings: backends=\"$BACKENDS\" pg_analyze=$PG_ANALYZE rounds=$ROUNDS customers=$CUSTOMERS seed=$SEED wrk=${WRK_THREADS}t/${WRK_CONNECTIONS}c warm-up=$WARMUP_DURATION search=$SEARCH_DURATION open=$OPEN_DURATION get=$GET_DURATION mail_rate_cap=$MAIL_RATE_CAP workers=${ATIENDE_WORKERS:-default}"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

for backend in $BACKENDS; do
  step "$backend: templates"
  unset ATIENDE_DATABASE_URL
  if [[ $backend = postgresql ]]; then
    PG_DIR="$BENCH_DIR/pg"
    if ! timeout 120 "$ROOT/scripts/pg-test-server" start "$PG_DIR" >"$OUT/pg-start.log" 2>&1; then
      say "$backend: PostgreSQL did not start: $(tail -3 "$OUT/pg-start.log" | tr '\n' ' ')"
      stop_pg
      continue
    fi
    PG_SERVER_URL=$(cat "$PG_DIR/url")
    say "$backend: $("$PGBIN/psql" -Atq "$PG_SERVER_URL" -c 'SELECT version()' | cut -d, -f1), synchronous_commit=$("$PGBIN/psql" -Atq "$PG_SERVER_URL" -c 'SHOW synchronous_commit'), database_pool=${ATIENDE_DATABASE_POOL:-16}"
  fi
  declare -A TOKENS=()
  ok=1
  for which in before after; do
    t_start=$SECONDS
    from=""
    [[ $which = after && $AFTER_STORE = migrate ]] && from=$KEY_before
    if ! TOKENS[$which]=$(make_template "$(bin_of $which)" "$(key_of $which)" $from); then
      say "$backend: the $which template failed (see $OUT/tpl-$backend-$(key_of $which).log)"
      ok=0
    else
      how="imported $(grep -h -m1 -o '[0-9,]* rows: [^"]*' "$OUT/tpl-$backend-$(key_of $which).log" 2>/dev/null)"
      [[ -n $from ]] && how="the before template upgraded by db migrate"
      say "$backend: $which template ready in $((SECONDS - t_start)) s (0 s: cached; $how)"
    fi
  done
  [[ $ok = 1 ]] || { stop_pg; continue; }

  for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then order="before after"; else order="after before"; fi
    for which in $order; do
      bin=$(bin_of "$which")
      key=$(key_of "$which")
      TOKEN=${TOKENS[$which]}
      tag="$backend-r$round-$which"
      step "$tag"
      say ""
      say "## $tag: load $(cut -d' ' -f1-3 /proc/loadavg)"
      DATA="$BENCH_DIR/run-data"
      rm -rf "$DATA"
      unset ATIENDE_DATABASE_URL
      if [[ $backend = sqlite ]]; then
        timeout 300 cp -a "$BENCH_DIR/tpl-$backend-$key/data" "$DATA" || { say "$tag: copy FAILED"; continue; }
      else
        mkdir -p "$DATA"
        timeout 300 "$PGBIN/psql" -Atq "$PG_SERVER_URL" -c "DROP DATABASE IF EXISTS run_ab" \
          -c "CREATE DATABASE run_ab TEMPLATE tpl_${key//-/_}" >>"$OUT/pg.log" 2>&1 ||
          { say "$tag: CREATE DATABASE FAILED: $(tail -2 "$OUT/pg.log")"; continue; }
        export ATIENDE_DATABASE_URL="${PG_SERVER_URL%/*}/run_ab"
      fi

      ATIENDE_MAIL_RATE_CAP=$MAIL_RATE_CAP ATIENDE_SMTP_URL="" "$bin" serve \
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
        continue
      fi
      # By hand: one search (200) and one opening (201) of the shapes wrk sends.
      probe_s=$(curl -s -m 10 -o "$OUT/$tag.probe-search.json" -w '%{http_code}' \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/customers?limit=20&q=transportes")
      probe_o=$(curl -s -m 10 -o "$OUT/$tag.probe-open.json" -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        "http://127.0.0.1:$PORT/api/v1/tickets" \
        -d '{"kind":"incident","category":"outage","customer_id":1,"service_id":"SVC-probe","subject":"Prueba","caller":{"name":"Ana Pérez","phone":"+57 601 555 0000"}}')
      if [[ $probe_s != 200 || $probe_o != 201 ]]; then
        say "$tag: the probes answered search $probe_s, opening $probe_o: $(head -c 300 "$OUT/$tag.probe-search.json") $(head -c 300 "$OUT/$tag.probe-open.json")"
        stop_server
        continue
      fi

      step "$tag: warm-up ($WARMUP_DURATION, not counted)"
      ATIENDE_QUERIES="$QUERIES" ATIENDE_TOKEN="$TOKEN" timeout $(($(secs_of "$WARMUP_DURATION") + 60)) \
        wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WARMUP_DURATION" --timeout 10s \
        -s "$ROOT/bench/search.lua" "http://127.0.0.1:$PORT" >"$OUT/$tag.warmup.wrk" 2>&1 ||
        say "$tag: warm-up FAILED: $(tail -2 "$OUT/$tag.warmup.wrk" | tr '\n' ' ')"

      wrk_run search search.lua "$SEARCH_DURATION" "GET /api/v1/customers" ATIENDE_QUERIES="$QUERIES"
      NUMBERS="$OUT/$tag.numbers"
      wrk_run open tickets_open.lua "$OPEN_DURATION" "POST /api/v1/tickets" \
        ATIENDE_CUSTOMERS="$CUSTOMERS" ATIENDE_RUN="m$round" ATIENDE_NUMBERS_OUT="$NUMBERS"
      if [[ -s $NUMBERS ]]; then
        wrk_run get tickets_get.lua "$GET_DURATION" "GET /api/v1/tickets/{number}" \
          ATIENDE_NUMBERS="$NUMBERS"
      else
        say "$tag get: skipped (no ticket was created)"
      fi
      stop_server
      rm -rf "$DATA"
    done
  done
  if [[ $backend = postgresql ]]; then
    timeout 60 "$PGBIN/psql" -Atq "$PG_SERVER_URL" -c "DROP DATABASE IF EXISTS run_ab" >>"$OUT/pg.log" 2>&1
    stop_pg
  fi
done

step "summary ($SUMMARY)"
say ""
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY - "$RESULTS" <<'PY' | tee -a "$SUMMARY"
import collections, csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
if not rows:
    print("no results"); sys.exit(0)
LOADS = ("search", "open", "get")
fig = {}  # (backend, round, which, load) -> row
for r in rows:
    fig[(r["backend"], int(r["round"]), r["binary"], r["load"])] = r
backends = sorted({r["backend"] for r in rows}, key=lambda b: b != "sqlite")
rounds = sorted({int(r["round"]) for r in rows})
for backend in backends:
    print(f"\n### {backend}: per round (req/s, p50 / p99 ms)\n")
    print("| round | binary | search req/s | search p50 / p99 | open req/s | open p50 / p99 |"
          " get req/s | get p50 / p99 | errors | load avg (1 min) | others' CPU, cores (search / open / get) | fsync µs (search / open / get) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for rnd in rounds:
        order = ("before", "after") if rnd % 2 else ("after", "before")
        for which in order:
            cells, bad, las, oth, fs = [], 0, [], [], []
            for load in LOADS:
                r = fig.get((backend, rnd, which, load))
                if not r:
                    cells += ["-", "-"]; continue
                cells += [f"{float(r['rps']):,.0f}", f"{float(r['p50_ms']):.2f} / {float(r['p99_ms']):.2f}"]
                bad += int(r["bad"])
                las += [float(r["load1_before"]), float(r["load1_after"])]
                oth.append(r["others_cpu"])
                fs.append(r["fsync_us"])
            la = f"{min(las):.1f}–{max(las):.1f}" if las else "-"
            print(f"| {rnd} | {which} | " + " | ".join(cells) +
                  f" | {bad} | {la} | {' / '.join(oth)} | {' / '.join(fs)} |")
    print(f"\n### {backend}: after / before, per round (same round: back to back)\n")
    for r in rows:  # server CPU per request, µs: what the load of other processes moves least
        r["cpu_us"] = float(r["server_cpu"]) / float(r["rps"]) * 1e6 if float(r["rps"]) else None
    metrics = [(l, m) for l in LOADS for m in ("rps", "p50_ms", "p99_ms", "server_mean_ms", "cpu_us")]
    print("| metric | " + " | ".join(f"round {r}" for r in rounds) +
          " | median | min–max | within 10%? |")
    print("|---|" + "---|" * (len(rounds) + 3))
    for load, m in metrics:
        ratios = []
        for rnd in rounds:
            a, b = fig.get((backend, rnd, "after", load)), fig.get((backend, rnd, "before", load))
            try:
                ratios.append(float(a[m]) / float(b[m]))
            except (TypeError, ValueError, ZeroDivisionError):
                ratios.append(None)
        ok = [x for x in ratios if x is not None]
        if not ok:
            continue
        med = statistics.median(ok)
        if m == "rps":
            verdict = "yes" if med >= 0.90 else f"**no** ({(1 - med) * 100:.0f}% fewer)"
        else:
            verdict = "yes" if med <= 1.10 else f"**no** ({(med - 1) * 100:.0f}% {'more' if m == 'cpu_us' else 'longer'})"
        if m in ("server_mean_ms", "cpu_us"):
            verdict += " (for reading)"
        name = {"rps": "req/s", "p50_ms": "p50", "p99_ms": "p99", "server_mean_ms": "server-side mean",
                "cpu_us": "server CPU per request"}[m]
        print(f"| {load} {name} | " + " | ".join("-" if x is None else f"{x:.2f}" for x in ratios) +
              f" | **{med:.2f}** | {min(ok):.2f}–{max(ok):.2f} | {verdict} |")
PY
say "results: $RESULTS; logs and wrk outputs: $OUT/"
