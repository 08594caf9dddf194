#!/usr/bin/python3
"""Probes a running (or starting) `atiende serve` for bench/run.sh. Stdlib only.

  startup  --bin B --data-dir D --port P [--runs N]
      Starts the server N times; for each run prints the time from exec to the
      "http.listen" log line, to the first 200 from /healthz, and VmRSS then.
  warmup   --port P --token T --queries F [--timeout S] [--budget S]
      Sends every query of F once, one after the other (what a quiet desk does
      first); prints how many answered, the slowest, client-side p50/p99. Stops
      at the first request over --timeout, or when --budget seconds are spent.
  metrics  --port P --out FILE
      Saves the search route's server-side latency histogram (from /metrics).
  histdiff A B
      Server-side latency of the requests between two `metrics` snapshots:
      count, mean, share under each bucket bound, and the bucket holding p50/p99.
  rss      --pid PID
      VmRSS (anonymous + file-backed) and VmHWM of a process, in MiB.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

ROUTE = "GET /api/v1/customers"


def rss(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:", "RssFile:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) / 1024.0
    return out


def healthz(port, timeout=5.0):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


def wait_listen(proc, deadline):
    """Reads the server's log (stderr) until the http.listen line; returns the time."""
    for line in proc.stderr:
        if '"event":"http.listen"' in line.replace(" ", ""):
            return time.monotonic()
        if time.monotonic() > deadline:
            break
    raise SystemExit("serve_probe: the server did not log http.listen")


def start(binary, data_dir, port):
    t0 = time.monotonic()
    proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}",
                             "--data-dir", data_dir], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return t0, proc


def cmd_startup(a):
    rows = []
    for _ in range(a.runs):
        t0, proc = start(a.bin, a.data_dir, a.port)
        try:
            t_listen = wait_listen(proc, t0 + 60)
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # drain the log
            while True:
                try:
                    if healthz(a.port) == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > t0 + 60:
                    raise SystemExit("serve_probe: /healthz never answered 200")
                time.sleep(0.001)
            t_health = time.monotonic()
            mem = rss(proc.pid)
            rows.append(((t_listen - t0) * 1e3, (t_health - t0) * 1e3, mem["VmRSS"]))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
    for listen_ms, health_ms, rss_mib in rows:
        print(f"startup_run listen_ms={listen_ms:.1f} healthz_ms={health_ms:.1f} "
              f"rss_mib={rss_mib:.1f}")
    med = lambda k: statistics.median(r[k] for r in rows)  # noqa: E731
    print(f"startup_median listen_ms={med(0):.1f} healthz_ms={med(1):.1f} rss_mib={med(2):.1f}")


def load_queries(path):
    with open(path, encoding="utf-8") as f:
        next(f)
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def cmd_warmup(a):
    qs = load_queries(a.queries)
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=a.timeout)
    headers = {"Authorization": f"Bearer {a.token}"}
    lat, errors, t_start = [], 0, time.monotonic()
    stopped = ""
    for cls, q, _ in qs:
        path = "/api/v1/customers?limit=20&q=" + urllib.parse.quote(q)
        t0 = time.monotonic()
        try:
            c.request("GET", path, headers=headers)
            r = c.getresponse()
            r.read()
            if r.status != 200:
                errors += 1
        except OSError as e:  # socket.timeout included
            stopped = f"a {cls} query took over {a.timeout:.0f} s ({type(e).__name__}): {q!r}"
            break
        lat.append(time.monotonic() - t0)
        if time.monotonic() - t_start > a.budget:
            stopped = f"budget of {a.budget:.0f} s spent"
            break
    lat_ms = sorted(x * 1e3 for x in lat)
    pct = lambda p: lat_ms[min(len(lat_ms) - 1, int(p * len(lat_ms)))] if lat_ms else 0  # noqa
    print(f"warmup answered={len(lat)}/{len(qs)} errors={errors} "
          f"seconds={time.monotonic() - t_start:.1f} p50_ms={pct(0.5):.2f} "
          f"p99_ms={pct(0.99):.2f} max_ms={(lat_ms[-1] if lat_ms else 0):.1f}")
    if stopped:
        print(f"warmup_stopped {stopped}")
        sys.exit(3)


def parse_histogram(text):
    buckets, total_sum = [], 0.0
    for line in text.splitlines():
        if f'route="{ROUTE}"' not in line:
            continue
        m = re.match(r'atiende_http_request_duration_seconds_bucket\{.*le="([^"]+)"\} (\d+)', line)
        if m:
            le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
            buckets.append((le, int(m.group(2))))
        m = re.match(r"atiende_http_request_duration_seconds_sum\{.*\} ([0-9.e+-]+)", line)
        if m:
            total_sum = float(m.group(1))
    return {"buckets": buckets, "sum": total_sum}


def cmd_metrics(a):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    c.request("GET", "/metrics")
    body = c.getresponse().read().decode()
    with open(a.out, "w") as f:
        json.dump(parse_histogram(body), f)


def cmd_histdiff(a):
    with open(a.before) as f:
        before = json.load(f)
    with open(a.after) as f:
        after = json.load(f)
    prev = dict((le, n) for le, n in before["buckets"])
    diff = [(le, n - prev.get(le, 0)) for le, n in after["buckets"]]
    total = diff[-1][1] if diff else 0
    if total == 0:
        print("server_side count=0")
        return
    mean_ms = (after["sum"] - before["sum"]) / total * 1e3
    shares = " ".join(f"le_{le * 1e3:g}ms={n / total:.4f}" for le, n in diff
                      if le != float("inf") and le <= 0.05)

    def bucket_of(p):
        for le, n in diff:
            if n >= p * total:
                return "inf" if le == float("inf") else f"{le * 1e3:g}ms"
        return "inf"

    print(f"server_side count={total} mean_ms={mean_ms:.3f} p50_le={bucket_of(0.5)} "
          f"p99_le={bucket_of(0.99)} {shares}")


def cmd_rss(a):
    m = rss(a.pid)
    print(f"rss_mib={m['VmRSS']:.1f} anon_mib={m['RssAnon']:.1f} file_mib={m['RssFile']:.1f} "
          f"hwm_mib={m['VmHWM']:.1f}")


def main():
    ap = argparse.ArgumentParser(description="probes for bench/run.sh")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("startup")
    s.add_argument("--bin", required=True)
    s.add_argument("--data-dir", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--runs", type=int, default=5)
    s = sub.add_parser("warmup")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--token", required=True)
    s.add_argument("--queries", required=True)
    s.add_argument("--timeout", type=float, default=60)
    s.add_argument("--budget", type=float, default=120)
    s = sub.add_parser("metrics")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("histdiff")
    s.add_argument("before")
    s.add_argument("after")
    s = sub.add_parser("rss")
    s.add_argument("--pid", type=int, required=True)
    a = ap.parse_args()
    {"startup": cmd_startup, "warmup": cmd_warmup, "metrics": cmd_metrics,
     "histdiff": cmd_histdiff, "rss": cmd_rss}[a.cmd](a)


if __name__ == "__main__":
    main()
