"""Calls over HTTP (NM-3, NM-5, NM-7, NM-8): every call is logged with its type,
outcome and agent; a caller not in the master is derived to Assurance with a
hand-off mail delivered by real SMTP; follow-up and service information given
on a call; contacts updated on a call; a customer's timeline; and bad input,
which writes nothing.
"""

import datetime as dt
import email
import email.policy
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from mail_test import Sink  # noqa: E402

WAIT = 15.0  # seconds for a mail to reach the SMTP sink
ASSURANCE = ["assurance.nm@cirion.example", "noc.assurance@cirion.example"]


def caller(name="Ana Gómez", **fields):
    c = {"name": name, "phone": "+57 300 555 0101", "company": "TI"}
    c.update(fields)
    return c


def parse(record):
    return email.message_from_string(record["data"], policy=email.policy.default)


class CallsTest(h.TestCase):
    """One demo-seeded server on a virtual clock, delivering mail to a recording SMTP sink."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="atiende-calls-")
        cls.sink = Sink(os.path.join(cls.tmp, "sink.jsonl"))
        # Calls and tickets are the NM desk's (cirion-nm, Bogotá): everyone acts there.
        cls.server = h.Server(seed=True, virtual_clock=True, clock_start="2026-03-09T15:00:00Z",
                              env={"ATIENDE_SMTP_URL": "smtp://127.0.0.1:%d" % cls.sink.port,
                                   "ATIENDE_SMTP_STARTTLS": "none"},
                              desk=h.NM_DESK)
        try:
            cls.server.start()
            cls.agent = cls.server.login(h.NM_USERS["agent"])
            cls.sup = cls.server.login(h.NM_USERS["supervisor"])
            cls.admin = cls.server.login(h.NM_USERS["admin"])
            # The demo has dispatch and back office users in the ZB desk only.
            for name, role in (("despacho.nm", "dispatch"), ("mesa.nm", "back_office")):
                h.add_user(cls.server.data_dir, name, role, h.DEMO_PASSWORD, desks=[h.NM_DESK])
            r = cls.admin.request("PUT", "/api/v1/directory/assurance", {"addresses": ASSURANCE})
            if r.status != 200:
                raise AssertionError("setting the assurance list failed: %r" % r)
        except BaseException:
            cls.server.cleanup()
            cls.sink.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            h.stop_checked(cls.server)
        finally:
            cls.sink.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    # Helpers --------------------------------------------------------------------

    _names = iter(range(1, 1000))

    def new_customer(self, **fields):
        body = {"legal_name": "Llamadas %d S.A.S." % next(self._names), "group": "GRUPO LLAMADAS"}
        body.update(fields)
        r = self.sup.post("/api/v1/customers", body)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def open_ticket(self, customer_id, service_id, **extra):
        body = {"kind": "incident", "category": "outage", "customer_id": customer_id,
                "service_id": service_id, "subject": "Sin servicio en %s" % service_id,
                "caller": caller()}
        body.update(extra)
        r = self.agent.post("/api/v1/tickets", body)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def call(self, body, client=None, status=201):
        r = (client or self.agent).post("/api/v1/interactions", body)
        self.assertEqual(r.status, status, r)
        if status == 201:
            self.assertEqual(r.header("Location"), "/api/v1/interactions/%d" % r.json()["id"])
        return r.json()

    def calls(self, query=""):
        r = self.agent.get("/api/v1/interactions?limit=500&" + query)
        self.assertEqual(r.status, 200, r)
        return r.json()["items"]

    def mail_count(self):
        r = self.admin.get("/api/v1/mail?limit=200")
        self.assertEqual(r.status, 200, r)
        return len(r.json()["items"])

    def assurance_mails(self):
        r = self.admin.get("/api/v1/mail?limit=200")
        self.assertEqual(r.status, 200, r)
        return [m["id"] for m in r.json()["items"] if m["event"] == "call.derived_assurance"]

    def wait_for(self, predicate, what, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        self.fail("timed out waiting for " + what)

    def sink_mails(self, subject_part):
        return [r for r in self.sink.messages() if subject_part in parse(r)["Subject"]]

    # NM-5: every call is logged ----------------------------------------------------

    def test_every_call_is_logged_with_type_outcome_and_agent(self):
        c = self.new_customer()
        other = self.call({"customer_id": c["id"], "caller": caller("Luis Mejía"), "type": "other",
                           "notes": "Preguntó por la factura"})
        self.assertEqual((other["type"], other["outcome"], other["agent"], other["customer_id"],
                          other["ticket"], other["notes"]),
                         ("other", "other", "agente", c["id"], None, "Preguntó por la factura"))
        self.assertEqual(other["caller"], caller("Luis Mejía", email=""))
        by_sup = self.call({"customer_id": c["id"], "caller": caller("Luis Mejía"), "type": "other",
                            "outcome": "ticket_closed"}, client=self.sup)
        self.assertEqual((by_sup["outcome"], by_sup["agent"]), ("ticket_closed", "supervisor"))
        t = self.open_ticket(c["id"], "SID-L1")
        self.assertEqual((t["call"]["type"], t["call"]["outcome"], t["call"]["ticket"], t["call"]["agent"]),
                         ("opening", "ticket_opened", t["number"], "agente"))

        logged = self.calls("customer_id=%d" % c["id"])
        self.assertEqual([x["id"] for x in logged], [t["call"]["id"], by_sup["id"], other["id"]],
                         "newest first")
        self.assertEqual([x["id"] for x in self.calls("ticket=" + t["number"])], [t["call"]["id"]])
        by_agent = [x["id"] for x in self.calls("agent=supervisor&customer_id=%d" % c["id"])]
        self.assertEqual(by_agent, [by_sup["id"]])
        page = self.agent.get("/api/v1/interactions?limit=2&customer_id=%d" % c["id"]).json()
        self.assertEqual([x["id"] for x in page["items"]], [t["call"]["id"], by_sup["id"]])
        rest = self.agent.get("/api/v1/interactions?limit=2&customer_id=%d&before=%d"
                              % (c["id"], page["next_before"])).json()
        self.assertEqual([x["id"] for x in rest["items"]], [other["id"]])

    # NM-3: not in the master → Assurance ------------------------------------------

    def test_an_unknown_caller_is_derived_to_assurance_by_mail(self):
        logged = self.call({"customer_id": None, "type": "opening",
                            "caller": {"name": "Pedro Páez", "phone": "+57 601 222 3344",
                                       "company": "Transportes Fantasma Ltda.",
                                       "email": "pedro@fantasma.example"},
                            "notes": "No figura en la maestra; reporta caída en Bogotá"})
        self.assertEqual((logged["customer_id"], logged["outcome"], logged["type"], logged["agent"]),
                         (None, "derived_assurance", "opening", "agente"))
        self.assertEqual(logged["handoff"], {"status": "queued", "to": "assurance"})
        got = self.wait_for(lambda: self.sink_mails("Pedro Páez"), "the hand-off at the SMTP sink")
        self.assertEqual(len(got), 1)
        self.assertEqual(sorted(got[0]["rcpt_tos"]), sorted(ASSURANCE))
        msg = parse(got[0])
        self.assertEqual(msg["Subject"], "Derivación a Assurance: Pedro Páez (Transportes Fantasma Ltda.)")
        self.assertEqual(sorted(a.addr_spec for a in msg["To"].addresses), sorted(ASSURANCE))
        body = msg.get_body(("plain",)).get_content()
        now = dt.datetime.fromisoformat(self.agent.get("/api/v1/clock").json()["now"].replace("Z", "+00:00"))
        bogota = (now - dt.timedelta(hours=5)).strftime("%d-%m-%Y %H:%M")  # UTC-5 all year
        for text in ("+57 601 222 3344", "pedro@fantasma.example", "agente",
                     "No figura en la maestra; reporta caída en Bogotá", bogota, "America/Bogota"):
            self.assertIn(text, body)
        listed = [m for m in self.admin.get("/api/v1/mail?limit=200").json()["items"]
                  if m["event"] == "call.derived_assurance" and "Pedro Páez" in m["subject"]]
        self.assertEqual(len(listed), 1)
        self.wait_for(lambda: self.admin.get("/api/v1/mail/%d" % listed[0]["id"]).json()["status"] == "sent",
                      "status sent")
        # Absent customer_id is the same as null.
        second = self.call({"type": "other", "caller": {"name": "Marta Sin Registro"}})
        self.assertEqual((second["customer_id"], second["outcome"]), (None, "derived_assurance"))
        self.wait_for(lambda: self.sink_mails("Marta Sin Registro"), "the second hand-off")
        time.sleep(0.5)
        self.assertEqual(len(self.sink_mails("Pedro Páez")), 1, "sent once")
        # derived_assurance is only for callers outside the master.
        c = self.new_customer()
        r = self.agent.post("/api/v1/interactions", {"customer_id": c["id"], "type": "other",
                                                     "caller": caller(), "outcome": "derived_assurance"})
        self.assertProblem(r, 400, "outcome")

    # NM-7: follow-up ---------------------------------------------------------------

    def test_a_follow_up_returns_the_ticket_as_it_stands(self):
        c = self.new_customer(services=[{"service_id": "SID-F1", "circuit": "CIR-F1"}])
        t = self.open_ticket(c["id"], "SID-F1")
        self.assertEqual(self.sup.patch("/api/v1/tickets/" + t["number"], {
            "state": "in_progress", "assigned_engineer": "Ing. Natalia Cruz",
            "comment": "Se programó visita técnica"}).status, 200)
        logged = self.call({"customer_id": c["id"], "caller": caller("Rosa Díaz"),
                            "type": "follow_up", "ticket": t["number"].lower()})
        self.assertEqual((logged["outcome"], logged["ticket"], logged["customer_id"]),
                         ("follow_up_given", t["number"], c["id"]))
        d = logged["ticket_detail"]
        self.assertEqual((d["number"], d["state"], d["assigned_engineer"]),
                         (t["number"], "in_progress", "Ing. Natalia Cruz"))
        self.assertIn("Se programó visita técnica", [u["text"] for u in d["updates"]])
        # By a requested item: the call points at its request.
        req = self.agent.post("/api/v1/tickets", {
            "kind": "requirement", "category": "change", "customer_id": c["id"],
            "subject": "Cambio de IP", "caller": caller(), "items": ["IP fija", "Reverse DNS"]}).json()
        ritm = req["items"][1]["number"]
        by_item = self.call({"customer_id": c["id"], "caller": caller(), "type": "follow_up",
                             "ticket": ritm})
        self.assertEqual((by_item["ticket"], by_item["ticket_detail"]["number"]),
                         (req["number"], req["number"]))
        # Without customer_id (the caller only gives the number), the ticket says
        # whose call it was: a known customer, so no hand-off to Assurance.
        handoffs_before = self.assurance_mails()
        anon = self.call({"caller": caller(), "type": "follow_up", "ticket": t["number"]})
        self.assertEqual((anon["customer_id"], anon["outcome"], anon.get("handoff")),
                         (c["id"], "follow_up_given", None))
        self.assertEqual(self.assurance_mails(), handoffs_before)
        self.assertEqual([x["id"] for x in self.calls("ticket=" + t["number"])][:2],
                         [anon["id"], logged["id"]])

    def test_a_follow_up_of_an_unknown_or_foreign_ticket_writes_nothing(self):
        c = self.new_customer()
        other = self.new_customer()
        foreign = self.open_ticket(other["id"], "SID-X")
        before = len(self.calls())
        r = self.agent.post("/api/v1/interactions", {"customer_id": c["id"], "caller": caller(),
                                                     "type": "follow_up", "ticket": "CS9999999"})
        p = self.assertProblem(r, 404, mentions="CS9999999")
        self.assertEqual(p.get("subject"), "CS9999999")
        r = self.agent.post("/api/v1/interactions", {"customer_id": c["id"], "caller": caller(),
                                                     "type": "follow_up", "ticket": foreign["number"]})
        self.assertProblem(r, 400, "ticket", mentions=foreign["number"])
        self.assertEqual(len(self.calls()), before)

    # NM-8: service information -----------------------------------------------------

    def test_service_info_gives_manager_services_contacts_and_open_tickets_without_a_ticket(self):
        c = self.new_customer(
            service_manager={"name": "Camila Restrepo", "contact": "camila.restrepo@cirion.example"},
            services=[{"service_id": "SID-I1", "circuit": "CIR-I1", "description": "MPLS sede"},
                      {"service_id": "SID-I2", "circuit": "CIR-I2", "description": "Internet"},
                      {"service_id": "SID-I3", "circuit": "CIR-I3", "description": "SDWAN"}],
            contacts=[{"name": "Mesa TI", "role": "NOC", "phone": "+57 601 555 0100",
                       "email": "noc@info.example"}])
        working = self.open_ticket(c["id"], "SID-I1", assigned_engineer="Ing. Rojas",
                                   assigned_group="Redes")
        resolved = self.open_ticket(c["id"], "SID-I2")
        self.assertEqual(self.agent.post("/api/v1/tickets/%s/resolve" % resolved["number"],
                                         {"resolution": "Reinicio del CPE"}).status, 200)
        closed = self.open_ticket(c["id"], "SID-I3")
        self.agent.post("/api/v1/tickets/%s/resolve" % closed["number"], {"resolution": "ok"})
        self.assertEqual(self.agent.post("/api/v1/tickets/%s/close" % closed["number"]).status, 200)
        tickets_before = self.agent.get("/api/v1/tickets?state=all&customer_id=%d" % c["id"]).json()["count"]

        logged = self.call({"customer_id": c["id"], "caller": caller(), "type": "service_info",
                            "notes": "Pidió el circuito de la sede"})
        self.assertEqual((logged["type"], logged["outcome"], logged["ticket"]),
                         ("service_info", "information_given", None))
        info = logged["service_info"]
        self.assertEqual(info["customer"], c["legal_name"])
        self.assertEqual((info["customer_id"], info["version"]), (c["id"], c["version"]),
                         "what a contacts edit on this call sends as If-Match")
        self.assertEqual(info["service_manager"], {"name": "Camila Restrepo",
                                                   "contact": "camila.restrepo@cirion.example"})
        self.assertEqual([(s["service_id"], s["circuit"]) for s in info["services"]],
                         [("SID-I1", "CIR-I1"), ("SID-I2", "CIR-I2"), ("SID-I3", "CIR-I3")])
        self.assertEqual(info["contacts"], [{"name": "Mesa TI", "role": "NOC",
                                             "phone": "+57 601 555 0100", "email": "noc@info.example"}])
        by_number = {t["number"]: t for t in info["open_tickets"]}
        self.assertEqual(set(by_number), {working["number"], resolved["number"]},
                         "unclosed tickets only")
        self.assertEqual((by_number[working["number"]]["assigned_engineer"],
                          by_number[working["number"]]["assigned_group"],
                          by_number[working["number"]]["state"],
                          by_number[working["number"]]["service_id"]),
                         ("Ing. Rojas", "Redes", "new", "SID-I1"))
        self.assertEqual(by_number[resolved["number"]]["state"], "resolved")
        self.assertEqual(self.agent.get("/api/v1/tickets?state=all&customer_id=%d" % c["id"]).json()["count"],
                         tickets_before, "no ticket is created")
        self.assertEqual(self.calls("customer_id=%d" % c["id"])[0]["id"], logged["id"])
        # Service information needs a customer.
        r = self.agent.post("/api/v1/interactions", {"caller": caller(), "type": "service_info"})
        self.assertProblem(r, 400, "customer_id")

    def test_contacts_updated_on_a_call_change_the_customer_and_log_the_call(self):
        c = self.new_customer(contacts=[{"name": "Antiguo", "role": "TI", "phone": "1", "email": ""}])
        url = "/api/v1/customers/%d" % c["id"]
        new_contacts = [{"name": "Laura Pineda", "role": "Jefa de TI", "phone": "+57 310 000 1111",
                         "email": "laura.pineda@contactos.example"},
                        {"name": "NOC", "role": "Monitoreo", "phone": "+57 601 555 0199", "email": ""}]
        r = self.agent.request("PUT", url + "/contacts", {"contacts": new_contacts,
                                                          "caller": caller("Laura Pineda"),
                                                          "notes": "Actualiza contactos de escalamiento"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("ETag"), '"v2"')
        self.assertEqual(r.json()["contacts"], new_contacts)
        got = self.agent.get(url).json()
        self.assertEqual((got["contacts"], got["version"]), (new_contacts, 2))
        logged = self.calls("customer_id=%d" % c["id"])
        self.assertEqual(len(logged), 1)
        self.assertEqual((logged[0]["type"], logged[0]["outcome"], logged[0]["agent"],
                          logged[0]["notes"], logged[0]["caller"]["name"]),
                         ("service_info", "contacts_updated", "agente",
                          "Actualiza contactos de escalamiento", "Laura Pineda"))
        hist = self.admin.get(url + "/history").json()["items"]
        self.assertEqual((hist[0]["action"], hist[0]["actor"]), ("customer.contacts", "agente"))
        self.assertEqual(hist[0]["after"]["contacts"], new_contacts)
        self.assertEqual(hist[0]["before"]["contacts"][0]["name"], "Antiguo")

        # Bad requests change nothing and log nothing.
        for body, field in (({"contacts": new_contacts}, "caller"),
                            ({"caller": caller()}, "contacts"),
                            ({"contacts": "nadie", "caller": caller()}, "contacts"),
                            ({"contacts": [{"name": "X", "fax": "1"}], "caller": caller()}, "contacts[0].fax"),
                            ({"contacts": new_contacts, "caller": {"phone": "1"}}, "caller.name"),
                            ({"contacts": new_contacts, "caller": caller(), "extra": 1}, "extra")):
            with self.subTest(field=field):
                self.assertProblem(self.agent.request("PUT", url + "/contacts", body), 400, field)
        self.assertProblem(self.agent.request("PUT", "/api/v1/customers/987654/contacts",
                                              {"contacts": [], "caller": caller()}), 404)
        self.assertEqual(self.agent.get(url).json()["version"], 2)
        self.assertEqual(len(self.calls("customer_id=%d" % c["id"])), 1)
        self.assertProblem(self.server.login("despacho.nm").request(
            "PUT", url + "/contacts", {"contacts": [], "caller": caller()}), 403)

    def test_contacts_edited_from_a_stale_read_are_refused_and_nothing_is_lost(self):
        c = self.new_customer(contacts=[{"name": "Antiguo", "role": "TI", "phone": "1", "email": ""}])
        url = "/api/v1/customers/%d" % c["id"]
        first = [{"name": "Primera", "role": "TI", "phone": "2", "email": ""}]
        second = [{"name": "Segunda", "role": "NOC", "phone": "3", "email": ""}]
        # Two agents read version 1; the first saves.
        r = self.agent.request("PUT", url + "/contacts", {"contacts": first, "caller": caller()},
                               headers={"If-Match": '"v1"'})
        self.assertEqual((r.status, r.header("ETag")), (200, '"v2"'), r)
        # The second saves what it read at version 1: refused, with the version stored.
        for how in ({"headers": {"If-Match": '"v1"'}}, {"version": 1}):
            with self.subTest(how=how):
                body = {"contacts": second, "caller": caller()}
                if "version" in how:
                    body["version"] = how["version"]
                r = self.agent.request("PUT", url + "/contacts", body, headers=how.get("headers"))
                self.assertProblem(r, 409, mentions="version 2")
                self.assertEqual(r.json()["code"], "version_conflict")
        got = self.agent.get(url).json()
        self.assertEqual((got["contacts"], got["version"]), (first, 2), "the first agent's save stays")
        self.assertEqual(len(self.calls("customer_id=%d" % c["id"])), 1, "a refused save logs no call")
        # After reading again, the second agent's save goes through.
        r = self.agent.request("PUT", url + "/contacts", {"contacts": second, "caller": caller()},
                               headers={"If-Match": '"v2"'})
        self.assertEqual((r.status, r.json()["contacts"]), (200, second), r)
        self.assertProblem(self.agent.request("PUT", url + "/contacts",
                                              {"contacts": second, "caller": caller()},
                                              headers={"If-Match": "tres"}), 400, "If-Match")

    # The timeline ------------------------------------------------------------------

    def test_the_timeline_merges_calls_and_tickets_newest_first(self):
        c = self.new_customer(services=[{"service_id": "SID-T1", "circuit": "C"}])
        other = self.new_customer()
        first = self.call({"customer_id": c["id"], "caller": caller(), "type": "other",
                           "started_at": "2026-03-09T14:50:00Z"})
        self.call({"customer_id": other["id"], "caller": caller(), "type": "other"})
        self.assertEqual(self.admin.post("/api/v1/clock", {"advance": "PT1M"}).status, 200)
        t = self.open_ticket(c["id"], "SID-T1")
        self.assertEqual(self.admin.post("/api/v1/clock", {"advance": "PT1M"}).status, 200)
        follow = self.call({"customer_id": c["id"], "caller": caller(), "type": "follow_up",
                            "ticket": t["number"]})
        r = self.agent.get("/api/v1/customers/%d/timeline" % c["id"])
        self.assertEqual(r.status, 200, r)
        items = r.json()["items"]
        self.assertEqual(r.json()["customer_id"], c["id"])
        ats = [x["at"] for x in items]
        self.assertEqual(ats, sorted(ats, reverse=True), "newest first")
        shape = [(x["kind"], x["call"]["id"] if x["kind"] == "call" else x["ticket"]["number"])
                 for x in items]
        self.assertEqual(len(shape), 4, items)
        self.assertEqual(shape[0], ("call", follow["id"]))
        self.assertEqual(set(shape[1:3]), {("call", t["call"]["id"]), ("ticket", t["number"])})
        self.assertEqual(shape[3], ("call", first["id"]))
        self.assertEqual(items[3]["at"], "2026-03-09T14:50:00Z", "a call counts from when it started")
        ticket_entry = [x for x in items if x["kind"] == "ticket"][0]
        self.assertEqual(ticket_entry["ticket"]["state"], "new")
        newest = self.agent.get("/api/v1/customers/%d/timeline?limit=1" % c["id"]).json()["items"]
        self.assertEqual([(x["kind"], x["call"]["id"] if x["kind"] == "call" else x["ticket"]["number"])
                          for x in newest], [("call", follow["id"]), ("ticket", t["number"])],
                         "limit applies to calls and to tickets")
        self.assertProblem(self.agent.get("/api/v1/customers/987654/timeline"), 404)
        self.assertProblem(self.agent.get("/api/v1/customers/%d/timeline?limit=0" % c["id"]), 400, "limit")

    # Bad input: 400 naming the field, nothing written ----------------------------

    def test_bad_calls_are_400_naming_the_field_and_write_nothing(self):
        c = self.new_customer()
        t = self.open_ticket(c["id"], "SID-B1")
        calls_before = len(self.calls())
        mails_before = self.mail_count()
        base = {"customer_id": c["id"], "caller": caller(), "type": "other"}
        cases = [
            ({"type": "visit"}, "type"),
            ({"type": None}, "type"),
            ({"caller": {"phone": "+57 1"}}, "caller.name"),
            ({"caller": {"name": "  "}}, "caller.name"),
            ({"caller": None}, "caller"),
            ({"caller": "Ana"}, "caller"),
            ({"caller": {"name": "Ana", "email": "no es correo"}}, "caller.email"),
            ({"caller": {"name": "Ana", "cargo": "jefe"}}, "caller.cargo"),
            ({"type": "follow_up"}, "ticket"),
            ({"customer_id": 987654}, "customer_id"),
            ({"customer_id": "diez"}, "customer_id"),
            ({"outcome": "ticket_opened"}, "outcome"),
            ({"outcome": "ticket_reopened", "ticket": t["number"]}, "outcome"),
            ({"outcome": "llamada_perdida"}, "outcome"),
            ({"started_at": "ayer"}, "started_at"),
            ({"notes": 42}, "notes"),
            ({"duration": 30}, "duration"),
            # A caller not in the master, but the request is bad: no hand-off either.
            ({"customer_id": None, "type": "visit"}, "type"),
            ({"customer_id": None, "caller": {"company": "Sin Nombre Ltda."}}, "caller.name"),
        ]
        for change, field in cases:
            with self.subTest(field=field, change=change):
                body = dict(base)
                body.update(change)
                body = {k: v for k, v in body.items() if v is not None or k == "customer_id"}
                self.assertProblem(self.agent.post("/api/v1/interactions", body), 400, field)
        self.assertProblem(self.agent.post("/api/v1/interactions", "{not json",
                                           content_type="application/json"), 400)
        self.assertEqual(len(self.calls()), calls_before, "nothing was logged")
        self.assertEqual(self.mail_count(), mails_before, "no hand-off was queued")
        self.assertEqual(self.agent.get("/api/v1/tickets/" + t["number"]).json()["version"], 1)

    def test_who_may_log_and_read_calls(self):
        c = self.new_customer()
        body = {"customer_id": c["id"], "caller": caller(), "type": "other"}
        self.assertProblem(self.server.login("despacho.nm").post("/api/v1/interactions", body), 403)
        self.assertEqual(self.server.login("mesa.nm").post("/api/v1/interactions", body).status, 201)
        portal = self.server.login(h.NM_USERS["customer"])
        self.assertProblem(portal.post("/api/v1/interactions", body), 403)
        self.assertProblem(portal.get("/api/v1/interactions"), 403)
        self.assertProblem(portal.get("/api/v1/customers/%d/timeline" % c["id"]), 403)
        self.assertProblem(self.server.client().get("/api/v1/interactions"), 401)
        self.assertEqual([x["agent"] for x in self.calls("customer_id=%d" % c["id"])], ["mesa.nm"])
        # The ZB desk's agent sees neither the NM customer's timeline nor its calls.
        zb_agent = self.server.login(h.DEMO_USERS["agent"], desk=h.ZB_DESK)
        self.assertProblem(zb_agent.get("/api/v1/customers/%d/timeline" % c["id"]), 404)
        r = zb_agent.get("/api/v1/interactions?customer_id=%d" % c["id"])
        self.assertEqual((r.status, r.json()["items"]), (200, []), r)

    # G-2: the customer's mails over SMTP --------------------------------------------

    def test_ticket_mails_reach_the_caller_over_smtp(self):
        c = self.new_customer(email="noc@smtpcliente.example")
        t = self.open_ticket(c["id"], "SID-M1", subject="Caída total en la sede Cali",
                             caller=caller("Jorge Páez", email="jorge.paez@smtpcliente.example"))
        opened = self.wait_for(lambda: self.sink_mails("[%s]" % t["number"]), "the opened mail")
        self.assertEqual(opened[0]["rcpt_tos"], ["jorge.paez@smtpcliente.example"])
        self.assertEqual(parse(opened[0])["Subject"],
                         "[%s] Registramos su caso: Caída total en la sede Cali" % t["number"])
        self.assertEqual(self.agent.post("/api/v1/tickets/%s/resolve" % t["number"],
                                         {"resolution": "Cambio de fibra"}).status, 200)
        both = self.wait_for(lambda: (lambda m: len(m) == 2 and m)(self.sink_mails("[%s]" % t["number"])),
                             "the resolved mail")
        resolved = parse(both[1])
        self.assertEqual(resolved["Subject"], "[%s] Caso resuelto: Caída total en la sede Cali" % t["number"])
        self.assertEqual(both[1]["rcpt_tos"], ["jorge.paez@smtpcliente.example"])
        self.assertEqual(resolved["In-Reply-To"], parse(both[0])["Message-ID"],
                         "the mails of one ticket make one thread")


if __name__ == "__main__":
    unittest.main(verbosity=2)
