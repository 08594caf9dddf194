"""Live updates over HTTP (issue 7, "live"): GET /api/v1/events streams what
changed as Server-Sent Events, read from the audit log. Checked on the wire:
who may listen, what each role hears (a customer only its own company's
tickets; everyone only the desk the stream acts in), resuming with
Last-Event-ID, a reset when the gap is unknown, changes made outside the
server's API (a CLI import on the same data directory; another node on one
PostgreSQL database), the per-user limit, and a graceful stop with streams
open.
"""

import http.client
import itertools
import os
import queue
import re
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from postgres_nodes_test import fresh_database, shared_server_url  # noqa: E402
from tickets_test import new_customer, services, ticket_body  # noqa: E402

PORTAL_PASSWORD = "portal-password-1"
WAIT = 10.0  # seconds to hear of a change; the feed reads the log every 0.5 s


class EventReader:
    """One open GET /api/v1/events; a thread parses events into a queue."""

    def __init__(self, client, last_event_id=None, credentials=None):
        """credentials: headers to sign in with instead of the client's own. The
        stream acts in the client's desk (Client.desk), like its other requests."""
        hdrs = {"Accept": "text/event-stream",
                **(client.credentials() if credentials is None else credentials)}
        if last_event_id is not None:
            hdrs["Last-Event-ID"] = str(last_event_id)
        self.conn = http.client.HTTPConnection("127.0.0.1", client.server.port, timeout=60)
        self.conn.request("GET", client.with_desk("/api/v1/events"), headers=hdrs)
        self.sock = self.conn.sock  # the response takes it over from the connection
        self.resp = self.conn.getresponse()
        self.events = queue.Queue()
        self.ended = threading.Event()
        if self.resp.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = {}
        try:
            while True:
                line = self.resp.fp.readline()
                if not line:
                    break
                line = line.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if "event" in event or "data" in event:
                        self.events.put(event)
                    event = {}
                elif not line.startswith(":"):
                    key, _, value = line.partition(":")
                    event[key] = value[1:] if value.startswith(" ") else value
        except (OSError, ValueError, AttributeError):
            pass
        finally:
            self.ended.set()

    def next(self, timeout=WAIT):
        """The next event (a dict of its fields, data parsed), or AssertionError."""
        try:
            e = self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no event within %.0f s" % timeout)
        if "data" in e:
            e["data"] = h.json.loads(e["data"])
        return e

    def next_change(self, entity, entity_id, timeout=WAIT):
        """Skips other changes until one for entity/entity_id arrives."""
        deadline = time.monotonic() + timeout
        while True:
            e = self.next(max(0.1, deadline - time.monotonic()))
            d = e.get("data", {})
            if e.get("event") == "change" and d["entity"] == entity and d["id"] == entity_id:
                return e

    def quiet(self, seconds):
        """Every event that arrives within `seconds`."""
        out = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                out.append(self.next(max(0.05, deadline - time.monotonic())))
            except AssertionError:
                break
        return out

    def close(self):
        # Shut the socket down (the reading thread holds it open otherwise).
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.resp.close()
        self.conn.close()


