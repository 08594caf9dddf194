#!/usr/bin/env bash
# pg_compare: Atiende's PostgreSQL write throughput next to what the same server does for
# pgbench's single-row INSERT, in one run (the machine is shared: only ratios taken together
# mean something).
#
#   bench/pg_compare.sh URL [BUILD_DIR]
#
# URL        a PostgreSQL 15 server, e.g. $(cat /tmp/pgbench-srv/url) after
#            `scripts/pg-test-server start /tmp/pgbench-srv`. Loopback only.
# BUILD_DIR  holds store_write_bench (default /tmp/build-bench2).
# Env: SECONDS_EACH (default 15) measured seconds per step.
#
# Steps, against two throwaway databases created on that server and dropped at the end:
#   1. pgbench -c 8 -j 2 -T 15 -n -f insert.sql   (one INSERT of a small row per transaction)
#   2. store_write_bench --backend=postgresql, 8 writer threads: CreateCustomer (the API's
#      use case: customer row with its folded search columns, audit row, one transaction),
#      then CreateCustomerWithCode (the caller gives the code: one UPDATE less)
#   3. pgbench again (the same command), to show how much the machine drifted meanwhile
#   4. pgbench with the shape of Atiende's transaction: BEGIN, two INSERTs, COMMIT (four round
#      trips, as CreateCustomerWithCode makes), to tell round-trip cost from Atiende's own
# Prints each rate and Atiende / pgbench (mean of steps 1 and 3); the issue's target is >= 0.80.
# Every step is bounded by `timeout`.
set -euo pipefail

url=${1:?usage: bench/pg_compare.sh URL [BUILD_DIR]}
build=${2:-/tmp/build-bench2}
secs=${SECONDS_EACH:-15}
pgbin=/usr/lib/postgresql/15/bin
bench=$build/store_write_bench
[ -x "$bench" ] || { echo "pg_compare: $bench not built" >&2; exit 2; }

base=${url%/*}   # postgresql://user@host:port
tag=$$
db_pgbench=cmp_pgbench_$tag
db_atiende=cmp_atiende_$tag
work=$(mktemp -d /tmp/pg_compare.XXXXXX)
cleanup() {
  "$pgbin/psql" -q "$url" -c "DROP DATABASE IF EXISTS $db_pgbench" >/dev/null 2>&1 || true
  "$pgbin/psql" -q "$url" -c "DROP DATABASE IF EXISTS $db_atiende" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$pgbin/psql" -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE $db_pgbench" \
  -c "CREATE DATABASE $db_atiende"
"$pgbin/psql" -q -v ON_ERROR_STOP=1 "$base/$db_pgbench" -c \
  "CREATE TABLE insert_bench (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                              payload TEXT NOT NULL, at BIGINT NOT NULL)"
cat > "$work/insert.sql" <<'SQL'
\set n random(1, 1000000000)
INSERT INTO insert_bench(payload, at) VALUES ('customer ' || :n, :n);
SQL
cat > "$work/insert_tx.sql" <<'SQL'
\set n random(1, 1000000000)
BEGIN;
INSERT INTO insert_bench(payload, at) VALUES ('customer ' || :n, :n);
INSERT INTO insert_bench(payload, at) VALUES ('audit ' || :n, :n);
COMMIT;
SQL

echo "server: $("$pgbin/psql" -Atq "$url" -c "SELECT version()" | cut -d, -f1)," \
     "synchronous_commit=$("$pgbin/psql" -Atq "$url" -c 'SHOW synchronous_commit')," \
     "fsync=$("$pgbin/psql" -Atq "$url" -c 'SHOW fsync')"

run_pgbench() {  # [SCRIPT]
  local out
  out=$(cd "$work" && timeout $((secs + 60)) "$pgbin/pgbench" -c 8 -j 2 -T "$secs" -n \
          -f "${1:-insert.sql}" "$base/$db_pgbench" 2>&1)
  echo "$out" | grep -E "^(latency average|tps)" | sed 's/^/    /' >&2
  echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p'
}

echo "1. pgbench -c 8 -j 2 -T $secs -n -f insert.sql"
pg1=$(run_pgbench)
echo "   ${pg1} tps"

echo "2. store_write_bench --backend=postgresql, 8 writers, $secs s each"
timeout $((4 * secs + 120)) "$bench" --backend=postgresql --pg-url="$base/$db_atiende" \
  --min-time="$secs" --benchmark_filter='^CreateCustomer(WithCode)?/.*threads:8$' \
  --benchmark_out="$work/atiende.json" --benchmark_out_format=json >"$work/atiende.txt" 2>&1 || {
  cat "$work/atiende.txt" >&2
  exit 1
}
rate() {
  /usr/bin/python3 -c '
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b["name"].startswith(sys.argv[2] + "/"):
        print("%.1f" % b["items_per_second"])' "$work/atiende.json" "$1"
}
at=$(rate CreateCustomer)
atc=$(rate CreateCustomerWithCode)
echo "   CreateCustomer ${at}/s, CreateCustomerWithCode ${atc}/s"

echo "3. pgbench again"
pg2=$(run_pgbench)
echo "   ${pg2} tps"

echo "4. pgbench -c 8 -j 2 -T $secs -n -f insert_tx.sql (BEGIN; INSERT; INSERT; COMMIT)"
pgtx=$(run_pgbench insert_tx.sql)
echo "   ${pgtx} tps"

/usr/bin/python3 - "$pg1" "$pg2" "$at" "$atc" "$pgtx" <<'PY'
import sys
pg1, pg2, at, atc, pgtx = map(float, sys.argv[1:])
pg = (pg1 + pg2) / 2
print(f"pgbench single-row INSERT, 8 clients: {pg1:.0f} then {pg2:.0f} tps (mean {pg:.0f};"
      f" drift {100 * (pg2 - pg1) / pg1:+.0f}%)")
for name, r in (("CreateCustomer", at), ("CreateCustomerWithCode", atc)):
    verdict = "meets" if r / pg >= 0.80 else "misses"
    print(f"Atiende {name}, 8 writers: {r:.0f}/s = {r / pg:.2f} of pgbench"
          f" ({verdict} the 0.80 target)")
print(f"pgbench BEGIN + 2 INSERTs + COMMIT: {pgtx:.0f} tps = {pgtx / pg:.2f} of the single INSERT;"
      f" CreateCustomerWithCode = {atc / pgtx:.2f} of it")
PY
