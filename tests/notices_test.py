"""Dispatch notices over HTTP (avisos de emergencia, ZB-2 … ZB-9, G-1, G-3):
EME numbering, idempotent creation by the dispatch system's external id (also
when retries race each other, on SQLite and on two PostgreSQL nodes), phones
normalised to E.164 and refused when equal or invalid, the visit day against
the desk's local date on a virtual clock, updates with optimistic versions,
closing apta / no_apta once, who may do what, and bad input that writes
nothing.

The notices are the demo's ZB desk's (abastible-zb, America/Santiago: the ZB
protocol is Chilean), with its users (h.DEMO_USERS) and customers; the
installation's own time zone is UTC, so the local date judged is the desk's.
"""

import datetime as dt
import itertools
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from postgres_nodes_test import fresh_database, shared_server_url  # noqa: E402

_names = itertools.count(1)
_keys = itertools.count(1)


def run_together(fns, timeout=120):
    """Runs the functions in threads released at once; returns their results in order."""
    results = [None] * len(fns)
    errors = []
    barrier = threading.Barrier(len(fns))

    def run(i):
        try:
            barrier.wait(30)
            results[i] = fns[i]()
        except BaseException as e:  # reported below, on the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if errors:
        raise errors[0]
    return results


def new_customer(client):
    body = {"legal_name": "Granel de Prueba %d SpA" % next(_names), "segment": "granel"}
    r = client.post("/api/v1/customers", body)
    if r.status != 201:
        raise AssertionError("creating a customer failed: %r" % r)
    return r.json()["id"]


def external_id():
    return "WD-%d-%d" % (os.getpid(), next(_keys))


def notice_body(customer_id, visit_day, **extra):
    body = {"customer_id": customer_id, "visit_day": visit_day,
            "location_ref": "Parcela 12, camino a Lampa; portón verde",
            "phone_1": "9 6123 4567", "phone_2": "(2) 2345-6789",
            "observations": "Cliente granel con bloqueo ZB; coordina visita en la mañana"}
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


class NoticeCase(h.TestCase):
    """A demo-seeded server on a virtual clock; every client acts in the ZB desk
    (America/Santiago), while the installation's zone is UTC."""

    # Tuesday 2026-11-24 09:00 in Santiago (UTC-3 in summer).
    clock_start = "2026-11-24T12:00:00Z"
    today = "2026-11-24"

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, virtual_clock=True, clock_start=cls.clock_start,
                              env={"ATIENDE_TIME_ZONE": "UTC"}, desk=h.ZB_DESK)
        cls._sessions = []
        try:
            cls.server.start()
            cls.clients = {role: cls.login(user) for role, user in h.DEMO_USERS.items()}
            cls.dispatch = cls.clients["dispatch"]
            cls.sup = cls.clients["supervisor"]
            cls.admin = cls.clients["admin"]
            cls.customer = new_customer(cls.sup)
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def login(cls, username):
        client = cls.server.login(username)
        cls._sessions.append((client, username))
        return client

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def set_clock(self, when):
        r = self.admin.post("/api/v1/clock", {"now": when})
        self.assertEqual(r.status, 200, r)
        for client, username in self._sessions:  # sessions last 12 h of the clock
            self.assertEqual(client.login(username).status, 200)

    def create(self, client=None, status=201, **extra):
        body = notice_body(extra.pop("customer_id", self.customer), extra.pop("visit_day", self.today),
                           **extra)
        r = (client or self.dispatch).post("/api/v1/notices", body)
        self.assertEqual(r.status, status, r)
        n = r.json()
        self.assertEqual(r.header("Location"), "/api/v1/notices/" + n["number"])
        self.assertEqual(r.header("ETag"), '"v%d"' % n["version"])
        return n

    def notices(self, query="", client=None):
        r = (client or self.dispatch).get("/api/v1/notices?limit=500&" + query)
        self.assertEqual(r.status, 200, r)
        return r.json()["items"]

    def get(self, number, client=None):
        r = (client or self.dispatch).get("/api/v1/notices/" + number)
        self.assertEqual(r.status, 200, r)
        return r.json()


