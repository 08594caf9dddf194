"""The command line: version, users, desks, tokens, import errors and
configuration (file, ATIENDE_* variables, flags).
"""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "cli-test-password"


class CliTest(h.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="atiende-cli-test-")
        self.data = os.path.join(self.dir, "data")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def run_cli(self, args, **kw):
        kw.setdefault("data_dir", self.data)
        return h.cli(args, **kw)

    def add_user(self, name, role="agent", password=PASSWORD, **kw):
        return self.run_cli(["user", "add", name, "--role", role, "--password-stdin"],
                            stdin=password + "\n", **kw)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def assertFails(self, r, *words):
        self.assertNotEqual(r.code, 0, r)
        self.assertTrue(r.stderr.strip(), "no message on stderr: %r" % r)
        for w in words:
            self.assertIn(w, r.stderr, r)

    def user_rows(self, **kw):
        """`user list` as {username: [role, desks]}."""
        r = self.run_cli(["user", "list"], **kw)
        self.assertEqual(r.code, 0, r)
        out = {}
        for line in r.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0]] = parts[1:3]
        return out

    def users(self, **kw):
        """{username: role}"""
        return {name: row[0] for name, row in self.user_rows(**kw).items()}

    def desks(self):
        """`desk list` as {id: line}."""
        r = self.run_cli(["desk", "list"])
        self.assertEqual(r.code, 0, r)
        return {line.split()[0]: line for line in r.stdout.splitlines() if line.strip()}

    # version ------------------------------------------------------------------

    def test_version(self):
        r = h.cli(["version"])
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.stdout, r"^atiende \d+\.\d+\.\d+\S*\n$")
        self.assertEqual(r.stderr, "")

    def test_no_or_unknown_command(self):
        self.assertNotEqual(h.cli([]).code, 0)
        r = h.cli(["frobnicate"])
        self.assertNotEqual(r.code, 0, r)
        self.assertTrue(r.stderr.strip(), r)

    # users ----------------------------------------------------------------------

    def test_user_add_and_list(self):
        r = self.add_user("Ana.Perez", "supervisor")
        self.assertEqual(r.code, 0, r)
        self.assertIn("ana.perez", r.stdout)
        self.assertNotIn(PASSWORD, r.stdout + r.stderr)
        self.assertEqual(self.add_user("bo", "back_office").code, 0)
        self.assertEqual(self.users(), {"ana.perez": "supervisor", "bo": "back_office"})
        # One desk (a fresh installation's `main`): no --desk needed, and the
        # list shows each user's desks.
        self.assertEqual(self.user_rows(), {"ana.perez": ["supervisor", "main"],
                                            "bo": ["back_office", "main"]})
        r = self.run_cli(["user", "list"])
        self.assertNotIn("argon2", r.stdout, "password hashes must not be listed")

    def test_weak_password_is_refused(self):
        for pw in ("short", "", "1234567"):
            with self.subTest(password=pw):
                r = self.add_user("debil", password=pw)
                self.assertFails(r, "password")
                self.assertEqual(r.code, 65, r)
        r = self.run_cli(["user", "add", "sinclave", "--role", "agent", "--password-stdin"])
        self.assertFails(r, "password")
        self.assertNotIn("debil", self.users())
        self.assertNotIn("sinclave", self.users())

    def test_user_add_errors(self):
        self.assertEqual(self.add_user("ana").code, 0)
        self.assertFails(self.add_user("ana"), "ana")                     # taken
        self.assertFails(self.add_user("otra", role="superuser"), "role")
        self.assertFails(self.add_user("con espacio"), "username")
        self.assertFails(self.add_user("portal", role="customer"), "customer")
        r = self.run_cli(["user", "add", "portal", "--role", "customer", "--customer", "NOPE",
                          "--password-stdin"], stdin=PASSWORD + "\n")
        self.assertFails(r, "NOPE")
        self.assertEqual(self.users(), {"ana": "agent"})

    def test_customer_user_and_password_change_take_effect(self):
        tsv = self.write("m.tsv", "CODIGO\tCLIENTES\nK-1\tEmpresa Cliente S.A.\n")
        self.assertEqual(self.run_cli(["import", "customers", tsv]).code, 0)
        r = self.run_cli(["user", "add", "portal", "--role", "customer", "--customer", "K-1",
                          "--password-stdin"], stdin=PASSWORD + "\n")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.users()["portal"], "customer")
        r = self.run_cli(["user", "passwd", "portal"], stdin="a-brand-new-password\n")
        self.assertEqual(r.code, 0, r)
        self.assertFails(self.run_cli(["user", "passwd", "portal"], stdin="short\n"), "password")
        self.assertFails(self.run_cli(["user", "passwd", "nadie"], stdin="long-enough-pw\n"))
        server = h.Server(data_dir=self.data).start()
        try:
            self.assertEqual(server.client().login("portal", PASSWORD).status, 401)
            c = server.login("portal", "a-brand-new-password")
            me = c.get("/api/v1/session").json()["user"]
            self.assertEqual(me["role"], "customer")
            self.assertEqual(c.get("/api/v1/customers/%d" % me["customer_id"])
                             .json()["legal_name"], "Empresa Cliente S.A.")
            self.assertEqual(server.stop(), 0)
        finally:
            server.cleanup()

    # desks ---------------------------------------------------------------------------

    def test_desk_add_list_show_set_remove(self):
        self.assertEqual(list(self.desks()), ["main"])  # a fresh installation's one desk
        r = self.run_cli(["desk", "add", "mesa-dos", "--name", "Mesa Dos",
                          "--time-zone", "America/Santiago", "--language", "es",
                          "--phone-region", "CL", "--holidays", "CL", "--autoclose-days", "5"])
        self.assertEqual(r.code, 0, r)
        self.assertIn("mesa-dos", r.stdout)
        listed = self.desks()
        self.assertEqual(sorted(listed), ["main", "mesa-dos"])
        self.assertIn("America/Santiago", listed["mesa-dos"])
        self.assertIn("Mesa Dos", listed["mesa-dos"])
        r = self.run_cli(["desk", "show", "mesa-dos"])
        self.assertEqual(r.code, 0, r)
        shown = json.loads(r.stdout)
        self.assertEqual((shown["id"], shown["name"], shown["time_zone"], shown["phone_region"],
                          shown["holiday_country"], shown["autoclose_days"]),
                         ("mesa-dos", "Mesa Dos", "America/Santiago", "CL", "CL", 5))
        # set changes only what it is given.
        r = self.run_cli(["desk", "set", "mesa-dos", "--time-zone", "America/Bogota",
                          "--language", "en"])
        self.assertEqual(r.code, 0, r)
        changed = json.loads(self.run_cli(["desk", "show", "mesa-dos"]).stdout)
        self.assertEqual((changed["time_zone"], changed["language"], changed["name"],
                          changed["autoclose_days"]), ("America/Bogota", "en", "Mesa Dos", 5))
        # Bad settings name the setting and change nothing.
        r = self.run_cli(["desk", "set", "mesa-dos", "--time-zone", "Mars/Olympus"])
        self.assertFails(r, "time_zone", "Mars/Olympus")
        r = self.run_cli(["desk", "add", "mesa-tres", "--name", "Mesa Tres",
                          "--time-zone", "Mars/Olympus"])
        self.assertFails(r, "time_zone", "Mars/Olympus")
        self.assertFails(self.run_cli(["desk", "add", "Mal Id", "--name", "X"]), "id")
        self.assertFails(self.run_cli(["desk", "add", "main", "--name", "Otra"]), "main")
        self.assertEqual(json.loads(self.run_cli(["desk", "show", "mesa-dos"]).stdout), changed)
        self.assertEqual(sorted(self.desks()), ["main", "mesa-dos"])
        self.assertFails(self.run_cli(["desk", "show", "no-such-desk"]), "no-such-desk")
        # Two desks now: a staff user names its desks, and only existing ones.
        self.assertFails(self.add_user("ana"), "desk", "main", "mesa-dos")
        r = self.run_cli(["user", "add", "ana", "--role", "agent", "--desk", "no-such-desk",
                          "--password-stdin"], stdin=PASSWORD + "\n")
        self.assertFails(r, "no-such-desk")
        self.assertEqual(self.users(), {})
        r = self.run_cli(["user", "add", "ana", "--role", "agent", "--desk", "mesa-dos",
                          "--desk", "main", "--password-stdin"], stdin=PASSWORD + "\n")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.user_rows(), {"ana": ["agent", "main,mesa-dos"]})
        # A desk someone works in stays; an empty one can be removed.
        self.assertFails(self.run_cli(["desk", "remove", "mesa-dos"]), "mesa-dos")
        self.assertEqual(self.run_cli(["desk", "add", "vacia", "--name", "Vacía"]).code, 0)
        r = self.run_cli(["desk", "remove", "vacia"])
        self.assertEqual(r.code, 0, r)
        self.assertEqual(sorted(self.desks()), ["main", "mesa-dos"])
        self.assertFails(self.run_cli(["desk", "remove", "vacia"]), "vacia")

    # tokens --------------------------------------------------------------------------

    def test_token_create(self):
        self.assertEqual(self.add_user("ana").code, 0)
        r = self.run_cli(["token", "create", "ana", "--ttl-hours", "1"])
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.stdout, r"^[A-Za-z0-9_\-]{32,}\n$")
        r2 = self.run_cli(["token", "create", "ana"])
        self.assertNotEqual(r.stdout, r2.stdout, "tokens must be random")

    def test_token_create_for_unknown_user(self):
        self.assertEqual(self.add_user("ana").code, 0)
        r = self.run_cli(["token", "create", "fantasma"])
        self.assertFails(r)
        self.assertEqual(r.stdout, "", "no token may be printed on failure")
        self.assertFails(self.run_cli(["token", "create", "ana", "--ttl-hours", "0"]))
        self.assertFails(self.run_cli(["token", "create", "ana", "--ttl-hours", "9000"]))

    # import -------------------------------------------------------------------------------

    def test_import_missing_file(self):
        missing = os.path.join(self.dir, "no-such-sheet.xlsx")
        r = self.run_cli(["import", "customers", missing])
        self.assertFails(r, "no-such-sheet.xlsx")
        self.assertEqual(r.code, 66, r)
        self.assertFails(self.run_cli(["import", "customers"]))  # FILE is required

    def test_import_prints_a_report(self):
        path = self.write("m.csv", "CLIENTES,TECNOLOGIA\nUno S.A.,Legacy\nDos S.A.,SDWAN\n")
        r = self.run_cli(["import", "customers", path])
        self.assertEqual(r.code, 0, r)
        self.assertIn("2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected", r.stdout)

    def test_demo_seed_from_a_missing_folder(self):
        r = self.run_cli(["demo", "seed", "--dir", os.path.join(self.dir, "nowhere")])
        self.assertFails(r, "nowhere")

    def test_db_migrate(self):
        r = self.run_cli(["db", "migrate"])
        self.assertEqual(r.code, 0, r)
        self.assertTrue(os.path.exists(os.path.join(self.data, "atiende.db")))
        self.assertEqual(self.run_cli(["db", "migrate"]).code, 0, "migrate is idempotent")

    # configuration --------------------------------------------------------------------

    def test_config_file_with_an_unknown_key(self):
        cfg = self.write("atiende.yaml", "log_level: warn\ncolour: blue\n")
        r = self.run_cli(["user", "list", "--config", cfg])
        self.assertFails(r, "colour")
        self.assertEqual(r.code, 65, r)
        # Through ATIENDE_CONFIG too.
        r = self.run_cli(["user", "list"], env={"ATIENDE_CONFIG": cfg})
        self.assertFails(r, "colour")

    def test_config_file_errors_name_the_setting(self):
        cases = {"workers: lots\n": "workers", "secure_cookies: maybe\n": "secure_cookies",
                 "time_zone: Mars/Olympus\n": "time_zone", "log_level: chatty\n": "log_level",
                 "- just\n- a list\n": "mapping", "listen: [1, 2]\n": "listen",
                 "language: fr\n": "language", "message_id_host: not a host\n": "message_id_host",
                 "mail_lease_seconds: 0\n": "mail_lease_seconds"}
        for text, word in cases.items():
            with self.subTest(config=text):
                cfg = self.write("bad.yaml", text)
                self.assertFails(self.run_cli(["user", "list", "--config", cfg]), word)
        r = self.run_cli(["user", "list", "--config", os.path.join(self.dir, "absent.yaml")])
        self.assertFails(r, "absent.yaml")

    def test_config_file_is_applied(self):
        cfg_dir = os.path.join(self.dir, "from-config")
        cfg = self.write("atiende.yaml", "data_dir: %s\nlog_level: warn\n" % cfg_dir)
        self.assertEqual(self.add_user("ana", data_dir=None, env={"ATIENDE_CONFIG": cfg}).code, 0)
        self.assertTrue(os.path.exists(os.path.join(cfg_dir, "atiende.db")))
        self.assertEqual(self.users(data_dir=cfg_dir), {"ana": "agent"})

    def test_atiende_data_dir_is_respected(self):
        env_dir = os.path.join(self.dir, "from-env")
        cwd = os.path.join(self.dir, "cwd")
        os.mkdir(cwd)
        r = self.add_user("ana", data_dir=None, env={"ATIENDE_DATA_DIR": env_dir}, cwd=cwd)
        self.assertEqual(r.code, 0, r)
        self.assertTrue(os.path.exists(os.path.join(env_dir, "atiende.db")))
        self.assertFalse(os.path.exists(os.path.join(cwd, "var")), "fell back to ./var")
        self.assertEqual(self.users(data_dir=env_dir), {"ana": "agent"})
        # Order: flag over variable over config file.
        cfg = self.write("atiende.yaml", "data_dir: %s\n" % os.path.join(self.dir, "from-config"))
        self.assertEqual(self.users(data_dir=None, env={"ATIENDE_DATA_DIR": env_dir,
                                                         "ATIENDE_CONFIG": cfg}),
                         {"ana": "agent"})
        self.assertEqual(self.users(env={"ATIENDE_DATA_DIR": env_dir}), {})  # --data-dir wins

    def test_default_data_dir_is_var(self):
        cwd = os.path.join(self.dir, "cwd")
        os.mkdir(cwd)
        self.assertEqual(self.add_user("ana", data_dir=None, cwd=cwd).code, 0)
        self.assertTrue(os.path.exists(os.path.join(cwd, "var", "atiende.db")))

    def test_bad_environment_variables_are_named(self):
        r = self.run_cli(["user", "list"], env={"ATIENDE_LOG_LEVEL": "chatty"})
        self.assertFails(r, "ATIENDE_LOG_LEVEL")
        r = self.run_cli(["user", "list"], env={"ATIENDE_IO_THREADS": "0"})
        self.assertFails(r, "ATIENDE_IO_THREADS")
        r = self.run_cli(["user", "list"], env={"ATIENDE_LANGUAGE": "fr"})
        self.assertFails(r, "ATIENDE_LANGUAGE", "es or en")
        r = self.run_cli(["user", "list"], env={"ATIENDE_MESSAGE_ID_HOST": "desk@example.com"})
        self.assertFails(r, "ATIENDE_MESSAGE_ID_HOST", "desk@example.com")

    def test_language_and_message_id_host_are_accepted(self):
        cfg = self.write("atiende.yaml", "language: en\nmessage_id_host: desk.example.com\n")
        self.assertEqual(self.run_cli(["user", "list", "--config", cfg]).code, 0)
        r = self.run_cli(["user", "list"], env={"ATIENDE_LANGUAGE": "es",
                                                 "ATIENDE_MESSAGE_ID_HOST": "ids.example.org"})
        self.assertEqual(r.code, 0, r)

    def test_serve_reads_listen_and_data_dir_from_the_environment(self):
        self.assertEqual(self.add_user("ana").code, 0)
        server = h.Server(data_dir=self.data, listen=None, pass_data_dir=False,
                          env={"ATIENDE_LISTEN": "127.0.0.1:0", "ATIENDE_DATA_DIR": self.data})
        try:
            server.start()
            self.assertEqual(server.login("ana", PASSWORD).get("/api/v1/session").status, 200)
            self.assertEqual(server.stop(), 0)
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
