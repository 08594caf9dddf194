#!/usr/bin/env python3
"""Mail takeover after a crash (issue 19, item 8): how long the mails a killed
node had claimed wait before another node sends them, and how many go twice.

Each round, on one PostgreSQL database and a real SMTP server on loopback
(tests/smtp_sink.py):
  1. node a starts and sends a first mail, which the server stalls; meanwhile
     `--mails` more are queued, and a claims them in one batch (as many as
     the delivery batch, 20) once the first is through;
  2. the server stalls a's first mail of the batch too, after recording it;
     node b starts;
  3. after a random pause of up to a third of the lease (so the kill falls
     anywhere between two heartbeats) a is killed with kill -9, and the server
     lets the stalled mail go;
  4. we time, from the kill, the first of a's mails to reach the server again
     and the last one to be `sent` (b's API, polled every 20 ms), and count
     the Message-IDs the server got more than once.
The kill always lands while the server holds a mail: the worst case, where
that mail is the crash's one allowed duplicate.

    ATIENDE_TEST_PG_URL_FILE=build/pg/url python3 bench/mail_takeover.py \\
        --bin build/atiende --rounds 6
    # the same on an older binary, one round (it waits out a 5-minute lease)
    ... --bin /tmp/atiende-old --rounds 1 --timeout 400

--lease N sets mail_lease_seconds (default: the server's own default).
Prints one line per round, a summary, and `uptime` before and after.
Python standard library; reuses tests/harness.py.
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests")
sys.path.insert(0, TESTS)

import harness  # noqa: E402
from mail_test import Sink, parse  # noqa: E402
from postgres_nodes_test import admin_token, fresh_database, shared_server_url  # noqa: E402


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


class Bench:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="atiende-takeover-bench-")
        self.hold_dir = os.path.join(self.dir, "hold")
        os.mkdir(self.hold_dir)
        self.sink = Sink(os.path.join(self.dir, "sink.jsonl"), hold_dir=self.hold_dir)
        self.url = fresh_database(shared_server_url())
        self.token = admin_token(self.url)

    def close(self):
        self.sink.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def node(self):
        env = {"ATIENDE_DATABASE_URL": self.url,
               "ATIENDE_SMTP_URL": "smtp://127.0.0.1:%d" % self.sink.port,
               "ATIENDE_SMTP_STARTTLS": "none"}
        if self.args.lease:
            env["ATIENDE_MAIL_LEASE_SECONDS"] = str(self.args.lease)
        return harness.Server(env=env, desk="main").start()

    def hold(self, address, on=True):
        path = os.path.join(self.hold_dir, address)
        if on:
            open(path, "w").close()
        elif os.path.exists(path):
            os.remove(path)

    def counts(self):
        out = {}
        for r in self.sink.messages():
            mid = parse(r)["Message-ID"]
            out[mid] = out.get(mid, 0) + 1
        return out

    def wait(self, predicate, what, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        raise SystemExit("timed out after %.0f s waiting for %s" % (timeout, what))

    def round(self, n):
        first_to, gate_to = "first-%d@hold.example" % n, "gate-%d@hold.example" % n
        self.hold(first_to)
        self.hold(gate_to)
        a = self.node()
        b = None
        try:
            c = a.client(self.token)
            for name, addrs in (("jefe_servicio", [first_to]), ("supervisor_rrss", [gate_to]),
                                ("mesa_clientes", ["mesa-%d@abastible.example" % n])):
                r = c.request("PUT", "/api/v1/directory/" + name, {"addresses": addrs})
                assert r.status == 200, r
            first = c.post("/api/v1/directory/jefe_servicio/test").json()
            self.wait(lambda: first["message_id"] in self.counts(), "a's first mail", 30)
            claimed = [c.post("/api/v1/directory/supervisor_rrss/test").json()]
            claimed += [c.post("/api/v1/directory/mesa_clientes/test").json()
                        for _ in range(self.args.mails - 1)]
            self.hold(first_to, False)
            self.wait(lambda: claimed[0]["message_id"] in self.counts(), "a's batch", 30)
            statuses = [c.get("/api/v1/mail/%d" % m["id"]).json()["status"] for m in claimed]
            assert statuses == ["sending"] * len(claimed), statuses
            b = self.node()
            cb = b.client(self.token)
            lease = self.args.lease or 30
            time.sleep(random.uniform(0, lease / 3))
            before = sum(self.counts().values())
            killed = time.monotonic()
            a.kill()
            self.hold(gate_to, False)
            self.wait(lambda: sum(self.counts().values()) > before, "a resend", self.args.timeout)
            first_back = time.monotonic() - killed
            pending = {m["id"] for m in claimed}

            def all_sent():
                for i in list(pending):
                    if cb.get("/api/v1/mail/%d" % i).json()["status"] == "sent":
                        pending.discard(i)
                return not pending
            self.wait(all_sent, "b sending a's mails", self.args.timeout)
            all_back = time.monotonic() - killed
            time.sleep(1.0)
            counts = self.counts()
            ids = [first["message_id"]] + [m["message_id"] for m in claimed]
            missing = [i for i in ids if counts.get(i, 0) == 0]
            extra = sum(counts.get(i, 0) - 1 for i in ids if counts.get(i, 0) > 1)
            return first_back, all_back, extra, missing
        finally:
            a.cleanup()
            if b is not None:
                b.stop()
                b.cleanup()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", default=os.path.join(os.path.dirname(TESTS), "build", "atiende"))
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--mails", type=int, default=20, help="mails a claims in its batch (<= 20)")
    p.add_argument("--lease", type=int, default=0, help="mail_lease_seconds (0: the default)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per wait")
    p.add_argument("--seed", type=int, default=19)
    args = p.parse_args()
    harness.BIN = os.path.abspath(args.bin)
    random.seed(args.seed)
    print("binary  %s" % harness.BIN)
    print("before  %s" % uptime())
    bench = Bench(args)
    rows = []
    try:
        for n in range(1, args.rounds + 1):
            first_back, all_back, extra, missing = bench.round(n)
            rows.append((first_back, all_back, extra))
            print("round %d  first resend %6.2f s  all %d sent %6.2f s  sent twice %d  missing %d"
                  % (n, first_back, args.mails, all_back, extra, len(missing)), flush=True)
            if missing:
                raise SystemExit("mails never sent: %s" % missing)
    finally:
        bench.close()
    firsts, alls = [r[0] for r in rows], [r[1] for r in rows]
    print("takeover (kill -> first resend): min %.2f  median %.2f  max %.2f s"
          % (min(firsts), statistics.median(firsts), max(firsts)))
    print("all claimed mails sent:          min %.2f  median %.2f  max %.2f s"
          % (min(alls), statistics.median(alls), max(alls)))
    print("sent twice: %d in %d crashes (max %d per crash)"
          % (sum(r[2] for r in rows), len(rows), max(r[2] for r in rows)))
    print("after   %s" % uptime())


if __name__ == "__main__":
    main()