class CreateTest(NoticeCase):
    def test_create_numbers_from_eme_and_normalises_the_phones(self):
        c = new_customer(self.sup)
        n = self.create(customer_id=c)
        self.assertRegex(n["number"], r"^EME\d{7}$")
        self.assertEqual((n["state"], n["outcome"], n["version"]), ("open", None, 1))
        self.assertEqual((n["phone_1"], n["phone_2"]), ("+56961234567", "+56223456789"))
        self.assertEqual(n["visit_day"], self.today)
        self.assertEqual(n["customer_id"], c)
        self.assertTrue(n["has_visit"])
        self.assertIsNone(n["external_id"])
        self.assertIsNone(n["closed_at"])
        self.assertEqual(n["created_at"], n["updated_at"])
        self.assertEqual(self.get(n["number"].lower()), n, "numbers are case-insensitive")
        again = self.create(customer_id=c)
        self.assertEqual(int(again["number"][3:]), int(n["number"][3:]) + 1, "no gap")
        self.assertEqual([x["number"] for x in self.notices("customer_id=%d" % c)],
                         [again["number"], n["number"]], "newest first")
        self.assertProblem(self.dispatch.get("/api/v1/notices/EME9999999"), 404,
                           mentions="EME9999999")

    def test_a_dispatch_numbered_notice_may_come_without_a_visit(self):
        c = new_customer(self.sup)
        r = self.dispatch.post("/api/v1/notices", {"customer_id": c, "number": "av-2026-%d" % c,
                                                   "observations": "Creado en Web Despacho"})
        self.assertEqual(r.status, 201, r)
        n = r.json()
        self.assertEqual(n["number"], "AV-2026-%d" % c)
        self.assertFalse(n["has_visit"])
        self.assertIsNone(n["visit_day"])
        # ZB-4: the visit is written onto it later.
        url = "/api/v1/notices/" + n["number"]
        r = self.dispatch.patch(url, {"visit_day": "2026-11-27", "location_ref": "Fundo El Roble",
                                      "phone_1": "+56 9 8765 4321", "phone_2": "32 234 5678"},
                                headers={"If-Match": '"v1"'})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json()["has_visit"])
        self.assertEqual(r.json()["phone_2"], "+56322345678")
        self.assertEqual(r.json()["version"], 2)
        dup = self.dispatch.post("/api/v1/notices", {"customer_id": c, "number": n["number"]})
        self.assertProblem(dup, 409, "number")

    def test_a_retry_with_the_same_external_id_returns_the_notice(self):
        c = new_customer(self.sup)
        key = external_id()
        first = self.create(customer_id=c, external_id=key)
        self.assertEqual(first["external_id"], key)
        for _ in range(2):
            again = self.create(customer_id=c, external_id=key, status=200)
            self.assertEqual(again, first)
        self.assertEqual(len(self.notices("customer_id=%d" % c)), 1)
        # The key belongs to that notice: another customer cannot reuse it.
        other = new_customer(self.sup)
        r = self.dispatch.post("/api/v1/notices", notice_body(other, self.today, external_id=key))
        self.assertProblem(r, 409, "external_id", mentions=first["number"])
        self.assertEqual(self.notices("customer_id=%d" % other), [])

    def test_concurrent_retries_make_one_notice(self):
        c = new_customer(self.sup)
        key = external_id()
        body = notice_body(c, self.today, external_id=key)
        results = run_together([lambda: self.dispatch.post("/api/v1/notices", body)] * 12)
        self.assertEqual(sorted(r.status for r in results), [200] * 11 + [201], results)
        self.assertEqual({r.json()["number"] for r in results}, {results[0].json()["number"]})
        listed = self.notices("customer_id=%d" % c)
        self.assertEqual([n["number"] for n in listed], [results[0].json()["number"]])
        # The lost races used no number.
        nxt = self.create(customer_id=c)
        self.assertEqual(int(nxt["number"][3:]), int(listed[0]["number"][3:]) + 1)

    def test_concurrent_creations_with_different_keys_get_gapless_numbers(self):
        c = new_customer(self.sup)
        bodies = [notice_body(c, self.today, external_id=external_id()) for _ in range(10)]
        results = run_together([lambda b=b: self.dispatch.post("/api/v1/notices", b)
                                for b in bodies])
        self.assertEqual([r.status for r in results], [201] * 10, results)
        numbers = sorted(int(r.json()["number"][3:]) for r in results)
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 10)))


