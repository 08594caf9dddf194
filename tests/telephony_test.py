"""Telephony (issue 17, docs/telephony.md) over real HTTP, on SQLite and on
PostgreSQL: a desk's phone system posts call events with its own token
(tests/pbx_sim.py plays the phone system), and staff read the calls.

- Sequences: answered, missed, transferred, duplicated, out of order, answer
  and hangup of a call never announced; our JSON and Zammad Generic CTI's
  form-encoded fields.
- The call log measures itself: ring, answer and end times, wait and talk
  seconds, cause, the caller's number in E.164.
- The screen pop: an answer by a user of the desk reaches that user's live
  stream (`event: call`), and no one else's — not an admin's, not a
  supervisor's, not the other desk's.
- Missed calls: the desk's list, oldest first, until an agent marks one
  handled.
- The token: only a "pbx" token posts events, and it does nothing else; a
  user's session or API token gets 403, no token or an unknown or revoked one
  401; one desk's token neither sees nor writes the other desk's calls.
- Bad input: malformed events 400 naming the field, a huge body 413, a flood
  of events for one call 429 — and nothing written.
"""

import json
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from events_test import EventReader  # noqa: E402
from pbx_sim import PhoneSystem, at  # noqa: E402
from postgres_nodes_test import fresh_database, shared_server_url  # noqa: E402

CALLER = "+56 9 6123 4567"     # a Chilean mobile, as the PBX may spell it
CALLER_E164 = "+56961234567"


