"""Bad input is refused cleanly: a 4xx application/problem+json that names the
problem (HTTP), or a non-zero exit with a message on stderr (CLI) — and
nothing changes in the database.
"""

import io
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

IMPORT = "/api/v1/customers/import"
GOOD_BOOK = h.make_xlsx([["CLIENTES", "TECNOLOGIA"], ["Libro Valido S.A.", "Legacy"],
                         ["Libro Valido Dos S.A.", "SDWAN"]])


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


# (name, body, expected field or None, words the detail must contain)
BAD_FILES = [
    ("unknown column", b"CLIENTES\tCOLOR FAVORITO\nAzul S.A.\tazul\n", "row 1",
     ["COLOR FAVORITO"]),
    ("duplicated column", b"CLIENTES\tTECNOLOGIA\tRAZON SOCIAL\nA S.A.\tx\tA S.A.\n", "row 1",
     ["RAZON SOCIAL", "CLIENTES"]),
    ("duplicated identical column", b"CLIENTES,TECNOLOGIA,TECNOLOGIA\nA S.A.,x,y\n", "row 1",
     ["TECNOLOGIA"]),
    ("no legal name column", b"GRUPO ECONOMICO\tTECNOLOGIA\nG\tLegacy\n", "row 1", ["CLIENTES"]),
    ("unterminated quote", b'CLIENTES,TECNOLOGIA\nBuena S.A.,x\n"Abierta S.A.,Legacy\nOtra,x\n',
     "row 3", ["quote"]),
    ("stray quote", b'CLIENTES,TECNOLOGIA\nBuena S.A.,x\nAb"c S.A.,Legacy\n', "row 3", ["quote"]),
    ("text after closing quote", b'CLIENTES,TECNOLOGIA\n"Abc" S.A.,Legacy\n', "row 2", ["quote"]),
    ("invalid UTF-8 (Latin-1 file)", "CLIENTES;TECNOLOGÍA\nBuena S.A.;x\nCafé S.A.;Legacy\n"
     .encode("latin-1"), "row 1", ["UTF-8"]),
    ("invalid UTF-8 in a data row", b"CLIENTES\tTECNOLOGIA\nBuena S.A.\tx\nCaf\xe9 S.A.\tLegacy\n",
     "row 3", ["UTF-8"]),
    ("UTF-16 file", "CLIENTES\tTECNOLOGIA\nA S.A.\tx\n".encode("utf-16"), None, ["UTF-16"]),
    ("only blank lines", b"\n\n  \n", None, ["empty"]),
    ("truncated XLSX", GOOD_BOOK[:len(GOOD_BOOK) // 2], None, ["XLSX"]),
    ("XLSX cut after the first part", GOOD_BOOK[:200], None, ["XLSX"]),
    ("PK but not a zip", b"PK\x03\x04" + b"this is not a zip archive at all " * 8, None, ["XLSX"]),
    ("a zip that is not a workbook", zip_of({"readme.txt": "hola"}), None, ["XLSX"]),
    ("a workbook without its sheet", zip_of({
        "xl/workbook.xml": '<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets>'
                           '</workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships><Relationship Id="rId1" '
                                      'Target="worksheets/sheet1.xml"/></Relationships>'}),
     None, ["sheet"]),
    ("legacy .xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\x00" * 512, None, [".xls"]),
]


def db_snapshot(data_dir):
    """Everything a bad command could have touched, read straight from SQLite."""
    con = sqlite3.connect(os.path.join(data_dir, "atiende.db"))
    try:
        customers = con.execute("SELECT * FROM customers ORDER BY id").fetchall()
        users = con.execute("SELECT id, username, role, customer_id, password_hash, disabled"
                            " FROM users ORDER BY id").fetchall()
        audit = con.execute("SELECT count(*) FROM audit").fetchone()[0]
        return {"customers": customers, "users": users, "audit": audit}
    finally:
        con.close()


class BadHttpInputTest(h.TestCase):
    """One demo-seeded server, acting in the NM desk (its customer master has the
    columns these files use); after every test the customer list is unchanged."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, desk=h.NM_DESK)
        try:
            cls.server.start()
            cls.admin = cls.server.login("admin")
            cls.colfondos = h.search(cls.admin, "colfondos").json()["items"][0]
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def setUp(self):
        self.before = h.all_customers(self.admin)

    def tearDown(self):
        self.assertTrue(self.server.alive(), "the server died:\n" + self.server.log_text()[-3000:])
        self.assertEqual(h.all_customers(self.admin), self.before,
                         "bad input changed the customer master")

    def send(self, method, path, body, content_type="application/json", headers=None):
        try:
            return self.admin.request(method, path, body, content_type=content_type,
                                      headers=headers)
        except (ConnectionError, OSError) as e:
            self.fail("%s %s (%d bytes): no HTTP answer, the connection was dropped (%r)"
                      % (method, path, len(body or b""), e))

    # JSON routes --------------------------------------------------------------------

    def test_malformed_json(self):
        cases = [b'{"legal_name": "Rota S.A."', b"{legal_name: 'Rota S.A.'}",
                 b'{"legal_name": "Rota S.A."} trailing', b"{,}", b"nul", b"\x00\x01",
                 b"[" * 100 + b"]" * 100]
        for body in cases:
            with self.subTest(body=body[:30]):
                r = self.send("POST", "/api/v1/customers", body)
                self.assertProblem(r, 400, "body", "JSON")

    def test_not_an_object(self):
        for body in (b"[]", b'"Rota S.A."', b"42", b"null"):
            with self.subTest(body=body):
                self.assertProblem(self.send("POST", "/api/v1/customers", body), 400, "body",
                                   "object")
        self.assertProblem(self.send("POST", "/api/v1/customers", b""), 400, "body")

    def test_invalid_utf8_in_json(self):
        for body in (b'{"legal_name": "Caf\xe9 S.A."}', b'{"legal_name": "\xc3\x28 S.A."}',
                     b'{"legal_name": "\xed\xa0\x80 S.A."}', b'{"legal_name": "\\ud800 S.A."}',
                     b'{"legal_name": "Ok S.A.", "group": "\xff"}'):
            with self.subTest(body=body):
                r = self.send("POST", "/api/v1/customers", body)
                p = self.assertProblem(r, 400)
                self.assertIn(p.get("field"), ("body", "legal_name", "group"), p)

    def test_wrong_types(self):
        cases = [
            ({"legal_name": 5}, "legal_name", "string"),
            ({"legal_name": ["A S.A."]}, "legal_name", "string"),
            ({"legal_name": "A S.A.", "group": {"name": "G"}}, "group", "string"),
            ({"legal_name": "A S.A.", "criticality": True}, "criticality", "Prioritario"),
            ({"legal_name": "A S.A.", "blocks": "ZB"}, "blocks", "array"),
            ({"legal_name": "A S.A.", "blocks": [1]}, "blocks", "string"),
            ({"legal_name": "A S.A.", "services": {}}, "services", "array"),
            ({"legal_name": "A S.A.", "services": [{"service_id": 7}]}, "services[0].service_id",
             "string"),
            ({"legal_name": "A S.A.", "services": ["SID-1"]}, "services[0]", "object"),
            ({"legal_name": "A S.A.", "service_manager": "Luis"}, "service_manager", "object"),
        ]
        for body, field, word in cases:
            with self.subTest(body=body):
                r = self.send("POST", "/api/v1/customers", json.dumps(body).encode())
                self.assertProblem(r, 400, field, word)

    def test_missing_and_invalid_values(self):
        cases = [
            ({}, "legal_name", "required"),
            ({"group": "GRUPO SIN NOMBRE"}, "legal_name", "required"),
            ({"legal_name": "   "}, "legal_name", "required"),
            ({"legal_name": None}, "legal_name", "required"),
            ({"legal_name": "X" * 301}, "legal_name", "300"),
            ({"legal_name": "A S.A.", "criticality": "Alta"}, "criticality", "Prioritario"),
            ({"legal_name": "A S.A.", "email": "no-es-correo"}, "email", "e-mail"),
            ({"legal_name": "A S.A.", "blocks": ["zb"]}, "blocks", "zb"),
            ({"legal_name": "A S.A.", "contacts": [{"name": "Ana", "email": "ana@"}]},
             "contacts[0].email", "e-mail"),
        ]
        for body, field, word in cases:
            with self.subTest(body=body):
                r = self.send("POST", "/api/v1/customers", json.dumps(body).encode())
                self.assertProblem(r, 400, field, word)

    def test_unknown_fields(self):
        cases = [({"legal_name": "A S.A.", "colour": "red"}, "colour"),
                 ({"legal_name": "A S.A.", "Legal_Name": "B"}, "Legal_Name"),
                 ({"legal_name": "A S.A.", "contacts": [{"nombre": "Ana"}]}, "contacts[0].nombre"),
                 ({"legal_name": "A S.A.", "service_manager": {"mail": "x"}},
                  "service_manager.mail")]
        for body, field in cases:
            with self.subTest(body=body):
                r = self.send("POST", "/api/v1/customers", json.dumps(body).encode())
                self.assertProblem(r, 400, field, "known")
        url = "/api/v1/customers/%d" % self.colfondos["id"]
        self.assertProblem(self.send("PATCH", url, b'{"technology": "x", "colour": "red"}'), 400,
                           "colour", "known")

    def test_control_characters_are_not_stored(self):
        r = self.send("POST", "/api/v1/customers", b'{"legal_name": "Nulo\\u0000Oculto S.A."}')
        if r.status == 201:
            self.before.append(r.json())  # accepted: then it must have been cleaned
            self.assertNotIn("\x00", r.json()["legal_name"], r)
        else:
            self.assertProblem(r, 400, "legal_name")

    def test_wrong_content_type(self):
        r = self.send("POST", "/api/v1/customers", b'{"legal_name": "Tipo S.A."}',
                      content_type="text/plain")
        self.assertIn(r.status, (400, 415), r)
        p = self.assertProblem(r, r.status)
        self.assertIn("content-type", (p.get("field", "") + p["detail"]).lower())

    def test_bad_patches(self):
        url = "/api/v1/customers/%d" % self.colfondos["id"]
        self.assertProblem(self.send("PATCH", url, b'{"technology": "x"}',
                                     headers={"If-Match": "yesterday"}), 400, "If-Match")
        self.assertProblem(self.send("PATCH", url, b'{"technology": "x", "version": "1"}'), 400,
                           "version")
        self.assertProblem(self.send("PATCH", url, b'{"technology": 3}'), 400, "technology")
        self.assertProblem(self.send("PATCH", url, b'{"legal_name": ""}'), 400, "legal_name")
        self.assertProblem(self.send("PATCH", url, b"[]"), 400, "body")

    def test_oversized_json_body_is_413(self):
        body = json.dumps({"legal_name": "Grande S.A.", "group": "x" * (1 << 20)}).encode()
        self.assertGreater(len(body), 1 << 20)
        r = self.send("POST", "/api/v1/customers", body)
        self.assertProblem(r, 413)
        # The server is still serving.
        self.assertEqual(self.admin.get("/healthz").status, 200)

    def test_import_route_accepts_more_than_a_mebibyte(self):
        rows = "".join("Empresa Voluminosa Número %05d De Prueba Con Nombre Largo S.A.\t%s\n"
                       % (i, "Legacy sin Out") for i in range(20000))
        tsv = ("CLIENTES\tTECNOLOGIA\n" + rows).encode("utf-8")
        self.assertGreater(len(tsv), 1 << 20)
        r = self.send("POST", IMPORT + "?dry_run=true", tsv, content_type="text/plain")
        self.assertEqual(r.status, 200, r)
        rep = r.json()
        self.assertEqual((rep["rows"], rep["created"], rep["dry_run"]), (20000, 20000, True))

    # Import files -----------------------------------------------------------------------

    def test_bad_files_are_refused_whole(self):
        for name, body, field, words in BAD_FILES:
            with self.subTest(case=name):
                for query in ("", "?strict=true", "?dry_run=true"):
                    r = self.send("POST", IMPORT + query, body, content_type="text/plain")
                    self.assertProblem(r, 400, field, words)

    def test_empty_import_body(self):
        self.assertProblem(self.send("POST", IMPORT, b"", content_type="text/csv"), 400, "body")

    # Routing ----------------------------------------------------------------------------

    def test_unknown_endpoint_and_method(self):
        r = self.send("GET", "/api/v1/nothing-here", None)
        self.assertProblem(r, 404, None, "/api/v1/nothing-here")
        r = self.send("PUT", "/api/v1/customers/%d" % self.colfondos["id"], b"{}")
        p = self.assertProblem(r, 405, None, "PUT")
        self.assertEqual(p["title"], "Method Not Allowed", p)
        allow = r.header("Allow") or ""
        for m in ("GET", "PATCH", "DELETE"):
            self.assertIn(m, allow, "405 must list the allowed methods in Allow: %r" % r.headers)


class BadCliInputTest(h.TestCase):
    """CLI commands with bad input on a small data directory (the demo: two
    desks, so imports and staff users name theirs); the database is compared
    row by row before and after."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="atiende-bad-cli-")
        cls.data = os.path.join(cls.dir, "data")
        h.seed_demo(cls.data)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.before = db_snapshot(self.data)

    def tearDown(self):
        self.assertEqual(db_snapshot(self.data), self.before, "a failed command changed the database")

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def assertFails(self, args, words=(), stdin=None, code=None):
        r = h.cli(args, data_dir=self.data, stdin=stdin)
        self.assertNotEqual(r.code, 0, r)
        if code is not None:
            self.assertEqual(r.code, code, r)
        self.assertTrue(r.stderr.strip(), "no message on stderr: %r" % r)
        for w in words:
            self.assertIn(w.lower(), r.stderr.lower(), r)
        return r

    def test_bad_import_files(self):
        for i, (name, body, field, words) in enumerate(BAD_FILES):
            with self.subTest(case=name):
                path = self.write("bad%d.dat" % i, body)
                for flags in ([], ["--strict"], ["--dry-run"]):
                    r = self.assertFails(["import", "customers", path, "--desk", h.NM_DESK]
                                         + flags, words, code=65)
                    self.assertTrue(r.stderr.startswith("atiende: "), r)
                    if field:
                        self.assertTrue(r.stderr.startswith("atiende: %s: " % field), r)

    def test_strict_import_with_one_bad_row(self):
        path = self.write("strict.tsv", "CLIENTES\tCRÍTICO\nNueva Estricta S.A.\t\n"
                                        "Otra Estricta S.A.\tMuy alta\n".encode())
        self.assertFails(["import", "customers", path, "--strict", "--desk", h.NM_DESK],
                         ["row 3", "strict"])

    def test_import_names_its_desk(self):
        path = self.write("good.tsv", "CLIENTES\tTECNOLOGIA\nSin Mesa S.A.\tLegacy\n".encode())
        # Two desks: which one the customers belong to must be said.
        self.assertFails(["import", "customers", path], ["desk", h.NM_DESK, h.ZB_DESK], code=65)
        self.assertFails(["import", "customers", path, "--desk", "no-such-desk"],
                         ["no-such-desk"])

    def test_bad_user_commands(self):
        add = ["user", "add"]
        self.assertFails(add + ["nuevo", "--role", "root", "--password-stdin"], ["role"],
                         stdin="long-enough-pw\n", code=65)
        self.assertFails(add + ["nuevo", "--role", "agent", "--password-stdin"], ["password"],
                         stdin="short\n", code=65)
        self.assertFails(add + ["nuevo", "--role", "agent", "--password-stdin"], ["password"],
                         stdin="", code=65)
        self.assertFails(add + ["con espacio", "--role", "agent", "--password-stdin"],
                         ["username"], stdin="long-enough-pw\n", code=65)
        self.assertFails(add + ["portal", "--role", "customer", "--password-stdin"], ["customer"],
                         stdin="long-enough-pw\n", code=65)
        self.assertFails(add + ["portal", "--role", "customer", "--customer", "NO-SUCH-CODE",
                                "--password-stdin"], ["NO-SUCH-CODE"], stdin="long-enough-pw\n",
                         code=66)
        self.assertFails(add + ["agente", "--role", "agent", "--desk", h.NM_DESK,
                                "--password-stdin"], ["agente"], stdin="long-enough-pw\n", code=73)
        # Two desks: a staff user must be told where it works.
        self.assertFails(add + ["nuevo", "--role", "agent", "--password-stdin"],
                         ["desk", h.NM_DESK, h.ZB_DESK], stdin="long-enough-pw\n", code=65)
        self.assertFails(["user", "passwd", "agente"], ["password"], stdin="short\n", code=65)
        self.assertFails(["user", "passwd", "fantasma"], [], stdin="long-enough-pw\n", code=66)

    def test_bad_token_commands(self):
        self.assertFails(["token", "create", "fantasma"], ["fantasma"], code=66)
        self.assertFails(["token", "create", "agente", "--ttl-hours", "0"], ["ttl"])
        self.assertFails(["token", "create", "agente", "--ttl-hours", "lots"], ["ttl"])

    def test_bad_serve_settings(self):
        self.assertFails(["serve", "--listen", "not-an-address"], ["listen"])
        self.assertFails(["serve", "--listen", "127.0.0.1:99999"], ["listen"])
        self.assertFails(["serve", "--listen", "127.0.0.1:0", "--virtual-clock",
                          "--virtual-clock-start", "yesterday"], ["virtual_clock_start"])
        r = h.cli(["serve", "--listen", "127.0.0.1:0"], data_dir=self.data,
                  env={"ATIENDE_WORKERS": "many"})
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("ATIENDE_WORKERS", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
