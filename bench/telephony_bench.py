#!/usr/bin/env python3
"""Telephony (issue 17, docs/telephony.md) against a real `atiende serve`
(SQLite, loopback).

  1. screen pops: C consoles (one agent each, all of the ZB desk) hold the
     live-updates stream open (GET /api/v1/events); a phone system posts R new
     calls a second, each answered at once by one of those agents (new_call,
     then answer, from 4 sender threads). For every call: the delay from the
     `answer` response returning to the `event: call` pop with that call's id
     arriving at that agent's console. Every pop must reach the right console
     and no other: the script fails (exit 1) otherwise.
  2. caller lookup: the SQLite file is filled (outside the server, with
     Python's sqlite3) with N customers of the desk and 3 phones each (the
     customer's and two contacts') in the E.164 index; then, over HTTP,
     GET /api/v1/telephony/calls/{id} of calls whose caller is one of them —
     the whole route (session, the call, the index lookup, the customer) —
     and, in-process of Python's sqlite3 on the same file, the index query
     the store runs (store/sql/customers.cc FindByPhone).

  ATIENDE_BIN=$PWD/build/atiende python3 bench/telephony_bench.py [--consoles 200]
      [--rate 100] [--seconds 10] [--customers 1000000]

Python standard library only; reuses tests/harness.py and tests/pbx_sim.py.
Every wait is bounded; the server is stopped and its directory removed.
"""

import argparse
import os
import random
import sqlite3
import sys
import threading
import time

TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests")
sys.path.insert(0, TESTS)
import harness as h  # noqa: E402
from events_test import EventReader  # noqa: E402
from pbx_sim import PhoneSystem  # noqa: E402

PASSWORD = "bench-password-123"
DRAIN_TIMEOUT = 60.0


class BenchError(Exception):
    pass


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def summary(ms):
    return "n=%d min=%.2f p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms" % (
        len(ms), min(ms), pct(ms, 50), pct(ms, 90), pct(ms, 99), max(ms))


class StampedQueue:
    """Stands in for EventReader.events: keeps each pop's arrival time."""

    def __init__(self):
        self.pops = {}
        self.lock = threading.Lock()

    def put(self, event):
        if event.get("event") == "call":
            now = time.monotonic()
            call = h.json.loads(event["data"])["call"]
            with self.lock:
                self.pops.setdefault(call, now)


