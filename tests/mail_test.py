"""Mail through a real SMTP server on loopback (G-2): the directory, the outbox,
delivery with exact recipients, retries while SMTP is down, a rejected
recipient, and a node killed with mail still queued.

The servers are demo-seeded and act in the ZB desk (abastible-zb): its lists
(data/demo/directory.yaml), its users (DEMO_USERS), its language and sender."""
import email
import email.header
import email.policy
import json
import os
import socket
import subprocess
import time
import unittest

from harness import DEMO_USERS, NM_DESK, ZB_DESK, Server, TestCase

SINK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_sink.py")
WAIT = 15.0  # seconds, for a mail to arrive


class Sink:
    """tests/smtp_sink.py in a subprocess: records every message it accepts."""

    def __init__(self, record, port=0, reject=(), hold_dir=None):
        args = ["/usr/bin/python3", SINK, record, "--port", str(port)]
        for r in reject:
            args += ["--reject", r]
        if hold_dir:
            args += ["--hold-dir", hold_dir]
        self.record = record
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode().strip()
        if not line.isdigit():
            self.stop()
            raise AssertionError("smtp sink did not start")
        self.port = int(line)

    def messages(self):
        with open(self.record) as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stdout.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def parse(record):
    return email.message_from_string(record["data"], policy=email.policy.default)


class MailTestCase(TestCase):
    def start_server(self, smtp_port, data_dir=None, env=None):
        server = Server(data_dir=data_dir, virtual_clock=True, seed=data_dir is None,
                        env=dict({"ATIENDE_SMTP_URL": "smtp://127.0.0.1:%d" % smtp_port,
                                  "ATIENDE_SMTP_STARTTLS": "none"}, **(env or {})),
                        desk=ZB_DESK)
        server.start()
        self.addCleanup(server.cleanup)
        self.addCleanup(server.stop)
        return server

    def admin(self, server):
        """The admin (every desk), acting in the ZB desk."""
        c = server.client()
        r = c.login("admin")
        self.assertEqual(r.status, 200, r)
        return c

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        self.fail("timed out waiting for " + what)

    def mail_status(self, client, mail_id):
        return client.get("/api/v1/mail/%d" % mail_id).json()

    def _tmp(self):
        import tempfile
        d = tempfile.mkdtemp(prefix="atiende-mail-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", d]))
        return d


