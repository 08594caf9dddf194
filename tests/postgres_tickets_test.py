"""Tickets on two `atiende serve` nodes sharing one PostgreSQL database (NM-6,
NM-10): numbers stay gapless and unique across nodes, one customer and
service cannot get two tickets from a race between nodes, and a resolved
ticket auto-closes exactly once while both nodes' jobs race for it."""

import datetime as dt
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from postgres_nodes_test import fresh_database, shared_server_url  # noqa: E402

WAIT = 15.0


def token(url):
    """An admin's API token (a year long: the virtual clocks move days ahead)."""
    env = {"ATIENDE_DATABASE_URL": url}
    r = h.cli(["user", "add", "jefa", "--role", "admin", "--password-stdin"],
              stdin="jefa-password-1\n", env=env)
    if r.code != 0:
        raise AssertionError(r)
    r = h.cli(["token", "create", "jefa", "--ttl-hours", "8784"], env=env)
    if r.code != 0:
        raise AssertionError(r)
    return r.stdout.strip()


def caller(name="Ana Gómez"):
    return {"name": name, "phone": "+57 300 555 0101"}


def incident(customer_id, service_id, subject="Sin servicio"):
    return {"kind": "incident", "category": "outage", "customer_id": customer_id,
            "service_id": service_id, "subject": subject, "caller": caller()}


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