class PhonesAndDaysTest(NoticeCase):
    def test_equal_or_invalid_phones_are_refused_naming_the_field(self):
        c = new_customer(self.sup)
        cases = [
            ({"phone_2": "+56 9 6123 4567"}, "phone_2"),   # phone_1 spelled another way
            ({"phone_2": "0056961234567"}, "phone_2"),
            ({"phone_1": "nueve uno dos"}, "phone_1"),
            ({"phone_1": "1234"}, "phone_1"),
            ({"phone_2": "+1234567890123456"}, "phone_2"),
            ({"phone_1": "9 6123 4567 ext 3"}, "phone_1"),
            ({"phone_2": None}, "phone_2"),
            ({"phone_1": ""}, "phone_1"),
        ]
        for change, field in cases:
            with self.subTest(change=change):
                body = notice_body(c, self.today, **change)
                if change.get("phone_2", 1) is None:
                    body.pop("phone_2", None)
                p = self.assertProblem(self.dispatch.post("/api/v1/notices", body), 400, field)
                self.assertEqual(p["code"], "invalid_argument")
        self.assertEqual(self.notices("customer_id=%d" % c), [])

    def test_the_visit_day_is_judged_in_the_desks_time_zone(self):
        c = new_customer(self.sup)
        # 02:30 UTC on the 26th is still 23:30 on the 25th in Santiago.
        self.set_clock("2026-11-26T02:30:00Z")
        r = self.dispatch.post("/api/v1/notices", notice_body(c, "2026-11-24"))
        self.assertProblem(r, 400, "visit_day", mentions=["past", "2026-11-25", "America/Santiago"])
        self.assertEqual(self.create(customer_id=c, visit_day="2026-11-25")["visit_day"],
                         "2026-11-25", "today in Santiago, though the 26th in UTC")
        self.set_clock("2026-11-26T03:30:00Z")  # 00:30 on the 26th in Santiago
        r = self.dispatch.post("/api/v1/notices", notice_body(c, "2026-11-25"))
        self.assertProblem(r, 400, "visit_day")
        self.assertEqual(len(self.notices("customer_id=%d" % c)), 1)
        self.set_clock(self.clock_start)

    def test_bad_dates_are_refused(self):
        c = new_customer(self.sup)
        for day in ("2026-02-30", "26/11/2026", "mañana", "2026-11-24T10:00:00Z"):
            with self.subTest(day=day):
                self.assertProblem(self.dispatch.post("/api/v1/notices", notice_body(c, day)), 400,
                                   "visit_day")
        self.assertEqual(self.notices("customer_id=%d" % c), [])


