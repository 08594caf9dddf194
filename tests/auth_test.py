"""Signing in, sessions, API tokens, throttling and the role matrix (G-3).

Runs the real binary: `atiende serve` on a free loopback port, demo-seeded.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

SECRET_USER = "auditor"
SECRET_PASSWORD = "Zq7-unlikely-passphrase-91"


def concrete(path, record_id):
    """The route's path with every placeholder ({id}, {number}, {list}, ...) filled,
    so that the request target is a valid URL."""
    return re.sub(r"\{\w+\}", str(record_id), path)


class AuthTest(h.TestCase):
    """One demo-seeded server (virtual clock on, so every route exists; the
    clock is never moved here) with debug logging, to catch secrets in logs.
    Every client acts in the ZB desk, where the demo has a user of every role."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, virtual_clock=True, env={"ATIENDE_LOG_LEVEL": "debug"},
                              desk=h.ZB_DESK)
        try:
            h.add_user(cls.server.data_dir, SECRET_USER, "supervisor", SECRET_PASSWORD,
                       desks=(h.ZB_DESK,))
            cls.server.start()
            cls.clients = {role: cls.server.login(user) for role, user in h.DEMO_USERS.items()}
            me = cls.clients["customer"].get("/api/v1/session").json()["user"]
            cls.own_customer_id = me["customer_id"]
            espiga = h.search(cls.clients["agent"], "espiga").json()["items"][0]
            cls.other_customer_id = espiga["id"]
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    # Login ------------------------------------------------------------------

    def test_login_sets_httponly_samesite_strict_cookie(self):
        c = self.server.client()
        r = c.login("agente.zb")
        self.assertEqual(r.status, 200, r)
        cookies = r.header_all("Set-Cookie")
        self.assertEqual(len(cookies), 1, cookies)
        parts = [p.strip() for p in cookies[0].split(";")]
        name, _, value = parts[0].partition("=")
        self.assertEqual(name, "atiende_session")
        self.assertGreaterEqual(len(value), 32, "session token looks too short to be random")
        attrs = {p.split("=")[0].lower(): p for p in parts[1:]}
        self.assertIn("httponly", attrs, cookies[0])
        self.assertIn("samesite", attrs, cookies[0])
        self.assertEqual(attrs["samesite"].split("=", 1)[1].lower(), "strict", cookies[0])
        self.assertNotIn(h.DEMO_PASSWORD, r.text, "the password is echoed in the response")
        self.assertNotIn(value, r.text, "the session token is in the body; it belongs in the cookie")
        body = r.json()
        self.assertEqual(body["user"]["username"], "agente.zb")
        self.assertEqual(body["user"]["role"], "agent")
        who = c.get("/api/v1/session")
        self.assertEqual(who.status, 200, who)
        self.assertEqual(who.json()["user"]["username"], "agente.zb")

    def test_two_logins_get_different_tokens(self):
        a, b = self.server.login("agente.zb"), self.server.login("agente.zb")
        self.assertNotEqual(a.cookies["atiende_session"], b.cookies["atiende_session"])

    def test_wrong_password_is_401_problem(self):
        c = self.server.client()
        r = c.login("supervisor", "not-the-password")
        p = self.assertProblem(r, 401)
        self.assertEqual(r.header("WWW-Authenticate"), "Bearer", r.headers)
        self.assertEqual(r.header_all("Set-Cookie"), [], "a failed login must not set a cookie")
        self.assertEqual(c.get("/api/v1/session").status, 401)
        # An unknown user gets exactly the same answer (no user enumeration).
        r2 = c.login("nobody-by-this-name", "not-the-password")
        p2 = self.assertProblem(r2, 401)
        self.assertEqual(p["detail"], p2["detail"])
        self.assertEqual(p["code"], p2["code"])

    def test_no_password_or_token_in_logs(self):
        c = self.server.client()
        r = c.login(SECRET_USER, SECRET_PASSWORD)
        self.assertEqual(r.status, 200, r)
        session = c.cookies["atiende_session"]
        self.assertEqual(c.get("/api/v1/session").status, 200)
        # A failed attempt with a password-like string, too.
        self.assertEqual(c.login(SECRET_USER, SECRET_PASSWORD + "x").status, 401)
        t = self.server.cli(["token", "create", SECRET_USER])
        self.assertEqual(t.code, 0, t)
        token = t.stdout.strip()
        r = self.server.client(token=token).get("/api/v1/session")
        self.assertEqual(r.status, 200, r)
        api = self.clients["admin"].post("/api/v1/tokens", {"username": SECRET_USER})
        self.assertEqual(api.status, 201, api)
        api_token = api.json()["token"]
        self.assertEqual(self.server.client(token=api_token).get("/api/v1/session").status, 200)
        logs = self.server.log_text()
        self.assertIn("http.request", logs, "debug logging is expected to log requests")
        for secret, what in ((SECRET_PASSWORD, "password"), (session, "session token"),
                             (token, "CLI API token"), (api_token, "API token")):
            self.assertNotIn(secret, logs, "the %s appears in the server log" % what)
        self.assertNotIn(token, t.stderr)

    def test_login_body_errors(self):
        c = self.server.client()
        self.assertProblem(c.post("/api/v1/session", {"username": "agente.zb"}), 400, "password")
        self.assertProblem(c.post("/api/v1/session", {"username": 5, "password": "x" * 8}), 400,
                           "username")
        self.assertProblem(c.post("/api/v1/session", b"{not json", content_type="application/json"),
                           400, "body")

    # Logout -------------------------------------------------------------------

    def test_logout_invalidates_the_cookie(self):
        c = self.server.login("mesa")
        token = c.cookies["atiende_session"]
        r = c.delete("/api/v1/session")
        self.assertEqual(r.status, 204, r)
        cleared = " ".join(r.header_all("Set-Cookie"))
        self.assertIn("atiende_session=", cleared)
        self.assertRegex(cleared.lower(), r"max-age=0|expires=")
        # The old cookie is dead server-side, not just forgotten by the browser.
        stale = self.server.client()
        stale.cookies["atiende_session"] = token
        self.assertProblem(stale.get("/api/v1/session"), 401)
        self.assertProblem(stale.get("/api/v1/customers?q=espiga"), 401)
        # Other sessions of the same user are untouched.
        other = self.server.login("mesa")
        self.assertEqual(other.get("/api/v1/session").status, 200)

    # Bearer tokens ------------------------------------------------------------

    def test_bearer_token_from_cli(self):
        r = self.server.cli(["token", "create", "despacho"])
        self.assertEqual(r.code, 0, r)
        token = r.stdout.strip()
        self.assertRegex(token, r"^[A-Za-z0-9_\-]{32,}$")
        c = self.server.client(token=token)
        who = c.get("/api/v1/session")
        self.assertEqual(who.status, 200, who)
        self.assertEqual(who.json()["user"]["username"], "despacho")
        self.assertEqual(who.json()["user"]["role"], "dispatch")
        self.assertEqual(c.get("/api/v1/customers?q=espiga").status, 200)
        # The token carries the user's role, not more.
        self.assertProblem(c.post("/api/v1/customers", {"legal_name": "Nope S.A."}), 403)

    def test_garbage_or_foreign_credentials_are_401(self):
        for header in ("Bearer garbage", "Bearer " + "A" * 43, "Bearer ", "Bearer " + "x" * 4000,
                       "Basic YWRtaW46YXRpZW5kZS1kZW1v", "bearer"):
            r = self.server.client().get("/api/v1/session", headers={"Authorization": header})
            self.assertProblem(r, 401)
        c = self.server.client()
        c.cookies["atiende_session"] = "forged-session-value"
        self.assertProblem(c.get("/api/v1/customers"), 401)

    def test_admin_issues_tokens_and_users_over_the_api(self):
        admin = self.clients["admin"]
        # With two desks a staff user must be given the desks it works in.
        self.assertProblem(admin.post("/api/v1/users", {"username": "nueva.agente",
                                                        "role": "agent",
                                                        "password": "a-long-password"}),
                           400, "desks")
        r = admin.post("/api/v1/users", {"username": "nueva.agente", "role": "agent",
                                         "password": "a-long-password", "desks": [h.ZB_DESK]})
        self.assertEqual(r.status, 201, r)
        self.assertNotIn("a-long-password", r.text)
        self.assertNotIn("password_hash", r.text)
        users = admin.get("/api/v1/users")
        self.assertEqual(users.status, 200, users)
        names = {u["username"]: u for u in users.json()["items"]}
        self.assertEqual(names["nueva.agente"]["role"], "agent")
        self.assertEqual(names["nueva.agente"]["desks"], [h.ZB_DESK])
        self.assertNotIn("password", users.text)
        self.assertEqual(self.server.login("nueva.agente", "a-long-password")
                         .get("/api/v1/session").status, 200)
        # Taken username → 409; weak password → 400 naming it.
        self.assertProblem(admin.post("/api/v1/users", {"username": "nueva.agente",
                                                        "role": "agent",
                                                        "password": "a-long-password",
                                                        "desks": [h.ZB_DESK]}), 409)
        self.assertProblem(admin.post("/api/v1/users", {"username": "corta", "role": "agent",
                                                        "password": "short"}), 400, "password")
        self.assertProblem(admin.post("/api/v1/users", {"username": "rol.raro", "role": "root",
                                                        "password": "a-long-password"}), 400,
                           "role")
        t = admin.post("/api/v1/tokens", {"username": "nueva.agente", "ttl_hours": 2})
        self.assertEqual(t.status, 201, t)
        tok = self.server.client(token=t.json()["token"])
        self.assertEqual(tok.get("/api/v1/session").json()["user"]["username"], "nueva.agente")
        self.assertProblem(admin.post("/api/v1/tokens", {"username": "ghost"}), 404)
        self.assertProblem(admin.post("/api/v1/tokens", {"username": "nueva.agente",
                                                         "ttl_hours": 0}), 400, "ttl_hours")

    # The role matrix ------------------------------------------------------------

    def test_every_protected_route_needs_credentials(self):
        for route in h.routes():
            path = concrete(route["path"], self.other_customer_id)
            with self.subTest(route=route["method"] + " " + route["path"]):
                r = self.server.client().request(route["method"], path)
                if route["public"]:
                    self.assertNotIn(r.status, (401, 403), r)
                    if route["method"] == "GET":
                        self.assertEqual(r.status, 200, r)
                else:
                    self.assertProblem(r, 401)
                    self.assertEqual(r.header("WWW-Authenticate"), "Bearer")

    def test_roles_outside_a_routes_set_get_403(self):
        checked = 0
        for route in h.routes():
            if route["public"]:
                continue
            path = concrete(route["path"], self.other_customer_id)
            for role in h.ROLES:
                if role in route["roles"]:
                    continue
                with self.subTest(route=route["method"] + " " + route["path"], role=role):
                    r = self.clients[role].request(route["method"], path, body=b"{}",
                                                   content_type="application/json")
                    self.assertProblem(r, 403)
                    checked += 1
        self.assertGreater(checked, 20)
        # The DELETE attempts above by non-admins left the customer in place.
        self.assertEqual(self.clients["admin"].get(
            "/api/v1/customers/%d" % self.other_customer_id).status, 200)

    def test_roles_inside_a_routes_set_are_not_refused(self):
        for route in h.routes():
            if route["public"] or (route["method"], route["path"]) == ("DELETE", "/api/v1/session"):
                continue
            # A missing id, so nothing is changed or deleted; the answer may be 404
            # or 400 (no body), but never 401/403.
            path = concrete(route["path"], 999999)
            streams = route["path"] == "/api/v1/events"  # answers 200 and never ends
            for role in sorted(route["roles"]):
                with self.subTest(route=route["method"] + " " + route["path"], role=role):
                    r = self.clients[role].request(route["method"], path, read_body=not streams)
                    self.assertNotIn(r.status, (401, 403), r)
                    self.assertLess(r.status, 500, r)

    def test_named_refusals(self):
        tsv = "CLIENTES\tTECNOLOGIA\nEmpresa Intrusa S.A.\tLegacy sin Out\n"
        before = h.customer_count(self.clients["admin"])
        self.assertProblem(self.clients["agent"].post(
            "/api/v1/users", {"username": "x.y", "role": "admin", "password": "12345678910"}), 403)
        self.assertProblem(self.clients["customer"].get("/api/v1/customers?q=colpatria"), 403)
        self.assertProblem(self.clients["customer"].get("/api/v1/customers"), 403)
        self.assertProblem(self.clients["dispatch"].post(
            "/api/v1/customers/import", tsv.encode(), content_type="text/tab-separated-values"),
            403)
        self.assertProblem(self.clients["agent"].patch(
            "/api/v1/customers/%d" % self.other_customer_id, {"technology": "hacked"}), 403)
        self.assertProblem(self.clients["supervisor"].delete(
            "/api/v1/customers/%d" % self.other_customer_id), 403)
        self.assertProblem(self.clients["agent"].post("/api/v1/clock", {"advance": "PT1H"}), 403)
        self.assertEqual(h.customer_count(self.clients["admin"]), before)
        self.assertEqual(self.clients["admin"].get("/api/v1/users").status, 200)
        users = [u["username"] for u in self.clients["admin"].get("/api/v1/users").json()["items"]]
        self.assertNotIn("x.y", users)
        got = self.clients["admin"].get("/api/v1/customers/%d" % self.other_customer_id).json()
        self.assertNotEqual(got["technology"], "hacked")

    def test_customer_user_sees_only_its_company(self):
        c = self.clients["customer"]
        own = c.get("/api/v1/customers/%d" % self.own_customer_id)
        self.assertEqual(own.status, 200, own)
        self.assertEqual(own.json()["legal_name"], "Agrícola Los Robles Ltda.")
        other = c.get("/api/v1/customers/%d" % self.other_customer_id)
        self.assertProblem(other, 404)
        # Same answer as an id that does not exist: nothing leaks.
        missing = c.get("/api/v1/customers/999999")
        self.assertProblem(missing, 404)
        self.assertNotIn("ESPIGA", other.text.upper())
        self.assertProblem(c.get("/api/v1/customers/%d/history" % self.own_customer_id), 403)

    def test_the_other_desks_agent_cannot_reach_this_desks_customer(self):
        nm_agent = self.server.login(h.NM_USERS["agent"], desk=h.NM_DESK)
        path = "/api/v1/customers/%d" % self.other_customer_id
        self.assertProblem(nm_agent.get(path), 404)
        # Naming a desk the user does not work in is refused the same way.
        self.assertProblem(nm_agent.get(path + "?desk=" + h.ZB_DESK), 404)


