#!/usr/bin/env bash
# bench/run.sh: the benchmark behind `make bench`; figures go to docs/BENCHMARKS.md.
#
# 1. builds atiende and the benchmarks in $BUILD (no-op when up to date);
# 2. generates a synthetic customer master of $ROWS rows and its agent queries
#    (bench/gen_customers.py; cached in $BENCH_DIR, keyed by rows, seed, script);
# 3. imports it into a fresh database with `atiende import customers` (rows/s),
#    then re-imports one unchanged chunk (the upsert path);
# 4. measures start-up of `atiende serve` on it (exec → "http.listen" log line,
#    exec → first 200 from /healthz) and its RSS;
# 5. serves it, warms it up with every query once, samples RSS, runs wrk with
#    bench/search.lua twice: $WRK_CONNECTIONS connections (throughput) and
#    $WRK_LOW_CONNECTIONS (latency without queueing); client- and server-side
#    latency, req/s; samples RSS;
# 6. runs bench/search_bench (in-process SearchCustomers per query class) twice
#    on the same database, the FTS5 index (old) then the in-memory index (new),
#    and bench/term_index_bench (the typo vocabulary); with SEARCH_PEERS=1,
#    bench/memory_search_bench and bench/search_peers.py (pg_trgm and Xapian on
#    the same folded names and queries, a throwaway PostgreSQL server);
# 7. runs bench/events_bench.py (live updates: fan-out latency to N streams,
#    changes found by the poll, idle streams, writes with streams open) on its
#    own demo-seeded server; EVENTS_BENCH_ARGS=--quick for a short run.
# Everything is bounded: each step has a timeout and the script goes on after a
# failed step, reporting it. Logs and the summary are kept in $BENCH_DIR/last/.
#
# Settings (environment, defaults):
#   BUILD=build  BENCH_DIR=/tmp/atiende-bench  ROWS=1000000  SEED=42
#   CHUNK_ROWS=250000 (the importer takes files up to 64 MiB)  QUERIES=5000
#   REUSE_DB=0 (1: keep a matching imported database, skip the import timing)
#   PORT=18089  WRK_THREADS=2  WRK_CONNECTIONS=32  WRK_DURATION=20s
#   WRK_LOW_CONNECTIONS=2  WRK_LOW_DURATION=10s
#   WARMUP_BUDGET=60 (s)  SEARCH_BENCH_TIMEOUT=240 (s)  SEARCH_BENCH_PER_CLASS=100  ROUNDS=1
#   EVENTS_BENCH_ARGS= (e.g. --quick)  EVENTS_BENCH_TIMEOUT=900 (s)
#   SEARCH_PEERS=0 (1: the peers step)  SEARCH_PEERS_TIMEOUT=3600 (s)
# The server reads ATIENDE_* variables as usual (e.g. ATIENDE_WORKERS=2).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD="$ROOT/$BUILD"
BENCH_DIR=${BENCH_DIR:-/tmp/atiende-bench}
ROWS=${ROWS:-1000000}
SEED=${SEED:-42}
CHUNK_ROWS=${CHUNK_ROWS:-250000}
QUERIES=${QUERIES:-5000}
REUSE_DB=${REUSE_DB:-0}
PORT=${PORT:-18089}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-20s}
WRK_LOW_CONNECTIONS=${WRK_LOW_CONNECTIONS:-2}
WRK_LOW_DURATION=${WRK_LOW_DURATION:-10s}
WARMUP_BUDGET=${WARMUP_BUDGET:-60}
SEARCH_BENCH_TIMEOUT=${SEARCH_BENCH_TIMEOUT:-240}
SEARCH_BENCH_PER_CLASS=${SEARCH_BENCH_PER_CLASS:-100}
ROUNDS=${ROUNDS:-1}
EVENTS_BENCH_ARGS=${EVENTS_BENCH_ARGS:-}
EVENTS_BENCH_TIMEOUT=${EVENTS_BENCH_TIMEOUT:-900}
SEARCH_PEERS=${SEARCH_PEERS:-0}
SEARCH_PEERS_TIMEOUT=${SEARCH_PEERS_TIMEOUT:-3600}
PY=/usr/bin/python3
PROBE="$PY $ROOT/bench/serve_probe.py"

DATA="$BENCH_DIR/data-$ROWS-$SEED"
DB="$BENCH_DIR/db-$ROWS-$SEED"
OUT="$BENCH_DIR/last"
SUMMARY="$OUT/summary.txt"
SERVER_PID=""

mkdir -p "$BENCH_DIR"
rm -rf "$OUT"
mkdir -p "$OUT"

say() { echo "$*" | tee -a "$SUMMARY"; }
step() { echo; echo "== $*"; }
now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{printf "%.2f", $2 - $1}'; }
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    timeout 30 tail --pid="$SERVER_PID" -f /dev/null || kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  SERVER_PID=""
}
trap stop_server EXIT

