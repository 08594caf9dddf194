"""What an attacker on the network cannot do (issue 19, docs/security.md).

Each test is a finding of the hardening review, kept fixed: descriptor
exhaustion, anonymous bodies and password checks that take memory, the
failed-login limit outrun or turned into a lockout, live streams that outlive
their session, cross-site writes, percent-encoded paths past the body limits,
oversized headers, control characters in names, /metrics in public, and
throttling that stood still with the training clock.

Runs the real binary on loopback; every loop is bounded.
"""

import http.client
import os
import re
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from events_test import EventReader  # noqa: E402

PROXY_ENV = {"ATIENDE_TRUSTED_PROXIES": "127.0.0.1"}  # tests speak for many addresses


def raw_request(port, head, body=b"", timeout=10):
    """Sends `head` (the request line and headers, CRLF-separated, without the
    blank line) and `body`; returns (status, headers dict, body) of the answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
        resp = http.client.HTTPResponse(s)
        resp.begin()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        s.close()


def log_events(server, event):
    return [line for line in server.log_text(since_start=True).splitlines()
            if '"event":"%s"' % event in line]


def rss_kib(pid, key):
    """VmRSS or VmHWM (peak) of a process, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s for pid %d" % (key, pid))


def open_idle(port, count):
    """`count` connections that send nothing."""
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(s)
    return socks


class ServerClass(h.TestCase):
    """One server for the class's tests: `make_server()` builds it, `prepare()`
    runs once it is up; a failure in either cleans the server up."""

    @classmethod
    def make_server(cls):
        raise NotImplementedError

    @classmethod
    def prepare(cls):
        pass

    @classmethod
    def setUpClass(cls):
        cls.server = cls.make_server()
        try:
            cls.server.start()
            cls.prepare()
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)


class ConnectionLimitTest(h.TestCase):
    """1. Descriptor exhaustion neither spins the server nor floods its log,
    and what is open keeps being served."""

    def serve(self, **env):
        server = h.Server(wrapper=("prlimit", "--nofile=256:256", "--"), env=env)
        server.start()
        self.addCleanup(h.stop_checked, server)
        return server

    def test_idle_connections_beyond_the_cap_do_not_stop_healthz(self):
        server = self.serve()  # the cap from the descriptor limit: 128
        socks = open_idle(server.port, 400)
        try:
            r = server.client().get("/healthz", timeout=5)
            self.assertEqual(r.status, 200, r)
            # The oldest idle connections made room: the server closed them.
            socks[0].settimeout(5)
            self.assertEqual(socks[0].recv(1), b"", "the longest-idle connection is still open")
        finally:
            for s in socks:
                s.close()
        self.assertLessEqual(len(log_events(server, "http.accept")), 2)

    def test_out_of_descriptors_backs_off_and_logs_rarely(self):
        # A cap above what the descriptors allow: accept fails with EMFILE.
        server = self.serve(ATIENDE_MAX_CONNECTIONS="5000")
        socks = open_idle(server.port, 400)
        try:
            time.sleep(1)  # what used to spin: thousands of failed accepts a second
            r = server.client().get("/healthz", timeout=10)
            self.assertEqual(r.status, 200, r)
        finally:
            for s in socks:
                s.close()
        accepts = log_events(server, "http.accept")
        self.assertGreaterEqual(len(accepts), 1, "running out of descriptors was not logged")
        self.assertLessEqual(len(accepts), 3, accepts[:5])
        self.assertIn("held_back", accepts[0])

    def test_at_the_cap_with_nothing_idle_a_new_connection_gets_503(self):
        server = h.Server(seed=True, env={"ATIENDE_MAX_CONNECTIONS": "3"}, desk=h.ZB_DESK)
        server.start()
        self.addCleanup(h.stop_checked, server)
        agent = server.login("agente.zb")
        streams = [EventReader(agent) for _ in range(3)]  # streams are never idle
        try:
            for s in streams:
                self.assertEqual(s.resp.status, 200)
            r = server.client().get("/healthz", timeout=5)
            p = self.assertProblem(r, 503, mentions="connection limit")
            self.assertEqual(r.header("Retry-After"), "1")
            self.assertTrue(p)
        finally:
            for s in streams:
                s.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if server.client().get("/healthz", timeout=5).status == 200:
                break
            time.sleep(0.1)
        else:
            self.fail("the server did not serve again once the streams closed")


