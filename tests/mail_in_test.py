"""Incoming mail (issue 16) on SQLite and PostgreSQL: `atiende mail receive`
(an MTA's pipe) takes one message on stdin; the raw bytes are kept exactly,
the message parsed with GMime (RFC 2047, Latin-1/Windows-1252, QP/base64,
HTML-only mail as text, attachments listed); a message that cannot be parsed
is quarantined with its reason, never lost; a too-large one is refused with
one line and EX_DATAERR; the same message twice is taken once."""
import json
import os
import random
import subprocess
import unittest

from harness import DEMO_DIR, TestCase, cli, seed_demo

ZB = "abastible-zb"
PSQL = "/usr/bin/psql"


def crlf(s):
    return s.replace("\r\n", "\n").replace("\n", "\r\n").encode("latin-1")


LATIN1_QP = crlf(
    "From: =?ISO-8859-1?Q?Jos=E9_P=E9rez?= <jose@example.com>\n"
    "To: mesa@atiende.localhost\n"
    "Subject: =?UTF-8?Q?Re:_Informaci=C3=B3n_del_cami=C3=B3n?=\n"
    "Message-ID: <latin1.qp@example.com>\n"
    "Date: Mon, 07 Dec 2026 10:00:00 -0300\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=b1\n\n"
    "--b1\n"
    "Content-Type: text/plain; charset=ISO-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    "El cami=F3n lleg=F3 a las 10:00.\n"
    "--b1\n"
    "Content-Type: application/pdf; name=gu=?UTF-8?Q?=C3=AD?=a.pdf\n"
    "Content-Disposition: attachment; filename*=UTF-8''gu%C3%ADa.pdf\n"
    "Content-Transfer-Encoding: base64\n\n"
    "JVBERi0xLjQK\n"
    "--b1--\n")

HTML_ONLY = crlf(
    "From: cliente@example.com\nTo: desk@atiende.localhost\nSubject: solo html\n"
    "Message-ID: <html.only@example.com>\n"
    "Content-Type: text/html; charset=windows-1252\n\n"
    "<html><body><p>Buenos d\xedas,</p><p>\x93Gracias\x94<br>Ana</p></body></html>\n")


def many_parts(n):
    s = ("From: a@example.com\nTo: b@example.com\nSubject: muchas partes\n"
         "Message-ID: <many.parts@example.com>\n"
         "Content-Type: multipart/mixed; boundary=p\n\n")
    s += "--p\nContent-Type: text/plain\n\nx\n" * n
    return crlf(s + "--p--\n")


