"""Tickets against the clock (NM-9, NM-10): reopening only on the day a ticket
was resolved, in the desk's time zone (America/Bogota, and America/Santiago
across its 2026 daylight-saving changes), and the auto-close of resolved
tickets after the configured number of days.

Every server runs on a virtual clock that the test moves (POST /api/v1/clock).
Helpers come from tickets_test.py.
"""

import datetime as dt
import os
import sys
import time
import unittest
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tickets_test import (  # noqa: E402
    TicketCase, caller, changes_by_field, instant, new_customer, services, ticket_body)


# --- NM-9: reopening on the desk's local calendar day ----------------------------

class ReopenBogotaTest(TicketCase):
    """America/Bogotá (UTC-5 all year), the NM desk's time zone."""

    def resolved_ticket(self, service, opened, resolved):
        c = new_customer(self.sup, services=services(service))
        self.set_clock(opened)
        t = self.open(c["id"], service)
        self.set_clock(resolved)
        r = self.resolve(t["number"])
        self.assertEqual(instant(r["resolved_at"]), instant(resolved))
        return c, r

    def test_reopen_at_2359_of_the_day_it_was_resolved_at_2350(self):
        c, t = self.resolved_ticket("BOG-1", "2026-03-10T20:00:00-05:00", "2026-03-10T23:50:00-05:00")
        self.set_clock("2026-03-10T23:59:00-05:00")
        r = self.reopen(t["number"], "Persiste la caída", caller=caller("Ana Gómez"))
        self.assertEqual(r.status, 200, r)
        got = r.json()
        self.assertEqual((got["state"], got["reopen_count"], got["resolution"], got["resolved_at"]),
                         ("in_progress", 1, "", None))
        self.assertIn("Persiste la caída", got["updates"][-1]["text"])
        call = self.calls("ticket=" + t["number"])[0]
        self.assertEqual((call["type"], call["outcome"], call["notes"], call["customer_id"]),
                         ("follow_up", "ticket_reopened", "Persiste la caída", c["id"]))

    def test_same_local_day_though_the_utc_date_changed(self):
        # 18:50 and 19:10 in Bogotá are 23:50 and 00:10 UTC: the local day is what counts.
        _, t = self.resolved_ticket("BOG-2", "2026-03-11T08:00:00-05:00", "2026-03-11T18:50:00-05:00")
        self.set_clock("2026-03-11T19:10:00-05:00")
        r = self.reopen(t["number"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "in_progress")

    def test_after_local_midnight_reopen_is_refused(self):
        _, t = self.resolved_ticket("BOG-3", "2026-03-12T21:00:00-05:00", "2026-03-12T23:50:00-05:00")
        self.set_clock("2026-03-13T00:01:00-05:00")
        p = self.assertProblem(self.reopen(t["number"]), 409, mentions=[
            t["number"], "2026-03-12", "2026-03-13", "America/Bogota", "linked_to"])
        self.assertEqual((p["code"], p["subject"]), ("reopen_not_allowed", t["number"]))
        got = self.get(t["number"])
        self.assertEqual((got["state"], got["version"], got["reopen_count"]), ("resolved", 2, 0))
        self.assertProblem(self.reopen(t["number"], ""), 400, "reason")

    def test_after_local_midnight_a_new_ticket_linked_to_the_old_one_opens(self):
        # What the refusal tells the agent to do must work: the customer says the
        # problem of the same service persists the next morning.
        c, t = self.resolved_ticket("BOG-4", "2026-03-13T21:00:00-05:00", "2026-03-13T23:50:00-05:00")
        self.set_clock("2026-03-14T00:01:00-05:00")
        self.assertEqual(self.assertProblem(self.reopen(t["number"]), 409)["code"], "reopen_not_allowed")
        r = self.agent.post("/api/v1/tickets", ticket_body(
            c["id"], "BOG-4", subject="Persiste la caída reportada ayer", linked_to=t["number"]))
        self.assertEqual(r.status, 201, r)
        new = r.json()
        self.assertEqual(new["linked_to"], t["number"])
        self.assertNotEqual(new["number"], t["number"])
        self.assertEqual(self.get(new["number"])["linked_to"], t["number"])

    def test_a_linked_ticket_for_another_service_opens(self):
        c = new_customer(self.sup, services=services("BOG-5", "BOG-6"))
        self.set_clock("2026-03-16T10:00:00-05:00")
        old = self.open(c["id"], "BOG-5")
        self.resolve(old["number"])
        self.set_clock("2026-03-17T10:00:00-05:00")
        new = self.open(c["id"], "BOG-6", linked_to=old["number"].lower())
        self.assertEqual(new["linked_to"], old["number"])


class ReopenSantiagoTest(TicketCase):
    """America/Santiago across its 2026 daylight-saving changes, both at local
    midnight (`zdump -v America/Santiago | grep 2026`):
      2026-04-05 03:00Z  Sat 04-04 24:00 -03 → Sat 04-04 23:00 -04  (Saturday lasts 25 h)
      2026-09-06 04:00Z  Sat 09-05 24:00 -04 → Sun 09-06 01:00 -03  (Sunday starts at 01:00)
    The zone is the desk's own setting (not ATIENDE_TIME_ZONE): the admin moves
    this server's NM desk to Santiago.
    """

    clock_start = "2026-04-01T15:00:00Z"
    zone = zoneinfo.ZoneInfo("America/Santiago")

    @classmethod
    def prepare(cls):
        cls.set_desk(time_zone="America/Santiago")

    def local_date(self, when):
        return instant(when).astimezone(self.zone).date().isoformat()

    def resolved_at(self, service, resolved):
        c = new_customer(self.sup, services=services(service))
        self.set_clock(resolved)
        t = self.open(c["id"], service)
        return self.resolve(t["number"])

    def check(self, service, resolved, reopen_at, allowed):
        # The test's own reading of the tz database, so a tzdata change shows here.
        same_day = self.local_date(resolved) == self.local_date(reopen_at)
        self.assertEqual(same_day, allowed, "the scenario's assumption about %s" % reopen_at)
        t = self.resolved_at(service, resolved)
        self.set_clock(reopen_at)
        r = self.reopen(t["number"])
        if allowed:
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["state"], "in_progress")
        else:
            p = self.assertProblem(r, 409, mentions=[self.local_date(resolved),
                                                     self.local_date(reopen_at),
                                                     "America/Santiago"])
            self.assertEqual(p["code"], "reopen_not_allowed")
            self.assertEqual(self.get(t["number"])["state"], "resolved")

    def test_the_zone_is_in_force(self):
        r = self.admin.get("/api/v1/clock")
        self.assertEqual(r.status, 200, r)
        r = self.agent.get("/api/v1/session")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["desk"]["time_zone"], "America/Santiago")
        self.assertEqual(instant("2026-04-05T02:59:59Z").astimezone(self.zone).utcoffset(),
                         dt.timedelta(hours=-3))
        self.assertEqual(instant("2026-04-05T03:00:00Z").astimezone(self.zone).utcoffset(),
                         dt.timedelta(hours=-4))
        self.assertEqual(instant("2026-09-06T04:00:00Z").astimezone(self.zone).utcoffset(),
                         dt.timedelta(hours=-3))

    # April: clocks go back from 24:00 to 23:00; Saturday has two 23:xx hours.

    def test_april_resolved_2330_summer_reopened_2359_winter_same_saturday(self):
        self.check("SCL-1", "2026-04-05T02:30:00Z", "2026-04-05T03:59:00Z", allowed=True)

    def test_april_resolved_2330_reopened_0001_sunday_is_refused(self):
        self.check("SCL-2", "2026-04-05T02:30:00Z", "2026-04-05T04:01:00Z", allowed=False)

    def test_april_resolved_at_noon_reopened_in_the_repeated_hour(self):
        # 03:30Z is 00:30 Sunday at -03 but 23:30 Saturday at -04, the offset by then.
        self.check("SCL-3", "2026-04-04T15:00:00Z", "2026-04-05T03:30:00Z", allowed=True)

    def test_april_resolved_in_the_repeated_hour_reopened_after_midnight(self):
        self.check("SCL-4", "2026-04-05T03:30:00Z", "2026-04-05T04:30:00Z", allowed=False)

    # September: 24:00 does not exist; Sunday begins at 01:00 -03.

    def test_september_resolved_2350_reopened_2359_same_saturday(self):
        self.check("SCL-5", "2026-09-06T03:50:00Z", "2026-09-06T03:59:00Z", allowed=True)

    def test_september_resolved_2350_reopened_eleven_minutes_later_on_sunday_is_refused(self):
        self.check("SCL-6", "2026-09-06T03:50:00Z", "2026-09-06T04:01:00Z", allowed=False)

    def test_september_sunday_ends_at_2359_summer_time(self):
        self.check("SCL-7", "2026-09-06T04:10:00Z", "2026-09-07T02:50:00Z", allowed=True)
        self.check("SCL-8", "2026-09-06T04:10:00Z", "2026-09-07T03:30:00Z", allowed=False)