step "build ($BUILD)"
if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
fi
cmake --build "$BUILD" -j"$(nproc)" --target atiende search_bench term_index_bench memory_search_bench >"$OUT/build.log" 2>&1 ||
  { tail -30 "$OUT/build.log"; echo "build failed (is ATIENDE_BENCH=ON in $BUILD?)"; exit 1; }
BIN="$BUILD/atiende"

say "# atiende benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+dirty')"
say "machine: nproc=$(nproc) cpu=\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\" ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) kernel=$(uname -r)"
say "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
say "settings: rows=$ROWS seed=$SEED wrk=${WRK_THREADS}t/${WRK_CONNECTIONS}c/$WRK_DURATION"

step "generate $ROWS customers"
STAMP="$ROWS $SEED $CHUNK_ROWS $QUERIES $(sha1sum "$ROOT/bench/gen_customers.py" | cut -c1-12)"
if [[ $(cat "$DATA/STAMP" 2>/dev/null) != "$STAMP" ]]; then
  rm -rf "$DATA"
  t0=$(now)
  $PY "$ROOT/bench/gen_customers.py" --rows "$ROWS" --seed "$SEED" --chunk-rows "$CHUNK_ROWS" \
    --queries "$QUERIES" --out-dir "$DATA" || exit 1
  echo "$STAMP" >"$DATA/STAMP"
  say "generate: $(elapsed "$t0" "$(now)") s"
else
  echo "cached in $DATA"
fi

step "import"
DB_STAMP="$STAMP $(sha1sum "$BIN" | cut -c1-12)"
if [[ $REUSE_DB = 1 && $(cat "$DB/STAMP" 2>/dev/null) == "$DB_STAMP" ]]; then
  say "import: skipped (REUSE_DB=1, $DB)"
else
  rm -rf "$DB"
  total_t0=$(now)
  ok=1
  for f in "$DATA"/customers-*.tsv; do
    t0=$(now)
    if ! "$BIN" import customers "$f" --data-dir "$DB" >"$OUT/import-$(basename "$f").log" 2>&1; then
      ok=0
      say "import: FAILED on $(basename "$f"): $(tail -2 "$OUT/import-$(basename "$f").log")"
      break
    fi
    t=$(elapsed "$t0" "$(now)")
    n=$(($(wc -l <"$f") - 1))
    echo "$(basename "$f"): $n rows in $t s ($(awk -v n="$n" -v t="$t" 'BEGIN {printf "%.0f", n/t}') rows/s)" |
      tee -a "$OUT/import.txt"
  done
  t=$(elapsed "$total_t0" "$(now)")
  [[ $ok = 1 ]] || exit 1
  say "import: $ROWS rows in $t s = $(awk -v n="$ROWS" -v t="$t" 'BEGIN {printf "%.0f", n/t}') rows/s (fresh database, $(ls "$DATA"/customers-*.tsv | wc -l) files)"
  echo "$DB_STAMP" >"$DB/STAMP"
fi
say "database: $(du -sh "$DB/atiende.db" | cut -f1) on disk"
last=$(ls "$DATA"/customers-*.tsv | tail -1)
t0=$(now)
"$BIN" import customers "$last" --data-dir "$DB" >"$OUT/reimport.log" 2>&1
t=$(elapsed "$t0" "$(now)")
n=$(($(wc -l <"$last") - 1))
say "re-import (unchanged): $n rows in $t s = $(awk -v n="$n" -v t="$t" 'BEGIN {printf "%.0f", n/t}') rows/s ($(head -1 "$OUT/reimport.log"))"

# An agent and an API token for the HTTP runs (idempotent).
printf 'bench-password-123\n' | "$BIN" user add bench --role agent --password-stdin \
  --data-dir "$DB" >/dev/null 2>&1 || true
TOKEN=$("$BIN" token create bench --data-dir "$DB" 2>/dev/null | tail -1)
[[ -n $TOKEN ]] || { echo "cannot create an API token"; exit 1; }

step "start-up"
$PROBE startup --bin "$BIN" --data-dir "$DB" --port "$PORT" --runs 5 | tee "$OUT/startup.txt"
say "start-up: $(grep startup_median "$OUT/startup.txt" | cut -d' ' -f2-)  (median of 5; page cache warm)"

step "serve"
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DB" 2>"$OUT/serve.log" >/dev/null &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q '"http.listen"' "$OUT/serve.log" 2>/dev/null && break
  sleep 0.05
done
grep -q '"http.listen"' "$OUT/serve.log" || { cat "$OUT/serve.log"; echo "server did not start"; exit 1; }
sleep 1
say "RSS idle after start: $($PROBE rss --pid "$SERVER_PID")"

step "warm-up over HTTP (every query once, budget ${WARMUP_BUDGET}s)"
timeout $((WARMUP_BUDGET + 90)) $PROBE warmup --port "$PORT" --token="$TOKEN" \
  --queries "$DATA/queries.tsv" --timeout 60 --budget "$WARMUP_BUDGET" | tee "$OUT/warmup.txt"
