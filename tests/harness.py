"""Shared harness for the Python integration tests (tests/*_test.py).

Starts `atiende serve` on a free loopback port in a fresh temporary data
directory, talks JSON to it, runs CLI commands, and stops it with SIGTERM.
Only the Python standard library is used.

Environment (set by ctest, see CMakeLists.txt):
  ATIENDE_BIN     the atiende binary
  ATIENDE_SOURCE  the repository root (for data/demo and src/http/routes.cc)

Every test module runs in its own process and may run in parallel with the
others (ctest -j2): nothing here uses a fixed port or a shared directory.
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = os.environ.get("ATIENDE_SOURCE") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("ATIENDE_BIN") or os.path.join(SOURCE, "build", "atiende")
DEMO_DIR = os.path.join(SOURCE, "data", "demo")
DEMO_PASSWORD = "atiende-demo"
# The demo's two desks (`atiende demo seed`): the telecom's priority-customer
# desk (Bogotá, NM-*) and the LPG distributor's ZB desk (Santiago, ZB-*).
NM_DESK = "cirion-nm"
ZB_DESK = "abastible-zb"
# Demo users by role in the ZB desk, the one that has every role. The
# supervisor and the admin work in both desks: their requests name one
# (`?desk=`, see Client.desk).
DEMO_USERS = {
    "agent": "agente.zb",
    "supervisor": "supervisor",
    "dispatch": "despacho",
    "back_office": "mesa",
    "admin": "admin",
    "customer": "cliente.zb",
}
# Demo users by role in the NM desk.
NM_USERS = {
    "agent": "agente",
    "supervisor": "supervisor",
    "admin": "admin",
    "customer": "cliente",
}
ROLES = ("agent", "supervisor", "dispatch", "back_office", "admin", "customer")

START_TIMEOUT = 10.0   # seconds for the server to log its address and answer /healthz
STOP_TIMEOUT = 10.0    # seconds for a graceful stop before kill -9
CLI_TIMEOUT = 120.0
HTTP_TIMEOUT = 120.0


def clean_env(extra=None):
    """The environment without any inherited ATIENDE_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATIENDE_")}
    env.update(extra or {})
    return env


# --- CLI -------------------------------------------------------------------

class CliResult:
    def __init__(self, proc):
        self.code = proc.returncode
        self.stdout = proc.stdout.decode("utf-8", "replace")
        self.stderr = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return "exit %d\nstdout: %s\nstderr: %s" % (self.code, self.stdout, self.stderr)


def cli(args, data_dir=None, stdin=None, env=None, cwd=None, timeout=CLI_TIMEOUT):
    """Runs `atiende ARGS [--data-dir DIR]`; returns a CliResult.

    `data_dir` is appended as --data-dir when given. The command runs in `cwd`
    (a temporary directory by default, so the ./var default never lands in
    the source tree) without inherited ATIENDE_* variables.
    """
    argv = [BIN] + list(args)
    if data_dir is not None:
        argv += ["--data-dir", data_dir]
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    own_cwd = None
    if cwd is None:
        own_cwd = cwd = tempfile.mkdtemp(prefix="atiende-cli-")
    try:
        proc = subprocess.run(argv, input=stdin if stdin is not None else b"",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=clean_env(env), cwd=cwd, timeout=timeout)
    finally:
        if own_cwd:
            shutil.rmtree(own_cwd, ignore_errors=True)
    return CliResult(proc)


def seed_demo(data_dir):
    """Loads the demo customers and users into data_dir; fails loudly."""
    r = cli(["demo", "seed", "--dir", DEMO_DIR], data_dir=data_dir)
    if r.code != 0:
        raise AssertionError("demo seed failed: %r" % r)
    return r


def add_user(data_dir, name, role, password, customer=None, desks=()):
    """`atiende user add`; desks may be left out where the installation has one."""
    args = ["user", "add", name, "--role", role, "--password-stdin"]
    if customer:
        args += ["--customer", customer]
    for desk in desks:
        args += ["--desk", desk]
    r = cli(args, data_dir=data_dir, stdin=password + "\n")
    if r.code != 0:
        raise AssertionError("user add %s failed: %r" % (name, r))
    return r


# --- HTTP ------------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body        # bytes

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def content_type(self):
        return (self.header("Content-Type") or "").split(";")[0].strip()

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise AssertionError("response %d is not JSON (%s): %r"
                                 % (self.status, e, self.body[:300]))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return "HTTP %d %s" % (self.status, self.body[:500])


