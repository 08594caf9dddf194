#!/usr/bin/env python3
"""Incoming mail through the MTA pipe (issue 16): `atiende mail receive` per
message on a demo-seeded SQLite data directory, N messages of a realistic mix
(plain Latin-1 QP replies tagged with a ticket, HTML-only Windows-1252, a
multipart with a 200 KiB PDF, an auto-reply). Prints the per-message time
(median, p95, max) of the whole process — start, migrations check, store,
parse, file — which is what an MTA waits for.

    ATIENDE_BIN=build/atiende ATIENDE_SOURCE=$PWD python3 bench/mail_intake.py [N]
"""
import base64
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("ATIENDE_BIN", "build/atiende")
SOURCE = os.environ.get("ATIENDE_SOURCE", os.getcwd())


def crlf(s):
    return s.replace("\n", "\r\n").encode("latin-1")


def messages(n):
    pdf = base64.encodebytes(os.urandom(200 * 1024)).decode()
    for i in range(n):
        kind = i % 4
        mid = "<bench.%d.%d@example.com>" % (os.getpid(), i)
        if kind == 0:
            yield crlf("From: =?ISO-8859-1?Q?Jos=E9?= <jose@example.com>\nTo: mesa@x.cl\n"
                       "Subject: Re: [CS0000001] Informaci=?ISO-8859-1?Q?=F3?=n\nMessage-ID: %s\n"
                       "Content-Type: text/plain; charset=ISO-8859-1\n"
                       "Content-Transfer-Encoding: quoted-printable\n\nEl cami=F3n lleg=F3.\n" % mid)
        elif kind == 1:
            yield crlf("From: a@example.com\nTo: mesa@x.cl\nSubject: html %d\nMessage-ID: %s\n"
                       "Content-Type: text/html; charset=windows-1252\n\n"
                       "<p>Buenos d\xedas</p><p>\x93Gracias\x94</p>\n" % (i, mid))
        elif kind == 2:
            yield crlf("From: a@example.com\nTo: mesa@x.cl\nSubject: adjunto %d\nMessage-ID: %s\n"
                       "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
                       "Adjunto.\n--b\nContent-Type: application/pdf\n"
                       "Content-Disposition: attachment; filename=a.pdf\n"
                       "Content-Transfer-Encoding: base64\n\n%s--b--\n" % (i, mid, pdf))
        else:
            yield crlf("From: a@example.com\nTo: mesa@x.cl\nSubject: Fuera de la oficina\n"
                       "Auto-Submitted: auto-replied\nMessage-ID: %s\n\nVuelvo el lunes.\n" % mid)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    data = tempfile.mkdtemp(prefix="atiende-bench-mailin-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATIENDE_")}
    try:
        subprocess.run([BIN, "demo", "seed", "--dir", os.path.join(SOURCE, "data", "demo"),
                        "--data-dir", data], check=True, env=env, stdout=subprocess.DEVNULL)
        times = []
        for raw in messages(n):
            t0 = time.perf_counter()
            r = subprocess.run([BIN, "mail", "receive", "--desk", "cirion-nm", "--data-dir", data],
                               input=raw, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
            times.append((time.perf_counter() - t0) * 1000)
            if r.returncode != 0:
                raise SystemExit("receive failed: %s" % r.stderr.decode())
        times.sort()
        print("mail receive (pipe), %d messages on SQLite: median %.1f ms, p95 %.1f ms, "
              "max %.1f ms" % (n, statistics.median(times), times[int(len(times) * 0.95) - 1],
                               times[-1]))
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
