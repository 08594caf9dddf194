"""Upgrading a first-release database to desks (issue 14), on SQLite and PostgreSQL.

tests/fixtures/release1.sqlite and release1-postgres.sql were written by the
last release before desks (see tests/fixtures/make_release1.py): its demo,
worked by its users — tickets (one closed), a requirement, a call, a ZB case
with its mail, a notice, an edited directory list. That installation ran with
ATIENDE_TIME_ZONE=America/Santiago.

The current binary upgrades it on start. Everything lands in one desk, `main`,
built from the old settings: every record is there, with its number; the
number series go on where they stopped; the staff works in `main`.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from postgres_nodes_test import PSQL, fresh_database, shared_server_url  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
SETTINGS = {"ATIENDE_TIME_ZONE": "America/Santiago"}

# What the first release's database holds, counted in its own tables below.
COUNTS = {
    "customers": "SELECT count(*) FROM customers",
    "tickets": "SELECT count(*) FROM tickets",
    "interactions": "SELECT count(*) FROM interactions",
    "cases": "SELECT count(*) FROM cases",
    "notices": "SELECT count(*) FROM notices",
    "mail": "SELECT count(*) FROM mail_outbox",
    "audit": "SELECT count(*) FROM audit",
    "users": "SELECT count(*) FROM users",
}


def sqlite_rows(db, query):
    con = sqlite3.connect(db)
    try:
        return [list(r) for r in con.execute(query)]
    finally:
        con.close()


class UpgradeCase(h.TestCase):
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.data_dir = h.tempfile.mkdtemp(prefix="atiende-upgrade-")
        cls.env = dict(SETTINGS)
        if cls.backend == "sqlite":
            db = os.path.join(cls.data_dir, "atiende.db")
            shutil.copy(os.path.join(FIXTURES, "release1.sqlite"), db)
            con = sqlite3.connect(db)
            cls.before = {k: con.execute(q).fetchone()[0] for k, q in COUNTS.items()}
            cls.migrations_before = [r[0] for r in con.execute(
                "SELECT version FROM schema_migrations ORDER BY version")]
            cls.credentials_before = sorted(r[0] for r in con.execute(
                "SELECT token_hash FROM credentials"))
            con.close()
            cls.query = staticmethod(lambda q: sqlite_rows(db, q))
        else:
            url = fresh_database(shared_server_url())
            subprocess.run([PSQL, url, "-q", "-v", "ON_ERROR_STOP=1", "-f",
                            os.path.join(FIXTURES, "release1-postgres.sql")],
                           check=True, stdout=subprocess.DEVNULL, timeout=120)
            cls.env["ATIENDE_DATABASE_URL"] = url
            cls.psql = lambda q: subprocess.run([PSQL, url, "-qAtc", q], check=True,
                                                capture_output=True, text=True,
                                                timeout=60).stdout.strip()
            cls.before = {k: int(cls.psql(q)) for k, q in COUNTS.items()}
            cls.migrations_before = cls.psql(
                "SELECT version FROM schema_migrations ORDER BY version").split()
            cls.credentials_before = sorted(cls.psql("SELECT token_hash FROM credentials").split())
            cls.query = staticmethod(
                lambda q: [line.split("|") for line in cls.psql(q).splitlines()])
        cls.server = h.Server(data_dir=cls.data_dir, env=cls.env)
        try:
            cls.server.start()
            cls.admin = cls.server.login("admin")
            cls.agent = cls.server.login("agente")
        except BaseException:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def test_the_fixture_is_a_first_release_database(self):
        self.assertEqual(self.migrations_before[-1], "0007_work_claimed")
        self.assertNotIn("0008_desks", self.migrations_before)
        self.assertGreater(self.before["customers"], 10)

    def test_one_desk_from_the_old_settings(self):
        r = self.admin.get("/api/v1/desks")
        self.assertEqual(r.status, 200, r)
        desks = r.json()["items"]
        self.assertEqual([d["id"] for d in desks], ["main"])
        main = self.admin.get("/api/v1/desks/main").json()
        self.assertEqual(main["time_zone"], "America/Santiago")
        self.assertIn("zb-unblock", main["procedures"])
        me = self.agent.get("/api/v1/session").json()
        self.assertEqual(me["user"]["desks"], ["main"])
        self.assertEqual(me["desk"]["id"], "main")

    def items(self, path):
        r = self.admin.get(path)
        self.assertEqual(r.status, 200, (path, r))
        return r.json()["items"]

    def test_nothing_is_lost(self):
        after = {
            "customers": h.customer_count(self.agent),
            "tickets": len(self.items("/api/v1/tickets?state=all&limit=200")),
            "interactions": len(self.items("/api/v1/interactions?limit=500")),
            "cases": len(self.items("/api/v1/cases?limit=500")),
            "notices": len(self.items("/api/v1/notices?limit=500")),
            "mail": len(self.items("/api/v1/mail?limit=200")),
            "users": len(self.items("/api/v1/users")),
        }
        for k, n in after.items():
            with self.subTest(what=k):
                self.assertEqual(n, self.before[k])

    def test_records_keep_their_numbers_and_history(self):
        t = self.agent.get("/api/v1/tickets/CS0000001")
        self.assertEqual(t.status, 200, t)
        self.assertEqual(t.json()["state"], "closed")
        self.assertEqual(self.agent.get("/api/v1/tickets/CS0000002").json()["state"], "new")
        self.assertEqual(self.agent.get("/api/v1/tickets/REQ0000001").json()["kind"],
                         "requirement")
        hist = self.admin.get("/api/v1/tickets/CS0000001/history").json()["items"]
        self.assertEqual([e["action"] for e in hist],
                         ["ticket.open", "ticket.resolve", "ticket.close"])
        case = self.agent.get("/api/v1/cases/ZB0000001")
        self.assertEqual(case.status, 200, case)
        self.assertEqual(self.agent.get("/api/v1/notices/EME0000001").status, 200)
        lists = {x["name"]: x["addresses"]
                 for x in self.admin.get("/api/v1/directory").json()["items"]}
        self.assertEqual(lists["mesa_clientes"], ["mesa.clientes@abastible.example"])
        mails = self.admin.get("/api/v1/mail?limit=200").json()["items"]
        self.assertTrue(any("ZB0000001" in m["subject"] for m in mails), mails)

    def test_the_series_go_on_where_they_stopped(self):
        c = h.search(self.agent, "productos yupi").json()["items"][0]
        r = self.agent.post("/api/v1/tickets", {
            "kind": "requirement", "category": "change", "customer_id": c["id"],
            "subject": "Cambio de IP", "caller": {"name": "Jorge Páez", "phone": "+57 300 555 0101"}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["number"], "REQ0000002")

    def test_credentials_are_kept_and_get_ids(self):
        """Sessions and tokens of before the upgrade get a public id (issue 19),
        each its own, and none is lost: nobody is signed out by the upgrade."""
        self.assertGreater(len(self.credentials_before), 0)
        rows = self.query("SELECT token_hash, id FROM credentials")
        ids = {str(h): int(i) for h, i in rows}
        for token_hash in self.credentials_before:
            self.assertIn(token_hash, ids)
        self.assertEqual(len(set(ids.values())), len(ids), "two credentials share an id")

    def test_migrating_again_changes_nothing(self):
        r = h.cli(["db", "migrate"], data_dir=self.data_dir, env=self.env)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(h.customer_count(self.agent), self.before["customers"])


class SqliteUpgradeTest(UpgradeCase):
    backend = "sqlite"


class PostgresUpgradeTest(UpgradeCase):
    backend = "postgres"


del UpgradeCase  # the two above run it, each on its backend

if __name__ == "__main__":
    unittest.main(verbosity=2)