class Client:
    """A JSON client for one server: a cookie jar and/or a bearer token."""

    def __init__(self, server, token=None, desk=None):
        self.server = server
        self.token = token
        self.cookies = {}
        # The desk every /api/ request acts in (`?desk=`), unless the path names
        # one; None: the user's only desk.
        self.desk = desk

    def with_desk(self, path):
        """path with this client's `desk=` added, for the API and when not named already."""
        if self.desk is None or not path.startswith("/api/"):
            return path
        base, _, query = path.partition("?")
        if any(p.split("=", 1)[0] == "desk" for p in query.split("&")):
            return path
        from urllib.parse import quote
        return base + "?" + (query + "&" if query else "") + "desk=" + quote(self.desk, safe="")

    def request(self, method, path, body=None, headers=None, content_type=None,
                timeout=HTTP_TIMEOUT, chunked=False, on_sent=None, read_body=True):
        """Sends one request on a fresh connection.

        `body`: dict/list → JSON; bytes/str → sent as is. chunked: send the body
        with Transfer-Encoding: chunked instead of Content-Length. on_sent: called
        once the whole request has been written. read_body=False: only the status
        and headers (a stream such as /api/v1/events never ends). Returns a Response.
        """
        path = self.with_desk(path)
        hdrs = {}
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode("utf-8")
                hdrs["Content-Type"] = "application/json"
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = bytes(body)
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        hdrs.update(self.credentials())
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            if chunked and data is not None:
                pieces = (data[i:i + (1 << 16)] for i in range(0, len(data), 1 << 16))
                conn.request(method, path, body=pieces, headers=hdrs, encode_chunked=True)
            else:
                conn.request(method, path, body=data, headers=hdrs)
            if on_sent:
                on_sent()
            resp = conn.getresponse()
            payload = resp.read() if read_body or resp.status != 200 else b""
            result = Response(resp.status, resp.getheaders(), payload)
        finally:
            conn.close()
        for value in result.header_all("Set-Cookie"):
            first = value.split(";")[0]
            name, _, val = first.partition("=")
            name = name.strip()
            max_age = re.search(r"(?i)max-age=(\d+)", value)
            if val == "" or (max_age and max_age.group(1) == "0"):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val
        return result

    def credentials(self):
        """The headers that sign this client's requests in (token, session cookie)."""
        hdrs = {}
        if self.token is not None:
            hdrs["Authorization"] = "Bearer " + self.token
        if self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        return hdrs

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, username, password=DEMO_PASSWORD):
        """Signs in; the session cookie lands in the jar. Returns the Response."""
        return self.post("/api/v1/session", {"username": username, "password": password})


