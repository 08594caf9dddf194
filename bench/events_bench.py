#!/usr/bin/env python3
"""Live updates (GET /api/v1/events) against a real `atiende serve` (SQLite,
loopback): what a change costs to fan out, and what open streams cost.

  1. fan-out: N open streams (agents, 16 streams per user), M changes made one
     at a time through the API by one client (a ticket opened, then commented
     on); for every change and every stream, the delay from the API response
     returning to the event arriving. Every stream must hear of every change:
     the script fails (exit 1) if one is missing, a stream ends or resets.
  2. outside the API: `atiende import customers FILE` on the same data dir,
     which only the feed's 500 ms poll finds; the delay from the CLI's exit
     to the event.
  3. idle streams: server CPU (utime+stime from /proc/PID/stat) over a window
     with 0 and with N idle streams open, and the server's RSS.
  4. writes: ticket comments from W threads with 0 and with N open streams
     (0 again after, to show drift on a shared machine); ratios are from the
     same run.

Streams are read by one child process (selectors, raw sockets, timestamps
from time.monotonic(), which is one clock for both processes), so that
parsing 100k events does not hold the writer's GIL. Its CPU is reported:
it shares the machine's cores with the server.

  ATIENDE_BIN=$PWD/build/atiende python3 bench/events_bench.py [--quick]

Python standard library only; reuses tests/harness.py. Every wait is
bounded; the server is stopped and its temporary directory removed at the end.
"""

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import selectors
import socket
import subprocess
import sys
import threading
import time

TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests")
sys.path.insert(0, TESTS)
import harness as h  # noqa: E402
from tickets_test import new_customer, services, ticket_body  # noqa: E402

PASSWORD = "bench-password-123"
PER_USER = 16            # the server's limit of streams per user
DRAIN_TIMEOUT = 120.0    # seconds for every stream to hear of every change
OPEN_TIMEOUT = 10.0      # seconds to open one stream (429 while a closed one is freed)
PIPE_TIMEOUT = 60.0      # seconds for the reader process to answer a command
SERVICES_PER_CUSTOMER = 50
TICK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """A failed check: the run stops and the script exits 1."""


# --- The reader process -----------------------------------------------------

# One event as the server writes it, inside one HTTP chunk (chunks hold whole
# events, so the chunk framing sits between matches and is skipped).
EVENT_RE = re.compile(rb"(?:id: (\d+)\n)?event: (\w+)\ndata: ([^\n]*)\n\n")


class _Stream:
    __slots__ = ("sock", "buf", "events", "ended", "resets")

    def __init__(self, sock, buf):
        self.sock, self.buf, self.events, self.ended, self.resets = sock, buf, [], False, 0


