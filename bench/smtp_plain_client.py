#!/usr/bin/python3
"""The yardstick for mail delivery: what an SMTP server accepts from a plain client.

    smtp_plain_client.py --port PORT --record FILE --count N [--skip K]

Reads records K+1..K+N of FILE (the JSON lines tests/smtp_sink.py writes: mail_from,
rcpt_tos, data), so it sends exactly the messages Atiende delivered, with the same envelope,
then sends them with smtplib over one connection to 127.0.0.1:PORT (EHLO once; then MAIL,
RCPT per recipient, DATA per message; no pipelining, like libcurl) and prints one JSON line:
    {"sent": N, "seconds": S, "per_second": R}
The clock runs from after EHLO to the last reply. Exits 1 on an SMTP error. Run with
/usr/bin/python3; stdlib only.
"""

import argparse
import json
import smtplib
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--skip", type=int, default=0)
    a = p.parse_args()

    mails = []
    with open(a.record, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < a.skip:
                continue
            if len(mails) == a.count:
                break
            r = json.loads(line)
            mails.append((r["mail_from"], r["rcpt_tos"], r["data"].encode("utf-8")))
    if len(mails) < a.count:
        print(f"only {len(mails)} records in {a.record}", file=sys.stderr)
        return 1

    s = smtplib.SMTP("127.0.0.1", a.port, timeout=30)
    s.ehlo("plain-client.test")
    start = time.perf_counter()
    for mail_from, rcpts, data in mails:
        s.sendmail(mail_from, rcpts, data)
    seconds = time.perf_counter() - start
    s.quit()
    print(json.dumps({"sent": len(mails), "seconds": seconds,
                      "per_second": len(mails) / seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
