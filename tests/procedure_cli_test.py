"""`atiende procedure check` and `atiende procedure simulate` (issue 6): a
protocol's author checks a file — errors name the file and line, and exit
non-zero — and sees, deterministically, what it will do against a scenario."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

ZB = os.path.join(h.SOURCE, "procedures", "zb-unblock.yaml")
SCENARIO = os.path.join(h.SOURCE, "procedures", "scenarios", "zb-regional-fit.yaml")


class ProcedureCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="atiende-proc-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_check_accepts_the_shipped_zb_protocol(self):
        r = h.cli(["procedure", "check", ZB])
        self.assertEqual(r.code, 0, r)
        self.assertIn("zb-unblock", r.stdout)
        self.assertIn("is valid", r.stdout)

    def test_check_names_file_and_line_of_a_mistake_and_exits_non_zero(self):
        with open(ZB, encoding="utf-8") as f:
            text = f.read()
        lines = text.splitlines()
        # A typo in a step reference, somewhere in the middle of the file.
        target = next(i for i, l in enumerate(lines) if l.strip() == "next: second_call")
        lines[target] = lines[target].replace("second_call", "second_cal")
        bad = self.write("typo.yaml", "\n".join(lines) + "\n")
        r = h.cli(["procedure", "check", bad])
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("typo.yaml:%d:" % (target + 1), r.stderr)
        self.assertIn('no step "second_cal"', r.stderr)
        # An unknown list and a template that does not exist.
        for old, new, expected in [
            ("to: [cc_emergencia]", "to: [cc_emergenca]", 'unknown role or list "cc_emergenca"'),
            ("email: zb_fit", "email: zb_fitt", "no mail template case.zb_fitt"),
        ]:
            path = self.write("bad.yaml", text.replace(old, new, 1))
            r = h.cli(["procedure", "check", path])
            self.assertNotEqual(r.code, 0, r)
            self.assertRegex(r.stderr, r"bad\.yaml:\d+: .*" + expected.replace(".", r"\."))

    def test_check_of_malformed_yaml_or_a_missing_file_is_a_clear_error(self):
        r = h.cli(["procedure", "check", self.write("broken.yaml", "procedure: x\nsteps: [\n")])
        self.assertNotEqual(r.code, 0, r)
        self.assertRegex(r.stderr, r"broken\.yaml:\d+:")
        r = h.cli(["procedure", "check", os.path.join(self.tmp, "none.yaml")])
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("cannot read", r.stderr)

    def test_serve_refuses_to_start_with_a_broken_procedures_dir(self):
        procs = os.path.join(self.tmp, "procs")
        os.mkdir(procs)
        with open(os.path.join(procs, "x.yaml"), "w", encoding="utf-8") as f:
            f.write("procedure: x\ntitle: X\nnumber_prefix: XX\nstart: a\nsteps:\n"
                    "  a:\n    role: supervisor\n    outcomes:\n      ok: {next: b}\n")
        r = h.cli(["serve", "--listen", "127.0.0.1:0"], data_dir=os.path.join(self.tmp, "data"),
                  env={"ATIENDE_PROCEDURES_DIR": procs}, timeout=30)
        self.assertNotEqual(r.code, 0, r)
        self.assertIn('x.yaml:9: step a: next: no step "b"', r.stderr)

    def test_simulate_prints_the_timeline_with_mails_and_timers_deterministically(self):
        r = h.cli(["procedure", "simulate", ZB, "--scenario", SCENARIO])
        self.assertEqual(r.code, 0, r)
        out = r.stdout
        self.assertIn("Subject: Desbloqueo Cliente 101455 con bloqueo ZB", out)
        self.assertIn("Cc: contact_center@example.com, cc_emergencia@example.com, "
                      "supervisores_abastible@example.com", out)  # ZB-5, regional
        # ZB-7: the notice went four days without update: follow-ups at +73h and +97h only.
        overdue = [l for l in out.splitlines() if "case.zb_overdue" in l]
        self.assertEqual([l.split()[0] for l in overdue], ["+73h00", "+97h00"])
        self.assertTrue(out.rstrip().endswith("Case ZB0000001 closed: unblocked (desbloqueado)"))
        again = h.cli(["procedure", "simulate", ZB, "--scenario", SCENARIO])
        self.assertEqual(again.stdout, out)

    def test_simulate_reports_a_refused_event_with_its_line(self):
        scenario = self.write("s.yaml", """start: 2026-11-24T09:00:00-03:00
customer: {code: "9", legal_name: Granja Sur Ltda., region: Metropolitana, blocks: [ZB]}
intake: {caller: Ana, phones: ["+56 9 3111 2222"]}
events:
  - at: +1h
    step: coordinate_visit
    outcome: contacted
    fields: {visit_day: "2026-11-20", location_ref: Casa, phone_1: "+56 9 3111 2222", phone_2: "+56 2 2222 3333"}
""")
        r = h.cli(["procedure", "simulate", ZB, "--scenario", scenario])
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("s.yaml:5:", r.stderr)
        self.assertIn("visit_day", r.stderr)
        self.assertIn("Case ZB0000001 open at step coordinate_visit", r.stdout)


if __name__ == "__main__":
    unittest.main()