class LifecycleTest(NoticeCase):
    def test_updates_move_version_and_updated_at(self):
        n = self.create()
        url = "/api/v1/notices/" + n["number"]
        self.set_clock("2026-11-24T15:00:00Z")
        r = self.dispatch.patch(url, {"observations": "Cliente confirma visita 10:00", "version": 1})
        self.assertEqual(r.status, 200, r)
        u = r.json()
        self.assertEqual((u["version"], u["observations"]), (2, "Cliente confirma visita 10:00"))
        self.assertEqual(dt.datetime.fromisoformat(u["updated_at"].replace("Z", "+00:00")),
                         dt.datetime(2026, 11, 24, 15, tzinfo=dt.timezone.utc))
        self.assertEqual(u["created_at"], n["created_at"])
        self.assertEqual(r.header("ETag"), '"v2"')
        stale = self.dispatch.patch(url, {"observations": "otra"}, headers={"If-Match": '"v1"'})
        self.assertEqual(self.assertProblem(stale, 409)["code"], "version_conflict")
        same = self.dispatch.patch(url, {"observations": "Cliente confirma visita 10:00"})
        self.assertEqual(same.json()["version"], 2, "a change that changes nothing")
        r = self.dispatch.patch(url, {"phone_2": "+56961234567"})
        self.assertProblem(r, 400, "phone_2")
        r = self.dispatch.patch(url, {"visit_day": "2026-11-20"})
        self.assertProblem(r, 400, "visit_day")
        r = self.dispatch.patch(url, {"location_ref": ""})
        self.assertProblem(r, 400, "location_ref")
        self.assertEqual(self.get(n["number"])["version"], 2)
        self.set_clock(self.clock_start)

    def test_close_apta_and_no_apta_once(self):
        fit = self.create()
        r = self.dispatch.post("/api/v1/notices/%s/close" % fit["number"], {"outcome": "apta"})
        self.assertEqual(r.status, 200, r)
        closed = r.json()
        self.assertEqual((closed["state"], closed["outcome"], closed["version"]),
                         ("closed", "apta", 2))
        self.assertIsNotNone(closed["closed_at"])
        again = self.dispatch.post("/api/v1/notices/%s/close" % fit["number"],
                                   {"outcome": "no_apta", "observations": "x"})
        self.assertEqual(self.assertProblem(again, 409, mentions=fit["number"])["code"],
                         "notice_closed")
        edit = self.dispatch.patch("/api/v1/notices/" + fit["number"], {"observations": "x"})
        self.assertEqual(self.assertProblem(edit, 409)["code"], "notice_closed")
        self.assertEqual(self.get(fit["number"]), closed)

        unfit = self.create(client=self.sup)
        url = "/api/v1/notices/%s/close" % unfit["number"]
        self.assertProblem(self.sup.post(url, {"outcome": "no_apta"}), 400, "observations")
        self.assertProblem(self.sup.post(url, {"outcome": "rechazada"}), 400, "outcome")
        self.assertProblem(self.sup.post(url, {}), 400, "outcome")
        self.assertProblem(self.sup.post(url, {"outcome": "apta", "version": 5}), 409)
        r = self.sup.post(url, {"outcome": "no_apta",
                                "observations": "Regulador con fuga; no se abastece"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["outcome"], r.json()["technician_observations"]),
                         ("no_apta", "Regulador con fuga; no se abastece"))
        states = {n["number"]: n["state"] for n in self.notices("state=closed")}
        self.assertEqual(states.get(fit["number"]), "closed")
        self.assertNotIn(fit["number"], {n["number"] for n in self.notices("state=open")})
        self.assertProblem(self.dispatch.get("/api/v1/notices?state=cerrado"), 400, "state")
        self.assertProblem(self.dispatch.post("/api/v1/notices/EME9999999/close",
                                              {"outcome": "apta"}), 404)


class RolesAndBadInputTest(NoticeCase):
    def test_who_may_read_and_write(self):
        n = self.create()
        url = "/api/v1/notices/" + n["number"]
        for role in ("agent", "back_office", "supervisor", "dispatch", "admin"):
            with self.subTest(role=role, op="read"):
                self.assertEqual(self.clients[role].get(url).status, 200)
                self.assertEqual(self.clients[role].get("/api/v1/notices").status, 200)
        for role in ("agent", "back_office", "customer"):
            with self.subTest(role=role, op="write"):
                c = self.clients[role]
                self.assertProblem(c.post("/api/v1/notices", notice_body(self.customer, self.today)),
                                   403)
                self.assertProblem(c.patch(url, {"observations": "x"}), 403)
                self.assertProblem(c.post(url + "/close", {"outcome": "apta"}), 403)
        customer = self.clients["customer"]
        self.assertProblem(customer.get(url), 403)
        self.assertProblem(customer.get("/api/v1/notices"), 403)
        self.assertEqual(self.get(n["number"]), n, "refused writes changed nothing")
        self.assertEqual(self.create(client=self.admin)["state"], "open")
        # The notice is the ZB desk's: from the NM desk it does not exist.
        nm = self.server.login(h.NM_USERS["agent"], desk=h.NM_DESK)
        self.assertProblem(nm.get(url), 404)
        nm_sup = self.server.login(h.NM_USERS["supervisor"], desk=h.NM_DESK)
        self.assertProblem(nm_sup.patch(url, {"observations": "x"}), 404)
        self.assertEqual(self.get(n["number"]), n)

    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self):
        c = new_customer(self.sup)
        cases = [
            ({"customer_id": None}, "customer_id"),
            ({"customer_id": "diez"}, "customer_id"),
            ({"customer_id": 987654321}, "customer_id"),
            ({"colour": "red"}, "colour"),
            ({"visit_day": 20261124}, "visit_day"),
            ({"visit_day": None}, "visit_day"),
            ({"location_ref": "   "}, "location_ref"),
            ({"location_ref": "x" * 501}, "location_ref"),
            ({"observations": "x" * (16 * 1024 + 1)}, "observations"),
            ({"number": "EME0000042"}, "number"),
            ({"number": "AV 12"}, "number"),
            ({"number": "AV/12"}, "number"),
            ({"external_id": "k" * 201}, "external_id"),
        ]
        for change, field in cases:
            with self.subTest(field=field, change=change):
                body = notice_body(c, self.today)
                body.update(change)
                body = {k: v for k, v in body.items() if v is not None}
                self.assertProblem(self.dispatch.post("/api/v1/notices", body), 400, field)
        self.assertProblem(self.dispatch.post("/api/v1/notices", b"{\"customer_id\": ",
                                              content_type="application/json"), 400, "body")
        self.assertEqual(self.notices("customer_id=%d" % c), [])
        self.assertEqual(self.create(customer_id=c)["customer_id"], c)


