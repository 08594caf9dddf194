"""Tickets over HTTP (NM-4, NM-6, NM-7, NM-10, NM-11, G-1, G-2, G-3): numbering
per series, follow-up by CS/REQ/RITM number, the lifecycle and its refusals,
optimistic concurrency, blocked creation, the queue, what customer and
dispatch users may do, the history, the mails, and the CLI.

Servers run on a virtual clock that the test sets (POST /api/v1/clock).
Reopening and auto-close, which turn on the clock, are in tickets_clock_test.py;
it imports the helpers below.
"""

import datetime as dt
import itertools
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PORTAL_PASSWORD = "portal-password-1"
WAIT = 10.0  # seconds for the background auto-close to act
_names = itertools.count(1)


# --- Helpers ------------------------------------------------------------------

def services(*ids):
    return [{"service_id": s, "circuit": "CIR-" + s, "description": "Enlace " + s} for s in ids]


def new_customer(client, name=None, **fields):
    """A customer created through the API (so each test has its own rows)."""
    body = {"legal_name": name or "Cliente de Prueba %d S.A.S." % next(_names),
            "group": "GRUPO PRUEBA", "technology": "SDWAN con Out Vipt"}
    body.update(fields)
    r = client.post("/api/v1/customers", body)
    if r.status != 201:
        raise AssertionError("creating customer %r failed: %r" % (body["legal_name"], r))
    return r.json()


def caller(name="Ana Gómez", email=None):
    c = {"name": name, "phone": "+57 300 555 0101", "company": "TI"}
    if email:
        c["email"] = email
    return c


def ticket_body(customer_id, service_id=None, kind="incident", category=None, **extra):
    body = {"kind": kind, "customer_id": customer_id,
            "category": category or ("outage" if kind == "incident" else "change"),
            "subject": "Sin servicio en la sede principal", "caller": caller()}
    if service_id is not None:
        body["service_id"] = service_id
    body.update(extra)
    return body