class DeliveryTest(MailTestCase):
    def setUp(self):
        self.record = os.path.join(self._tmp(), "sink.jsonl")
        self.sink = Sink(self.record, reject=["nadie@abastible.example"])
        self.addCleanup(self.sink.stop)
        self.server = self.start_server(self.sink.port)
        self.c = self.admin(self.server)

    def test_the_directory_lists_the_known_lists_and_validates_addresses(self):
        names = {l["name"] for l in self.c.get("/api/v1/directory").json()["items"]}
        self.assertTrue({"supervisor_rrss", "jefe_servicio", "mesa_clientes", "contact_center",
                         "cc_emergencia", "despacho_emergencia", "supervisores_abastible",
                         "assurance"} <= names)
        bad = self.c.request("PUT", "/api/v1/directory/mesa_clientes",
                             {"addresses": ["mesa@abastible.cl", "no es correo"]})
        self.assertProblem(bad, 400, field="addresses[1]", mentions="no es correo")
        agent = self.server.client()
        agent.login(DEMO_USERS["agent"])
        self.assertEqual(agent.request("PUT", "/api/v1/directory/mesa_clientes",
                                       {"addresses": ["x@y.cl"]}).status, 403)
        # Each desk has its own addresses for the known lists: the NM desk's
        # assurance list is not the ZB desk's (empty).
        lists = {l["name"]: l["addresses"] for l in self.c.get("/api/v1/directory").json()["items"]}
        nm = {l["name"]: l["addresses"]
              for l in self.c.get("/api/v1/directory?desk=" + NM_DESK).json()["items"]}
        self.assertEqual(lists["mesa_clientes"], ["mesa.clientes@abastible.example"])
        self.assertEqual(nm["mesa_clientes"], [])
        self.assertEqual((lists["assurance"], nm["assurance"]), ([], ["assurance@cirion.example"]))

    def test_a_mail_reaches_smtp_with_exact_to_and_cc_and_a_decoded_spanish_subject(self):
        self.assertEqual(self.c.request("PUT", "/api/v1/directory/mesa_clientes", {
            "addresses": ["mesa.uno@abastible.example", "mesa.dos@abastible.example"]}).status, 200)
        r = self.c.post("/api/v1/directory/mesa_clientes/test",
                        {"cc": ["contact_center", "supervisores_abastible"]})
        self.assertEqual(r.status, 202, r)
        mail_id = r.json()["id"]
        got = self.wait_for(lambda: self.sink.messages(), "the mail at the SMTP server")
        self.assertEqual(len(got), 1)
        rec = got[0]
        self.assertEqual(sorted(rec["rcpt_tos"]), sorted([
            "mesa.uno@abastible.example", "mesa.dos@abastible.example",
            "contact.center@abastible.example", "supervisores@abastible.example"]))
        msg = parse(rec)
        self.assertEqual(msg["Subject"], "Prueba de la lista mesa_clientes en Atiende")
        self.assertEqual(sorted(a.addr_spec for a in msg["To"].addresses),
                         ["mesa.dos@abastible.example", "mesa.uno@abastible.example"])
        self.assertEqual(sorted(a.addr_spec for a in msg["Cc"].addresses),
                         ["contact.center@abastible.example", "supervisores@abastible.example"])
        body = msg.get_body(("plain",)).get_content()
        self.assertIn("Lo envió admin", body)
        self.assertIn("«mesa_clientes»", body)
        status = self.wait_for(lambda: self.mail_status(self.c, mail_id)["status"] == "sent"
                               and self.mail_status(self.c, mail_id), "status sent")
        self.assertEqual(status["attempts"], 1)
        self.assertEqual(status["message_id"], msg["Message-ID"])
        raw = self.c.get("/api/v1/mail/%d/raw" % mail_id)
        self.assertEqual(raw.content_type, "message/rfc822")
        self.assertIn("Prueba de la lista", raw.text)

    def test_mails_of_one_thread_reference_the_first(self):
        self.c.request("PUT", "/api/v1/directory/jefe_servicio", {"addresses": ["jefe@abastible.example"]})
        first = self.c.post("/api/v1/directory/jefe_servicio/test").json()
        second = self.c.post("/api/v1/directory/jefe_servicio/test").json()
        got = self.wait_for(lambda: len(self.sink.messages()) == 2 and self.sink.messages(), "two mails")
        by_id = {parse(r)["Message-ID"]: parse(r) for r in got}
        reply = by_id[second["message_id"]]
        self.assertEqual(reply["In-Reply-To"], first["message_id"])
        self.assertIn(first["message_id"], reply["References"])

    def test_message_ids_are_on_the_host_of_mail_from_by_default(self):
        self.c.request("PUT", "/api/v1/directory/jefe_servicio", {"addresses": ["jefe@abastible.example"]})
        queued = self.c.post("/api/v1/directory/jefe_servicio/test").json()
        self.assertTrue(queued["message_id"].endswith("@atiende.localhost>"), queued)

    def test_a_rejected_recipient_fails_the_mail_with_the_servers_reason(self):
        self.c.request("PUT", "/api/v1/directory/assurance", {"addresses": ["nadie@abastible.example"]})
        mail_id = self.c.post("/api/v1/directory/assurance/test").json()["id"]
        st = self.wait_for(lambda: (lambda m: m["status"] == "failed" and m)(self.mail_status(self.c, mail_id)),
                           "status failed")
        self.assertIn("550", st["last_error"])
        self.assertEqual(self.sink.messages(), [])
        failed = self.c.get("/api/v1/mail?status=failed").json()["items"]
        self.assertIn(mail_id, [m["id"] for m in failed])
        retry_sent = self.c.post("/api/v1/mail/%d/retry" % mail_id)
        self.assertEqual(retry_sent.status, 202, retry_sent)
        # The retry is delivered again (and refused again by the server). Only a
        # failed mail can be retried: a sent one is refused. (Retrying twice in a
        # row raced the delivery worker, which may fail the mail again in between.)
        self.wait_for(lambda: (lambda m: m["status"] == "failed" and m["attempts"] >= 1 and m)(
            self.mail_status(self.c, mail_id)), "failed again after the retry")
        self.c.request("PUT", "/api/v1/directory/jefe_servicio", {"addresses": ["jefe@abastible.example"]})
        sent_id = self.c.post("/api/v1/directory/jefe_servicio/test").json()["id"]
        self.wait_for(lambda: self.mail_status(self.c, sent_id)["status"] == "sent", "status sent")
        self.assertProblem(self.c.post("/api/v1/mail/%d/retry" % sent_id), 409)