class PostgresNoticesTest(h.TestCase):
    """Two nodes on one PostgreSQL database: retries racing each other across
    nodes still make one notice, and numbers stay gapless."""

    @classmethod
    def setUpClass(cls):
        cls.url = fresh_database(shared_server_url())
        env = {"ATIENDE_DATABASE_URL": cls.url, "ATIENDE_TIME_ZONE": "America/Santiago"}
        cls.a = h.Server(env=env)
        cls.b = h.Server(env=env)
        try:
            cls.a.start()  # runs the migrations
            cls.b.start()
            r = h.cli(["user", "add", "despacho", "--role", "dispatch", "--password-stdin"],
                      stdin="despacho-password-1\n", env={"ATIENDE_DATABASE_URL": cls.url})
            if r.code != 0:
                raise AssertionError(r)
            cls.ca = cls.a.login("despacho", "despacho-password-1")
            cls.cb = cls.b.login("despacho", "despacho-password-1")
            r = h.cli(["user", "add", "jefa", "--role", "supervisor", "--password-stdin"],
                      stdin="jefa-password-1\n", env={"ATIENDE_DATABASE_URL": cls.url})
            if r.code != 0:
                raise AssertionError(r)
            cls.customer = new_customer(cls.a.login("jefa", "jefa-password-1"))
        except BaseException:
            for s in (cls.a, cls.b):
                s.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            h.stop_checked(cls.a)
        finally:
            h.stop_checked(cls.b)

    def test_retries_racing_on_two_nodes_make_one_notice(self):
        # These nodes run on the real clock: tomorrow is not past in any zone.
        tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
        key = external_id()
        body = notice_body(self.customer, tomorrow, external_id=key)
        fns = [lambda c=c: c.post("/api/v1/notices", body) for c in (self.ca, self.cb) * 6]
        results = run_together(fns)
        self.assertEqual(sorted(r.status for r in results), [200] * 11 + [201], results)
        self.assertEqual({r.json()["number"] for r in results}, {"EME0000001"})
        r = self.ca.get("/api/v1/notices?customer_id=%d" % self.customer)
        self.assertEqual([n["number"] for n in r.json()["items"]], ["EME0000001"])
        # Different keys at once on both nodes: gapless, unique numbers.
        bodies = [notice_body(self.customer, tomorrow, external_id=external_id())
                  for _ in range(8)]
        fns = [lambda c=c, b=b: c.post("/api/v1/notices", b)
               for c, b in zip((self.ca, self.cb) * 4, bodies)]
        results = run_together(fns)
        self.assertEqual([r.status for r in results], [201] * 8, results)
        self.assertEqual(sorted(r.json()["number"] for r in results),
                         ["EME%07d" % n for n in range(2, 10)])
        closed = self.cb.post("/api/v1/notices/EME0000001/close", {"outcome": "apta"})
        self.assertEqual(closed.status, 200, closed)
        self.assertEqual(self.ca.get("/api/v1/notices/EME0000001").json()["state"], "closed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