def _open_stream(port, cookie):
    """Opens GET /api/v1/events; returns (status, socket or None, bytes after the head)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=OPEN_TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Accept: text/event-stream\r\nCookie: %s\r\n\r\n" % cookie).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            s.close()
            raise BenchError("the server closed a stream before its head")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        s.close()
        return status, None, b""
    s.setblocking(False)
    return status, s, rest


def _reader_main(conn, port):
    """Serves commands from `conn` while reading every open stream."""
    sel = selectors.DefaultSelector()
    sel.register(conn.fileno(), selectors.EVENT_READ, None)
    streams = []

    def close_all():
        for st in streams:
            if not st.ended:
                sel.unregister(st.sock)
            st.sock.close()
        streams.clear()

    while True:
        for key, _ in sel.select(timeout=1.0):
            st = key.data
            if st is None:
                cmd, arg = conn.recv()
                if cmd == "open":  # arg: one cookie per stream
                    statuses = []
                    for cookie in arg:
                        deadline = time.monotonic() + OPEN_TIMEOUT
                        while True:
                            try:
                                status, sock, rest = _open_stream(port, cookie)
                            except (OSError, BenchError) as e:
                                status, sock = repr(e), None
                            if status != 429 or time.monotonic() > deadline:
                                break
                            time.sleep(0.05)  # a closed stream's place is not free yet
                        statuses.append(status)
                        if sock is not None:
                            st = _Stream(sock, rest)
                            streams.append(st)
                            sel.register(sock, selectors.EVENT_READ, st)
                    conn.send(statuses)
                elif cmd == "take":  # what arrived since the last take, per stream
                    out = [(st.events, st.ended, st.resets) for st in streams]
                    for st in streams:
                        st.events = []
                    t = os.times()
                    conn.send((out, t.user + t.system))
                elif cmd == "close":
                    close_all()
                    conn.send(True)
                elif cmd == "quit":
                    close_all()
                    conn.send(True)
                    return
                continue
            now = time.monotonic()
            try:
                data = st.sock.recv(1 << 16)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                st.ended = True
                sel.unregister(st.sock)
                continue
            st.buf += data
            end = 0
            for m in EVENT_RE.finditer(st.buf):
                end = m.end()
                if m.group(2) == b"change":
                    st.events.append((int(m.group(1)), now, m.group(3)))
                elif m.group(2) == b"reset":
                    st.resets += 1
            if end:
                st.buf = st.buf[end:]


class Reader:
    """The parent's handle on the reader process."""

    def __init__(self, port):
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_reader_main, args=(child, port), daemon=True)
        self.proc.start()
        self.pid = self.proc.pid
        self.data = {}  # audit id -> parsed data, shared by every stream
        self.n = 0      # open streams
        self.reset_view()

    def _call(self, cmd, arg=None, timeout=PIPE_TIMEOUT):
        self.conn.send((cmd, arg))
        if not self.conn.poll(timeout):
            raise BenchError("the reader process did not answer %r within %.0f s" % (cmd, timeout))
        return self.conn.recv()

    def reset_view(self):
        """Forgets what the open streams heard so far."""
        self.first = [{} for _ in range(self.n)]   # (entity, id, action) -> first arrival
        self.ids = [set() for _ in range(self.n)]  # audit ids heard
        self.counts = [{} for _ in range(self.n)]  # (entity, id, action) -> events

    def open(self, cookies):
        t0 = time.monotonic()
        statuses = self._call("open", cookies, timeout=PIPE_TIMEOUT + OPEN_TIMEOUT * len(cookies))
        bad = [s for s in statuses if s != 200]
        if bad:
            raise BenchError("opening %d streams: %d refused (statuses %s)"
                             % (len(cookies), len(bad), sorted(set(map(str, bad)))))
        self.n += len(cookies)
        self.reset_view()
        return time.monotonic() - t0

    def take(self, allow_end=False):
        """Merges what arrived; returns the reader's CPU seconds so far."""
        out, cpu = self._call("take")
        for i, (events, ended, resets) in enumerate(out):
            if resets:
                raise BenchError("stream %d got %d reset event(s): changes were lost" % (i, resets))
            if ended and not allow_end:
                raise BenchError("stream %d ended (the server closed it)" % i)
            first, ids, counts = self.first[i], self.ids[i], self.counts[i]
            for audit_id, t, raw in events:
                d = self.data.get(audit_id)
                if d is None:
                    d = self.data[audit_id] = json.loads(raw)
                key = (d["entity"], d["id"], d["action"])
                first.setdefault(key, t)
                counts[key] = counts.get(key, 0) + 1
                ids.add(audit_id)
        return cpu

    def wait_for(self, expected, timeout=DRAIN_TIMEOUT):
        """Until every stream has heard `expected` ({key: count}) or BenchError."""
        deadline = time.monotonic() + timeout
        while True:
            self.take()
            missing = [(i, k) for i, counts in enumerate(self.counts)
                       for k, n in expected.items() if counts.get(k, 0) < n]
            if not missing:
                break
            if time.monotonic() > deadline:
                streams = sorted({i for i, _ in missing})
                raise BenchError("after %.0f s, %d stream(s) still miss %d change(s); e.g. "
                                 "stream %d misses %s" % (timeout, len(streams), len(missing),
                                                          missing[0][0], missing[0][1]))
            time.sleep(0.05)
        time.sleep(0.3)  # late extras (another audit row of the same change)
        self.take()
        union = set().union(*self.ids) if self.ids else set()
        short = [i for i, ids in enumerate(self.ids) if ids != union]
        if short:
            raise BenchError("%d stream(s) heard a different set of changes than the others "
                             "(stream %d misses audit ids %s)"
                             % (len(short), short[0], sorted(union - self.ids[short[0]])[:10]))
        return len(union)

    def close_streams(self):
        self._call("close")
        self.n = 0
        self.reset_view()

    def cpu(self):
        return self._call("take")[1]

    def quit(self):
        try:
            if self.proc.is_alive():
                self._call("quit", timeout=10)
        except (BenchError, OSError, EOFError):
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)


