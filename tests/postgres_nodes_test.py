"""Several `atiende serve` nodes on one PostgreSQL database, and PostgreSQL
going away under load (issue: PostgreSQL backend, items 4 and 5)."""
import os
import random
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from harness import Server, TestCase, cli

SOURCE = os.environ.get("ATIENDE_SOURCE", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_SCRIPT = os.path.join(SOURCE, "scripts", "pg-test-server")
PSQL = "/usr/bin/psql"


def shared_server_url():
    url = os.environ.get("ATIENDE_TEST_PG_URL")
    if not url and os.environ.get("ATIENDE_TEST_PG_URL_FILE"):
        with open(os.environ["ATIENDE_TEST_PG_URL_FILE"]) as f:
            url = f.read().strip()
    if not url:
        raise AssertionError("no PostgreSQL test server (ATIENDE_TEST_PG_URL[_FILE])")
    return url


def fresh_database(server_url):
    name = "it_%d_%d" % (os.getpid(), random.randrange(1 << 30))
    subprocess.run([PSQL, server_url, "-qc", "CREATE DATABASE " + name], check=True,
                   stdout=subprocess.DEVNULL, timeout=60)
    return server_url.rsplit("/", 1)[0] + "/" + name


def node(url, desk=None):
    """A server on the database at url; its clients act in desk (Server's desk)."""
    return Server(env={"ATIENDE_DATABASE_URL": url}, desk=desk)


def admin_token(url):
    env = {"ATIENDE_DATABASE_URL": url}
    r = cli(["user", "add", "boss", "--role", "admin", "--password-stdin"], stdin="boss-password\n",
            env=env)
    if r.code != 0:
        raise AssertionError(r)
    r = cli(["token", "create", "boss"], env=env)
    if r.code != 0:
        raise AssertionError(r)
    return r.stdout.strip()


class TwoNodesTest(TestCase):
    # The clients act in the installation's first desk, `main`: a test below
    # adds a second one, after which the admin must name the desk.
    DESK = "main"

    @classmethod
    def setUpClass(cls):
        cls.url = fresh_database(shared_server_url())
        # Both nodes start together on an empty database: migrations run once.
        cls.a, cls.b = node(cls.url, cls.DESK), node(cls.url, cls.DESK)
        starters = [threading.Thread(target=s.start) for s in (cls.a, cls.b)]
        for t in starters:
            t.start()
        for t in starters:
            t.join(30)
        cls.token = admin_token(cls.url)

    @classmethod
    def tearDownClass(cls):
        for s in (cls.a, cls.b):
            s.stop()
            s.cleanup()

    def test_both_nodes_report_postgresql(self):
        for s in (self.a, self.b):
            self.assertEqual(s.client().get("/healthz").json()["backend"], "postgresql")

    def test_concurrent_writes_through_both_nodes_all_land(self):
        created, failures = [], []
        lock = threading.Lock()

        def writer(i):
            server = self.a if i % 2 else self.b
            for k in range(25):
                r = server.client(self.token).post(
                    "/api/v1/customers", {"legal_name": "Nodo %d Empresa %d S.A.S." % (i, k)})
                with lock:
                    (created if r.status == 201 else failures).append(r)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(failures, [])
        self.assertEqual(len(created), 200)
        ids = {r.json()["id"] for r in created}
        self.assertEqual(len(ids), 200, "ids must be unique across nodes")
        for s in (self.a, self.b):
            names = {c["legal_name"] for c in harness.all_customers(s.client(self.token))}
            self.assertTrue({r.json()["legal_name"] for r in created} <= names)

    def wait_memory_search(self, server):
        """Until the node answers searches from its in-memory index (it logs
        search.memory_loaded once built): from then on, other nodes' writes
        reach it only through the change feed."""
        deadline = time.monotonic() + 30
        while "search.memory_loaded" not in server.log_text(since_start=True):
            if time.monotonic() > deadline:
                raise AssertionError("no search.memory_loaded:\n" + server.log_text()[-3000:])
            time.sleep(0.05)

    def search_until(self, server, query, predicate, seconds=15):
        """Searches on server until predicate(items) holds (the change feed
        polls every half second), or the deadline; returns the last items."""
        deadline = time.monotonic() + seconds
        while True:
            resp = harness.search(server.client(self.token), query)
            self.assertEqual(resp.status, 200, resp)
            items = resp.json()["items"]
            if predicate(items) or time.monotonic() > deadline:
                return items
            time.sleep(0.1)

    def test_a_write_on_one_node_is_found_by_search_on_the_other(self):
        for s in (self.a, self.b):
            self.wait_memory_search(s)
        r = self.a.client(self.token).post("/api/v1/customers",
                                           {"legal_name": "Lechería Quillayes Ltda.",
                                            "group": "GRUPO LÁCTEO"})
        self.assertEqual(r.status, 201, r)
        # On a: at once (its own commit). On b: through the change feed.
        hits = harness.search(self.a.client(self.token), "lecheria quillayes").json()["items"]
        self.assertEqual(hits[0]["legal_name"], "Lechería Quillayes Ltda.")
        named = lambda items: bool(items) and items[0]["legal_name"] == "Lechería Quillayes Ltda."
        self.assertTrue(named(self.search_until(self.b, "lecheria quillayes", named)))
        self.assertTrue(named(self.search_until(self.b, "quillaies", named)))  # a typo
        # A rename and a deletion on b reach a's index too.
        cid = r.json()["id"]
        renamed = self.b.client(self.token).patch(
            "/api/v1/customers/%d" % cid, {"legal_name": "Lácteos Quillayes Sur S.A.",
                                           "version": r.json()["version"]})
        self.assertEqual(renamed.status, 200, renamed)
        found = lambda items: any(i["id"] == cid for i in items)
        self.assertTrue(found(self.search_until(self.a, "lacteos quillayes sur", found)))
        self.assertFalse(found(self.search_until(self.a, "lecheria", lambda i: not found(i))))
        gone = self.b.client(self.token).delete("/api/v1/customers/%d" % cid)
        self.assertIn(gone.status, (200, 204), gone)
        self.assertFalse(found(self.search_until(self.a, "lacteos quillayes sur",
                                                 lambda i: not found(i))))

    def test_an_update_from_a_stale_node_copy_is_refused(self):
        c = self.a.client(self.token).post("/api/v1/customers", {"legal_name": "Versionada S.A."}).json()
        ok = self.a.client(self.token).patch("/api/v1/customers/%d" % c["id"],
                                             {"technology": "SDWAN", "version": c["version"]})
        self.assertEqual(ok.status, 200, ok)
        stale = self.b.client(self.token).patch("/api/v1/customers/%d" % c["id"],
                                                {"technology": "Legacy", "version": c["version"]})
        self.assertProblem(stale, 409)
        self.assertEqual(stale.json()["code"], "version_conflict")

    def test_a_desk_added_on_one_node_is_served_by_the_other(self):
        r = self.a.client(self.token).post("/api/v1/desks", {
            "id": "nodo-sur", "name": "Mesa Sur", "time_zone": "America/Santiago"})
        self.assertEqual(r.status, 201, r)
        # Node b learns of it from its periodic refresh (about a second).
        on_b = self.b.client(self.token, desk="nodo-sur")
        deadline = time.monotonic() + 15
        while on_b.get("/api/v1/customers").status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        made = on_b.post("/api/v1/customers", {"legal_name": "Sureña Dos Nodos S.A."})
        self.assertEqual(made.status, 201, made)
        path = "/api/v1/customers/%d" % made.json()["id"]
        self.assertEqual(self.a.client(self.token, desk="nodo-sur").get(path).status, 200)
        # The other desk does not see it.
        self.assertProblem(self.a.client(self.token).get(path), 404)


class PostgresRestartTest(TestCase):
    """A private PostgreSQL server, restarted in the middle of a write load."""

    @classmethod
    def setUpClass(cls):
        cls.pg_dir = tempfile.mkdtemp(prefix="atiende-pg-")
        subprocess.run([PG_SCRIPT, "start", cls.pg_dir], check=True, timeout=120)
        with open(os.path.join(cls.pg_dir, "url")) as f:
            cls.url = fresh_database(f.read().strip())
        cls.server = node(cls.url).start()
        cls.token = admin_token(cls.url)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()
        subprocess.run([PG_SCRIPT, "stop", cls.pg_dir], timeout=120)

    def test_outage_fails_fast_and_acknowledged_writes_survive(self):
        acked, unavailable, other = [], [], []
        slowest = [0.0]
        stop = threading.Event()
        lock = threading.Lock()

        def writer(w):
            k = 0
            client = self.server.client(self.token)
            while not stop.is_set():
                k += 1
                t0 = time.monotonic()
                try:
                    r = client.post("/api/v1/customers",
                                    {"legal_name": "Carga %d-%d S.A." % (w, k)}, timeout=30)
                except OSError as e:
                    with lock:
                        other.append(repr(e))
                    continue
                elapsed = time.monotonic() - t0
                with lock:
                    slowest[0] = max(slowest[0], elapsed)
                    if r.status == 201:
                        acked.append(r.json()["legal_name"])
                    elif r.status == 503 and r.json().get("code") == "unavailable":
                        unavailable.append(r)
                    else:
                        other.append(r)
                if r.status == 503:
                    time.sleep(0.05)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        before = len(acked)
        subprocess.run([PG_SCRIPT, "restart", self.pg_dir], check=True, timeout=120)
        time.sleep(2.0)
        stop.set()
        for t in threads:
            t.join(60)
        after_outage = self.server.client(self.token).post("/api/v1/customers",
                                                          {"legal_name": "Después S.A."})
        self.assertEqual(after_outage.status, 201, after_outage)
        self.assertGreater(before, 0, "writes succeeded before the restart")
        self.assertEqual(other, [], "only 201 or a 503 problem, never a hang or a dropped connection")
        self.assertLess(slowest[0], 10.0, "requests must fail fast during the outage")
        stored = {c["legal_name"] for c in harness.all_customers(self.server.client(self.token))}
        missing = [n for n in acked if n not in stored]
        self.assertEqual(missing, [], "every acknowledged write is in the database")
        # Some requests were refused while the server was down, and later ones succeeded.
        self.assertGreater(len(unavailable), 0)
        self.assertGreater(len(acked), before)


if __name__ == "__main__":
    unittest.main()
