"""The server as an operator sees it: graceful shutdown, durability across a
crash, metrics, the virtual clock and the OpenAPI document (G-5).
"""

import http.client
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "lifecycle-pw-1"


def start_with_users(server, *users):
    """Adds (name, role) users with PASSWORD, then starts the server."""
    try:
        for name, role in users:
            h.add_user(server.data_dir, name, role, PASSWORD)
        return server.start()
    except BaseException:
        server.cleanup()
        raise


class GracefulShutdownTest(h.TestCase):
    ROWS = 100_000  # an import that takes a few seconds

    def test_sigterm_lets_the_in_flight_import_finish(self):
        server = start_with_users(h.Server(), ("jefa", "admin"))
        self.addCleanup(server.cleanup)
        admin = server.login("jefa", PASSWORD)
        tsv = ("CLIENTES\tCODIGO\tTECNOLOGIA\n" + "".join(
            "Empresa Masiva %06d S.A.\tM%06d\tLegacy sin Out\n" % (i, i)
            for i in range(self.ROWS))).encode()
        sent = threading.Event()
        result = {}

        def upload():
            try:
                # Chunked, so the test exercises shutdown whatever the
                # Content-Length limits of the session layer are.
                result["resp"] = admin.request("POST", "/api/v1/customers/import", tsv,
                                               content_type="text/tab-separated-values",
                                               chunked=True, on_sent=sent.set)
                result["answered"] = time.monotonic()
            except Exception as e:  # reported below
                result["error"] = e
                sent.set()

        t = threading.Thread(target=upload)
        t.start()
        self.assertTrue(sent.wait(60), "the upload did not finish sending")
        time.sleep(0.3)  # the server is now parsing and writing rows
        started = time.monotonic()
        server.terminate()
        # New work is refused while draining: no connection, or 503.
        time.sleep(0.2)
        if server.alive():
            try:
                r = server.client().get("/api/v1/session", timeout=5)
                self.assertEqual(r.status, 503, r)
            except OSError:
                pass
        t.join(120)
        self.assertFalse(t.is_alive(), "the import never answered")
        self.assertNotIn("error", result, "the in-flight request was cut off: %r"
                         % result.get("error"))
        r = result["resp"]
        self.assertGreater(result["answered"], started,
                           "the import finished before SIGTERM; make it larger")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["created"], self.ROWS, r)
        code = server.wait(60)
        self.assertEqual(code, 0, server.log_text()[-3000:])
        self.assertLess(time.monotonic() - started, 60)
        events = [json.loads(line).get("event") for line in server.log_text().splitlines()
                  if line.startswith("{")]
        self.assertIn("shutdown", events)
        self.assertEqual(events[-1], "shutdown.done", events[-5:])

        # Everything acknowledged is there after a restart.
        again = h.Server(data_dir=server.data_dir)
        self.addCleanup(again.cleanup)
        again.start()
        admin = again.login("jefa", PASSWORD)
        t0 = time.monotonic()
        first = h.search(admin, "Empresa Masiva 000000").json()["items"]
        first_search = time.monotonic() - t0
        self.assertEqual(first[0]["code"], "M000000", first[:1])
        last = h.search(admin, "Empresa Masiva %06d" % (self.ROWS - 1)).json()["items"]
        self.assertEqual(last[0]["code"], "M%06d" % (self.ROWS - 1), last[:1])
        page = admin.get("/api/v1/customers?after=%d&limit=100" % last[0]["id"]).json()
        self.assertEqual(page["items"], [])
        self.assertEqual(last[0]["id"] - first[0]["id"], self.ROWS - 1)
        with self.subTest("NM-2: the first search after a restart answers at typing speed"):
            self.assertLess(first_search, 3.0, "the first search on a %d-customer master took "
                            "%.1f s" % (self.ROWS, first_search))
        self.assertEqual(again.stop(), 0)

    def test_idle_server_stops_promptly(self):
        server = start_with_users(h.Server())
        self.addCleanup(server.cleanup)
        # An idle keep-alive connection must not hold the shutdown up.
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/healthz")
        self.assertEqual(conn.getresponse().read() and 200, 200)
        started = time.monotonic()
        self.assertEqual(server.stop(timeout=10), 0)
        self.assertLess(time.monotonic() - started, 5, "an idle connection delayed shutdown")
        conn.close()


