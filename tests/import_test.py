"""Importing the customer master (NM-1): TSV, CSV (comma, semicolon, BOM,
quoting) and XLSX, as an upsert with a report, over HTTP and the CLI.
"""

import os
import sys
import tempfile
import shutil
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

ADMIN_PASSWORD = "import-admin-pw"
IMPORT = "/api/v1/customers/import"

# Rows 3..6 are bad, each for one reason; rows 2 and 7 are fine.
MIXED = ("CLIENTES\tCRÍTICO\tTECNOLOGIA\tEMAIL\n"
         "Mixta Buena Uno S.A.\tPrioritario\tLegacy sin Out\t\n"
         "\tPrioritario\tLegacy sin Out\t\n"
         "Mixta Critica Rara S.A.\tAlta\tLegacy sin Out\t\n"
         "Mixta Correo Malo S.A.\t\tLegacy sin Out\tno-es-un-correo\n"
         "Mixta Celdas De Mas S.A.\t\tLegacy sin Out\ta@b.co\textra\n"
         "Mixta Buena Dos S.A.\t\tSDWAN con Out Fort\tti@buenados.co\n")


def modified_seed():
    """nm_customers.tsv with one row changed (COLFONDOS' technology)."""
    text = h.demo_file("nm_customers.tsv").decode("utf-8")
    old = "COLFONDOS S.A.\tPrioritario\tSDWAN con Out Fort"
    assert old in text, "the demo file changed; update this test"
    return text.replace(old, "COLFONDOS S.A.\tPrioritario\tSDWAN con Out Vipt").encode("utf-8")


