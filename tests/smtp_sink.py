#!/usr/bin/python3
"""A recording SMTP server for tests (Debian's python3-aiosmtpd; run with /usr/bin/python3).

    smtp_sink.py RECORD_FILE [--reject ADDRESS]... [--down] [--hold-dir DIR]

Binds 127.0.0.1 on a free port and prints the port as the first line on stdout. Every accepted
message is appended to RECORD_FILE as one JSON line
    {"mail_from": ..., "rcpt_tos": [...], "data": "...", "connection": N}
before the server answers 250 to the data, so a client that got its reply can read the record.
"connection" numbers the SMTP connections from 1 in the order they were opened: two mails with
the same number came over one connection.

--reject ADDRESS   answer "550 5.1.1 no such user" to RCPT TO for ADDRESS (case-insensitive).
--down             answer "421 4.3.2 service not available" to the greeting and to everything.
--port N           listen on port N instead of a free one (to come back where a client expects).
--auth USER:PASS   require AUTH (PLAIN or LOGIN, allowed without TLS) with these credentials:
                   MAIL before AUTH gets "530", wrong credentials get "535".
--hold-dir DIR     a message with a recipient R for which the file DIR/R exists is recorded,
                   then its 250 waits until that file is removed (a server that stalls; the
                   client holding the mail can be killed meanwhile).

Exits on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, path, reject, hold_dir=None):
        self.path = path
        self.reject = {a.lower() for a in reject}
        self.hold_dir = hold_dir

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or b""
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": data.decode("utf-8", errors="replace"),
            "connection": getattr(session, "connection", 0),
        }
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        while self.held(envelope.rcpt_tos):
            await asyncio.sleep(0.02)
        return "250 OK queued"

    def held(self, rcpt_tos):
        return self.hold_dir is not None and any(
            os.path.exists(os.path.join(self.hold_dir, r)) for r in rcpt_tos)


class CountingSMTP(SMTP):
    connections = 0

    def connection_made(self, transport):
        super().connection_made(transport)
        CountingSMTP.connections += 1
        self.session.connection = CountingSMTP.connections


class Down(asyncio.Protocol):
    REPLY = b"421 4.3.2 service not available\r\n"

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.REPLY)

    def data_received(self, data):
        for _ in range(data.count(b"\n")):
            self.transport.write(self.REPLY)


async def main():
    warnings.filterwarnings("ignore")  # AUTH without TLS is what the test wants
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record_file")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--down", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--hold-dir")
    parser.add_argument("--port", type=int, default=0, help="listen on this port (default: a free one)")
    args = parser.parse_args()
    open(args.record_file, "a").close()

    loop = asyncio.get_running_loop()
    recorder = Recorder(args.record_file, args.reject, args.hold_dir)
    options = {"hostname": "sink.test", "decode_data": False}
    if args.auth:
        user, password = (part.encode() for part in args.auth.split(":", 1))

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data == (user, password)
            return AuthResult(success=ok, handled=False)

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    if args.down:
        factory = Down
    else:
        factory = lambda: CountingSMTP(recorder, **options)
    server = await loop.create_server(factory, host="127.0.0.1", port=args.port,
                                      reuse_address=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
