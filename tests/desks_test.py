"""Desks (issue 14) on real servers: two client desks in one installation.

- Isolation, on SQLite and on PostgreSQL: for every desk-bound route of the
  route table, a user of one desk asking for the other desk's records gets
  404 (or a list without them), never the record; naming the other desk with
  `?desk=` is 404 too; the live-updates stream of one desk carries nothing of
  the other.
- Numbering per desk: both desks have a CS0000001, each finds its own.
- Time per desk, at an instant when Bogotá's and Santiago's dates differ: the
  NM desk's same-day reopen (NM-9) on Bogotá's day, the ZB desk's visit day
  (ZB-3) on Santiago's date, each desk's mail in its own zone.
- Bad input: an unknown desk, a user of several desks naming none, a user of
  no desk, a customer moved between desks — clear errors, nothing written.

The demo seed gives the two desks (h.NM_DESK, Bogotá; h.ZB_DESK, Santiago).
"""

import itertools
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from events_test import EventReader  # noqa: E402
from postgres_nodes_test import fresh_database, shared_server_url  # noqa: E402

PASSWORD = "desk-password-1"
DESKS = (h.NM_DESK, h.ZB_DESK)
SHORT = {h.NM_DESK: "nm", h.ZB_DESK: "zb"}
_codes = itertools.count(1)


def other(desk):
    return h.ZB_DESK if desk == h.NM_DESK else h.NM_DESK


def caller():
    return {"name": "Ana Gómez", "phone": "+57 300 555 0101"}


