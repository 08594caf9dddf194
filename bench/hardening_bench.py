#!/usr/bin/env python3
"""Memory and CPU of `atiende serve` under anonymous load (issue 19,
docs/security.md): what the hardening changed, for one binary at a time.

  1. login flood: 64 concurrent anonymous clients, each making N (default 5)
     sign-in attempts with a wrong password for a random username, each client
     with its own X-Forwarded-For (a server without trusted_proxies ignores
     it, so every attempt comes from 127.0.0.1). Reported: the server's RSS
     before (after one real sign-in, so one password check's memory has been
     used once), its peak (VmHWM, reset before the flood) and the rise; the
     answers by status; the latency of a signed-in `GET /api/v1/session`,
     done every 50 ms by one client on a fresh connection, before and during
     the flood (p50, p99, max). Run twice: once with every client on
     127.0.0.1 as asked above, and once ("64 addrs") with client i bound to
     its own loopback address 127.0.1.i, so that the server sees 64 hosts, as
     from a botnet (a per-address failure limit then does not apply).
  2. oversized anonymous uploads: 16 concurrent anonymous
     `POST /api/v1/customers/import` (Content-Type: text/csv) announcing and
     streaming a 60 MiB body in 64 KiB pieces. A client stops sending once the
     answer (or the close) arrives; a broken pipe or a reset counts as
     "refused early". Reported: peak RSS rise, statuses, and the bytes each
     client got the kernel to accept before the answer (this includes what
     the loopback's socket buffers hold, a few MiB, that the server never
     read).
  3. descriptor exhaustion: the server under `prlimit --nofile=256:256`, 400
     idle TCP connections opened and held; a 10 s window from just before
     the first connection (opening them takes well under 1 s). Reported: the
     server's CPU seconds (utime+stime of /proc/PID/stat), the log lines and
     bytes it wrote, whether /healthz answered (3 probes, 3 s timeout each,
     from another thread) and how fast, and how many of the 400 the server
     had closed by the window's end (eviction, header timeout). Run twice:
     with the default connection cap and with ATIENDE_MAX_CONNECTIONS=5000, a
     cap above the descriptors, which forces the out-of-descriptors (EMFILE)
     path. A binary that does not know the setting ignores it.

Each part runs its own server in a fresh data directory (the demo seed for
parts 1 and 2); one part at a time. Loopback only; every loop and wait is
bounded; Python standard library only; reuses tests/harness.py.

  ATIENDE_BIN=/work/bench-bins/atiende-new ATIENDE_SOURCE=/work/main python3 bench/hardening_bench.py

Options: --json (the figures as JSON on stdout, the table on stderr),
--attempts N (sign-in attempts per flood client), --only flood|upload|idle.
To put two runs side by side as a Markdown table:

  python3 bench/hardening_bench.py --compare old.json new.json
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import select
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests"))
import harness as h  # noqa: E402

FLOOD_CLIENTS = 64
UPLOAD_CLIENTS = 16
UPLOAD_BYTES = 60 << 20
UPLOAD_PIECE = 64 << 10
IDLE_CONNECTIONS = 400
IDLE_WINDOW = 10.0
NOFILE = 256
POLL_EVERY = 0.05        # s between the signed-in user's requests
POLL_BEFORE = 40         # requests before the flood
POLL_MAX = 20000         # bound on the requests during the flood
FLOOD_DEADLINE = 600.0   # s for the whole flood
UPLOAD_DEADLINE = 300.0  # s for the uploads


# --- /proc -------------------------------------------------------------------

def proc_kib(pid, key):
    """VmRSS or VmHWM of a process, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s for pid %d" % (key, pid))


