"""What the call workspace needs of the tickets API (issues 15 and 17), over
real HTTP on SQLite:

- A service the caller names (issue 15 item 2): POST /api/v1/tickets with
  "new_service": true opens the incident for a service the master does not
  list and adds it to the customer flagged "unconfirmed", in the same
  transaction, audited; without the flag such a service is still refused,
  and a master editor's save of the services confirms it.
- The opening call linked to the phone system's record: "telephony_call_id"
  on POST /api/v1/tickets links the logged call to the telephony call, and a
  missed call opened back (the callback) is handled by it; an unknown id is a
  400 naming the field, and nothing is opened.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from pbx_sim import PhoneSystem, at  # noqa: E402


class CallWorkspaceApiTest(h.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = h.Server(seed=True, desk=h.NM_DESK)
        try:
            cls.server.start()
            cls.admin = cls.server.login("admin")
            cls.agent = cls.server.login(h.NM_USERS["agent"])
            cls.sup = cls.server.login(h.NM_USERS["supervisor"])
            r = cls.admin.post("/api/v1/telephony/tokens", {"desk": h.NM_DESK})
            assert r.status == 201, r
            cls.pbx = PhoneSystem(cls.server.port, r.json()["token"])
        except BaseException:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        h.stop_checked(cls.server)
        cls.server.cleanup()

    def customer(self, q):
        r = self.agent.get("/api/v1/customers?q=" + q.replace(" ", "+"))
        self.assertEqual(r.status, 200, r)
        return r.json()["items"][0]

    def incident(self, customer, **extra):
        body = {"kind": "incident", "category": "outage", "customer_id": customer["id"],
                "subject": "Caída del enlace", "caller": {"name": "Pedro Ruiz"}}
        body.update(extra)
        return self.agent.post("/api/v1/tickets", body)

    def test_a_service_the_caller_names_opens_the_incident_unconfirmed(self):
        virrey = self.customer("virrey")
        self.assertEqual(virrey["services"], [])
        r = self.incident(virrey, service_id="SID-777001", circuit="CIR-BOG-9001",
                          new_service=True)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["service"]["service_id"], "SID-777001")
        after = self.agent.get("/api/v1/customers/%d" % virrey["id"]).json()
        self.assertEqual(after["services"], [{"service_id": "SID-777001",
                                              "circuit": "CIR-BOG-9001", "description": "",
                                              "unconfirmed": True}])
        self.assertEqual(after["version"], virrey["version"] + 1)
        # A master editor saving the services list confirms it.
        r = self.sup.patch("/api/v1/customers/%d" % virrey["id"],
                           {"services": [{"service_id": "SID-777001",
                                          "circuit": "CIR-BOG-9001",
                                          "description": "MPLS sede norte"}]},
                           headers={"If-Match": '"v%d"' % after["version"]})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("unconfirmed", r.json()["services"][0])

    def test_a_service_not_listed_is_refused_without_the_flag(self):
        salud = self.customer("salud total")
        r = self.incident(salud, service_id="SID-NOPE")
        self.assertProblem(r, 400, "service_id", mentions=["SID-100231"])
        r = self.incident(salud, service_id="SID-NOPE", new_service="yes")
        self.assertProblem(r, 400, "new_service")
        # With it: opened, and the listed services stay as they were.
        r = self.incident(salud, service_id="SID-100299", new_service=True)
        self.assertEqual(r.status, 201, r)
        services = self.agent.get("/api/v1/customers/%d" % salud["id"]).json()["services"]
        self.assertEqual([s["service_id"] for s in services],
                         ["SID-100231", "SID-100232", "SID-100299"])
        self.assertEqual([s.get("unconfirmed", False) for s in services], [False, False, True])

    def test_the_opening_call_is_linked_to_the_telephony_call(self):
        colpatria = self.customer("colpatria")
        self.assertEqual(self.pbx.new_call("ws-missed", "+57 601 5550777").status, 200)
        r = self.pbx.event({"event": "hangup", "call_id": "ws-missed", "cause": "no_answer",
                            "time": at(30)})
        self.assertEqual(r.status, 200, r)
        tel = r.json()["call"]["id"]
        missed = self.agent.get("/api/v1/telephony/missed").json()["items"]
        self.assertIn(tel, [c["id"] for c in missed])
        # An id the desk does not have: 400, and nothing opened.
        r = self.incident(colpatria, service_id="SID-400900", telephony_call_id=987654)
        self.assertProblem(r, 400, "telephony_call_id")
        r = self.agent.get("/api/v1/tickets?customer_id=%d" % colpatria["id"])
        self.assertEqual(r.json()["items"], [], r)
        # The callback opens the incident: linked, and the missed call handled.
        r = self.incident(colpatria, service_id="SID-400900", telephony_call_id=tel)
        self.assertEqual(r.status, 201, r)
        call = self.agent.get("/api/v1/telephony/calls/%d" % tel).json()
        self.assertEqual(call["interaction_id"], r.json()["call"]["id"])
        self.assertEqual(call["handled_by"], h.NM_USERS["agent"])
        missed = self.agent.get("/api/v1/telephony/missed").json()["items"]
        self.assertNotIn(tel, [c["id"] for c in missed])


if __name__ == "__main__":
    unittest.main()