class IntakeCases:
    """The cases, run on each backend by the classes below (env() and data_dir)."""

    def run_cli(self, args, stdin=None, extra_env=None):
        env = dict(self.env())
        env.update(extra_env or {})
        return cli(args, data_dir=self.data_dir, stdin=stdin, env=env)

    def receive(self, raw, desk=ZB, extra_env=None):
        args = ["mail", "receive"] + (["--desk", desk] if desk else [])
        return self.run_cli(args, stdin=raw, extra_env=extra_env)

    def inbound(self, status=None):
        r = self.run_cli(["mail", "inbound", "--desk", ZB] + (["--status", status] if status else []))
        self.assertEqual(r.code, 0, r)
        return r.stdout

    def mail_id(self, receive_result):
        self.assertEqual(receive_result.code, 0, receive_result)
        words = receive_result.stdout.split()
        self.assertEqual(words[0], "mail", receive_result)
        return words[1]

    def test_latin1_quoted_printable_with_attachment_is_taken_readable_and_raw_kept(self):
        r = self.receive(LATIN1_QP)
        mid = self.mail_id(r)
        self.assertIn("unmatched", r.stdout)
        listing = self.inbound()
        self.assertIn("jose@example.com", listing)
        self.assertIn("Re: Información del camión", listing)
        raw = self.run_cli(["mail", "raw", mid])
        self.assertEqual(raw.code, 0, raw)
        self.assertEqual(raw.stdout.encode("utf-8"), LATIN1_QP)

    def test_the_same_message_twice_is_taken_once(self):
        first = self.receive(HTML_ONLY)
        mid = self.mail_id(first)
        again = self.receive(HTML_ONLY)
        self.assertEqual(self.mail_id(again), mid)
        self.assertIn("taken before", again.stdout)
        self.assertEqual(self.inbound().count("solo html"), 1)

    def test_a_message_left_received_by_a_dead_process_is_processed_by_the_retry(self):
        # The state a kill -9 between the two commits leaves: the raw bytes
        # stored, status "received". The MTA delivers again: processed once.
        _, raw = msg("Reintento tras caída", message_id="<crash.retry@example.com>")
        mid = self.mail_id(self.receive(raw))
        self.sql("UPDATE mail_inbound SET status = 'received', subject = '' WHERE id = %s" % mid)
        again = self.receive(raw)
        self.assertEqual(self.mail_id(again), mid)
        self.assertNotIn("taken before", again.stdout)
        self.assertIn("unmatched", again.stdout)
        self.assertEqual(self.sql("SELECT count(*) FROM mail_inbound WHERE dedup_key = "
                                  "'<crash.retry@example.com>'"), "1")
        self.assertEqual(self.inbound().count("Reintento tras caída"), 1)

    def test_a_message_with_a_thousand_parts_is_quarantined_with_its_reason(self):
        raw = many_parts(1000)
        r = self.receive(raw)
        mid = self.mail_id(r)
        self.assertIn("quarantined: more than 500 MIME parts", r.stdout)
        self.assertIn("more than 500 MIME parts", self.inbound("quarantined"))
        kept = self.run_cli(["mail", "raw", mid])
        self.assertEqual(kept.stdout.encode("utf-8"), raw)

    def test_a_too_large_message_is_refused_with_one_line_and_nothing_is_kept(self):
        raw = crlf("From: a@example.com\nSubject: grande\nMessage-ID: <big@example.com>\n\n")
        raw += b"x" * (2 * 1024 * 1024)
        r = self.receive(raw, extra_env={"ATIENDE_MAIL_MAX_MIB": "1"})
        self.assertEqual(r.code, 65, r)
        # One line of ours (PostgreSQL's own NOTICEs from libpq aside).
        ours = [l for l in r.stderr.strip().splitlines() if not l.startswith("NOTICE:")]
        self.assertEqual(len(ours), 1, r)
        self.assertIn("larger than the limit of 1 MiB", r.stderr)
        self.assertNotIn("grande", self.inbound())

    def test_an_unknown_desk_or_an_empty_message_are_refused(self):
        r = self.receive(LATIN1_QP, desk="no-such-desk")
        self.assertEqual(r.code, 64, r)
        self.assertIn("no desk named 'no-such-desk'", r.stderr)
        r = self.receive(b"\r\n\r\n")
        self.assertEqual(r.code, 65, r)
        self.assertIn("the message is empty", r.stderr)


NM = "cirion-nm"


def msg(subject, sender="tercero@example.com", message_id=None, extra=""):
    message_id = message_id or "<%d.%d@example.com>" % (os.getpid(), random.randrange(1 << 40))
    return message_id, crlf(
        "From: %s\nTo: mesa@atiende.localhost\nSubject: %s\nMessage-ID: %s\n%s"
        "Content-Type: text/plain; charset=utf-8\n\nRespuesta del tercero.\n"
        % (sender, subject, message_id, extra))