class Server:
    """One `atiende serve` process on 127.0.0.1:<free port>.

    data_dir: reuse a directory (e.g. after a crash); a fresh temporary one
    otherwise (removed by cleanup()). seed: run `demo seed` first.
    """

    def __init__(self, data_dir=None, virtual_clock=False, clock_start=None, seed=False,
                 env=None, args=(), listen="127.0.0.1:0", pass_data_dir=True, desk=None,
                 wrapper=()):
        self.own_dir = data_dir is None
        self.desk = desk  # the desk this server's clients act in by default (Client.desk)
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="atiende-it-")
        self.virtual_clock = virtual_clock
        self.clock_start = clock_start
        self.env = env or {}
        self.args = list(args)
        self.wrapper = list(wrapper)        # a command the server runs under (prlimit ...)
        self.listen = listen                # None: from the environment/config instead
        self.pass_data_dir = pass_data_dir  # False: from the environment/config instead
        self.proc = None
        self.port = None
        self.log_path = os.path.join(tempfile.gettempdir(),
                                     "atiende-it-%d-%d.log" % (os.getpid(), id(self)))
        self._log = None
        self.exit_code = None
        if seed:
            try:
                seed_demo(self.data_dir)
            except BaseException:
                self.cleanup()
                raise

    # Lifecycle -----------------------------------------------------------

    def start(self):
        argv = self.wrapper + [BIN, "serve"]
        if self.listen is not None:
            argv += ["--listen", self.listen]
        if self.pass_data_dir:
            argv += ["--data-dir", self.data_dir]
        if self.virtual_clock:
            argv.append("--virtual-clock")
        if self.clock_start:
            argv += ["--virtual-clock-start", self.clock_start]
        argv += self.args
        self._log = open(self.log_path, "ab")
        self._log_offset = self._log.tell()
        self.exit_code = None
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=self._log, env=clean_env(self.env),
                                     cwd=self.data_dir)
        deadline = time.monotonic() + START_TIMEOUT
        self.port = None
        while self.port is None:
            if self.proc.poll() is not None:
                raise AssertionError("atiende serve exited with %d before listening:\n%s"
                                     % (self.proc.returncode, self.log_text()))
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("atiende serve logged no http.listen within %.0f s:\n%s"
                                     % (START_TIMEOUT, self.log_text()))
            for line in self.log_text(since_start=True).splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and entry.get("event") == "http.listen":
                    addr = entry.get("addr", "")
                    host, _, port = addr.rpartition(":")
                    if host != "127.0.0.1" or not port.isdigit():
                        self.kill()
                        raise AssertionError("unexpected listen address %r" % addr)
                    self.port = int(port)
                    break
            else:
                time.sleep(0.02)
        while True:
            try:
                r = Client(self).get("/healthz", timeout=2)
                if r.status == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError("/healthz did not answer 200 within %.0f s:\n%s"
                                     % (START_TIMEOUT, self.log_text()))
            time.sleep(0.02)

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then wait; kill -9 and fail after `timeout`. Returns the exit code."""
        if self.proc is None:
            return self.exit_code
        self.terminate()
        return self.wait(timeout)

    def terminate(self):
        """Sends SIGTERM (graceful shutdown) without waiting."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout=STOP_TIMEOUT):
        """Waits for the process to exit; kill -9 and fail after `timeout`."""
        if self.proc is None:
            return self.exit_code
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("atiende serve did not exit within %.0f s of SIGTERM:\n%s"
                                 % (timeout, self.log_text()[-4000:]))
        return self._reap()

    def kill(self):
        """kill -9 (a crash). Returns the exit code."""
        if self.proc is None:
            return self.exit_code
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(STOP_TIMEOUT)
        return self._reap()

    def _reap(self):
        self.exit_code = self.proc.returncode
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None
        return self.exit_code

    def cleanup(self):
        """Stops the server if running and removes its files."""
        try:
            if self.proc is not None:
                self.kill()
        finally:
            if self.own_dir:
                shutil.rmtree(self.data_dir, ignore_errors=True)
            try:
                os.remove(self.log_path)
            except OSError:
                pass

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # Inspection ----------------------------------------------------------

    def log_text(self, since_start=False):
        try:
            with open(self.log_path, "rb") as f:
                if since_start:
                    f.seek(self._log_offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def client(self, token=None, desk=None):
        return Client(self, token=token, desk=desk or self.desk)

    def login(self, username, password=DEMO_PASSWORD, desk=None):
        """A Client signed in as username, acting in desk (default: the server's);
        fails the test if login fails."""
        c = Client(self, desk=desk or self.desk)
        r = c.login(username, password)
        if r.status != 200:
            raise AssertionError("login as %s failed: %r" % (username, r))
        return c

    def cli(self, args, **kw):
        """A CLI command on this server's data directory."""
        return cli(args, data_dir=self.data_dir, **kw)


# --- Helpers for assertions -------------------------------------------------

def stop_checked(server):
    """Stops a shared server (SIGTERM), fails unless it exited 0; always removes its files."""
    try:
        code = server.stop()
        if code != 0:
            raise AssertionError("server exited with %s" % code)
    finally:
        server.cleanup()


def all_customers(client):
    """Every customer, through the paged list."""
    out, after = [], 0
    while True:
        r = client.get("/api/v1/customers?after=%d&limit=100" % after)
        if r.status != 200:
            raise AssertionError("listing customers failed: %r" % r)
        page = r.json()
        out += page["items"]
        if not page.get("next_after"):
            return out
        after = page["next_after"]


def customer_count(client):
    return len(all_customers(client))


def search(client, q, limit=None):
    from urllib.parse import quote
    path = "/api/v1/customers?q=" + quote(q, safe="")
    if limit:
        path += "&limit=%d" % limit
    return client.get(path)


class TestCase(unittest.TestCase):
    maxDiff = 4000

    def assertProblem(self, resp, status, field=None, mentions=None):
        """resp is an RFC 9457 problem with this status; its field (when given)
        is `field`, and its detail mentions every string in `mentions`."""
        self.assertEqual(resp.status, status, resp)
        self.assertEqual(resp.content_type, "application/problem+json", resp)
        p = resp.json()
        for key in ("type", "title", "status", "code", "detail"):
            self.assertIn(key, p, resp)
        self.assertEqual(p["status"], status, resp)
        if field is not None:
            self.assertEqual(p.get("field"), field, resp)
        if isinstance(mentions, str):
            mentions = [mentions]
        for m in mentions or ():
            self.assertIn(m.lower(), p["detail"].lower(), resp)
        return p


# --- Spreadsheets -------------------------------------------------------------

def _column_letters(index):
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def make_xlsx(rows, inline=()):
    """A minimal XLSX workbook (bytes) whose first sheet holds `rows`.

    Cells: str → shared string (or an inline string when (row, col) is in
    `inline`), int/float → number as Excel stores it (900123456 →
    "9.00123456E8"), None → omitted (sparse row). Rows and columns 0-based.
    """
    import io
    import zipfile
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    shared, index = [], {}
    sheet_rows = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            ref = "%s%d" % (_column_letters(c), r + 1)
            if value is None:
                continue
            if isinstance(value, str) and (r, c) in inline:
                cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>'
                             % (ref, _xml_escape(value)))
            elif isinstance(value, str):
                if value not in index:
                    index[value] = len(shared)
                    shared.append(value)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[value]))
            else:
                if isinstance(value, int) and abs(value) >= 1e8:
                    mantissa = ("%.15E" % value).split("E")[0].rstrip("0").rstrip(".")
                    stored = "%sE%d" % (mantissa, len(str(abs(value))) - 1)
                else:
                    stored = repr(value)
                cells.append('<c r="%s"><v>%s</v></c>' % (ref, stored))
        sheet_rows.append('<row r="%d">%s</row>' % (r + 1, "".join(cells)))
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>' % rel_ns,
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="%s" xmlns:r="%s"><sheets>'
            '<sheet name="Maestra" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel_ns),
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>' % (rel_ns, rel_ns),
        "xl/sharedStrings.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>'
            % (ns, len(shared), len(shared),
               "".join('<si><t xml:space="preserve">%s</t></si>' % _xml_escape(x)
                       for x in shared)),
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="%s" xmlns:r="%s"><sheetData>%s</sheetData></worksheet>'
            % (ns, rel_ns, "".join(sheet_rows)),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def demo_file(name):
    with open(os.path.join(DEMO_DIR, name), "rb") as f:
        return f.read()


