#!/usr/bin/env python3
"""The desk's figures at scale (issue 18, docs/reports.md): 1M tickets and 3M
logged calls in one desk (cirion-nm) over one year (2026), on SQLite and on
PostgreSQL.

  1. Load: a demo-seeded database; then, by SQL, 1M tickets (their `tickets`
     rows, 1 % of them still in progress, and their `report_tickets` rows as
     the store writes them) and 3M `interactions` with `report_calls_hourly`
     built from them by the migration's own GROUP BY. (Going through the API
     would take hours on this machine; what the reports read is the same.)
  2. Reports over HTTP as the supervisor: each report for a month
     (2026-06-01…30, by day) and for the year (by month), one warm-up and
     five timed runs each: median and max milliseconds, with the limits
     (month ≤ 500 ms, year ≤ 2 s).
  3. Export: the year's 1M tickets, one row each, as CSV (and XLSX with
     --xlsx) read as it streams: rows per second, and the server's RSS before
     and its peak (VmHWM, reset before the export) — flat memory means the
     peak does not grow with the rows.

  ATIENDE_BIN=build/atiende ATIENDE_SOURCE=$PWD \\
    ATIENDE_TEST_PG_URL_FILE=$PWD/build/pg/url python3 bench/reports_bench.py

Options: --backend sqlite|postgresql|both (default both; PostgreSQL needs the
test server's URL), --tickets N, --calls N, --xlsx, --json.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import harness as h  # noqa: E402

DESK = "cirion-nm"
T0 = 1767225600 * 1000000  # 2026-01-01T00:00:00Z, µs
YEAR_US = 365 * 86400 * 1000000

REPORTS = ["tickets", "sla", "tickets_by", "backlog", "calls", "calls_by"]
MONTH = "from=2026-06-01&to=2026-06-30&by=day"
YEAR = "from=2026-01-01&to=2026-12-31&by=month"


def load_sql(dialect, tickets, calls, customer_id):
    step = YEAR_US // tickets
    cstep = YEAR_US // calls
    if dialect == "sqlite":
        seq = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < %d) "
        num = "printf('BX%%08d', i)"
        b = lambda e: "(%s)" % e  # noqa: E731
    else:
        seq = "WITH n(i) AS (SELECT generate_series(0, %d)::bigint) "
        num = "'BX' || lpad(i::text, 8, '0')"
        b = lambda e: "(%s)::int" % e  # noqa: E731
    opened = "(%d + i * %d)" % (T0, step)
    open_ = "i %% 100 = 0"
    stmts = [
        (seq % (tickets - 1)) +
        "INSERT INTO tickets(desk_id, number, kind, state, customer_id, service_id, critical,"
        " next_due, resolved_at, assigned_group, assigned_engineer, version, doc)"
        " SELECT '%s', %s, 'incident', CASE WHEN %s THEN 'in_progress' ELSE 'closed' END, %d, '',"
        " %s, %s + 28800000000, NULL, '', '', 1, '{}' FROM n"
        % (DESK, num, open_ % (), customer_id, b("i % 3 = 0"), opened),
        (seq % (tickets - 1)) +
        "INSERT INTO report_tickets(desk_id, opened_at, ticket_id, number, kind, category,"
        " priority, critical, state, response_due, resolution_due, responded_at, resolved_at,"
        " closed_at, reopens, calls)"
        " SELECT '{desk}', {o}, 50000000 + i, {num},"
        " CASE WHEN i % 5 = 4 THEN 'requirement' ELSE 'incident' END,"
        " CASE i % 3 WHEN 0 THEN 'outage' WHEN 1 THEN 'degradation' ELSE 'other' END,"
        " 1 + i % 4, {crit}, CASE WHEN {open} THEN 'in_progress' ELSE 'closed' END,"
        " {o} + 1800000000, {o} + 28800000000, {o} + (i % 7) * 600000000,"
        " CASE WHEN {open} THEN NULL ELSE {o} + (i % 13) * 3600000000 END,"
        " CASE WHEN {open} THEN NULL ELSE {o} + (i % 13 + 24) * 3600000000 END,"
        " {reop}, 1 + {more} FROM n".format(
            desk=DESK, o=opened, num=num, crit=b("i % 3 = 0"), open=open_ % (),
            reop=b("i % 17 = 0"), more=b("i % 5 = 0")),
        (seq % (calls - 1)) +
        "INSERT INTO interactions(customer_id, caller, type, outcome, notes, ticket_number,"
        " agent, started_at, ended_at, desk_id)"
        " SELECT NULL, '{}',"
        " CASE i % 5 WHEN 0 THEN 'opening' WHEN 1 THEN 'follow_up' WHEN 2 THEN 'service_info'"
        " WHEN 3 THEN 'case' ELSE 'other' END,"
        " CASE i % 7 WHEN 0 THEN 'ticket_opened' WHEN 1 THEN 'follow_up_given'"
        " WHEN 2 THEN 'information_given' WHEN 3 THEN 'derived_assurance'"
        " WHEN 4 THEN 'contacted' WHEN 5 THEN 'no_contact' ELSE 'other' END,"
        " '', '', 'agente', %d + i * %d, %d + i * %d + 240000000, '%s' FROM n"
        % (T0, cstep, T0, cstep, DESK),
        "INSERT INTO report_calls_hourly"
        " SELECT desk_id, (started_at / 3600000000) * 3600000000, type, outcome, COUNT(*),"
        " SUM(ended_at - started_at) FROM interactions GROUP BY 1, 2, 3, 4",
        "ANALYZE",
    ]
    return stmts


def run_sql(backend, target, stmts):
    for s in stmts:
        t = time.monotonic()
        if backend == "sqlite":
            subprocess.run(["sqlite3", target], input=s + ";\n", text=True, check=True,
                           stdout=subprocess.DEVNULL)
        else:
            subprocess.run(["psql", target, "-qv", "ON_ERROR_STOP=1", "-c", s], check=True,
                           stdout=subprocess.DEVNULL)
        print("  load: %.1f s  %s…" % (time.monotonic() - t, s[:70]), file=sys.stderr)


def rss(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) // 1024
    return out


def reset_hwm(pid):
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def timed(client, path, runs=5):
    r = client.get(path)
    if r.status != 200:
        raise AssertionError("%s: %r" % (path, r))
    ms = []
    for _ in range(runs):
        t = time.monotonic()
        r = client.get(path)
        ms.append((time.monotonic() - t) * 1000)
        assert r.status == 200, r
    return statistics.median(ms), max(ms)


def export(server, client, fmt):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    hdrs = client.credentials()
    path = "/api/v1/reports/tickets/rows?from=2026-01-01&to=2026-12-31&format=%s&desk=%s" % (
        fmt, DESK)
    pid = server.proc.pid
    before = rss(pid)["VmRSS"]
    reset_hwm(pid)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            peak[0] = max(peak[0], rss(pid)["VmRSS"])
    threading.Thread(target=sample, daemon=True).start()
    t = time.monotonic()
    conn.request("GET", path, headers=hdrs)
    resp = conn.getresponse()
    assert resp.status == 200, resp.status
    size = 0
    lines = 0
    while True:
        chunk = resp.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
        lines += chunk.count(b"\n")
    secs = time.monotonic() - t
    done.set()
    hwm = rss(pid)["VmHWM"]
    conn.close()
    return {"format": fmt, "seconds": round(secs, 2), "bytes": size,
            "rows": lines - 1 if fmt == "csv" else None,
            "rss_before_mib": before, "rss_peak_mib": max(hwm, peak[0])}


def bench(backend, args):
    env = {}
    d = None
    if backend == "postgresql":
        from postgres_nodes_test import fresh_database, shared_server_url
        url = fresh_database(shared_server_url())
        env = {"ATIENDE_DATABASE_URL": url}
        r = h.cli(["demo", "seed", "--dir", h.DEMO_DIR], env=env)
        assert r.code == 0, r
        target = url
    else:
        import tempfile
        d = tempfile.mkdtemp(prefix="atiende-reports-bench-")
        h.seed_demo(d)
        target = os.path.join(d, "atiende.db")
    if backend == "sqlite":
        cid = subprocess.run(["sqlite3", target, "SELECT MIN(id) FROM customers WHERE desk_id = '%s'"
                              % DESK], capture_output=True, text=True, check=True).stdout.strip()
    else:
        cid = subprocess.run(["psql", target, "-tAc", "SELECT MIN(id) FROM customers WHERE desk_id = '%s'"
                              % DESK], capture_output=True, text=True, check=True).stdout.strip()
    t = time.monotonic()
    run_sql(backend, target, load_sql(backend, args.tickets, args.calls, int(cid)))
    load_s = time.monotonic() - t
    server = h.Server(data_dir=d, env=env, desk=DESK) if d else h.Server(env=env, desk=DESK)
    server.start()
    out = {"backend": backend, "tickets": args.tickets, "calls": args.calls,
           "load_seconds": round(load_s, 1), "reports": {}, "exports": []}
    try:
        sup = server.login("supervisor", desk=DESK)
        for name in REPORTS + ["wallboard"]:
            if name == "wallboard":
                out["reports"][name] = {"now": [round(x, 1) for x in timed(sup, "/api/v1/reports/wallboard")]}
                continue
            m = timed(sup, "/api/v1/reports/%s?%s" % (name, MONTH))
            y = timed(sup, "/api/v1/reports/%s?%s" % (name, YEAR))
            out["reports"][name] = {"month": [round(x, 1) for x in m], "year": [round(x, 1) for x in y]}
            print("  %-10s month %6.1f ms (max %6.1f)  year %7.1f ms (max %7.1f)"
                  % (name, m[0], m[1], y[0], y[1]), file=sys.stderr)
        for fmt in ["csv"] + (["xlsx"] if args.xlsx else []):
            e = export(server, sup, fmt)
            if e["rows"]:
                e["rows_per_second"] = int(e["rows"] / e["seconds"])
            out["exports"].append(e)
            print("  export %s" % e, file=sys.stderr)
    finally:
        server.stop()
        server.cleanup()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="both")
    ap.add_argument("--tickets", type=int, default=1000000)
    ap.add_argument("--calls", type=int, default=3000000)
    ap.add_argument("--xlsx", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    for b in backends:
        print("%s: loading %d tickets and %d calls" % (b, args.tickets, args.calls), file=sys.stderr)
        results.append(bench(b, args))
    print("load average:", open("/proc/loadavg").read().strip(), file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for r in results:
            print("%s (load %.0f s)" % (r["backend"], r["load_seconds"]))
            for name, v in r["reports"].items():
                print("  %-10s %s" % (name, v))
            for e in r["exports"]:
                print("  export %s" % e)


if __name__ == "__main__":
    main()