class ThreadingCases:
    """Threading, machine mail, loops and bounces (issue 16) through the pipe."""

    def open_ticket(self, email="ana@example.com"):
        r = self.run_cli(["ticket", "open", "--desk", NM, "--kind", "requirement", "--category", "change", "--customer", "1",
                          "--subject", "Consulta de factura", "--caller-name", "Ana",
                          "--caller-email", email, "--item", "copia de factura"])
        self.assertEqual(r.code, 0, r)
        number = r.stdout.split()[0]
        self.assertRegex(number, r"^[A-Z]+\d{7}$")
        return number

    def ticket(self, number):
        r = self.run_cli(["ticket", "show", number, "--json", "--desk", NM])
        self.assertEqual(r.code, 0, r)
        return json.loads(r.stdout)

    def nm_inbound(self):
        r = self.run_cli(["mail", "inbound", "--desk", NM])
        self.assertEqual(r.code, 0, r)
        return r.stdout

    def line_of(self, mail_id):
        for line in self.nm_inbound().splitlines():
            if line.split()[0] == mail_id:
                return line
        self.fail("mail %s not listed" % mail_id)

    def test_a_tagged_reply_goes_on_the_ticket_and_a_reply_to_it_follows_by_in_reply_to(self):
        number = self.open_ticket()
        first_id, raw = msg("Re: [%s] Registramos su caso" % number)
        r = self.receive(raw, desk=NM)
        self.assertIn("matched", r.stdout)
        history = json.dumps(self.ticket(number), ensure_ascii=False)
        self.assertIn("Mail from tercero@example.com: Re: [%s] Registramos su caso" % number, history)
        self.assertIn("Respuesta del tercero.", history)
        # No tag, but In-Reply-To names the mail taken above: same ticket.
        _, raw = msg("Re: sin etiqueta", extra="In-Reply-To: %s\n" % first_id)
        r = self.receive(raw, desk=NM)
        self.assertIn("matched", r.stdout)
        self.assertIn("Mail from tercero@example.com: Re: sin etiqueta",
                      json.dumps(self.ticket(number), ensure_ascii=False))

    def test_a_mail_that_names_nothing_goes_to_the_inbox(self):
        _, raw = msg("Consulta nueva", extra="In-Reply-To: <unknown@nowhere.example>\n")
        r = self.receive(raw, desk=NM)
        self.assertIn("unmatched", r.stdout)
        _, raw = msg("Re: [CS9999999] no existe")
        self.assertIn("unmatched", self.receive(raw, desk=NM).stdout)

    def test_auto_replies_are_recorded_and_never_touch_the_ticket(self):
        number = self.open_ticket()
        before = self.ticket(number)
        for extra, subject in (("Auto-Submitted: auto-replied\n", "Re: [%s] x" % number),
                               ("Precedence: bulk\n", "[%s] boletín" % number),
                               ("", "Fuera de la oficina: [%s]" % number),
                               ("Return-Path: <>\n", "[%s] aviso" % number)):
            _, raw = msg(subject, extra=extra)
            r = self.receive(raw, desk=NM)
            self.assertIn("machine", r.stdout, (extra, subject))
        _, raw = msg("[%s] nada" % number, sender="MAILER-DAEMON@mx.example.com")
        self.assertIn("machine", self.receive(raw, desk=NM).stdout)
        after = self.ticket(number)
        self.assertEqual((after["updates"], after["version"], after["state"]),
                         (before["updates"], before["version"], before["state"]))

    def test_our_own_mail_coming_back_is_dropped(self):
        number = self.open_ticket()
        _, raw = msg("[%s] eco" % number, extra="X-Loop: atiende@atiende.localhost\n")
        r = self.receive(raw, desk=NM)
        self.assertIn("dropped", r.stdout)
        sent_id = self.sql("SELECT message_id FROM mail_outbox WHERE thread_key = 'ticket:%s'"
                           % number)
        _, raw = msg("[%s] eco 2" % number, message_id=sent_id)
        self.assertIn("dropped", self.receive(raw, desk=NM).stdout)
        self.assertNotIn("eco", json.dumps(self.ticket(number), ensure_ascii=False))

    def test_a_permanent_bounce_marks_the_mail_and_stops_mail_to_the_address(self):
        address = "nadie.%d@example.com" % random.randrange(1 << 30)
        number = self.open_ticket(address)
        sent_id = self.sql("SELECT message_id FROM mail_outbox WHERE thread_key = 'ticket:%s'"
                           % number)
        dsn = crlf(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\n"
            "To: atiende@atiende.localhost\nSubject: Undelivered Mail Returned to Sender\n"
            "Message-ID: <dsn.%d@mx.example.com>\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
            "--r\nContent-Type: text/plain\n\nNo se pudo entregar.\n"
            "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
            "Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
            "--r\nContent-Type: text/rfc822-headers\n\nMessage-ID: %s\nSubject: x\n"
            "--r--\n" % (random.randrange(1 << 30), address, sent_id))
        r = self.receive(dsn, desk=NM)
        self.assertIn("bounce", r.stdout)
        self.assertIn("5.1.1 550 5.1.1 User unknown", r.stdout)
        self.assertEqual(self.sql("SELECT status FROM mail_outbox WHERE message_id = '%s'" % sent_id),
                         "bounced")
        second = self.open_ticket(address)
        self.assertEqual(self.sql("SELECT status FROM mail_outbox WHERE thread_key = 'ticket:%s'"
                                  % second), "failed")
        self.assertIn("bounced permanently",
                      self.sql("SELECT last_error FROM mail_outbox WHERE thread_key = 'ticket:%s'"
                               % second))

    def test_a_reply_to_a_closed_ticket_is_attached_and_does_not_reopen_it(self):
        number = self.open_ticket()
        for args in (["resolve", number, "--resolution", "listo"], ["close", number]):
            r = self.run_cli(["ticket"] + args + ["--desk", NM])
            self.assertEqual(r.code, 0, r)
        _, raw = msg("Re: [%s] gracias" % number)
        r = self.receive(raw, desk=NM)
        self.assertIn("matched", r.stdout)
        self.assertIn("reply to a closed ticket: attached, not reopened", r.stdout)
        t = self.ticket(number)
        self.assertEqual(t["state"], "closed")
        self.assertIn("Re: [%s] gracias" % number, json.dumps(t, ensure_ascii=False))


