"""The ZB unblocking protocol (ZB-1 … ZB-10) through the real HTTP API.

Every server here is demo-seeded, runs on a virtual clock and delivers its
mail to a recording SMTP server on loopback (tests/smtp_sink.py): mails are
asserted on what that server RECEIVED — the envelope, To, Cc, the exact Subject
and the body. Everything happens in the demo's ZB desk (abastible-zb, America/
Santiago) with its users (h.DEMO_USERS) and customers; the installation's own
time zone is UTC, so every local date and time asserted here is the desk's.

Most tests share one server (SharedTest) and never move its clock: each works
on its own customer, so its cases, notices and mails are its own. The tests
that move the clock (ZB-7 follow-ups, a restart with a timer pending, the
queue's overdue order, the whole story's timeline) each get a server of their
own. Users act through bearer tokens (`atiende token create`) so that moving
the clock does not end their sessions.

Run: ATIENDE_BIN=... ATIENDE_SOURCE=... /usr/bin/python3 tests/zb_test.py
"""

import datetime as dt
import email
import email.policy
import itertools
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import unittest
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from mail_test import Sink  # noqa: E402

WAIT = 15.0     # seconds for a mail to reach the SMTP sink, or a timer to fire
SETTLE = 0.8    # seconds to let background work (timers, delivery) run before "nothing more"
ZONE = zoneinfo.ZoneInfo("America/Santiago")
# Tuesday 2026-11-24 09:00 in Santiago (UTC-3 in summer).
T0 = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)
PROCEDURE = "zb-unblock"

_codes = itertools.count(1)