# --- NM-10: auto-close ---------------------------------------------------------------

class AutoCloseTest(TicketCase):
    clock_start = "2026-05-04T15:00:00Z"  # Monday 10:00 in Bogotá

    def state(self, number):
        return self.get(number)["state"]

    def test_resolved_tickets_close_after_seven_days_as_system(self):
        c = new_customer(self.sup, services=services("AC-1", "AC-2"))
        self.set_clock("2026-05-04T15:00:00Z")
        first = self.open(c["id"], "AC-1")
        second = self.open(c["id"], "AC-2")
        self.resolve(first["number"])
        self.advance("PT72H")
        self.resolve(second["number"])  # resolved three days after the first

        self.advance("PT72H")  # day 6 of the first
        time.sleep(1.5)        # the job runs every second, and once at once after the move
        self.assertEqual(self.state(first["number"]), "resolved")
        self.set_clock("2026-05-11T14:59:00Z")  # one minute short of 7 days
        time.sleep(1.5)
        self.assertEqual(self.state(first["number"]), "resolved")
        self.advance("PT2M")
        self.wait_for(lambda: self.state(first["number"]) == "closed", "the auto-close")
        t = self.get(first["number"])
        self.assertEqual(instant(t["closed_at"]), instant("2026-05-11T15:01:00Z"))
        last = t["updates"][-1]
        self.assertEqual((last["kind"], last["author"]), ("state", "system"))
        self.assertIn("7 days", last["text"])
        hist = self.history(first["number"])
        self.assertEqual([e["action"] for e in hist],
                         ["ticket.open", "ticket.resolve", "ticket.autoclose"])
        self.assertEqual(hist[-1]["actor"], "system")
        self.assertEqual(changes_by_field(hist[-1])["state"], ("resolved", "closed"))
        self.assertEqual(self.state(second["number"]), "resolved", "resolved later, closes later")
        # The service is free again.
        self.open(c["id"], "AC-1")

        self.advance("PT72H")
        self.wait_for(lambda: self.state(second["number"]) == "closed", "the second auto-close")
        time.sleep(1.5)
        self.assertEqual([e["action"] for e in self.history(first["number"])].count("ticket.autoclose"), 1,
                         "closed once")
        self.assertEqual([e["action"] for e in self.history(second["number"])].count("ticket.autoclose"), 1)

    def test_open_and_in_progress_tickets_never_auto_close(self):
        c = new_customer(self.sup, services=services("AC-3", "AC-4"))
        self.set_clock("2026-06-01T15:00:00Z")
        new = self.open(c["id"], "AC-3")
        working = self.open(c["id"], "AC-4")
        self.assertEqual(self.agent.patch("/api/v1/tickets/" + working["number"],
                                          {"state": "in_progress"}).status, 200)
        self.advance("PT480H")
        time.sleep(1.5)
        self.assertEqual(self.state(new["number"]), "new")
        self.assertEqual(self.state(working["number"]), "in_progress")


class AutoCloseDaysSettingTest(TicketCase):
    """The number of days is the desk's setting (not ATIENDE_AUTOCLOSE_DAYS)."""

    clock_start = "2026-05-04T15:00:00Z"

    @classmethod
    def prepare(cls):
        cls.set_desk(autoclose_days=2)

    def test_the_setting_is_honoured_and_the_mail_says_so(self):
        c = new_customer(self.sup, email="noc@dosdias.example", services=services("AD-1"))
        t = self.open(c["id"], "AD-1")
        self.resolve(t["number"])
        mail = [m for m in self.admin.get("/api/v1/mail?ticket=" + t["number"]).json()["items"]
                if m["event"] == "ticket.resolved"]
        self.assertEqual(len(mail), 1)
        self.assertIn("2 días", self.admin.get("/api/v1/mail/%d" % mail[0]["id"]).json()["text"])
        self.advance("PT47H")
        time.sleep(1.5)
        self.assertEqual(self.get(t["number"])["state"], "resolved")
        self.advance("PT2H")
        self.wait_for(lambda: self.get(t["number"])["state"] == "closed", "the auto-close")
        self.assertIn("2 days", self.get(t["number"])["updates"][-1]["text"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