class AnonymousMemoryTest(ServerClass):
    """2. What anonymous clients send cannot take the server's memory."""

    @classmethod
    def make_server(cls):
        return h.Server(seed=True, desk=h.ZB_DESK)

    def test_a_large_upload_is_refused_on_its_headers_before_its_body(self):
        # The import route takes 64 MiB; its 401 comes before any of the body.
        head = ("POST /api/v1/customers/import?desk=%s HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: text/csv\r\nContent-Length: %d" % (h.ZB_DESK, 60 << 20))
        status, _, body = raw_request(self.server.port, head, timeout=10)
        self.assertEqual(status, 401, body)
        # An agent may not import: 403, also before the body.
        token = self.server.login("agente.zb").cookies["atiende_session"]
        status, _, body = raw_request(self.server.port,
                                      head + "\r\nCookie: atiende_session=" + token, timeout=10)
        self.assertEqual(status, 403, body)

    def test_public_routes_read_small_bodies_only(self):
        head = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: %d" % (1 << 20)
        status, _, body = raw_request(self.server.port, head, timeout=10)
        self.assertEqual(status, 413, body)

    def test_a_login_flood_stays_under_the_memory_ceiling(self):
        pid = self.server.proc.pid
        self.server.login("agente.zb")  # one password check done: its memory is counted
        before = rss_kib(pid, "VmRSS")
        statuses = []
        lock = threading.Lock()

        def guess(i):
            c = self.server.client()
            r = c.post("/api/v1/session", {"username": "flood-%d" % i, "password": "x" * 12},
                       headers={"X-Forwarded-For": "198.51.100.%d" % i})
            with lock:
                statuses.append((r.status, r.header("Retry-After")))

        agent = self.server.login("agente.zb")
        threads = [threading.Thread(target=guess, args=(i,)) for i in range(64)]
        for t in threads:
            t.start()
        # A signed-in user keeps working meanwhile.
        self.assertEqual(agent.get("/api/v1/session").status, 200)
        for t in threads:
            t.join(60)
        peak = rss_kib(pid, "VmHWM")
        codes = sorted({s for s, _ in statuses})
        self.assertEqual(len(statuses), 64)
        self.assertTrue(set(codes) <= {401, 429, 503}, statuses)
        self.assertIn(503, codes, "64 password checks at once were all let in")
        self.assertTrue(all(ra == "1" for s, ra in statuses if s == 503), statuses)
        # Two checks of 64 MiB at once by default; 64 unbounded took 1.6 GB.
        self.assertLess(peak - before, 320 * 1024,
                        "peak RSS rose by %d MiB under the flood" % ((peak - before) // 1024))


class PathAndHeaderTest(ServerClass):
    """7. The path is normalised once, before routing and limits; a header over
    the limit gets 431."""

    @classmethod
    def make_server(cls):
        return h.Server()

    def test_a_percent_encoded_path_meets_the_same_body_limit(self):
        body = b'{"username":"a","password":"' + b"x" * 500000 + b'"}'
        for path in ("/api/v1/session", "/api/v1/%73ession", "/api/v1/%73%65ssion"):
            r = self.server.client().post(path, body, content_type="application/json")
            self.assertProblem(r, 413)

    def test_a_header_over_16_kib_gets_431(self):
        head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + "a" * (17 << 10)
        status, _, body = raw_request(self.server.port, head)
        self.assertEqual(status, 431, body)
        self.assertIn(b"header", body)


class ThrottleTest(ServerClass):
    """3 and 9. Failed sign-ins: counted atomically, per user and address,
    slowed rather than locked for the user's other addresses, forwarded
    addresses believed only from trusted proxies, refusals logged; on real
    time even in training mode."""

    window = 6  # seconds failures count (login_window_seconds)

    @classmethod
    def make_server(cls):
        server = h.Server(virtual_clock=True, env=dict(
            PROXY_ENV, ATIENDE_LOGIN_WINDOW_SECONDS=str(cls.window)))
        for name in ("victim", "spread", "racer", "known", "slow"):
            h.add_user(server.data_dir, name, "agent", "right-password-1")
        return server

    def login(self, user, password, address):
        return self.server.client().post(
            "/api/v1/session", {"username": user, "password": password},
            headers={"X-Forwarded-For": address})

    def test_concurrent_guesses_cannot_outrun_the_limit(self):
        results = []
        lock = threading.Lock()

        def guess(i):
            r = self.login("racer", "wrong-%d" % i, "203.0.113.50")
            with lock:
                results.append(r.status)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(150)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(len(results), 150)
        checked = results.count(401)
        self.assertLessEqual(checked, 5, "%d guesses were checked, not at most 5" % checked)
        self.assertTrue(set(results) <= {401, 429, 503}, sorted(set(results)))

    def test_failures_lock_one_address_not_the_user(self):
        for i in range(5):
            self.assertProblem(self.login("victim", "wrong-%d" % i, "203.0.113.7"), 401)
        r = self.login("victim", "right-password-1", "203.0.113.7")
        p = self.assertProblem(r, 429)
        self.assertRegex(p["detail"], r"\d+ s")
        self.assertTrue(r.header("Retry-After"))
        # The user, from anywhere else, signs in.
        self.assertEqual(self.login("victim", "right-password-1", "198.51.100.9").status, 200)
        refused = [e for e in log_events(self.server, "login.throttled")
                   if '"username":"victim"' in e]
        self.assertTrue(refused, "the refusal was not logged")
        self.assertIn("203.0.113.7", refused[0])

    def test_many_addresses_slow_the_user_down_without_locking_known_ones(self):
        self.assertEqual(self.login("spread", "right-password-1", "192.0.2.1").status, 200)
        for i in range(10):
            self.assertProblem(self.login("spread", "wrong-%d" % i, "203.0.113.%d" % (100 + i)),
                               401)
        # A new address: one attempt, then wait.
        self.assertProblem(self.login("spread", "wrong-x", "203.0.113.200"), 401)
        r = self.login("spread", "right-password-1", "203.0.113.201")
        self.assertProblem(r, 429)
        self.assertLessEqual(int(r.header("Retry-After")), 2)
        # The address the user signed in from is not slowed.
        self.assertEqual(self.login("spread", "right-password-1", "192.0.2.1").status, 200)

    def test_the_lockout_runs_on_real_time_while_the_training_clock_stands_still(self):
        for i in range(5):
            self.assertProblem(self.login("slow", "wrong-%d" % i, "203.0.113.9"), 401)
        self.assertProblem(self.login("slow", "right-password-1", "203.0.113.9"), 429)
        time.sleep(self.window + 1)  # the virtual clock does not move meanwhile
        self.assertEqual(self.login("slow", "right-password-1", "203.0.113.9").status, 200)

    def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(self):
        server = h.Server()  # no trusted proxies
        h.add_user(server.data_dir, "known", "agent", "right-password-1")
        server.start()
        self.addCleanup(h.stop_checked, server)
        for i in range(5):
            r = server.client().post("/api/v1/session",
                                     {"username": "known", "password": "wrong-%d" % i},
                                     headers={"X-Forwarded-For": "203.0.113.%d" % i})
            self.assertProblem(r, 401)
        r = server.client().post("/api/v1/session",
                                 {"username": "known", "password": "right-password-1"},
                                 headers={"X-Forwarded-For": "198.51.100.77"})
        self.assertProblem(r, 429)


class SessionEndTest(ServerClass):
    """5. A live stream ends with its session: sign-out, a password change, the
    user disabled."""

    @classmethod
    def make_server(cls):
        return h.Server(seed=True, desk=h.ZB_DESK)

    def assertStreamEnds(self, client, end_it):
        reader = EventReader(client)
        try:
            self.assertEqual(reader.resp.status, 200)
            self.assertFalse(reader.ended.wait(0.5), "the stream ended by itself")
            end_it()
            self.assertTrue(reader.ended.wait(10), "the stream outlived its session")
        finally:
            reader.close()

    def test_signing_out_ends_the_open_stream(self):
        agent = self.server.login("agente.zb")
        self.assertStreamEnds(agent, lambda: self.assertEqual(
            agent.delete("/api/v1/session").status, 204))

    def test_a_password_change_ends_the_other_sessions_streams(self):
        # The demo's dispatch user changes its password from a second session.
        old = self.server.login("despacho")
        new = self.server.login("despacho")
        change = {"current_password": h.DEMO_PASSWORD, "new_password": "otra-clave-segura-1"}
        self.assertStreamEnds(old, lambda: self.assertEqual(
            new.post("/api/v1/session/password", change).status, 200))
        self.assertEqual(new.get("/api/v1/session").status, 200)

    def test_disabling_the_user_ends_the_open_stream(self):
        agent = self.server.login("agente.zb")
        admin = self.server.login("admin")
        self.assertStreamEnds(agent, lambda: self.assertEqual(
            admin.post("/api/v1/users/agente.zb/disable").status, 200))
        self.assertEqual(admin.post("/api/v1/users/agente.zb/enable").status, 200)


class CrossSiteTest(ServerClass):
    """6. Writes from another site are refused; JSON routes take JSON only."""

    @classmethod
    def make_server(cls):
        return h.Server(seed=True, desk=h.NM_DESK)

    @classmethod
    def prepare(cls):
        cls.agent = cls.server.login("agente")
        sup = cls.server.login("supervisor")
        r = sup.post("/api/v1/customers", {"legal_name": "Sitio Cruzado S.A.S.",
                                           "services": [{"service_id": "XS-1"}]})
        assert r.status == 201, r
        cls.customer_id = r.json()["id"]

    def ticket(self):
        r = self.agent.post("/api/v1/tickets", {
            "kind": "requirement", "category": "change", "customer_id": self.customer_id,
            "subject": "Cambio de plan", "caller": {"name": "Ana", "phone": "3005550101"}})
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_a_cross_site_form_post_changes_nothing(self):
        t = self.ticket()
        url = "/api/v1/tickets/%s/resolve" % t["number"]
        for headers in ({"Origin": "http://evil.example"},
                        {"Sec-Fetch-Site": "cross-site"},
                        {"Sec-Fetch-Site": "same-site", "Origin": "http://a.127.0.0.1.nip.io"}):
            r = self.agent.post(url, "", content_type="application/x-www-form-urlencoded",
                                headers=headers)
            self.assertProblem(r, 403, mentions="another site")
        self.assertEqual(self.agent.get("/api/v1/tickets/" + t["number"]).json()["state"], "new")
        # The console's own requests pass.
        origin = "http://127.0.0.1:%d" % self.server.port
        r = self.agent.post(url, {"resolution": "Hecho"},
                            headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(r.status, 200, r)

    def test_a_cross_site_sign_in_is_refused(self):
        r = self.server.client().post("/api/v1/session",
                                      {"username": "agente", "password": h.DEMO_PASSWORD},
                                      headers={"Origin": "http://evil.example"})
        self.assertProblem(r, 403)

    def test_json_routes_want_json_said_so(self):
        body = '{"kind":"requirement","category":"change","customer_id":%d,"subject":"x",' \
               '"caller":{"name":"Ana"}}' % self.customer_id
        for ctype in (None, "text/plain", "application/x-www-form-urlencoded"):
            r = self.agent.request("POST", "/api/v1/tickets", body, content_type=ctype)
            self.assertProblem(r, 400, field="Content-Type")

    def test_secure_cookies_when_told(self):
        server = h.Server(seed=True, env={"ATIENDE_SECURE_COOKIES": "true"})
        server.start()
        self.addCleanup(h.stop_checked, server)
        r = server.client().login("agente")
        self.assertIn("Secure", r.header("Set-Cookie"))
        plain = self.server.client().login("agente")
        self.assertNotIn("Secure", plain.header("Set-Cookie"), "loopback by default: not Secure")


class NamesAndMetricsTest(ServerClass):
    """9. No control characters or bidi overrides in names and identifiers;
    /metrics for the operator only."""

    @classmethod
    def make_server(cls):
        return h.Server(seed=True, desk=h.NM_DESK,
                        env={"ATIENDE_METRICS_TOKEN": "metrics-secret-0123456789"})

    @classmethod
    def prepare(cls):
        cls.sup = cls.server.login("supervisor")

    def test_names_codes_and_phones_refuse_invisible_controls(self):
        cases = [({"legal_name": "Evil\u202eCorp S.A."}, "legal_name"),
                 ({"legal_name": "Tab\tCorp"}, "legal_name"),
                 ({"legal_name": "Ok S.A.", "code": "C\u0085X"}, "code"),
                 ({"legal_name": "Ok S.A.", "phone": "300\u2066555"}, "phone"),
                 ({"legal_name": "Ok S.A.", "tax_id": "900\n1"}, "tax_id")]
        before = h.customer_count(self.sup)
        for body, field in cases:
            self.assertProblem(self.sup.post("/api/v1/customers", body), 400, field=field)
        self.assertEqual(h.customer_count(self.sup), before)
        r = self.sup.post("/api/v1/customers", {"legal_name": "Línea Ñandú S.A.S."})
        self.assertEqual(r.status, 201, r)

    def test_metrics_for_loopback_or_the_token(self):
        c = self.server.client()
        self.assertEqual(c.get("/metrics").status, 200)
        via_proxy = {"X-Forwarded-For": "203.0.113.1"}
        self.assertProblem(c.get("/metrics", headers=via_proxy), 401)
        r = c.get("/metrics", headers=dict(via_proxy,
                                           Authorization="Bearer metrics-secret-0123456789"))
        self.assertEqual(r.status, 200, r)
        self.assertIn("atiende_http_requests_total", r.text)
        self.assertNotIn("metrics-secret-0123456789", self.server.log_text())


if __name__ == "__main__":
    unittest.main(verbosity=2)