class IsolationCase(h.TestCase):
    """A demo-seeded server with records in both desks and, per desk, an admin
    and an agent who work in that desk only."""

    database_url = None  # PostgreSQL: set by the subclass

    @classmethod
    def setUpClass(cls):
        env = {}
        if cls.use_postgres:
            cls.database_url = fresh_database(shared_server_url())
            env = {"ATIENDE_DATABASE_URL": cls.database_url}
            r = h.cli(["demo", "seed", "--dir", h.DEMO_DIR], env=env)
            if r.code != 0:
                raise AssertionError("demo seed failed: %r" % r)
            cls.server = h.Server(env=env)
        else:
            cls.server = h.Server(seed=True)
        try:
            for desk in DESKS:
                for role in ("admin", "agent"):
                    name = "%s.%s" % (role, SHORT[desk])
                    r = h.cli(["user", "add", name, "--role", role, "--desk", desk,
                               "--password-stdin"], data_dir=cls.server.data_dir,
                              stdin=PASSWORD + "\n", env=env or None)
                    if r.code != 0:
                        raise AssertionError(r)
            cls.server.start()
            cls.admin = {k: cls.server.login("admin." + SHORT[k], PASSWORD) for k in DESKS}
            cls.agent = {k: cls.server.login("agent." + SHORT[k], PASSWORD) for k in DESKS}
            cls.records = {k: cls.make_records(k) for k in DESKS}
        except BaseException:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    @classmethod
    def make_records(cls, desk):
        """One of everything in desk; returns what identifies it."""
        a = cls.admin[desk]
        n = next(_codes)
        body = {"code": "77%04d" % n, "legal_name": "Aislada %s %d Ltda." % (SHORT[desk].upper(), n),
                "email": "aislada%d@cliente.example" % n, "group": "GRUPO AISLADO",
                "services": [{"service_id": "AIS-%d" % n, "circuit": "CIR-%d" % n},
                             {"service_id": "AIS-%db" % n, "circuit": "CIR-%db" % n}]}
        if desk == h.ZB_DESK:
            body.update({"segment": "granel", "region": "Metropolitana", "blocks": ["ZB"]})
        r = a.post("/api/v1/customers", body)
        assert r.status == 201, r
        customer = r.json()
        rec = {"customer": customer, "name": customer["legal_name"]}
        # Each desk has a CS0000001; the number only this desk has: NM's
        # second incident, ZB's requirement.
        for kind, category, service in (("incident", "outage", "AIS-%d" % n),
                                        ("incident", "degradation", "AIS-%db" % n)
                                        if desk == h.NM_DESK
                                        else ("requirement", "change", "AIS-%db" % n)):
            r = a.post("/api/v1/tickets", {"kind": kind, "category": category,
                                           "customer_id": customer["id"],
                                           "service_id": service, "subject": "Sin servicio",
                                           "caller": caller()})
            assert r.status == 201, r
        rec["ticket"] = r.json()["number"]
        r = a.post("/api/v1/interactions", {"customer_id": customer["id"], "type": "other",
                                            "caller": caller(), "notes": "Llamada aislada"})
        assert r.status == 201, r
        rec["call"] = r.json()["id"]
        if desk == h.ZB_DESK:
            r = a.post("/api/v1/cases", {"procedure": "zb-unblock", "customer_id": customer["id"],
                                         "intake": {"caller": "María Soto",
                                                    "phones": ["+56 9 5555 1212"],
                                                    "comment": "Pide desbloqueo"}})
            assert r.status == 201, r
            rec["case"] = r.json()["number"]
            r = a.post("/api/v1/notices", {"customer_id": customer["id"],
                                           "visit_day": "2099-01-05",
                                           "location_ref": "Parcela 12", "phone_1": "9 6123 4567",
                                           "phone_2": "(2) 2345-6789"})
            assert r.status == 201, r
            rec["notice"] = r.json()["number"]
        # A missed call, posted by the desk's phone system (docs/telephony.md).
        r = a.post("/api/v1/telephony/tokens", {"desk": desk})
        assert r.status == 201, r
        pbx = cls.server.client(token=r.json()["token"])
        for event in ({"event": "new_call", "call_id": "pbx-1", "from": "+56 9 8765 4321",
                       "to": "600", "direction": "in"},
                      {"event": "hangup", "call_id": "pbx-1", "cause": "no_answer"}):
            r = pbx.post("/api/v1/telephony/events", event)
            assert r.status == 200, r
        rec["telephony_call"] = r.json()["call"]["id"]
        r = a.get("/api/v1/mail?limit=100")
        assert r.status == 200, r
        rec["mail"] = [m["id"] for m in r.json()["items"]]
        assert rec["mail"], "no mail queued in %s" % desk
        return rec

    # --- the matrix ----------------------------------------------------------

    def target(self, route, owner):
        """The path of `route` aimed at `owner`'s records; None where the owner
        has no such record (the NM desk runs no cases or notices)."""
        rec = self.records[owner]
        path = route["path"]
        if "{id}" in path and path.startswith("/api/v1/customers"):
            path = path.replace("{id}", str(rec["customer"]["id"]))
        elif "{id}" in path and path.startswith("/api/v1/mail"):
            path = path.replace("{id}", str(rec["mail"][0]))
        elif "{id}" in path and path.startswith("/api/v1/telephony/calls"):
            path = path.replace("{id}", str(rec["telephony_call"]))
        elif "{id}" in path and path.startswith("/api/v1/desks"):
            path = path.replace("{id}", owner)
        elif "{number}" in path and path.startswith("/api/v1/tickets"):
            path = path.replace("{number}", rec["ticket"])
        elif "{number}" in path and path.startswith("/api/v1/notices"):
            if "notice" not in rec:
                return None
            path = path.replace("{number}", rec["notice"])
        elif "{number}" in path and path.startswith("/api/v1/cases"):
            if "case" not in rec:
                return None
            path = path.replace("{number}", rec["case"]).replace("{step}", "contact")
        elif "{list}" in path:
            path = path.replace("{list}", "mesa_clientes")
        elif "{extension}" in path:
            path = path.replace("{extension}", "201")
        elif "{name}" in path and path.startswith("/api/v1/reports"):
            path = path.replace("{name}", "tickets")
        elif path == "/api/v1/phones/format":
            path += "?number=" + "9%206123%204567"
        return path

    def body_for(self, route, owner):
        """A body that would be accepted in the owner's desk, naming its records."""
        rec = self.records[owner]
        cid = rec["customer"]["id"]
        p, m = route["path"], route["method"]
        if p == "/api/v1/tickets" and m == "POST":
            return {"kind": "incident", "category": "outage", "customer_id": cid,
                    "service_id": rec["customer"]["services"][0]["service_id"],
                    "subject": "Otra caída", "caller": caller()}
        if p == "/api/v1/interactions" and m == "POST":
            return {"customer_id": cid, "type": "follow_up", "ticket": rec["ticket"],
                    "caller": caller()}
        if p == "/api/v1/notices" and m == "POST":
            return {"customer_id": cid, "visit_day": "2099-01-06", "location_ref": "x",
                    "phone_1": "9 6123 4567", "phone_2": "(2) 2345-6789"}
        if p == "/api/v1/cases" and m == "POST":
            return {"procedure": "zb-unblock", "customer_id": cid,
                    "intake": {"caller": "M", "phones": ["+56 9 5555 1212"], "comment": "x"}}
        if p.endswith("/contacts"):
            return {"contacts": [{"name": "Intruso", "role": "TI", "phone": "1", "email": ""}],
                    "caller": caller()}
        if p.startswith("/api/v1/directory/"):
            return {"addresses": ["intruso@otra.example"]}
        if m == "PATCH" and p.startswith("/api/v1/customers"):
            return {"legal_name": "Intrusa S.A."}
        if m == "PATCH" and p.startswith("/api/v1/tickets"):
            return {"subject": "Intruso"}
        if m == "PATCH" and p.startswith("/api/v1/notices"):
            return {"observations": "Intruso"}
        if m == "PATCH" and p.startswith("/api/v1/desks"):
            return {"name": "Intrusa"}
        if p.endswith("/resolve"):
            return {"resolution": "Intruso"}
        if p.endswith("/reopen"):
            return {"reason": "Intruso"}
        if p.endswith("/comments"):
            return {"text": "Intruso"}
        if p.endswith("/close"):
            return {"outcome": "apta"} if "/notices/" in p else {}
        if "/steps/" in p:
            return {"outcome": "contacted"}
        return {} if m in ("POST", "PUT", "PATCH") else None

    def owner_state(self, owner):
        """What the owner's desk holds, as its own admin sees it: every read
        the matrix's writes could have changed."""
        a = self.admin[owner]
        rec = self.records[owner]
        out = {}
        for path in ("/api/v1/customers/%d" % rec["customer"]["id"],
                     "/api/v1/tickets/" + rec["ticket"],
                     "/api/v1/tickets?limit=500", "/api/v1/interactions?limit=500",
                     "/api/v1/cases?limit=500", "/api/v1/notices?limit=500",
                     "/api/v1/mail?limit=200", "/api/v1/directory",
                     "/api/v1/desks/" + owner, "/api/v1/telephony/missed?limit=500",
                     "/api/v1/telephony/calls/%d" % rec["telephony_call"]):
            r = a.get(path)
            self.assertIn(r.status, (200, 403), (path, r))
            out[path] = r.text
        return out

    def test_every_route_hides_the_other_desks_records(self):
        """A user of desk X on desk O's records: 404 or a list without them."""
        tried = 0
        for owner in DESKS:
            x = other(owner)
            before = self.owner_state(owner)
            rec = self.records[owner]
            for route in h.routes():
                if route["public"] or route["virtual_clock_only"]:
                    continue
                path = self.target(route, owner)
                if path is None:
                    continue
                if route["any_desk"] and "/desks" not in path:
                    continue  # session, users, tokens: not desk data
                client = self.admin[x]
                with self.subTest(owner=owner, method=route["method"], path=route["path"]):
                    tried += 1
                    if route["path"] == "/api/v1/events":
                        continue  # the stream: test_the_stream_carries_nothing_of_the_other_desk
                    body = self.body_for(route, owner)
                    r = client.request(route["method"], path, body)
                    if any(k in route["path"] for k in ("{list}", "{extension}", "{name}")):
                        # Lists, extensions and reports are per desk: this names the
                        # caller's own of that name (owner_state checks the owner's
                        # records are untouched; no marker of the owner's may show).
                        if route["method"] == "GET" and r.status == 200:
                            for marker in [rec["name"], rec["ticket"]]:
                                self.assertNotIn(marker, r.text, (path, marker))
                        self.assertLess(r.status, 500, r)
                        continue
                    if "{" in route["path"]:
                        self.assertProblem(r, 404)
                        continue
                    if route["method"] == "POST" and body and "customer_id" in body:
                        # A customer of another desk is answered exactly as a missing one.
                        missing = client.request("POST", path, dict(body, customer_id=999999999))
                        self.assertGreaterEqual(r.status, 400, r)
                        self.assertEqual((r.status, r.json().get("code"), r.json().get("field")),
                                         (missing.status, missing.json().get("code"),
                                          missing.json().get("field")), r)
                        continue
                    self.assertLess(r.status, 500, r)
                    if route["method"] == "GET":
                        self.assertEqual(r.status, 200, r)
                        for marker in [rec["name"], rec["ticket"], rec.get("case"),
                                       rec.get("notice"), rec["customer"]["email"]]:
                            if marker:
                                self.assertNotIn(marker, r.text, (path, marker))
            self.assertEqual(self.owner_state(owner), before,
                             "desk %s changed under the other desk's requests" % owner)
        self.assertGreater(tried, 30)

    def test_naming_the_other_desk_is_404(self):
        for k in DESKS:
            for path in ("/api/v1/customers", "/api/v1/tickets", "/api/v1/session",
                         "/api/v1/customers/%d" % self.records[other(k)]["customer"]["id"]):
                with self.subTest(desk=k, path=path):
                    sep = "&" if "?" in path else "?"
                    self.assertProblem(self.agent[k].get(path + sep + "desk=" + other(k)), 404)
            self.assertProblem(self.agent[k].get("/api/v1/customers?desk=no-such-desk"), 404,
                               mentions="no-such-desk")

    def test_search_as_you_type_finds_only_the_desks_customers(self):
        for k in DESKS:
            r = h.search(self.agent[k], "Aislada")
            self.assertEqual(r.status, 200, r)
            names = [c["legal_name"] for c in r.json()["items"]]
            self.assertIn(self.records[k]["name"], names)
            self.assertNotIn(self.records[other(k)]["name"], names)

    def test_search_from_memory_finds_only_the_desks_customers(self):
        # Once the server answers from its in-memory index (it logs
        # search.memory_loaded), every kind of query stays in its desk: a
        # word, a prefix, a typo, the group both desks' customers share, and
        # the tax-id-like code, the other desk's as well.
        deadline = time.monotonic() + 30
        while "search.memory_loaded" not in self.server.log_text(since_start=True):
            self.assertLess(time.monotonic(), deadline, self.server.log_text()[-3000:])
            time.sleep(0.05)
        for k in DESKS:
            mine, theirs = self.records[k]["customer"], self.records[other(k)]["customer"]
            for q in ("Aislada", "aisl", "aislda", "grupo aislado", mine["code"], theirs["code"],
                      theirs["legal_name"]):
                with self.subTest(desk=k, q=q):
                    r = h.search(self.agent[k], q)
                    self.assertEqual(r.status, 200, r)
                    ids = [c["id"] for c in r.json()["items"]]
                    self.assertNotIn(theirs["id"], ids)
                    if q != theirs["code"] and q != theirs["legal_name"]:
                        self.assertIn(mine["id"], ids)

    def test_an_import_in_one_desk_leaves_the_other_desks_customer_alone(self):
        theirs = self.records[h.NM_DESK]["customer"]
        tsv = "CODIGO\tCLIENTES\n%s\tImportada en ZB S.A.\n" % theirs["code"]
        r = self.admin[h.ZB_DESK].post("/api/v1/customers/import", tsv.encode(),
                                       content_type="text/tab-separated-values")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["created"], 1, r)
        mine = self.admin[h.NM_DESK].get("/api/v1/customers/%d" % theirs["id"]).json()
        self.assertEqual(mine["legal_name"], theirs["legal_name"])
        found = h.search(self.agent[h.ZB_DESK], "Importada en ZB").json()["items"]
        self.assertEqual([c["code"] for c in found], [theirs["code"]])
        self.assertNotEqual(found[0]["id"], theirs["id"])

    def test_the_stream_carries_nothing_of_the_other_desk(self):
        mine, theirs = self.records[h.ZB_DESK], self.records[h.NM_DESK]
        stream = EventReader(self.admin[h.ZB_DESK])
        try:
            self.assertEqual(stream.resp.status, 200)
            # The other desk's changes first, then this desk's: once this desk's
            # arrives, the other's would have too.
            r = self.admin[h.NM_DESK].post("/api/v1/customers", {"legal_name": "Nueva NM S.A."})
            self.assertEqual(r.status, 201, r)
            new_theirs = r.json()["id"]
            r = self.admin[h.NM_DESK].patch("/api/v1/customers/%d" % theirs["customer"]["id"],
                                            {"phone": "+57 1 555 0000"})
            self.assertEqual(r.status, 200, r)
            r = self.admin[h.ZB_DESK].patch("/api/v1/customers/%d" % mine["customer"]["id"],
                                            {"phone": "+56 2 2555 0000"})
            self.assertEqual(r.status, 200, r)
            heard = []
            while ("customer", str(mine["customer"]["id"])) not in heard:
                d = stream.next().get("data", {})
                if isinstance(d, dict) and "entity" in d:
                    heard.append((d["entity"], str(d.get("id"))))
                    self.assertNotIn("Nueva NM", json.dumps(d))
            self.assertNotIn(("customer", str(theirs["customer"]["id"])), heard)
            self.assertNotIn(("customer", str(new_theirs)), heard)
        finally:
            stream.close()


