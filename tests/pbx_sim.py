"""A phone-system simulator: posts realistic call-event sequences to
POST /api/v1/telephony/events, as a PBX or a cloud provider's webhook would
(docs/telephony.md). Python standard library only.

Two dialects: "atiende" (JSON, our field names) and "zammad" (Zammad Generic
CTI: form-encoded, newCall/callId/answeringNumber/noAnswer), so a phone system
already configured for Zammad is exercised unchanged.

As a library (tests/telephony_test.py):
    pbx = PhoneSystem(port, token)
    pbx.answered("c-1", "+56 9 6123 4567", "agente.zb")

By hand, against a running server:
    python3 tests/pbx_sim.py --port 8080 --token TOKEN answered --from "+56961234567" --user agente.zb
"""

import argparse
import datetime
import http.client
import json
import sys
import urllib.parse

T0 = datetime.datetime(2026, 12, 7, 15, 0, 0, tzinfo=datetime.timezone.utc)

_CAUSES_ZAMMAD = {"no_answer": "noAnswer", "not_found": "notFound"}


def at(seconds):
    """T0 + seconds, as RFC 3339."""
    return (T0 + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Reply:
    """The phone system's view of an answer: status, content type, body."""

    def __init__(self, status, content_type, body):
        self.status = status
        self.content_type = content_type
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300].decode("utf-8", "replace"))


class PhoneSystem:
    """One phone system posting with one token, in one dialect."""

    def __init__(self, port, token, dialect="atiende", host="127.0.0.1"):
        self.port = port
        self.host = host
        self.token = token
        self.dialect = dialect

    # One event ------------------------------------------------------------

    def post_raw(self, body, content_type, token=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            hdrs = {"Content-Type": content_type}
            tok = self.token if token is None else token
            if tok:
                hdrs["Authorization"] = "Bearer " + tok
            conn.request("POST", "/api/v1/telephony/events", body=body, headers=hdrs)
            r = conn.getresponse()
            ctype = (r.getheader("Content-Type") or "").split(";")[0].strip()
            return Reply(r.status, ctype, r.read())
        finally:
            conn.close()

    def event(self, fields):
        """Posts one event given in our field names, translated to the dialect."""
        if self.dialect == "zammad":
            z = {}
            for k, v in fields.items():
                if k == "event":
                    v = "newCall" if v == "new_call" else v
                elif k == "call_id":
                    k = "callId"
                elif k == "cause":
                    v = _CAUSES_ZAMMAD.get(v, v)
                elif k == "users":
                    k = "user[]"
                elif k == "user" and fields.get("event") == "answer":
                    k = "answeringNumber"
                z[k] = v
            body = urllib.parse.urlencode(z, doseq=True).encode()
            return self.post_raw(body, "application/x-www-form-urlencoded")
        return self.post_raw(json.dumps(fields).encode(), "application/json")

    def new_call(self, call_id, caller, to="+56 2 2600 0000", users=(), queue="", t=0,
                 direction="in"):
        f = {"event": "new_call", "call_id": call_id, "from": caller, "to": to,
             "direction": direction, "time": at(t)}
        if users:
            f["users"] = list(users)
        if queue:
            f["queue"] = queue
        return self.event(f)

    def answer(self, call_id, user, t=10):
        return self.event({"event": "answer", "call_id": call_id, "user": user, "time": at(t)})

    def hangup(self, call_id, cause="normal", t=60):
        return self.event({"event": "hangup", "call_id": call_id, "cause": cause, "time": at(t)})

    def transfer(self, call_id, to, t=30):
        return self.event({"event": "transfer", "call_id": call_id, "to": to, "time": at(t)})

    # Sequences ------------------------------------------------------------

    def answered(self, call_id, caller, user, ring=10, talk=50):
        """Rings, answered after `ring` s, hung up after `talk` s more."""
        return [self.new_call(call_id, caller, users=[user]),
                self.answer(call_id, user, t=ring),
                self.hangup(call_id, "normal", t=ring + talk)]

    def missed(self, call_id, caller, cause="no_answer", after=30):
        """Rings and is given up by the caller or the queue."""
        return [self.new_call(call_id, caller), self.hangup(call_id, cause, t=after)]

    def transferred(self, call_id, caller, user, to):
        return [self.new_call(call_id, caller, users=[user]),
                self.answer(call_id, user, t=5),
                self.transfer(call_id, to, t=20),
                self.hangup(call_id, "normal", t=90)]

    def out_of_order(self, call_id, caller, user):
        """The hangup first, then the answer, then the new call."""
        return [self.hangup(call_id, "normal", t=60),
                self.answer(call_id, user, t=10),
                self.new_call(call_id, caller, users=[user])]

    def duplicated(self, call_id, caller, user):
        """Every event twice, as a phone system retrying on a timeout does."""
        out = []
        for send in (lambda: self.new_call(call_id, caller, users=[user]),
                     lambda: self.answer(call_id, user),
                     lambda: self.hangup(call_id)):
            out += [send(), send()]
        return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--token", required=True)
    p.add_argument("--dialect", choices=("atiende", "zammad"), default="atiende")
    p.add_argument("sequence", choices=("answered", "missed", "transferred", "out_of_order",
                                        "duplicated"))
    p.add_argument("--call-id", default="sim-" + datetime.datetime.now().strftime("%H%M%S"))
    p.add_argument("--from", dest="caller", default="+56 9 6123 4567")
    p.add_argument("--user", default="201")
    p.add_argument("--to", default="202", help="transfer target")
    a = p.parse_args(argv)
    pbx = PhoneSystem(a.port, a.token, a.dialect, a.host)
    if a.sequence == "missed":
        replies = pbx.missed(a.call_id, a.caller)
    elif a.sequence == "transferred":
        replies = pbx.transferred(a.call_id, a.caller, a.user, a.to)
    else:
        replies = getattr(pbx, a.sequence)(a.call_id, a.caller, a.user)
    for r in replies:
        print(r)
    return 0 if all(r.status == 200 for r in replies) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