class TelephonyCase(h.TestCase):
    use_postgres = False

    @classmethod
    def setUpClass(cls):
        cls.env = {}
        if cls.use_postgres:
            cls.env = {"ATIENDE_DATABASE_URL": fresh_database(shared_server_url())}
            r = h.cli(["demo", "seed", "--dir", h.DEMO_DIR], env=cls.env)
            if r.code != 0:
                raise AssertionError("demo seed failed: %r" % r)
            cls.server = h.Server(env=cls.env, desk=h.ZB_DESK)
        else:
            cls.server = h.Server(seed=True, desk=h.ZB_DESK)
        try:
            cls.server.start()
            cls.admin = cls.server.login("admin")
            cls.agent = cls.server.login(h.DEMO_USERS["agent"])
            cls.nm_agent = cls.server.login(h.NM_USERS["agent"], desk=h.NM_DESK)
            r = cls.admin.post("/api/v1/telephony/tokens", {"desk": h.ZB_DESK})
            assert r.status == 201, r
            cls.zb_token = r.json()
            r = cls.admin.post("/api/v1/telephony/tokens", {"desk": h.NM_DESK})
            assert r.status == 201, r
            cls.nm_token = r.json()
            cls.known = cls.new_customer("Identificada", "2 2999 1111",
                                         [{"name": "Pedro Rojas", "role": "Jefe",
                                           "phone": "+56 9 7100 0001", "email": ""}])
            cls.twins = [cls.new_customer("Gemela %d" % i, "+56 2 2999 2222") for i in (1, 2)]
        except BaseException:
            cls.server.stop()
            cls.server.cleanup()
            raise
        cls.pbx = PhoneSystem(cls.server.port, cls.zb_token["token"])
        cls.zammad = PhoneSystem(cls.server.port, cls.zb_token["token"], dialect="zammad")
        cls.nm_pbx = PhoneSystem(cls.server.port, cls.nm_token["token"])

    @classmethod
    def new_customer(cls, name, phone, contacts=()):
        n = len(name) * 1000 + sum(map(ord, name))
        r = cls.admin.post("/api/v1/customers", {
            "code": "TEL%d" % n, "legal_name": "%s Ltda." % name, "phone": phone,
            "contacts": list(contacts), "segment": "granel", "region": "Metropolitana"})
        assert r.status == 201, r
        return r.json()

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def call_id(self):
        return "%s-%s" % (type(self).__name__, self._testMethodName)

    def assertAllOk(self, replies):
        for r in replies:
            self.assertEqual(r.status, 200, r)
        return replies[-1].json()["call"]

    def call(self, call_id_or_reply, client=None):
        cid = call_id_or_reply if isinstance(call_id_or_reply, int) else call_id_or_reply["id"]
        r = (client or self.agent).get("/api/v1/telephony/calls/%d" % cid)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def missed_ids(self, client=None):
        r = (client or self.agent).get("/api/v1/telephony/missed?limit=500")
        self.assertEqual(r.status, 200, r)
        return [c["id"] for c in r.json()["items"]]

    # Sequences ------------------------------------------------------------

    def test_an_answered_call_measures_itself(self):
        c = self.call(self.assertAllOk(self.pbx.answered(self.call_id(), CALLER, "agente.zb")))
        self.assertEqual(c["state"], "ended")
        self.assertEqual(c["desk"], h.ZB_DESK)
        self.assertEqual(c["from"], CALLER_E164)
        self.assertEqual(c["to"], "+56226000000")
        self.assertEqual(c["direction"], "in")
        self.assertEqual(c["answered_by"], "agente.zb")
        self.assertEqual(c["ringing"], ["agente.zb"])
        self.assertEqual((c["wait_seconds"], c["talk_seconds"]), (10, 50))
        self.assertEqual(c["ringing_at"], at(0))
        self.assertEqual(c["ended_at"], at(60))
        self.assertEqual(c["cause"], "normal")
        self.assertNotIn(c["id"], self.missed_ids())

    def test_a_ringing_call_then_answered(self):
        cid = self.call_id()
        r = self.pbx.new_call(cid, CALLER, queue="soporte")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["call"]["state"], "ringing")
        self.assertEqual(r.json()["call"]["queue"], "soporte")
        r = self.pbx.answer(cid, "agente.zb")
        self.assertEqual(r.json()["call"]["state"], "answered")
        self.assertIsNone(r.json()["call"]["talk_seconds"])

    def test_a_missed_call_waits_in_the_list_oldest_first_until_handled(self):
        cid = self.call_id()
        later = self.assertAllOk(self.pbx.missed(cid + "-later", "+56 2 2345 6789", after=40))
        # Rang earlier (its new_call is timed before the other's), posted later.
        earlier = self.assertAllOk([self.pbx.new_call(cid + "-earlier", CALLER, t=-100),
                                    self.pbx.hangup(cid + "-earlier", "cancel", t=-90)])
        self.assertEqual(later["state"], "missed")
        self.assertEqual(earlier["cause"], "cancel")
        ids = self.missed_ids()
        self.assertLess(ids.index(earlier["id"]), ids.index(later["id"]))
        r = self.agent.post("/api/v1/telephony/calls/%d/handled" % earlier["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["handled_by"], "agente.zb")
        self.assertIsNotNone(r.json()["handled_at"])
        self.assertNotIn(earlier["id"], self.missed_ids())
        self.assertIn(later["id"], self.missed_ids())
        # Marking it again changes nothing; an answered call is not missed.
        again = self.agent.post("/api/v1/telephony/calls/%d/handled" % earlier["id"])
        self.assertEqual(again.json()["handled_at"], r.json()["handled_at"])
        answered = self.assertAllOk(self.pbx.answered(cid + "-answered", CALLER, "201"))
        self.assertProblem(
            self.agent.post("/api/v1/telephony/calls/%d/handled" % answered["id"]), 409)

    def test_logging_the_callback_links_the_call_and_handles_the_missed_one(self):
        missed = self.assertAllOk(self.pbx.missed(self.call_id(), "2 2999 1111"))
        self.assertIn(missed["id"], self.missed_ids())
        r = self.agent.post("/api/v1/interactions", {
            "customer_id": self.known["id"], "type": "other", "telephony_call_id": missed["id"],
            "caller": {"name": "Pedro Rojas", "phone": "+56 9 7100 0001"}, "notes": "Callback"})
        self.assertEqual(r.status, 201, r)
        c = self.call(missed)
        self.assertEqual((c["interaction_id"], c["handled_by"]), (r.json()["id"], "agente.zb"))
        self.assertNotIn(missed["id"], self.missed_ids())
        # Another desk's call, or none: 400, and the call is not logged.
        nm = self.assertAllOk(self.nm_pbx.missed(self.call_id(), CALLER))
        before = self.agent.get("/api/v1/interactions?limit=500").json()["items"]
        for cid in (nm["id"], 999999):
            self.assertProblem(self.agent.post("/api/v1/interactions", {
                "type": "other", "telephony_call_id": cid, "customer_id": self.known["id"],
                "caller": {"name": "X", "phone": "+56 9 7100 0001"}}), 400, "telephony_call_id")
        self.assertEqual(self.agent.get("/api/v1/interactions?limit=500").json()["items"], before)

    def test_a_transferred_call_says_where_it_went(self):
        c = self.assertAllOk(self.pbx.transferred(self.call_id(), CALLER, "201", "305"))
        self.assertEqual((c["answered_by"], c["transferred_to"], c["state"]),
                         ("201", "305", "ended"))

    def test_repeated_events_are_applied_once(self):
        replies = self.pbx.duplicated(self.call_id(), CALLER, "agente.zb")
        self.assertEqual([r.status for r in replies], [200] * 6)
        self.assertEqual([r.json()["duplicate"] for r in replies], [False, True] * 3)
        c = self.call(replies[-1].json()["call"])
        self.assertEqual((c["state"], c["wait_seconds"], c["talk_seconds"]), ("ended", 10, 50))
        # A repeat with another time does not move the first.
        r = self.pbx.answer(self.call_id(), "otro", t=30)
        self.assertTrue(r.json()["duplicate"])
        self.assertEqual(self.call(c)["answered_by"], "agente.zb")

    def test_events_out_of_order_are_put_in_order_by_time(self):
        replies = self.pbx.out_of_order(self.call_id(), CALLER, "agente.zb")
        # The hangup alone: an unanswered call, until the answer arrives.
        self.assertEqual(replies[0].json()["call"]["state"], "missed")
        c = self.call(self.assertAllOk(replies))
        self.assertEqual((c["state"], c["from"], c["wait_seconds"], c["talk_seconds"]),
                         ("ended", CALLER_E164, 10, 50))
        self.assertNotIn(c["id"], self.missed_ids())

    def test_answer_and_hangup_of_an_unknown_call_are_recorded(self):
        cid = self.call_id()
        c = self.assertAllOk([self.pbx.answer(cid, "201"), self.pbx.hangup(cid, "normal")])
        c = self.call(c)
        self.assertEqual((c["state"], c["direction"], c["from"], c["ringing_at"]),
                         ("ended", None, None, None))
        self.assertIsNone(c["wait_seconds"])
        self.assertEqual(c["talk_seconds"], 50)

    def test_zammad_generic_cti_form_fields_work_unchanged(self):
        cid = self.call_id()
        c = self.call(self.assertAllOk(self.zammad.answered(cid, "9 6123 4567", "201")))
        self.assertEqual((c["state"], c["from"], c["answered_by"], c["ringing"]),
                         ("ended", CALLER_E164, "201", ["201"]))
        m = self.assertAllOk(self.zammad.missed(cid + "-missed", CALLER, cause="no_answer"))
        self.assertEqual((m["state"], m["cause"]), ("missed", "no_answer"))
        # Zammad sends no time: the event's arrival is its time.
        r = self.zammad.post_raw(b"event=newCall&callId=" + cid.encode() +
                                 b"-now&from=56961234567&to=600&direction=in&user%5B%5D=Ana+Soto",
                                 "application/x-www-form-urlencoded")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["call"]["ringing"], ["Ana Soto"])
        self.assertIsNotNone(r.json()["call"]["ringing_at"])

    # Who is calling ------------------------------------------------------

    def caller_of(self, caller, pbx=None, client=None, direction="in"):
        pbx = pbx or self.pbx
        cid = "%s-%d" % (self.call_id(), sum(map(ord, caller)) + len(direction))
        if direction == "in":
            r = pbx.new_call(cid, caller)
        else:
            r = pbx.new_call(cid, "201", to=caller, direction="out")
        self.assertEqual(r.status, 200, r)
        return self.call(r.json()["call"], client)["caller"]

    def test_a_known_caller_is_identified_by_the_customers_phone(self):
        c = self.caller_of("2 2999 1111")  # national, as the PBX sends it
        self.assertEqual((c["number"], c["result"]), ("+56229991111", "customer"))
        self.assertEqual(c["matches"], [{"customer_id": self.known["id"],
                                         "code": self.known["code"],
                                         "legal_name": "Identificada Ltda.", "contact": None}])

    def test_a_contacts_phone_names_the_contact(self):
        c = self.caller_of("+56971000001")
        self.assertEqual(c["result"], "customer")
        self.assertEqual([(m["customer_id"], m["contact"]) for m in c["matches"]],
                         [(self.known["id"], "Pedro Rojas")])

    def test_a_number_of_several_customers_gives_the_short_list(self):
        c = self.caller_of("+56 2 2999 2222")
        self.assertEqual(c["result"], "several")
        self.assertEqual(sorted(m["customer_id"] for m in c["matches"]),
                         sorted(t["id"] for t in self.twins))

    def test_an_unknown_or_anonymous_caller(self):
        c = self.caller_of("+56 2 2999 9999")
        self.assertEqual((c["number"], c["result"], c["matches"]), ("+56229999999", "unknown", []))
        c = self.caller_of("anonymous")
        self.assertEqual((c["number"], c["result"]), (None, "unknown"))

    def test_an_outbound_call_identifies_whom_it_called(self):
        c = self.caller_of("2 2999 1111", direction="out")
        self.assertEqual([m["customer_id"] for m in c["matches"]], [self.known["id"]])

    def test_the_index_follows_the_customers_changes(self):
        cust = self.new_customer("Cambiante", "+56 2 2999 3333")
        self.assertEqual(self.caller_of("+56229993333")["result"], "customer")
        r = self.admin.patch("/api/v1/customers/%d" % cust["id"],
                             {"phone": "+56 2 2999 4444", "version": cust["version"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.caller_of("+56229993333")["result"], "unknown")
        self.assertEqual(self.caller_of("+56229994444")["matches"][0]["customer_id"], cust["id"])
        r = self.admin.delete("/api/v1/customers/%d" % cust["id"])
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(self.caller_of("+56229994444")["result"], "unknown")

    def test_another_desks_customers_are_not_matched(self):
        c = self.caller_of("+56229991111", pbx=self.nm_pbx, client=self.nm_agent)
        self.assertEqual(c["result"], "unknown")

    # The screen pop ---------------------------------------------------------

    def pops(self, stream, seconds):
        return [e["data"]["call"] for e in stream.quiet(seconds) if e.get("event") == "call"]

    def next_pop(self, stream):
        for _ in range(200):
            e = stream.next()
            if e.get("event") == "call":
                return e["data"]["call"]
        raise AssertionError("no screen pop")

    def test_an_answer_pops_the_call_on_the_answering_agents_consoles_only(self):
        cid = self.call_id()
        supervisor = self.server.login(h.DEMO_USERS["supervisor"])
        streams = {"agent": EventReader(self.agent), "agent2": EventReader(self.agent),
                   "admin": EventReader(self.admin), "supervisor": EventReader(supervisor),
                   "nm": EventReader(self.nm_agent)}
        try:
            for s in streams.values():
                self.assertEqual(s.resp.status, 200)
            r = self.pbx.new_call(cid, CALLER, users=["agente.zb", "admin"])
            self.assertEqual(r.status, 200, r)
            mine = self.pbx.answer(cid, "agente.zb").json()["call"]["id"]
            # Every console of the agent pops it.
            self.assertEqual(self.next_pop(streams["agent"]), str(mine))
            self.assertEqual(self.next_pop(streams["agent2"]), str(mine))
            self.assertEqual(self.call(mine)["from"], CALLER_E164)
            # The admin answers another call: the admin's pop is the first the
            # admin hears, so the agent's never reached the admin.
            self.pbx.new_call(cid + "-2", CALLER)
            theirs = self.pbx.answer(cid + "-2", "admin").json()["call"]["id"]
            self.assertEqual(self.next_pop(streams["admin"]), str(theirs))
            # A repeat, an extension, a user of another desk: no pop.
            self.assertTrue(self.pbx.answer(cid, "agente.zb").json()["duplicate"])
            self.pbx.answer(cid + "-3", "201")
            self.nm_pbx.answer(cid + "-4", "agente.zb")
            self.assertEqual(self.pops(streams["agent"], 1.5), [])
            self.assertEqual(self.pops(streams["supervisor"], 0.1), [])
            self.assertEqual(self.pops(streams["nm"], 0.1), [])
            self.assertEqual(self.pops(streams["admin"], 0.1), [])
        finally:
            for s in streams.values():
                s.close()

    # Extensions mapped to users (admins) --------------------------------------

    def map_extension(self, extension, username):
        r = self.admin.request("PUT", "/api/v1/telephony/extensions/%s" % extension, {"username": username})
        self.assertEqual(r.status, 200, r)
        self.addCleanup(self.admin.delete, "/api/v1/telephony/extensions/%s" % extension)
        return r.json()

    def test_an_answer_on_a_mapped_extension_pops_that_users_console(self):
        cid = self.call_id()
        self.assertEqual(self.map_extension("2101", "agente.zb"),
                         {"extension": "2101", "username": "agente.zb"})
        listed = self.admin.get("/api/v1/telephony/extensions").json()["items"]
        self.assertIn({"extension": "2101", "username": "agente.zb"}, listed)
        stream = EventReader(self.agent)
        try:
            self.assertEqual(self.pbx.new_call(cid, CALLER, users=["2101"]).status, 200)
            mine = self.pbx.answer(cid, "2101").json()["call"]
            self.assertEqual(mine["answered_by"], "2101")  # as the phone system said
            self.assertEqual(self.next_pop(stream), str(mine["id"]))
            # Unmapped, the extension pops nothing again.
            self.assertEqual(self.admin.delete("/api/v1/telephony/extensions/2101").status, 204)
            self.pbx.answer(cid + "-2", "2101")
            self.assertEqual(self.pops(stream, 1.0), [])
        finally:
            stream.close()

    def test_extensions_are_an_admins_and_checked(self):
        self.assertProblem(self.agent.request("PUT", "/api/v1/telephony/extensions/2109",
                                          {"username": "agente.zb"}), 403)
        self.assertProblem(self.agent.get("/api/v1/telephony/extensions"), 403)
        self.assertProblem(self.admin.request("PUT", "/api/v1/telephony/extensions/2109",
                                          {"username": "nadie"}), 400, "username")
        # A customer user, or a user of the other desk, answers no calls here.
        self.assertProblem(self.admin.request("PUT", "/api/v1/telephony/extensions/2109",
                                          {"username": "cliente.zb"}), 400, "username")
        self.assertProblem(self.admin.request("PUT", "/api/v1/telephony/extensions/2109",
                                          {"username": "agente"}), 400, "username")
        self.assertProblem(self.admin.request("PUT", "/api/v1/telephony/extensions/%s" % ("9" * 33),
                                          {"username": "agente.zb"}), 400, "extension")
        self.assertProblem(self.admin.request("PUT", "/api/v1/telephony/extensions/2109", {}), 400,
                           "username")
        self.assertProblem(self.admin.delete("/api/v1/telephony/extensions/2109"), 404)
        # The other desk's admin view does not list this desk's mappings.
        self.map_extension("2108", "agente.zb")
        nm_admin = self.server.login("admin", desk=h.NM_DESK)
        nm = nm_admin.get("/api/v1/telephony/extensions").json()["items"]
        self.assertNotIn("2108", [x["extension"] for x in nm])

    def test_the_cli_maps_an_extension(self):
        args = ["telephony", "extension", "set", "--desk", h.ZB_DESK, "2107", "agente.zb"]
        r = h.cli(args, env=self.env) if self.use_postgres else self.server.cli(args)
        self.assertEqual(r.code, 0, r)
        self.addCleanup(self.admin.delete, "/api/v1/telephony/extensions/2107")
        listed = self.admin.get("/api/v1/telephony/extensions").json()["items"]
        self.assertIn({"extension": "2107", "username": "agente.zb"}, listed)
        bad = ["telephony", "extension", "set", "--desk", h.ZB_DESK, "2107", "nadie"]
        r = h.cli(bad, env=self.env) if self.use_postgres else self.server.cli(bad)
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("nadie", r.stderr)

    # Pop on ringing ----------------------------------------------------------

    def test_pop_on_ringing_reaches_everyone_it_rings(self):
        cid = self.call_id()
        self.assertEqual(self.admin.get("/api/v1/telephony/settings").json()["pop_on"], "answer")
        self.assertProblem(self.admin.patch("/api/v1/telephony/settings", {"pop_on": "never"}),
                           400, "pop_on")
        self.assertProblem(self.agent.patch("/api/v1/telephony/settings", {"pop_on": "ringing"}),
                           403)
        self.map_extension("2102", "agente.zb")
        r = self.admin.patch("/api/v1/telephony/settings", {"pop_on": "ringing"})
        self.assertEqual(r.status, 200, r)
        self.addCleanup(self.admin.patch, "/api/v1/telephony/settings", {"pop_on": "answer"})
        self.assertEqual(r.json()["pop_on"], "ringing")
        streams = {"agent": EventReader(self.agent), "admin": EventReader(self.admin)}
        try:
            r = self.pbx.new_call(cid, CALLER, users=["2102", "admin"])
            self.assertEqual(r.status, 200, r)
            ringing = r.json()["call"]
            self.assertEqual(ringing["state"], "ringing")
            # Both consoles pop while it still rings.
            self.assertEqual(self.next_pop(streams["agent"]), str(ringing["id"]))
            self.assertEqual(self.next_pop(streams["admin"]), str(ringing["id"]))
            # The answer by one of them pops nothing more; an outbound call
            # does not ring anyone's console.
            self.pbx.answer(cid, "2102")
            self.pbx.new_call(cid + "-out", "+56 2 2999 1111", users=["2102"], direction="out")
            self.assertEqual(self.pops(streams["agent"], 1.0), [])
        finally:
            for s in streams.values():
                s.close()

    # Outbound calls ------------------------------------------------------------

    def test_an_outbound_call_is_logged_like_an_inbound_one(self):
        cid = self.call_id()
        self.map_extension("2103", "agente.zb")
        self.assertAllOk([
            self.pbx.new_call(cid, "2103", to="2 2999 1111", users=["2103"], direction="out"),
            self.pbx.answer(cid, "2103", t=5), self.pbx.hangup(cid, t=65)])
        c = self.call(self.pbx.answer(cid, "2103", t=5).json()["call"])
        self.assertEqual((c["direction"], c["from"], c["to"]), ("out", "2103", "+56229991111"))
        self.assertEqual((c["wait_seconds"], c["talk_seconds"]), (5, 60))
        self.assertEqual(c["to_display"], "(2) 2999 1111")
        self.assertEqual((c["caller"]["result"], c["caller"]["display"]),
                         ("customer", "(2) 2999 1111"))
        r = self.agent.post("/api/v1/interactions", {
            "customer_id": self.known["id"], "type": "other", "telephony_call_id": c["id"],
            "caller": {"name": "Pedro Rojas", "phone": "2 2999 1111"}, "notes": "Llamada saliente"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.call(c)["interaction_id"], r.json()["id"])

    # Numbers: libphonenumber ---------------------------------------------------

    def test_numbers_are_validated_per_country_and_shown_nationally(self):
        def fmt(number, client=None):
            r = (client or self.agent).get("/api/v1/phones/format?number=" +
                                           urllib.parse.quote(number))
            self.assertEqual(r.status, 200, r)
            return r.json()
        self.assertEqual(fmt("+56 9 6123 4567"), {"valid": True, "e164": "+56961234567",
                                                  "display": "9 6123 4567", "region": "CL",
                                                  "error": None})
        # Eight digits had the shape of a Chilean number; since 2016 they are one short.
        self.assertFalse(fmt("2345 6789")["valid"])
        # A Colombian mobile: not a number in the Chilean desk, one in the Colombian.
        self.assertFalse(fmt("300 555 0101")["valid"])
        co = fmt("300 555 0101", self.nm_agent)
        self.assertEqual((co["e164"], co["display"]), ("+573005550101", "300 5550101"))
        self.assertEqual(fmt("+57 300 555 0101")["display"], "+57 300 5550101")
        self.assertProblem(self.agent.get("/api/v1/phones/format"), 400, "number")
        self.assertProblem(self.agent.get("/api/v1/phones/format?number=" + "1" * 65), 400,
                           "number")
        # A caller whose number does not validate is kept as given, and unknown.
        c = self.caller_of("+56 1 2345 6789")
        self.assertEqual((c["number"], c["result"]), ("+56 1 2345 6789", "unknown"))
        c = self.call(self.assertAllOk(self.pbx.answered(self.call_id(), CALLER, "agente.zb")))
        self.assertEqual((c["from_display"], c["caller"]["display"]), ("9 6123 4567",
                                                                       "9 6123 4567"))

    def test_the_phones_check_reports_numbers_that_do_not_validate(self):
        args = ["phones", "check", "--desk", h.ZB_DESK]
        run = (lambda a: h.cli(a, env=self.env)) if self.use_postgres else self.server.cli
        bad = self.new_customer("Numero Viejo", "2345 6789",
                                [{"name": "Ana", "role": "", "phone": "+56 9 6123 4567",
                                  "email": ""}])
        r = run(args)
        self.assertEqual(r.code, 1, r)
        lines = [ln.split("\t") for ln in r.stdout.splitlines()]
        mine = [ln for ln in lines if ln[1] == "customer " + bad["code"]]
        self.assertEqual([(ln[0], ln[2], ln[3]) for ln in mine],
                         [(h.ZB_DESK, "phone", '"2345 6789"')])
        self.assertIn("do not validate", r.stderr)
        # Reported, not changed.
        self.assertEqual(self.admin.get("/api/v1/customers/%d" % bad["id"]).json()["phone"],
                         "2345 6789")
        self.admin.delete("/api/v1/customers/%d" % bad["id"])
        r = run(["phones", "check", "--desk", "no-such"])
        self.assertNotEqual(r.code, 0, r)
        self.assertNotEqual(r.code, 1, r)

    # The token ------------------------------------------------------------

    def test_only_a_phone_systems_token_posts_events(self):
        event = {"event": "new_call", "call_id": self.call_id(), "from": CALLER, "to": "600",
                 "direction": "in"}
        self.assertProblem(self.server.client().post("/api/v1/telephony/events", event), 401)
        self.assertProblem(self.server.client(token="x" * 43).post(
            "/api/v1/telephony/events", event), 401)
        # Users, whatever their role, with a session or an API token: 403.
        self.assertProblem(self.agent.post("/api/v1/telephony/events", event), 403)
        self.assertProblem(self.admin.post("/api/v1/telephony/events", event), 403)
        r = self.admin.post("/api/v1/tokens", {"username": "agente.zb"})
        self.assertEqual(r.status, 201, r)
        user_token = self.server.client(token=r.json()["token"])
        self.assertProblem(user_token.post("/api/v1/telephony/events", event), 403)
        self.assertEqual(self.pbx.event(event).status, 200)

    def test_a_phone_systems_token_does_nothing_else(self):
        tok = self.server.client(token=self.zb_token["token"])
        for path in ("/api/v1/session", "/api/v1/telephony/missed", "/api/v1/customers",
                     "/api/v1/events"):
            with self.subTest(path=path):
                self.assertProblem(tok.get(path), 401)
        self.assertProblem(tok.post("/api/v1/interactions", {}), 401)

    def test_a_revoked_token_is_refused_at_once(self):
        r = self.admin.post("/api/v1/telephony/tokens", {"desk": h.ZB_DESK, "ttl_hours": 24})
        self.assertEqual(r.status, 201, r)
        t = r.json()
        pbx = PhoneSystem(self.server.port, t["token"])
        self.assertEqual(pbx.new_call(self.call_id(), CALLER).status, 200)
        listed = self.admin.get("/api/v1/tokens?kind=pbx").json()["items"]
        mine = [c for c in listed if c["id"] == t["id"]]
        self.assertEqual([(c["kind"], c["desk"], c["username"]) for c in mine],
                         [("pbx", h.ZB_DESK, "")])
        r = self.admin.delete("/api/v1/tokens/%d" % t["id"])
        self.assertEqual(r.status, 204, r)
        self.assertProblem(pbx.answer(self.call_id(), "201"), 401)
        self.assertEqual(self.pbx.answer(self.call_id(), "201").status, 200)

    def test_tokens_are_made_by_admins_for_a_known_desk(self):
        self.assertProblem(self.agent.post("/api/v1/telephony/tokens", {"desk": h.ZB_DESK}), 403)
        self.assertProblem(self.admin.post("/api/v1/telephony/tokens", {"desk": "no-such"}), 404)
        self.assertProblem(self.admin.post("/api/v1/telephony/tokens", {}), 400, "desk")
        self.assertProblem(self.admin.post("/api/v1/telephony/tokens",
                                           {"desk": h.ZB_DESK, "ttl_hours": 0}), 400, "ttl_hours")

    def test_the_cli_makes_a_token_that_posts(self):
        if self.use_postgres:
            env = self.env
            r = h.cli(["token", "create-pbx", "--desk", h.ZB_DESK], env=env)
        else:
            r = h.cli(["token", "create-pbx", "--desk", h.ZB_DESK],
                      data_dir=self.server.data_dir)
        self.assertEqual(r.code, 0, r)
        pbx = PhoneSystem(self.server.port, r.stdout.strip())
        self.assertEqual(pbx.new_call(self.call_id(), CALLER).status, 200)

    # Desks ----------------------------------------------------------------

    def test_one_desks_token_neither_sees_nor_writes_the_others_calls(self):
        cid = self.call_id()
        zb = self.assertAllOk(self.pbx.missed(cid, CALLER))
        # The same PBX call id in the other desk is another call.
        nm = self.assertAllOk(self.nm_pbx.answered(cid, "300 555 0101", "agente"))
        self.assertNotEqual(zb["id"], nm["id"])
        self.assertEqual(nm["desk"], h.NM_DESK)
        self.assertEqual(nm["from"], "+573005550101")  # Colombia: the NM desk's region
        self.assertEqual(self.call(zb)["state"], "missed")
        self.assertProblem(self.agent.get("/api/v1/telephony/calls/%d" % nm["id"]), 404)
        self.assertProblem(self.nm_agent.get("/api/v1/telephony/calls/%d" % zb["id"]), 404)
        self.assertProblem(
            self.nm_agent.post("/api/v1/telephony/calls/%d/handled" % zb["id"]), 404)
        self.assertNotIn(zb["id"], self.missed_ids(self.nm_agent))
        self.assertIn(zb["id"], self.missed_ids())

    # Bad input ------------------------------------------------------------

    def test_malformed_events_are_400_and_write_nothing(self):
        cid = self.call_id()
        cases = [
            (b"{not json", "application/json", None),
            (b"[]", "application/json", None),
            (json.dumps({"call_id": cid}).encode(), "application/json", "event"),
            (json.dumps({"event": "ring", "call_id": cid}).encode(), "application/json", "event"),
            (json.dumps({"event": "answer"}).encode(), "application/json", "call_id"),
            (json.dumps({"event": "new_call", "call_id": cid, "direction": "up"}).encode(),
             "application/json", "direction"),
            (json.dumps({"event": "hangup", "call_id": cid, "cause": "boom"}).encode(),
             "application/json", "cause"),
            (json.dumps({"event": "hangup", "call_id": cid, "time": "yesterday"}).encode(),
             "application/json", "time"),
            (json.dumps({"event": "new_call", "call_id": cid, "direction": "in",
                         "from": "a\u202eb"}).encode(), "application/json", "from"),
            (json.dumps({"event": "new_call", "call_id": cid, "direction": "in",
                         "users": ["x"] * 21}).encode(), "application/json", "users"),
            (json.dumps({"event": "answer", "call_id": cid, "user": {"a": 1}}).encode(),
             "application/json", "user"),
            (json.dumps({"event": "answer", "call_id": "c" * 129}).encode(),
             "application/json", "call_id"),
            (json.dumps({"event": "answer", "call_id": cid, "user": "u" * 65}).encode(),
             "application/json", "user"),
            (b"event=answer&callId=%ZZ", "application/x-www-form-urlencoded", None),
            (b"event=answer&callId=" + cid.encode(), "text/plain", "Content-Type"),
        ]
        for body, ctype, field in cases:
            with self.subTest(body=body[:60], ctype=ctype):
                self.assertProblem(self.pbx.post_raw(body, ctype), 400, field)
        # Nothing was written for this call: its first real event makes it.
        r = self.pbx.answer(cid, "201")
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json()["duplicate"])
        self.assertIsNone(r.json()["call"]["direction"])

    def test_a_huge_body_is_413(self):
        body = json.dumps({"event": "new_call", "call_id": self.call_id(), "direction": "in",
                           "queue": "q" * (20 << 10)}).encode()
        self.assertProblem(self.pbx.post_raw(body, "application/json"), 413)

    def test_a_flood_of_events_for_one_call_is_bounded(self):
        cid = self.call_id()
        first = self.pbx.new_call(cid, CALLER)
        self.assertEqual(first.status, 200, first)
        for i in range(31):
            r = self.pbx.transfer(cid, "t%d" % i, t=i)
            self.assertEqual(r.status, 200, r)
        before = self.call(r.json()["call"])
        self.assertEqual(before["transferred_to"], "t30")
        r = self.pbx.transfer(cid, "t-more")
        self.assertProblem(r, 429)
        self.assertProblem(self.pbx.hangup(cid), 429)
        self.assertEqual(self.call(before), before)


class SqliteTelephonyTest(TelephonyCase):
    use_postgres = False


class PostgresTelephonyTest(TelephonyCase):
    use_postgres = True


del TelephonyCase

if __name__ == "__main__":
    unittest.main()
