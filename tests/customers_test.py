"""The customer master over HTTP: identifying a caller (NM-2, NM-3), editing
(NM-1) with optimistic concurrency, and the audit trail (G-1).

Runs the real binary on the demo data (data/demo/*.tsv): the telecom's
customers are in the NM desk, the LPG distributor's in the ZB desk, and each
desk's users find only their own desk's.
"""

import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

ARDILA_GROUP_MEMBERS = {
    "INGENIO DEL CAUCA S.A.", "RADIO CADENA NACIONAL S.A.S.", "RCN TELEVISION S.A.",
    "COLTEFINANCIERA S.A.", "DISTRIBUIDORA LOS COCHES LA SABANA S.A.",
    "ARESS CORREDORES DE SEGUROS S.A.",
}


class SearchTest(h.TestCase):
    """Read-only searches on one demo-seeded server, by the agent of each desk."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True)
        try:
            cls.server.start()
            cls.agent = cls.server.login(h.NM_USERS["agent"], desk=h.NM_DESK)
            cls.zb_agent = cls.server.login(h.DEMO_USERS["agent"], desk=h.ZB_DESK)
            cls.total = h.customer_count(cls.agent)
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def find(self, q, limit=None, client=None):
        r = h.search(client or self.agent, q, limit)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "application/json", r)
        body = r.json()
        self.assertIsInstance(body["items"], list, body)
        return body

    def names(self, q, limit=None, client=None):
        return [c["legal_name"] for c in self.find(q, limit, client)["items"]]

    def assertTop(self, q, legal_name, client=None):
        names = self.names(q, client=client)
        self.assertTrue(names, "%r found nothing" % q)
        self.assertEqual(names[0], legal_name, "%r → %r" % (q, names))

    def test_demo_master_is_loaded(self):
        self.assertEqual(self.total, 15)
        self.assertEqual(h.customer_count(self.zb_agent), 6)

    def test_a_desk_finds_only_its_own_customers(self):
        self.assertNotIn("Agrícola Los Robles Ltda.", self.names("agricola los robles"))
        self.assertNotIn("Scotiabank Colpatría S.A.", self.names("colpatria", client=self.zb_agent))

    # What a person expects at the top ---------------------------------------------

    def test_colpatria_lower_case_without_accent(self):
        self.assertTop("colpatria", "Scotiabank Colpatría S.A.")

    def test_colpatria_upper_case_with_accent_and_legal_suffix(self):
        self.assertTop("COLPATRÍA S.A.", "Scotiabank Colpatría S.A.")

    def test_tecnoquimica_prefix(self):
        self.assertTop("tecnoquimica", "TECNOQUIMICAS S.A.")
        self.assertIn("TECNOSUR", self.names("tecnoquimica")[:3],
                      "the other member of the TECNOQUIMICAS group should follow")

    def test_ardila_lule_typo_finds_the_group(self):
        names = self.names("ardila lule")
        self.assertGreaterEqual(len(names), 3, names)
        for n in names[:3]:
            self.assertIn(n, ARDILA_GROUP_MEMBERS, names)
        self.assertEqual(ARDILA_GROUP_MEMBERS, set(names) & ARDILA_GROUP_MEMBERS,
                         "every member of ORGANIZACIÓN ARDILA LULLE should be listed")

    def test_rcn_finds_both_rcn_companies(self):
        names = self.names("rcn")
        self.assertEqual(names[0], "RCN TELEVISION S.A.", names)
        self.assertIn("RADIO CADENA NACIONAL S.A.S.", names[:3], names)

    def test_more_ways_people_type_names(self):
        cases = {
            "scotiabank colpatria s.a.": "Scotiabank Colpatría S.A.",
            "colaptria": "Scotiabank Colpatría S.A.",           # transposition
            "scotia": "Scotiabank Colpatría S.A.",              # typing in progress
            "salud total eps-s": "SALUD TOTAL EPS-S S.A",
            "virrey solis ips": "VIRREY SOLIS I.P.S. S.A.",
            "VIRREY SOLÍS I.P.S.": "VIRREY SOLIS I.P.S. S.A.",
            "alpina": "ALPINA PRODUCTOS ALIMENTICIOS S.A.",
            "colombina s a": "COLOMBINA S. A.",
            "productos yupi sas": "PRODUCTOS YUPI S.A.S.",
        }
        for q, expected in cases.items():
            with self.subTest(q=q):
                self.assertTop(q, expected)
        zb_cases = {  # the LPG distributor's customers, in the ZB desk
            "agricola los robles": "Agrícola Los Robles Ltda.",
            "panaderia la espiga": "Panadería La Espiga SpA",
        }
        for q, expected in zb_cases.items():
            with self.subTest(q=q, desk=h.ZB_DESK):
                self.assertTop(q, expected, client=self.zb_agent)

    def test_hits_carry_group_criticality_technology_blocks(self):
        hit = self.find("colpatria")["items"][0]
        self.assertEqual(hit["group"], "GRUPO COLPATRIA")
        self.assertEqual(hit["criticality"], "Prioritario")
        self.assertEqual(hit["technology"], "Legacy con Out")
        self.assertEqual(hit["blocks"], [])
        ardila = {c["legal_name"]: c for c in self.find("coltefinanciera")["items"]}
        c = ardila["COLTEFINANCIERA S.A."]
        self.assertEqual(c["group"], "ORGANIZACION ARDILA LULLE - BOG")
        self.assertIsNone(c["criticality"], "blank CRÍTICO means not critical")
        self.assertEqual(c["technology"], "Legacy sin Out")
        lpg = self.find("los robles", client=self.zb_agent)["items"][0]
        self.assertEqual(lpg["blocks"], ["ZB"])
        self.assertEqual(lpg["code"], "100234")
        for hit in self.find("s.a.", limit=50)["items"] + self.find("ardila")["items"]:
            for key in ("id", "legal_name", "group", "criticality", "technology", "blocks"):
                self.assertIn(key, hit)

    def test_limit_is_honoured(self):
        body = self.find("ardila", limit=2)
        self.assertEqual(len(body["items"]), 2, body)

    def test_no_hit_derives_to_assurance(self):
        for q in ("zzyzx quuxcorp", "Empresa Inexistente S.A.S.", "%", "   "):
            with self.subTest(q=q):
                body = self.find(q)
                self.assertEqual(body["items"], [], body)
                self.assertEqual(body.get("derive_to"), "assurance", body)
                self.assertTrue(body.get("hint"), body)

    def test_a_hit_does_not_derive(self):
        body = self.find("colfondos")
        self.assertNotIn("derive_to", body)

    def test_sql_like_and_fts_syntax_are_plain_text(self):
        queries = ["%", "_", "%%", "__", "'", '"', "*", "colpatria*", "col%", "colp_tria",
                   "NEAR(", "NEAR(colpatria scotiabank)", "--", "colpatria --", "' OR '1'='1",
                   '" OR ""="', "; DROP TABLE customers", "'; DROP TABLE customers; --",
                   "colpatria; DROP TABLE customers", "AND", "OR", "NOT", "colpatria NOT",
                   "^colpatria", "name:colpatria", "{colpatria}", "\\", "(", ")", "a\x00b"]
        for q in queries:
            with self.subTest(q=q):
                body = self.find(q)
                for hit in body["items"]:
                    self.assertIn("legal_name", hit)
                if not body["items"]:
                    self.assertEqual(body.get("derive_to"), "assurance", body)
        # Queries that carry a real name still find it despite the syntax around it.
        for q in ("colpatria*", "colpatria --", "NEAR(colpatria scotiabank)", "'colpatria'",
                  '"colpatria"', "colpatria; DROP TABLE customers"):
            with self.subTest(q=q):
                self.assertIn("Scotiabank Colpatría S.A.", self.names(q)[:3])
        # The table is intact.
        self.assertEqual(h.customer_count(self.agent), self.total)
        self.assertTop("colpatria", "Scotiabank Colpatría S.A.")

    def test_bad_search_parameters(self):
        self.assertProblem(self.agent.get("/api/v1/customers?q=x&limit=0"), 400, "limit")
        self.assertProblem(self.agent.get("/api/v1/customers?q=x&limit=1000"), 400, "limit")
        self.assertProblem(self.agent.get("/api/v1/customers?q=x&limit=ten"), 400, "limit")
        self.assertProblem(self.agent.get("/api/v1/customers?q=" + "a" * 201), 400, "q")
        self.assertProblem(self.agent.get("/api/v1/customers?q=caf%E9"), 400, "q")

    def test_list_pages_through_everything(self):
        seen, after = [], 0
        while True:
            r = self.agent.get("/api/v1/customers?after=%d&limit=4" % after)
            self.assertEqual(r.status, 200, r)
            page = r.json()
            self.assertLessEqual(len(page["items"]), 4)
            seen += [c["id"] for c in page["items"]]
            if not page["next_after"]:
                break
            after = page["next_after"]
        self.assertEqual(len(seen), self.total)
        self.assertEqual(seen, sorted(set(seen)))


class CrudTest(h.TestCase):
    """Create, read, update, delete and history; one server, each test its own rows.
    Everyone acts in the ZB desk, the one with a back office user (editing the
    master works the same in every desk)."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, desk=h.ZB_DESK)
        try:
            cls.server.start()
            cls.sup = cls.server.login(h.DEMO_USERS["supervisor"])
            cls.mesa = cls.server.login(h.DEMO_USERS["back_office"])
            cls.admin = cls.server.login(h.DEMO_USERS["admin"])
            cls.agent = cls.server.login(h.DEMO_USERS["agent"])
            cls.nm_agent = cls.server.login(h.NM_USERS["agent"], desk=h.NM_DESK)
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    def create(self, client=None, **fields):
        body = {"legal_name": "Prueba S.A.", "group": "GRUPO PRUEBA", "technology": "Legacy sin Out"}
        body.update(fields)
        r = (client or self.sup).post("/api/v1/customers", body)
        self.assertEqual(r.status, 201, r)
        return r

    def test_create_returns_location_and_etag(self):
        r = self.create(legal_name="Transportes Andinos S.A.S.", criticality="prioritario",
                        blocks=["ZB", "ZB"], tax_id="900.123.456-7",
                        services=[{"service_id": "SID-1", "circuit": "CIR-9"}],
                        contacts=[{"name": "Ana", "role": "TI", "phone": "+57 1 555",
                                   "email": "ana@andinos.co"}],
                        service_manager={"name": "Luis", "contact": "luis@example.com"})
        c = r.json()
        self.assertEqual(r.header("Location"), "/api/v1/customers/%d" % c["id"])
        self.assertEqual(r.header("ETag"), '"v1"')
        self.assertEqual(c["version"], 1)
        self.assertEqual(c["criticality"], "Prioritario", "criticality is normalised")
        self.assertEqual(c["blocks"], ["ZB"], "blocks are deduplicated")
        self.assertTrue(c["code"], "a code is assigned when none is given")
        got = self.agent.get(r.header("Location"))
        self.assertEqual(got.status, 200, got)
        self.assertEqual(got.header("ETag"), '"v1"')
        g = got.json()
        for key in ("legal_name", "group", "technology", "criticality", "blocks", "tax_id",
                    "services", "contacts", "service_manager", "code"):
            self.assertEqual(g[key], c[key], key)
        self.assertEqual(g["services"][0]["circuit"], "CIR-9")
        # Searchable at once.
        names = [x["legal_name"] for x in h.search(self.agent, "transportes andinos").json()["items"]]
        self.assertEqual(names[:1], ["Transportes Andinos S.A.S."])
        # Another desk's agent does not see it.
        self.assertProblem(self.nm_agent.get(r.header("Location")), 404)

    def test_services_need_an_id_or_a_circuit_and_an_id_is_listed_once(self):
        c = self.create(legal_name="Servicios Dobles S.A.",
                        services=[{"service_id": "SID-D1", "circuit": "CIR-D1"}]).json()
        url = "/api/v1/customers/%d" % c["id"]
        for services, field in (
                ([{"service_id": "SID-D1"}, {"service_id": " SID-D1 ", "circuit": "CIR-D2"}],
                 "services[1].service_id"),
                ([{"service_id": "", "circuit": "", "description": "sin identificar"}],
                 "services[0].service_id")):
            with self.subTest(field=field):
                self.assertProblem(self.mesa.patch(url, {"services": services}), 400, field)
        got = self.agent.get(url).json()
        self.assertEqual((got["version"], got["services"][0]["circuit"]), (1, "CIR-D1"),
                         "a refused edit changes nothing")
        ok = self.mesa.patch(url, {"services": [{"service_id": "SID-D1", "circuit": "CIR-D9"},
                                                {"circuit": "CIR-SOLO"}]})
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual([(s["service_id"], s["circuit"]) for s in ok.json()["services"]],
                         [("SID-D1", "CIR-D9"), ("", "CIR-SOLO")])

    def test_create_with_a_taken_code_is_409(self):
        self.create(legal_name="Codigo Unico Uno", code="UNIQ-1")
        r = self.sup.post("/api/v1/customers", {"legal_name": "Codigo Unico Dos", "code": "UNIQ-1"})
        self.assertProblem(r, 409, "code")
        hits = h.search(self.agent, "codigo unico dos").json()["items"]
        self.assertNotIn("Codigo Unico Dos", [x["legal_name"] for x in hits])

    def test_patch_with_if_match_and_stale_version(self):
        c = self.create(legal_name="Lácteos del Valle S.A.").json()
        url = "/api/v1/customers/%d" % c["id"]
        r = self.mesa.patch(url, {"technology": "SDWAN con Out Vipt"}, headers={"If-Match": '"v1"'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("ETag"), '"v2"')
        self.assertEqual(r.json()["version"], 2)
        self.assertEqual(r.json()["technology"], "SDWAN con Out Vipt")
        self.assertEqual(r.json()["group"], "GRUPO PRUEBA", "PATCH keeps fields it was not given")
        # A second editor still holding v1 is refused; the first change survives.
        stale = self.sup.patch(url, {"technology": "Legacy sin Out"}, headers={"If-Match": '"v1"'})
        p = self.assertProblem(stale, 409)
        self.assertEqual(p["code"], "version_conflict", p)
        # The version can also travel in the body.
        stale2 = self.sup.patch(url, {"technology": "Legacy sin Out", "version": 1})
        self.assertEqual(self.assertProblem(stale2, 409)["code"], "version_conflict")
        got = self.agent.get(url)
        self.assertEqual(got.json()["technology"], "SDWAN con Out Vipt")
        self.assertEqual(got.header("ETag"), '"v2"')
        ok = self.sup.patch(url, {"criticality": "Prioritario", "version": 2})
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(ok.json()["version"], 3)
        self.assertEqual(ok.json()["criticality"], "Prioritario")
        self.assertEqual(ok.json()["technology"], "SDWAN con Out Vipt")

    def test_concurrent_patches_lose_nothing(self):
        c = self.create(legal_name="Concurrencia Ltda.").json()
        url = "/api/v1/customers/%d" % c["id"]
        results = {}

        def edit(name, client, fields):
            results[name] = client.patch(url, fields, headers={"If-Match": '"v1"'})

        threads = [threading.Thread(target=edit, args=("a", self.sup, {"technology": "A-tech"})),
                   threading.Thread(target=edit, args=("b", self.mesa, {"phone": "+57 300 1"}))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        statuses = sorted(r.status for r in results.values())
        self.assertEqual(statuses, [200, 409], results)
        winner = [k for k, r in results.items() if r.status == 200][0]
        got = self.agent.get(url).json()
        self.assertEqual(got["version"], 2)
        if winner == "a":
            self.assertEqual((got["technology"], got["phone"]), ("A-tech", ""))
        else:
            self.assertEqual((got["technology"], got["phone"]), ("Legacy sin Out", "+57 300 1"))

    def test_rename_moves_the_search_entry(self):
        c = self.create(legal_name="Ferretería Quimbaya S.A.").json()
        url = "/api/v1/customers/%d" % c["id"]
        r = self.sup.patch(url, {"legal_name": "Herramientas Quindío S.A.S."})
        self.assertEqual(r.status, 200, r)
        new = [x["id"] for x in h.search(self.agent, "herramientas quindio").json()["items"]]
        self.assertIn(c["id"], new)
        old = [x["id"] for x in h.search(self.agent, "ferreteria quimbaya").json()["items"]]
        self.assertNotIn(c["id"], old)

    def test_patch_without_change_keeps_the_version(self):
        c = self.create(legal_name="Sin Cambios S.A.").json()
        url = "/api/v1/customers/%d" % c["id"]
        r = self.sup.patch(url, {"group": "GRUPO PRUEBA"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["version"], 1)
        hist = self.admin.get(url + "/history").json()["items"]
        self.assertEqual([e["action"] for e in hist], ["customer.create"])

    def test_delete_then_404(self):
        c = self.create(legal_name="Efímera S.A.").json()
        url = "/api/v1/customers/%d" % c["id"]
        r = self.admin.delete(url)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        self.assertProblem(self.agent.get(url), 404)
        self.assertProblem(self.admin.delete(url), 404)
        self.assertProblem(self.sup.patch(url, {"technology": "x"}), 404)
        ids = [x["id"] for x in h.search(self.agent, "efimera").json()["items"]]
        self.assertNotIn(c["id"], ids)
        self.assertNotIn(c["id"], [x["id"] for x in h.all_customers(self.agent)])

    def test_ids_are_not_reused_after_delete(self):
        # A deleted customer's id must not come back as another company: old
        # links, audit rows (G-1) and tickets would point at the wrong one.
        gone = self.create(legal_name="Borrada Primero S.A.").json()
        self.assertEqual(self.admin.delete("/api/v1/customers/%d" % gone["id"]).status, 204)
        new = self.create(legal_name="Llegada Después S.A.").json()
        self.assertNotEqual(new["id"], gone["id"], "the id of a deleted customer was reused")
        self.assertProblem(self.agent.get("/api/v1/customers/%d" % gone["id"]), 404)
        hist = self.admin.get("/api/v1/customers/%d/history" % new["id"]).json()["items"]
        self.assertEqual([e["action"] for e in hist], ["customer.create"], hist)

    def test_unknown_ids(self):
        self.assertProblem(self.agent.get("/api/v1/customers/987654"), 404)
        self.assertProblem(self.sup.patch("/api/v1/customers/987654", {"group": "x"}), 404)
        self.assertProblem(self.agent.get("/api/v1/customers/abc"), 400, "id")
        self.assertProblem(self.agent.get("/api/v1/customers/-1"), 400, "id")

    def test_history_lists_create_and_update_with_actor_before_after(self):
        c = self.create(legal_name="Auditada S.A.", technology="Legacy sin Out").json()
        url = "/api/v1/customers/%d" % c["id"]
        r = self.mesa.patch(url, {"technology": "SDWAN con Out Fort"})
        self.assertEqual(r.status, 200, r)
        r = self.sup.patch(url, {"criticality": "Prioritario"})
        self.assertEqual(r.status, 200, r)
        hist = self.admin.get(url + "/history")
        self.assertEqual(hist.status, 200, hist)
        items = hist.json()["items"]
        self.assertEqual([e["action"] for e in items],
                         ["customer.update", "customer.update", "customer.create"],
                         "newest first")
        created, first, second = items[2], items[1], items[0]
        self.assertEqual(created["actor"], "supervisor")
        self.assertIsNone(created["before"])
        self.assertEqual(created["after"]["legal_name"], "Auditada S.A.")
        self.assertEqual(first["actor"], "mesa")
        self.assertEqual(first["before"]["technology"], "Legacy sin Out")
        self.assertEqual(first["after"]["technology"], "SDWAN con Out Fort")
        self.assertEqual(second["actor"], "supervisor")
        self.assertIsNone(second["before"]["criticality"])
        self.assertEqual(second["after"]["criticality"], "Prioritario")
        for e in items:
            self.assertRegex(e["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertLessEqual(items[2]["at"], items[0]["at"])
        # The supervisor may read history too; agents may not (G-3).
        self.assertEqual(self.sup.get(url + "/history").status, 200)
        self.assertProblem(self.agent.get(url + "/history"), 403)

    def test_history_of_imported_rows(self):
        # COLFONDOS is the NM desk's: read there.
        hits = h.search(self.nm_agent, "colfondos").json()["items"]
        url = "/api/v1/customers/%d/history" % hits[0]["id"]
        items = self.server.login(h.NM_USERS["admin"], desk=h.NM_DESK).get(url).json()["items"]
        self.assertEqual(items[-1]["action"], "customer.create")
        self.assertEqual(items[-1]["actor"], "system")
        self.assertEqual(items[-1]["after"]["legal_name"], "COLFONDOS S.A.")


if __name__ == "__main__":
    unittest.main(verbosity=2)