class SettingsTest(MailTestCase):
    """The desk's language and sender come from the desk's settings, the
    Message-ID host from the installation's (docs/mail.md)."""

    def test_mails_in_english_with_ids_on_the_host_of_a_configured_mail_from(self):
        sink = Sink(os.path.join(self._tmp(), "sink.jsonl"))
        self.addCleanup(sink.stop)
        server = self.start_server(sink.port, env={
            "ATIENDE_MAIL_FROM": "Mesa <mesa@desk.example.com>"})
        c = self.admin(server)
        # A seeded desk has its own language and sender: an admin changes them.
        r = c.patch("/api/v1/desks/" + ZB_DESK,
                    {"language": "en", "mail_from": "Mesa <mesa@desk.example.com>"})
        self.assertEqual(r.status, 200, r)
        c.request("PUT", "/api/v1/directory/jefe_servicio", {"addresses": ["jefe@abastible.example"]})
        self.assertEqual(c.post("/api/v1/directory/jefe_servicio/test").status, 202)
        msg = parse(self.wait_for(lambda: sink.messages(), "the mail at the SMTP server")[0])
        self.assertEqual(msg["Subject"], "Test of the jefe_servicio list in Atiende")
        self.assertEqual(msg["From"].addresses[0].addr_spec, "mesa@desk.example.com")
        self.assertTrue(msg["Message-ID"].endswith("@desk.example.com>"), msg["Message-ID"])


class OutageTest(MailTestCase):
    def setUp(self):
        self.record = os.path.join(self._tmp(), "sink.jsonl")
        self.port = free_port()  # nothing listens there yet: SMTP is down

    def test_smtp_down_means_retries_then_delivery_once_it_is_back(self):
        server = self.start_server(self.port)
        c = self.admin(server)
        mail_id = c.post("/api/v1/directory/mesa_clientes/test").json()["id"]
        st = self.wait_for(lambda: (lambda m: m["attempts"] >= 1 and m["status"] == "queued" and m)(
            self.mail_status(c, mail_id)), "a failed first attempt")
        self.assertTrue(st["last_error"])
        sink = Sink(self.record, port=self.port)
        self.addCleanup(sink.stop)
        time.sleep(0.5)
        self.assertEqual(sink.messages(), [], "the retry waits for its backoff")
        c.post("/api/v1/clock", {"advance": "PT5M"})
        self.wait_for(lambda: sink.messages(), "the retried mail")
        st = self.wait_for(lambda: (lambda m: m["status"] == "sent" and m)(self.mail_status(c, mail_id)),
                           "status sent")
        self.assertEqual(st["attempts"], 2)
        self.assertEqual(len(sink.messages()), 1)

    def test_a_node_killed_with_queued_mail_delivers_it_after_restart(self):
        server = self.start_server(self.port)
        c = self.admin(server)
        ids = [c.post("/api/v1/directory/cc_emergencia/test").json()["id"] for _ in range(5)]
        self.wait_for(lambda: all(self.mail_status(c, i)["attempts"] >= 1 for i in ids),
                      "first attempts against a down server")
        server.kill()
        sink = Sink(self.record, port=self.port)
        self.addCleanup(sink.stop)
        again = Server(data_dir=server.data_dir, virtual_clock=True,
                       env={"ATIENDE_SMTP_URL": "smtp://127.0.0.1:%d" % self.port,
                            "ATIENDE_SMTP_STARTTLS": "none"}, desk=ZB_DESK)
        self.addCleanup(again.cleanup)  # its log; the data directory is the first server's
        again.start()
        self.addCleanup(again.stop)
        c2 = self.admin(again)
        c2.post("/api/v1/clock", {"advance": "PT10M"})
        got = self.wait_for(lambda: len(sink.messages()) >= 5 and sink.messages(), "five mails")
        time.sleep(0.5)
        got = sink.messages()
        self.assertEqual(len(got), 5, "each queued mail once")
        self.assertEqual(len({parse(r)["Message-ID"] for r in got}), 5)
        for i in ids:
            self.wait_for(lambda: self.mail_status(c2, i)["status"] == "sent", "status sent")


if __name__ == "__main__":
    unittest.main()
