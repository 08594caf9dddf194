"""The web console and the portal as the binary serves them (issue 7): the
built files embedded in the binary, their content types and caching, gzip,
deep links, /api paths that stay problems, ATIENDE_WEB_DIR for development,
and the desk's time zone in the session (G-4).

The browser flows themselves are in web/tests/browser.test.mjs (Chromium).
"""

import gzip
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


class WebStaticTest(h.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, env={"ATIENDE_TIME_ZONE": "America/Santiago"})
        try:
            cls.server.start()
        except BaseException:
            cls.server.cleanup()
            raise
        cls.client = cls.server.client()
        cls.index = cls.client.get("/")

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def assets(self, page):
        return re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.text)

    def test_console_page(self):
        r = self.index
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "text/html", r)
        self.assertIn("no-cache", r.header("Cache-Control"), r.headers)
        self.assertIn('lang="es-419"', r.text)
        self.assertIn("default-src 'self'", r.header("Content-Security-Policy") or "")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        scripts = [a for a in self.assets(r) if a.endswith(".js")]
        self.assertTrue(scripts, "the console page names no script: %s" % r.text)

    def test_portal_page_is_its_own_entry(self):
        r = self.client.get("/portal")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "text/html")
        self.assertIn("Portal", r.text)
        self.assertNotEqual(r.text, self.index.text)
        deep = self.client.get("/portal/CS0000001")
        self.assertEqual(deep.text, r.text, "a portal deep link gets the portal page")

    def test_deep_links_get_the_console_page(self):
        for path in ("/call", "/tickets/CS0000001", "/admin/users", "/cases/ZB0000001"):
            with self.subTest(path=path):
                r = self.client.get(path)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.text, self.index.text)

    def test_assets_are_immutable_and_typed(self):
        seen = set()
        for path in self.assets(self.index) + self.assets(self.client.get("/portal")):
            if path in seen:
                continue
            seen.add(path)
            with self.subTest(path=path):
                r = self.client.get(path)
                self.assertEqual(r.status, 200, r)
                want = "text/javascript" if path.endswith(".js") else "text/css"
                self.assertEqual(r.content_type, want, r.headers)
                self.assertEqual(r.header("Cache-Control"), "public, max-age=31536000, immutable")
                self.assertIsNone(r.header("Content-Encoding"), "gzip without Accept-Encoding")
        self.assertTrue(any(p.endswith(".css") for p in seen), seen)

    def test_gzip_when_asked(self):
        script = [a for a in self.assets(self.index) if a.endswith(".js")][0]
        plain = self.client.get(script)
        r = self.client.get(script, headers={"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Encoding"), "gzip", r.headers)
        self.assertIn("Accept-Encoding", r.header("Vary") or "")
        self.assertLess(len(r.body), len(plain.body))
        self.assertEqual(gzip.decompress(r.body), plain.body)

    def test_head(self):
        r = self.client.request("HEAD", "/")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"")

    def test_api_paths_stay_problems(self):
        for path in ("/api/v1/nothing-here", "/api/v1", "/api", "/api/nothing"):
            with self.subTest(path=path):
                self.assertProblem(self.client.get(path), 404, None, path)

    def test_missing_files_are_404_not_html(self):
        for path in ("/assets/index-00000000.js", "/favicon.ico", "/portal/x.css"):
            with self.subTest(path=path):
                self.assertProblem(self.client.get(path), 404)

    def test_no_way_out_of_the_bundle(self):
        for path in ("/..%2f..%2fetc%2fpasswd", "/assets/..%2f..%2fatiende.db", "/.git/config"):
            with self.subTest(path=path):
                r = self.client.get(path)
                self.assertNotIn(b"root:", r.body)
                self.assertNotIn(b"SQLite", r.body)
                self.assertIn(r.status, (200, 404), r)
                if r.status == 200:
                    self.assertEqual(r.text, self.index.text)

    def test_session_names_the_desk_time_zone(self):
        c = self.server.client()
        r = c.login("agente")  # works in the NM desk only
        self.assertEqual(r.status, 200, r)
        desk = r.json()["desk"]
        self.assertEqual((desk["id"], desk["time_zone"], desk["language"]),
                         (h.NM_DESK, "America/Bogota", "es"))
        me = c.get("/api/v1/session").json()
        self.assertEqual(me["desk"]["time_zone"], "America/Bogota")
        self.assertEqual([d["id"] for d in me["desks"]], [h.NM_DESK])
        self.assertEqual(me["user"]["role"], "agent")

    def test_a_user_of_two_desks_chooses_one(self):
        sup = self.server.login("supervisor")
        me = sup.get("/api/v1/session").json()
        self.assertIsNone(me["desk"])
        zones = {d["id"]: d["time_zone"] for d in me["desks"]}
        self.assertEqual(zones, {h.NM_DESK: "America/Bogota", h.ZB_DESK: "America/Santiago"})
        me = sup.get("/api/v1/session?desk=" + h.ZB_DESK).json()
        self.assertEqual(me["desk"]["time_zone"], "America/Santiago")
        self.assertProblem(sup.get("/api/v1/customers"), 400, "desk", h.ZB_DESK)
        self.assertEqual(sup.get("/api/v1/customers?desk=" + h.NM_DESK).status, 200)
        # A desk the user does not work in is not there for them.
        agent = self.server.login("agente")
        self.assertProblem(agent.get("/api/v1/session?desk=" + h.ZB_DESK), 404)

    def test_api_answers_stay_uncached(self):
        c = self.server.login("agente")
        r = c.get("/api/v1/session")
        self.assertEqual(r.header_all("Cache-Control"), ["no-store"])


class WebDirTest(h.TestCase):
    """ATIENDE_WEB_DIR serves a directory instead of the embedded files."""

    def test_directory_overrides_the_embedded_files(self):
        d = tempfile.mkdtemp(prefix="atiende-web-")
        self.addCleanup(shutil.rmtree, d, True)
        os.makedirs(os.path.join(d, "assets"))
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write("<!doctype html><title>dev console</title>")
        with open(os.path.join(d, "assets", "app-1.js"), "w") as f:
            f.write("console.log('dev')")
        server = h.Server(env={"ATIENDE_WEB_DIR": d})
        self.addCleanup(server.cleanup)
        server.start()
        c = server.client()
        self.assertIn("dev console", c.get("/").text)
        self.assertIn("dev console", c.get("/call").text)
        js = c.get("/assets/app-1.js")
        self.assertEqual(js.status, 200, js)
        self.assertEqual(js.text, "console.log('dev')")
        # Edits show without a restart (development).
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write("<!doctype html><title>edited</title>")
        self.assertIn("edited", c.get("/").text)
        # No portal.html in this directory: a 503 that says why, not a crash.
        self.assertProblem(c.get("/portal"), 503)
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