class SqliteIsolationTest(IsolationCase):
    use_postgres = False


class PostgresIsolationTest(IsolationCase):
    use_postgres = True


del IsolationCase  # the two above run it, each on its backend


class SeededCase(h.TestCase):
    """A server with the demo's two desks, one per class."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)


class NumberingTest(SeededCase):
    """Each desk numbers its own records: both have a CS0000001."""

    def test_both_desks_have_a_cs0000001_and_each_finds_its_own(self):
        opened = {}
        for k in DESKS:
            a = self.server.login("admin", desk=k)
            r = a.post("/api/v1/customers", {"legal_name": "Numerada %s S.A." % SHORT[k].upper()})
            self.assertEqual(r.status, 201, r)
            cid = r.json()["id"]
            r = a.post("/api/v1/tickets", {"kind": "incident", "category": "outage",
                                           "customer_id": cid, "service_id": "N-1",
                                           "subject": "Caída", "caller": caller()})
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json()["number"], "CS0000001")
            opened[k] = cid
        for k in DESKS:
            r = self.server.login("supervisor", desk=k).get("/api/v1/tickets/CS0000001")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["customer"]["id"], opened[k])


class DeskTimeTest(h.TestCase):
    """At 04:00 UTC on 2026-03-10 it is 23:00 of the 9th in Bogotá (UTC-5) and
    01:00 of the 10th in Santiago (UTC-3, summer time): the two desks live on
    different dates."""

    clock_start = "2026-03-10T02:50:00Z"  # 21:50 (9th) Bogotá, 23:50 (9th) Santiago

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, virtual_clock=True, clock_start=cls.clock_start)
        cls.server.start()
        cls.nm = cls.server.login("agente")
        cls.zb = cls.server.login("agente.zb")
        cls.nm_admin = cls.server.login("admin", desk=h.NM_DESK)
        cls.zb_admin = cls.server.login("admin", desk=h.ZB_DESK)
        cls.dispatch = cls.server.login("despacho")

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def set_clock(self, when):
        r = self.nm_admin.post("/api/v1/clock", {"now": when})
        self.assertEqual(r.status, 200, r)

    def mail_text(self, admin, subject_part):
        r = admin.get("/api/v1/mail?limit=100")
        self.assertEqual(r.status, 200, r)
        for m in r.json()["items"]:
            if subject_part in m["subject"]:
                return admin.get("/api/v1/mail/%d" % m["id"]).json()["text"]
        raise AssertionError("no mail with %r" % subject_part)

    def test_each_desk_lives_on_its_own_date(self):
        self.set_clock(self.clock_start)
        # NM: a ticket resolved at 21:50 Bogotá.
        r = self.nm_admin.post("/api/v1/customers", {"legal_name": "Reabre Bogotá S.A.S.",
                                                    "email": "noc@reabre.example"})
        self.assertEqual(r.status, 201, r)
        cid = r.json()["id"]
        r = self.nm.post("/api/v1/tickets", {"kind": "incident", "category": "outage",
                                             "customer_id": cid, "service_id": "RB-1",
                                             "subject": "Caída", "caller": caller()})
        self.assertEqual(r.status, 201, r)
        number = r.json()["number"]
        r = self.nm.post("/api/v1/tickets/%s/resolve" % number, {"resolution": "Reiniciado"})
        self.assertEqual(r.status, 200, r)
        # ZB: an intake at 23:50 Santiago; its mail says Santiago's time.
        r = self.zb_admin.post("/api/v1/customers", {"legal_name": "Granel Horario Ltda.",
                                                    "segment": "granel", "region": "Metropolitana",
                                                    "blocks": ["ZB"]})
        self.assertEqual(r.status, 201, r)
        zb_customer = r.json()["id"]
        r = self.zb.post("/api/v1/cases", {"procedure": "zb-unblock", "customer_id": zb_customer,
                                           "intake": {"caller": "María", "comment": "Desbloqueo",
                                                      "phones": ["+56 9 5555 1212"]}})
        self.assertEqual(r.status, 201, r)
        case = r.json()["number"]
        text = self.mail_text(self.zb_admin, case)
        self.assertIn("09-03-2026 23:50", text)
        self.assertIn("America/Santiago", text)
        self.assertNotIn("America/Bogota", text)
        text = self.mail_text(self.nm_admin, number)
        self.assertIn("09-03-2026 21:50", text)
        self.assertIn("America/Bogota", text)

        self.set_clock("2026-03-10T04:00:00Z")
        # Bogotá is still on the 9th: the same-day reopen holds (Santiago's
        # date, the 10th, would refuse it).
        r = self.nm.post("/api/v1/tickets/%s/reopen" % number, {"reason": "Sigue caído"})
        self.assertEqual(r.status, 200, r)
        # Santiago is on the 10th: a visit on the 9th is past, on the 10th it is today.
        body = {"customer_id": zb_customer, "location_ref": "Parcela 3",
                "phone_1": "9 6123 4567", "phone_2": "(2) 2345-6789"}
        r = self.dispatch.post("/api/v1/notices", dict(body, visit_day="2026-03-09"))
        self.assertProblem(r, 400, "visit_day")
        r = self.dispatch.post("/api/v1/notices", dict(body, visit_day="2026-03-10"))
        self.assertEqual(r.status, 201, r)


class BadInputTest(SeededCase):
    def test_a_user_of_several_desks_must_name_one(self):
        sup = self.server.login("supervisor")
        p = self.assertProblem(sup.get("/api/v1/tickets"), 400, "desk",
                               [h.NM_DESK, h.ZB_DESK])
        self.assertEqual(p["code"], "desk_required")
        # Nothing is written without a desk either.
        before = h.customer_count(self.server.login("admin", desk=h.NM_DESK))
        self.assertProblem(sup.post("/api/v1/customers", {"legal_name": "Sin Mesa S.A."}), 400,
                           "desk")
        self.assertEqual(h.customer_count(self.server.login("admin", desk=h.NM_DESK)), before)

    def test_an_unknown_desk_is_404(self):
        for who in ("admin", "agente"):
            self.assertProblem(self.server.login(who).get("/api/v1/tickets?desk=marte"), 404,
                               mentions="marte")

    def test_a_user_of_no_desk(self):
        r = self.server.cli(["user", "add", "nadie", "--role", "agent", "--password-stdin"],
                            stdin=PASSWORD + "\n")
        self.assertNotEqual(r.code, 0)
        self.assertIn("desk", r.stderr)
        self.assertIn(h.NM_DESK, r.stderr)
        r = self.server.cli(["user", "add", "nadie", "--role", "agent", "--desk", "marte",
                             "--password-stdin"], stdin=PASSWORD + "\n")
        self.assertNotEqual(r.code, 0)
        self.assertIn("marte", r.stderr)
        users = self.server.cli(["user", "list"])
        self.assertNotIn("nadie", users.stdout)
        # Over the API, the same.
        admin = self.server.login("admin")
        r = admin.post("/api/v1/users", {"username": "nadie", "role": "agent",
                                         "password": PASSWORD})
        self.assertProblem(r, 400, "desks")

    def test_desk_settings_are_checked_and_nothing_half_saved(self):
        admin = self.server.login("admin")
        url = "/api/v1/desks/" + h.NM_DESK
        before = admin.get(url).json()
        for body, field in (({"phone_region": "XX"}, "phone_region"),
                            ({"time_zone": "America/Medellin"}, "time_zone"),
                            ({"business_hours": "lun-vie 8-18"}, "business_hours"),
                            ({"holiday_country": "XX"}, "holiday_country"),
                            ({"procedures": ["no-such-procedure"]}, "procedures"),
                            ({"mail_from": "not an address"}, "mail_from"),
                            ({"mail_from": "Mesa <mesa@nm.example>\r\nBcc: all@x.example"},
                             "mail_from"),
                            ({"reply_to": "Mesa <mesa@nm"}, "reply_to")):
            with self.subTest(field=field):
                self.assertProblem(admin.patch(url, dict(body, name="Cambiada")), 400, field)
        self.assertEqual(admin.get(url).json(), before)

    def test_admins_see_every_procedure_to_choose_from(self):
        nm_admin = self.server.login("admin", desk=h.NM_DESK)
        self.assertEqual(nm_admin.get("/api/v1/procedures").json()["items"], [])
        every = nm_admin.get("/api/v1/procedures?all=true").json()["items"]
        self.assertIn("zb-unblock", [p["id"] for p in every])
        self.assertProblem(self.server.login("agente").get("/api/v1/procedures?all=true"), 403)

    def test_a_customer_stays_in_its_desk(self):
        admin = self.server.login("admin", desk=h.NM_DESK)
        r = admin.post("/api/v1/customers", {"legal_name": "Mudanza S.A."})
        self.assertEqual(r.status, 201, r)
        c = r.json()
        self.assertEqual(c["desk"], h.NM_DESK)
        r = admin.patch("/api/v1/customers/%d" % c["id"], {"desk": h.ZB_DESK})
        self.assertProblem(r, 400, "desk")
        self.assertEqual(admin.get("/api/v1/customers/%d" % c["id"]).json()["desk"], h.NM_DESK)
        self.assertProblem(
            self.server.login("admin", desk=h.ZB_DESK).get("/api/v1/customers/%d" % c["id"]), 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
