#!/usr/bin/env bash
# bench/pg_openings.sh: ticket openings on PostgreSQL, two server binaries and a
# pgbench script doing the same statements, in one run on one PostgreSQL server
# (docs/BENCHMARKS.md, "PostgreSQL openings: late numbering").
#
# Per round ($ROUNDS, in the order pgbench, old, new), each on a fresh database of the
# same server (scripts/pg-test-server, synchronous_commit=on, fsync=on):
#   - $CUSTOMERS customers with an e-mail (`atiende import customers`), so every
#     opening queues a mail; an agent and an API token;
#   - pgbench: bench/pg_opening.sql, -M prepared, $PGBENCH_CLIENTS clients, for
#     $DURATION; per-transaction log for p50/p99;
#   - old, new: `atiende serve` (no SMTP: the delivery worker keeps .eml files) and
#     wrk -t2 -c$WRK_CONNECTIONS with bench/tickets_open.lua for $DURATION;
#   - PostgreSQL wait events of the active sessions, sampled every 0.5 s;
#   - afterwards, per desk: tickets, distinct numbers, the highest number and the
#     series' last value (gapless: all four equal), and the rows behind them.
# Usage:
#   OLD=/tmp/atiende-before-perf NEW=build/atiende bench/pg_openings.sh
# Settings (environment, defaults): ROUNDS=1 DURATION=20 CUSTOMERS=2000
#   PGBENCH_CLIENTS=16 WRK_CONNECTIONS=32 PORT=18120 BENCH_DIR=/tmp/atiende-bench-pg-open
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=${OLD:?OLD=path of the binary before}
NEW=${NEW:-$ROOT/build/atiende}
ROUNDS=${ROUNDS:-1}
DURATION=${DURATION:-20}
CUSTOMERS=${CUSTOMERS:-2000}
PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-16}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
PORT=${PORT:-18120}
BENCH_DIR=${BENCH_DIR:-/tmp/atiende-bench-pg-open}
PGBIN=/usr/lib/postgresql/15/bin
OUT=$BENCH_DIR/last
rm -rf "$OUT"
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
PG_DIR=$BENCH_DIR/pg
SERVER_PID=""
say() { echo "$*" | tee -a "$SUMMARY"; }
cleanup() {
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && timeout 20 tail --pid="$SERVER_PID" -f /dev/null
  [[ -n $SERVER_PID ]] && kill -KILL "$SERVER_PID" 2>/dev/null
  timeout 60 "$ROOT/scripts/pg-test-server" stop "$PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

timeout 120 "$ROOT/scripts/pg-test-server" start "$PG_DIR" >"$OUT/pg-start.log" 2>&1 ||
  { tail -5 "$OUT/pg-start.log"; exit 1; }
BASE_URL=$(cat "$PG_DIR/url")
say "# PostgreSQL openings $(date -u +%Y-%m-%dT%H:%M:%SZ): old=$OLD new=$NEW"
say "settings: rounds=$ROUNDS duration=${DURATION}s customers=$CUSTOMERS pgbench clients=$PGBENCH_CLIENTS wrk 2t/${WRK_CONNECTIONS}c; $("$PGBIN/psql" -Atq "$BASE_URL" -c 'SELECT version()' | cut -d, -f1), synchronous_commit=$("$PGBIN/psql" -Atq "$BASE_URL" -c 'SHOW synchronous_commit')"
say "uptime before: $(uptime)"

TSV=$OUT/customers.tsv
python3 - "$CUSTOMERS" "$TSV" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("CODIGO\tCLIENTES\tNIT\tEMAIL\tCRITICO\n")
    for i in range(1, n + 1):
        crit = "Prioritario" if i % 7 == 0 else ""
        f.write(f"B{i:06d}\tCliente Bench {i} S.A.S.\t{900000000 + i}\tnoc{i}@cliente{i}.example\t{crit}\n")
PY

# fresh_db NAME BIN: a new database loaded by BIN; echoes its URL. Sets TOKEN.
fresh_db() {
  local name=$1 bin=$2 url
  "$PGBIN/psql" -Atq "$BASE_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
  url="${BASE_URL%/*}/$name"
  local data=$OUT/data-$name
  rm -rf "$data"; mkdir -p "$data"
  ATIENDE_DATABASE_URL=$url timeout 300 "$bin" import customers "$TSV" --data-dir "$data" >"$OUT/$name.import.log" 2>&1 ||
    { say "$name: import failed: $(tail -2 "$OUT/$name.import.log")"; return 1; }
  printf 'bench-password-123\n' | ATIENDE_DATABASE_URL=$url timeout 60 "$bin" user add bench --role agent \
    --password-stdin --data-dir "$data" >/dev/null 2>&1
  TOKEN=$(ATIENDE_DATABASE_URL=$url timeout 60 "$bin" token create bench --data-dir "$data" 2>/dev/null | tail -1)
  DB_URL=$url
  DATA=$data
}

waits_start() {
  (
    end=$((SECONDS + DURATION))
    while ((SECONDS < end)); do
      timeout 5 "$PGBIN/psql" -Atq "$DB_URL" -c "SELECT coalesce(wait_event_type, 'CPU') || ':' ||
        coalesce(wait_event, '-') FROM pg_stat_activity WHERE datname = current_database()
        AND state = 'active' AND pid <> pg_backend_pid()" 2>/dev/null
      sleep 0.5
    done
  ) >"$OUT/$1.pgwaits" &
  WAITS_PID=$!
}
waits_report() {
  wait "$WAITS_PID" 2>/dev/null
  say "  wait events (active sessions, every 0.5 s): $(sort "$OUT/$1.pgwaits" | uniq -c | sort -rn | head -5 | awk '{printf "%s %s, ", $2, $1}')"
}
check_rows() {
  say "  rows: $("$PGBIN/psql" -Atq -F' ' "$DB_URL" -c "SELECT 'tickets=' || count(*), 'distinct_numbers=' || count(DISTINCT number),
    'max=' || coalesce(max(number), '-'), 'series_last=' || coalesce((SELECT last FROM number_series WHERE desk_id = 'main' AND series = 'CS'), 0),
    'placeholders_left=' || count(*) FILTER (WHERE number LIKE 'CSX%'),
    'calls=' || (SELECT count(*) FROM interactions WHERE ticket_number <> ''),
    'audit=' || (SELECT count(*) FROM audit WHERE action = 'ticket.open'),
    'mails=' || (SELECT count(*) FROM mail_outbox), 'work=' || (SELECT count(*) FROM work_items WHERE kind = 'mail.deliver')
    FROM tickets WHERE desk_id = 'main'")"
}
RESULTS=$OUT/results.tsv
for round in $(seq 1 "$ROUNDS"); do
  # pgbench: the same statements without HTTP and the application.
  fresh_db "pgb_r$round" "$NEW" || continue
  say ""
  say "## round $round pgbench: load $(cut -d' ' -f1-3 /proc/loadavg)"
  waits_start "pgb_r$round"
  (cd "$OUT" && timeout $((DURATION + 60)) "$PGBIN/pgbench" -n -M prepared -c "$PGBENCH_CLIENTS" -j 2 \
    -T "$DURATION" -D customers="$CUSTOMERS" -l --log-prefix="pgb_r$round" -f "$ROOT/bench/pg_opening.sql" \
    "$DB_URL" >"$OUT/pgb_r$round.out" 2>&1)
  waits_report "pgb_r$round"
  python3 - "$OUT" "pgb_r$round" "$RESULTS" <<'PY' | tee -a "$SUMMARY"
import glob, sys, re
out, tag, results = sys.argv[1:]
lat = []
for f in glob.glob(f"{out}/{tag}.*"):
    if re.search(r"\.\d+(\.\d+)?$", f) and not f.endswith(".out"):
        for line in open(f):
            p = line.split()
            if len(p) >= 3 and p[2].isdigit(): lat.append(int(p[2]) / 1000.0)
text = open(f"{out}/{tag}.out").read()
m = re.search(r"tps = ([\d.]+)", text)
tps = float(m.group(1)) if m else 0.0
failed = re.search(r"number of failed transactions: (\d+)", text)
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
print(f"  pgbench: {tps:.0f} tps, p50 {pct(0.5):.2f} ms, p99 {pct(0.99):.2f} ms over {len(lat)} transactions;"
      f" failed {failed.group(1) if failed else '?'}")
open(results, "a").write(f"{tag.split('_')[-1]}\tpgbench\t{tps:.0f}\t{pct(0.5):.2f}\t{pct(0.99):.2f}\n")
PY
  check_rows
  for which in old new; do
    bin=$OLD; [[ $which = new ]] && bin=$NEW
    fresh_db "${which}_r$round" "$bin" || continue
    say ""
    say "## round $round $which ($bin): load $(cut -d' ' -f1-3 /proc/loadavg)"
    ATIENDE_DATABASE_URL=$DB_URL ATIENDE_MAIL_RATE_CAP=100000 ATIENDE_SMTP_URL="" "$bin" serve \
      --listen "127.0.0.1:$PORT" --data-dir "$DATA" 2>"$OUT/${which}_r$round.serve.log" >/dev/null &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
      grep -q '"http.listen"' "$OUT/${which}_r$round.serve.log" 2>/dev/null && break
      sleep 0.05
    done
    waits_start "${which}_r$round"
    ATIENDE_TOKEN=$TOKEN ATIENDE_CUSTOMERS=$CUSTOMERS ATIENDE_RUN="$which$round" timeout $((DURATION + 60)) \
      wrk -t2 -c"$WRK_CONNECTIONS" -d"${DURATION}s" --latency --timeout 10s -s "$ROOT/bench/tickets_open.lua" \
      "http://127.0.0.1:$PORT" >"$OUT/${which}_r$round.wrk" 2>&1
    waits_report "${which}_r$round"
    summary=$(grep '^wrk_summary' "$OUT/${which}_r$round.wrk")
    say "  $summary"
    say "  $(grep '^wrk_status' "$OUT/${which}_r$round.wrk" | cut -c1-300)"
    echo "$summary" | awk -v r="$round" -v w="$which" '{for(i=2;i<=NF;i++){split($i,a,"="); v[a[1]]=a[2]}
      print "r" r "\t" w "\t" v["rps"] "\t" v["p50_ms"] "\t" v["p99_ms"]}' >>"$RESULTS"
    kill -TERM "$SERVER_PID" 2>/dev/null
    timeout 30 tail --pid="$SERVER_PID" -f /dev/null || kill -KILL "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
    check_rows
  done
done
say ""
say "uptime after: $(uptime)"
python3 - "$RESULTS" <<'PY' | tee -a "$SUMMARY"
import collections, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print("| round | what | openings/s | p50 ms | p99 ms | / pgbench |")
print("|---|---|---|---|---|---|")
base = {r[0]: float(r[2]) for r in rows if r[1] == "pgbench"}
for r in rows:
    b = base.get(r[0])
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {float(r[2]) / b:.2f} |" if b else f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | - |")
PY