class SqliteIntakeTest(IntakeCases, ThreadingCases, TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.data_dir = tempfile.mkdtemp(prefix="atiende-mailin-")
        seed_demo(cls.data_dir)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def env(self):
        return {}

    def sql(self, query):
        out = subprocess.run(["sqlite3", os.path.join(self.data_dir, "atiende.db"), query],
                             check=True, stdout=subprocess.PIPE, timeout=60).stdout.decode()
        return out.strip().splitlines()[0] if out.strip() else ""


def shared_pg_url():
    url = os.environ.get("ATIENDE_TEST_PG_URL")
    if not url and os.environ.get("ATIENDE_TEST_PG_URL_FILE"):
        with open(os.environ["ATIENDE_TEST_PG_URL_FILE"]) as f:
            url = f.read().strip()
    if not url:
        raise AssertionError("no PostgreSQL test server (ATIENDE_TEST_PG_URL[_FILE])")
    return url


class PostgresIntakeTest(IntakeCases, ThreadingCases, TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        server = shared_pg_url()
        name = "mailin_%d_%d" % (os.getpid(), random.randrange(1 << 30))
        subprocess.run([PSQL, server, "-qc", "CREATE DATABASE " + name], check=True,
                       stdout=subprocess.DEVNULL, timeout=60)
        cls.url = server.rsplit("/", 1)[0] + "/" + name
        cls.data_dir = tempfile.mkdtemp(prefix="atiende-mailin-pg-")
        r = cli(["demo", "seed", "--dir", DEMO_DIR],
                data_dir=cls.data_dir, env={"ATIENDE_DATABASE_URL": cls.url})
        if r.code != 0:
            raise AssertionError(r)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def env(self):
        return {"ATIENDE_DATABASE_URL": self.url}

    def sql(self, query):
        out = subprocess.run([PSQL, self.url, "-Atqc", query], check=True,
                             stdout=subprocess.PIPE, timeout=60).stdout.decode()
        return out.strip().splitlines()[0] if out.strip() else ""


if __name__ == "__main__":
    unittest.main()