def instant(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class TicketCase(h.TestCase):
    """A demo-seeded server on a virtual clock, shared by the class's tests.
    Everyone acts in the NM desk (cirion-nm, Bogotá), where tickets live."""

    clock_start = "2026-03-09T15:00:00Z"  # Monday 10:00 in Bogotá
    env = {}

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, virtual_clock=True, clock_start=cls.clock_start,
                              env=cls.env, desk=h.NM_DESK)
        cls._sessions = []
        try:
            cls.server.start()
            cls.agent = cls.login(h.NM_USERS["agent"])
            cls.sup = cls.login(h.NM_USERS["supervisor"])
            cls.admin = cls.login(h.NM_USERS["admin"])
            cls.prepare()
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def prepare(cls):
        pass

    @classmethod
    def set_desk(cls, **settings):
        """Changes the NM desk's settings (PATCH /api/v1/desks/{id}) as its admin would."""
        r = cls.admin.patch("/api/v1/desks/" + h.NM_DESK, settings)
        if r.status != 200:
            raise AssertionError("changing desk %s failed: %r" % (h.NM_DESK, r))
        return r.json()

    @classmethod
    def login(cls, username, password=h.DEMO_PASSWORD, desk=None):
        client = cls.server.login(username, password, desk=desk)
        cls._sessions.append((client, username, password))
        return client

    def refresh_sessions(self):
        """Sessions last 12 h of the (virtual) clock: sign everyone in again after a move."""
        for client, username, password in self._sessions:
            r = client.login(username, password)
            self.assertEqual(r.status, 200, r)

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    # Requests ----------------------------------------------------------------

    def open(self, customer_id, service_id=None, client=None, **kw):
        r = (client or self.agent).post("/api/v1/tickets", ticket_body(customer_id, service_id, **kw))
        self.assertEqual(r.status, 201, r)
        t = r.json()
        self.assertEqual(r.header("Location"), "/api/v1/tickets/" + t["number"])
        return t

    def get(self, number, client=None):
        r = (client or self.agent).get("/api/v1/tickets/" + number)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def resolve(self, number, resolution="Se reinició el equipo CPE; el enlace está arriba"):
        r = self.agent.post("/api/v1/tickets/%s/resolve" % number, {"resolution": resolution})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "resolved")
        return r.json()

    def reopen(self, number, reason="El cliente dice que sigue sin servicio", **kw):
        body = {"reason": reason}
        body.update(kw)
        return self.agent.post("/api/v1/tickets/%s/reopen" % number, body)

    def set_clock(self, when):
        r = self.admin.post("/api/v1/clock", {"now": when})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(instant(r.json()["now"]), instant(when))
        self.refresh_sessions()

    def advance(self, duration):
        r = self.admin.post("/api/v1/clock", {"advance": duration})
        self.assertEqual(r.status, 200, r)
        self.refresh_sessions()
        return r.json()["now"]

    def calls(self, query):
        r = self.agent.get("/api/v1/interactions?limit=500&" + query)
        self.assertEqual(r.status, 200, r)
        return r.json()["items"]

    def history(self, number, client=None):
        r = (client or self.sup).get("/api/v1/tickets/%s/history" % number)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["number"], number)
        return r.json()["items"]

    def queue(self, query="", client=None):
        r = (client or self.agent).get("/api/v1/tickets?" + query)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def wait_for(self, predicate, what, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        self.fail("timed out after %.0f s waiting for %s" % (timeout, what))


def changes_by_field(entry):
    return {c["field"]: (c["before"], c["after"]) for c in entry["changes"] if c["field"] != "updates"}


# --- NM-6: numbering ------------------------------------------------------------

class NumberingTest(TicketCase):
    """A fresh server, so every series starts at 1."""

    def test_series_are_gapless_independent_and_safe_under_concurrency(self):
        # A customer without a list of services: any service id is accepted.
        cust = new_customer(self.sup, "Numeradora Andina S.A.S.")
        results = [None] * 20
        barrier = threading.Barrier(20)

        def open_one(i):
            barrier.wait(30)
            results[i] = self.agent.post("/api/v1/tickets", ticket_body(
                cust["id"], "SVC-%02d" % i, subject="Caída del enlace %d" % i))

        threads = [threading.Thread(target=open_one, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual([r.status for r in results], [201] * 20, results)
        numbers = sorted(r.json()["number"] for r in results)
        self.assertEqual(numbers, ["CS%07d" % n for n in range(1, 21)], "no gap, no duplicate")
        by_service = {r.json()["service"]["service_id"]: r.json()["number"] for r in results}
        self.assertEqual(len(by_service), 20)
        listed = self.queue("customer_id=%d&state=all&limit=100" % cust["id"])["items"]
        self.assertEqual(sorted(t["number"] for t in listed), numbers)
        opened = self.calls("customer_id=%d" % cust["id"])
        self.assertEqual(sorted(c["ticket"] for c in opened), numbers, "one call per ticket")
        self.assertEqual({c["outcome"] for c in opened}, {"ticket_opened"})

        # Requests and their items count on series of their own.
        req = self.open(cust["id"], kind="requirement", category="change",
                        subject="Ampliación de ancho de banda",
                        items=["Subir el canal a 200 Mbps", {"description": "RFO del corte del lunes"}])
        self.assertEqual(req["number"], "REQ0000001")
        self.assertEqual(req["kind"], "requirement")
        self.assertEqual(req["items"], [
            {"number": "RITM0000001", "description": "Subir el canal a 200 Mbps"},
            {"number": "RITM0000002", "description": "RFO del corte del lunes"}])
        req2 = self.open(cust["id"], kind="requirement", category="rfo", subject="Informe RFO de marzo")
        self.assertEqual(req2["number"], "REQ0000002")
        self.assertEqual(req2["items"], [{"number": "RITM0000003",
                                          "description": "Informe RFO de marzo"}],
                         "a request without items gets one from its subject")
        self.assertEqual(self.open(cust["id"], "SVC-20")["number"], "CS0000021")

        # Refused openings use up no number.
        blocked = self.agent.post("/api/v1/tickets", ticket_body(cust["id"], "SVC-00"))
        self.assertEqual(self.assertProblem(blocked, 409)["code"], "blocked_by_unclosed_ticket")
        bad = self.agent.post("/api/v1/tickets", ticket_body(cust["id"], "SVC-21", category="flood"))
        self.assertProblem(bad, 400, "category")
        self.assertEqual(self.open(cust["id"], "SVC-21")["number"], "CS0000022")
        req3 = self.open(cust["id"], kind="requirement", items=["Cambio de IP pública"])
        self.assertEqual((req3["number"], [i["number"] for i in req3["items"]]),
                         ("REQ0000003", ["RITM0000004"]))


# --- NM-7, the lifecycle, concurrency, NM-10, NM-11, G-1, G-3 ---------------------

class TicketApiTest(TicketCase):
    @classmethod
    def prepare(cls):
        cls.portal_customer = new_customer(cls.sup, "Portal Andino S.A.S.",
                                           email="ti@portalandino.example",
                                           services=services("PA-1", "PA-2", "PA-3"))
        cls.other_customer = new_customer(cls.sup, "Otra Compañía de Redes S.A.",
                                          services=services("OC-1", "OC-2"))
        h.add_user(cls.server.data_dir, "portal.andino", "customer", PORTAL_PASSWORD,
                   customer=cls.portal_customer["code"])
        h.add_user(cls.server.data_dir, "portal.otra", "customer", PORTAL_PASSWORD,
                   customer=cls.other_customer["code"])
        cls.portal = cls.login("portal.andino", PORTAL_PASSWORD)
        cls.portal_other = cls.login("portal.otra", PORTAL_PASSWORD)
        # The demo's dispatch user works in the ZB desk; the NM desk gets its own.
        h.add_user(cls.server.data_dir, "despacho.nm", "dispatch", PORTAL_PASSWORD,
                   desks=[h.NM_DESK])
        cls.dispatch = cls.login("despacho.nm", PORTAL_PASSWORD)
        cls.zb_dispatch = cls.login(h.DEMO_USERS["dispatch"], desk=h.ZB_DESK)

    # NM-7: follow-up by number ------------------------------------------------------

    def test_follow_up_by_cs_req_and_ritm(self):
        c = new_customer(self.sup, services=services("F-1"))
        cs = self.open(c["id"], "F-1", category="packet_loss", subject="Pérdida de paquetes",
                       caller=caller("Luis Mejía"))
        self.assertEqual((cs["state"], cs["version"]), ("new", 1))
        self.assertEqual(cs["service"], {"service_id": "F-1", "circuit": "CIR-F-1"},
                         "the circuit comes from the customer's services")
        r = self.sup.patch("/api/v1/tickets/" + cs["number"], {
            "state": "in_progress", "assigned_engineer": "Ing. Camilo Rojas",
            "comment": "Revisando el enlace con el proveedor"})
        self.assertEqual(r.status, 200, r)
        got = self.agent.get("/api/v1/tickets/" + cs["number"])
        self.assertEqual(got.status, 200, got)
        self.assertEqual(got.header("ETag"), '"v2"')
        t = got.json()
        self.assertEqual((t["number"], t["state"], t["assigned_engineer"]),
                         (cs["number"], "in_progress", "Ing. Camilo Rojas"))
        self.assertEqual(t["customer"]["id"], c["id"])
        self.assertEqual(t["caller"]["name"], "Luis Mejía")
        self.assertIn({"kind": "comment", "author": "supervisor",
                       "text": "Revisando el enlace con el proveedor"},
                      [{k: u[k] for k in ("kind", "author", "text")} for u in t["updates"]])
        self.assertIn("new → in_progress", [u["text"] for u in t["updates"] if u["kind"] == "state"])
        # Numbers are read in any case.
        self.assertEqual(self.get(cs["number"].lower())["number"], cs["number"])

        req = self.open(c["id"], kind="requirement", category="change",
                        subject="Cambio de plan", items=["Plan 100 Mbps", "Plan 300 Mbps"])
        self.assertNotIn("requested_item", self.get(req["number"]))
        for item in req["items"]:
            by_item = self.get(item["number"])
            self.assertEqual(by_item["number"], req["number"])
            self.assertEqual(by_item["requested_item"], item["number"])
            self.assertEqual(by_item["items"], req["items"])
            self.assertEqual(self.get(item["number"].lower())["requested_item"], item["number"])

    def test_unknown_numbers_are_404_echoing_them(self):
        for number in ("CS9999999", "REQ9999999", "RITM9999999", "CS0000000", "XYZ123",
                       "cs99999990"):
            with self.subTest(number=number):
                p = self.assertProblem(self.agent.get("/api/v1/tickets/" + number), 404,
                                       mentions=number)
                self.assertEqual(p.get("subject"), number, p)
        for method, suffix, body in (("PATCH", "", {"subject": "x"}),
                                     ("POST", "/resolve", {"resolution": "x"}),
                                     ("POST", "/close", None),
                                     ("POST", "/reopen", {"reason": "x"}),
                                     ("POST", "/comments", {"text": "x"}),
                                     ("GET", "/history", None)):
            with self.subTest(method=method, suffix=suffix):
                r = self.sup.request(method, "/api/v1/tickets/CS8888888" + suffix, body)
                self.assertProblem(r, 404, mentions="CS8888888")

    def test_a_requested_item_where_its_request_is_expected_is_400_naming_the_req(self):
        c = new_customer(self.sup)
        req = self.open(c["id"], kind="requirement", items=["Cambio de DNS"])
        ritm = req["items"][0]["number"]
        for method, suffix, body in (("POST", "/resolve", {"resolution": "Hecho"}),
                                     ("POST", "/close", None),
                                     ("POST", "/reopen", {"reason": "Sigue igual"}),
                                     ("POST", "/comments", {"text": "Avance"}),
                                     ("PATCH", "", {"assigned_engineer": "Ing. Ruiz"})):
            with self.subTest(method=method, suffix=suffix):
                r = self.agent.request(method, "/api/v1/tickets/%s%s" % (ritm, suffix), body)
                self.assertProblem(r, 400, "number", mentions=[ritm, "REQ"])
        t = self.get(req["number"])
        self.assertEqual((t["state"], t["version"], t["assigned_engineer"]), ("new", 1, ""))

    # The lifecycle --------------------------------------------------------------------

    def test_transitions_not_allowed_are_409_listing_the_allowed_ones(self):
        c = new_customer(self.sup, services=services("T-1"))
        t = self.open(c["id"], "T-1")
        self.assertEqual(t["actions"], [{"action": "update", "to": "in_progress"},
                                        {"action": "update", "to": "on_hold"},
                                        {"action": "resolve", "to": "resolved"},
                                        {"action": "cancel", "to": "cancelled"}])
        url = "/api/v1/tickets/" + t["number"]
        allowed_from_new = ["in_progress (update)", "on_hold (update)", "resolved (resolve)",
                            "cancelled (cancel)"]
        p = self.assertProblem(self.agent.post(url + "/close"), 409, mentions=allowed_from_new)
        self.assertEqual(p["code"], "transition_not_allowed")
        # PATCH moves states only by "update" and "cancel": resolving has its own action.
        p = self.assertProblem(self.agent.patch(url, {"state": "resolved"}), 409,
                               mentions=allowed_from_new)
        self.assertEqual(p["code"], "transition_not_allowed")
        p = self.assertProblem(self.agent.patch(url, {"state": "closed"}), 409)
        self.assertEqual(p["code"], "transition_not_allowed")
        p = self.assertProblem(self.reopen(t["number"]), 409, mentions="linked_to")
        self.assertEqual(p["code"], "reopen_not_allowed")
        self.assertProblem(self.agent.patch(url, {"state": "solved"}), 400, "state")
        self.assertEqual(self.get(t["number"])["version"], 1, "refusals change nothing")

        cancelled = self.agent.patch(url, {"state": "cancelled"})
        self.assertEqual(cancelled.status, 200, cancelled)
        self.assertEqual(cancelled.json()["actions"], [])
        for r in (self.agent.patch(url, {"state": "in_progress"}),
                  self.agent.post(url + "/resolve", {"resolution": "x"})):
            p = self.assertProblem(r, 409, mentions="none: the ticket is final")
            self.assertEqual(p["code"], "transition_not_allowed")

        done = self.open(c["id"], "T-1")  # the cancelled one no longer blocks
        self.resolve(done["number"])
        closed = self.agent.post("/api/v1/tickets/%s/close" % done["number"])
        self.assertEqual(closed.status, 200, closed)
        self.assertEqual(closed.json()["state"], "closed")
        self.assertTrue(closed.json()["closed_at"])
        again = self.agent.post("/api/v1/tickets/%s/close" % done["number"])
        self.assertEqual(self.assertProblem(again, 409, mentions="final")["code"],
                         "transition_not_allowed")
        self.assertProblem(self.agent.post("/api/v1/tickets/%s/comments" % done["number"],
                                           {"text": "¿Sigue cerrado?"}), 409)

    def test_a_stale_version_is_refused_and_the_first_change_kept(self):
        c = new_customer(self.sup, services=services("V-1"))
        t = self.open(c["id"], "V-1")
        url = "/api/v1/tickets/" + t["number"]
        first = self.sup.patch(url, {"assigned_engineer": "Ing. Pérez"}, headers={"If-Match": '"v1"'})
        self.assertEqual(first.status, 200, first)
        self.assertEqual(first.header("ETag"), '"v2"')
        self.assertEqual(first.json()["version"], 2)
        stale = self.agent.patch(url, {"assigned_engineer": "Ing. Otro"}, headers={"If-Match": '"v1"'})
        self.assertEqual(self.assertProblem(stale, 409, mentions=t["number"])["code"],
                         "version_conflict")
        stale_body = self.agent.patch(url, {"assigned_engineer": "Ing. Otro", "version": 1})
        self.assertEqual(self.assertProblem(stale_body, 409)["code"], "version_conflict")
        stale_resolve = self.agent.post(url + "/resolve", {"resolution": "x", "version": 1})
        self.assertEqual(self.assertProblem(stale_resolve, 409)["code"], "version_conflict")
        got = self.get(t["number"])
        self.assertEqual((got["assigned_engineer"], got["state"], got["version"]),
                         ("Ing. Pérez", "new", 2))

        # Two editors holding v2 at once: exactly one wins, nothing is lost.
        results = {}
        barrier = threading.Barrier(2)

        def edit(name, client, fields):
            barrier.wait(10)
            results[name] = client.patch(url, fields, headers={"If-Match": '"v2"'})

        threads = [threading.Thread(target=edit, args=("a", self.sup, {"assigned_group": "Redes"})),
                   threading.Thread(target=edit, args=("b", self.agent, {"priority": 1}))]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        self.assertEqual(sorted(r.status for r in results.values()), [200, 409], results)
        got = self.get(t["number"])
        self.assertEqual(got["version"], 3)
        if results["a"].status == 200:
            self.assertEqual((got["assigned_group"], got["priority"]), ("Redes", t["priority"]))
        else:
            self.assertEqual((got["assigned_group"], got["priority"]), ("", 1))
        self.assertEqual([e["action"] for e in self.history(t["number"])],
                         ["ticket.open", "ticket.update", "ticket.update"])

    def test_a_patch_that_changes_nothing_keeps_the_version(self):
        # As with customers: re-sending what is there is no change, no new version,
        # and no empty entry in the history.
        c = new_customer(self.sup, services=services("V-2"))
        t = self.open(c["id"], "V-2", assigned_engineer="Ing. Pérez")
        url = "/api/v1/tickets/" + t["number"]
        same = self.sup.patch(url, {"assigned_engineer": "Ing. Pérez", "subject": t["subject"]})
        self.assertEqual(same.status, 200, same)
        self.assertEqual((same.json()["version"], same.header("ETag")), (1, '"v1"'))
        self.assertEqual([e["action"] for e in self.history(t["number"])], ["ticket.open"])

    def test_comments_sent_at_once_all_land(self):
        c = new_customer(self.sup, services=services("V-3"))
        t = self.open(c["id"], "V-3")
        url = "/api/v1/tickets/%s/comments" % t["number"]
        results = [None] * 8
        barrier = threading.Barrier(8)

        def comment(k):
            barrier.wait(10)
            results[k] = (self.sup if k % 2 else self.agent).post(url, {"text": "Comentario %d" % k})

        threads = [threading.Thread(target=comment, args=(k,)) for k in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        self.assertEqual([r.status for r in results], [201] * 8, results)
        got = self.get(t["number"])
        self.assertEqual(sorted(u["text"] for u in got["updates"]),
                         sorted("Comentario %d" % k for k in range(8)))
        self.assertEqual(got["version"], 9)

    # NM-10: blocked creation --------------------------------------------------------

    def test_an_open_ticket_blocks_a_new_one_for_the_same_service(self):
        c = new_customer(self.sup, services=services("B-1", "B-2"))
        first = self.open(c["id"], "B-1")
        r = self.agent.post("/api/v1/tickets", ticket_body(c["id"], "B-1", caller=caller("Rosa Díaz")))
        p = self.assertProblem(r, 409, mentions=[first["number"], "B-1"])
        self.assertEqual(p["code"], "blocked_by_unclosed_ticket")
        self.assertEqual(p["subject"], first["number"])
        # NM-5: the call was logged anyway.
        newest = self.calls("customer_id=%d" % c["id"])[0]
        self.assertEqual((newest["type"], newest["outcome"], newest["ticket"], newest["agent"]),
                         ("opening", "blocked_by_unclosed_ticket", first["number"], "agente"))
        self.assertEqual(newest["caller"]["name"], "Rosa Díaz")
        # Another service of the customer, or the same service id of another customer, is free.
        self.open(c["id"], "B-2")
        self.open(new_customer(self.sup, services=services("B-1"))["id"], "B-1")
        # In progress or on hold still blocks; cancelled does not.
        url = "/api/v1/tickets/" + first["number"]
        for state in ("in_progress", "on_hold"):
            self.assertEqual(self.agent.patch(url, {"state": state}).status, 200)
            r = self.agent.post("/api/v1/tickets", ticket_body(c["id"], "B-1"))
            self.assertEqual(self.assertProblem(r, 409)["subject"], first["number"])
        self.assertEqual(self.agent.patch(url, {"state": "cancelled"}).status, 200)
        self.open(c["id"], "B-1")
        self.assertEqual(self.get(first["number"])["state"], "cancelled")

    def test_a_resolved_ticket_blocks_until_the_customer_closes_it_in_the_portal(self):
        cid = self.portal_customer["id"]
        t = self.open(cid, "PA-1", caller=caller("Marta Ríos", "marta.rios@portalandino.example"))
        self.resolve(t["number"])
        r = self.agent.post("/api/v1/tickets", ticket_body(cid, "PA-1"))
        p = self.assertProblem(r, 409, mentions=[t["number"], "portal"])
        self.assertEqual((p["code"], p["subject"]), ("blocked_by_unclosed_ticket", t["number"]))
        seen = self.get(t["number"], client=self.portal)
        self.assertEqual(seen["actions"], [{"action": "close", "to": "closed"}])
        closed = self.portal.post("/api/v1/tickets/%s/close" % t["number"])
        self.assertEqual(closed.status, 200, closed)
        self.assertEqual(closed.json()["state"], "closed")
        last = closed.json()["updates"][-1]
        self.assertEqual((last["kind"], last["author"]), ("state", "portal.andino"))
        self.assertIn("portal", last["text"])
        hist = self.history(t["number"])
        self.assertEqual((hist[-1]["action"], hist[-1]["actor"]), ("ticket.close", "portal.andino"))
        self.assertEqual(changes_by_field(hist[-1])["state"], ("resolved", "closed"))
        again = self.open(cid, "PA-1")
        self.assertNotEqual(again["number"], t["number"])

    # NM-11, G-3: who sees and does what ------------------------------------------------

    def test_customer_users_see_only_their_company_and_no_work_notes(self):
        own = self.open(self.portal_customer["id"], "PA-2")
        other = self.open(self.other_customer["id"], "OC-1")
        url = "/api/v1/tickets/" + own["number"]
        self.assertEqual(self.agent.post(url + "/comments", {"text": "Nota interna: router RX-7",
                                                             "kind": "work_note"}).status, 201)
        self.assertEqual(self.agent.patch(url, {"work_note": "Nota interna: escalar a N2",
                                                "comment": "Estamos revisando su enlace"}).status,
                         200)
        staff_view = self.get(own["number"])
        self.assertEqual([u["kind"] for u in staff_view["updates"]],
                         ["work_note", "work_note", "comment"])

        # Another company's ticket does not exist for them: 404 like an unknown number.
        hidden = self.portal.get("/api/v1/tickets/" + other["number"])
        p = self.assertProblem(hidden, 404, mentions=other["number"])
        unknown = self.assertProblem(self.portal.get("/api/v1/tickets/CS7777777"), 404)
        self.assertEqual(p["code"], unknown["code"])
        self.assertEqual(p["detail"].replace(other["number"], "X"),
                         unknown["detail"].replace("CS7777777", "X"))
        for method, suffix, body in (("POST", "/close", None), ("POST", "/comments", {"text": "hola"})):
            r = self.portal.request(method, "/api/v1/tickets/%s%s" % (other["number"], suffix), body)
            self.assertProblem(r, 404, mentions=other["number"])
        self.assertEqual(self.get(other["number"])["version"], 1)

        mine = self.get(own["number"], client=self.portal)
        self.assertEqual([u["kind"] for u in mine["updates"]], ["comment"])
        self.assertNotIn("Nota interna", str(mine))
        self.assertNotIn("sla", mine)
        self.assertNotIn("assigned_group", mine)
        for query in ("", "state=all", "customer_id=%d" % self.other_customer["id"],
                      "state=all&customer_id=%d" % self.other_customer["id"]):
            with self.subTest(query=query):
                items = self.queue(query, client=self.portal)["items"]
                self.assertEqual({t["customer"]["id"] for t in items} - {self.portal_customer["id"]},
                                 set(), "only its own company's tickets")
                self.assertNotIn(other["number"], [t["number"] for t in items])
                self.assertNotIn("Nota interna", str(items))
        self.assertIn(own["number"], [t["number"] for t in self.queue(client=self.portal)["items"]])
        self.assertIn(other["number"],
                      [t["number"] for t in self.queue(client=self.portal_other)["items"]])

        # They comment on their own ticket, but write no work notes and change nothing else.
        said = self.portal.post(url + "/comments", {"text": "Seguimos sin servicio en la sede"})
        self.assertEqual(said.status, 201, said)
        self.assertEqual(said.json()["updates"][-1]["author"], "portal.andino")
        self.assertNotIn("Nota interna", said.text)
        self.assertIn("Seguimos sin servicio en la sede",
                      [u["text"] for u in self.get(own["number"])["updates"]])
        self.assertProblem(self.portal.post(url + "/comments", {"text": "x", "kind": "work_note"}), 403)
        self.assertProblem(self.portal.patch(url, {"subject": "cambiado"}), 403)
        self.assertProblem(self.portal.post(url + "/resolve", {"resolution": "x"}), 403)
        self.assertProblem(self.portal.post(url + "/reopen", {"reason": "x"}), 403)
        self.assertProblem(self.portal.get(url + "/history"), 403)
        self.assertProblem(self.portal.post("/api/v1/tickets",
                                            ticket_body(self.portal_customer["id"], "PA-3")), 403)
        self.assertProblem(self.portal.get("/api/v1/interactions"), 403)
        p = self.assertProblem(self.portal.post(url + "/close"), 409)
        self.assertEqual(p["code"], "transition_not_allowed", "only a resolved ticket closes")
        self.assertEqual(self.get(own["number"])["state"], "new")

    def test_dispatch_may_read_tickets_but_not_work_them(self):
        c = new_customer(self.sup, services=services("D-1"))
        t = self.open(c["id"], "D-1")
        url = "/api/v1/tickets/" + t["number"]
        self.assertEqual(self.dispatch.get(url).status, 200)
        # The ZB desk's dispatch does not see the NM desk's tickets.
        self.assertProblem(self.zb_dispatch.get(url), 404, mentions=t["number"])
        self.assertProblem(self.dispatch.post("/api/v1/tickets", ticket_body(c["id"], "D-2")), 403)
        self.assertProblem(self.dispatch.patch(url, {"assigned_engineer": "Ing. X"}), 403)
        self.assertProblem(self.dispatch.post(url + "/resolve", {"resolution": "x"}), 403)
        self.resolve(t["number"])
        self.assertProblem(self.dispatch.post(url + "/reopen", {"reason": "x"}), 403)
        self.assertProblem(self.dispatch.post("/api/v1/interactions", {
            "customer_id": c["id"], "caller": caller(), "type": "other"}), 403)
        got = self.get(t["number"])
        self.assertEqual((got["state"], got["version"]), ("resolved", 2))

    def test_dispatch_can_neither_close_nor_comment_on_tickets(self):
        # G-3: ticket writes are for the call takers; dispatch works notices.
        c = new_customer(self.sup, services=services("D-1"))
        t = self.open(c["id"], "D-1")
        url = "/api/v1/tickets/" + t["number"]
        self.resolve(t["number"])
        got = {
            "comment": self.dispatch.post(url + "/comments", {"text": "Visto por despacho"}).status,
            "work_note": self.dispatch.post(url + "/comments", {"text": "Interna",
                                                                "kind": "work_note"}).status,
            "close": self.dispatch.post(url + "/close").status,
        }
        self.assertEqual(got, {"comment": 403, "work_note": 403, "close": 403})
        after = self.get(t["number"])
        self.assertEqual((after["state"], after["version"]), ("resolved", 2))

    # G-1: history ------------------------------------------------------------------

    def test_history_records_every_change_with_who_when_and_what(self):
        c = new_customer(self.sup, services=services("H-1"))
        t = self.open(c["id"], "H-1", subject="Saturación del canal", category="saturation")
        url = "/api/v1/tickets/" + t["number"]
        self.assertEqual(self.sup.patch(url, {"state": "in_progress",
                                              "assigned_engineer": "Ing. Rojas"}).status, 200)
        self.resolve(t["number"], "Se amplió el canal temporalmente")
        reopened = self.sup.post(url + "/reopen", {"reason": "Vuelve a saturarse a las 10:00"})
        self.assertEqual(reopened.status, 200, reopened)
        self.assertEqual(self.agent.post(url + "/comments", {"text": "Llamamos al cliente"}).status, 201)

        items = self.history(t["number"])
        self.assertEqual([(e["action"], e["actor"]) for e in items], [
            ("ticket.open", "agente"), ("ticket.update", "supervisor"),
            ("ticket.resolve", "agente"), ("ticket.reopen", "supervisor"),
            ("ticket.comment", "agente")], "every change, oldest first")
        for e in items:
            self.assertRegex(e["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
            self.assertEqual(instant(e["at"]), instant(self.clock_start))
        opened, update, resolve, reopen, comment = items
        o = changes_by_field(opened)
        self.assertEqual(o["number"], (None, t["number"]))
        self.assertEqual(o["state"], (None, "new"))
        self.assertEqual(o["subject"], (None, "Saturación del canal"))
        u = changes_by_field(update)
        self.assertEqual(u["state"], ("new", "in_progress"))
        self.assertEqual(u["assigned_engineer"], ("", "Ing. Rojas"))
        self.assertNotIn("subject", u, "only what changed")
        r = changes_by_field(resolve)
        self.assertEqual(r["state"], ("in_progress", "resolved"))
        self.assertEqual(r["resolution"], ("", "Se amplió el canal temporalmente"))
        self.assertIsNone(r["resolved_at"][0])
        ro = changes_by_field(reopen)
        self.assertEqual(ro["state"], ("resolved", "in_progress"))
        self.assertEqual(ro["reopen_count"], (0, 1))
        self.assertEqual(ro["resolution"], ("Se amplió el canal temporalmente", ""))
        reopen_lines = [ch["after"] for ch in reopen["changes"] if ch["field"] == "updates"]
        self.assertTrue(any("Vuelve a saturarse a las 10:00" in line["text"] for line in reopen_lines),
                        reopen)
        comment_lines = [ch["after"] for ch in comment["changes"] if ch["field"] == "updates"]
        self.assertEqual([(x["kind"], x["author"], x["text"]) for x in comment_lines],
                         [("comment", "agente", "Llamamos al cliente")])

        # Append-only: later changes leave earlier entries as they were.
        self.assertEqual(self.agent.patch(url, {"priority": 1}).status, 200)
        later = self.history(t["number"])
        self.assertEqual(later[:5], items)
        self.assertEqual(changes_by_field(later[5])["priority"], (3, 1))
        self.assertEqual(self.history(t["number"], client=self.agent), later)

    # G-2: the customer's mails ---------------------------------------------------------

    def test_opened_and_resolved_mails_go_to_the_caller_else_the_customer(self):
        c = new_customer(self.sup, email="noc@mailcliente.example", services=services("M-1", "M-2"))
        t = self.open(c["id"], "M-1", subject="Caída del enlace MPLS",
                      caller=caller("Ana Gómez", "ana.gomez@mailcliente.example"))
        number = t["number"]

        def mails(ticket):
            r = self.admin.get("/api/v1/mail?ticket=" + ticket)
            self.assertEqual(r.status, 200, r)
            return sorted(r.json()["items"], key=lambda m: m["id"])

        opened = mails(number)
        self.assertEqual([(m["event"], m["to"], m["subject"]) for m in opened], [
            ("ticket.opened", ["ana.gomez@mailcliente.example"],
             "[%s] Registramos su caso: Caída del enlace MPLS" % number)])
        self.assertEqual(opened[0]["thread"], "ticket:" + number)
        self.resolve(number, "Se cambió el transceptor del nodo")
        got = mails(number)
        self.assertEqual([(m["event"], m["to"], m["subject"]) for m in got[1:]], [
            ("ticket.resolved", ["ana.gomez@mailcliente.example"],
             "[%s] Caso resuelto: Caída del enlace MPLS" % number)])
        body = self.admin.get("/api/v1/mail/%d" % got[1]["id"]).json()["text"]
        self.assertIn(number, body)
        self.assertIn("Se cambió el transceptor del nodo", body)
        self.assertIn("7 días", body)

        no_email = self.open(c["id"], "M-2", caller=caller("Pedro Sin Correo"))
        self.assertEqual([(m["event"], m["to"]) for m in mails(no_email["number"])],
                         [("ticket.opened", ["noc@mailcliente.example"])])
        nobody = self.open(new_customer(self.sup, services=services("M-3"))["id"], "M-3")
        self.assertEqual(mails(nobody["number"]), [], "no address, no mail")
        self.assertEqual(self.sup.get("/api/v1/mail?ticket=" + number).status, 200)
        self.assertProblem(self.agent.get("/api/v1/mail?ticket=" + number), 403)

    # Input -------------------------------------------------------------------------

    def test_bad_openings_are_400_naming_the_field_and_write_nothing(self):
        c = new_customer(self.sup, services=services("X-1"))
        other_ticket = self.open(self.other_customer["id"], "OC-2")
        cases = [
            ({"kind": "problem"}, "kind"),
            ({"category": "flood"}, "category"),
            ({"kind": "requirement", "category": "outage"}, "category"),
            ({"service_id": None}, "service_id"),
            ({"service_id": "X-9"}, "service_id"),
            ({"subject": "  "}, "subject"),
            ({"caller": {"phone": "+57 1"}}, "caller.name"),
            ({"caller": {"name": "Ana", "email": "no es correo"}}, "caller.email"),
            ({"caller": {"name": "Ana", "age": 3}}, "caller.age"),
            ({"customer_id": 987654}, "customer_id"),
            ({"customer_id": "diez"}, "customer_id"),
            ({"priority": 7}, "priority"),
            ({"linked_to": "RITM0000001"}, "linked_to"),
            ({"linked_to": other_ticket["number"]}, "linked_to"),
            ({"linked_to": "nada"}, "linked_to"),
            ({"colour": "red"}, "colour"),
        ]
        for change, field in cases:
            with self.subTest(field=field, change=change):
                body = ticket_body(c["id"], "X-1")
                body.update(change)
                body = {k: v for k, v in body.items() if v is not None}
                self.assertProblem(self.agent.post("/api/v1/tickets", body), 400, field)
        no_caller = ticket_body(c["id"], "X-1")
        del no_caller["caller"]
        self.assertProblem(self.agent.post("/api/v1/tickets", no_caller), 400, "caller")
        self.assertProblem(self.agent.post("/api/v1/tickets", ticket_body(c["id"], "X-9")), 400,
                           "service_id", mentions="X-1")
        self.assertEqual(self.queue("customer_id=%d&state=all" % c["id"])["items"], [])
        self.assertEqual(self.calls("customer_id=%d" % c["id"]), [])
        self.open(c["id"], "X-1")

    def test_comment_kinds(self):
        c = new_customer(self.sup, services=services("K-1"))
        url = "/api/v1/tickets/" + self.open(c["id"], "K-1")["number"]
        r = self.agent.post(url + "/comments", {"text": "Se contactó al cliente"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["updates"][-1]["kind"], "comment")
        self.assertProblem(self.agent.post(url + "/comments", {"text": "x", "kind": "memo"}), 400, "kind")
        self.assertProblem(self.agent.post(url + "/comments", {"text": " "}), 400, "text")
        self.assertProblem(self.agent.post(url + "/comments", {}), 400, "text")


# --- NM-4: the queue ----------------------------------------------------------------

class QueueTest(TicketCase):
    """A fresh server: the queue holds exactly the tickets opened here."""

    clock_start = "2026-05-04T14:00:00Z"  # Monday 09:00 in Bogotá, within working hours

    @classmethod
    def prepare(cls):
        cls.critical = new_customer(cls.sup, "Banco Prioritario S.A.", criticality="Prioritario",
                                    services=services("Q-C1", "Q-C2"))
        cls.normal = new_customer(cls.sup, "Comercializadora Normal S.A.S.",
                                  services=services("Q-N1", "Q-N2", "Q-N3"))

    def test_critical_first_then_next_due_time_and_the_breached_filter(self):
        self.set_clock(self.clock_start)
        # Opened in an order unlike the queue's. Default priorities (NM-4): a
        # critical customer ranks one higher. Targets: P1 15 min around the
        # clock, P2 30 min, P3 2 h, P4 8 h of working time (mon-fri 08-18 local).
        n3 = self.open(self.normal["id"], kind="requirement", category="change")    # P4 → 17:00
        n1 = self.open(self.normal["id"], "Q-N1", category="degradation")           # P3 → 11:00
        c1 = self.open(self.critical["id"], kind="requirement", category="rfo")     # P3 → 11:00
        n2 = self.open(self.normal["id"], "Q-N2", category="outage")                # P2 → 09:30
        c2 = self.open(self.critical["id"], "Q-C1", category="outage")              # P1 → 09:15
        self.assertEqual([t["priority"] for t in (c2, c1, n2, n1, n3)], [1, 3, 2, 3, 4])
        self.assertEqual([t["customer"]["critical"] for t in (c2, c1, n2, n1, n3)],
                         [True, True, False, False, False])
        expected_due = {c2["number"]: "2026-05-04T14:15:00Z", c1["number"]: "2026-05-04T16:00:00Z",
                        n2["number"]: "2026-05-04T14:30:00Z", n1["number"]: "2026-05-04T16:00:00Z",
                        n3["number"]: "2026-05-04T22:00:00Z"}
        for t in (c2, c1, n2, n1, n3):
            self.assertEqual(instant(t["sla"]["response_due"]), instant(expected_due[t["number"]]),
                             t["number"])
        order = [c2["number"], c1["number"], n2["number"], n1["number"], n3["number"]]
        q = self.queue()
        self.assertEqual([t["number"] for t in q["items"]], order)
        self.assertEqual(q["count"], 5)
        self.assertIsNone(q["next_offset"])
        page1, page2 = self.queue("limit=2"), self.queue("limit=2&offset=2")
        self.assertEqual([t["number"] for t in page1["items"]], order[:2])
        self.assertEqual(page1["next_offset"], 2)
        self.assertEqual([t["number"] for t in page2["items"]], order[2:4])

        # Filters.
        self.assertEqual([t["number"] for t in self.queue("kind=requirement")["items"]],
                         [c1["number"], n3["number"]])
        self.assertEqual([t["number"] for t in self.queue("customer_id=%d" % self.normal["id"])["items"]],
                         [n2["number"], n1["number"], n3["number"]])
        self.assertEqual(self.agent.patch("/api/v1/tickets/" + n1["number"], {
            "assigned_group": "Redes Bogotá", "assigned_engineer": "ing.rojas"}).status, 200)
        self.assertEqual([t["number"] for t in self.queue("group=Redes%20Bogot%C3%A1")["items"]],
                         [n1["number"]])
        self.assertEqual([t["number"] for t in self.queue("engineer=ing.rojas")["items"]],
                         [n1["number"]])

        # Breaches, as the clock moves.
        self.assertEqual(self.queue("breached=true")["items"], [])
        self.advance("PT20M")  # 09:20
        late = self.queue("breached=true")["items"]
        self.assertEqual([t["number"] for t in late], [c2["number"]])
        self.assertTrue(late[0]["sla"]["response_breached"])
        self.assertEqual([t["number"] for t in self.queue("breached=false")["items"]], order)
        self.advance("PT15M")  # 09:35
        self.assertEqual([t["number"] for t in self.queue("breached=true")["items"]],
                         [c2["number"], n2["number"]])
        # Responding moves a ticket on to its resolution target (P2: 8 working hours).
        self.assertEqual(self.agent.patch("/api/v1/tickets/" + n2["number"],
                                          {"state": "in_progress"}).status, 200)
        self.assertEqual([t["number"] for t in self.queue("breached=true")["items"]], [c2["number"]])
        self.assertTrue(self.get(n2["number"])["sla"]["response_breached"],
                        "it was answered late, and that stays on record")

        # Resolved tickets leave the working queue; state=all shows them.
        self.resolve(c2["number"])
        self.assertNotIn(c2["number"], [t["number"] for t in self.queue()["items"]])
        self.assertIn(c2["number"], [t["number"] for t in self.queue("state=all")["items"]])
        self.assertEqual([t["number"] for t in self.queue("state=resolved")["items"]], [c2["number"]])

    def test_bad_queue_parameters(self):
        self.assertProblem(self.agent.get("/api/v1/tickets?state=solved"), 400, "state")
        self.assertProblem(self.agent.get("/api/v1/tickets?kind=problem"), 400, "kind")
        self.assertProblem(self.agent.get("/api/v1/tickets?limit=0"), 400, "limit")
        self.assertProblem(self.agent.get("/api/v1/tickets?limit=501"), 400, "limit")
        self.assertProblem(self.agent.get("/api/v1/tickets?customer_id=abc"), 400, "customer_id")


# --- The CLI --------------------------------------------------------------------------

class CliTest(h.TestCase):
    """`atiende ticket …` on the data directory of a running server."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, desk=h.NM_DESK)
        try:
            cls.server.start()
            cls.agent = cls.server.login(h.NM_USERS["agent"])
            cls.yupi = h.search(cls.agent, "productos yupi").json()["items"][0]["id"]
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def ok(self, args):
        r = self.server.cli(["ticket"] + args)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.stderr.strip(), "", r)
        return r.stdout

    def fails(self, args, code, *mentions):
        r = self.server.cli(["ticket"] + args)
        self.assertEqual(r.code, code, r)
        self.assertEqual(r.stdout, "", r)
        self.assertTrue(r.stderr.startswith("atiende: "), r)
        for m in mentions:
            self.assertIn(m, r.stderr, r)
        return r

    def test_open_show_resolve_reopen_close_round_trip(self):
        # Reopening needs the same local day in Bogotá (UTC-5): keep clear of midnight.
        bogota = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=5)
        if bogota.hour == 23 and bogota.minute >= 58:
            time.sleep((60 - bogota.minute) * 60 - bogota.second + 2)
        out = self.ok(["open", "--customer", str(self.yupi), "--service", "SID-500120",
                       "--category", "degradation", "--subject", "Lentitud en la planta Cali",
                       "--caller-name", "Jorge Páez", "--caller-email", "jorge.paez@yupi.example",
                       "--as", "maria"])
        first = out.splitlines()[0].split()
        number = first[0]
        self.assertRegex(number, r"^CS\d{7}$")
        self.assertEqual(first[1], "new")
        self.assertIn("Lentitud en la planta Cali", out)
        self.assertIn("SID-500120", out)
        self.assertIn("CIR-CAL-0712", out)
        # The server sees what the CLI wrote.
        t = self.agent.get("/api/v1/tickets/" + number).json()
        self.assertEqual((t["state"], t["caller"]["email"], t["customer"]["id"]),
                         ("new", "jorge.paez@yupi.example", self.yupi))
        self.assertEqual(self.agent.get("/api/v1/interactions?ticket=" + number).json()["items"][0]["agent"],
                         "maria")
        shown = self.ok(["show", number.lower(), "--desk", h.NM_DESK])
        self.assertEqual(shown.splitlines()[0].split()[:2], [number, "new"])
        as_json = json.loads(self.ok(["show", number, "--json", "--desk", h.NM_DESK]))
        self.assertEqual((as_json["number"], as_json["state"]), (number, "new"))

        # Numbers are per desk: with two desks, the CLI asks which.
        self.fails(["show", number], 65, "--desk", h.NM_DESK, h.ZB_DESK)
        self.fails(["show", number, "--desk", "marte"], 65, "marte")
        out = self.ok(["resolve", number, "--resolution", "Se reemplazó el switch", "--as", "maria",
                       "--desk", h.NM_DESK])
        self.assertEqual(out.splitlines()[0].split()[:2], [number, "resolved"])
        self.assertIn("Se reemplazó el switch", out)
        out = self.ok(["reopen", number, "--reason", "Sigue lento", "--desk", h.NM_DESK])
        self.assertEqual(out.splitlines()[0].split()[:2], [number, "in_progress"])
        self.fails(["close", number, "--desk", h.NM_DESK], 73, "in_progress", "resolved (resolve)")
        self.ok(["resolve", number, "--resolution", "Se ajustó el QoS", "--desk", h.NM_DESK])
        out = self.ok(["close", number, "--desk", h.NM_DESK])
        self.assertEqual(out.splitlines()[0].split()[:2], [number, "closed"])
        sup = self.server.login(h.NM_USERS["supervisor"])
        hist = sup.get("/api/v1/tickets/%s/history" % number).json()["items"]
        self.assertEqual([(e["action"], e["actor"]) for e in hist], [
            ("ticket.open", "maria"), ("ticket.resolve", "maria"), ("ticket.reopen", "cli"),
            ("ticket.resolve", "cli"), ("ticket.close", "cli")])
        self.assertEqual(self.agent.get("/api/v1/tickets/" + number).json()["state"], "closed")

    def test_errors_exit_non_zero_with_a_message(self):
        self.fails(["show", "CS9999999", "--desk", h.NM_DESK], 66, "CS9999999")
        self.fails(["open", "--customer", str(self.yupi), "--category", "outage",
                    "--subject", "Sin servicio", "--caller-name", "Ana"], 65, "service_id")
        self.fails(["open", "--customer", "987654", "--service", "S", "--category", "outage",
                    "--subject", "Sin servicio", "--caller-name", "Ana"], 65, "customer_id")
        self.fails(["open", "--kind", "problem", "--customer", str(self.yupi), "--category", "outage",
                    "--subject", "x", "--caller-name", "Ana"], 65, "--kind")
        r = self.server.cli(["ticket", "reopen", "CS9999999"])
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("--reason", r.stderr + r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