# --- The route table ---------------------------------------------------------

_ROLE_NAMES = {"kAgent": "agent", "kSupervisor": "supervisor", "kDispatch": "dispatch",
               "kBackOffice": "back_office", "kAdmin": "admin", "kCustomer": "customer"}
_STAFF = {"agent", "supervisor", "dispatch", "back_office", "admin"}


def _role_set(expr, named):
    expr = expr.strip()
    parts = [p for p in re.split(r"\|(?![^{}]*\})", expr)]
    if len(parts) > 1:  # a union: kCallTakers | RoleSet{Role::kCustomer}
        return set().union(*(_role_set(p, named) for p in parts))
    if expr.startswith("RoleSet{"):
        expr = expr[len("RoleSet"):]
    if expr in named:
        return named[expr]
    if expr == "RoleSet::Staff()":
        return set(_STAFF)
    if expr == "RoleSet::Any()":
        return set(_STAFF) | {"customer"}
    m = re.fullmatch(r"\{(.*)\}", expr, re.S)
    if m:
        names = re.findall(r"Role::(k\w+)", m.group(1))
        return {_ROLE_NAMES[n] for n in names}
    raise ValueError("cannot read the role set %r in routes.cc" % expr)


def routes():
    """The routes of src/http/routes.cc as dicts: method, path, public, roles
    (set of role names), virtual_clock_only, any_desk (not bound to one desk)."""
    with open(os.path.join(SOURCE, "src", "http", "routes.cc"), encoding="utf-8") as f:
        src = f.read()
    named = {}
    for m in re.finditer(r"constexpr\s+RoleSet\s+(k\w+)\s*=\s*([^;]+);", src):
        named[m.group(1)] = _role_set(m.group(2), named)
    out = []
    clock_branch = src.find("if (virtual_clock)")
    pattern = re.compile(r'\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*(true|false)\s*,\s*'
                         r'(\{[^{}]*\}|[A-Za-z_:()]+)\s*,\s*&Api::')
    for m in pattern.finditer(src):
        rest = src[m.end():src.index("}", m.end())]  # the handler and the options after it
        out.append({
            "method": m.group(1),
            "path": m.group(2),
            "public": m.group(3) == "true",
            "roles": set() if m.group(3) == "true" else _role_set(m.group(4), named),
            "virtual_clock_only": clock_branch >= 0 and m.start() > clock_branch,
            "any_desk": "kAnyDesk" in rest,
        })
    if len(out) < 10:
        raise AssertionError("could only read %d routes from routes.cc" % len(out))
    return out


if __name__ == "__main__":
    sys.exit("harness.py is a library for the *_test.py modules")
