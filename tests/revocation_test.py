"""A stolen session or token can be revoked (issue 19, item 4), on SQLite and
on PostgreSQL, over real HTTP and the command line.

- `atiende user passwd` ends every session of the user; API tokens stay
  (they do not come from the password) until an admin revokes them.
- A signed-in user changes their own password with the current one
  (POST /api/v1/session/password): this session stays, the others end.
- An admin disables a user (their sessions and tokens end, they cannot sign
  in) and enables them again; an admin cannot disable themselves.
- An admin lists sessions and API tokens by id, never their secrets, and
  revokes one: its next request gets 401.
- Only admins list, revoke, disable and enable (403 for the rest).
- Every one of these leaves an audit row.

A fresh installation with its one desk; the users are added per test, so the
tests do not depend on each other's order.
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from postgres_nodes_test import PSQL, fresh_database, shared_server_url  # noqa: E402

PASSWORD = "revoke-password-1"
NEW_PASSWORD = "revoke-password-2"
# "desk": a phone system's token's desk (docs/telephony.md), null for the others.
CREDENTIAL_KEYS = {"id", "username", "kind", "created_at", "expires_at", "current", "desk"}


class RevocationCase(h.TestCase):
    backend = None  # "sqlite" or "postgres": set by the subclasses

    @classmethod
    def setUpClass(cls):
        cls.env = {}
        if cls.backend == "postgres":
            cls.database_url = fresh_database(shared_server_url())
            cls.env = {"ATIENDE_DATABASE_URL": cls.database_url}
        cls.server = h.Server(env=cls.env)
        try:
            cls.add("root", "admin")
            cls.server.start()
            cls.root = cls.server.login("root", PASSWORD)
        except BaseException:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    # --- helpers -------------------------------------------------------------

    @classmethod
    def cli(cls, args, stdin=None):
        return h.cli(args, data_dir=cls.server.data_dir, stdin=stdin, env=cls.env)

    @classmethod
    def add(cls, name, role):
        r = cls.cli(["user", "add", name, "--role", role, "--password-stdin"],
                    stdin=PASSWORD + "\n")
        if r.code != 0:
            raise AssertionError("user add %s failed: %r" % (name, r))

    def sign_in(self, name, password=PASSWORD):
        return self.server.login(name, password)

    def works(self, client):
        """Whether the client's credential still signs it in."""
        r = client.get("/api/v1/session")
        self.assertIn(r.status, (200, 401), r)
        return r.status == 200

    def api_token(self, name):
        r = self.root.post("/api/v1/tokens", {"username": name, "ttl_hours": 24 * 300})
        self.assertEqual(r.status, 201, r)
        return self.server.client(token=r.json()["token"])

    def credentials(self, query=""):
        r = self.root.get("/api/v1/tokens" + query)
        self.assertEqual(r.status, 200, r)
        return r.json()["items"]

    def user_id(self, name):
        users = self.root.get("/api/v1/users").json()["items"]
        return str(next(u["id"] for u in users if u["username"] == name))

    def audit(self, user):
        """(actor, action, after) of the audit rows about a user, oldest first."""
        query = ("SELECT actor, action, after FROM audit WHERE entity = 'user'"
                 " AND entity_id = '%s' ORDER BY id" % self.user_id(user))
        if self.backend == "sqlite":
            con = sqlite3.connect(os.path.join(self.server.data_dir, "atiende.db"))
            try:
                return [tuple(r) for r in con.execute(query)]
            finally:
                con.close()
        out = subprocess.run([PSQL, self.database_url, "-qAt", "-F", "\t", "-c", query],
                             check=True, capture_output=True, text=True, timeout=60).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def actions(self, user):
        """(actor, action) of the audit rows about a user but sign-ins, oldest first."""
        return [(actor, action) for actor, action, _ in self.audit(user)
                if action != "session.create"]

    # --- a password change ---------------------------------------------------

    def test_cli_passwd_ends_the_sessions_and_a_token_is_revoked_by_id(self):
        self.add("ana", "agent")
        phone, laptop = self.sign_in("ana"), self.sign_in("ana")
        token = self.api_token("ana")
        r = self.cli(["user", "passwd", "ana"], stdin=NEW_PASSWORD + "\n")
        self.assertEqual(r.code, 0, r)
        # The old sessions (a thief's among them) are over at once.
        self.assertFalse(self.works(phone), "a session outlived `atiende user passwd`")
        self.assertFalse(self.works(laptop), "a session outlived `atiende user passwd`")
        self.assertIn("2 session(s) ended", r.stdout)
        self.assertProblem(self.server.client().login("ana", PASSWORD), 401)
        self.assertTrue(self.works(self.sign_in("ana", NEW_PASSWORD)))
        # API tokens do not come from the password: they stay until revoked.
        self.assertTrue(self.works(token))
        [entry] = self.credentials("?username=ana&kind=api")
        r = self.root.delete("/api/v1/tokens/%d" % entry["id"])
        self.assertEqual(r.status, 204, r)
        self.assertFalse(self.works(token), "a revoked API token still works")
        self.assertEqual(self.actions("ana")[-2:],
                         [("system", "user.password"), ("root", "api.revoke")])

    def test_own_password_change_keeps_this_session_and_ends_the_others(self):
        self.add("beto", "agent")
        stolen, mine = self.sign_in("beto"), self.sign_in("beto")
        token = self.api_token("beto")
        path = "/api/v1/session/password"
        # A wrong current password is a field error, not 401 (which would sign
        # the console out), and changes nothing.
        self.assertProblem(mine.post(path, {"current_password": "a guess",
                                            "new_password": NEW_PASSWORD}),
                           400, field="current_password")
        self.assertProblem(mine.post(path, {"current_password": PASSWORD,
                                            "new_password": "short"}), 400, field="new_password")
        self.assertProblem(mine.post(path, {"current_password": PASSWORD}), 400,
                           field="new_password")
        self.assertProblem(mine.post(path, {"current_password": PASSWORD,
                                            "new_password": NEW_PASSWORD, "user": "root"}), 400,
                           field="user")
        self.assertTrue(self.works(stolen))
        r = mine.post(path, {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"sessions_ended": 1})
        self.assertTrue(self.works(mine), "the session that changed the password ended")
        self.assertFalse(self.works(stolen), "another session outlived the password change")
        self.assertTrue(self.works(token))
        self.assertProblem(self.server.client().login("beto", PASSWORD), 401)
        self.assertTrue(self.works(self.sign_in("beto", NEW_PASSWORD)))
        actor, action, after = self.audit("beto")[-2]
        self.assertEqual((actor, action), ("beto", "user.password"))
        self.assertIn('"sessions_ended":1', after)
        self.assertNotIn(NEW_PASSWORD, after)

    # --- disabling and enabling ----------------------------------------------

    def test_disabling_ends_sessions_and_tokens_and_enabling_lets_them_back(self):
        self.add("carla", "agent")
        session, token = self.sign_in("carla"), self.api_token("carla")
        r = self.root.post("/api/v1/users/carla/disable")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"]["disabled"], True)
        self.assertEqual(r.json()["credentials_ended"], 2)
        self.assertFalse(self.works(session), "a disabled user's session still works")
        self.assertFalse(self.works(token), "a disabled user's API token still works")
        self.assertProblem(self.server.client().login("carla", PASSWORD), 401)
        self.assertEqual(self.credentials("?username=carla"), [])
        listed = {u["username"]: u for u in self.root.get("/api/v1/users").json()["items"]}
        self.assertTrue(listed["carla"]["disabled"])
        # Doing it again is no error; a token cannot be issued to bring them back.
        self.assertEqual(self.root.post("/api/v1/users/carla/disable").status, 200)
        r = self.root.post("/api/v1/users/carla/enable")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"]["disabled"], False)
        self.assertTrue(self.works(self.sign_in("carla")))
        self.assertFalse(self.works(token), "enabling brought back an ended token")
        self.assertEqual(self.actions("carla")[-3:], [("root", "user.disable"),
                                                      ("root", "user.disable"),
                                                      ("root", "user.enable")])
        first = next(after for _, action, after in self.audit("carla") if action == "user.disable")
        self.assertIn('"credentials_ended":2', first)

    def test_disabling_from_the_command_line(self):
        self.add("dora", "agent")
        session = self.sign_in("dora")
        r = self.cli(["user", "disable", "dora"])
        self.assertEqual(r.code, 0, r)
        self.assertIn("1 session(s) and API token(s) ended", r.stdout)
        self.assertFalse(self.works(session))
        self.assertIn("(disabled)", self.cli(["user", "list"]).stdout)
        r = self.cli(["user", "enable", "dora"])
        self.assertEqual(r.code, 0, r)
        self.assertTrue(self.works(self.sign_in("dora")))
        self.assertNotEqual(self.cli(["user", "disable", "nadie"]).code, 0)
        self.assertEqual(self.actions("dora")[-2:],
                         [("system", "user.disable"), ("system", "user.enable")])

    def test_disable_errors(self):
        self.assertProblem(self.root.post("/api/v1/users/nadie/disable"), 404)
        self.assertProblem(self.root.post("/api/v1/users/nadie/enable"), 404)
        self.assertProblem(self.root.post("/api/v1/users/Bad%20Name!/disable"), 400,
                           field="username")
        p = self.assertProblem(self.root.post("/api/v1/users/root/disable"), 409,
                               mentions="yourself")
        self.assertEqual(p["code"], "cannot_disable_self")
        self.assertTrue(self.works(self.root))

    # --- listing and revoking --------------------------------------------------

    def test_the_list_shows_ids_never_secrets_and_revoking_ends_one(self):
        self.add("elena", "agent")
        r = self.root.post("/api/v1/tokens", {"username": "elena", "ttl_hours": 48})
        self.assertEqual(r.status, 201, r)
        secret = r.json()["token"]
        token = self.server.client(token=secret)
        session = self.sign_in("elena")
        r = self.root.get("/api/v1/tokens?username=elena")
        self.assertEqual(r.status, 200, r)
        for leak in (secret, hashlib.sha256(secret.encode()).hexdigest()):
            self.assertNotIn(leak, r.text, "the token list shows a secret or its hash")
        items = r.json()["items"]
        self.assertEqual([i["kind"] for i in items], ["api", "session"])
        for i in items:
            self.assertEqual(set(i), CREDENTIAL_KEYS)
            self.assertEqual(i["username"], "elena")
        api, sess = items
        self.assertLess(api["created_at"], api["expires_at"])
        self.assertIn(sess["id"], [i["id"] for i in self.credentials("?kind=session")])
        self.assertNotIn(sess["id"], [i["id"] for i in self.credentials("?kind=api")])
        self.assertEqual([i["current"] for i in items], [False, False])
        self.assertEqual([i["username"] for i in self.credentials() if i["current"]], ["root"])
        # Revoking a session: only that one ends.
        self.assertEqual(self.root.delete("/api/v1/tokens/%d" % sess["id"]).status, 204)
        self.assertFalse(self.works(session), "a revoked session still works")
        self.assertTrue(self.works(token))
        self.assertProblem(self.root.delete("/api/v1/tokens/%d" % sess["id"]), 404)
        # The command line: the same list, and a revoke by id.
        r = self.cli(["token", "list", "--user", "elena"])
        self.assertEqual(r.code, 0, r)
        self.assertIn(str(api["id"]), r.stdout)
        self.assertNotIn(secret, r.stdout)
        r = self.cli(["token", "revoke", str(api["id"])])
        self.assertEqual(r.code, 0, r)
        self.assertFalse(self.works(token), "a token revoked from the command line still works")
        self.assertNotEqual(self.cli(["token", "revoke", str(api["id"])]).code, 0)
        self.assertEqual(self.actions("elena")[-2:],
                         [("root", "session.revoke"), ("system", "api.revoke")])

    def test_list_and_revoke_errors(self):
        self.assertProblem(self.root.get("/api/v1/tokens?username=nadie"), 404)
        self.assertProblem(self.root.get("/api/v1/tokens?kind=cookie"), 400, field="kind")
        self.assertProblem(self.root.delete("/api/v1/tokens/abc"), 400, field="id")
        self.assertProblem(self.root.delete("/api/v1/tokens/999999999"), 404)

    # --- who may -----------------------------------------------------------------

    def test_only_admins_list_revoke_disable_and_enable(self):
        self.add("fede", "agent")
        self.add("gabi", "supervisor")
        victim = self.sign_in("fede")
        [own] = self.credentials("?username=fede")
        for name in ("fede", "gabi"):
            c = self.sign_in(name)
            with self.subTest(user=name):
                self.assertProblem(c.get("/api/v1/tokens"), 403)
                self.assertProblem(c.delete("/api/v1/tokens/%d" % own["id"]), 403)
                self.assertProblem(c.post("/api/v1/users/root/disable"), 403)
                self.assertProblem(c.post("/api/v1/users/fede/enable"), 403)
        self.assertProblem(self.server.client().get("/api/v1/tokens"), 401)
        self.assertProblem(self.server.client().post("/api/v1/session/password", {}), 401)
        self.assertTrue(self.works(victim))
        self.assertTrue(self.works(self.root))


class SqliteRevocationTest(RevocationCase):
    backend = "sqlite"


class PostgresRevocationTest(RevocationCase):
    backend = "postgres"


del RevocationCase  # the two above run it, each on its backend

if __name__ == "__main__":
    unittest.main(verbosity=2)