# --- Measuring the server ----------------------------------------------------

def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def pct(sorted_values, p):
    """Nearest-rank percentile of a sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


class Bench:
    def __init__(self, args):
        self.args = args
        self.server = None
        self.reader = None
        self.cookies = []   # one per bench user
        self.free_services = []
        self.rows = []      # printed at the end

    # Setup -------------------------------------------------------------------

    def setup(self):
        self.server = h.Server(seed=True)
        self.server.start()
        self.pid = self.server.proc.pid
        users = (max(self.args.streams + [self.args.idle_streams]) + PER_USER - 1) // PER_USER
        users = max(users, self.args.writers)
        t0 = time.monotonic()
        self.clients = []
        for i in range(users):
            name = "bench.agent.%02d" % i
            h.add_user(self.server.data_dir, name, "agent", PASSWORD)
            c = self.server.login(name, PASSWORD)
            self.clients.append(c)
            self.cookies.append("; ".join("%s=%s" % kv for kv in c.cookies.items()))
        self.sup = self.server.login("supervisor")
        print("setup: %d agents signed in (%.1f s)" % (users, time.monotonic() - t0), flush=True)
        self.reader = Reader(self.server.port)

    def service(self):
        """A customer and a service with no open ticket (one open ticket per service)."""
        if not self.free_services:
            n = len(self.rows) + random.randrange(1 << 30)
            ids = ["EB%d-%d" % (n, i) for i in range(SERVICES_PER_CUSTOMER)]
            cust = new_customer(self.sup, "Eventos Banco %d S.A.S." % n, services=services(*ids))
            self.free_services = [(cust["id"], s) for s in ids]
        return self.free_services.pop()

    def open_ticket(self, client):
        cust, svc = self.service()
        r = client.post("/api/v1/tickets", ticket_body(cust, svc))
        if r.status != 201:
            raise BenchError("opening a ticket: %r" % r)
        return r.json()["number"]

    def stream_cookies(self, n):
        return [self.cookies[i // PER_USER] for i in range(n)]

    # 1. Fan-out ----------------------------------------------------------------

    def fanout(self, n):
        opened = self.reader.open(self.stream_cookies(n))
        time.sleep(0.5)
        self.reader.take()
        self.reader.reset_view()
        client = self.clients[0]
        changes = []  # (key, sent, returned)
        cpu0, rcpu0 = cpu_seconds(self.pid), self.reader.cpu()
        t0 = time.monotonic()
        number = None
        for k in range(self.args.changes):
            sent = time.monotonic()
            if k % 2 == 0:
                cust, svc = self.service()
                r = client.post("/api/v1/tickets", ticket_body(cust, svc))
                if r.status != 201:
                    raise BenchError("opening a ticket: %r" % r)
                number = r.json()["number"]
                key = ("ticket", number, "ticket.open")
            else:
                r = client.post("/api/v1/tickets/%s/comments" % number,
                                {"text": "Comentario de banco %d" % k})
                if r.status not in (200, 201):
                    raise BenchError("commenting: %r" % r)
                key = ("ticket", number, "ticket.comment")
            changes.append((key, sent, time.monotonic()))
        write_s = time.monotonic() - t0
        distinct = self.reader.wait_for({key: 1 for key, _, _ in changes})
        cpu = cpu_seconds(self.pid) - cpu0
        rcpu = self.reader.cpu() - rcpu0
        from_resp, from_sent = [], []
        for key, sent, returned in changes:
            for first in self.reader.first:
                from_resp.append(first[key] - returned)
                from_sent.append(first[key] - sent)
        from_resp.sort()
        from_sent.sort()
        self.reader.close_streams()
        row = {"n": n, "changes": len(changes), "events": len(from_resp), "audit_rows": distinct,
               "open_s": opened, "writes_per_s": len(changes) / write_s,
               "p50": pct(from_resp, 50), "p95": pct(from_resp, 95), "max": from_resp[-1],
               "min": from_resp[0], "sent_p50": pct(from_sent, 50),
               "server_cpu_ms_per_change": 1000 * cpu / len(changes),
               "reader_cpu_s": rcpu}
        print("fan-out N=%d: %d changes x %d streams all heard; from response p50 %.1f ms, "
              "p95 %.1f ms, max %.1f ms (min %.1f); from request p50 %.1f ms; %.0f writes/s; "
              "server CPU %.2f ms/change; reader CPU %.1f s; opening took %.2f s"
              % (n, len(changes), n, 1000 * row["p50"], 1000 * row["p95"], 1000 * row["max"],
                 1000 * row["min"], 1000 * row["sent_p50"], row["writes_per_s"],
                 row["server_cpu_ms_per_change"], rcpu, opened), flush=True)
        return row

    # 2. Changes outside the API -------------------------------------------------

    def outside(self):
        self.reader.open(self.stream_cookies(1))
        time.sleep(0.5)
        self.reader.take()
        self.reader.reset_view()
        path = os.path.join(self.server.data_dir, "bench-import.tsv")
        from_exit, from_start = [], []
        for k in range(self.args.imports):
            with open(path, "w", encoding="utf-8") as f:
                f.write("CODIGO\tCLIENTES\nEVB-IMP-%d\tImportada de Banco %d S.A.S.\n" % (k, k))
            before = len(self.reader.ids[0])
            start = time.monotonic()
            r = self.server.cli(["import", "customers", path])
            ended = time.monotonic()
            if r.code != 0:
                raise BenchError("import failed: %r" % r)
            deadline = ended + 10.0
            while True:
                self.reader.take()
                created = [t for key, t in self.reader.first[0].items()
                           if key[2] == "customer.create" and t >= start]
                if len(self.reader.ids[0]) > before and created:
                    break
                if time.monotonic() > deadline:
                    raise BenchError("import %d: no customer.create event within 10 s" % k)
                time.sleep(0.005)
            from_exit.append(min(created) - ended)
            from_start.append(min(created) - start)
            time.sleep(random.uniform(0.1, 0.6))  # a random phase against the poll
        self.reader.close_streams()
        from_exit.sort()
        from_start.sort()
        row = {"imports": len(from_exit), "p50": pct(from_exit, 50), "p95": pct(from_exit, 95),
               "max": from_exit[-1], "min": from_exit[0], "from_start_p50": pct(from_start, 50)}
        print("outside the API: %d imports; from CLI exit p50 %.0f ms, p95 %.0f ms, max %.0f ms, "
              "min %.0f ms" % (row["imports"], 1000 * row["p50"], 1000 * row["p95"],
                               1000 * row["max"], 1000 * row["min"]), flush=True)
        return row

    # 3. Idle streams ------------------------------------------------------------

    def idle(self, n):
        """Server CPU over idle_seconds with n streams open; they stay open."""
        rss_before = rss_mib(self.pid)
        if n:
            self.reader.open(self.stream_cookies(n))
        time.sleep(1.0)
        rss0 = rss_mib(self.pid)
        cpu0, rcpu0, t0 = cpu_seconds(self.pid), self.reader.cpu(), time.monotonic()
        time.sleep(self.args.idle_seconds)
        cpu, wall = cpu_seconds(self.pid) - cpu0, time.monotonic() - t0
        rcpu = self.reader.cpu() - rcpu0
        if n:
            self.reader.take()  # fails if a stream ended or reset
        row = {"n": n, "seconds": wall, "cpu_s": cpu, "cpu_pct": 100 * cpu / wall,
               "rss_before_mib": rss_before, "rss_mib": rss0, "rss_end_mib": rss_mib(self.pid), "reader_cpu_s": rcpu}
        print("idle N=%d: server CPU %.2f s over %.0f s (%.2f%% of a core); RSS %.1f -> %.1f MiB"
              % (n, cpu, wall, row["cpu_pct"], rss0, row["rss_end_mib"]), flush=True)
        return row

    # 4. Writes ------------------------------------------------------------------

    def writes(self, n, label):
        """Comments from `writers` threads while `n` streams are open (already open)."""
        w = self.args.writers
        per = self.args.writes // w
        tickets = [[self.open_ticket(self.clients[i]) for _ in range(5)] for i in range(w)]
        if n:
            time.sleep(0.5)
            self.reader.take()
            self.reader.reset_view()
        errors = []
        done = {}

        def work(i):
            client, mine = self.clients[i], tickets[i]
            try:
                for k in range(per):
                    number = mine[k % len(mine)]
                    r = client.post("/api/v1/tickets/%s/comments" % number,
                                    {"text": "Carga %d" % k}, timeout=60)
                    if r.status not in (200, 201):
                        errors.append(r)
                        return
                    done[number] = done.get(number, 0) + 1
            except Exception as e:  # noqa: BLE001 -- reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(w)]
        cpu0, rcpu0, t0 = cpu_seconds(self.pid), self.reader.cpu(), time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        wall = time.monotonic() - t0
        cpu = cpu_seconds(self.pid) - cpu0
        if any(t.is_alive() for t in threads):
            raise BenchError("writers still running after 600 s")
        if errors:
            raise BenchError("%d writer(s) failed: %r" % (len(errors), errors[0]))
        total = per * w
        if n:
            self.reader.wait_for({("ticket", num, "ticket.comment"): c for num, c in done.items()})
        rcpu = self.reader.cpu() - rcpu0
        row = {"label": label, "n": n, "writes": total, "seconds": wall, "per_s": total / wall,
               "rss_after_mib": rss_mib(self.pid),
               "server_cpu_ms_per_write": 1000 * cpu / total, "reader_cpu_s": rcpu}
        print("writes %s (N=%d): %d comments from %d threads in %.2f s = %.0f/s; server CPU "
              "%.2f ms/write; reader CPU %.1f s" % (label, n, total, w, wall, row["per_s"],
                                                     row["server_cpu_ms_per_write"], rcpu),
              flush=True)
        return row

    # The run ------------------------------------------------------------------

    def run(self):
        a = self.args
        print("# events_bench %s, commit %s; nproc=%d; load before: %s"
              % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), commit(), os.cpu_count(),
                 loadavg()), flush=True)
        self.setup()
        rss_start = rss_mib(self.pid)
        idle0 = self.idle(0)  # before anyone listened: the feed sleeps
        w0 = self.writes(0, "before")
        # The first streams opened in this server: their RSS is theirs, not reused.
        idle_n = self.idle(a.idle_streams)  # leaves the streams open for the writes
        wn = self.writes(a.idle_streams, "with streams")
        self.reader.close_streams()
        time.sleep(1.0)
        rss_closed = rss_mib(self.pid)
        w1 = self.writes(0, "after")  # the feed still reads the log (it lingers 120 s)
        fan = [self.fanout(n) for n in a.streams]
        out = self.outside()
        time.sleep(1.0)
        rss_end = rss_mib(self.pid)
        self.report(rss_start, idle0, idle_n, rss_closed, rss_end, fan, out, w0, wn, w1)

    def report(self, rss_start, idle0, idle_n, rss_closed, rss_end, fan, out, w0, wn, w1):
        ms = lambda s: "%.1f" % (1000 * s)  # noqa: E731
        print()
        print("## Fan-out: M changes through the API, one at a time; delay from the API "
              "response to the event, over every (change, stream)")
        print("| streams | changes | events checked | p50 ms | p95 ms | max ms | p50 ms from request "
              "| writes/s | server CPU ms/change |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in fan:
            print("| %d | %d | %d (all) | %s | %s | %s | %s | %.0f | %.2f |"
                  % (r["n"], r["changes"], r["events"], ms(r["p50"]), ms(r["p95"]), ms(r["max"]),
                     ms(r["sent_p50"]), r["writes_per_s"], r["server_cpu_ms_per_change"]))
        print()
        print("## Outside the API (CLI import, found by the poll): delay from the CLI's exit")
        print("| imports | p50 ms | p95 ms | max ms | min ms |")
        print("|---:|---:|---:|---:|---:|")
        print("| %d | %.0f | %.0f | %.0f | %.0f |" % (out["imports"], 1000 * out["p50"],
                                                     1000 * out["p95"], 1000 * out["max"],
                                                     1000 * out["min"]))
        print()
        print("## Idle streams: server CPU over %.0f s, RSS" % idle0["seconds"])
        print("| open streams | server CPU s | % of a core | RSS MiB |")
        print("|---:|---:|---:|---:|")
        for r in (idle0, idle_n):
            print("| %d | %.2f | %.2f | %.1f |" % (r["n"], r["cpu_s"], r["cpu_pct"], r["rss_mib"]))
        print("RSS: %.1f MiB after setup, %.1f with %d streams open (%.1f KiB per stream), "
              "%.1f after closing them, %.1f at the end"
              % (rss_start, idle_n["rss_mib"], idle_n["n"],
                 1024 * (idle_n["rss_mib"] - idle_n["rss_before_mib"]) / max(1, idle_n["n"]),
                 rss_closed, rss_end))
        print()
        print("## Writes: %d comments from %d threads" % (w0["writes"], self.args.writers))
        print("| open streams | comments/s | server CPU ms/write | ratio to 0 streams (before) "
              "| reader CPU s | RSS after MiB |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in (w0, wn, w1):
            print("| %d (%s) | %.0f | %.2f | %.2f | %.1f | %.1f |"
                  % (r["n"], r["label"], r["per_s"], r["server_cpu_ms_per_write"],
                     r["per_s"] / w0["per_s"], r["reader_cpu_s"], r["rss_after_mib"]))
        print()
        print("load after: %s" % loadavg())

    def close(self):
        if self.reader:
            self.reader.quit()
        if self.server:
            try:
                self.server.stop()
            except AssertionError as e:
                print("stopping the server: %s" % e, file=sys.stderr)
            self.server.cleanup()


def commit():
    try:
        out = subprocess.run(["git", "-C", os.path.dirname(TESTS), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", os.path.dirname(TESTS), "diff", "--quiet"],
                               timeout=10).returncode
        return out + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="a short run (streams 1,50; 40 changes; 5 s idle; 200 writes; 3 imports) "
                        "that checks the script and the server; its ratios are noise")
    p.add_argument("--streams", default="1,100,500", help="N for the fan-out (comma-separated)")
    p.add_argument("--changes", type=int, default=200, help="M changes per N")
    p.add_argument("--imports", type=int, default=10)
    p.add_argument("--idle-streams", type=int, default=500)
    p.add_argument("--idle-seconds", type=float, default=60.0)
    p.add_argument("--writes", type=int, default=1000)
    p.add_argument("--writers", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if args.quick:
        args.streams, args.changes, args.imports = "1,50", 40, 3
        args.idle_streams, args.idle_seconds, args.writes = 50, 5.0, 200
    args.streams = [int(x) for x in args.streams.split(",") if x]
    if max(args.streams + [args.idle_streams]) > 2000:
        p.error("the server takes at most 2000 streams")
    random.seed(args.seed)
    bench = Bench(args)
    try:
        bench.run()
    except BenchError as e:
        print("FAILED: %s" % e, file=sys.stderr)
        return 1
    finally:
        bench.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