def reset_peak(pid):
    """Resets VmHWM to the current RSS (Linux >= 4.0); False when not allowed."""
    try:
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def cpu_seconds(pid):
    """utime + stime of the process (all its threads), in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rpartition(")")[2].split()
    # fields[0] is the state (field 3); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(kib):
    return round(kib / 1024.0, 1)


def latency_summary(samples):
    """p50, p99 and max of a list of seconds, in milliseconds (nearest rank)."""
    if not samples:
        return {"n": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    s = sorted(samples)

    def rank(p):
        return s[min(len(s) - 1, max(0, int(round(p * len(s) + 0.5)) - 1))]

    return {"n": len(s), "p50_ms": round(rank(0.50) * 1000, 1),
            "p99_ms": round(rank(0.99) * 1000, 1), "max_ms": round(s[-1] * 1000, 1)}


def stop(server, result):
    """Stops the server, records its exit code (not a failure here), removes its files."""
    try:
        result["exit_code"] = server.stop()
    except AssertionError as e:
        result["exit_code"] = "killed: %s" % str(e).splitlines()[0]
    finally:
        server.cleanup()


# --- 1. login flood ------------------------------------------------------------

def poll_session(agent, until, limit, out):
    """GET /api/v1/session every POLL_EVERY until until() is true or `limit` requests."""
    errors = 0
    for _ in range(limit):
        if until():
            break
        t = time.monotonic()
        try:
            r = agent.get("/api/v1/session", timeout=60)
            ok = r.status == 200
        except OSError:
            ok = False
        if ok:
            out.append(time.monotonic() - t)
        else:
            errors += 1
        time.sleep(POLL_EVERY)
    return errors


def sign_in(port, username, password, forwarded, source):
    """One anonymous POST /api/v1/session from `source` (a loopback address or
    None); returns the status."""
    body = json.dumps({"username": username, "password": password})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request("POST", "/api/v1/session", body=body,
                     headers={"Content-Type": "application/json",
                              "X-Forwarded-For": forwarded})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def login_flood(attempts, own_addresses):
    """own_addresses: each client connects from its own loopback address
    (127.0.1.N) instead of 127.0.0.1, as a flood from many hosts would."""
    server = h.Server(seed=True, desk=h.ZB_DESK)
    server.start()
    result = {}
    try:
        pid = server.proc.pid
        agent = server.login("agente.zb")  # one password check done before the baseline
        time.sleep(0.5)
        base = proc_kib(pid, "VmRSS")
        result["peak_reset"] = reset_peak(pid)
        before = []
        errors_before = poll_session(agent, lambda: False, POLL_BEFORE, before)

        rng = random.Random(19)
        names = [["flood-%08x" % rng.getrandbits(32) for _ in range(attempts)]
                 for _ in range(FLOOD_CLIENTS)]
        statuses = {}
        lock = threading.Lock()

        def client(i):
            for j in range(attempts):
                try:
                    key = str(sign_in(server.port, names[i][j], "wrong-%d-%d" % (i, j),
                                      "198.51.100.%d" % (i + 1),
                                      "127.0.1.%d" % (i + 1) if own_addresses else None))
                except (OSError, http.client.HTTPException) as e:
                    key = type(e).__name__
                with lock:
                    statuses[key] = statuses.get(key, 0) + 1

        threads = [threading.Thread(target=client, args=(i,), daemon=True)
                   for i in range(FLOOD_CLIENTS)]
        t0 = time.monotonic()
        deadline = t0 + FLOOD_DEADLINE
        for t in threads:
            t.start()
        during = []
        errors_during = poll_session(
            agent, lambda: time.monotonic() > deadline or not any(t.is_alive() for t in threads),
            POLL_MAX, during)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        elapsed = time.monotonic() - t0
        peak = proc_kib(pid, "VmHWM")
        result.update({
            "clients": FLOOD_CLIENTS, "attempts_per_client": attempts,
            "source_addresses": FLOOD_CLIENTS if own_addresses else 1,
            "unfinished_clients": sum(t.is_alive() for t in threads),
            "seconds": round(elapsed, 2),
            "rss_base_mib": mib(base), "rss_peak_mib": mib(peak),
            "rss_rise_mib": mib(peak - base),
            "rss_after_mib": mib(proc_kib(pid, "VmRSS")),
            "statuses": dict(sorted(statuses.items())),
            "session_before": dict(latency_summary(before), errors=errors_before),
            "session_during": dict(latency_summary(during), errors=errors_during),
        })
    finally:
        stop(server, result)
    return result


# --- 2. oversized anonymous uploads ----------------------------------------------

def upload(port, piece):
    """One anonymous 60 MiB import; returns (outcome, status, bytes accepted, seconds)."""
    head = ("POST /api/v1/customers/import?desk=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: text/csv\r\nContent-Length: %d\r\n\r\n"
            % (h.ZB_DESK, UPLOAD_BYTES)).encode("ascii")
    t0 = time.monotonic()
    sent = 0
    status = None
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        try:
            s.sendall(head)
            view = memoryview(piece)
            while sent < UPLOAD_BYTES:
                readable, _, _ = select.select([s], [], [], 0)
                if readable:
                    break  # the answer, or the close, came before the whole body
                sent += s.send(view[:min(len(piece), UPLOAD_BYTES - sent)])
            outcome = "sent whole body" if sent == UPLOAD_BYTES else "answered early"
        except (BrokenPipeError, ConnectionResetError):
            outcome = "refused early"
        except socket.timeout:
            outcome = "send timed out"
        try:
            resp = http.client.HTTPResponse(s)
            resp.begin()
            status = resp.status
            resp.read()
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
    finally:
        s.close()
    return outcome, status, sent, time.monotonic() - t0


def uploads():
    server = h.Server(seed=True, desk=h.ZB_DESK)
    server.start()
    result = {}
    try:
        pid = server.proc.pid
        time.sleep(0.5)
        base = proc_kib(pid, "VmRSS")
        result["peak_reset"] = reset_peak(pid)
        piece = b"codigo,razon_social\n" + b"x" * (UPLOAD_PIECE - 20)
        rows = []
        lock = threading.Lock()

        def client():
            try:
                row = upload(server.port, piece)
            except OSError as e:
                row = ("connect failed: %s" % type(e).__name__, None, 0, 0.0)
            with lock:
                rows.append(row)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(UPLOAD_CLIENTS)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, t0 + UPLOAD_DEADLINE - time.monotonic()))
        elapsed = time.monotonic() - t0
        peak = proc_kib(pid, "VmHWM")
        outcomes, statuses = {}, {}
        for outcome, status, _, _ in rows:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        sent = sorted(r[2] for r in rows)
        result.update({
            "clients": UPLOAD_CLIENTS, "body_mib": UPLOAD_BYTES >> 20,
            "unfinished_clients": sum(t.is_alive() for t in threads),
            "seconds": round(elapsed, 2),
            "rss_base_mib": mib(base), "rss_peak_mib": mib(peak),
            "rss_rise_mib": mib(peak - base),
            "statuses": dict(sorted(statuses.items())),
            "outcomes": dict(sorted(outcomes.items())),
            "sent_mib_min": round(sent[0] / 1048576.0, 2) if sent else None,
            "sent_mib_median": round(sent[len(sent) // 2] / 1048576.0, 2) if sent else None,
            "sent_mib_max": round(sent[-1] / 1048576.0, 2) if sent else None,
            "slowest_client_s": round(max(r[3] for r in rows), 2) if rows else None,
        })
    finally:
        stop(server, result)
    return result


# --- 3. descriptor exhaustion ------------------------------------------------------

def count_lines(path, start, end):
    """Newlines in bytes [start, end) of a file, read in pieces."""
    lines = 0
    with open(path, "rb") as f:
        f.seek(start)
        left = end - start
        while left > 0:
            chunk = f.read(min(left, 1 << 20))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def idle_connections(env):
    server = h.Server(wrapper=("prlimit", "--nofile=%d:%d" % (NOFILE, NOFILE), "--"), env=env)
    server.start()
    result = {"env": env}
    socks = []
    try:
        pid = server.proc.pid
        failed = 0
        # The window starts before the first connection (the first refused
        # accepts come while they are opened) and lasts IDLE_WINDOW.
        size0 = os.path.getsize(server.log_path)
        cpu0 = cpu_seconds(pid)
        t0 = time.monotonic()
        for _ in range(IDLE_CONNECTIONS):
            try:
                socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=2))
            except OSError:
                failed += 1
        open_s = time.monotonic() - t0
        probes = []

        def probe():
            for start in (0.5, 3.5, 6.5):
                time.sleep(max(0.0, t0 + start - time.monotonic()))
                t = time.monotonic()
                try:
                    r = server.client().get("/healthz", timeout=3)
                    probes.append((r.status, time.monotonic() - t))
                except OSError as e:
                    probes.append((type(e).__name__, time.monotonic() - t))

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        time.sleep(max(0.0, t0 + IDLE_WINDOW - time.monotonic()))
        cpu1 = cpu_seconds(pid)
        size1 = os.path.getsize(server.log_path)
        window = time.monotonic() - t0
        prober.join(5)
        closed = 0
        for s in socks:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed += 1
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
        answered = [lat for st, lat in probes if st == 200]
        result.update({
            "connections": IDLE_CONNECTIONS, "connect_failed": failed,
            "open_seconds": round(open_s, 2), "window_s": round(window, 2),
            "cpu_s": round(cpu1 - cpu0, 2),
            "log_lines": count_lines(server.log_path, size0, size1),
            "log_bytes": size1 - size0,
            "healthz": [st for st, _ in probes],
            "healthz_answered": "%d/%d" % (len(answered), len(probes)),
            "healthz_max_ms": round(max(answered) * 1000, 1) if answered else None,
            "healthz_ms": [round(lat * 1000, 1) for _, lat in probes],
            "closed_by_server": closed,
        })
    finally:
        for s in socks:
            s.close()
        stop(server, result)
    return result


# --- output --------------------------------------------------------------------

def rows(res):
    """(figure, value) pairs for the table."""
    out = []
    for key, label in (("flood", "flood"), ("flood_hosts", "flood, 64 addrs")):
        f = res.get(key)
        if not f:
            continue
        out += [
            ("%s: RSS base (MiB)" % label, f["rss_base_mib"]),
            ("%s: RSS peak (MiB)" % label, f["rss_peak_mib"]),
            ("%s: RSS rise (MiB)" % label, f["rss_rise_mib"]),
            ("%s: answers" % label, " ".join("%s×%d" % kv for kv in f["statuses"].items())),
            ("%s: seconds" % label, f["seconds"]),
        ]
        for when in ("before", "during"):
            s = f["session_" + when]
            out.append(("%s: GET session %s p50/p99/max ms (n, err)" % (label, when),
                        "%s / %s / %s (%d, %d)" % (s["p50_ms"], s["p99_ms"], s["max_ms"],
                                                   s["n"], s["errors"])))
    u = res.get("upload")
    if u:
        out += [
            ("uploads: RSS peak (MiB)", u["rss_peak_mib"]),
            ("uploads: RSS rise (MiB)", u["rss_rise_mib"]),
            ("uploads: answers", " ".join("%s×%d" % kv for kv in u["statuses"].items())),
            ("uploads: outcome", " ".join("%s×%d" % kv for kv in u["outcomes"].items())),
            ("uploads: MiB sent min/median/max", "%s / %s / %s" % (
                u["sent_mib_min"], u["sent_mib_median"], u["sent_mib_max"])),
            ("uploads: seconds", u["seconds"]),
        ]
    for key, label in (("idle_default", "idle, default cap"), ("idle_emfile", "idle, cap 5000")):
        i = res.get(key)
        if i:
            out += [
                ("%s: CPU s in %.0f s" % (label, IDLE_WINDOW), i["cpu_s"]),
                ("%s: log lines / bytes" % label, "%d / %d" % (i["log_lines"], i["log_bytes"])),
                ("%s: /healthz status (ms)" % label,
                 " ".join("%s (%s)" % sl for sl in zip(i["healthz"], i["healthz_ms"]))),
                ("%s: idle conns closed by server" % label, i["closed_by_server"]),
            ]
    return out


def print_table(res, stream):
    table = rows(res)
    width = max(len(k) for k, _ in table) if table else 10
    stream.write("binary: %s (sha256 %s)\n" % (res["binary"], res["binary_sha256"]))
    for k, v in table:
        stream.write("%-*s  %s\n" % (width, k, v))


def compare(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(json.load(f))
    figures = [dict(rows(r)) for r in runs]
    names = [k for k, _ in rows(runs[0])]
    print("| figure | " + " | ".join(os.path.basename(r["binary"]) for r in runs) + " |")
    print("|---" * (len(runs) + 1) + "|")
    for name in names:
        print("| %s | " % name + " | ".join(str(f.get(name, "")) for f in figures) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="JSON on stdout, the table on stderr")
    ap.add_argument("--attempts", type=int, default=5, help="sign-in attempts per flood client")
    ap.add_argument("--only", choices=("flood", "upload", "idle"))
    ap.add_argument("--compare", nargs="+", metavar="JSON", help="side by side, as Markdown")
    args = ap.parse_args()
    if args.compare:
        compare(args.compare)
        return 0
    if not os.path.exists(h.BIN):
        sys.exit("no binary at %s (set ATIENDE_BIN)" % h.BIN)
    with open(h.BIN, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    res = {"binary": h.BIN, "binary_sha256": digest,
           "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "loadavg": open("/proc/loadavg").read().split()[:3]}
    log = sys.stderr
    if args.only in (None, "flood"):
        log.write("1. login flood...\n")
        res["flood"] = login_flood(max(1, min(args.attempts, 50)), False)
        log.write("1b. login flood from 64 loopback addresses...\n")
        res["flood_hosts"] = login_flood(max(1, min(args.attempts, 50)), True)
    if args.only in (None, "upload"):
        log.write("2. oversized anonymous uploads...\n")
        res["upload"] = uploads()
    if args.only in (None, "idle"):
        log.write("3. idle connections, default cap...\n")
        res["idle_default"] = idle_connections({})
        log.write("3. idle connections, ATIENDE_MAX_CONNECTIONS=5000...\n")
        res["idle_emfile"] = idle_connections({"ATIENDE_MAX_CONNECTIONS": "5000"})
    res["finished_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if args.json:
        print_table(res, sys.stderr)
        json.dump(res, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_table(res, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