def iso(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def directory():
    """The demo directory's lists (data/demo/directory.yaml): name → [addresses]."""
    out = {}
    with open(os.path.join(h.DEMO_DIR, "directory.yaml"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(\w+):\s*\[(.*)\]\s*$", line)
            if m:
                out[m.group(1)] = [a.strip() for a in m.group(2).split(",") if a.strip()]
    return out


LISTS = directory()


def addrs(*names):
    """The sorted addresses of the directory lists `names`."""
    return sorted(a for n in names for a in LISTS[n])


class Mail:
    """One message as the SMTP server received it."""

    def __init__(self, record):
        self.rcpt_tos = sorted(record["rcpt_tos"])
        msg = email.message_from_string(record["data"], policy=email.policy.default)
        self.subject = str(msg["Subject"])
        self.to = sorted(a.addr_spec for a in msg["To"].addresses) if msg["To"] else []
        self.cc = sorted(a.addr_spec for a in msg["Cc"].addresses) if msg["Cc"] else []
        body = msg.get_body(("plain",))
        self.body = body.get_content() if body is not None else ""

    def __repr__(self):
        return "<mail %r to %s cc %s>" % (self.subject, self.to, self.cc)


def visit(day, p1="+56 9 8765 4321", p2="(2) 2345-6789",
          ref="Parcela 12, camino a Lampa; portón verde"):
    return {"visit_day": day, "location_ref": ref, "phone_1": p1, "phone_2": p2}


class World:
    """One seeded server on a virtual clock, its SMTP sink, and a token per demo
    user of the ZB desk; every client acts in that desk."""

    def __init__(self, start=T0):
        self.tmp = tempfile.mkdtemp(prefix="atiende-zb-")
        self.sink = None
        self.server = None
        self.first = None
        try:
            self.sink = Sink(os.path.join(self.tmp, "sink.jsonl"))
            # Not the desk's zone: local dates and times must come from the desk.
            self.env = {"ATIENDE_TIME_ZONE": "UTC",
                        "ATIENDE_SMTP_URL": "smtp://127.0.0.1:%d" % self.sink.port,
                        "ATIENDE_SMTP_STARTTLS": "none",
                        # Many intakes in a few virtual minutes: keep the loop guard out of the way.
                        "ATIENDE_MAIL_RATE_CAP": "10000"}
            self.server = self.first = h.Server(seed=True, virtual_clock=True,
                                                clock_start=iso(start), env=self.env,
                                                desk=h.ZB_DESK)
            self.tokens = {}
            for role, user in h.DEMO_USERS.items():
                r = self.server.cli(["token", "create", user, "--ttl-hours", str(24 * 366)])
                if r.code != 0:
                    raise AssertionError("token create %s failed: %r" % (user, r))
                self.tokens[role] = r.stdout.strip().splitlines()[-1].strip()
            self.server.start()
            self._clients()
        except BaseException:
            self.cleanup()
            raise

    def _clients(self):
        self.c = {role: self.server.client(token=t) for role, t in self.tokens.items()}
        self.agent = self.c["agent"]
        self.sup = self.c["supervisor"]
        self.dispatch = self.c["dispatch"]
        self.mesa = self.c["back_office"]
        self.admin = self.c["admin"]

    def restart(self, start):
        """SIGTERM, then serve the same data directory again with the clock at `start`."""
        code = self.server.stop()
        if code != 0:
            raise AssertionError("server exited with %s on SIGTERM:\n%s"
                                 % (code, self.server.log_text()[-3000:]))
        if self.server is not self.first:
            self.server.cleanup()
        self.server = h.Server(data_dir=self.first.data_dir, virtual_clock=True,
                               clock_start=iso(start), env=self.env, desk=h.ZB_DESK)
        self.server.start()
        self._clients()

    def cleanup(self):
        try:
            if self.server is not None and self.server is not self.first:
                self.server.cleanup()
            if self.first is not None:
                self.first.cleanup()
        finally:
            if self.sink is not None:
                self.sink.stop()
                self.sink.proc.stdout.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def stop_checked(self):
        code = self.server.stop()
        if code != 0:
            raise AssertionError("server exited with %s" % code)

    # The clock -----------------------------------------------------------

    def now(self):
        r = self.admin.get("/api/v1/clock")
        assert r.status == 200, r
        return parse_instant(r.json()["now"])

    def set_clock(self, t):
        r = self.admin.post("/api/v1/clock", {"now": iso(t)})
        assert r.status == 200, r

    def today(self, plus_days=0):
        """The desk's local date (Santiago), plus some days, as YYYY-MM-DD."""
        return (self.now().astimezone(ZONE).date() + dt.timedelta(days=plus_days)).isoformat()

    # Customers, cases, notices ---------------------------------------------

    def customer_by_code(self, code):
        for c in h.all_customers(self.admin):
            if c["code"] == code:
                return c
        raise AssertionError("no demo customer %s" % code)

    def new_customer(self, region="Metropolitana", email=True, blocks=("ZB",)):
        n = next(_codes)
        code = "9%05d" % n
        body = {"code": code, "legal_name": "Granel ZB %d-%d Ltda." % (os.getpid(), n),
                "segment": "granel", "region": region, "blocks": list(blocks),
                "phone": "+56 2 2999 %04d" % n}
        if email:
            body["email"] = "granel%d@cliente-zb.example" % n
        r = self.admin.post("/api/v1/customers", body)
        assert r.status == 201, r
        return r.json()

    def get_customer(self, cid):
        r = self.sup.get("/api/v1/customers/%d" % cid)
        assert r.status == 200, r
        return r.json()

    def open_case(self, customer_id, caller="María Soto", phones=("+56 9 5555 1212",),
                  comment="Pide desbloqueo del estanque", client=None):
        return (client or self.agent).post("/api/v1/cases", {
            "procedure": PROCEDURE, "customer_id": customer_id,
            "intake": {"caller": caller, "phones": list(phones), "comment": comment}})

    def case(self, number):
        r = self.sup.get("/api/v1/cases/" + number)
        assert r.status == 200, r
        return r.json()

    def cases_of(self, customer_id):
        r = self.sup.get("/api/v1/cases?customer_id=%d&limit=500" % customer_id)
        assert r.status == 200, r
        return r.json()["items"]

    def step(self, number, step, outcome, fields=None, client=None, **extra):
        body = {"outcome": outcome}
        if fields is not None:
            body["fields"] = fields
        return (client or self.sup).post("/api/v1/cases/%s/steps/%s" % (number, step), body,
                                         **extra)

    def notices_of(self, customer_id):
        r = self.dispatch.get("/api/v1/notices?customer_id=%d&limit=500" % customer_id)
        assert r.status == 200, r
        return r.json()["items"]

    def notice(self, number):
        r = self.dispatch.get("/api/v1/notices/" + number)
        assert r.status == 200, r
        return r.json()

    def calls_of(self, customer_id):
        r = self.sup.get("/api/v1/interactions?customer_id=%d&limit=200" % customer_id)
        assert r.status == 200, r
        return r.json()["items"]

    def outbox(self, number):
        """The mails the case queued (the outbox, thread case:<number>)."""
        r = self.admin.get("/api/v1/mail?case=%s&limit=200" % number)
        assert r.status == 200, r
        return r.json()["items"]

    def at_monitor(self, customer, day_offset=2):
        """A case for `customer` moved to monitor with a notice Atiende created."""
        r = self.open_case(customer["id"])
        assert r.status == 201, r
        number = r.json()["number"]
        r = self.step(number, "coordinate_visit", "contacted", visit(self.today(day_offset)))
        assert r.status == 200, r
        c = r.json()
        assert c["step"]["id"] == "monitor", c
        return c

    # Mail ------------------------------------------------------------------

    def mails(self, pred=lambda m: True):
        return [m for m in (Mail(r) for r in self.sink.messages()) if pred(m)]

    def wait_mails(self, pred, count, what):
        """Waits until `count` mails matching pred arrived, lets delivery settle,
        and returns every matching mail (the caller asserts the exact count)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if len(self.mails(pred)) >= count:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("timed out waiting for %d mail(s): %s; the sink holds %r"
                                 % (count, what, self.mails()))
        time.sleep(SETTLE)
        return self.mails(pred)

    def wait_case(self, number, pred, what):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            c = self.case(number)
            if pred(c):
                return c
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %s on %s: %r" % (what, number, c))


def about(number=None, code=None, rcpt=None):
    """A mail predicate: its subject names the case or the customer, or it went to rcpt."""
    def pred(m):
        if number and number in m.subject:
            return True
        if code and code in m.subject:
            return True
        if rcpt and rcpt in m.rcpt_tos:
            return True
        return False
    return pred


def run_together(fns, timeout=60):
    """Runs the functions in threads released at once; returns their results in order."""
    results = [None] * len(fns)
    errors = []
    barrier = threading.Barrier(len(fns))

    def run(i):
        try:
            barrier.wait(30)
            results[i] = fns[i]()
        except BaseException as e:  # re-raised on the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if errors:
        raise errors[0]
    return results


class ZbCase(h.TestCase):
    w = None  # the World

    def assertMail(self, m, to, subject, cc=(), body=()):
        self.assertEqual(m.subject, subject, m)
        self.assertEqual(m.to, sorted(to), m)
        self.assertEqual(m.cc, sorted(cc), m)
        self.assertEqual(m.rcpt_tos, sorted(set(to) | set(cc)), "envelope = To + Cc")
        for text in body:
            self.assertIn(text, m.body, m.body)

    def assertUnchanged(self, number, before, customer_id=None, notices=None, calls=None,
                        outbox=None):
        self.assertEqual(self.w.case(number), before, "the case must not change")
        if customer_id is not None:
            if notices is not None:
                self.assertEqual(self.w.notices_of(customer_id), notices,
                                 "the notices must not change")
            if calls is not None:
                self.assertEqual(self.w.calls_of(customer_id), calls, "no call recorded")
        if outbox is not None:
            self.assertEqual([(m["id"], m["event"]) for m in self.w.outbox(number)],
                             [(m["id"], m["event"]) for m in outbox], "no mail queued")

    def opened(self, customer, **kw):
        r = self.w.open_case(customer["id"], **kw)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.header("Location"), "/api/v1/cases/" + r.json()["number"])
        return r.json()


# --- One shared server; its clock never moves ------------------------------------

class SharedTest(ZbCase):
    @classmethod
    def setUpClass(cls):
        cls.w = World()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.w.stop_checked()
        finally:
            cls.w.cleanup()

    # ZB-1 -------------------------------------------------------------------

    def test_zb1_intake_opens_a_case_and_mails_supervisor_rrss_and_jefe_servicio(self):
        cust = self.w.customer_by_code("100234")  # demo: Metropolitana, ZB
        c = self.opened(cust, caller="Juan Pérez", phones=["+56 9 3111 2222", "2 2345 6789"],
                        comment="Llama por el bloqueo del estanque")
        number = c["number"]
        self.assertRegex(number, r"^ZB\d{7}$")
        self.assertEqual((c["state"], c["procedure"], c["customer_id"]),
                         ("open", PROCEDURE, cust["id"]))
        self.assertEqual(c["intake"], {"caller": "Juan Pérez",
                                       "phones": ["+56931112222", "+56223456789"],
                                       "comment": "Llama por el bloqueo del estanque"})
        self.assertEqual(c["customer"]["blocks"], ["ZB"])
        self.assertFalse(c["customer"]["regional"])
        # ZB-2: at once, no notice in dispatch → coordinate the visit.
        self.assertIsNone(c["notice"])
        self.assertEqual(c["step"]["id"], "coordinate_visit")
        self.assertEqual(c["step"]["roles"], ["supervisor"])
        # The case is the ZB desk's: from the NM desk it does not exist.
        nm_agent = self.w.server.login(h.NM_USERS["agent"], desk=h.NM_DESK)
        self.assertProblem(nm_agent.get("/api/v1/cases/" + number), 404)
        nm_sup = self.w.server.client(token=self.w.tokens["supervisor"], desk=h.NM_DESK)
        self.assertProblem(nm_sup.get("/api/v1/cases/" + number), 404)
        subject = "[%s] Cliente 100234 con bloqueo ZB: solicitud de desbloqueo" % number
        got = self.w.wait_mails(about(number=number), 1, "the intake mail")
        self.assertEqual(len(got), 1, got)
        self.assertMail(got[0], addrs("supervisor_rrss", "jefe_servicio"), subject,
                        body=[number, "Juan Pérez", "+56931112222", "+56223456789",
                              "Llama por el bloqueo del estanque", "100234",
                              "24-11-2026 09:00 (hora de America/Santiago)",
                              "no hay aviso abierto"])
        calls = [i for i in self.w.calls_of(cust["id"]) if i["ticket"] == number]
        self.assertEqual([(i["type"], i["outcome"], i["agent"]) for i in calls],
                         [("case", "case_opened", h.DEMO_USERS["agent"])])

    def test_zb1_customer_without_zb_block_is_refused_and_nothing_is_written(self):
        cust = self.w.customer_by_code("100871")  # demo: no block
        calls_before = self.w.calls_of(cust["id"])
        r = self.w.open_case(cust["id"])
        p = self.assertProblem(r, 409, mentions=["100871", "ZB"])
        self.assertEqual(p["code"], "block_required")
        self.assertEqual(self.w.cases_of(cust["id"]), [])
        self.assertEqual(self.w.calls_of(cust["id"]), calls_before)
        # Also a customer created without any block.
        other = self.w.new_customer(blocks=())
        self.assertProblem(self.w.open_case(other["id"]), 409, mentions=other["code"])
        self.assertEqual(self.w.cases_of(other["id"]), [])
        time.sleep(SETTLE)
        self.assertEqual(self.w.mails(about(code="100871", rcpt=cust.get("email"))), [])
        self.assertEqual(self.w.mails(about(code=other["code"], rcpt=other["email"])), [])

    def test_zb1_second_intake_joins_the_open_case_without_a_second_mail(self):
        cust = self.w.new_customer()
        first = self.opened(cust, caller="Ana Rojas", phones=["+56 9 4444 3333"])
        number = first["number"]
        self.w.wait_mails(about(number=number), 1, "the intake mail")
        r = self.w.open_case(cust["id"], caller="Pedro Rojas", phones=["+56 9 7777 6666"],
                             comment="Vuelve a llamar", client=self.w.sup)
        self.assertEqual(r.status, 200, r)
        again = r.json()
        self.assertEqual(again["number"], number)
        self.assertEqual(r.header("Location"), "/api/v1/cases/" + number)
        self.assertEqual(again["version"], first["version"] + 1)
        self.assertEqual(again["step"]["id"], "coordinate_visit", "the case keeps its step")
        intakes = [e for e in again["timeline"] if e["kind"] == "intake"]
        self.assertEqual(len(intakes), 2, again["timeline"])
        self.assertEqual(intakes[1]["actor"], "supervisor")
        self.assertEqual(intakes[1]["data"]["caller"], "Pedro Rojas")
        self.assertEqual(intakes[1]["data"]["comment"], "Vuelve a llamar")
        self.assertIn("+56977776666", again["intake"]["phones"])
        self.assertEqual([c["number"] for c in self.w.cases_of(cust["id"])], [number],
                         "no duplicate")
        time.sleep(SETTLE)
        got = self.w.mails(about(number=number, code=cust["code"], rcpt=cust["email"]))
        self.assertEqual(len(got), 1, "no second intake mail: %r" % got)
        self.assertEqual(len(self.w.outbox(number)), 1)
        outcomes = [i["outcome"] for i in self.w.calls_of(cust["id"])]
        self.assertEqual(sorted(outcomes), ["case_intake_added", "case_opened"])

    def test_zb1_bad_intake_names_the_field_and_writes_nothing(self):
        cust = self.w.new_customer()
        good = {"caller": "Ana", "phones": ["+56 9 4444 3333"], "comment": ""}
        bad = [
            ({"phones": ["+56 9 4444 3333"]}, "intake.caller"),
            (dict(good, caller="   "), "intake.caller"),
            (dict(good, phones=[]), "intake.phones"),
            ({"caller": "Ana"}, "intake.phones"),
            (dict(good, phones=["12"]), "intake.phones[0]"),
            (dict(good, phones=["+56 9 4444 3333", "llámame"]), "intake.phones[1]"),
            (dict(good, phones=7), "intake.phones"),
            (dict(good, extra="x"), "intake.extra"),
        ]
        for intake, field in bad:
            with self.subTest(intake=intake):
                r = self.w.agent.post("/api/v1/cases", {"procedure": PROCEDURE,
                                                        "customer_id": cust["id"],
                                                        "intake": intake})
                self.assertProblem(r, 400, field=field)
        self.assertProblem(self.w.agent.post("/api/v1/cases", {"procedure": PROCEDURE,
                                                               "customer_id": cust["id"]}),
                           400, field="intake")
        self.assertProblem(self.w.agent.post("/api/v1/cases", {"procedure": "zb-nope",
                                                               "customer_id": cust["id"],
                                                               "intake": good}),
                           400, field="procedure", mentions="zb-unblock")
        self.assertProblem(self.w.agent.post("/api/v1/cases", {"procedure": PROCEDURE,
                                                               "customer_id": 987654,
                                                               "intake": good}),
                           400, field="customer_id")
        self.assertEqual(self.w.cases_of(cust["id"]), [])
        self.assertEqual(self.w.calls_of(cust["id"]), [])
        time.sleep(SETTLE)
        self.assertEqual(self.w.mails(about(code=cust["code"], rcpt=cust["email"])), [])

    def test_zb1_intake_phones_are_normalised_and_kept_once(self):
        cust = self.w.new_customer()
        r = self.w.open_case(cust["id"], phones=["+56 9 6111 1111", "9 6111 1111"])
        if r.status == 400:  # refusing the repeated number is as good as keeping it once
            self.assertProblem(r, 400, field="intake.phones[1]")
            self.assertEqual(self.w.cases_of(cust["id"]), [])
            return
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["intake"]["phones"], ["+56961111111"],
                         "the same callback number, written twice, is one number")

    def test_zb1_simultaneous_intakes_open_one_case_and_send_one_mail(self):
        cust = self.w.new_customer()
        results = run_together([lambda i=i: self.w.open_case(
            cust["id"], caller="Llamada %d" % i, client=self.w.c[("agent", "supervisor")[i % 2]])
            for i in range(6)])
        self.assertEqual(sorted(r.status for r in results), [200] * 5 + [201], results)
        numbers = {r.json()["number"] for r in results}
        self.assertEqual(len(numbers), 1, numbers)
        number = numbers.pop()
        self.assertEqual([c["number"] for c in self.w.cases_of(cust["id"])], [number])
        c = self.w.case(number)
        self.assertEqual(len([e for e in c["timeline"] if e["kind"] == "intake"]), 6)
        self.assertEqual(c["version"], 6)
        got = self.w.wait_mails(about(number=number), 1, "the intake mail")
        self.assertEqual(len(got), 1, got)

    def test_zb3_simultaneous_answers_create_one_notice(self):
        cust = self.w.new_customer()
        number = self.opened(cust)["number"]
        day = self.w.today(2)
        results = run_together([lambda i=i: self.w.step(
            number, "coordinate_visit", "contacted", visit(day, p1="+56 9 8765 43%02d" % i))
            for i in range(4)])
        self.assertEqual(sorted(r.status for r in results), [200, 409, 409, 409], results)
        for r in results:
            if r.status == 409:
                self.assertEqual(r.json()["code"], "step_not_current")
        self.assertEqual(len(self.w.notices_of(cust["id"])), 1)
        c = self.w.case(number)
        self.assertEqual((c["step"]["id"], c["call_attempts"]), ("monitor", 1))
        self.assertEqual(len([i for i in self.w.calls_of(cust["id"])
                              if i["outcome"] == "contacted"]), 1)

    # ZB-2 / ZB-3 --------------------------------------------------------------

    def test_zb3_capital_customer_contacted_creates_an_eme_notice_and_no_regional_mail(self):
        cust = self.w.new_customer(region="Metropolitana")
        number = self.opened(cust)["number"]
        day = self.w.today(3)
        r = self.w.step(number, "coordinate_visit", "contacted",
                        visit(day, p1="+56 9 6123 4567", p2="(2) 2345-6789"))
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual(c["step"]["id"], "monitor")
        self.assertEqual(c["step"]["roles"], ["dispatch"])
        self.assertRegex(c["notice_number"], r"^EME\d{7}$")
        n = self.w.notice(c["notice_number"])
        self.assertEqual((n["customer_id"], n["state"], n["visit_day"], n["phone_1"], n["phone_2"]),
                         (cust["id"], "open", day, "+56961234567", "+56223456789"))
        self.assertEqual(n["location_ref"], "Parcela 12, camino a Lampa; portón verde")
        self.assertTrue(n["has_visit"])
        self.assertEqual(c["notice"], n)
        self.assertEqual([x["number"] for x in self.w.notices_of(cust["id"])], [n["number"]])
        self.assertEqual(c["call_attempts"], 1)
        self.assertEqual(c["overdue"]["state"], "none")
        self.assertEqual(c["overdue"]["followups_sent"], 0)
        calls = [i for i in self.w.calls_of(cust["id"]) if i["outcome"] == "contacted"]
        self.assertEqual([(i["type"], i["agent"], i["ticket"]) for i in calls],
                         [("case", "supervisor", number)])
        time.sleep(SETTLE)
        got = self.w.mails(about(number=number, code=cust["code"], rcpt=cust["email"]))
        self.assertEqual([m.subject for m in got],
                         ["[%s] Cliente %s con bloqueo ZB: solicitud de desbloqueo"
                          % (number, cust["code"])], "only the intake mail; no regional backup")
        self.assertEqual(self.w.mails(lambda m: cust["code"] in m.subject and any(
            a in m.rcpt_tos for a in LISTS["despacho_emergencia"])), [])

    def test_zb3_bad_visit_input_is_refused_and_changes_nothing(self):
        cust = self.w.new_customer()
        number = self.opened(cust)["number"]
        before = self.w.case(number)
        notices, calls, outbox = (self.w.notices_of(cust["id"]), self.w.calls_of(cust["id"]),
                                  self.w.outbox(number))
        day = self.w.today(2)
        bad = [
            ("a day already past", visit(self.w.today(-1)), "fields.visit_day"),
            ("not a date", visit("2026-02-30"), "fields.visit_day"),
            ("one phone only", {k: v for k, v in visit(day).items() if k != "phone_2"},
             "fields.phone_2"),
            ("equal phones once normalised", visit(day, p1="+56 9 6123 4567", p2="961234567"),
             "fields.phone_2"),
            ("an invalid phone", visit(day, p1="12"), "fields.phone_1"),
            ("no reference", {k: v for k, v in visit(day).items() if k != "location_ref"},
             "fields.location_ref"),
            ("a field the form lacks", dict(visit(day), color="rojo"), "fields.color"),
        ]
        for what, fields, field in bad:
            with self.subTest(what):
                r = self.w.step(number, "coordinate_visit", "contacted", fields)
                self.assertProblem(r, 400, field=field)
                self.assertUnchanged(number, before, cust["id"], notices, calls, outbox)
        with self.subTest("an unknown outcome"):
            r = self.w.step(number, "coordinate_visit", "maybe", visit(day))
            self.assertProblem(r, 400, field="outcome", mentions=["contacted", "no_contact"])
        with self.subTest("a stale version"):
            r = self.w.step(number, "coordinate_visit", "contacted", visit(day),
                            headers={"If-Match": '"v%d"' % (before["version"] + 5)})
            self.assertEqual(self.assertProblem(r, 409)["code"], "version_conflict")
        self.assertUnchanged(number, before, cust["id"], notices, calls, outbox)
        # Today itself is fine.
        r = self.w.step(number, "coordinate_visit", "contacted", visit(self.w.today(0)),
                        headers={"If-Match": '"v%d"' % before["version"]})
        self.assertEqual(r.status, 200, r)

    def test_zb3_steps_out_of_order_are_refused_and_change_nothing(self):
        cust = self.w.new_customer()
        number = self.opened(cust)["number"]
        before = self.w.case(number)
        notices, calls = self.w.notices_of(cust["id"]), self.w.calls_of(cust["id"])
        r = self.w.step(number, "confirm_unblock", "unblocked", client=self.w.mesa)
        self.assertEqual(self.assertProblem(r, 409, mentions="coordinate_visit")["code"],
                         "step_not_current")
        r = self.w.step(number, "second_call", "no_contact")
        self.assertEqual(self.assertProblem(r, 409)["code"], "step_not_current")
        self.assertProblem(self.w.step(number, "no_such_step", "x"), 409)
        self.assertUnchanged(number, before, cust["id"], notices, calls)
        self.assertEqual(self.w.get_customer(cust["id"])["blocks"], ["ZB"])
        # Once it moved to monitor, coordinating again is out of order too.
        moved = self.w.step(number, "coordinate_visit", "contacted", visit(self.w.today(2))).json()
        self.assertEqual(moved["step"]["id"], "monitor")
        notices, calls = self.w.notices_of(cust["id"]), self.w.calls_of(cust["id"])
        r = self.w.step(number, "coordinate_visit", "contacted", visit(self.w.today(4)))
        self.assertEqual(self.assertProblem(r, 409, mentions="monitor")["code"], "step_not_current")
        r = self.w.step(number, "monitor", "apta", client=self.w.dispatch)
        self.assertEqual(self.assertProblem(r, 409)["code"], "step_not_a_form")
        self.assertProblem(self.w.sup.post("/api/v1/cases/ZB9999999/steps/coordinate_visit",
                                           {"outcome": "contacted"}), 404, mentions="ZB9999999")
        self.assertUnchanged(number, self.w.case(number), cust["id"], notices, calls)
        self.assertEqual(self.w.case(number)["version"], moved["version"])
        self.assertEqual(len(notices), 1, "no second notice")

    # ZB-4 -------------------------------------------------------------------

    def test_zb4_a_notice_without_visit_gets_the_visit_written_onto_it(self):
        cust = self.w.new_customer()
        wd = "WD-%d-%d" % (os.getpid(), next(_codes))
        r = self.w.dispatch.post("/api/v1/notices", {"number": wd, "customer_id": cust["id"],
                                                     "observations": "Aviso abierto por despacho"})
        self.assertEqual(r.status, 201, r)
        pre = r.json()
        self.assertFalse(pre["has_visit"])
        c = self.opened(cust)
        number = c["number"]
        self.assertEqual(c["notice_number"], pre["number"])
        self.assertEqual(c["notice"]["number"], pre["number"])
        self.assertEqual(c["step"]["id"], "verify_visit")
        self.assertEqual(c["step"]["roles"], ["supervisor"])
        day = self.w.today(1)
        self.assertProblem(self.w.step(number, "verify_visit", "contacted",
                                       visit(day, p1="9 6123 4567", p2="+56961234567")),
                           400, field="fields.phone_2")
        self.assertEqual(self.w.notice(pre["number"]), pre, "a refused answer leaves the notice")
        r = self.w.step(number, "verify_visit", "contacted", visit(day, p1="9 6123 4567",
                                                                    p2="(2) 2345-6789"))
        self.assertEqual(r.status, 200, r)
        moved = r.json()
        self.assertEqual(moved["step"]["id"], "monitor")
        self.assertEqual(moved["notice_number"], pre["number"], "the same notice")
        n = self.w.notice(pre["number"])
        self.assertEqual((n["visit_day"], n["phone_1"], n["phone_2"], n["has_visit"]),
                         (day, "+56961234567", "+56223456789", True))
        self.assertIn("Aviso abierto por despacho", n["observations"])
        self.assertEqual(n["version"], pre["version"] + 1)
        self.assertEqual([x["number"] for x in self.w.notices_of(cust["id"])], [pre["number"]],
                         "no new notice")

    def test_zb4_a_notice_with_visit_goes_straight_to_monitor(self):
        cust = self.w.new_customer()
        wd = "WD-%d-%d" % (os.getpid(), next(_codes))
        r = self.w.dispatch.post("/api/v1/notices", dict(
            visit(self.w.today(1), p1="9 8888 7777", p2="9 6666 5555"), number=wd,
            customer_id=cust["id"]))
        self.assertEqual(r.status, 201, r)
        pre = r.json()
        self.assertTrue(pre["has_visit"])
        c = self.opened(cust)
        self.assertEqual(c["step"]["id"], "monitor")
        self.assertEqual(c["notice_number"], pre["number"])
        self.assertEqual(c["notice"], pre)
        self.assertEqual(c["call_attempts"], 0, "nobody had to call")
        self.assertEqual(self.w.notice(pre["number"]), pre, "the notice is left as it was")
        intake = self.w.wait_mails(about(number=c["number"]), 1, "the intake mail")
        self.assertEqual(len(intake), 1, intake)
        self.assertIn(pre["number"], intake[0].body, "the intake mail names dispatch's notice")
        timers = c["timers"]
        self.assertEqual(len(timers), 1, c)
        self.assertEqual(timers[0]["since"], pre["updated_at"], "measured from the notice's update")
        since = parse_instant(pre["updated_at"])
        self.assertEqual(c["overdue"]["due_at"], iso(since + dt.timedelta(hours=72)))
        self.assertEqual(c["overdue"]["warn_at"], iso(since + dt.timedelta(hours=48)))

    def test_zb4_notice_closed_apta_while_the_visit_is_being_verified_still_reaches_mesa(self):
        # Dispatch closes its notice (apta) before the supervisor wrote the visit
        # onto it: the installation is fit, so Mesa de Clientes must hear of it and
        # the case must reach back office — not get stuck at verify_visit.
        cust = self.w.new_customer()
        wd = "WD-%d-%d" % (os.getpid(), next(_codes))
        r = self.w.dispatch.post("/api/v1/notices", {"number": wd, "customer_id": cust["id"]})
        self.assertEqual(r.status, 201, r)
        number = self.opened(cust)["number"]
        self.assertEqual(self.w.case(number)["step"]["id"], "verify_visit")
        r = self.w.dispatch.post("/api/v1/notices/%s/close" % wd,
                                 {"outcome": "apta", "observations": "Instalación OK"})
        self.assertEqual(r.status, 200, r)
        c = self.w.case(number)
        if c["step"] and c["step"]["id"] == "verify_visit":
            r = self.w.step(number, "verify_visit", "contacted", visit(self.w.today(1)))
            self.assertEqual(r.status, 200,
                             "the supervisor cannot go on once dispatch closed the notice: %r" % r)
            c = r.json()
        self.assertEqual((c["state"], c["step"] and c["step"]["id"]), ("open", "confirm_unblock"),
                         c)
        subject = "Desbloqueo Cliente %s con bloqueo ZB" % cust["code"]
        got = self.w.wait_mails(lambda m: m.subject == subject, 1, "the fit mail")
        self.assertEqual(len(got), 1, got)
        self.assertIn(wd, got[0].body)

    def test_zb3_a_notice_dispatch_opened_after_the_intake_is_not_duplicated(self):
        # The case found no notice at intake (ZB-2); before the supervisor's call,
        # dispatch opens one for the customer. Recording the coordinated visit must
        # not leave the customer with two open notices (two technician visits).
        cust = self.w.new_customer()
        number = self.opened(cust)["number"]
        wd = "WD-%d-%d" % (os.getpid(), next(_codes))
        r = self.w.dispatch.post("/api/v1/notices", {"number": wd, "customer_id": cust["id"]})
        self.assertEqual(r.status, 201, r)
        r = self.w.step(number, "coordinate_visit", "contacted", visit(self.w.today(1)))
        if r.status == 200:
            open_notices = [n["number"] for n in self.w.notices_of(cust["id"])
                            if n["state"] == "open"]
            self.assertEqual(open_notices, [wd], "one open notice for the customer, dispatch's")
            self.assertEqual(r.json()["notice_number"], wd)
        else:  # refusing with a clear conflict (reload: dispatch holds a notice now) is fine too
            self.assertProblem(r, 409, mentions=wd)
            self.assertEqual([n["number"] for n in self.w.notices_of(cust["id"])], [wd])

    # ZB-5 -------------------------------------------------------------------

    def test_zb5_regional_customer_backs_the_notice_up_to_despacho_emergencia(self):
        cust = self.w.customer_by_code("101455")  # demo: Coquimbo, ZB
        c = self.opened(cust)
        number = c["number"]
        self.assertTrue(c["customer"]["regional"])
        r = self.w.step(number, "coordinate_visit", "contacted", visit(self.w.today(2)))
        self.assertEqual(r.status, 200, r)
        moved = r.json()
        self.assertEqual(moved["step"]["id"], "monitor")
        eme = moved["notice_number"]
        subject = "[%s] Respaldo aviso %s — cliente de regiones 101455" % (number, eme)
        got = self.w.wait_mails(lambda m: m.subject == subject, 1, "the regional backup")
        self.assertEqual(len(got), 1, got)
        self.assertMail(got[0], addrs("despacho_emergencia"), subject,
                        cc=addrs("contact_center", "cc_emergencia", "supervisores_abastible"),
                        body=[eme, "101455"])
        self.assertEqual(len(self.w.mails(about(number=number))), 2, "intake + backup")

    def test_zb5_capital_spellings_are_not_regional(self):
        codes = []
        for region in ("metropolitana", "Región Metropolitana", "Region Metropolitana", "RM",
                       "Santiago"):
            with self.subTest(region):
                cust = self.w.new_customer(region=region)
                codes.append(cust["code"])
                c = self.w.at_monitor(cust)
                self.assertFalse(c["customer"]["regional"])
                self.assertEqual([e for e in c["timeline"]
                                  if e["data"].get("event") == "case.zb_regional_backup"], [])
        time.sleep(SETTLE)
        self.assertEqual(self.w.mails(lambda m: "Respaldo aviso" in m.subject
                                      and m.subject.split()[-1] in codes), [])

    # ZB-6 -------------------------------------------------------------------

    def test_zb6_no_contact_twice_mails_the_customer_and_closes_the_case(self):
        cust = self.w.new_customer()
        number = self.opened(cust)["number"]
        r = self.w.step(number, "coordinate_visit", "no_contact")
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual(c["step"]["id"], "second_call")
        self.assertEqual(c["step"]["roles"], ["supervisor"])
        self.assertEqual(c["call_attempts"], 1)
        subject = "[%s] No logramos comunicarnos con usted — desbloqueo de suministro" % number
        got = self.w.wait_mails(lambda m: cust["email"] in m.rcpt_tos, 1, "the customer's mail")
        self.assertEqual(len(got), 1, got)
        self.assertMail(got[0], [cust["email"]], subject, body=[number])
        r = self.w.step(number, "second_call", "no_contact")
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual(c["state"], "closed")
        self.assertEqual(c["result"], {"code": "no_contact",
                                       "label": "sin contacto — desbloqueo no gestionado"})
        self.assertIsNone(c["step"])
        self.assertIsNotNone(c["closed_at"])
        self.assertEqual(c["call_attempts"], 2)
        calls = [i for i in self.w.calls_of(cust["id"]) if i["outcome"] == "no_contact"]
        self.assertEqual(len(calls), 2, self.w.calls_of(cust["id"]))
        for i in calls:
            self.assertEqual((i["type"], i["agent"], i["ticket"]), ("case", "supervisor", number))
            self.assertTrue(i["started_at"])
        self.assertEqual(self.w.notices_of(cust["id"]), [], "no notice")
        self.assertEqual(self.w.get_customer(cust["id"])["blocks"], ["ZB"])
        time.sleep(SETTLE)
        self.assertEqual(len(self.w.mails(lambda m: cust["email"] in m.rcpt_tos)), 1,
                         "one backup mail to the customer")
        # A closed case takes no more answers; a new call opens a new case.
        r = self.w.step(number, "second_call", "contacted", visit(self.w.today(1)))
        self.assertEqual(self.assertProblem(r, 409)["code"], "case_closed")
        again = self.opened(cust)
        self.assertNotEqual(again["number"], number)

    def test_zb6_customer_without_email_gets_no_mail_and_the_timeline_says_so(self):
        cust = self.w.customer_by_code("102019")  # demo: Los Lagos, ZB, no e-mail
        self.assertFalse(cust.get("email"))
        number = self.opened(cust)["number"]
        self.w.wait_mails(about(number=number), 1, "the intake mail")
        r = self.w.step(number, "coordinate_visit", "no_contact")
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual(c["step"]["id"], "second_call")
        skipped = [e for e in c["timeline"] if e["kind"] == "mail"
                   and e["data"].get("event") == "case.zb_no_contact"]
        self.assertEqual(len(skipped), 1, c["timeline"])
        self.assertEqual(skipped[0]["data"].get("status"), "skipped")
        self.assertIn("no e-mail", skipped[0]["text"])
        self.assertEqual(skipped[0]["actor"], "supervisor")
        self.assertEqual([m["event"] for m in self.w.outbox(number)], ["case.zb_intake"])
        time.sleep(SETTLE)
        self.assertEqual([m.subject for m in self.w.mails(about(number=number))],
                         ["[%s] Cliente 102019 con bloqueo ZB: solicitud de desbloqueo" % number])
        c = self.w.step(number, "second_call", "no_contact").json()
        self.assertEqual(c["result"]["code"], "no_contact")
        self.assertEqual(c["call_attempts"], 2)

    # ZB-8 / ZB-9 / ZB-10 ------------------------------------------------------

    def test_zb8_fit_mails_mesa_de_clientes_and_queues_the_case_for_back_office(self):
        cust = self.w.new_customer()
        c = self.w.at_monitor(cust)
        number, eme = c["number"], c["notice_number"]
        self.assertNotIn(number, [x["number"] for x in self.w.sup.get(
            "/api/v1/cases?role=back_office&state=open&limit=500").json()["items"]])
        r = self.w.dispatch.post("/api/v1/notices/%s/close" % eme,
                                 {"outcome": "apta",
                                  "observations": "Instalación revisada, sin fugas"})
        self.assertEqual(r.status, 200, r)
        subject = "Desbloqueo Cliente %s con bloqueo ZB" % cust["code"]
        got = self.w.wait_mails(lambda m: m.subject == subject, 1, "the fit mail")
        self.assertEqual(len(got), 1, got)
        self.assertMail(got[0], addrs("mesa_clientes"), subject,
                        cc=addrs("contact_center", "supervisores_abastible"),
                        body=[eme, cust["code"], "visitado", "OK",
                              "Instalación revisada, sin fugas"])
        c = self.w.case(number)
        self.assertEqual((c["state"], c["step"]["id"]), ("open", "confirm_unblock"))
        self.assertEqual(c["step"]["roles"], ["back_office"])
        self.assertEqual(c["timers"], [], "no follow-ups once the notice closed")
        queue = self.w.mesa.get("/api/v1/cases?role=back_office&state=open&limit=500")
        self.assertEqual(queue.status, 200, queue)
        self.assertIn(number, [x["number"] for x in queue.json()["items"]])
        dispatch_queue = self.w.sup.get("/api/v1/cases?role=dispatch&state=open&limit=500").json()
        self.assertNotIn(number, [x["number"] for x in dispatch_queue["items"]])

    def test_zb9_not_fit_closes_the_case_keeps_the_block_and_tells_supervisors_and_customer(self):
        cust = self.w.new_customer()
        c = self.w.at_monitor(cust)
        number, eme = c["number"], c["notice_number"]
        before = self.w.case(number)
        r = self.w.dispatch.post("/api/v1/notices/%s/close" % eme, {"outcome": "no_apta"})
        self.assertProblem(r, 400, field="observations")
        self.assertEqual(self.w.case(number), before)
        obs = "Regulador con fuga; reemplazar antes de abastecer"
        r = self.w.dispatch.post("/api/v1/notices/%s/close" % eme,
                                 {"outcome": "no_apta", "observations": obs})
        self.assertEqual(r.status, 200, r)
        c = self.w.case(number)
        self.assertEqual(c["state"], "closed")
        self.assertEqual(c["result"], {"code": "not_fit",
                                       "label": "instalación no apta — se mantiene el bloqueo"})
        self.assertEqual(self.w.get_customer(cust["id"])["blocks"], ["ZB"], "the block stays")
        sup_subject = ("[%s] Instalación no apta — cliente %s mantiene bloqueo ZB"
                       % (number, cust["code"]))
        cust_subject = "[%s] Resultado de la inspección de su instalación" % number
        got = self.w.wait_mails(lambda m: m.subject in (sup_subject, cust_subject), 2,
                                "the not-fit mails")
        self.assertEqual(len(got), 2, got)
        by = {m.subject: m for m in got}
        self.assertMail(by[sup_subject], addrs("supervisor_rrss", "jefe_servicio"), sup_subject,
                        cc=addrs("supervisores_abastible"), body=[obs, eme])
        self.assertMail(by[cust_subject], [cust["email"]], cust_subject, body=[obs])
        self.assertEqual(self.w.mails(lambda m: cust["code"] in m.subject
                                      and "Desbloqueo" in m.subject),
                         [], "no fit mail")

    def test_zb9_not_fit_for_a_customer_without_email_mails_only_the_supervisors(self):
        cust = self.w.new_customer(email=False)
        c = self.w.at_monitor(cust)
        number, eme = c["number"], c["notice_number"]
        obs = "Estanque sin certificación vigente"
        r = self.w.dispatch.post("/api/v1/notices/%s/close" % eme,
                                 {"outcome": "no_apta", "observations": obs})
        self.assertEqual(r.status, 200, r)
        c = self.w.case(number)
        self.assertEqual(c["result"]["code"], "not_fit")
        skipped = [e for e in c["timeline"] if e["data"].get("event") == "case.zb_not_fit_customer"]
        self.assertEqual([e["data"].get("status") for e in skipped], ["skipped"], c["timeline"])
        self.assertEqual(sorted(m["event"] for m in self.w.outbox(number)),
                         ["case.zb_intake", "case.zb_not_fit"])
        got = self.w.wait_mails(about(number=number), 2, "intake + not fit")
        self.assertEqual(len(got), 2, got)

    def test_zb10_only_back_office_confirms_and_the_block_is_lifted(self):
        cust = self.w.new_customer()
        c = self.w.at_monitor(cust)
        number, eme = c["number"], c["notice_number"]
        self.assertEqual(self.w.dispatch.post("/api/v1/notices/%s/close" % eme,
                                              {"outcome": "apta"}).status, 200)
        c = self.w.case(number)
        self.assertEqual(c["step"]["id"], "confirm_unblock")
        for role in ("agent", "dispatch", "supervisor"):
            with self.subTest(role):
                r = self.w.step(number, "confirm_unblock", "unblocked", client=self.w.c[role])
                self.assertProblem(r, 403)
                self.assertEqual(self.w.case(number), c)
                self.assertEqual(self.w.get_customer(cust["id"])["blocks"], ["ZB"])
        r = self.w.step(number, "confirm_unblock", "unblocked", client=self.w.mesa)
        self.assertEqual(r.status, 200, r)
        done = r.json()
        self.assertEqual(done["state"], "closed")
        self.assertEqual(done["result"], {"code": "unblocked", "label": "desbloqueado"})
        self.assertEqual(self.w.get_customer(cust["id"])["blocks"], [], "the ZB block is lifted")
        self.assertEqual(done["customer"]["blocks"], [])
        self.assertIn(number, [x["number"] for x in self.w.sup.get(
            "/api/v1/cases?procedure=zb-unblock&state=closed&limit=500").json()["items"]])
        ends = [e for e in done["timeline"] if e["kind"] in ("block", "end")]
        self.assertEqual([(e["kind"], e["actor"]) for e in ends],
                         [("block", "mesa"), ("end", "mesa")])
        subject = "[%s] Cliente %s desbloqueado" % (number, cust["code"])
        got = self.w.wait_mails(lambda m: m.subject == subject, 1, "the unblocked mail")
        self.assertEqual(len(got), 1, got)
        self.assertMail(got[0], addrs("supervisor_rrss"), subject, cc=addrs("contact_center"))
        # No block any more: a new intake is refused.
        self.assertEqual(self.w.open_case(cust["id"]).json().get("code"), "block_required")

    # Roles (G-3) ----------------------------------------------------------------

    def test_roles_customer_users_get_403_and_dispatch_cannot_open_cases(self):
        cust = self.w.new_customer()
        c = self.opened(cust)
        number = c["number"]
        portal = self.w.c["customer"]
        for method, path, body in [
                ("GET", "/api/v1/cases", None),
                ("GET", "/api/v1/cases?procedure=zb-unblock&state=open", None),
                ("GET", "/api/v1/cases/" + number, None),
                ("POST", "/api/v1/cases", {"procedure": PROCEDURE, "customer_id": cust["id"],
                                           "intake": {"caller": "X",
                                                      "phones": ["+56 9 3111 2222"]}}),
                ("POST", "/api/v1/cases/%s/steps/coordinate_visit" % number,
                 {"outcome": "no_contact"}),
                ("GET", "/api/v1/procedures", None)]:
            with self.subTest(method + " " + path):
                self.assertProblem(portal.request(method, path, body), 403)
        r = self.w.open_case(cust["id"], client=self.w.dispatch)
        self.assertProblem(r, 403)
        other = self.w.new_customer()
        self.assertProblem(self.w.open_case(other["id"], client=self.w.dispatch), 403)
        self.assertEqual(self.w.cases_of(other["id"]), [])
        self.assertProblem(self.w.step(number, "coordinate_visit", "no_contact",
                                       client=self.w.agent), 403)
        self.assertProblem(self.w.step(number, "coordinate_visit", "no_contact",
                                       client=self.w.dispatch), 403)
        self.assertEqual(self.w.case(number), c, "refused answers change nothing")
        self.assertProblem(h.Client(self.w.server).get("/api/v1/cases"), 401)


# --- Tests that move the clock: a server each ----------------------------------

class OwnWorld(ZbCase):
    def setUp(self):
        self.w = World()
        self.addCleanup(self.w.cleanup)

    def tearDown(self):
        if self.w.server.alive():
            self.w.stop_checked()

    def advance_to(self, hours, minutes=0):
        self.w.set_clock(T0 + dt.timedelta(hours=hours, minutes=minutes))


class OverdueTest(OwnWorld):
    def overdue_mails(self, number):
        return self.w.mails(lambda m: m.subject.startswith("[%s] Aviso" % number))

    def assertNoMoreOverdue(self, number, count):
        time.sleep(SETTLE)
        self.assertEqual(len(self.overdue_mails(number)), count, self.overdue_mails(number))
        self.assertEqual(len([m for m in self.w.outbox(number) if m["event"] == "case.zb_overdue"]),
                         count)
        self.assertEqual(self.w.case(number)["overdue"]["followups_sent"], count)

    def test_zb7_overdue_mail_at_72h_then_every_24h_never_before(self):
        cust = self.w.new_customer()
        c = self.w.at_monitor(cust, day_offset=1)
        number, eme = c["number"], c["notice_number"]
        subject = "[%s] Aviso %s sin actualización — consulta de estado" % (number, eme)
        self.assertEqual(c["overdue"]["warn_at"], iso(T0 + dt.timedelta(hours=48)))
        self.assertEqual(c["overdue"]["due_at"], iso(T0 + dt.timedelta(hours=72)))
        self.advance_to(47)
        self.assertNoMoreOverdue(number, 0)
        self.assertEqual(self.w.case(number)["overdue"]["state"], "none")
        self.advance_to(49)
        self.assertNoMoreOverdue(number, 0)
        self.assertEqual(self.w.case(number)["overdue"]["state"], "warning")
        self.advance_to(71, 59)
        self.assertNoMoreOverdue(number, 0)
        self.advance_to(72, 1)
        got = self.w.wait_mails(lambda m: m.subject == subject, 1, "the first follow-up")
        self.assertEqual(len(got), 1, got)
        self.assertMail(got[0], addrs("cc_emergencia"), subject,
                        body=[eme, number, cust["code"], "seguimiento n.º 1",
                              "desde el 24-11-2026 09:00"])
        c = self.w.case(number)
        self.assertEqual(c["overdue"]["state"], "overdue")
        self.assertEqual(c["overdue"]["followups_sent"], 1)
        self.assertEqual(c["overdue"]["next_at"], iso(T0 + dt.timedelta(hours=96)))
        self.assertEqual(c["step"]["id"], "monitor")
        self.advance_to(95, 59)
        self.assertNoMoreOverdue(number, 1)
        self.advance_to(96, 1)
        got = self.w.wait_mails(lambda m: m.subject == subject, 2, "the second follow-up")
        self.assertEqual(len(got), 2, got)
        self.assertMail(got[1], addrs("cc_emergencia"), subject, body=["seguimiento n.º 2"])
        self.assertEqual(self.w.case(number)["overdue"]["followups_sent"], 2)
        self.assertNoMoreOverdue(number, 2)

    def test_zb7_a_notice_update_restarts_the_count(self):
        cust = self.w.new_customer()
        c = self.w.at_monitor(cust, day_offset=1)
        number, eme = c["number"], c["notice_number"]
        subject = "[%s] Aviso %s sin actualización — consulta de estado" % (number, eme)
        self.advance_to(60)
        n = self.w.notice(eme)
        r = self.w.dispatch.patch("/api/v1/notices/" + eme, {"observations": n["observations"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["updated_at"], n["updated_at"], "a change that changes nothing")
        self.assertEqual(self.w.case(number)["overdue"]["due_at"], iso(T0 + dt.timedelta(hours=72)))
        self.advance_to(73)
        got = self.w.wait_mails(lambda m: m.subject == subject, 1, "follow-up 1")
        self.assertEqual(len(got), 1, got)
        self.assertEqual(self.w.case(number)["overdue"]["followups_sent"], 1)
        self.advance_to(80)
        n = self.w.notice(eme)
        r = self.w.dispatch.patch("/api/v1/notices/" + eme,
                                  {"observations": "Técnico reprogramado para el jueves",
                                   "version": n["version"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["updated_at"], iso(T0 + dt.timedelta(hours=80)))
        c = self.w.case(number)
        self.assertEqual(c["overdue"]["state"], "none", "the update resets the clock")
        self.assertEqual(c["overdue"]["due_at"], iso(T0 + dt.timedelta(hours=152)))
        self.assertEqual(c["overdue"]["followups_sent"], 1, "the count is the case's")
        updates = [e for e in c["timeline"] if e["kind"] == "notice" and e["actor"] == "despacho"]
        self.assertEqual(len(updates), 1, c["timeline"])
        self.advance_to(96, 30)   # the old 96 h mark
        self.assertNoMoreOverdue(number, 1)
        self.advance_to(151, 59)
        self.assertNoMoreOverdue(number, 1)
        self.assertEqual(self.w.case(number)["overdue"]["state"], "warning")
        self.advance_to(152, 1)
        got = self.w.wait_mails(lambda m: m.subject == subject, 2, "follow-up 2")
        self.assertEqual(len(got), 2, got)
        self.assertEqual(self.w.case(number)["overdue"]["followups_sent"], 2)
        self.assertNoMoreOverdue(number, 2)
        # Closed: no follow-ups any more.
        self.advance_to(160)
        self.assertEqual(self.w.dispatch.post("/api/v1/notices/%s/close" % eme,
                                              {"outcome": "apta"}).status, 200)
        self.assertEqual(self.w.case(number)["step"]["id"], "confirm_unblock")
        self.advance_to(300)
        self.assertNoMoreOverdue(number, 2)
        self.assertEqual(self.w.case(number)["overdue"]["state"], "none")


class RestartTest(OwnWorld):
    def test_zb7_a_timer_due_while_the_server_was_down_fires_once_after_restart(self):
        cust = self.w.new_customer()
        c = self.w.at_monitor(cust, day_offset=1)
        number, eme = c["number"], c["notice_number"]
        subject = "[%s] Aviso %s sin actualización — consulta de estado" % (number, eme)
        self.w.wait_mails(about(number=number), 1, "the intake mail")
        # Down at T0 + 1 h; back at T0 + 100 h: past the 72 h and the 96 h marks.
        self.advance_to(1)
        self.w.restart(T0 + dt.timedelta(hours=100))
        self.assertEqual(self.w.now(), T0 + dt.timedelta(hours=100))
        got = self.w.wait_mails(lambda m: m.subject == subject, 1, "the follow-up after restart")
        self.assertEqual(len(got), 1, got)
        self.assertMail(got[0], addrs("cc_emergencia"), subject)
        c = self.w.case(number)
        self.assertEqual(c["overdue"]["followups_sent"], 1)
        self.assertEqual(c["overdue"]["state"], "overdue")
        self.assertEqual(c["overdue"]["next_at"], iso(T0 + dt.timedelta(hours=120)))
        # Another restart at once: nothing goes out twice.
        self.w.restart(T0 + dt.timedelta(hours=100, minutes=5))
        time.sleep(SETTLE)
        self.assertEqual(len(self.w.mails(lambda m: m.subject == subject)), 1)
        self.assertEqual(self.w.case(number)["overdue"]["followups_sent"], 1)
        self.assertEqual(len(self.w.mails(about(number=number))), 2, "intake + one follow-up")
        # And the timer keeps its rhythm: the next one at 120 h.
        self.advance_to(120, 1)
        self.assertEqual(len(self.w.wait_mails(lambda m: m.subject == subject, 2, "the next")), 2)


class QueueTest(OwnWorld):
    def test_the_open_queue_lists_overdue_cases_first(self):
        # Dispatch already holds a notice with its visit for one customer (updated at T0).
        late = self.w.new_customer()
        r = self.w.dispatch.post("/api/v1/notices", dict(visit(self.w.today(1)),
                                                         number="WD-Q-%d" % os.getpid(),
                                                         customer_id=late["id"]))
        self.assertEqual(r.status, 201, r)
        self.advance_to(30)
        waiting = self.opened(self.w.new_customer())                   # no timer at all
        fresh = self.w.at_monitor(self.w.new_customer(), day_offset=1)  # due at T0+102 h
        overdue = self.opened(late)                                      # due at T0+72 h
        self.assertEqual(overdue["step"]["id"], "monitor")
        self.advance_to(73)
        self.w.wait_case(overdue["number"], lambda c: c["overdue"]["followups_sent"] == 1,
                         "the follow-up")
        r = self.w.sup.get("/api/v1/cases?procedure=zb-unblock&state=open")
        self.assertEqual(r.status, 200, r)
        items = r.json()["items"]
        order = [x["number"] for x in items]
        self.assertEqual(order, [overdue["number"], fresh["number"], waiting["number"]])
        self.assertEqual([x["overdue"]["state"] for x in items], ["overdue", "none", "none"])
        self.assertNotIn("timeline", items[0], "lists are light")
        # The dispatch queue: the two cases at monitor, overdue first.
        r = self.w.dispatch.get("/api/v1/cases?procedure=zb-unblock&state=open&role=dispatch")
        self.assertEqual([x["number"] for x in r.json()["items"]],
                         [overdue["number"], fresh["number"]])
        self.assertProblem(self.w.sup.get("/api/v1/cases?state=pending"), 400, field="state")
        self.assertProblem(self.w.sup.get("/api/v1/cases?role=customer"), 400, field="role")


class DeskDateTest(OwnWorld):
    def test_zb3_the_visit_day_is_checked_against_the_desks_local_date(self):
        # The desk's zone, not the installation's (UTC, see World).
        r = self.w.sup.get("/api/v1/session")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["desk"]["id"], r.json()["desk"]["time_zone"]),
                         (h.ZB_DESK, "America/Santiago"))
        cust = self.w.new_customer()
        number = self.opened(cust)["number"]
        before = self.w.case(number)
        # 00:30 on Wednesday 25 in Santiago is 03:30 UTC: Tuesday 24 is past.
        self.w.set_clock(dt.datetime(2026, 11, 25, 3, 30, tzinfo=dt.timezone.utc))
        r = self.w.step(number, "coordinate_visit", "contacted", visit("2026-11-24"))
        self.assertProblem(r, 400, field="fields.visit_day")
        self.assertEqual(self.w.case(number)["version"], before["version"])
        # 23:00 on Tuesday 24 in Santiago is already Wednesday in UTC: Tuesday is today.
        self.w.set_clock(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.timezone.utc))
        r = self.w.step(number, "coordinate_visit", "contacted", visit("2026-11-24"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.w.notice(r.json()["notice_number"])["visit_day"], "2026-11-24")


class StoryTest(OwnWorld):
    def test_zb10_the_timeline_shows_every_step_call_mail_and_timer_with_who_and_when(self):
        cust = self.w.new_customer(region="Los Lagos")
        c = self.opened(cust, caller="Luis Vera")
        number = c["number"]
        self.advance_to(1)
        self.assertEqual(self.w.step(number, "coordinate_visit", "no_contact").status, 200)
        self.advance_to(3)
        r = self.w.step(number, "second_call", "contacted", visit(self.w.today(1)))
        self.assertEqual(r.status, 200, r)
        eme = r.json()["notice_number"]
        self.advance_to(3 + 72, 5)
        self.w.wait_case(number, lambda c: c["overdue"]["followups_sent"] == 1, "the follow-up")
        self.advance_to(80)
        self.assertEqual(self.w.dispatch.post("/api/v1/notices/%s/close" % eme,
                                              {"outcome": "apta"}).status, 200)
        self.advance_to(82)
        r = self.w.step(number, "confirm_unblock", "unblocked", client=self.w.mesa)
        self.assertEqual(r.status, 200, r)
        c = self.w.case(number)
        self.assertEqual(c["result"]["code"], "unblocked")
        self.assertEqual(c["closed_at"], iso(T0 + dt.timedelta(hours=82)))
        tl = c["timeline"]
        for e in tl:
            self.assertTrue(e["actor"], e)
            self.assertTrue(e["text"], e)
            parse_instant(e["at"])
        ats = [parse_instant(e["at"]) for e in tl]
        self.assertEqual(ats, sorted(ats), "in order")

        def at(hours, minutes=0):
            return iso(T0 + dt.timedelta(hours=hours, minutes=minutes))

        def find(kind, **data):
            return [e for e in tl if e["kind"] == kind
                    and all(e["data"].get(k) == v for k, v in data.items())]

        agent = h.DEMO_USERS["agent"]  # the ZB desk's agent took the call
        self.assertEqual([(e["actor"], e["at"]) for e in find("intake")], [(agent, at(0))])
        answers = [(e["data"]["step"], e["data"]["outcome"], e["actor"], e["at"])
                   for e in find("step") if "outcome" in e["data"]]
        self.assertEqual(answers, [("coordinate_visit", "no_contact", "supervisor", at(1)),
                                   ("second_call", "contacted", "supervisor", at(3)),
                                   ("confirm_unblock", "unblocked", "mesa", at(82))])
        entered = [e["data"]["step"] for e in find("step") if "outcome" not in e["data"]]
        self.assertEqual(entered, ["check_notice", "coordinate_visit", "second_call",
                                   "regional_backup", "monitor", "confirm_unblock"])
        self.assertEqual([(e["data"]["result"], e["actor"], e["at"]) for e in find("call")],
                         [("no_contact", "supervisor", at(1)), ("contacted", "supervisor", at(3))])
        mails = [(e["data"]["event"], e["actor"], e["at"]) for e in find("mail")]
        self.assertEqual(mails, [("case.zb_intake", agent, at(0)),
                                 ("case.zb_no_contact", "supervisor", at(1)),
                                 ("case.zb_regional_backup", "supervisor", at(3)),
                                 ("case.zb_overdue", "system", at(75, 5)),
                                 ("case.zb_fit", "despacho", at(80)),
                                 ("case.zb_unblocked", "mesa", at(82))])
        for e in find("mail"):
            self.assertTrue(e["data"]["subject"] and e["data"]["to"], e)
        timers = [(e["actor"], e["at"], e["data"].get("armed"), e["data"].get("count"))
                  for e in find("timer")]
        self.assertEqual(timers, [("supervisor", at(3), "true", None),
                                  ("system", at(75, 5), None, "1")])
        closed = find("notice", notice=eme, outcome="apta")
        self.assertEqual([(e["actor"], e["at"]) for e in closed],
                         [("despacho", at(80))])
        self.assertEqual([(e["actor"], e["data"]["change"]) for e in find("block")],
                         [("mesa", "lifted")])
        self.assertEqual([(e["actor"], e["at"]) for e in find("end")], [("mesa", at(82))])
        # Every mail the timeline names reached the SMTP server.
        subjects = sorted(e["data"]["subject"] for e in find("mail"))
        got = self.w.wait_mails(lambda m: m.subject in subjects, len(subjects), "the case's mails")
        self.assertEqual(sorted(m.subject for m in got), subjects)


if __name__ == "__main__":
    unittest.main()