class ImportApiTest(h.TestCase):
    """One fresh server (no demo data) with an admin; tests use distinct names."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server()
        try:
            h.add_user(cls.server.data_dir, "jefa", "admin", ADMIN_PASSWORD)
            h.add_user(cls.server.data_dir, "super", "supervisor", ADMIN_PASSWORD)
            cls.server.start()
            cls.admin = cls.server.login("jefa", ADMIN_PASSWORD)
            cls.sup = cls.server.login("super", ADMIN_PASSWORD)
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def post(self, data, query="", client=None, content_type="text/plain"):
        if isinstance(data, str):
            data = data.encode("utf-8")
        return (client or self.admin).post(IMPORT + query, data, content_type=content_type)

    def imported(self, data, query="", **kw):
        r = self.post(data, query, **kw)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def one(self, legal_name):
        """The customer with exactly this legal name, via search."""
        hits = h.search(self.admin, legal_name, limit=10).json()["items"]
        match = [c for c in hits if c["legal_name"] == legal_name]
        self.assertEqual(len(match), 1, "%r not found once in %r"
                         % (legal_name, [c["legal_name"] for c in hits]))
        return match[0]

    def absent(self, legal_name):
        hits = h.search(self.admin, legal_name, limit=10).json()["items"]
        self.assertNotIn(legal_name, [c["legal_name"] for c in hits])

    def assertReport(self, rep, rows, created=0, updated=0, unchanged=0, rejected=0):
        self.assertEqual((rep["rows"], rep["created"], rep["updated"], rep["unchanged"],
                          len(rep["rejected"])),
                         (rows, created, updated, unchanged, rejected), rep)

    # The seed table -----------------------------------------------------------------

    def test_seed_tsv_then_reimport_then_one_change(self):
        seed = h.demo_file("nm_customers.tsv")
        rep = self.imported(seed, content_type="text/tab-separated-values")
        self.assertReport(rep, 15, created=15)
        self.assertIs(rep["dry_run"], False)
        self.assertEqual(self.one("COLFONDOS S.A.")["technology"], "SDWAN con Out Fort")
        self.assertEqual(self.one("INGENIO DEL CAUCA S.A.")["group"],
                         "ORGANIZACIÓN ARDILA LULLE - CAL")
        self.assertIsNone(self.one("PRODUCTOS YUPI S.A.S.")["criticality"])

        rep = self.imported(seed)
        self.assertReport(rep, 15, unchanged=15)

        before = self.one("COLFONDOS S.A.")
        rep = self.imported(modified_seed())
        self.assertReport(rep, 15, updated=1, unchanged=14)
        after = self.one("COLFONDOS S.A.")
        self.assertEqual(after["id"], before["id"], "an upsert keeps the customer")
        self.assertEqual(after["technology"], "SDWAN con Out Vipt")
        self.assertEqual(after["version"], before["version"] + 1)
        hist = self.admin.get("/api/v1/customers/%d/history" % after["id"]).json()["items"]
        self.assertEqual(hist[0]["action"], "customer.update")
        self.assertEqual(hist[0]["actor"], "jefa")
        self.assertEqual(hist[0]["before"]["technology"], "SDWAN con Out Fort")
        self.assertEqual(hist[0]["after"]["technology"], "SDWAN con Out Vipt")

    def test_lpg_tsv_with_codes_and_blocks(self):
        rep = self.imported(h.demo_file("lpg_customers.tsv"), client=self.sup)
        self.assertReport(rep, 6, created=6)
        c = self.one("Hotel Bahía Coquimbo S.A.")
        self.assertEqual(c["code"], "101455")
        self.assertEqual(c["blocks"], ["ZB"])
        self.assertEqual(c["region"], "Coquimbo")
        self.assertEqual(c["segment"], "granel")
        self.assertEqual(c["tax_id"], "96.345.678-9")
        self.assertEqual(self.one("Panadería La Espiga SpA")["blocks"], [])
        # Rows are matched by code: a renamed company is updated, not duplicated.
        text = h.demo_file("lpg_customers.tsv").decode("utf-8").replace(
            "Panadería La Espiga SpA", "Panadería La Espiga Dorada SpA")
        rep = self.imported(text)
        self.assertReport(rep, 6, updated=1, unchanged=5)
        self.assertEqual(self.one("Panadería La Espiga Dorada SpA")["code"], "100871")
        self.absent("Panadería La Espiga SpA")

    # CSV dialects ---------------------------------------------------------------------

    def test_csv_with_commas(self):
        csv = ("GRUPO ECONOMICO,CLIENTES,CRÍTICO,TECNOLOGIA\n"
               "GRUPO COMA,Coma Uno S.A.,Prioritario,Legacy sin Out\n"
               ",Coma Dos S.A.S.,,SDWAN con Out Fort\n")
        rep = self.imported(csv, content_type="text/csv")
        self.assertReport(rep, 2, created=2)
        c = self.one("Coma Uno S.A.")
        self.assertEqual((c["group"], c["criticality"], c["technology"]),
                         ("GRUPO COMA", "Prioritario", "Legacy sin Out"))
        c = self.one("Coma Dos S.A.S.")
        self.assertEqual((c["group"], c["criticality"], c["technology"]),
                         ("", None, "SDWAN con Out Fort"))

    def test_csv_with_semicolons_keeps_commas_in_values(self):
        csv = ("Grupo Económico;Clientes;Crítico;Tecnología\r\n"
               "GRUPO PUNTO Y COMA, S.A.;Punto, Coma y Cía S.A.;prioritario;Legacy con Out\r\n")
        rep = self.imported(csv, content_type="text/csv")
        self.assertReport(rep, 1, created=1)
        c = self.one("Punto, Coma y Cía S.A.")
        self.assertEqual(c["group"], "GRUPO PUNTO Y COMA, S.A.")
        self.assertEqual(c["criticality"], "Prioritario")
        self.assertEqual(c["technology"], "Legacy con Out")

    def test_csv_with_bom_and_crlf(self):
        csv = "\ufeffGRUPO ECONOMICO,CLIENTES,TECNOLOGIA\r\nGRUPO BOM,Marca De Orden S.A.,Legacy\r\n"
        rep = self.imported(csv.encode("utf-8"), content_type="text/csv")
        self.assertReport(rep, 1, created=1)
        c = self.one("Marca De Orden S.A.")
        self.assertEqual(c["group"], "GRUPO BOM", "the BOM must not hide the first column")
        self.assertEqual(c["technology"], "Legacy")

    def test_csv_with_quoted_fields(self):
        csv = ('CLIENTES,GRUPO ECONOMICO,CRÍTICO,TECNOLOGIA\n'
               '"Industrias ""La Estrella"", S.A.S.","GRUPO ""ESTRELLA""",,"Legacy, sin Out"\n'
               '"Comillas Multilínea S.A.","GRUPO\nDOS LÍNEAS",,Legacy\n'
               'Comillas Mala Criticidad S.A.,,Urgente,Legacy\n'
               '"Comillas Final S.A.",,"",""\n')
        rep = self.imported(csv, content_type="text/csv")
        self.assertReport(rep, 4, created=3, rejected=1)
        c = self.one('Industrias "La Estrella", S.A.S.')
        self.assertEqual(c["group"], 'GRUPO "ESTRELLA"')
        self.assertEqual(c["technology"], "Legacy, sin Out")
        # A cell wrapped over lines is one line in a name (names refuse line breaks).
        self.assertEqual(self.one("Comillas Multilínea S.A.")["group"], "GRUPO DOS LÍNEAS")
        # The bad row starts on line 5 of the file (row 3 spans lines 3-4).
        bad = rep["rejected"][0]
        self.assertEqual(bad["row"], 5, rep)
        self.assertEqual(bad["field"], "criticality", rep)
        self.assertEqual(self.one("Comillas Final S.A.")["technology"], "")

    # XLSX -------------------------------------------------------------------------------

    def test_xlsx_with_shared_strings_numbers_and_sparse_cells(self):
        book = h.make_xlsx([
            ["GRUPO ECONOMICO", "CLIENTES", "CRÍTICO", "TECNOLOGIA", "NIT", "CODIGO"],
            ["GRUPO HOJA", "Hoja De Cálculo S.A.", "Prioritario", "SDWAN con Out Vipt",
             900123456, "XL-1"],
            [None, "Ñandú Sin Grupo Ltda.", None, "Legacy sin Out", None, "XL-2"],
            [],
            ["GRUPO HOJA", "Hoja En Línea S.A.S.", "", "Legacy con Out", "800.111.222-3", 4711],
        ], inline={(4, 1)})
        rep = self.imported(book, content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        self.assertReport(rep, 3, created=3)
        c = self.one("Hoja De Cálculo S.A.")
        self.assertEqual((c["group"], c["criticality"], c["technology"], c["tax_id"], c["code"]),
                         ("GRUPO HOJA", "Prioritario", "SDWAN con Out Vipt", "900123456", "XL-1"))
        c = self.one("Ñandú Sin Grupo Ltda.")
        self.assertEqual((c["group"], c["criticality"], c["tax_id"]), ("", None, ""))
        c = self.one("Hoja En Línea S.A.S.")
        self.assertEqual((c["code"], c["tax_id"]), ("4711", "800.111.222-3"))
        # Same workbook again: nothing changes.
        self.assertReport(self.imported(book), 3, unchanged=3)
        # Searchable by the folded name.
        self.assertEqual(h.search(self.admin, "nandu sin grupo").json()["items"][0]["legal_name"],
                         "Ñandú Sin Grupo Ltda.")

    # Dry run, rejected rows, strict ---------------------------------------------------

    def test_dry_run_changes_nothing(self):
        self.imported("CLIENTES\tTECNOLOGIA\nEnsayo Existente S.A.\tLegacy sin Out\n")
        existing = self.one("Ensayo Existente S.A.")
        count = h.customer_count(self.admin)
        text = ("CLIENTES\tTECNOLOGIA\n"
                "Ensayo Existente S.A.\tSDWAN con Out Fort\n"
                "Ensayo Nuevo Uno S.A.\tLegacy sin Out\n"
                "Ensayo Nuevo Dos S.A.\tLegacy sin Out\n")
        rep = self.imported(text, "?dry_run=true")
        self.assertIs(rep["dry_run"], True)
        self.assertReport(rep, 3, created=2, updated=1)
        self.assertEqual(h.customer_count(self.admin), count)
        self.absent("Ensayo Nuevo Uno S.A.")
        again = self.one("Ensayo Existente S.A.")
        self.assertEqual((again["technology"], again["version"]),
                         (existing["technology"], existing["version"]))
        hist = self.admin.get("/api/v1/customers/%d/history" % existing["id"]).json()["items"]
        self.assertEqual(len(hist), 1, "a dry run must not write audit rows")
        # dry_run=false is a real run.
        rep = self.imported(text, "?dry_run=false")
        self.assertIs(rep["dry_run"], False)
        self.assertEqual(h.customer_count(self.admin), count + 2)

    def test_rejected_rows_carry_row_numbers_and_reasons(self):
        count = h.customer_count(self.admin)
        rep = self.imported(MIXED)
        self.assertReport(rep, 6, created=2, rejected=4)
        by_row = {x["row"]: x for x in rep["rejected"]}
        self.assertEqual(sorted(by_row), [3, 4, 5, 6], rep)
        self.assertEqual(by_row[3]["field"], "legal_name")
        self.assertEqual(by_row[4]["field"], "criticality")
        self.assertEqual(by_row[5]["field"], "email")
        for x in rep["rejected"]:
            self.assertTrue(x["reason"], x)
        self.assertIn("Prioritario", by_row[4]["reason"])
        self.assertRegex(by_row[6]["reason"], r"5.*4|cells|columns")
        self.assertEqual(h.customer_count(self.admin), count + 2)
        self.one("Mixta Buena Uno S.A.")
        self.one("Mixta Buena Dos S.A.")
        self.absent("Mixta Critica Rara S.A.")

    def test_strict_with_a_bad_row_imports_nothing(self):
        count = h.customer_count(self.admin)
        text = MIXED.replace("Mixta", "Estricta")
        r = self.post(text, "?strict=true")
        p = self.assertProblem(r, 400)
        self.assertEqual(p.get("field"), "row 3", p)
        self.assertIn("strict", p["detail"])
        self.assertEqual(h.customer_count(self.admin), count)
        self.absent("Estricta Buena Uno S.A.")
        # strict with a clean file imports it.
        clean = "CLIENTES\nEstricta Limpia S.A.\n"
        self.assertReport(self.imported(clean, "?strict=true"), 1, created=1)

    def test_agent_and_dispatch_may_not_import(self):
        for user, role in (("imp.agente", "agent"), ("imp.despacho", "dispatch"),
                           ("imp.mesa", "back_office")):
            r = self.admin.post("/api/v1/users", {"username": user, "role": role,
                                                  "password": ADMIN_PASSWORD})
            self.assertEqual(r.status, 201, r)
            c = self.server.login(user, ADMIN_PASSWORD)
            self.assertProblem(self.post("CLIENTES\nIntrusa S.A.\n", client=c), 403)
        self.absent("Intrusa S.A.")


class ImportCliTest(h.TestCase):
    """`atiende import customers FILE` on a fresh data directory (no server)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="atiende-import-cli-")
        self.data = os.path.join(self.dir, "data")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def run_import(self, path, *flags):
        return h.cli(["import", "customers", path] + list(flags), data_dir=self.data)

    def test_seed_tsv_reimport_and_one_change(self):
        seed = os.path.join(h.DEMO_DIR, "nm_customers.tsv")
        r = self.run_import(seed)
        self.assertEqual(r.code, 0, r)
        self.assertIn("15 rows: 15 created, 0 updated, 0 unchanged, 0 rejected", r.stdout)
        r = self.run_import(seed)
        self.assertEqual(r.code, 0, r)
        self.assertIn("15 rows: 0 created, 0 updated, 15 unchanged, 0 rejected", r.stdout)
        changed = self.write("changed.tsv", modified_seed())
        r = self.run_import(changed, "--dry-run")
        self.assertEqual(r.code, 0, r)
        self.assertIn("dry run", r.stdout)
        self.assertIn("0 created, 1 updated, 14 unchanged", r.stdout)
        r = self.run_import(changed)
        self.assertEqual(r.code, 0, r)
        self.assertIn("15 rows: 0 created, 1 updated, 14 unchanged, 0 rejected", r.stdout)
        self.assertIn("15 unchanged", self.run_import(changed).stdout)

    def test_xlsx_and_csv_files(self):
        book = self.write("maestra.xlsx", h.make_xlsx([["CLIENTES", "TECNOLOGIA"],
                                                       ["Libro Uno S.A.", "Legacy"]]))
        r = self.run_import(book)
        self.assertEqual(r.code, 0, r)
        self.assertIn("1 created", r.stdout)
        csv = self.write("maestra.csv", "\ufeffCLIENTES;TECNOLOGIA\nLibro Uno S.A.;Legacy\n"
                                        "Libro Dos S.A.;SDWAN\n")
        r = self.run_import(csv)
        self.assertEqual(r.code, 0, r)
        self.assertIn("2 rows: 1 created, 0 updated, 1 unchanged", r.stdout)

    def test_rejected_rows_are_listed_and_exit_nonzero(self):
        path = self.write("mixed.tsv", MIXED)
        r = self.run_import(path)
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("6 rows: 2 created", r.stdout)
        self.assertIn("4 rejected", r.stdout)
        for line in ("row 3: legal_name", "row 4: criticality", "row 5: email", "row 6"):
            self.assertIn(line, r.stdout)
        # The good rows went in: importing them again changes nothing.
        good = self.write("good.tsv", "CLIENTES\tCRÍTICO\tTECNOLOGIA\tEMAIL\n"
                                      "Mixta Buena Uno S.A.\tPrioritario\tLegacy sin Out\t\n")
        self.assertIn("1 unchanged", self.run_import(good, "--dry-run").stdout)

    def test_strict_imports_nothing(self):
        path = self.write("mixed.tsv", MIXED)
        r = self.run_import(path, "--strict")
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("strict", r.stderr)
        self.assertRegex(r.stderr, r"^atiende: row 3: ")
        good = self.write("good.tsv", "CLIENTES\tCRÍTICO\tTECNOLOGIA\tEMAIL\n"
                                      "Mixta Buena Uno S.A.\tPrioritario\tLegacy sin Out\t\n")
        r = self.run_import(good, "--dry-run")
        self.assertIn("1 created", r.stdout, "the strict run must not have imported the good rows")

    def test_each_desk_has_its_own_master(self):
        r = h.cli(["desk", "add", "segunda", "--name", "Segunda Mesa"], data_dir=self.data)
        self.assertEqual(r.code, 0, r)
        lpg = os.path.join(h.DEMO_DIR, "lpg_customers.tsv")
        # Two desks: the import must say which one the customers belong to.
        r = self.run_import(lpg)
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("desk", r.stderr)
        r = self.run_import(lpg, "--desk", "segunda")
        self.assertEqual(r.code, 0, r)
        self.assertIn("6 rows: 6 created", r.stdout)
        # The same codes in the other desk are other customers.
        r = self.run_import(lpg, "--desk", "main")
        self.assertEqual(r.code, 0, r)
        self.assertIn("6 rows: 6 created", r.stdout)
        r = self.run_import(lpg, "--desk", "segunda")
        self.assertIn("6 rows: 0 created, 0 updated, 6 unchanged", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