def pops_bench(server, consoles, rate, seconds):
    admin = server.login("admin")
    names = ["bench.agent%03d" % i for i in range(consoles)]
    for n in names:
        r = admin.post("/api/v1/users", {"username": n, "role": "agent", "password": PASSWORD,
                                         "desks": [h.ZB_DESK]})
        if r.status != 201:
            raise BenchError("creating %s: %r" % (n, r))
    r = admin.post("/api/v1/telephony/tokens", {"desk": h.ZB_DESK})
    token = r.json()["token"]
    readers = []
    for n in names:
        rd = EventReader(server.login(n, PASSWORD))
        if rd.resp.status != 200:
            raise BenchError("stream of %s: %d" % (n, rd.resp.status))
        rd.events = StampedQueue()
        readers.append(rd)
    total = rate * seconds
    answered = {}  # call id (str) -> (console index, answer response time)
    lock = threading.Lock()
    senders = 4
    start = time.monotonic() + 0.5

    def send(k):
        pbx = PhoneSystem(server.port, token)
        for i in range(k, total, senders):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            cid = "bench-%d" % i
            agent = i % consoles
            r = pbx.new_call(cid, "+56 9 %04d %04d" % (1000 + i // 10000, i % 10000),
                             users=[names[agent]])
            if r.status != 200:
                raise BenchError("new_call %d: %r" % (i, r))
            r = pbx.answer(cid, names[agent])
            t = time.monotonic()
            if r.status != 200:
                raise BenchError("answer %d: %r" % (i, r))
            with lock:
                answered[str(r.json()["call"]["id"])] = (agent, t)

    threads = [threading.Thread(target=send, args=(k,)) for k in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent_for = time.monotonic() - start
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while time.monotonic() < deadline:
        if all(call in readers[a].events.pops for call, (a, _) in answered.items()):
            break
        time.sleep(0.1)
    time.sleep(1.0)  # any stray pop at another console shows up now
    ms, missing = [], 0
    for call, (a, t) in answered.items():
        got = readers[a].events.pops.get(call)
        if got is None:
            missing += 1
        else:
            ms.append((got - t) * 1000.0)  # < 0: the pop beat the answer's response
        for j, rd in enumerate(readers):
            if j != a and call in rd.events.pops:
                raise BenchError("call %s popped at console %d, not only %d" % (call, j, a))
    for rd in readers:
        rd.close()
    if missing:
        raise BenchError("%d of %d pops never arrived" % (missing, len(answered)))
    print("pops: %d consoles, %d calls at %d/s (sent in %.1f s, %.0f calls/s achieved)" %
          (consoles, total, rate, sent_for, total / sent_for))
    print("  answer response -> pop at the right console: " + summary(ms))
    print("  pops that arrived before the answer's response: %d of %d" %
          (sum(1 for m in ms if m < 0), len(ms)))


def fill_customers(db_path, n):
    """N customers of the ZB desk, 3 phones each in the E.164 index."""
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    now = int(time.time() * 1e6)
    cur = con.execute("SELECT COALESCE(MAX(id), 0) FROM customers")
    first = cur.fetchone()[0] + 1
    batch = 50000
    for lo in range(0, n, batch):
        rows, phones = [], []
        for k in range(lo, min(n, lo + batch)):
            cid = first + k
            rows.append((cid, h.ZB_DESK, "BENCH%07d" % k, "Cliente %d Ltda." % k,
                         "cliente %d" % k, "+569%08d" % k, now, now))
            phones.append((h.ZB_DESK, "+569%08d" % k, cid, ""))
            phones.append((h.ZB_DESK, "+5622%07d" % k, cid, "Contacto A"))
            phones.append((h.ZB_DESK, "+5632%07d" % k, cid, "Contacto B"))
        con.executemany("INSERT INTO customers(id, desk_id, code, legal_name, name_key, phone,"
                        " version, created_at, updated_at) VALUES (?,?,?,?,?,?,1,?,?)", rows)
        con.executemany("INSERT INTO customer_phones(desk_id, phone, customer_id, contact)"
                        " VALUES (?,?,?,?)", phones)
        con.commit()
    total = con.execute("SELECT COUNT(*) FROM customer_phones").fetchone()[0]
    con.close()
    return total


def lookup_bench(server, n, lookups):
    db = os.path.join(server.data_dir, "atiende.db")
    if not os.path.exists(db):
        raise BenchError("no SQLite file at %s" % db)
    t0 = time.monotonic()
    total = fill_customers(db, n)
    print("lookup: %d customers, %d indexed phones (filled in %.0f s)" %
          (n, total, time.monotonic() - t0))
    rnd = random.Random(17)
    # In-process (Python's sqlite3), the store's query.
    con = sqlite3.connect(db)
    # As the store sends it in a one-desk scope (store/sql/sql.cc OneDesk turns
    # "(?1 = '' OR desk_id = ?1)" into "desk_id = ?1", which the index serves).
    q = ("SELECT customer_id, contact FROM customer_phones WHERE desk_id = ?1"
         " AND phone = ?2 ORDER BY customer_id, contact LIMIT ?3")
    ms = []
    for _ in range(lookups):
        k = rnd.randrange(n)
        number = rnd.choice(["+569%08d", "+5622%07d", "+5632%07d"]) % k
        t = time.perf_counter()
        rows = con.execute(q, (h.ZB_DESK, number, 10)).fetchall()
        ms.append((time.perf_counter() - t) * 1000.0)
        if len(rows) != 1:
            raise BenchError("%s: %r" % (number, rows))
    plan = con.execute("EXPLAIN QUERY PLAN " + q, (h.ZB_DESK, "+56912345678", 10)).fetchall()
    con.close()
    print("  index query in-process (sqlite3): " + summary(ms))
    print("  plan: " + "; ".join(str(p[-1]) for p in plan))
    # Over HTTP: the call route, caller identified.
    admin = server.login("admin")
    token = admin.post("/api/v1/telephony/tokens", {"desk": h.ZB_DESK}).json()["token"]
    pbx = PhoneSystem(server.port, token)
    agent = server.login(h.DEMO_USERS["agent"])
    ids = []
    for i in range(lookups):
        k = rnd.randrange(n)
        r = pbx.new_call("lookup-%d" % i, "+569%08d" % k)
        if r.status != 200:
            raise BenchError("new_call: %r" % r)
        ids.append(r.json()["call"]["id"])
    ms = []
    for cid in ids:
        t = time.perf_counter()
        r = agent.get("/api/v1/telephony/calls/%d" % cid)
        ms.append((time.perf_counter() - t) * 1000.0)
        if r.status != 200 or r.json()["caller"]["result"] != "customer":
            raise BenchError("call %d: %r" % (cid, r))
    print("  GET /api/v1/telephony/calls/{id} over HTTP (caller identified): " + summary(ms))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--consoles", type=int, default=200)
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--customers", type=int, default=1000000)
    ap.add_argument("--lookups", type=int, default=500)
    ap.add_argument("--skip-pops", action="store_true")
    ap.add_argument("--skip-lookup", action="store_true")
    a = ap.parse_args()
    print("uptime:" + os.popen("uptime").read().rstrip())
    server = h.Server(seed=True, desk=h.ZB_DESK)
    server.start()
    try:
        if not a.skip_pops:
            pops_bench(server, a.consoles, a.rate, a.seconds)
        if not a.skip_lookup:
            lookup_bench(server, a.customers, a.lookups)
    except BenchError as e:
        print("FAILED: %s" % e)
        return 1
    finally:
        server.stop()
        server.cleanup()
    print("uptime:" + os.popen("uptime").read().rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