class DurabilityTest(h.TestCase):
    THREADS = 6
    TARGET = 150  # acknowledged creates before the crash

    def test_acknowledged_creates_survive_kill_9(self):
        data_dir = tempfile.mkdtemp(prefix="atiende-durable-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        server = start_with_users(h.Server(data_dir=data_dir), ("jefa", "admin"))
        self.addCleanup(server.cleanup)
        token = server.cli(["token", "create", "jefa"]).stdout.strip()
        acked, lock, stop = [], threading.Lock(), threading.Event()
        errors = []

        def writer(n):
            c = server.client(token=token)
            i = 0
            while not stop.is_set():
                name = "Durable Hilo %d Numero %d S.A." % (n, i)
                try:
                    r = c.post("/api/v1/customers", {"legal_name": name, "code": "D%d-%d" % (n, i)},
                               timeout=10)
                except (OSError, http.client.HTTPException):
                    return  # the server is gone
                if r.status != 201:
                    errors.append(r)
                    return
                with lock:
                    acked.append((r.json()["id"], name))
                i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(self.THREADS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < self.TARGET and time.monotonic() < deadline and not errors:
            time.sleep(0.01)
        server.kill()  # while writers are still sending
        stop.set()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
        self.assertGreaterEqual(len(acked), self.TARGET)
        ids = [i for i, _ in acked]
        self.assertEqual(len(ids), len(set(ids)), "two creates were acknowledged with one id")

        again = h.Server(data_dir=data_dir)
        self.addCleanup(again.cleanup)
        again.start()
        c = again.client(token=token)
        missing = []
        for cid, name in acked:
            r = c.get("/api/v1/customers/%d" % cid)
            if r.status != 200 or r.json()["legal_name"] != name:
                missing.append((cid, name, r.status))
        self.assertEqual(missing, [], "acknowledged customers lost in the crash")
        # The search index survived too.
        cid, name = acked[-1]
        self.assertIn(cid, [x["id"] for x in h.search(c, name).json()["items"]])
        self.assertEqual(again.stop(), 0)


METRIC = re.compile(r'^(\w+)\{(.*)\} (\S+)$')


def parse_metrics(text):
    """{(name, frozenset(labels)): value}"""
    out = {}
    for line in text.splitlines():
        m = METRIC.match(line)
        if m:
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            out[(m.group(1), labels)] = float(m.group(3))
    return out


class MetricsTest(h.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_with_users(h.Server(), ("ana", "agent"))
        cls.agent = cls.server.login("ana", PASSWORD)

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.server.stop() == 0
        finally:
            cls.server.cleanup()

    def metrics(self):
        r = self.server.client().get("/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "text/plain", r)
        return r.text, parse_metrics(r.text)

    def value(self, parsed, name, **labels):
        return parsed.get((name, frozenset(labels.items())), 0.0)

    def test_requests_are_counted_by_route_and_code(self):
        _, before = self.metrics()
        for q in ("alpina", "colpatria", "rcn"):
            self.assertEqual(h.search(self.agent, q).status, 200)
        self.assertEqual(self.agent.get("/api/v1/customers/424242").status, 404)
        self.assertEqual(self.server.client().get("/api/v1/customers").status, 401)
        text, after = self.metrics()
        self.assertIn("# TYPE atiende_http_requests_total counter", text)
        route = "GET /api/v1/customers"
        self.assertEqual(self.value(after, "atiende_http_requests_total", route=route, code="200")
                         - self.value(before, "atiende_http_requests_total", route=route,
                                      code="200"), 3)
        self.assertEqual(self.value(after, "atiende_http_requests_total", route=route, code="401")
                         - self.value(before, "atiende_http_requests_total", route=route,
                                      code="401"), 1)
        self.assertEqual(self.value(after, "atiende_http_requests_total",
                                    route="GET /api/v1/customers/{id}", code="404"), 1,
                         "routes are labelled by pattern, not by concrete path")
        self.assertNotIn("424242", text, "concrete ids must not become label values")

    def test_latency_histogram(self):
        _, before = self.metrics()
        for _ in range(2):
            self.assertEqual(h.search(self.agent, "colombina").status, 200)
        text, after = self.metrics()
        self.assertIn("# TYPE atiende_http_request_duration_seconds histogram", text)
        route = "GET /api/v1/customers"
        buckets = []
        for (name, labels), v in after.items():
            d = dict(labels)
            if name == "atiende_http_request_duration_seconds_bucket" and d.get("route") == route:
                le = float("inf") if d["le"] == "+Inf" else float(d["le"])
                buckets.append((le, v))
        buckets.sort()
        self.assertGreaterEqual(len(buckets), 5, buckets)
        self.assertEqual(buckets[-1][0], float("inf"))
        counts = [v for _, v in buckets]
        self.assertEqual(counts, sorted(counts), "buckets must be cumulative")
        count = self.value(after, "atiende_http_request_duration_seconds_count", route=route)
        self.assertEqual(count, buckets[-1][1])
        self.assertEqual(count - self.value(before, "atiende_http_request_duration_seconds_count",
                                            route=route), 2)
        self.assertGreater(self.value(after, "atiende_http_request_duration_seconds_sum",
                                      route=route), 0)

    def test_virtual_clock_gauge_is_off(self):
        text, _ = self.metrics()
        self.assertRegex(text, r"(?m)^atiende_virtual_clock 0$")


class RealClockTest(h.TestCase):
    def test_clock_routes_do_not_exist_without_virtual_clock(self):
        server = start_with_users(h.Server(), ("jefa", "admin"))
        self.addCleanup(server.cleanup)
        admin = server.login("jefa", PASSWORD)
        self.assertProblem(admin.post("/api/v1/clock", {"advance": "PT72H"}), 404)
        self.assertProblem(admin.get("/api/v1/clock"), 404)
        self.assertEqual(server.stop(), 0)


class VirtualClockTest(h.TestCase):
    START = "2026-03-01T12:00:00Z"

    @classmethod
    def setUpClass(cls):
        cls.server = start_with_users(h.Server(virtual_clock=True, clock_start=cls.START),
                                      ("jefa", "admin"), ("ana", "agent"))
        # Bearer tokens (from the CLI, valid a year of real time): sessions would
        # expire as the clock moves. The tests keep the clock before that.
        def token(user):
            r = cls.server.cli(["token", "create", user, "--ttl-hours", "8784"])
            assert r.code == 0, r
            return r.stdout.strip()
        cls.admin = cls.server.client(token=token("jefa"))
        cls.agent = cls.server.client(token=token("ana"))

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.server.stop() == 0
        finally:
            cls.server.cleanup()

    def now(self):
        r = self.agent.get("/api/v1/clock")
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json()["virtual"], True)
        return r.json()["now"]

    def set_now(self, iso):
        r = self.admin.post("/api/v1/clock", {"now": iso})
        self.assertEqual(r.status, 200, r)
        return r.json()["now"]

    def test_admin_sets_and_advances_the_clock(self):
        self.assertEqual(self.set_now("2026-11-24T06:00:00Z"), "2026-11-24T06:00:00Z")
        r = self.admin.post("/api/v1/clock", {"advance": "PT72H"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["now"], "2026-11-27T06:00:00Z")
        self.assertEqual(self.now(), "2026-11-27T06:00:00Z", "the clock does not drift by itself")
        for step, expected in (("P1D", "2026-11-28T06:00:00Z"),
                               ("PT1H30M", "2026-11-28T07:30:00Z"),
                               ("P1W", "2026-12-05T07:30:00Z"),
                               ("PT45S", "2026-12-05T07:30:45Z")):
            r = self.admin.post("/api/v1/clock", {"advance": step})
            self.assertEqual(r.json()["now"], expected, step)
        # Offsets are understood and answered in UTC.
        self.assertEqual(self.set_now("2026-11-24T01:00:00-05:00"), "2026-11-24T06:00:00Z")

    def test_writes_are_stamped_with_virtual_time(self):
        self.set_now("2026-01-02T03:04:05Z")
        r = self.admin.post("/api/v1/customers", {"legal_name": "Reloj Virtual S.A."})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["created_at"], "2026-01-02T03:04:05Z")
        hist = self.admin.get("/api/v1/customers/%d/history" % r.json()["id"]).json()["items"]
        self.assertEqual(hist[0]["at"], "2026-01-02T03:04:05Z")

    def test_only_admin_moves_the_clock(self):
        before = self.now()
        self.assertProblem(self.agent.post("/api/v1/clock", {"advance": "PT72H"}), 403)
        self.assertProblem(self.server.client().post("/api/v1/clock", {"advance": "PT72H"}), 401)
        self.assertEqual(self.now(), before)

    def test_bad_clock_requests_are_400(self):
        before = self.set_now("2026-06-01T00:00:00Z")
        bad = [{"advance": "72h"}, {"advance": "PT"}, {"advance": "P"}, {"advance": ""},
               {"advance": "-PT1H"}, {"advance": "PT-1H"}, {"advance": "PT1.5H"},
               {"advance": "P5000D"}, {"advance": "PT99999999999999999999H"},
               {"advance": "P1DT"}, {"advance": "PT1H "}, {"advance": 72},
               {"now": "yesterday"}, {"now": "2026-13-01T00:00:00Z"},
               {"now": "2026-02-30T00:00:00Z"}, {"now": "2026-06-01"}, {"now": None},
               {}, {"now": "2026-06-02T00:00:00Z", "advance": "PT1H"}, {"speed": 2}]
        for body in bad:
            with self.subTest(body=body):
                r = self.admin.post("/api/v1/clock", body)
                p = self.assertProblem(r, 400)
                # The problem names what was wrong: the member whose text is bad.
                key = list(body)[0] if len(body) == 1 else None
                if key in ("now", "advance") and isinstance(body[key], str):
                    self.assertEqual(p.get("field"), key, p)
                else:
                    self.assertIn(p.get("field"), ("body", key), p)
        self.assertEqual(self.now(), before, "a refused request moved the clock")
        self.assertProblem(self.admin.post("/api/v1/clock", b"not json",
                                           content_type="application/json"), 400, "body")

    def test_start_flag_is_honoured(self):
        server = start_with_users(h.Server(virtual_clock=True, clock_start="2031-05-06T07:08:09Z"),
                                  ("ana", "agent"))
        self.addCleanup(server.cleanup)
        r = server.login("ana", PASSWORD).get("/api/v1/clock")
        self.assertEqual(r.json()["now"], "2031-05-06T07:08:09Z")
        m = server.client().get("/metrics").text
        self.assertRegex(m, r"(?m)^atiende_virtual_clock 1$")
        self.assertEqual(server.stop(), 0)


class OpenApiTest(h.TestCase):
    def test_document_lists_every_route(self):
        server = start_with_users(h.Server())
        self.addCleanup(server.cleanup)
        r = server.client().get("/api/v1/openapi.json")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "application/json", r)
        doc = r.json()
        self.assertRegex(str(doc.get("openapi", "")), r"^3\.")
        self.assertIn("paths", doc, "the OpenAPI document has no paths")
        paths = doc["paths"]
        missing = []
        operation_ids = []
        for route in h.routes():
            op = paths.get(route["path"], {}).get(route["method"].lower())
            if op is None:
                missing.append(route["method"] + " " + route["path"])
                continue
            with self.subTest(route=route["method"] + " " + route["path"]):
                self.assertTrue(op.get("responses"), "no responses documented")
                # The name generated clients (web/src/api.gen.ts) know it by.
                self.assertRegex(op.get("operationId", ""), r"^[a-z][A-Za-z0-9]*$",
                                 "no lowerCamelCase operationId")
                operation_ids.append(op.get("operationId"))
                if "x-roles" in op and not route["public"]:
                    self.assertEqual(set(op["x-roles"]), route["roles"],
                                     "x-roles disagrees with routes.cc")
        self.assertEqual(missing, [], "routes missing from /api/v1/openapi.json")
        twice = sorted({i for i in operation_ids if operation_ids.count(i) > 1})
        self.assertEqual(twice, [], "operationIds used by more than one operation")
        # And nothing documented that the server does not serve.
        served = {(x["method"].lower(), x["path"]) for x in h.routes()}
        documented = {(m, p) for p, ops in paths.items() for m in ops
                      if m in ("get", "post", "put", "patch", "delete")}
        self.assertEqual(documented - served, set(), "documented but not served")
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
