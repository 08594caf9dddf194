"""The desk's figures (issue 18, docs/reports.md) against a known dataset.

One week of the NM desk (cirion-nm, Bogotá, UTC-5, mon-fri 08:00-18:00, no
Colombian holiday in it): Monday 2027-02-01 … Friday 2027-02-05. Each day
eight tickets g0 … g7 open at 09:00 + 5·g minutes, each on its own service,
and live through the same story on the virtual clock:

  g  prio  customer   what happens (minutes after opening)          response  resolution
  0  P3    normal     taken +5, resolved +30                         met       met
  1  P3    Prioritario taken +5, resolved +30                        met       met
  2  P2    normal     taken +5, a follow-up call +10, resolved +40   met       met
  3  P2    Prioritario taken 1 min after its response due, resolved
                      1 min after its resolution due (8 business h)  missed    missed
  4  P4    normal     taken +5, resolved +60, reopened +61, resolved +70   met  met
  5  P4    normal     nothing (still new when the report runs)       missed    missed
  6  P3    normal     cancelled +2                                   (not judged)
  7  P2    Prioritario taken +5, never resolved                      met       missed

The report runs on 2027-03-01, after every target of the week fell due. The
figures below are counted by hand from that table (each day is the same):

  per day: opened 8, Prioritario 3, resolved 5 (g0–g4), reopened 1 (g4),
  reopen rate 1/5 = 20.0 %, response met 5/7 = 71.4 %, resolution met 4/7 =
  57.1 %, opened by a call 8, first-contact resolutions 3 (g0, g1, g3: one
  call, resolved, never reopened) = 37.5 %; hours to resolve 0.5, 0.5,
  0.667 (40 min), 1.167 (70 min), 8.017 (8 h 01 min): median 0.67, p90 8.02.
  The backlog at the end of day n (1 … 5) is 2n (g5 and g7 of each day).

Calls: each ticket's opening call (40), g2's follow-up (5), g4's reopening
call (5), and four Assurance derivations (two on Monday, two on Tuesday, at
15:00): 54 logged calls. The phone system reports five calls on Monday at
10:00: three answered after 10, 20 and 30 s, talking 50, 100 and 150 s, and
two missed: 60 % answered, waiting 20 s and talking 100 s on average.

Runs on SQLite and on PostgreSQL (PostgresReportsTest).
"""

import csv
import datetime as dt
import io
import json
import os
import re
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from pbx_sim import PhoneSystem  # noqa: E402

BOGOTA = dt.timezone(dt.timedelta(hours=-5))
MONDAY = dt.datetime(2027, 2, 1, tzinfo=BOGOTA)
WEEK = "from=2027-02-01&to=2027-02-05"
REPORT_TIME = dt.datetime(2027, 3, 1, 10, 0, tzinfo=BOGOTA)  # a Monday
PRIORITY = [3, 3, 2, 2, 4, 4, 3, 2]
PRIORITARIO = {1, 3, 7}