class ThrottleAndExpiryTest(h.TestCase):
    """Time-dependent rules on their own server, driven by the virtual clock.
    (Failed sign-ins are throttled on real time: hardening_test.ThrottleTest.)"""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(virtual_clock=True)
        try:
            for name, role in (("victim", "agent"), ("bystander", "agent"), ("root", "admin")):
                h.add_user(cls.server.data_dir, name, role, "right-password-1")
            cls.server.start()
            r = cls.server.cli(["token", "create", "root"])
            assert r.code == 0, r
            cls.admin = cls.server.client(token=r.stdout.strip())
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def advance(self, duration):
        r = self.admin.post("/api/v1/clock", {"advance": duration})
        self.assertEqual(r.status, 200, r)

    def test_sessions_expire(self):
        c = self.server.login("bystander", "right-password-1")
        self.assertEqual(c.get("/api/v1/session").status, 200)
        self.advance("PT11H")
        self.assertEqual(c.get("/api/v1/session").status, 200)
        self.advance("PT2H")
        self.assertProblem(c.get("/api/v1/session"), 401)

    def test_api_tokens_expire(self):
        r = self.admin.post("/api/v1/tokens", {"username": "bystander", "ttl_hours": 1})
        self.assertEqual(r.status, 201, r)
        c = self.server.client(token=r.json()["token"])
        self.assertEqual(c.get("/api/v1/session").status, 200)
        self.advance("PT61M")
        self.assertProblem(c.get("/api/v1/session"), 401)


if __name__ == "__main__":
    unittest.main(verbosity=2)