class TwoNodeTicketsTest(h.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.url = fresh_database(shared_server_url())
        # Both nodes on virtual clocks starting near the real time (the token's
        # lifetime counts from the real time).
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        cls.start = (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        env = {"ATIENDE_DATABASE_URL": cls.url}
        cls.a = h.Server(virtual_clock=True, clock_start=cls.start, env=env)
        cls.b = h.Server(virtual_clock=True, clock_start=cls.start, env=env)
        try:
            cls.a.start()  # runs the migrations
            cls.b.start()
            cls.token = token(cls.url)
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

    def client(self, node):
        return node.client(self.token)

    def new_customer(self, name):
        # No list of services: any service id is accepted.
        r = self.client(self.a).post("/api/v1/customers", {"legal_name": name})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def all_numbers(self, kind):
        items, offset = [], 0
        while True:
            r = self.client(self.b).get("/api/v1/tickets?state=all&kind=%s&limit=500&offset=%d"
                                        % (kind, offset))
            self.assertEqual(r.status, 200, r)
            items += [t["number"] for t in r.json()["items"]]
            if r.json()["next_offset"] is None:
                return items
            offset = r.json()["next_offset"]

    def assertGapless(self, numbers, prefix):
        n = len(numbers)
        self.assertEqual(sorted(numbers), ["%s%07d" % (prefix, i) for i in range(1, n + 1)],
                         "every %s number from 1 to %d exactly once" % (prefix, n))

    def set_clocks(self, when):
        def set_on(node):
            return lambda: self.client(node).post("/api/v1/clock", {"now": when})
        for r in run_together([set_on(self.a), set_on(self.b)]):
            self.assertEqual(r.status, 200, r)

    def test_both_nodes_are_on_postgresql(self):
        for node in (self.a, self.b):
            self.assertEqual(node.client().get("/healthz").json()["backend"], "postgresql")

    def test_concurrent_openings_on_two_nodes_are_gapless(self):
        cid = self.new_customer("Numeración Distribuida S.A.S.")

        def opener(w):
            def run():
                node = self.a if w % 2 else self.b
                out = []
                for k in range(5):
                    out.append(self.client(node).post(
                        "/api/v1/tickets", incident(cid, "SVC-%d-%d" % (w, k))))
                    out.append(self.client(node).post("/api/v1/tickets", {
                        "kind": "requirement", "category": "change", "customer_id": cid,
                        "subject": "Cambio %d-%d" % (w, k), "caller": caller(),
                        "items": ["Ítem A %d-%d" % (w, k), "Ítem B %d-%d" % (w, k)]}))
                return out

            return run

        results = [r for batch in run_together([opener(w) for w in range(8)]) for r in batch]
        self.assertEqual([r.status for r in results], [201] * 80, [r for r in results if r.status != 201])
        cs = [r.json()["number"] for r in results if r.json()["kind"] == "incident"]
        reqs = [r.json() for r in results if r.json()["kind"] == "requirement"]
        self.assertEqual(len(set(cs)), 40)
        self.assertEqual(len({t["number"] for t in reqs}), 40)
        ritms = [i["number"] for t in reqs for i in t["items"]]
        self.assertEqual(len(set(ritms)), 80)
        # Across everything this database ever numbered (other tests included).
        self.assertGapless(self.all_numbers("incident"), "CS")
        reqs_all = self.all_numbers("requirement")
        self.assertGapless(reqs_all, "REQ")
        every_item = []
        for number in reqs_all:
            every_item += [i["number"] for i in self.client(self.a).get(
                "/api/v1/tickets/" + number).json()["items"]]
        self.assertGapless(every_item, "RITM")
        # Each item resolves to its own request on either node.
        t = reqs[0]
        for item in t["items"]:
            got = self.client(self.b).get("/api/v1/tickets/" + item["number"]).json()
            self.assertEqual((got["number"], got["requested_item"]), (t["number"], item["number"]))

    def test_an_opening_numbered_by_its_last_statement_carries_its_number_everywhere(self):
        # On PostgreSQL an incident is written under a placeholder and its number
        # is taken, and written over the placeholder, by the transaction's last
        # statement: the ticket, its call, its mail and its audit row all show it.
        r = self.client(self.a).post("/api/v1/customers", {
            "legal_name": "Numeración Tardía S.A.S.", "email": "noc@tardia.example"})
        self.assertEqual(r.status, 201, r)
        cid = r.json()["id"]
        opened = self.client(self.b).post("/api/v1/tickets", incident(cid, "SVC-LATE", "Caída total"))
        self.assertEqual(opened.status, 201, opened)
        number = opened.json()["number"]
        self.assertRegex(number, r"^CS[0-9]{7}$")
        self.assertTrue(opened.header("Location").endswith("/" + number), opened.headers)
        got = self.client(self.a).get("/api/v1/tickets/" + number)
        self.assertEqual((got.status, got.json()["number"]), (200, number), got)
        history = self.client(self.a).get("/api/v1/tickets/%s/history" % number)
        self.assertEqual(history.status, 200, history)
        self.assertIn("ticket.open", [e["action"] for e in history.json()["items"]], history.json())
        mails = self.client(self.a).get("/api/v1/mail?ticket=" + number).json()["items"]
        self.assertEqual(len(mails), 1, mails)
        self.assertIn(number, mails[0]["subject"] + mails[0].get("text", ""), mails[0])
        self.assertNotIn("CSX", str(mails[0]))
        timeline = self.client(self.a).get("/api/v1/customers/%d/timeline" % cid)
        self.assertEqual(timeline.status, 200, timeline)
        self.assertIn(number, str(timeline.json()))
        self.assertNotIn("CSX", str(timeline.json()) + str(history.json()) + str(got.json()))

    def test_the_same_service_opened_on_both_nodes_at_once_gives_one_ticket(self):
        cid = self.new_customer("Carrera de Aperturas S.A.")
        for k in range(12):
            service = "RACE-%d" % k
            body = incident(cid, service, "Caída reportada dos veces")
            a, b = run_together([lambda: self.client(self.a).post("/api/v1/tickets", body),
                                 lambda: self.client(self.b).post("/api/v1/tickets", body)])
            with self.subTest(service=service):
                self.assertEqual(sorted([a.status, b.status]), [201, 409], (a, b))
                won, lost = (a, b) if a.status == 201 else (b, a)
                p = self.assertProblem(lost, 409, mentions=won.json()["number"])
                self.assertEqual((p["code"], p["subject"]),
                                 ("blocked_by_unclosed_ticket", won.json()["number"]))
        tickets = self.client(self.a).get("/api/v1/tickets?state=all&limit=500&customer_id=%d"
                                          % cid).json()["items"]
        self.assertEqual(sorted(t["service"]["service_id"] for t in tickets),
                         sorted("RACE-%d" % k for k in range(12)), "one ticket per service")
        calls = self.client(self.b).get("/api/v1/interactions?limit=500&customer_id=%d" % cid).json()["items"]
        outcomes = sorted(c["outcome"] for c in calls)
        self.assertEqual(outcomes, ["blocked_by_unclosed_ticket"] * 12 + ["ticket_opened"] * 12,
                         "both calls logged every time")
        self.assertGapless(self.all_numbers("incident"), "CS")

    def test_comments_sent_at_once_through_both_nodes_all_land(self):
        # No version was sent, so none can be stale: each comment must be kept.
        cid = self.new_customer("Comentarios Simultáneos S.A.")
        r = self.client(self.a).post("/api/v1/tickets", incident(cid, "COM-1"))
        self.assertEqual(r.status, 201, r)
        url = "/api/v1/tickets/%s/comments" % r.json()["number"]

        def comment(k):
            node = self.a if k % 2 else self.b
            return lambda: self.client(node).post(url, {"text": "Comentario %d" % k})

        results = run_together([comment(k) for k in range(10)])
        self.assertEqual([r.status for r in results], [201] * 10,
                         [r for r in results if r.status != 201])
        t = self.client(self.b).get("/api/v1/tickets/" + r.json()["number"]).json()
        self.assertEqual(sorted(u["text"] for u in t["updates"] if u["kind"] == "comment"),
                         sorted("Comentario %d" % k for k in range(10)))
        self.assertEqual(t["version"], 11)

    def test_both_nodes_past_the_autoclose_time_close_each_ticket_once(self):
        cid = self.new_customer("Cierre Automático S.A.S.")
        t0 = dt.datetime.fromisoformat(self.start.replace("Z", "+00:00")) + dt.timedelta(days=30)
        self.set_clocks(t0.strftime("%Y-%m-%dT%H:%M:%SZ"))
        numbers = []
        for k in range(10):
            node = self.a if k % 2 else self.b
            r = self.client(node).post("/api/v1/tickets", incident(cid, "AUTO-%d" % k))
            self.assertEqual(r.status, 201, r)
            numbers.append(r.json()["number"])
            r = self.client(node).post("/api/v1/tickets/%s/resolve" % numbers[-1],
                                       {"resolution": "Se reinició el CPE"})
            self.assertEqual(r.status, 200, r)
        self.set_clocks((t0 + dt.timedelta(days=6, hours=23)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        time.sleep(1.5)
        for n in numbers:
            self.assertEqual(self.client(self.a).get("/api/v1/tickets/" + n).json()["state"], "resolved")

        self.set_clocks((t0 + dt.timedelta(days=7, minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))

        def all_closed():
            return all(self.client(self.b).get("/api/v1/tickets/" + n).json()["state"] == "closed"
                       for n in numbers)

        deadline = time.monotonic() + WAIT
        while not all_closed():
            if time.monotonic() > deadline:
                self.fail("the resolved tickets did not auto-close within %.0f s" % WAIT)
            time.sleep(0.1)
        time.sleep(2.5)  # both nodes' jobs run again; nothing closes twice
        for n in numbers:
            with self.subTest(number=n):
                t = self.client(self.a).get("/api/v1/tickets/" + n).json()
                self.assertEqual((t["state"], t["version"]), ("closed", 3))
                hist = self.client(self.b).get("/api/v1/tickets/%s/history" % n).json()["items"]
                self.assertEqual([e["action"] for e in hist],
                                 ["ticket.open", "ticket.resolve", "ticket.autoclose"])
                self.assertEqual(hist[-1]["actor"], "system")
                self.assertEqual([u["author"] for u in t["updates"]].count("system"), 1)
        for node in (self.a, self.b):
            self.assertTrue(node.alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