def iso(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def caller():
    return {"name": "Ana Gómez", "phone": "+57 300 555 0101", "company": "TI"}


def table(resp):
    """A report's rows as dicts by column name."""
    body = resp.json()
    return [dict(zip(body["columns"], row)) for row in body["rows"]]


class ReportsCase(h.TestCase):
    use_postgres = False

    @classmethod
    def setUpClass(cls):
        env = {}
        if cls.use_postgres:
            from postgres_nodes_test import fresh_database, shared_server_url
            env = {"ATIENDE_DATABASE_URL": fresh_database(shared_server_url())}
            r = h.cli(["demo", "seed", "--dir", h.DEMO_DIR], env=env)
            if r.code != 0:
                raise AssertionError("demo seed failed: %r" % r)
            cls.server = h.Server(env=env, desk=h.NM_DESK, virtual_clock=True,
                                  clock_start=iso(MONDAY))
        else:
            cls.server = h.Server(seed=True, desk=h.NM_DESK, virtual_clock=True,
                                  clock_start=iso(MONDAY))
        try:
            cls.server.start()
            cls.logins = []
            cls.admin = cls.login("admin")
            cls.sup = cls.login("supervisor")
            cls.agent = cls.login(h.NM_USERS["agent"])
            cls.now = MONDAY
            cls.last_login = MONDAY
            r = cls.admin.post("/api/v1/telephony/tokens", {"desk": h.NM_DESK})
            assert r.status == 201, r
            cls.pbx = PhoneSystem(cls.server.port, r.json()["token"])
            cls.build_week()
            cls.move(REPORT_TIME)
        except BaseException:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)

    @classmethod
    def login(cls, user, desk=None):
        c = cls.server.login(user, desk=desk)
        cls.logins.append((c, user))
        return c

    @classmethod
    def move(cls, when):
        r = cls.admin.post("/api/v1/clock", {"now": iso(when)})
        assert r.status == 200, r
        cls.now = when
        # Sessions last 12 h of the virtual clock: sign in again after long moves.
        if when - cls.last_login > dt.timedelta(hours=6):
            for c, user in cls.logins:
                r = c.login(user)
                assert r.status == 200, r
            cls.last_login = when

    @classmethod
    def ok(cls, r, status=200):
        if r.status != status:
            raise AssertionError(repr(r))
        return r.json()

    @classmethod
    def customer(cls, name, n, criticality=None):
        body = {"legal_name": name, "group": "GRUPO INFORMES", "technology": "MPLS",
                "services": [{"service_id": "%s-%d" % (name[:3].upper(), i), "circuit": "C%d" % i,
                              "description": "Enlace %d" % i} for i in range(n)]}
        if criticality:
            body["criticality"] = criticality
        return cls.ok(cls.sup.post("/api/v1/customers", body), 201)

    @classmethod
    def build_week(cls):
        normal = cls.customer("Normal Informes S.A.S.", 25)
        vip = cls.customer("Prioritario Informes S.A.", 15, criticality="Prioritario")
        free = {id(normal): [s["service_id"] for s in normal["services"]],
                id(vip): [s["service_id"] for s in vip["services"]]}
        events = []  # (local time, order, action)
        cls.tickets = {}

        def later(t, fn):
            events.append((t, len(events), fn))

        for day in range(5):
            for g in range(8):
                opened = MONDAY + dt.timedelta(days=day, hours=9, minutes=5 * g)
                cust = vip if g in PRIORITARIO else normal
                service = free[id(cust)].pop()
                key = (day, g)

                def open_ticket(key=key, cust=cust, service=service, g=g, opened=opened):
                    t = cls.ok(cls.agent.post("/api/v1/tickets", {
                        "kind": "incident", "customer_id": cust["id"], "service_id": service,
                        "category": "outage" if g % 2 == 0 else "degradation",
                        "priority": PRIORITY[g], "subject": "Caída %s" % service,
                        "caller": caller()}), 201)
                    assert t["customer"]["critical"] == (g in PRIORITARIO), t
                    cls.tickets[key] = t
                    cls.schedule_story(key, g, opened, cust, later)

                later(opened, open_ticket)
        # Assurance derivations: callers not in the master, Monday and Tuesday 15:00.
        for day in (0, 1):
            for _ in range(2):
                when = MONDAY + dt.timedelta(days=day, hours=15)
                later(when, lambda when=when: cls.ok(cls.agent.post("/api/v1/interactions", {
                    "caller": {"name": "Desconocido", "phone": "+57 300 000 0000",
                               "company": "Otra"},
                    "type": "other", "outcome": "derived_assurance",
                    "started_at": iso(when - dt.timedelta(minutes=3))}), 201))
        # The phone system's calls, Monday 10:00.
        later(MONDAY + dt.timedelta(hours=10, minutes=5), cls.phone_calls)
        while events:
            events.sort(key=lambda e: (e[0], e[1]))
            when, _, fn = events.pop(0)
            if when != cls.now:
                cls.move(when)
            fn()

    @classmethod
    def schedule_story(cls, key, g, opened, cust, later):
        t = cls.tickets[key]
        url = "/api/v1/tickets/" + t["number"]
        m = lambda minutes: opened + dt.timedelta(minutes=minutes)  # noqa: E731

        def take():
            cls.ok(cls.agent.patch(url, {"state": "in_progress"}))

        def resolve():
            cls.ok(cls.agent.post(url + "/resolve", {"resolution": "Enlace restablecido"}))

        if g in (0, 1):
            later(m(5), take)
            later(m(30), resolve)
        elif g == 2:
            later(m(5), take)
            later(m(10), lambda: cls.ok(cls.agent.post("/api/v1/interactions", {
                "customer_id": cust["id"], "caller": caller(), "type": "follow_up",
                "outcome": "follow_up_given", "ticket": t["number"],
                "started_at": iso(m(6))}), 201))
            later(m(40), resolve)
        elif g == 3:
            response_due = parse(t["sla"]["response_due"])
            resolution_due = parse(t["sla"]["resolution_due"])
            # The desk's SLA as the test reads it: P2 is 30 min and 8 business hours.
            assert response_due == m(30), (response_due, m(30))
            assert resolution_due == m(8 * 60), (resolution_due, m(8 * 60))
            later(response_due + dt.timedelta(minutes=1), take)
            later(resolution_due + dt.timedelta(minutes=1), resolve)
        elif g == 4:
            later(m(5), take)
            later(m(60), resolve)
            later(m(61), lambda: cls.ok(cls.agent.post(url + "/reopen", {
                "reason": "Sigue intermitente", "caller": caller()})))
            later(m(70), resolve)
        elif g == 6:
            later(m(2), lambda: cls.ok(cls.agent.patch(url, {"state": "cancelled"})))
        elif g == 7:
            later(m(5), take)

    @classmethod
    def phone_calls(cls):
        base = MONDAY + dt.timedelta(hours=10)
        for i, (ring, talk) in enumerate([(10, 50), (20, 100), (30, 150)]):
            cid = "rep-answered-%d" % i
            start = base + dt.timedelta(seconds=10 * i)
            for f in ({"event": "new_call", "call_id": cid, "from": "+57 300 111 000%d" % i,
                       "to": "+57 601 000 0000", "direction": "in", "time": iso(start)},
                      {"event": "answer", "call_id": cid, "user": "agente",
                       "time": iso(start + dt.timedelta(seconds=ring))},
                      {"event": "hangup", "call_id": cid, "cause": "normal",
                       "time": iso(start + dt.timedelta(seconds=ring + talk))}):
                r = cls.pbx.event(f)
                assert r.status == 200, r
        for i in range(2):
            cid = "rep-missed-%d" % i
            start = base + dt.timedelta(seconds=40 + i)
            for f in ({"event": "new_call", "call_id": cid, "from": "+57 300 222 000%d" % i,
                       "to": "+57 601 000 0000", "direction": "in", "time": iso(start)},
                      {"event": "hangup", "call_id": cid, "cause": "no_answer",
                       "time": iso(start + dt.timedelta(seconds=30))}):
                r = cls.pbx.event(f)
                assert r.status == 200, r

    def report(self, name, query, client=None):
        r = (client or self.sup).get("/api/v1/reports/%s?%s" % (name, query))
        self.assertEqual(r.status, 200, r)
        return r