say "$(grep -h '^warmup' "$OUT/warmup.txt" | tr '\n' ' ')"
sleep 1
say "RSS idle after warm-up: $($PROBE rss --pid "$SERVER_PID")"

# wrk_run NAME CONNECTIONS DURATION: one wrk run, with the server-side
# histogram of the same requests (from /metrics before and after).
wrk_run() {
  local name=$1 conns=$2 duration=$3
  step "wrk $name: ${WRK_THREADS} threads, $conns connections, $duration"
  $PROBE metrics --port "$PORT" --out "$OUT/metrics-$name-before.json"
  ATIENDE_QUERIES="$DATA/queries.tsv" ATIENDE_TOKEN="$TOKEN" \
    timeout 300 wrk -t"$WRK_THREADS" -c"$conns" -d"$duration" --latency --timeout 10s \
    -s "$ROOT/bench/search.lua" "http://127.0.0.1:$PORT" | tee "$OUT/wrk-$name.txt"
  $PROBE metrics --port "$PORT" --out "$OUT/metrics-$name-after.json"
  say "wrk $name (${WRK_THREADS}t/${conns}c/$duration): $(grep -h '^wrk_summary' "$OUT/wrk-$name.txt" | cut -d' ' -f2-)"
  say "  $($PROBE histdiff "$OUT/metrics-$name-before.json" "$OUT/metrics-$name-after.json")"
}
wrk_run load "$WRK_CONNECTIONS" "$WRK_DURATION"
wrk_run low "$WRK_LOW_CONNECTIONS" "$WRK_LOW_DURATION"
sleep 2
say "RSS idle after wrk: $($PROBE rss --pid "$SERVER_PID")"
stop_server

for memory in 0 1; do
  name=$([[ $memory = 1 ]] && echo memory || echo fts5)
  step "search_bench $name (in process, timeout ${SEARCH_BENCH_TIMEOUT}s)"
  timeout "$SEARCH_BENCH_TIMEOUT" "$BUILD/search_bench" --data-dir="$DB" --memory="$memory" \
    --queries="$DATA/queries.tsv" --rounds="$ROUNDS" --per-class="$SEARCH_BENCH_PER_CLASS" \
    2>&1 | tee "$OUT/search_bench_$name.txt"
  rc=${PIPESTATUS[0]}
  if [[ $rc = 124 ]]; then
    say "search_bench $name: STOPPED after ${SEARCH_BENCH_TIMEOUT}s (see $OUT/search_bench_$name.txt)"
  else
    say "search_bench $name:"
    grep -E '^(FirstFuzzy|Search)|memory index loaded' "$OUT/search_bench_$name.txt" >>"$SUMMARY"
  fi
done

if [[ $SEARCH_PEERS = 1 ]]; then
  step "search peers: memory_search_bench, pg_trgm, Xapian (timeout ${SEARCH_PEERS_TIMEOUT}s)"
  "$BUILD/memory_search_bench" --data="$DATA" --per-class="$SEARCH_BENCH_PER_CLASS" \
    --dump="$OUT/folded.tsv" 2>&1 | tee "$OUT/memory_search_bench.txt"
  cat "$OUT/memory_search_bench.txt" >>"$SUMMARY"
  "$ROOT/scripts/pg-test-server" start "$OUT/pg" >/dev/null
  timeout "$SEARCH_PEERS_TIMEOUT" /usr/bin/python3 "$ROOT/bench/search_peers.py" \
    --dump "$OUT/folded.tsv" --pg-url "$(cat "$OUT/pg/url")" --work "$OUT/peers" \
    --per-class "$SEARCH_BENCH_PER_CLASS" 2>&1 | tee "$OUT/search_peers.txt"
  cat "$OUT/search_peers.txt" >>"$SUMMARY"
  "$ROOT/scripts/pg-test-server" stop "$OUT/pg" >/dev/null
fi

step "term_index_bench"
timeout 300 "$BUILD/term_index_bench" 2>&1 | tee "$OUT/term_index_bench.txt"
grep -E '^BM_' "$OUT/term_index_bench.txt" >>"$SUMMARY"

step "events_bench (timeout ${EVENTS_BENCH_TIMEOUT}s)"
# shellcheck disable=SC2086  # EVENTS_BENCH_ARGS is a list of flags
ATIENDE_BIN="$BIN" timeout "$EVENTS_BENCH_TIMEOUT" $PY "$ROOT/bench/events_bench.py" \
  $EVENTS_BENCH_ARGS 2>&1 | tee "$OUT/events_bench.txt"
rc=${PIPESTATUS[0]}
if [[ $rc != 0 ]]; then
  say "events_bench: FAILED or STOPPED (exit $rc; see $OUT/events_bench.txt)"
else
  sed -n '/^## /,$p' "$OUT/events_bench.txt" >>"$SUMMARY"
fi

echo
echo "== summary ($SUMMARY)"
say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$SUMMARY"