class EventsTest(h.TestCase):
    """Tickets are the NM desk's: its users listen there unless told otherwise."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, desk=h.NM_DESK)
        cls.server.start()
        try:
            cls.sup = cls.server.login(h.NM_USERS["supervisor"])
            cls.sup_zb = cls.server.login(h.DEMO_USERS["supervisor"], desk=h.ZB_DESK)
            cls.agent = cls.server.login(h.NM_USERS["agent"])
            cls.mine = new_customer(cls.sup, "Eventos Andinos S.A.S.", services=services(*("EA-%d" % i for i in range(40))))
            cls.theirs = new_customer(cls.sup, "Otra Red de Eventos S.A.",
                                      services=services(*("OR-%d" % i for i in range(40))))
            h.add_user(cls.server.data_dir, "portal.eventos", "customer", PORTAL_PASSWORD,
                       customer=cls.mine["code"])
            cls.portal = cls.server.login("portal.eventos", PORTAL_PASSWORD)
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    services = itertools.count()

    def setUp(self):
        self.readers = []

    def tearDown(self):
        for r in self.readers:
            r.close()

    def listen(self, client, **kw):
        r = EventReader(client, **kw)
        self.readers.append(r)
        return r

    def open_ticket(self, customer, prefix):
        # One service per ticket: a second open ticket on a service is refused (NM).
        service = "%s-%d" % (prefix, next(self.services))
        r = self.agent.post("/api/v1/tickets", ticket_body(customer["id"], service))
        self.assertEqual(r.status, 201, r)
        return r.json()["number"]

    def test_without_credentials_it_is_401(self):
        r = self.server.client().get("/api/v1/events")
        self.assertProblem(r, 401)

    def test_an_agent_hears_of_a_ticket_opened_and_commented(self):
        ev = self.listen(self.agent)
        self.assertEqual(ev.resp.status, 200)
        self.assertEqual(ev.resp.getheader("Content-Type"), "text/event-stream; charset=utf-8")
        number = self.open_ticket(self.mine, "EA")
        e = ev.next_change("ticket", number)
        self.assertEqual(e["data"]["action"], "ticket.open")
        self.assertTrue(e["id"].isdigit(), e)
        self.assertNotIn("subject", e["data"], "the feed says what changed, not how")
        r = self.sup.post("/api/v1/tickets/%s/comments" % number, {"text": "Escalado a campo"})
        self.assertIn(r.status, (200, 201), r)
        e2 = ev.next_change("ticket", number)
        self.assertEqual(e2["data"]["action"], "ticket.comment")
        self.assertGreater(int(e2["id"]), int(e["id"]))

    def test_a_customer_hears_only_of_its_own_companys_tickets(self):
        ev = self.listen(self.portal)
        self.assertEqual(ev.resp.status, 200)
        other = self.open_ticket(self.theirs, "OR")
        r = self.sup.patch("/api/v1/customers/%d" % self.theirs["id"],
                           {"technology": "Legacy sin Out"})
        self.assertEqual(r.status, 200, r)  # a customer change: not for the portal either
        own = self.open_ticket(self.mine, "EA")
        first = ev.next()
        self.assertEqual((first["event"], first["data"]["id"]), ("change", own),
                         "the other company's ticket %s came first" % other)
        self.assertEqual(ev.quiet(1.0), [])

    def test_a_stream_hears_only_of_the_desk_it_acts_in(self):
        # The supervisor works in both desks: one stream per desk.
        nm = self.listen(self.sup)
        zb = self.listen(self.sup_zb)
        self.assertEqual((nm.resp.status, zb.resp.status), (200, 200))
        gas = new_customer(self.sup_zb, "Gas de Eventos Ltda.")  # the ZB desk's
        number = self.open_ticket(self.mine, "EA")                # the NM desk's
        first = nm.next()
        self.assertEqual((first["event"], first["data"]["entity"], first["data"]["id"]),
                         ("change", "ticket", number),
                         "the ZB desk's customer %d came first" % gas["id"])
        zb.next_change("customer", str(gas["id"]))
        self.assertNotIn(number, [e.get("data", {}).get("id") for e in zb.quiet(1.0)])

    def test_resuming_replays_what_was_missed_and_an_unknown_id_resets(self):
        ev = self.listen(self.agent)
        first = self.open_ticket(self.mine, "EA")
        seen = ev.next_change("ticket", first)["id"]
        ev.close()
        missed = [self.open_ticket(self.mine, "EA"), self.open_ticket(self.theirs, "OR")]
        again = self.listen(self.agent, last_event_id=seen)
        got = [again.next_change("ticket", n)["data"]["id"] for n in missed]
        self.assertEqual(got, missed)
        stale = self.listen(self.agent, last_event_id=1)
        self.assertEqual(stale.next()["event"], "reset")
        bad = EventReader(self.agent, last_event_id="yesterday")
        self.assertEqual(bad.resp.status, 400)
        bad.close()

    def test_changes_made_outside_this_server_are_heard(self):
        # A CLI import on the same SQLite file: no API request pokes the feed,
        # the feed's own reading of the log finds it.
        ev = self.listen(self.sup)
        path = os.path.join(self.server.data_dir, "import.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("CODIGO\tCLIENTES\nEVT-IMP-1\tImportada por Consola S.A.S.\n")
        r = self.server.cli(["import", "customers", path, "--desk", h.NM_DESK])
        self.assertEqual(r.code, 0, r)
        deadline = time.monotonic() + WAIT
        while True:
            e = ev.next(max(0.1, deadline - time.monotonic()))
            if e["event"] == "change" and e["data"]["action"] == "customer.create":
                break
        created = self.sup.get("/api/v1/customers/" + e["data"]["id"]).json()
        self.assertEqual(created["code"], "EVT-IMP-1")

    def test_one_user_may_not_open_unbounded_streams(self):
        client = self.server.login(h.DEMO_USERS["back_office"], desk=h.ZB_DESK)
        readers = [self.listen(client) for _ in range(16)]
        self.assertEqual([r.resp.status for r in readers], [200] * 16)
        extra = EventReader(client)
        self.assertProblem(h.Response(extra.resp.status, extra.resp.getheaders(), extra.resp.read()),
                           429, mentions="live connections")
        metrics = self.server.client().get("/metrics").text
        open_now = re.search(r"^atiende_live_streams (\d+)", metrics, re.M)
        self.assertTrue(open_now and int(open_now.group(1)) >= 16, metrics[-400:])
        self.assertIn("# TYPE atiende_live_changes_total counter", metrics)
        extra.close()
        readers[0].close()
        # The server notices the closed stream and frees its place.
        deadline = time.monotonic() + WAIT
        while True:
            retry = EventReader(client)
            if retry.resp.status == 200 or time.monotonic() > deadline:
                break
            retry.close()
            time.sleep(0.5)
        self.readers.append(retry)
        self.assertEqual(retry.resp.status, 200)


class LifetimeTest(h.TestCase):
    """live_stream_seconds: a stream ends at its lifetime even when nothing
    happens (not at the next 15 s heartbeat); the client resumes where it left
    off, and a signed-out session hears nothing more."""

    def test_a_stream_ends_at_its_lifetime_and_the_next_one_resumes(self):
        server = h.Server(seed=True, env={"ATIENDE_LIVE_STREAM_SECONDS": "2"}, desk=h.NM_DESK)
        server.start()
        readers = []
        try:
            sup = server.login(h.NM_USERS["supervisor"])
            customer = new_customer(sup, "Vida Util S.A.S.", services=services("VU-1"))
            ev = EventReader(sup)
            readers.append(ev)
            self.assertEqual(ev.resp.status, 200)
            r = sup.post("/api/v1/tickets", ticket_body(customer["id"], "VU-1"))
            self.assertEqual(r.status, 201, r)
            number = r.json()["number"]
            seen = ev.next_change("ticket", number)["id"]
            # Well before the first heartbeat (15 s): the lifetime, not a
            # heartbeat, ends an idle stream.
            self.assertTrue(ev.ended.wait(12), "the stream outlived its 2 s lifetime")
            r = sup.post("/api/v1/tickets/%s/comments" % number, {"text": "Mientras tanto"})
            self.assertIn(r.status, (200, 201), r)
            again = EventReader(sup, last_event_id=seen)
            readers.append(again)
            self.assertEqual(again.next_change("ticket", number)["data"]["action"], "ticket.comment")
            # Signed out while a stream is open: that stream ends at its
            # lifetime, and the browser's reconnection with the old cookie is
            # refused (the client's jar drops the cookie, so it is sent by hand).
            cookie = sup.credentials()
            self.assertIn("Cookie", cookie)
            self.assertEqual(sup.request("DELETE", "/api/v1/session").status, 204)
            self.assertTrue(again.ended.wait(12), "the signed-out session's stream went on")
            gone = EventReader(sup, last_event_id=seen, credentials=cookie)
            readers.append(gone)
            self.assertEqual(gone.resp.status, 401, "a signed-out session is not streamed to")
        finally:
            for r in readers:
                r.close()
            server.cleanup()

    def test_a_bad_lifetime_setting_is_refused_at_start(self):
        server = h.Server(env={"ATIENDE_LIVE_STREAM_SECONDS": "0"})
        try:
            with self.assertRaises(AssertionError) as e:
                server.start()
            self.assertIn("ATIENDE_LIVE_STREAM_SECONDS", str(e.exception))
        finally:
            server.cleanup()


class StopTest(h.TestCase):
    def test_sigterm_ends_open_streams_and_exits_cleanly(self):
        server = h.Server(seed=True)
        server.start()
        try:
            agent = server.login(h.NM_USERS["agent"])
            ev = EventReader(agent)
            self.assertEqual(ev.resp.status, 200)
            started = time.monotonic()
            self.assertEqual(server.stop(), 0, server.log_text())
            self.assertTrue(ev.ended.wait(5), "the stream did not end")
            self.assertLess(time.monotonic() - started, h.STOP_TIMEOUT)
            ev.close()
        finally:
            server.cleanup()


class TwoNodesEventsTest(h.TestCase):
    """A change made on node A is heard by a console connected to node B."""

    def test_a_change_on_one_node_is_heard_on_the_other(self):
        url = fresh_database(shared_server_url())
        env = {"ATIENDE_DATABASE_URL": url}
        a, b = h.Server(env=env), h.Server(env=env)
        try:
            a.start()
            b.start()
            r = h.cli(["user", "add", "jefa", "--role", "supervisor", "--password-stdin"],
                      stdin="jefa-password-1\n", env=env)
            self.assertEqual(r.code, 0, r)
            on_a = a.login("jefa", "jefa-password-1")
            on_b = b.login("jefa", "jefa-password-1")
            ev = EventReader(on_b)
            self.assertEqual(ev.resp.status, 200)
            cust = new_customer(on_a, "Nodos Andinos S.A.S.", services=services("NA-1"))
            r = on_a.post("/api/v1/tickets", ticket_body(cust["id"], "NA-1"))
            self.assertEqual(r.status, 201, r)
            ev.next_change("customer", str(cust["id"]))
            ev.next_change("ticket", r.json()["number"])
            ev.close()
        finally:
            for s in (a, b):
                try:
                    h.stop_checked(s)
                except AssertionError:
                    pass


if __name__ == "__main__":
    unittest.main()