class ReportsTest(ReportsCase):

    def test_tickets_by_day_are_the_hand_counted_figures(self):
        rows = table(self.report("tickets", WEEK + "&by=day"))
        self.assertEqual([r["bucket"] for r in rows],
                         ["2027-02-01", "2027-02-02", "2027-02-03", "2027-02-04", "2027-02-05"])
        for r in rows:
            got = {k: r[k] for k in ("opened", "incidents", "critical_customer", "resolved",
                                     "reopened", "reopen_rate_pct", "response_met_pct",
                                     "resolution_met_pct", "opened_by_call",
                                     "first_contact_resolved", "fcr_pct", "resolve_median_h",
                                     "resolve_p90_h")}
            self.assertEqual(got, {
                "opened": 8, "incidents": 8, "critical_customer": 3, "resolved": 5,
                "reopened": 1, "reopen_rate_pct": 20.0, "response_met_pct": 71.4,
                "resolution_met_pct": 57.1, "opened_by_call": 8, "first_contact_resolved": 3,
                "fcr_pct": 37.5, "resolve_median_h": 0.67, "resolve_p90_h": 8.02}, r["bucket"])

    def test_the_week_in_total_by_week_and_by_hour_of_day(self):
        total = table(self.report("tickets", WEEK + "&by=total"))
        self.assertEqual(len(total), 1)
        t = total[0]
        self.assertEqual((t["bucket"], t["opened"], t["resolved"], t["reopened"],
                          t["response_met_pct"], t["resolution_met_pct"], t["fcr_pct"],
                          t["resolve_median_h"], t["resolve_p90_h"]),
                         ("2027-02-01/2027-02-05", 40, 25, 5, 71.4, 57.1, 37.5, 0.67, 8.02))
        week = table(self.report("tickets", WEEK + "&by=week"))
        self.assertEqual([(w["bucket"], w["opened"]) for w in week], [("2027-02-01", 40)])
        month = table(self.report("tickets", "from=2027-01-15&to=2027-02-28&by=month"))
        self.assertEqual([(m["bucket"], m["opened"]) for m in month],
                         [("2027-01", 0), ("2027-02", 40)])
        hours = table(self.report("tickets", WEEK + "&by=hour"))
        self.assertEqual(len(hours), 24)
        self.assertEqual({h_["bucket"]: h_["opened"] for h_ in hours if h_["opened"]}, {"09": 40})

    def test_sla_by_priority_and_by_customer_criticality(self):
        rows = table(self.report("sla", WEEK + "&by=total"))
        got = {(r["dimension"], r["key"]): (r["opened"], r["response_judged"],
                                            r["response_met_pct"], r["resolution_judged"],
                                            r["resolution_met_pct"]) for r in rows}
        self.assertEqual(got, {
            ("all", "all"): (40, 35, 71.4, 35, 57.1),
            ("priority", "P2"): (15, 15, 66.7, 15, 33.3),
            ("priority", "P3"): (15, 10, 100.0, 10, 100.0),
            ("priority", "P4"): (10, 10, 50.0, 10, 50.0),
            ("criticality", "critical"): (15, 15, 66.7, 15, 33.3),
            ("criticality", "normal"): (25, 20, 75.0, 20, 75.0),
        })

    def test_tickets_by_kind_category_priority_and_criticality(self):
        rows = table(self.report("tickets_by", WEEK + "&by=total"))
        got = {(r["dimension"], r["key"]): r["opened"] for r in rows}
        self.assertEqual(got, {
            ("kind", "incident"): 40, ("category", "incident/outage"): 20,
            ("category", "incident/degradation"): 20, ("priority", "P2"): 15,
            ("priority", "P3"): 15, ("priority", "P4"): 10, ("criticality", "critical"): 15,
            ("criticality", "normal"): 25})

    def test_backlog_at_the_end_of_each_past_day(self):
        rows = table(self.report("backlog", WEEK + "&by=day"))
        self.assertEqual([(r["bucket"], r["at"], r["open"]) for r in rows], [
            ("2027-02-01", "2027-02-02T00:00:00-05:00", 2),
            ("2027-02-02", "2027-02-03T00:00:00-05:00", 4),
            ("2027-02-03", "2027-02-04T00:00:00-05:00", 6),
            ("2027-02-04", "2027-02-05T00:00:00-05:00", 8),
            ("2027-02-05", "2027-02-06T00:00:00-05:00", 10)])

    def test_calls_logged_by_type_and_outcome_and_assurance_per_day(self):
        rows = table(self.report("calls", WEEK + "&by=day"))
        self.assertEqual([(r["bucket"], r["calls_logged"], r["tickets_opened"],
                           r["assurance_derivations"]) for r in rows], [
            ("2027-02-01", 12, 8, 2), ("2027-02-02", 12, 8, 2), ("2027-02-03", 10, 8, 0),
            ("2027-02-04", 10, 8, 0), ("2027-02-05", 10, 8, 0)])
        by = table(self.report("calls_by", WEEK + "&by=total"))
        self.assertEqual({(r["type"], r["outcome"]): r["calls"] for r in by}, {
            ("opening", "ticket_opened"): 40, ("follow_up", "follow_up_given"): 5,
            ("follow_up", "ticket_reopened"): 5, ("other", "derived_assurance"): 4})

    def test_phone_system_calls_answered_missed_waiting_and_talk(self):
        rows = table(self.report("phone", WEEK + "&by=total"))
        r = rows[0]
        self.assertEqual((r["rang"], r["answered"], r["missed"], r["answered_pct"],
                          r["wait_avg_s"], r["talk_avg_s"]), (5, 3, 2, 60.0, 20, 100))
        hours = table(self.report("phone", WEEK + "&by=hour"))
        self.assertEqual({x["bucket"]: x["rang"] for x in hours if x["rang"]}, {"10": 5})

    def test_bad_ranges_are_problems_naming_the_parameter(self):
        for query, field in (("from=2027-02-05&to=2027-02-01", "to"),
                             ("from=2027-02-30&to=2027-03-01", "from"),
                             ("from=2027-02-01", "to"),
                             ("from=2000-01-01&to=2027-01-01", "to"),
                             (WEEK + "&by=year", "by"),
                             (WEEK + "&format=pdf", "format")):
            self.assertProblem(self.sup.get("/api/v1/reports/tickets?" + query), 400, field)
        self.assertProblem(self.sup.get("/api/v1/reports/nothing?" + WEEK), 404)
        self.assertProblem(self.sup.get("/api/v1/reports/backlog?" + WEEK + "&by=hour"), 400, "by")

    def test_only_supervisors_and_admins_read_figures_staff_see_the_wallboard(self):
        self.assertProblem(self.agent.get("/api/v1/reports/tickets?" + WEEK), 403)
        self.assertProblem(self.server.client().get("/api/v1/reports/wallboard"), 401)
        self.assertEqual(self.agent.get("/api/v1/reports/wallboard").status, 200)
        self.assertEqual(self.admin.get("/api/v1/reports/tickets?" + WEEK).status, 200)

    def test_another_desks_staff_see_nothing_of_this_desk(self):
        zb_sup = self.sup.get("/api/v1/reports/tickets?%s&by=total&desk=%s" % (WEEK, h.ZB_DESK))
        self.assertEqual(table(zb_sup)[0]["opened"], 0)
        mesa = self.login(h.DEMO_USERS["back_office"], desk=h.ZB_DESK)
        board = self.ok(mesa.get("/api/v1/reports/wallboard"))
        self.assertEqual((board["desk"], board["tickets_open"], board["tickets_breached"]),
                         (h.ZB_DESK, 0, 0))
        r = mesa.get("/api/v1/reports/wallboard?desk=" + h.NM_DESK)
        self.assertIn(r.status, (403, 404), r)
        self.assertEqual(r.content_type, "application/problem+json")
        zb_agent = self.login(h.DEMO_USERS["agent"], desk=h.ZB_DESK)
        r = zb_agent.get("/api/v1/reports/tickets/rows?%s&desk=%s" % (WEEK, h.NM_DESK))
        self.assertIn(r.status, (403, 404), r)

    def test_ticket_rows_export_as_csv_in_the_desks_zone(self):
        r = self.sup.get("/api/v1/reports/tickets/rows?%s&format=csv" % WEEK)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.content_type.startswith("text/csv"), r.content_type)
        self.assertIn("attachment", r.header("Content-Disposition"))
        rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8"))))
        self.assertEqual(len(rows), 40)
        self.assertEqual(sorted(x["number"] for x in rows),
                         sorted(t["number"] for t in self.tickets.values()))
        first = next(x for x in rows if x["number"] == self.tickets[(0, 3)]["number"])
        self.assertEqual((first["opened_at"], first["response_due"], first["responded_at"],
                          first["response_met"], first["resolved_at"], first["resolution_met"],
                          first["priority"], first["critical"]),
                         ("2027-02-01T09:15:00-05:00", "2027-02-01T09:45:00-05:00",
                          "2027-02-01T09:46:00-05:00", "no", "2027-02-01T17:16:00-05:00", "no",
                          "2", "yes"))
        for x in rows:
            self.assertRegex(x["opened_at"], r"-05:00$")

    def test_ticket_rows_and_a_report_export_as_xlsx_that_opens(self):
        r = self.sup.get("/api/v1/reports/tickets/rows?%s&format=xlsx" % WEEK)
        self.assertEqual(r.status, 200, r)
        self.assertIn("spreadsheetml", r.content_type)
        sheet = self.xlsx_rows(r.body)
        self.assertEqual(len(sheet), 41)
        self.assertEqual(sheet[0][:3], ["number", "kind", "category"])
        self.assertEqual(sorted(row[0] for row in sheet[1:]),
                         sorted(t["number"] for t in self.tickets.values()))
        r = self.sup.get("/api/v1/reports/sla?%s&by=total&format=xlsx" % WEEK)
        self.assertEqual(r.status, 200, r)
        sheet = self.xlsx_rows(r.body)
        self.assertEqual(sheet[0][:4], ["bucket", "dimension", "key", "opened"])
        self.assertIn(["2027-02-01/2027-02-05", "all", "all", "40", "35", "25", "71.4", "35",
                       "20", "57.1"], sheet)

    def xlsx_rows(self, data):
        """The first sheet's cells as text (shared strings and inline strings resolved)."""
        z = zipfile.ZipFile(io.BytesIO(data))
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            shared = [re.sub(r"<[^>]+>", "", si) for si in
                      re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode())]
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        out = []
        for row in re.findall(r"<row[^>]*>(.*?)</row>", xml):
            cells = []
            for attrs, inner in re.findall(r"<c([^>]*?)(?:/>|>(.*?)</c>)", row):
                v = re.search(r"<v>(.*?)</v>", inner or "")
                t = re.search(r"<t[^>]*>(.*?)</t>", inner or "")
                if 't="s"' in attrs and v:
                    cells.append(shared[int(v.group(1))])
                elif t:
                    cells.append(t.group(1))
                elif v:
                    num = float(v.group(1))
                    cells.append(str(int(num)) if num == int(num) else str(num))
                else:
                    cells.append("")
            out.append(cells)
        return out

    def test_z_wallboard_counts_at_risk_breached_and_todays_sla(self):
        # Named to run last: it moves the clock within 2027-03-01 and opens a ticket.
        board = self.ok(self.sup.get("/api/v1/reports/wallboard"))
        self.assertEqual((board["tickets_open"], board["tickets_breached"],
                          board["tickets_at_risk"], board["sla_met_today_pct"]),
                         (10, 10, 0, None))
        cust = self.customer("Riesgo Informes S.A.S.", 1)
        self.move(REPORT_TIME)  # Monday 10:00; P3 response due at 12:00
        t = self.ok(self.agent.post("/api/v1/tickets", {
            "kind": "incident", "customer_id": cust["id"], "service_id": cust["services"][0]["service_id"],
            "category": "outage", "priority": 3, "subject": "Lento", "caller": caller()}), 201)
        self.move(REPORT_TIME + dt.timedelta(minutes=80))  # 67 % of 2 h gone: not yet
        board = self.ok(self.sup.get("/api/v1/reports/wallboard"))
        self.assertEqual((board["tickets_open"], board["tickets_at_risk"]), (11, 0))
        self.move(REPORT_TIME + dt.timedelta(minutes=95))  # 79 %: at risk
        board = self.ok(self.sup.get("/api/v1/reports/wallboard"))
        self.assertEqual((board["tickets_at_risk"], board["tickets_breached"]), (1, 10))
        self.ok(self.agent.patch("/api/v1/tickets/" + t["number"], {"state": "in_progress"}))
        board = self.ok(self.sup.get("/api/v1/reports/wallboard"))
        self.assertEqual((board["tickets_at_risk"], board["sla_met_today_pct"],
                          board["sla_judged_today"]), (0, 100.0, 1))
        # A call ringing now, and one missed today.
        now = self.now
        self.assertEqual(self.pbx.event({"event": "new_call", "call_id": "rep-ringing",
                                         "from": "+57 300 333 0000", "to": "+57 601 000 0000",
                                         "direction": "in", "time": iso(now)}).status, 200)
        self.assertEqual(self.pbx.event({"event": "new_call", "call_id": "rep-missed-today",
                                         "from": "+57 300 333 0001", "to": "+57 601 000 0000",
                                         "direction": "in",
                                         "time": iso(now - dt.timedelta(minutes=5))}).status, 200)
        self.assertEqual(self.pbx.event({"event": "hangup", "call_id": "rep-missed-today",
                                         "cause": "no_answer",
                                         "time": iso(now - dt.timedelta(minutes=4))}).status, 200)
        board = self.ok(self.sup.get("/api/v1/reports/wallboard"))
        self.assertEqual((board["calls_waiting"], board["calls_missed_today"],
                          board["calls_today"]), (1, 1, 2))
        self.assertEqual(board["at"], "2027-03-01T11:35:00-05:00")


class PostgresReportsTest(ReportsTest):
    use_postgres = True


if __name__ == "__main__":
    unittest.main()
