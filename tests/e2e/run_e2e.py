#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests for the hcsms client.

Runs the real ``hcsms`` binary against
  * tests/servers/mock_sms.py (in-process TLS mock of the SMS unlock API),
  * a second mock instance with an expired certificate,
  * a plain-TCP (non-TLS) HTTP server, a closed port and a full-backlog port,
  * nginx configured from tests/e2e/nginx.conf.in: with the EC chain and with the RSA
    chain of make_pki.sh, TLS 1.2 and 1.3 or only one of them (cases nginx-*; a case
    needing TLS 1.3 is "not applicable" to an mbedTLS 2.28 build: skipped, also under
    HCSMS_REQUIRE_ALL=1),
  * the mock's IAM stand-in (POST /v3/auth/tokens) for ``hcsms token`` (cases iam-*),
  * tinyproxy (tests/e2e/tinyproxy_server.py) as an HTTP CONNECT proxy (cases proxy-*;
    they fail, not skip, when tinyproxy is missing),
and checks exit status, stdout/stderr and what the servers saw.

Usage:  tests/e2e/run_e2e.py [-k SUBSTRING]... [--list]
Env:    HCSMS_BIN      binary to test (default: build/hcsms in the repo root)
        HCSMS_WRAPPER  command prefixed to every hcsms run (shlex-split), e.g.
                       "valgrind --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 -q";
                       timeouts become 10x longer and exit 99 is a failure.
Prints ``PASS name (0.12s)`` / ``FAIL name: reason`` per case and ends with
``e2e: N passed, N failed``; exits 0 iff nothing failed.  Python 3 standard library
only.
"""

import argparse
import base64
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "servers"))
sys.path.insert(0, HERE)

from mock_sms import (BIGERROR_LEN, FORBIDDEN_DECODED_DETAIL, IAM_TOKEN_ALPHABET,  # noqa: E402
                      IAM_TOKEN_MAX, MockSMS, PlainHTTPServer)
from nginx_server import NginxServer  # noqa: E402
from tinyproxy_server import TinyProxy  # noqa: E402
import aksk_verify  # noqa: E402
import e2e_session  # noqa: E402

FORBIDDEN_MSG = "You do not have permission to perform action sms:server:unlock on resource."
NOTFOUND_MSG = "The API does not exist or has not been published in the environment."
DEFAULT = object()
# environment variables whose values are secrets: never in hcsms output, never in reports
LEAK_WINDOW = 20
SECRET_ENV = ("HCSMS_AUTH_TOKEN", "HCSMS_SK", "HUAWEICLOUD_SDK_SK", "HCSMS_SECURITY_TOKEN",
              "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HCSMS_PASSWORD", "HCSMS_PROXY_PASSWORD")
# proxy settings of the machine running the tests never reach hcsms (cases set their own)
PROXY_ENV = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
             "NO_PROXY", "no_proxy")


class CaseFail(Exception):
    pass


class CaseSkip(Exception):
    """The machine lacks what the case needs (said why). Counted as skipped, and
    as a failure under HCSMS_REQUIRE_ALL=1 (CI), where every case must run."""


class NotApplicable(CaseSkip):
    """The case cannot apply to this hcsms build on any machine (e.g. TLS 1.3 with
    mbedTLS 2.28, which has none): counted as skipped, also under HCSMS_REQUIRE_ALL=1."""


# The optional parts hcsms --version can name ("features:"), in its order, and
# what hcsms says when asked for one its build left out (src/cli/cli.h).
FEATURES = ("aksk", "ca-file", "iam", "proxy", "resume", "trace")
NOT_BUILT = b"not in this build (hcsms --version lists its features)"


def expected_features():
    """The features the binary under test must have: HCSMS_E2E_FEATURES (names
    separated by spaces, for a reduced build), else all of them. A build that lost
    one by mistake fails the version case instead of skipping that one's cases."""
    names = os.environ.get("HCSMS_E2E_FEATURES")
    return list(FEATURES) if names is None else [f for f in FEATURES if f in names.split()]


class Result:
    def __init__(self, cmd, rc, out, err, elapsed, env_note=""):
        self.cmd, self.rc, self.out, self.err, self.elapsed = cmd, rc, out, err, elapsed
        self.env_note = env_note

    @property
    def sout(self):
        return self.out.decode("utf-8", "replace")

    @property
    def serr(self):
        return self.err.decode("utf-8", "replace")


# --------------------------------------------------------------------------- context
class Ctx:
    def __init__(self, binary, wrapper, tmp):
        self.bin = binary
        self.wrapper = wrapper
        self.factor = 10 if wrapper else 1
        self.tmp = tmp
        self.pki = os.path.join(tmp, "pki")
        self.ca = os.path.join(self.pki, "ca.pem")
        self.token = "e2e-Tok3n." + os.urandom(12).hex() + "~_-"
        # AK/SK credentials the mock knows: a permanent pair and a temporary one (with a
        # security token); AKs look like Huawei's (20 upper-case alphanumerics), SKs are 40
        self.ak = "HCSE2E" + os.urandom(7).hex().upper()
        self.sk = "Sk" + os.urandom(19).hex()
        self.tmp_ak = "HCSTMP" + os.urandom(7).hex().upper()
        self.tmp_sk = "TmpSk" + os.urandom(17).hex() + "x"
        # with '/' every 8 bytes, as base64 tokens have them (a server's JSON may write "\/")
        self.security_token = "gQ1jbi1ub3J0aC00" + "/".join(os.urandom(4).hex() for _ in range(12)) + "=="
        # IAM stand-in users (see setup()); passwords are secrets like the token
        self.iam_account = "e2e_account-" + os.urandom(3).hex()
        self.iam_user = "e2e-iam-user"
        self.iam_password = "IamPw-" + os.urandom(10).hex()
        # needs JSON escaping: quote, backslash, tab, non-ASCII (UTF-8)
        self.iam_special_password = 'Sp"ec\\ial\t\u00e9t\u00e9-' + os.urandom(6).hex()
        # tinyproxy's BasicAuth only takes [-A-Za-z0-9._]
        self.proxy_user = "e2eproxy"
        self.proxy_pass = "Pr0xy.Pass-" + os.urandom(8).hex()
        self.mock = None
        self.mock_expired = None
        self.mock6 = None
        self.plain = None
        self.nginx = None
        self.nginx_big = None
        self.nginx_big_token = None
        self.nginx_error = None
        self.nginx_variants = {}  # name -> NginxServer, started by the first case needing it
        self.mbedtls_version = None  # (major, minor) of the tested binary, see mbedtls_version()
        self.tp = None          # tinyproxy with BasicAuth, every port
        self.tp443 = None       # tinyproxy with BasicAuth, ConnectPort 443 only
        self.tp_open = None     # tinyproxy without authentication
        self.tinyproxy_error = None
        self.closed_sock = None
        self.closed_port = None
        self.backlog_sock = None
        self.backlog_fill = []
        self.features = expected_features()
        self.results = []  # Results of the current case, for failure reports
        self.case_snap = None
        self._n = 0

    # ---- files
    def write(self, data, name=None, mode=0o600):
        """A file in the run's folder, mode 0600 as secret files should be
        (hcsms warns about others' access to a token or password file)."""
        self._n += 1
        p = os.path.join(self.tmp, name or "file-%d" % self._n)
        if os.path.exists(p):
            os.unlink(p)
        with open(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.chmod(p, mode)
        return p

    def fixed_secrets(self):
        """{secret: what it is} for secrets that must never appear in any hcsms output."""
        pa = "%s:%s" % (self.proxy_user, self.proxy_pass)
        out = {self.sk: "an SK", self.tmp_sk: "an SK", self.security_token: "the security token",
               self.proxy_pass: "the proxy password",
               base64.b64encode(pa.encode()).decode(): "the proxy credentials (base64)"}
        for pw in (self.iam_password, self.iam_special_password):
            out[pw] = "an IAM password"
            out.setdefault(json.dumps(pw)[1:-1], "an IAM password (JSON-escaped)")
            out.setdefault(json.dumps(pw, ensure_ascii=False)[1:-1], "an IAM password (JSON-escaped)")
        out[self.token] = "the token"
        return out

    # ---- running hcsms
    def run(self, argv, token=DEFAULT, extra_env=None, stdin_data=None, timeout=20.0, umask=None,
            prefix=()):
        """Run ``hcsms argv...``; token via HCSMS_AUTH_TOKEN unless token is None."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("HCSMS_") and not k.startswith("HUAWEICLOUD_SDK_")
               and k not in PROXY_ENV}
        note = []
        if token is DEFAULT:
            token = self.token
        secrets = self.fixed_secrets()
        if token is not None:
            env["HCSMS_AUTH_TOKEN"] = token
            note.append("HCSMS_AUTH_TOKEN=<%d bytes>" % len(token))
            secrets[token] = "the token"
        for k, v in (extra_env or {}).items():
            env[k] = v
            if k in SECRET_ENV:
                secrets.setdefault(v, "the value of %s" % k)
                note.append("%s=<%d bytes>" % (k, len(v)))
            else:
                note.append("%s=%s" % (k, v if len(v) < 80 else "<%d bytes>" % len(v)))
        cmd = list(prefix) + self.wrapper + [self.bin] + list(argv)
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout * self.factor,
                               input=stdin_data,
                               stdin=None if stdin_data is not None else subprocess.DEVNULL,
                               **({} if umask is None else {"umask": umask}))
        except subprocess.TimeoutExpired as e:
            r = Result(cmd, None, e.stdout or b"", e.stderr or b"", time.monotonic() - t0, " ".join(note))
            self.results.append(r)
            raise CaseFail("hcsms did not finish within %.0fs" % (timeout * self.factor))
        r = Result(cmd, p.returncode, p.stdout, p.stderr, time.monotonic() - t0, " ".join(note))
        self.results.append(r)
        if r.rc is not None and r.rc < 0:
            raise CaseFail("hcsms killed by signal %d" % -r.rc)
        if self.wrapper and r.rc == 99:
            raise CaseFail("wrapper (valgrind) reported errors: exit 99")
        for secret, what in secrets.items():
            if not secret or len(secret) < 8:
                continue
            for sb in {secret.encode("latin-1", "replace"), secret.encode("utf-8", "surrogateescape")}:
                if sb in r.out or sb in r.err:
                    raise CaseFail("%s appears in hcsms output" % what)
                if secret not in (token, self.token) and len(sb) > LEAK_WINDOW:
                    # SKs, security tokens, passwords: a piece of one is a leak too (a server
                    # may echo it inside a cut-off message)
                    for i in range(len(sb) - LEAK_WINDOW + 1):
                        piece = sb[i:i + LEAK_WINDOW]
                        if piece in r.out or piece in r.err:
                            raise CaseFail("%d bytes of %s appear in hcsms output" % (LEAK_WINDOW, what))
        self.not_built_check(r.err)  # after the wrapper and leak checks, which apply to every run
        return r

    # ---- reduced builds (HCSMS_E2E_FEATURES)
    def require(self, *features):
        """For a case that needs a feature without naming an option for it."""
        missing = [f for f in features if f not in self.features]
        if missing:
            raise NotApplicable("built without %s" % ", ".join(missing))

    def not_built_check(self, err):
        """hcsms said a feature is not in its build: the case does not apply to a
        reduced build (hcsms refused or warned as it should), and is a failure on
        a build that must have everything."""
        for line in err.splitlines():
            if NOT_BUILT in line:
                said = line.decode("utf-8", "replace")
                if self.features == list(FEATURES):
                    raise CaseFail("a build with every feature says: %s" % said)
                raise NotApplicable("as this build should: %s" % said)

    def unlock(self, *args, endpoint=DEFAULT, cacert=DEFAULT, **kw):
        argv = ["unlock"]
        if endpoint is DEFAULT:
            endpoint = self.mock.url
        if endpoint is not None:
            argv += ["--endpoint", endpoint]
        if cacert is DEFAULT:
            cacert = self.ca
        if cacert is not None:
            argv += ["--cacert", cacert]
        return self.run(argv + list(args), **kw)

    # ---- server observations
    def snap(self, server=None):
        return (server or self.mock).snapshot()

    def new_requests(self, snap, server=None):
        server = server or self.mock
        return list(server.requests[snap[1]:])

    def saw_nothing(self, snap, server=None):
        time.sleep(0.1)  # let a connection the client may have made be counted
        now = (server or self.mock).snapshot()
        if now != snap:
            raise CaseFail("the server saw %d connection(s) and %d request(s); expected nothing"
                           % (now[0] - snap[0], now[1] - snap[1]))

    def no_request(self, snap, server=None):
        reqs = self.new_requests(snap, server)
        if reqs:
            raise CaseFail("the server received %d request(s) (%s); expected none"
                           % (len(reqs), ", ".join(str(r["raw_path"]) for r in reqs)))

    def valid_requests(self, snap, n=None, server=None):
        reqs = self.new_requests(snap, server)
        if n is not None and len(reqs) != n:
            raise CaseFail("the server saw %d request(s), expected %d: %s"
                           % (len(reqs), n, [r["raw_path"] for r in reqs]))
        for r in reqs:
            if r["problem"]:
                raise CaseFail("the mock rejected request %s: %s" % (r["raw_path"], r["problem"]))
        return reqs


# --------------------------------------------------------------------------- checks
def expect(condition, message):
    if not condition:
        raise CaseFail(message)


def expect_rc(r, want):
    if r.rc != want:
        raise CaseFail("exit status %s, expected %s" % (r.rc, want))


def expect_in(needle, hay, what):
    if needle not in hay:
        raise CaseFail("%s does not contain %r" % (what, needle))


def expect_not_in(needle, hay, what):
    if needle in hay:
        raise CaseFail("%s contains %r" % (what, needle))


def expect_eq(got, want, what):
    if got != want:
        raise CaseFail("%s is %r, expected %r" % (what, got, want))


def stderr_line_with(r, *needles):
    for line in r.serr.splitlines():
        if all(n in line for n in needles):
            return line
    raise CaseFail("no stderr line contains all of %r" % (needles,))


def json_lines(r, n):
    lines = r.out.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    else:
        raise CaseFail("stdout does not end with a newline")
    if len(lines) != n:
        raise CaseFail("stdout has %d line(s), expected %d JSON object(s)" % (len(lines), n))
    objs = []
    for i, line in enumerate(lines):
        try:
            o = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise CaseFail("stdout line %d is not JSON: %s" % (i + 1, e))
        if not isinstance(o, dict):
            raise CaseFail("stdout line %d is not a JSON object" % (i + 1))
        objs.append(o)
    return objs


def check_forbidden_json(o, task_id, request_id, full=True):
    expect_eq(o.get("task_id"), task_id, "task_id")
    expect_eq(o.get("ok"), False, "ok")
    expect_eq(o.get("http_status"), 403, "http_status")
    if request_id is not None:
        expect_eq(o.get("request_id"), request_id, "request_id")
    expect_eq(o.get("error_code"), "SMS.9004", "error_code")
    expect_eq(o.get("error_msg"), FORBIDDEN_MSG, "error_msg")
    if not full:
        return
    expect_eq(o.get("encoded_authorization_message"), "Encoded-ABC123", "encoded_authorization_message")
    expect_eq(o.get("error_param"), ["task_id", "sms:server:unlock"], "error_param")
    expect_eq(o.get("details"), [{"error_code": "SMS.9004", "error_msg": "denied by policy"},
                                 {"error_code": "IAM.0001", "error_msg": FORBIDDEN_DECODED_DETAIL}],
              "details")


# --------------------------------------------------------------------------- cases
CASES = []


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


# ---- success paths -----------------------------------------------------------
@case("ok-single")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-1\n", "stdout")
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["raw_path"], "/v3/tasks/ok-1/unlock", "raw path")
    hdrs = {k.lower(): v for k, v in req["headers"]}
    expect_eq(hdrs.get("host"), "localhost:%d" % c.mock.port, "Host header")
    expect_eq(req["token"], c.token, "X-Auth-Token seen by the server")


@case("user-agent-after-hcsms-own")
def _(c):
    s = c.snap()
    r = c.unlock("ok-ua", "--user-agent", "acme-agent/3.1 (appliance)")
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    hdrs = {k.lower(): v for k, v in req["headers"]}
    version = c.run(["--version"], token=None).out.split()[1].decode()  # "hcsms X.Y.Z (...)"
    expect_eq(hdrs.get("user-agent"), "hcsms/%s acme-agent/3.1 (appliance)" % version,
              "User-Agent header")
    s = c.snap()
    r = c.unlock("ok-ua-2", "--user-agent", "acme\r\nX-Injected: 1")
    expect_rc(r, 2)
    expect_in(b"--user-agent", r.err, "stderr names the option")
    c.saw_nothing(s)


@case("env-endpoint-cacert")
def _(c):
    s = c.snap()
    r = c.unlock("ok-env", endpoint=None, cacert=None,
                 extra_env={"HCSMS_ENDPOINT": c.mock.url, "HCSMS_CACERT": c.ca})
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-env\n", "stdout")
    c.valid_requests(s, 1)


@case("ok-three-one-connection")
def _(c):
    s = c.snap()
    r = c.unlock("ok-a", "ok-b", "ok-c")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-a\nunlocked ok-b\nunlocked ok-c\n", "stdout")
    reqs = c.valid_requests(s, 3)
    expect_eq([q["task_id"] for q in reqs], ["ok-a", "ok-b", "ok-c"], "order of requests")
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")
    expect_eq(len({q["conn"] for q in reqs}), 1, "number of connections used")


@case("ok-twenty-keepalive")
def _(c):
    ids = ["ok-k%02d" % i for i in range(20)]
    s = c.snap()
    r = c.unlock(*ids)
    expect_rc(r, 0)
    expect_eq(r.out, "".join("unlocked %s\n" % i for i in ids).encode(), "stdout")
    c.valid_requests(s, 20)
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")


@case("json-success")
def _(c):
    s = c.snap()
    r = c.unlock("--json", "ok-j")
    expect_rc(r, 0)
    (o,) = json_lines(r, 1)
    (req,) = c.valid_requests(s, 1)
    expect_eq(o.get("task_id"), "ok-j", "task_id")
    expect_eq(o.get("ok"), True, "ok")
    expect_eq(o.get("http_status"), 200, "http_status")
    expect_eq(o.get("request_id"), req["request_id"], "request_id")
    if not r.out.startswith(b'{"task_id":"ok-j","ok":true,"http_status":200'):
        raise CaseFail("JSON line does not start with {\"task_id\":\"ok-j\",\"ok\":true,\"http_status\":200")


@case("json-multi")
def _(c):
    s = c.snap()
    r = c.unlock("--json", "ok-j1", "forbidden-j2", "notfound-j3")
    expect_rc(r, 1)
    o1, o2, o3 = json_lines(r, 3)
    reqs = c.valid_requests(s, 3)
    expect_eq(o1.get("ok"), True, "first ok")
    expect_eq(o1.get("task_id"), "ok-j1", "first task_id")
    check_forbidden_json(o2, "forbidden-j2", reqs[1]["request_id"])
    expect_eq(o3.get("http_status"), 404, "third http_status")
    expect_eq(o3.get("error_code"), "APIGW.0101", "third error_code")


@case("chunked")
def _(c):
    s = c.snap()
    r = c.unlock("chunked-1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked chunked-1\n", "stdout")
    c.valid_requests(s, 1)


@case("chunked-then-ok-one-connection")
def _(c):
    s = c.snap()
    r = c.unlock("chunked-1", "ok-2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked chunked-1\nunlocked ok-2\n", "stdout")
    c.valid_requests(s, 2)
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")


@case("close-delimited")
def _(c):
    s = c.snap()
    r = c.unlock("close-1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked close-1\n", "stdout")
    c.valid_requests(s, 1)


@case("close-then-ok-two-connections")
def _(c):
    s = c.snap()
    r = c.unlock("close-1", "ok-2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked close-1\nunlocked ok-2\n", "stdout")
    reqs = c.valid_requests(s, 2)
    expect_eq(c.mock.connections - s[0], 2, "number of new connections")
    if reqs[0]["conn"] == reqs[1]["conn"]:
        raise CaseFail("both requests on one connection")


@case("close-three-reconnects")
def _(c):
    s = c.snap()
    r = c.unlock("close-1", "close-2", "close-3")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked close-1\nunlocked close-2\nunlocked close-3\n", "stdout")
    c.valid_requests(s, 3)
    expect_eq(c.mock.connections - s[0], 3, "number of new connections")


@case("tls-session-resumed-on-reconnect")
def _(c):
    c.require("resume")
    # The server closes after each answer: the second and third connections
    # resume the first's TLS session (a TLS 1.2 session ticket or id with
    # mbedTLS 2.28, a TLS 1.3 ticket with 3.6) instead of a full handshake.
    s = c.snap()
    r = c.unlock("close-1", "close-2", "close-3")
    expect_rc(r, 0)
    reqs = c.valid_requests(s, 3)
    conns = [q["conn"] for q in reqs]
    expect(len(set(conns)) == 3, "expected three connections, saw %s" % conns)
    resumed = [c.mock.resumed.get(n) for n in conns]
    expect(resumed == [False, True, True],
           "TLS session reused per connection: %s, expected [False, True, True]" % resumed)


@case("tls-session-not-carried-to-a-new-process")
def _(c):
    # Nothing is stored between runs: a new process makes a full handshake.
    s = c.snap()
    expect_rc(c.unlock("ok-1"), 0)
    expect_rc(c.unlock("ok-2"), 0)
    reqs = c.valid_requests(s, 2)
    resumed = [c.mock.resumed.get(q["conn"]) for q in reqs]
    expect(resumed == [False, False], "TLS session reused across processes: %s" % resumed)


class VersionSwitchServer(e2e_session.TicketServer):
    """TLS on 127.0.0.1 whose i-th connection uses versions[i] (min, max), with
    session tickets (one context, so one ticket key, per version range);
    answers each request 200 with Connection: close. Records (version,
    session_reused) per connection. Stopped by stop()."""

    def __init__(self, c, versions):
        contexts, by_versions = [], {}
        for lo, hi in versions:
            if (lo, hi) not in by_versions:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(os.path.join(c.pki, "server.pem"),
                                    os.path.join(c.pki, "server.key"))
                ctx.minimum_version, ctx.maximum_version = lo, hi
                by_versions[(lo, hi)] = ctx
            contexts.append(by_versions[(lo, hi)])
        super().__init__(contexts)


@case("tls-resumption-survives-a-server-changing-tls-version")
def _(c):
    c.require("resume")
    # Resuming makes mbedTLS offer only the saved session's TLS version. When
    # the server behind the name changed version (a rolling upgrade, a mixed
    # pool), the resuming handshake fails and hcsms makes one full handshake
    # on a new connection. mbedTLS 2.28 speaks only TLS 1.2: there the
    # second connection simply resumes.
    v = c.run(["--version"], token=None)
    t12, t13 = ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3
    plans = [[(t12, t12), (t12, t12)]] if b"2.28." in v.out else \
        [[(t12, t12), (t13, t13)], [(t13, t13), (t12, t12)]]
    for plan in plans:
        srv = VersionSwitchServer(c, plan)
        try:
            r = c.run(["unlock", "-v", "--endpoint", "https://localhost:%d" % srv.port,
                       "--cacert", c.ca, "ok-a", "ok-b"])
        finally:
            srv.stop()
        expect_rc(r, 0)
        expect_eq(r.out, b"unlocked ok-a\nunlocked ok-b\n", "stdout")
        if plan[0] == plan[1]:
            expect(srv.seen == [("TLSv1.2", False), ("TLSv1.2", True)],
                   "connections (version, resumed): %s" % srv.seen)
        else:
            versions = [x[0] for x in srv.seen]
            expect(versions[-1] == ("TLSv1.3" if plan[1][0] == t13 else "TLSv1.2"),
                   "the last connection: %s" % srv.seen)
            if plan[0][0] == t12:
                # the saved TLS 1.2 session pinned the ClientHello to 1.2: refused, then full
                expect(versions == ["TLSv1.2", "failed", "TLSv1.3"],
                       "connections: %s" % srv.seen)
                expect_in(b"a full one on a new connection", r.err, "stderr (-v)")


@case("server-dropped-keepalive")
def _(c):
    # the answer looked keep-alive, but the server closed the connection right after it
    s = c.snap()
    r = c.unlock("dropafter-1", "ok-2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked dropafter-1\nunlocked ok-2\n", "stdout")
    reqs = c.valid_requests(s)
    expect_eq([q["task_id"] for q in reqs], ["dropafter-1", "ok-2"], "requests the server answered")


@case("reused-connection-dies-retried-once")
def _(c):
    # the server reads ok-2 on the kept-alive connection and closes without an
    # answer: the request is sent again, once, on a fresh connection
    s = c.snap()
    r = c.unlock("-v", "dropnext-1", "ok-2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked dropnext-1\nunlocked ok-2\n", "stdout")
    expect_eq([q["task_id"] for q in c.new_requests(s)], ["dropnext-1", "ok-2", "ok-2"],
              "requests the server saw")
    expect_eq(c.mock.connections - s[0], 2, "number of new connections")
    expect_in(b"retrying: on a new connection", r.err, "stderr")


@case("stale-bytes-never-answer-the-next-task")
def _(c):
    # a second, unasked-for answer follows the first in the same write; it
    # must not be taken as the answer to forbidden-2
    s = c.snap()
    r = c.unlock("--json", "extra-1", "forbidden-2")
    expect_rc(r, 1)
    lines = [json.loads(x) for x in r.out.splitlines()]
    expect_eq([(x["task_id"], x["ok"], x.get("http_status")) for x in lines],
              [("extra-1", True, 200), ("forbidden-2", False, 403)], "results")
    expect_eq(c.mock.connections - s[0], 2, "number of new connections")


@case("http10")
def _(c):
    s = c.snap()
    r = c.unlock("http10-1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked http10-1\n", "stdout")
    c.valid_requests(s, 1)


@case("http10-then-ok-two-connections")
def _(c):
    s = c.snap()
    r = c.unlock("http10-1", "ok-2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked http10-1\nunlocked ok-2\n", "stdout")
    c.valid_requests(s, 2)
    expect_eq(c.mock.connections - s[0], 2, "number of new connections")


@case("continue")
def _(c):
    s = c.snap()
    r = c.unlock("continue-1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked continue-1\n", "stdout")
    c.valid_requests(s, 1)


@case("continue-then-ok-one-connection")
def _(c):
    s = c.snap()
    r = c.unlock("continue-1", "ok-2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked continue-1\nunlocked ok-2\n", "stdout")
    c.valid_requests(s, 2)
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")


@case("nocontent-204-then-ok")
def _(c):
    s = c.snap()
    r = c.unlock("nocontent-1", "ok-2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked nocontent-1\nunlocked ok-2\n", "stdout")
    c.valid_requests(s, 2)
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")


# ---- service errors ----------------------------------------------------------------
@case("forbidden-human")
def _(c):
    s = c.snap()
    r = c.unlock("forbidden-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    expect_not_in(b"unlocked", r.out, "stdout")
    stderr_line_with(r, "forbidden-1", "403", "SMS.9004", FORBIDDEN_MSG, req["request_id"])


@case("forbidden-json")
def _(c):
    s = c.snap()
    r = c.unlock("--json", "forbidden-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    (o,) = json_lines(r, 1)
    check_forbidden_json(o, "forbidden-1", req["request_id"])


@case("bigerror-65535-json")
def _(c):
    s = c.snap()
    r = c.unlock("--json", "bigerror-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    (o,) = json_lines(r, 1)
    expect_eq(o.get("http_status"), 403, "http_status")
    expect_eq(o.get("error_code"), "SMS.9004", "error_code")
    expect_eq(o.get("request_id"), req["request_id"], "request_id")
    eam = o.get("encoded_authorization_message")
    if eam == "E" * BIGERROR_LEN:
        return
    # A client with fixed buffers may keep only part of a big error body, but then it
    # must say so ("truncated": true) and what it does report must be right.
    if o.get("truncated") is not True:
        raise CaseFail("encoded_authorization_message has %s bytes (expected %d) and no \"truncated\":true"
                       % (len(eam) if isinstance(eam, str) else eam, BIGERROR_LEN))
    if eam is not None and (not isinstance(eam, str) or eam.strip("E") != ""):
        raise CaseFail("encoded_authorization_message is not a prefix of the server's: %r" % eam[:40])


@case("notfound")
def _(c):
    s = c.snap()
    r = c.unlock("notfound-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    stderr_line_with(r, "notfound-1", "404", "APIGW.0101", req["request_id"])


@case("throttled")
def _(c):
    s = c.snap()
    r = c.unlock("throttled-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    stderr_line_with(r, "throttled-1", "429", "APIGW.0308", req["request_id"])


@case("html-502-json")
def _(c):
    s = c.snap()
    r = c.unlock("--json", "html-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    (o,) = json_lines(r, 1)
    expect_eq(o.get("task_id"), "html-1", "task_id")
    expect_eq(o.get("ok"), False, "ok")
    expect_eq(o.get("http_status"), 502, "http_status")
    expect_eq(o.get("request_id"), req["request_id"], "request_id")


@case("html-502-human")
def _(c):
    s = c.snap()
    r = c.unlock("html-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    stderr_line_with(r, "html-1", "502", req["request_id"])


@case("empty-500")
def _(c):
    s = c.snap()
    r = c.unlock("empty-1")
    expect_rc(r, 1)
    (req,) = c.valid_requests(s, 1)
    stderr_line_with(r, "empty-1", "500", req["request_id"])


@case("wrong-token-401")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", token="not-the-right-token")
    expect_rc(r, 1)
    (req,) = c.new_requests(s)
    stderr_line_with(r, "ok-1", "401", "APIGW.0307", req["request_id"])


@case("ok-forbidden-mixed")
def _(c):
    s = c.snap()
    r = c.unlock("ok-m1", "forbidden-m2")
    expect_rc(r, 1)
    expect_eq(r.out, b"unlocked ok-m1\n", "stdout")
    reqs = c.valid_requests(s, 2)
    stderr_line_with(r, "forbidden-m2", "403", "SMS.9004", reqs[1]["request_id"])
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")


@case("forbidden-then-ok")
def _(c):
    s = c.snap()
    r = c.unlock("forbidden-f1", "ok-f2")
    expect_rc(r, 1)
    expect_eq(r.out, b"unlocked ok-f2\n", "stdout")
    c.valid_requests(s, 2)


# ---- network / protocol failures ---------------------------------------------------
@case("ok-garbage")
def _(c):
    s = c.snap()
    r = c.unlock("ok-g1", "garbage-g2")
    expect_rc(r, 3)
    expect_in(b"unlocked ok-g1\n", r.out, "stdout")
    expect_not_in(b"unlocked garbage", r.out, "stdout")
    c.valid_requests(s, 2)


@case("garbage")
def _(c):
    r = c.unlock("garbage-1")
    expect_rc(r, 3)
    expect_not_in(b"unlocked", r.out, "stdout")
    expect_in("garbage-1", r.serr, "stderr")


@case("garbage-json")
def _(c):
    r = c.unlock("--json", "garbage-1")
    expect_rc(r, 3)
    (o,) = json_lines(r, 1)
    expect_eq(o.get("task_id"), "garbage-1", "task_id")
    expect_eq(o.get("ok"), False, "ok")
    if "http_status" in o:
        raise CaseFail("http_status present (%r) although there was no HTTP answer" % o["http_status"])
    if not isinstance(o.get("error"), str) or not o["error"]:
        raise CaseFail("no 'error' text: %r" % o)


@case("truncated")
def _(c):
    r = c.unlock("truncated-1")
    expect_rc(r, 3)
    expect_not_in(b"unlocked", r.out, "stdout")


@case("slow-timeout")
def _(c):
    t0 = time.monotonic()
    r = c.unlock("--timeout", "1500", "slow-1", timeout=30)
    wall = time.monotonic() - t0
    expect_rc(r, 3)
    bound = 6.0 if not c.wrapper else 12.0
    if wall >= bound:
        raise CaseFail("took %.1fs, expected < %.0fs" % (wall, bound))
    expect_not_in(b"unlocked", r.out, "stdout")


@case("drip-timeout")
def _(c):
    t0 = time.monotonic()
    r = c.unlock("--timeout", "2500", "drip-1", timeout=30)
    wall = time.monotonic() - t0
    expect_rc(r, 3)
    bound = 7.0 if not c.wrapper else 14.0
    if wall >= bound:
        raise CaseFail("took %.1fs, expected < %.0fs" % (wall, bound))


@case("connect-timeout")
def _(c):
    if not c.backlog_fill:
        raise CaseFail("could not fill a listen backlog on this system")
    t0 = time.monotonic()
    r = c.unlock("--connect-timeout", "1000", "ok-1",
                 endpoint="https://localhost:%d" % c.backlog_sock.getsockname()[1], timeout=30)
    wall = time.monotonic() - t0
    expect_rc(r, 3)
    bound = 5.0 if not c.wrapper else 10.0
    if wall >= bound:
        raise CaseFail("took %.1fs, expected < %.0fs" % (wall, bound))


@case("connection-refused")
def _(c):
    r = c.unlock("ok-1", endpoint="https://localhost:%d" % c.closed_port)
    expect_rc(r, 3)
    expect_not_in(b"unlocked", r.out, "stdout")


@case("wrong-ca")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", cacert=os.path.join(c.pki, "other-ca.pem"))
    expect_rc(r, 3)
    c.no_request(s)


@case("hostname-mismatch")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", endpoint="https://127.0.0.1:%d" % c.mock.port)
    expect_rc(r, 3)
    c.no_request(s)


@case("expired-cert")
def _(c):
    s = c.snap(c.mock_expired)
    r = c.unlock("ok-1", endpoint=c.mock_expired.url)
    expect_rc(r, 3)
    c.no_request(s, c.mock_expired)
    expect_not_in(b"unlocked", r.out, "stdout")


@case("ipv6-literal-endpoint")
def _(c):
    # https://[::1]:PORT: connect over IPv6, Host "[::1]:PORT", no SNI, and
    # the certificate's IP address ::1 checked (by hcsms's own check of the
    # IP SANs, on mbedTLS 2.28 as on 3.x).
    endpoint = "https://[::1]:%d" % c.mock6.port
    s = c.snap(c.mock6)
    r = c.unlock("ok-v6", endpoint=endpoint)
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-v6\n", "stdout")
    (req,) = c.valid_requests(s, 1, server=c.mock6)
    expect_eq(dict(req["headers"]).get("Host"), "[::1]:%d" % c.mock6.port, "Host header")


# A host name with both an IPv6 and an IPv4 address, ::1 first, as a resolver
# gives it: /etc/hosts replaced for one run inside a private mount namespace
# (unshare -rm: util-linux, no root needed), so nothing of the machine changes.
DUAL_NAME = "dual.hcsms.test"


def _dual_stack_prefix(c):
    hosts = c.write("::1 %s\n127.0.0.1 %s\n" % (DUAL_NAME, DUAL_NAME), "hosts-dual")
    return ["unshare", "-rm", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', hosts]


@case("ipv6-dual-stack-name")
def _(c):
    prefix = _dual_stack_prefix(c)
    refused = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if refused.returncode != 0:
        raise CaseSkip("needs user + mount namespaces (unshare -rm), refused here: %s"
                       % refused.stderr.decode("utf-8", "replace").strip()[-200:])
    probe = subprocess.run(prefix + ["getent", "ahostsv6", DUAL_NAME], capture_output=True)
    if probe.returncode != 0 or b"::1" not in probe.stdout:
        raise CaseFail("cannot give %s a private /etc/hosts (unshare -rm): %r"
                       % (DUAL_NAME, probe.stderr[-200:]))
    # The server listens on ::1 only: the first address (IPv6) is the one used.
    s = c.snap(c.mock6)
    r = c.run(["unlock", "-v", "--endpoint", "https://%s:%d" % (DUAL_NAME, c.mock6.port),
               "--cacert", c.ca, "ok-dual6"], prefix=prefix)
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-dual6\n", "stdout")
    expect_in(b"connected to [::1]:", r.err, "stderr (-v)")
    (req,) = c.valid_requests(s, 1, server=c.mock6)
    expect_eq(dict(req["headers"]).get("Host"), "%s:%d" % (DUAL_NAME, c.mock6.port), "Host header")
    # The server listens on 127.0.0.1 only: ::1 is refused, IPv4 answers.
    s = c.snap()
    r = c.run(["unlock", "-v", "--endpoint", "https://%s:%d" % (DUAL_NAME, c.mock.port),
               "--cacert", c.ca, "ok-dual4"], prefix=prefix)
    expect_rc(r, 0)
    expect_in(b"connected to 127.0.0.1:", r.err, "stderr (-v)")
    c.valid_requests(s, 1)


@case("plain-http-server")
def _(c):
    n = c.plain.connections
    r = c.unlock("ok-1", endpoint="https://localhost:%d" % c.plain.port)
    expect_rc(r, 3)
    expect_not_in(b"unlocked", r.out, "stdout")
    if c.plain.connections == n:
        raise CaseFail("hcsms never connected to the plain HTTP server")


# ---- usage / invalid input: nothing may be sent ------------------------------------
@case("http-endpoint-refused")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", endpoint="http://localhost:%d" % c.mock.port)
    expect_rc(r, 2)
    c.saw_nothing(s)


def _invalid_id_case(name, bad):
    @case(name)
    def _(c):
        s = c.snap()
        r = c.unlock(bad)
        expect_rc(r, 2)
        c.saw_nothing(s)
        expect_eq(r.out, b"", "stdout")


_invalid_id_case("invalid-id-empty", "")
_invalid_id_case("invalid-id-dotdot", "..")
_invalid_id_case("invalid-id-dot", ".")
_invalid_id_case("invalid-id-65-bytes", "a" * 65)
# Task ids are SMS's shape, A-Z a-z 0-9 _ - (HCSMS_CONFIG_STRICT_TASK_ID):
# nothing a gateway could decode into a path, nothing that drives a terminal.
_invalid_id_case("invalid-id-slash", "a/b")
_invalid_id_case("invalid-id-percent-2f", "a%2Fb")
_invalid_id_case("invalid-id-space", "a b")
_invalid_id_case("invalid-id-dot-inside", "ok.1")
_invalid_id_case("invalid-id-utf8", "ok-\u00e9")
_invalid_id_case("invalid-id-bidi-override", "ok-\u202eabc")
_invalid_id_case("invalid-id-ctrl-01", "ok\x01x")
_invalid_id_case("invalid-id-newline", "ok\nx")
_invalid_id_case("invalid-id-del-7f", "ok\x7fx")


@case("valid-id-64-bytes")
def _(c):
    tid = "ok" + "a" * 62
    s = c.snap()
    r = c.unlock(tid)
    expect_rc(r, 0)
    expect_eq(r.out, ("unlocked %s\n" % tid).encode(), "stdout")
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["task_id"], tid, "task id seen by the server")


@case("mixed-valid-invalid-id")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", "..", "ok-3")
    expect_rc(r, 2)
    c.saw_nothing(s)
    expect_eq(r.out, b"", "stdout")


@case("no-token")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", token=None)
    expect_rc(r, 2)
    c.saw_nothing(s)


def _bad_token_file_case(name, content):
    @case(name)
    def _(c):
        s = c.snap()
        r = c.unlock("--token-file", c.write(content), "ok-1", token=None)
        expect_rc(r, 2)
        c.saw_nothing(s)


_bad_token_file_case("token-file-empty", b"")
_bad_token_file_case("token-file-only-newline", b"\n")
_bad_token_file_case("token-file-with-cr", b"abcdefgh\rijkl")
_bad_token_file_case("token-file-with-space", b"abcdefgh ijkl")
_bad_token_file_case("token-file-trailing-cr", b"abcdefghijkl\r")
_bad_token_file_case("token-file-two-newlines", b"abcdefghijkl\n\n")
_bad_token_file_case("token-file-16385-bytes", b"t" * 16385)


@case("token-env-non-ascii")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", token="abc\u00e9def")
    expect_rc(r, 2)
    c.saw_nothing(s)


@case("token-env-16385-bytes")
def _(c):
    s = c.snap()
    r = c.unlock("ok-1", token="T" * 16385)
    expect_rc(r, 2)
    c.saw_nothing(s)


@case("token-file-missing")
def _(c):
    s = c.snap()
    r = c.unlock("--token-file", os.path.join(c.tmp, "does-not-exist"), "ok-1", token=None)
    expect_rc(r, 2)
    c.saw_nothing(s)


def _with_token(c, token, fn):
    """Run fn() while the mock expects ``token``."""
    old = c.mock.token
    c.mock.token = token
    try:
        return fn()
    finally:
        c.mock.token = old


@case("token-16384-bytes")
def _(c):
    tok = "".join(chr(0x21 + (i % 94)) for i in range(16384))
    path = c.write(tok)
    s = c.snap()
    r = _with_token(c, tok, lambda: c.unlock("--token-file", path, "ok-big", token=None))
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    if req["token"] != tok:
        raise CaseFail("server saw a %s-byte token that differs from the 16384-byte one"
                       % (len(req["token"]) if req["token"] else None))


@case("batch-from-file")
def _(c):
    # ids from arguments first, then the file; blank, whitespace-only and #
    # lines skipped; CRLF endings; one connection; a summary line
    f = c.write(b"# tasks to unlock\r\nok-f2\r\n\r\n   \nforbidden-f3\n#ok-never\nok-f4")
    s = c.snap()
    r = c.unlock("ok-f1", "--from", f)
    expect_rc(r, 1)
    expect_eq(r.out, b"unlocked ok-f1\nunlocked ok-f2\nunlocked ok-f4\n", "stdout")
    expect_eq([q["task_id"] for q in c.new_requests(s)], ["ok-f1", "ok-f2", "forbidden-f3", "ok-f4"],
              "requests the server saw")
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")
    expect_eq(r.serr.splitlines()[-1], "3 unlocked, 1 failed", "the last stderr line")


@case("batch-from-stdin")
def _(c):
    s = c.snap()
    r = c.unlock("--json", "--from", "-", stdin_data=b"ok-s1\nok-s2\n")
    expect_rc(r, 0)
    expect_eq([json.loads(x)["task_id"] for x in r.out.splitlines()], ["ok-s1", "ok-s2"], "results")
    expect_eq(r.serr.splitlines()[-1], "2 unlocked, 0 failed", "the last stderr line")
    c.valid_requests(s, 2)


@case("batch-from-file-invalid-line-sends-nothing")
def _(c):
    f = c.write("ok-i1\nok-i2\n..\nok-i4\n")
    s = c.snap()
    r = c.unlock("--from", f)
    expect_rc(r, 2)
    expect_in("line 3", r.serr, "stderr")
    c.valid_requests(s, 0)
    expect_eq(c.mock.connections - s[0], 0, "connections")


@case("batch-from-missing-file-and-empty-file")
def _(c):
    s = c.snap()
    r = c.unlock("--from", os.path.join(c.tmp, "does-not-exist"))
    expect_rc(r, 2)
    r = c.unlock("--from", c.write("# nothing\n\n"))
    expect_rc(r, 2)
    expect_in("no task id", r.serr, "stderr")
    c.valid_requests(s, 0)


@case("batch-highest-exit-status-and-summary")
def _(c):
    r = c.unlock("ok-h1", "garbage-h2", "forbidden-h3")
    expect_rc(r, 3)
    expect_eq(r.serr.splitlines()[-1], "1 unlocked, 2 failed", "the last stderr line")
    r = c.unlock("ok-h4")
    expect_rc(r, 0)
    expect_eq(r.err, b"", "stderr of a single task (no summary)")


@case("batch-both-stdin-refused")
def _(c):
    s = c.snap()
    r = c.unlock("--token-file", "-", "--from", "-", token=None, stdin_data=b"x\n")
    expect_rc(r, 2)
    c.valid_requests(s, 0)


@case("retries-honour-retry-after")
def _(c):
    s = c.snap()
    r = c.unlock("-v", "--retries", "2", "throttleonce-r1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked throttleonce-r1\n", "stdout")
    expect_eq([q["task_id"] for q in c.new_requests(s)], ["throttleonce-r1", "throttleonce-r1"],
              "requests the server saw")
    expect(r.elapsed >= 0.95, "did not wait Retry-After (1 s): %.2fs" % r.elapsed)
    expect_in("waiting 1000 ms", r.serr, "stderr")


@case("retries-not-past-the-deadline")
def _(c):
    # throttled answers Retry-After: 1 every time; 3 retries (3 s of waits)
    # cannot all fit the deadline. 1.5 s leaves room for exactly one wait;
    # under a wrapper (valgrind, qemu) the handshake's own time varies, so
    # 2.5 s and one or two waits.
    t = 2500 if c.wrapper else 1500
    s = c.snap()
    r = c.unlock("--retries", "3", "--timeout", str(t), "throttled-r2")
    expect_rc(r, 1)
    # The process's own start and exit are outside its deadline: under
    # valgrind (mbedTLS 3.6's PSA set-up, the leak check at exit) they take
    # over a second on a busy machine. Ignoring the deadline would still take
    # 3 s of waits plus four handshakes.
    slack = 2.0 if c.wrapper else 1.0
    expect(r.elapsed < t / 1000.0 + slack, "took %.2fs, past the deadline" % r.elapsed)
    attempts = len(c.new_requests(s))
    if c.wrapper:
        expect(2 <= attempts <= 3, "attempts within the deadline: %d, expected 2 or 3" % attempts)
    else:
        expect_eq(attempts, 2, "attempts within the deadline")


@case("retries-off-by-default-and-bad-value")
def _(c):
    s = c.snap()
    r = c.unlock("throttleonce-r3")
    expect_rc(r, 1)
    expect_eq(len(c.new_requests(s)), 1, "attempts")
    r = c.unlock("--retries", "x", "ok-r4")
    expect_rc(r, 2)


@case("token-file-stdin")
def _(c):
    s = c.snap()
    r = c.unlock("--token-file", "-", "ok-stdin", token=None,
                 stdin_data=(c.token + "\n").encode())
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-stdin\n", "stdout")
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["token"], c.token, "token seen by the server")


@case("token-file-trailing-newline")
def _(c):
    s = c.snap()
    r = c.unlock("--token-file", c.write(c.token + "\n"), "ok-tf", token=None)
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["token"], c.token, "token seen by the server")


@case("token-file-no-newline")
def _(c):
    s = c.snap()
    r = c.unlock("--token-file", c.write(c.token), "ok-tf2", token=None)
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["token"], c.token, "token seen by the server")


@case("token-file-crlf-ending")
def _(c):
    # CRLF counts as the one trailing newline (a token file saved on Windows)
    s = c.snap()
    r = c.unlock("--token-file", c.write(c.token + "\r\n"), "ok-crlf", token=None)
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["token"], c.token, "token seen by the server")


@case("special-task-id-refused")
def _(c):
    tid = "a b/c?d#e%f"
    s = c.snap()
    r = c.unlock(tid)
    expect_rc(r, 2)
    c.saw_nothing(s)
    expect_in("invalid task id", r.serr, "stderr")
    expect_in("A-Z a-z 0-9 _ -", r.serr, "stderr")


@case("every-allowed-id-byte")
def _(c):
    t1, t2 = "okAZaz09-_", "ok-" + "".join(map(chr, range(ord("a"), ord("z") + 1)))
    s = c.snap()
    r = c.unlock(t1, t2)
    expect_rc(r, 0)
    reqs = c.valid_requests(s, 2)
    expect_eq(reqs[0]["raw_path"], "/v3/tasks/okAZaz09-_/unlock", "raw path 1")
    expect_eq(reqs[1]["raw_path"], "/v3/tasks/%s/unlock" % t2, "raw path 2")


@case("verbose")
def _(c):
    s = c.snap()
    r = c.unlock("-v", "ok-v")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-v\n", "stdout")
    expect_in("POST /v3/tasks/ok-v/unlock HTTP/1.1", r.serr, "stderr")
    c.valid_requests(s, 1)
    # the token leak check is done for every run (see Ctx.run)


@case("verbose-forbidden-token-file")
def _(c):
    r = c.unlock("--verbose", "--token-file", c.write(c.token + "\n"), "forbidden-v", token=None)
    expect_rc(r, 1)
    expect_in("POST /v3/tasks/forbidden-v/unlock HTTP/1.1", r.serr, "stderr")
    expect_in("403", r.serr, "stderr")


# ---- command line ------------------------------------------------------------------
@case("version")
def _(c):
    r = c.run(["--version"])
    expect_rc(r, 0)
    text = (r.sout + r.serr).lower()
    if "mbed tls" not in text and "mbedtls" not in text:
        raise CaseFail("--version does not mention mbed TLS")
    # The second line names the optional parts built in, from a known set: all
    # of them unless HCSMS_E2E_FEATURES says the build under test has fewer.
    lines = r.sout.splitlines()
    if len(lines) != 2 or lines[1].split()[:1] != ["features:"]:
        raise CaseFail("--version has no 'features:' second line: %r" % r.sout)
    if lines[1].split()[1:] != c.features:
        raise CaseFail("--version says %r; expected 'features: %s'" % (lines[1], " ".join(c.features)))


@case("help")
def _(c):
    for opt in ("--help", "-h"):
        r = c.run([opt])
        expect_rc(r, 0)
        expect_in("unlock", r.sout + r.serr, "%s output" % opt)


@case("unlock-help")
def _(c):
    r = c.run(["unlock", "--help"])
    expect_rc(r, 0)
    expect_in("--token-file", r.sout + r.serr, "output")


@case("unknown-option")
def _(c):
    s = c.snap()
    r = c.unlock("--bogus-option", "ok-1")
    expect_rc(r, 2)
    c.saw_nothing(s)


@case("no-task-id")
def _(c):
    s = c.snap()
    r = c.unlock()
    expect_rc(r, 2)
    c.saw_nothing(s)


@case("no-command")
def _(c):
    r = c.run([])
    expect_rc(r, 2)


@case("unknown-command")
def _(c):
    s = c.snap()
    r = c.run(["frobnicate", "ok-1"])
    expect_rc(r, 2)
    c.saw_nothing(s)


@case("bad-timeout-value")
def _(c):
    s = c.snap()
    for opt, val in (("--timeout", "abc"), ("--connect-timeout", "-5"), ("--timeout", "")):
        r = c.unlock(opt, val, "ok-1")
        if r.rc != 2:
            raise CaseFail("%s %r: exit status %s, expected 2" % (opt, val, r.rc))
    c.saw_nothing(s)


@case("option-missing-argument")
def _(c):
    r = c.run(["unlock", "ok-1", "--endpoint"])
    expect_rc(r, 2)


# ---- nginx ---------------------------------------------------------------------------
def _nginx(c, big=False):
    n = c.nginx_big if big else c.nginx
    if n is None:
        raise CaseFail("nginx is not running: %s" % c.nginx_error)
    return n


@case("nginx-ok")
def _(c):
    n = _nginx(c)
    r = c.unlock("ok-n1", endpoint=n.url)
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-n1\n", "stdout")


@case("nginx-forbidden")
def _(c):
    n = _nginx(c)
    r = c.unlock("forbidden-n2", endpoint=n.url)
    expect_rc(r, 1)
    rid = [l[5] for l in n.wait_access(1, "forbidden-n2") if "forbidden-n2" in l[3]]
    stderr_line_with(r, "forbidden-n2", "403", "SMS.9004", *(rid[-1:]))


@case("nginx-forbidden-json")
def _(c):
    n = _nginx(c)
    r = c.unlock("--json", "forbidden-n3", endpoint=n.url)
    expect_rc(r, 1)
    (o,) = json_lines(r, 1)
    rid = [l[5] for l in n.wait_access(1, "forbidden-n3") if "forbidden-n3" in l[3]]
    check_forbidden_json(o, "forbidden-n3", rid[-1] if rid else None)


@case("nginx-five-keepalive")
def _(c):
    n = _nginx(c)
    ids = ["ok-ka%d" % i for i in range(5)]
    before = len(n.access_lines())
    r = c.unlock(*ids, endpoint=n.url)
    expect_rc(r, 0)
    expect_eq(r.out, "".join("unlocked %s\n" % i for i in ids).encode(), "stdout")
    lines = n.wait_access(before + 5)[before:]
    expect_eq([l[3] for l in lines], ["/v3/tasks/%s/unlock" % i for i in ids], "requests in nginx's access log")
    conns = {l[0] for l in lines}
    if len(conns) != 1:
        raise CaseFail("nginx saw the 5 requests on %d connections" % len(conns))


@case("nginx-token-16384-bytes")
def _(c):
    n = _nginx(c, big=True)
    r = c.unlock("ok-nbig", endpoint=n.url, token=c.nginx_big_token)
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-nbig\n", "stdout")


@case("nginx-wrong-token")
def _(c):
    n = _nginx(c)
    r = c.unlock("ok-n4", endpoint=n.url, token="W" * 40)
    expect_rc(r, 1)
    stderr_line_with(r, "ok-n4", "401", "APIGW.0307")


# ---- nginx: the RSA chain, TLS 1.2 only, TLS 1.3 only --------------------------------
# More nginx servers, each started by the first case that needs it (see _nginx_variant):
# name -> (certificate file nginx sends, key, ssl_protocols, more ssl directives).
# The RSA chain (make_pki.sh): RSA-4096 root rsa-ca.pem, RSA-2048 intermediate, RSA-2048
# leaf; nginx sends leaf + intermediate (rsa-server-chain.pem), or the leaf alone.
PKCS1_ONLY = "ssl_conf_command SignatureAlgorithms RSA+SHA256:RSA+SHA384:RSA+SHA512"
NGINX_VARIANTS = {
    "rsa": ("rsa-server-chain.pem", "rsa-server.key", "TLSv1.2 TLSv1.3", ()),
    "rsa-leaf-only": ("rsa-server.pem", "rsa-server.key", "TLSv1.2 TLSv1.3", ()),
    # nginx's (OpenSSL's) own choice of signature: RSA-PSS whenever the client offers it
    "rsa-tls12": ("rsa-server-chain.pem", "rsa-server.key", "TLSv1.2", ()),
    # PKCS#1 v1.5 signatures only (as older servers and HSMs sign)
    "rsa-tls12-pkcs1": ("rsa-server-chain.pem", "rsa-server.key", "TLSv1.2", (PKCS1_ONLY,)),
    "rsa-tls13": ("rsa-server-chain.pem", "rsa-server.key", "TLSv1.3", ()),
    "ec-tls12": ("server.pem", "server.key", "TLSv1.2", ()),
    "ec-tls13": ("server.pem", "server.key", "TLSv1.3", ()),
}


def _nginx_variant(c, name):
    n = c.nginx_variants.get(name)
    if n is None:
        cert, key, protocols, extra = NGINX_VARIANTS[name]
        n = NginxServer(os.path.join(c.tmp, "nginx-" + name), os.path.join(c.pki, cert),
                        os.path.join(c.pki, key), c.token, protocols=protocols, ssl_extra=extra)
        try:
            n.start()
        except Exception as e:
            raise CaseFail("nginx (%s) did not start: %s" % (name, e))
        c.nginx_variants[name] = n
    return n


def mbedtls_version(c):
    """(major, minor) of the mbedTLS the tested hcsms was built with, from --version."""
    if c.mbedtls_version is None:
        r = c.run(["--version"], token=None)
        m = re.search(rb"mbed ?TLS (\d+)\.(\d+)", r.out + r.err, re.I)
        if r.rc != 0 or not m:
            raise CaseFail("hcsms --version names no mbedTLS version: %r" % (r.out + r.err)[:200])
        c.mbedtls_version = (int(m.group(1)), int(m.group(2)))
    return c.mbedtls_version


def has_tls13(c):
    """mbedTLS 3.x speaks TLS 1.3 (our builds enable it); 2.28 has none."""
    return mbedtls_version(c) >= (3, 0)


def rsa_ca(c):
    return os.path.join(c.pki, "rsa-ca.pem")


def tls_trace(r):
    """(version, ciphersuite) from hcsms -v's line "* TLS TLSv1.2 TLS-ECDHE-...": the
    first connection's."""
    m = re.search(r"\* TLS (TLSv1\.\d) (\S+)", r.serr)
    if not m:
        raise CaseFail("stderr (-v) has no \"* TLS <version> <ciphersuite>\" line")
    return m.group(1), m.group(2)


def nginx_tls(n, task_id):
    """(protocol, cipher) nginx logged for the request of task_id (its last one)."""
    lines = [l for l in n.wait_access(1, "/%s/" % task_id) if "/%s/" % task_id in l[3]]
    if not lines:
        raise CaseFail("nginx logged no request for %s" % task_id)
    expect_eq(lines[-1][4], 200, "status nginx logged for %s" % task_id)
    return lines[-1][6], lines[-1][7]


def nginx_saw_no(n, task_id):
    time.sleep(0.1)  # nginx logs a request just after answering it
    lines = [l for l in n.access_lines() if "/%s/" % task_id in l[3]]
    if lines:
        raise CaseFail("nginx received the request for %s: %s" % (task_id, lines))


# TLS SignatureScheme code points (RFC 8446 4.2.3) that TLS 1.2 uses too (RFC 8422, 8446)
SIGALG_NAMES = {0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1",
                0x0301: "rsa_pkcs1_sha224", 0x0303: "ecdsa_sha224",
                0x0401: "rsa_pkcs1_sha256", 0x0501: "rsa_pkcs1_sha384", 0x0601: "rsa_pkcs1_sha512",
                0x0403: "ecdsa_secp256r1_sha256", 0x0503: "ecdsa_secp384r1_sha384",
                0x0603: "ecdsa_secp521r1_sha512",
                0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384",
                0x0806: "rsa_pss_rsae_sha512", 0x0809: "rsa_pss_pss_sha256",
                0x080a: "rsa_pss_pss_sha384", 0x080b: "rsa_pss_pss_sha512",
                0x0807: "ed25519", 0x0808: "ed448"}
RSA_PSS = {0x0804, 0x0805, 0x0806}
RSA_PKCS1 = {0x0401, 0x0501, 0x0601}


def sigalg_name(code):
    return SIGALG_NAMES.get(code, "0x%04x" % code)


def _tls_handshake_messages(data):
    """The plaintext handshake messages at the start of one direction of a TLS
    connection, as (type, body): handshake records up to the first other record
    (ChangeCipherSpec or encrypted data)."""
    hs = b""
    i = 0
    while i + 5 <= len(data):
        rtype, rlen = data[i], int.from_bytes(data[i + 3:i + 5], "big")
        if rtype != 22 or i + 5 + rlen > len(data):
            break
        hs += data[i + 5:i + 5 + rlen]
        i += 5 + rlen
    msgs = []
    j = 0
    while j + 4 <= len(hs):
        mlen = int.from_bytes(hs[j + 1:j + 4], "big")
        if j + 4 + mlen > len(hs):
            break
        msgs.append((hs[j], hs[j + 4:j + 4 + mlen]))
        j += 4 + mlen
    return msgs


def _tls_extensions(body, at):
    """{type: data} of the extensions starting at body[at] (their 2-byte length)."""
    exts = {}
    if at + 2 > len(body):
        return exts
    end = at + 2 + int.from_bytes(body[at:at + 2], "big")
    k = at + 2
    while k + 4 <= end:
        etype, elen = int.from_bytes(body[k:k + 2], "big"), int.from_bytes(body[k + 2:k + 4], "big")
        exts[etype] = body[k + 4:k + 4 + elen]
        k += 4 + elen
    return exts


def tls_observe(client_bytes, server_bytes):
    """What the plaintext part of one TLS handshake shows: {"offered_sigalgs": [codes]
    (ClientHello), "version": "TLSv1.2"/"TLSv1.3" and "cipher": code (ServerHello),
    "certificates": count (TLS 1.2 Certificate), "ske_sigalg": code (the signature of
    a TLS 1.2 ECDHE ServerKeyExchange)}; keys missing for what was not seen."""
    out = {}
    for mtype, body in _tls_handshake_messages(client_bytes):
        if mtype == 1:  # ClientHello
            k = 2 + 32
            k += 1 + body[k]
            k += 2 + int.from_bytes(body[k:k + 2], "big")
            k += 1 + body[k]
            sig = _tls_extensions(body, k).get(13, b"")
            out["offered_sigalgs"] = [int.from_bytes(sig[2 + 2 * x:4 + 2 * x], "big")
                                      for x in range(int.from_bytes(sig[:2], "big") // 2)]
            break
    for mtype, body in _tls_handshake_messages(server_bytes):
        if mtype == 2:  # ServerHello
            k = 2 + 32
            k += 1 + body[k]
            out["cipher"] = int.from_bytes(body[k:k + 2], "big")
            sv = _tls_extensions(body, k + 3).get(43)
            version = int.from_bytes(sv, "big") if sv else int.from_bytes(body[:2], "big")
            out["version"] = {0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}.get(version, "0x%04x" % version)
        elif mtype == 11:  # Certificate (TLS 1.2: a list of 3-byte-length DER certificates)
            n, k = 0, 3
            while k + 3 <= len(body):
                k += 3 + int.from_bytes(body[k:k + 3], "big")
                n += 1
            out["certificates"] = n
        elif mtype == 12 and body[:1] == b"\x03":  # ServerKeyExchange, ECDHE, named curve
            k = 3
            k += 1 + body[k]
            out["ske_sigalg"] = int.from_bytes(body[k:k + 2], "big")
    return out


class TLSTap:
    """A TCP relay on 127.0.0.1 to 127.0.0.1:upstream_port that keeps the first bytes
    each way of each connection, so a case can read the plaintext part of the
    handshake (tls_observe): what nginx's log cannot say, e.g. how the TLS 1.2
    ServerKeyExchange was signed. Stopped by stop()."""
    KEEP = 65536

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.conns = []  # [client_bytes, server_bytes] per connection
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.open = []
        self.threads = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping:
            try:
                down, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                up = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
            except OSError:
                down.close()
                continue
            down.settimeout(None)
            up.settimeout(None)
            seen = [bytearray(), bytearray()]
            self.conns.append(seen)
            self.open += [down, up]
            for src, dst, keep in ((down, up, seen[0]), (up, down, seen[1])):
                t = threading.Thread(target=self._pump, args=(src, dst, keep), daemon=True)
                t.start()
                self.threads.append(t)

    def _pump(self, src, dst, keep):
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                if len(keep) < self.KEEP:
                    keep += data[:self.KEEP - len(keep)]
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def observe(self, index=0):
        if len(self.conns) <= index:
            raise CaseFail("the TLS tap saw %d connection(s)" % len(self.conns))
        return tls_observe(bytes(self.conns[index][0]), bytes(self.conns[index][1]))

    def stop(self):
        self.stopping = True
        self.sock.close()
        self.thread.join(5)
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)  # wakes a pump blocked in recv
            except OSError:
                pass
            s.close()
        for t in self.threads:
            t.join(5)


def _unlock_tls(c, variant, task_id, cacert=None, tap=False):
    """hcsms -v unlock task_id against nginx `variant` (through a TLSTap if tap);
    checks success and returns (result, (version, suite) from -v, (protocol, cipher)
    from nginx's log, tls_observe() or None)."""
    n = _nginx_variant(c, variant)
    t = TLSTap(n.port) if tap else None
    try:
        url = "https://localhost:%d" % t.port if t else n.url
        r = c.unlock("-v", task_id, endpoint=url, cacert=cacert or c.ca)
        seen = t.observe() if t else None
    finally:
        if t:
            t.stop()
    expect_rc(r, 0)
    expect_eq(r.out, ("unlocked %s\n" % task_id).encode(), "stdout")
    trace = tls_trace(r)
    logged = nginx_tls(n, task_id)
    return r, trace, logged, seen


def _expect_tls_version(version, trace, logged, seen=None):
    expect_eq(trace[0], version, "TLS version hcsms -v reports")
    expect_eq(logged[0], version, "TLS version nginx logged")
    if seen is not None:
        expect_eq(seen.get("version"), version, "TLS version of the ServerHello the tap saw")


def _server_refuses_tls12(c, variant):
    """The TLS 1.3-only server really is: Python's TLS 1.2 handshake with it fails."""
    n = _nginx_variant(c, variant)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        with socket.create_connection(("127.0.0.1", n.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                raise CaseFail("nginx (%s) accepted a TLS 1.2 handshake (%s)" % (variant, tls.version()))
    except ssl.SSLError:
        pass


def _no_tls13_build(c, variant, task_id, cacert=None):
    """On a build without TLS 1.3 (mbedTLS 2.28): hcsms must fail the handshake with a
    TLS 1.3-only server (exit 3, nothing sent); then the case is not applicable."""
    n = _nginx_variant(c, variant)
    r = c.unlock("-v", task_id, endpoint=n.url, cacert=cacert or c.ca)
    expect_rc(r, 3)
    expect_not_in(b"unlocked", r.out, "stdout")
    expect_in("TLS handshake", r.serr, "stderr")
    nginx_saw_no(n, task_id)
    raise NotApplicable("mbed TLS %d.%d has no TLS 1.3 (checked: a TLS 1.3-only server is "
                        "refused, exit 3)" % mbedtls_version(c))


def _pem_count(path):
    with open(path) as f:
        return f.read().count("-----BEGIN CERTIFICATE-----")


@case("nginx-rsa-chain-root-only-ca-file")
def _(c):
    # The usual API gateway: an RSA-2048 leaf and the intermediate sent by the server,
    # only the (RSA-4096) root in --cacert.
    expect_eq(_pem_count(rsa_ca(c)), 1, "certificates in rsa-ca.pem")
    expect_eq(_pem_count(os.path.join(c.pki, "rsa-server-chain.pem")), 2,
              "certificates in rsa-server-chain.pem")
    _r, trace, logged, _s = _unlock_tls(c, "rsa", "ok-rsa1", cacert=rsa_ca(c))
    _expect_tls_version("TLSv1.3" if has_tls13(c) else "TLSv1.2", trace, logged)
    if trace[0] == "TLSv1.2":
        expect_in("ECDHE-RSA", trace[1], "ciphersuite hcsms -v reports")


@case("nginx-rsa-chain-wrong-root")
def _(c):
    # the EC root (and an unrelated one) did not sign the RSA chain
    n = _nginx_variant(c, "rsa")
    for ca in ("ca.pem", "other-ca.pem"):
        r = c.unlock("ok-rsa2", endpoint=n.url, cacert=os.path.join(c.pki, ca))
        expect_rc(r, 3)
        expect_in("certificate", r.serr, "stderr (--cacert %s)" % ca)
    expect_not_in(b"unlocked", r.out, "stdout")
    nginx_saw_no(n, "ok-rsa2")


@case("nginx-rsa-leaf-without-intermediate")
def _(c):
    # A misconfigured server sends its leaf without the intermediate: with only the
    # root trusted, no chain can be built (mbedTLS does not fetch intermediates).
    n = _nginx_variant(c, "rsa-leaf-only")
    r = c.unlock("-v", "ok-rsa3", endpoint=n.url, cacert=rsa_ca(c))
    expect_rc(r, 3)
    expect_not_in(b"unlocked", r.out, "stdout")
    line = stderr_line_with(r, "ok-rsa3", "certificate")
    expect_in("-0x2700", line, "the error line")  # MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
    nginx_saw_no(n, "ok-rsa3")
    # the intermediate was all that was missing: trusted locally, the same server passes
    with open(rsa_ca(c)) as f1, open(os.path.join(c.pki, "rsa-intermediate.pem")) as f2:
        bundle = c.write(f1.read() + f2.read(), "rsa-root-and-intermediate.pem", 0o644)
    r = c.unlock("ok-rsa3b", endpoint=n.url, cacert=bundle)
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-rsa3b\n", "stdout (root and intermediate in --cacert)")


@case("nginx-ec-tls12-only")
def _(c):
    _r, trace, logged, seen = _unlock_tls(c, "ec-tls12", "ok-ec12", tap=True)
    _expect_tls_version("TLSv1.2", trace, logged, seen)
    expect_in("ECDHE-ECDSA", trace[1], "ciphersuite hcsms -v reports")
    expect(logged[1].startswith("ECDHE-ECDSA-"), "nginx logged cipher %s" % logged[1])
    ske = seen.get("ske_sigalg")
    # TLS 1.2 ties no curve to ECDSA's code points: 0x0603 is ECDSA with SHA-512 here
    expect(ske is not None and ske & 0xff == 3, "signature of the ServerKeyExchange: %s"
           % (sigalg_name(ske) if ske is not None else "none seen"))


@case("nginx-ec-tls13-only")
def _(c):
    _server_refuses_tls12(c, "ec-tls13")
    if not has_tls13(c):
        _no_tls13_build(c, "ec-tls13", "ok-ec13")
    _r, trace, logged, seen = _unlock_tls(c, "ec-tls13", "ok-ec13", tap=True)
    _expect_tls_version("TLSv1.3", trace, logged, seen)
    expect(logged[1].startswith("TLS_"), "nginx logged cipher %s" % logged[1])


@case("nginx-rsa-tls12-only-pss-signature")
def _(c):
    # nginx (OpenSSL) signs a TLS 1.2 ServerKeyExchange with RSA-PSS whenever the client
    # offers it: the mbedTLS 3.6.6 regression broke exactly this. mbedTLS 2.28 offers no
    # PSS in TLS 1.2, so there the server falls back to PKCS#1 v1.5; 3.x must offer it.
    _r, trace, logged, seen = _unlock_tls(c, "rsa-tls12", "ok-rsa12pss", cacert=rsa_ca(c), tap=True)
    _expect_tls_version("TLSv1.2", trace, logged, seen)
    expect_in("ECDHE-RSA", trace[1], "ciphersuite hcsms -v reports")
    expect_eq(seen.get("certificates"), 2, "certificates the server sent")
    offered = seen.get("offered_sigalgs") or []
    ske = seen.get("ske_sigalg")
    expect(ske is not None, "the tap saw no ECDHE ServerKeyExchange signature")
    if mbedtls_version(c) >= (3, 0):
        expect(RSA_PSS & set(offered),
               "hcsms (mbedTLS %d.%d) offers no RSA-PSS signature in TLS 1.2: %s"
               % (mbedtls_version(c) + (", ".join(map(sigalg_name, offered)),)))
    if RSA_PSS & set(offered):
        expect(ske in RSA_PSS, "the client offered RSA-PSS but nginx signed with %s: the case "
               "no longer shows a PSS-signed ServerKeyExchange" % sigalg_name(ske))
    else:
        expect(ske in RSA_PKCS1, "signature of the ServerKeyExchange: %s" % sigalg_name(ske))


@case("nginx-rsa-tls12-only-pkcs1-signature")
def _(c):
    # a server that signs with PKCS#1 v1.5 only (ssl_conf_command SignatureAlgorithms)
    _r, trace, logged, seen = _unlock_tls(c, "rsa-tls12-pkcs1", "ok-rsa12v15", cacert=rsa_ca(c),
                                         tap=True)
    _expect_tls_version("TLSv1.2", trace, logged, seen)
    expect_in("ECDHE-RSA", trace[1], "ciphersuite hcsms -v reports")
    ske = seen.get("ske_sigalg")
    expect(ske in RSA_PKCS1, "signature of the ServerKeyExchange: %s"
           % (sigalg_name(ske) if ske is not None else "none seen"))


@case("nginx-rsa-tls13-only")
def _(c):
    # TLS 1.3 signs the handshake (CertificateVerify) with RSA-PSS, always
    _server_refuses_tls12(c, "rsa-tls13")
    if not has_tls13(c):
        _no_tls13_build(c, "rsa-tls13", "ok-rsa13", cacert=rsa_ca(c))
    _r, trace, logged, seen = _unlock_tls(c, "rsa-tls13", "ok-rsa13", cacert=rsa_ca(c), tap=True)
    _expect_tls_version("TLSv1.3", trace, logged, seen)
    expect(logged[1].startswith("TLS_"), "nginx logged cipher %s" % logged[1])


# ---- AK/SK signing (SDK-HMAC-SHA256) --------------------------------------------------
# The mock verifies signatures with tests/servers/aksk_verify.py, written from the spec and
# checked against the SDKs' public test vectors.  The mock-aksk-* cases sign in Python (no
# hcsms) so a failure of an aksk-* case can be told apart from a mock bug.  nginx is not
# used for AK/SK.
def _py_unlock(c, task_path, sign_as=DEFAULT, tamper=None, extra=None, skip=()):
    """POST raw task_path (already encoded) to the mock over TLS, signed in Python.

    sign_as: (ak, sk) (default: the permanent pair) or None for no signature.
    extra: headers added before signing (signed too, unless their name has "_").
    tamper(headers) may change the signed headers before they are sent.
    Returns (status, parsed JSON body or None, raw body)."""
    path = "/v3/tasks/%s/unlock" % task_path
    hdrs = {"Host": "localhost:%d" % c.mock.port, "User-Agent": "hcsms/e2e-python-signer",
            "Content-Type": "application/json", "Content-Length": "0"}
    hdrs.update(extra or {})
    if sign_as is DEFAULT:
        sign_as = (c.ak, c.sk)
    if sign_as is not None:
        hdrs = aksk_verify.sign("POST", path, hdrs, b"", sign_as[0], sign_as[1])
    if tamper is not None:
        tamper(hdrs)
    ctx = ssl.create_default_context(cafile=c.ca)
    conn = http.client.HTTPSConnection("localhost", c.mock.port, context=ctx, timeout=10)
    try:
        conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for k, v in hdrs.items():
            if k not in skip:
                conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError:
        body = None
    return resp.status, body, raw


def _expect_401(status, body, code, *fragments):
    expect_eq(status, 401, "HTTP status")
    if not isinstance(body, dict):
        raise CaseFail("401 body is not JSON")
    expect_eq(body.get("error_code"), code, "error_code")
    for f in fragments:
        expect_in(f, body.get("error_msg", ""), "error_msg")
    if not body.get("request_id"):
        raise CaseFail("401 body has no request_id")


@case("mock-aksk-python-signer-valid")
def _(c):
    s = c.snap()
    status, body, raw = _py_unlock(c, "ok-py1")
    expect_eq(status, 200, "HTTP status (%r)" % raw[:300])
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["auth"], "aksk", "auth")
    expect_eq(req["aksk_ok"], True, "aksk_ok")
    expect_eq(req["ak"], c.ak, "AK")
    expect_eq(req["token"], None, "X-Auth-Token")
    expect_eq(req["signed_headers"], ["content-length", "content-type", "host", "user-agent", "x-sdk-date"],
              "signed headers")
    # the special id: the canonical URI keeps it as one segment
    s = c.snap()
    status, body, raw = _py_unlock(c, "a%20b%2Fc%3Fd%23e%25f")
    expect_eq(status, 200, "HTTP status for a b/c?d#e%%f (%r)" % raw[:300])
    (req,) = c.valid_requests(s, 1)
    expect_in("\n/v3/tasks/a%20b%2Fc%3Fd%23e%25f/unlock/\n", req["canonical"], "canonical request")
    # lower-case hex in the request line is the same segment
    status, body, raw = _py_unlock(c, "ok-%c3%a9%2b%3a%40")
    expect_eq(status, 200, "HTTP status for lower-case percent-encoding (%r)" % raw[:300])
    # temporary credentials with their security token (signed)
    s = c.snap()
    status, body, raw = _py_unlock(c, "ok-py2", sign_as=(c.tmp_ak, c.tmp_sk),
                                   extra={"X-Security-Token": c.security_token, "X-Project-Id": "p1"})
    expect_eq(status, 200, "HTTP status with a security token (%r)" % raw[:300])
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["security_token"], c.security_token, "security token seen")
    expect_eq(req["project_id"], "p1", "project id seen")
    # a token request still works next to AK/SK
    status, body, raw = _py_unlock(c, "ok-py3", sign_as=None, extra={"X-Auth-Token": c.token})
    expect_eq(status, 200, "HTTP status with X-Auth-Token (%r)" % raw[:300])


@case("mock-aksk-python-signer-rejected")
def _(c):
    def set_(name, value):
        return lambda h: h.__setitem__(name, value)

    # wrong SK: the server's canonical request comes back, '|' for newlines
    s = c.snap()
    status, body, _raw = _py_unlock(c, "ok-r1", sign_as=(c.ak, "not-the-sk"))
    _expect_401(status, body, "APIGW.0301", "verify aksk signature fail, canonicalRequest: POST|")
    (req,) = c.new_requests(s)
    expect_eq(req["aksk_ok"], False, "aksk_ok")
    expect_in(req["canonical"].replace("\n", "|"), body["error_msg"], "error_msg")
    expect_eq(body["request_id"], req["request_id"], "request_id")
    checks = [
        ("unknown AK", dict(sign_as=("NOSUCHAK0000000000", c.sk)), "APIGW.0301", "incorrect AK"),
        ("X-Sdk-Date 20 min old",
         dict(tamper=lambda h: h.update(aksk_verify.sign(
             "POST", "/v3/tasks/ok-r3/unlock",
             {k: v for k, v in h.items() if k not in ("Authorization", "X-Sdk-Date")}, b"", c.ak, c.sk,
             sdk_date=aksk_verify.format_date(time.time() - 1200)))), "APIGW.0301", "signature expired"),
        ("X-Sdk-Date not YYYYMMDDTHHMMSSZ", dict(tamper=set_("X-Sdk-Date", "2020-06-08T02:39:00Z")),
         "APIGW.0301", "YYYYMMDDTHHMMSSZ"),
        ("loose Authorization syntax",
         dict(tamper=lambda h: h.__setitem__("Authorization", h["Authorization"].replace(", ", ","))),
         "APIGW.0301", "Authorization is not"),
        ("host not signed",
         dict(tamper=lambda h: h.__setitem__("Authorization", h["Authorization"].replace("host;", ""))),
         "APIGW.0301", "must include host"),
        ("x_ header signed", dict(extra={"X_Custom": "1"},
                                  tamper=lambda h: h.__setitem__("Authorization", h["Authorization"].replace(
                                      "user-agent;", "user-agent;x_custom;"))),
         "APIGW.0301", "never signed"),
        ("signed header absent", dict(extra={"X-Extra": "1"}, skip=("X-Extra",)),
         "APIGW.0301", "x-extra is not in the request"),
        ("changed after signing", dict(tamper=set_("Content-Type", "application/json;charset=utf8")),
         "APIGW.0301", "verify aksk signature fail"),
        ("temporary AK without its security token", dict(sign_as=(c.tmp_ak, c.tmp_sk)), "APIGW.0307", "missing"),
        ("temporary AK with a wrong security token",
         dict(sign_as=(c.tmp_ak, c.tmp_sk), extra={"X-Security-Token": "x" * 40}), "APIGW.0307", "wrong"),
        ("permanent AK with a security token",
         dict(extra={"X-Security-Token": c.security_token}), "APIGW.0307", "permanent"),
        ("no signature and no token", dict(sign_as=None), "APIGW.0307", "token"),
    ]
    for what, kw, code, frag in checks:
        status, body, raw = _py_unlock(c, "ok-r2", **kw)
        try:
            _expect_401(status, body, code, frag)
        except CaseFail as e:
            raise CaseFail("%s: %s (%r)" % (what, e, raw[:300]))
    # the mock's request checks still come first (400, not 401)
    status, body, raw = _py_unlock(c, "ok-r4", skip=("User-Agent",))
    expect_eq(status, 400, "HTTP status without User-Agent (%r)" % raw[:300])
    expect_eq((body or {}).get("error_code"), "MOCK.0400", "error_code without User-Agent")


# -- with hcsms ------------------------------------------------------------------------------
def _aksk_env(c, ak=DEFAULT, sk=DEFAULT, sdk=False, security_token=None):
    ak = c.ak if ak is DEFAULT else ak
    sk = c.sk if sk is DEFAULT else sk
    pre = "HUAWEICLOUD_SDK_" if sdk else "HCSMS_"
    env = {}
    if ak is not None:
        env[pre + "AK"] = ak
    if sk is not None:
        env[pre + "SK"] = sk
    if security_token is not None:
        env[pre + "SECURITY_TOKEN"] = security_token
    return env


def _aksk_run(c, *args, env=None, **kw):
    return c.unlock(*args, token=None, extra_env=_aksk_env(c) if env is None else env, **kw)


def _signed_ok(c, req, ak=None, extra_signed=()):
    """The request was AK/SK-signed by hcsms, verified, with no X-Auth-Token."""
    expect_eq(req["auth"], "aksk", "authentication the server saw")
    expect_eq(req["aksk_ok"], True, "signature verified")
    expect_eq(req["ak"], ak or c.ak, "AK")
    expect_eq(req["token"], None, "X-Auth-Token (must not be sent with AK/SK)")
    sh = req["signed_headers"] or []
    for need in ("host", "x-sdk-date", "content-type") + tuple(extra_signed):
        if need not in sh:
            raise CaseFail("%s is not among the signed headers %s" % (need, ";".join(sh)))
    # X-Sdk-Date from the machine's UTC clock (the verifier already allows 15 minutes)
    off = aksk_verify.parse_date(req["sdk_date"]) - time.time()
    if abs(off) > 120 * c.factor:
        raise CaseFail("X-Sdk-Date %s is %+.0f s from this machine's clock" % (req["sdk_date"], off))


@case("aksk-help")
def _(c):
    r = c.run(["unlock", "--help"], token=None)
    expect_rc(r, 0)
    for opt in ("--auth", "--project-id"):
        expect_in(opt, r.sout + r.serr, "unlock --help output")


@case("aksk-valid-hcsms-env")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "ok-ak1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-ak1\n", "stdout")
    (req,) = c.valid_requests(s, 1)
    _signed_ok(c, req)
    expect_eq(req["raw_path"], "/v3/tasks/ok-ak1/unlock", "raw path")
    expect_eq(req["security_token"], None, "X-Security-Token")
    expect_eq(req["project_id"], None, "X-Project-Id")


@case("aksk-valid-sdk-env")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "ok-ak2", env=_aksk_env(c, sdk=True))
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-ak2\n", "stdout")
    (req,) = c.valid_requests(s, 1)
    _signed_ok(c, req)


@case("aksk-verbose-no-secret")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "-v", "ok-akv")
    expect_rc(r, 0)
    expect_in("POST /v3/tasks/ok-akv/unlock HTTP/1.1", r.serr, "stderr")
    (req,) = c.valid_requests(s, 1)
    _signed_ok(c, req)
    # the SK never appears (checked by Ctx.run for every run)


@case("aksk-three-one-connection")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "ok-a", "ok-b", "ok-c")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-a\nunlocked ok-b\nunlocked ok-c\n", "stdout")
    reqs = c.valid_requests(s, 3)
    expect_eq([q["task_id"] for q in reqs], ["ok-a", "ok-b", "ok-c"], "order of requests")
    for q in reqs:
        _signed_ok(c, q)
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")


@case("aksk-reconnect-and-retry")
def _(c):
    # a new connection after Connection: close, and a request re-sent after a kept-alive
    # connection died: every request that reaches the server is signed and verifies
    s = c.snap()
    r = _aksk_run(c, "close-1", "dropnext-2", "ok-3")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked close-1\nunlocked dropnext-2\nunlocked ok-3\n", "stdout")
    reqs = c.new_requests(s)
    expect_eq([q["task_id"] for q in reqs], ["close-1", "dropnext-2", "ok-3", "ok-3"], "requests the server saw")
    for q in reqs:
        if q["problem"]:
            raise CaseFail("the mock rejected %s: %s" % (q["raw_path"], q["problem"]))
        _signed_ok(c, q)


@case("aksk-ok-forbidden-mixed")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "ok-m1", "forbidden-m2")
    expect_rc(r, 1)
    expect_eq(r.out, b"unlocked ok-m1\n", "stdout")
    reqs = c.valid_requests(s, 2)
    for q in reqs:
        _signed_ok(c, q)
    stderr_line_with(r, "forbidden-m2", "403", "SMS.9004", reqs[1]["request_id"])


@case("aksk-every-allowed-id-byte")
def _(c):
    t1, t2 = "okAZaz09-_", "ok_" + "".join(map(chr, range(ord("A"), ord("Z") + 1)))
    s = c.snap()
    r = _aksk_run(c, t1, t2)
    expect_rc(r, 0)
    reqs = c.valid_requests(s, 2)
    for q in reqs:
        _signed_ok(c, q)
    expect_eq(reqs[0]["raw_path"], "/v3/tasks/okAZaz09-_/unlock", "raw path 1")
    expect_in("\n/v3/tasks/okAZaz09-_/unlock/\n", reqs[0]["canonical"], "server's canonical request")


@case("aksk-wrong-sk")
def _(c):
    wrong = "Wr0ngSk" + os.urandom(16).hex()
    s = c.snap()
    r = _aksk_run(c, "ok-w1", env=_aksk_env(c, sk=wrong))
    expect_rc(r, 1)
    expect_not_in(b"unlocked", r.out, "stdout")
    (req,) = c.new_requests(s)
    expect_eq(req["auth"], "aksk", "authentication the server saw")
    expect_eq(req["aksk_ok"], False, "signature verified")
    stderr_line_with(r, "ok-w1", "401", "APIGW.0301", req["request_id"])
    # the SKs (wrong and right) never appear: checked by Ctx.run


@case("aksk-wrong-sk-json")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "--json", "ok-w2", env=_aksk_env(c, sk="Wr0ngSk" + os.urandom(16).hex()))
    expect_rc(r, 1)
    (o,) = json_lines(r, 1)
    (req,) = c.new_requests(s)
    expect_eq(o.get("ok"), False, "ok")
    expect_eq(o.get("http_status"), 401, "http_status")
    expect_eq(o.get("error_code"), "APIGW.0301", "error_code")
    expect_eq(o.get("request_id"), req["request_id"], "request_id")


@case("aksk-wrong-sk-verbose-canonical")
def _(c):
    # -v shows the server's canonical request from error_msg ('|' for newlines), so the user
    # can diff it against the client's
    s = c.snap()
    r = _aksk_run(c, "-v", "ok-w3", env=_aksk_env(c, sk="Wr0ngSk" + os.urandom(16).hex()))
    expect_rc(r, 1)
    (req,) = c.new_requests(s)
    expect_eq(req["aksk_ok"], False, "signature verified")
    stderr_line_with(r, "ok-w3", "401", "APIGW.0301")
    canon = req["canonical"].replace("\n", "|")
    if canon not in r.serr:
        head = "canonicalRequest: " + canon.split("|x-sdk-date")[0]
        raise CaseFail("stderr does not show the server's whole canonical request %r%s"
                       % (canon, " (only a part of it)" if head in r.serr else ""))


@case("aksk-wrong-sk-temporary-verbose-no-token-leak")
def _(c):
    # the server echoes its canonical request, which holds x-security-token:<token>; with
    # -v hcsms shows that message, but the security token must still never be printed
    s = c.snap()
    r = _aksk_run(c, "-v", "--json", "ok-w4",
                  env=_aksk_env(c, ak=c.tmp_ak, sk="Wr0ngSk" + os.urandom(16).hex(),
                                security_token=c.security_token))
    (req,) = c.new_requests(s)
    expect_eq(req["aksk_ok"], False, "signature verified")
    expect_in("x-security-token:" + c.security_token, req["canonical"], "server's canonical request")
    expect_rc(r, 1)  # Ctx.run has already failed the case if the token was printed


@case("aksk-unknown-ak")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "ok-u1", env=_aksk_env(c, ak="UNKNOWNAK" + os.urandom(6).hex().upper()))
    expect_rc(r, 1)
    (req,) = c.new_requests(s)
    expect_eq(req["aksk_ok"], False, "signature verified")
    expect_in("incorrect AK", req["auth_error"] or "", "the mock's verdict")
    stderr_line_with(r, "ok-u1", "401", "APIGW.0301", req["request_id"])


@case("aksk-clock-skew")
def _(c):
    # the mock's clock runs an hour ahead: the client's X-Sdk-Date is "expired"
    c.mock.clock_skew_s = 3600
    try:
        s = c.snap()
        r = _aksk_run(c, "ok-sk1")
    finally:
        c.mock.clock_skew_s = 0
    expect_rc(r, 1)
    (req,) = c.new_requests(s)
    expect_in("signature expired", req["auth_error"] or "", "the mock's verdict")
    stderr_line_with(r, "ok-sk1", "401", "APIGW.0301", req["request_id"])


@case("aksk-project-id")
def _(c):
    pid = "0a1b2c3d4e5f4a5b8c9d0e1f2a3b4c5d"
    s = c.snap()
    r = _aksk_run(c, "--project-id", pid, "ok-p1")
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    _signed_ok(c, req, extra_signed=("x-project-id",))
    expect_eq(req["project_id"], pid, "X-Project-Id")


@case("aksk-security-token")
def _(c):
    for sdk in (False, True):
        s = c.snap()
        r = _aksk_run(c, "ok-t%d" % sdk, env=_aksk_env(c, ak=c.tmp_ak, sk=c.tmp_sk, sdk=sdk,
                                                        security_token=c.security_token))
        expect_rc(r, 0)
        (req,) = c.valid_requests(s, 1)
        _signed_ok(c, req, ak=c.tmp_ak, extra_signed=("x-security-token",))
        expect_eq(req["security_token"], c.security_token, "X-Security-Token")


@case("aksk-security-token-wrong")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "ok-tw", env=_aksk_env(c, ak=c.tmp_ak, sk=c.tmp_sk,
                                            security_token="wrongSecurityToken" + os.urandom(16).hex()))
    expect_rc(r, 1)
    (req,) = c.new_requests(s)
    expect_eq(req["aksk_ok"], True, "signature verified")
    stderr_line_with(r, "ok-tw", "401", "APIGW.0307", req["request_id"])


@case("aksk-security-token-missing")
def _(c):
    s = c.snap()
    r = _aksk_run(c, "ok-tm", env=_aksk_env(c, ak=c.tmp_ak, sk=c.tmp_sk))
    expect_rc(r, 1)
    (req,) = c.new_requests(s)
    stderr_line_with(r, "ok-tm", "401", "APIGW.0307", req["request_id"])


def _usage_case(name, args, env):
    @case(name)
    def _(c):
        s = c.snap()
        r = c.unlock(*(list(args) + ["ok-x"]), token=None, extra_env=env(c))
        expect_rc(r, 2)
        c.saw_nothing(s)
        expect_eq(r.out, b"", "stdout")


_usage_case("aksk-auth-aksk-only-ak", ["--auth", "aksk"], lambda c: _aksk_env(c, sk=None))
_usage_case("aksk-auth-aksk-only-sk", ["--auth", "aksk"], lambda c: _aksk_env(c, ak=None))
_usage_case("aksk-only-ak-default", [], lambda c: _aksk_env(c, sk=None))
_usage_case("aksk-no-credentials", [], lambda c: {})
_usage_case("aksk-auth-aksk-no-credentials", ["--auth", "aksk"], lambda c: {})
_usage_case("aksk-auth-token-without-token", ["--auth", "token"], lambda c: _aksk_env(c))
_usage_case("aksk-auth-bogus", ["--auth", "bogus"], lambda c: _aksk_env(c))
_usage_case("aksk-empty-sk", [], lambda c: _aksk_env(c, sk=""))
# values that would break the header lines (or the Authorization syntax): refused, not sent
_usage_case("aksk-ak-with-crlf", [], lambda c: _aksk_env(c, ak=c.ak + "\r\nX-Evil: 1"))
_usage_case("aksk-ak-with-comma-space", [], lambda c: _aksk_env(c, ak=c.ak + ", Signature=0"))
_usage_case("aksk-security-token-with-crlf", [],
            lambda c: _aksk_env(c, ak=c.tmp_ak, sk=c.tmp_sk, security_token=c.security_token + "\r\nX-Evil: 1"))
_usage_case("aksk-project-id-with-crlf", ["--project-id", "p1\r\nX-Evil: 1"], lambda c: _aksk_env(c))


@case("aksk-token-wins-by-default")
def _(c):
    s = c.snap()
    r = c.unlock("ok-tok1", extra_env=_aksk_env(c))  # HCSMS_AUTH_TOKEN and AK/SK
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["auth"], "token", "authentication the server saw")
    expect_eq(req["token"], c.token, "X-Auth-Token")
    hdrs = {k.lower() for k, _v in req["headers"]}
    for h in ("authorization", "x-sdk-date"):
        if h in hdrs:
            raise CaseFail("%s sent although the token was chosen" % h)
    # --token-file counts as a token too
    s = c.snap()
    r = c.unlock("--token-file", c.write(c.token + "\n"), "ok-tok2", token=None,
                 extra_env=_aksk_env(c, sdk=True))
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["auth"], "token", "authentication the server saw (--token-file)")


@case("aksk-auth-aksk-overrides-token")
def _(c):
    s = c.snap()
    r = c.unlock("--auth", "aksk", "ok-ov1", extra_env=_aksk_env(c))  # HCSMS_AUTH_TOKEN too
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    _signed_ok(c, req)


@case("aksk-auth-token-explicit")
def _(c):
    s = c.snap()
    r = c.unlock("--auth", "token", "ok-at1", extra_env=_aksk_env(c))
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    expect_eq(req["auth"], "token", "authentication the server saw")


# ---- IAM token (hcsms token) ---------------------------------------------------------------
# The mock's IAM stand-in (POST /v3/auth/tokens, see mock_sms.py) records every request in
# c.mock.iam_requests and every token it hands out in c.mock.issued_tokens.  Passwords and
# issued tokens are secrets: never in hcsms's stderr (stdout carries the token only when it
# is the answer), never in a failure report of these cases.
IAM_WRONG_MSG = "The username or password is wrong."
IAM_PROJECT = "ap-southeast-3"


def _iam_argv(c, user=DEFAULT, account=DEFAULT, scope=DEFAULT, endpoint=DEFAULT, cacert=DEFAULT):
    argv = ["token"]
    endpoint = c.mock.url if endpoint is DEFAULT else endpoint
    if endpoint is not None:
        argv += ["--iam-endpoint", endpoint]
    cacert = c.ca if cacert is DEFAULT else cacert
    if cacert is not None:
        argv += ["--cacert", cacert]
    user = c.iam_user if user is DEFAULT else user
    if user is not None:
        argv += ["--user", user]
    account = c.iam_account if account is DEFAULT else account
    if account is not None:
        argv += ["--account", account]
    argv += ["--project", IAM_PROJECT] if scope is DEFAULT else list(scope or ())
    return argv


def _token_leak(hay, tokens, window=24):
    """None, or a description of how much of one of ``tokens`` appears in ``hay`` (bytes)."""
    for t in tokens:
        tb = t.encode("latin-1", "replace")
        if tb in hay:
            return "a whole issued IAM token (%d bytes)" % len(tb)
        if len(hay) < window or len(tb) < window:
            continue
        pieces = {tb[i:i + window] for i in range(len(tb) - window + 1)}
        for i in range(len(hay) - window + 1):
            if hay[i:i + window] in pieces:
                return "%d bytes of an issued IAM token" % window
    return None


def _iam(c, *args, password=DEFAULT, extra_env=None, token=None, user=DEFAULT, account=DEFAULT,
         scope=DEFAULT, endpoint=DEFAULT, cacert=DEFAULT, **kw):
    """Run ``hcsms token`` with the default user, account, project, endpoint and CA; the
    password in HCSMS_PASSWORD (password=None: none).  No HCSMS_AUTH_TOKEN unless given.
    Fails the case if a token the IAM stand-in issued during the run shows on stderr."""
    env = dict(extra_env or {})
    password = c.iam_password if password is DEFAULT else password
    if password is not None:
        env["HCSMS_PASSWORD"] = password
    argv = _iam_argv(c, user=user, account=account, scope=scope, endpoint=endpoint, cacert=cacert)
    before = set(c.mock.issued_tokens)
    r = c.run(argv + list(args), token=token, extra_env=env, **kw)
    time.sleep(0.02)  # the stand-in records the token just before sending it
    r.issued = [t for t in list(c.mock.issued_tokens) if t not in before]
    leak = _token_leak(r.err, r.issued)
    if leak:
        raise CaseFail("%s appears on stderr" % leak)
    return r


def _iam_snap(c):
    return c.mock.iam_snapshot()


def _new_iam(c, snap, n=None):
    reqs = list(c.mock.iam_requests[snap[2]:])
    if n is not None and len(reqs) != n:
        raise CaseFail("the IAM stand-in saw %d token request(s), expected %d" % (len(reqs), n))
    return reqs


def _iam_ok(c, snap):
    (rec,) = _new_iam(c, snap, 1)
    if not rec["ok"]:
        raise CaseFail("the IAM stand-in answered %s: %s" % (rec["status"], rec["error"]))
    return rec


def _iam_saw_nothing(c, snap):
    time.sleep(0.1)  # let a connection the client may have made be counted
    now = c.mock.iam_snapshot()
    if now != snap:
        raise CaseFail("the server saw %d connection(s) and %d token request(s); expected nothing"
                       % (now[0] - snap[0], now[2] - snap[2]))


def _expect_token_stdout(r, rec):
    """stdout is exactly the token the stand-in sent in X-Subject-Token, then one newline."""
    tok = rec["token"]
    if tok is None:
        raise CaseFail("the IAM stand-in sent no token")
    if r.out == (tok + "\n").encode():
        return
    if r.out.startswith(tok.encode()):
        raise CaseFail("stdout is the token followed by %r, expected one newline" % r.out[len(tok):][:40])
    raise CaseFail("stdout (%d bytes) is not the %d-byte token plus a newline%s"
                   % (len(r.out), len(tok), " (it holds part of it)" if _token_leak(r.out, [tok]) else ""))


def _expect_password(rec, want, how):
    got = rec["password"]
    if got != want:
        raise CaseFail("the password the IAM stand-in received (%s chars) differs from the one given "
                       "%s (%d chars)" % (len(got) if got is not None else None, how, len(want)))


def _expected_iam_body(user, password, account, scope):
    sc = {"project": {"name": scope[1]}} if scope[0] == "project" else {"domain": {"name": scope[1]}}
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": password, "domain": {"name": account}}}}, "scope": sc}}


def _expect_mode_0600(path):
    mode = os.stat(path).st_mode & 0o7777
    if mode != 0o600:
        raise CaseFail("%s has mode %04o, expected 0600" % (os.path.basename(path), mode))


def _expect_file_token(path, rec):
    with open(path, "rb") as f:
        data = f.read()
    tok = rec["token"]
    if data != (tok + "\n").encode():
        raise CaseFail("--out file (%d bytes) is not the %d-byte token plus a newline" % (len(data), len(tok)))


@case("iam-token-stdout-16384-bytes")
def _(c):
    s = _iam_snap(c)
    r = _iam(c)
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(len(rec["token"]), IAM_TOKEN_MAX, "length of the token the stand-in sent")
    _expect_token_stdout(r, rec)
    expect_eq(c.mock.connections - s[0], 1, "number of new connections")


@case("iam-request-shape")
def _(c):
    s = _iam_snap(c)
    r = _iam(c)
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(rec["method"], "POST", "method")
    expect_eq(rec["path"], "/v3/auth/tokens", "path")
    expect_eq(rec["query"], "nocatalog=true", "query")
    expect_eq((rec["content_type"] or "").replace(" ", "").lower(), "application/json;charset=utf8",
              "Content-Type")
    expect_eq(rec["transfer_encoding"], None, "Transfer-Encoding")
    expect_eq(rec["content_length"], str(rec["body_len"]), "Content-Length")
    expect_eq((rec["user"], rec["account"], rec["scope"]),
              (c.iam_user, c.iam_account, ("project", IAM_PROJECT)), "user, account, scope")
    _expect_password(rec, c.iam_password, "in HCSMS_PASSWORD")
    if rec["body_json"] != _expected_iam_body(c.iam_user, c.iam_password, c.iam_account,
                                              ("project", IAM_PROJECT)):
        raise CaseFail("the JSON body is not the documented one (keys: %s)"
                       % sorted((rec["body_json"] or {}).get("auth", {})))
    ua = rec["user_agent"] or ""
    expect(ua.startswith("hcsms/"), "User-Agent %r does not start with hcsms/" % ua)
    hdrs = {k.lower(): v for k, v in rec["headers"]}
    expect_eq(hdrs.get("host"), "localhost:%d" % c.mock.port, "Host header")


@case("iam-no-credentials-forwarded")
def _(c):
    # a token, AK/SK and a security token in the environment are for the SMS call: none of
    # them is sent to IAM
    s = _iam_snap(c)
    r = _iam(c, token=c.token, extra_env=_aksk_env(c, ak=c.tmp_ak, sk=c.tmp_sk,
                                                   security_token=c.security_token))
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    hdrs = {k.lower() for k, _v in rec["headers"]}
    for h in ("x-auth-token", "authorization", "x-sdk-date", "x-security-token", "x-project-id"):
        if h in hdrs:
            raise CaseFail("%s was sent to IAM" % h)
    _expect_token_stdout(r, rec)


@case("iam-domain-scope")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, scope=["--domain-scope"])
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(rec["scope"], ("domain", c.iam_account), "scope")
    if rec["body_json"] != _expected_iam_body(c.iam_user, c.iam_password, c.iam_account,
                                              ("domain", c.iam_account)):
        raise CaseFail("the JSON body is not the documented domain-scoped one")
    _expect_token_stdout(r, rec)


@case("iam-project-cn-north-4")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, scope=["--project", "cn-north-4"])
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(rec["scope"], ("project", "cn-north-4"), "scope")
    _expect_token_stdout(r, rec)


@case("iam-password-json-escaping-env")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, user="e2e-special", password=c.iam_special_password)
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    _expect_password(rec, c.iam_special_password, 'with " \\ tab and \u00e9 in HCSMS_PASSWORD')
    _expect_token_stdout(r, rec)


@case("iam-password-json-escaping-file")
def _(c):
    f = c.write((c.iam_special_password + "\n").encode("utf-8"))
    s = _iam_snap(c)
    r = _iam(c, "--password-file", f, user="e2e-special", password=None)
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    _expect_password(rec, c.iam_special_password, "in --password-file (one trailing newline dropped)")
    _expect_token_stdout(r, rec)


@case("iam-password-file-no-newline")
def _(c):
    f = c.write(c.iam_password.encode())
    s = _iam_snap(c)
    r = _iam(c, "--password-file", f, password=None)
    expect_rc(r, 0)
    _expect_password(_iam_ok(c, s), c.iam_password, "in --password-file without a newline")


@case("iam-password-file-stdin")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, "--password-file", "-", password=None, stdin_data=(c.iam_password + "\n").encode())
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    _expect_password(rec, c.iam_password, "on standard input")
    _expect_token_stdout(r, rec)


@case("iam-out-file-0600")
def _(c):
    out = os.path.join(c.tmp, "iam-token-out")
    s = _iam_snap(c)
    r = _iam(c, "--out", out, umask=0)  # 0600 must not come from the umask
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(r.out, b"", "stdout")
    _expect_file_token(out, rec)
    _expect_mode_0600(out)


@case("iam-out-file-existing-0644")
def _(c):
    out = c.write(b"an old token\n", name="iam-token-existing")
    os.chmod(out, 0o644)
    s = _iam_snap(c)
    r = _iam(c, "--out", out, umask=0)
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(r.out, b"", "stdout")
    _expect_file_token(out, rec)
    _expect_mode_0600(out)


@case("iam-out-dash-is-stdout")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, "--out", "-")
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(r.out, rec["token"].encode() + b"\n", "stdout")
    expect(not os.path.exists(os.path.join(os.getcwd(), "-")), "a file named '-' was created")


@case("iam-out-not-a-regular-file")
def _(c):
    # A device, a folder or a link to one is refused before IAM is asked:
    # the rename would replace it (as root, /dev/null itself).
    link = os.path.join(c.tmp, "iam-out-link-to-dir")
    if not os.path.lexists(link):
        os.symlink(c.tmp, link)
    for target in ("/dev/null", c.tmp, link):
        s = _iam_snap(c)
        r = _iam(c, "--out", target)
        expect_rc(r, 2)
        expect_in("not a regular file", r.serr, "stderr")
        _new_iam(c, s, 0)
    expect(os.path.exists("/dev/null") and not os.path.isfile("/dev/null"), "/dev/null was replaced")


@case("iam-wrong-password-401")
def _(c):
    wrong = "WrongPw-" + os.urandom(8).hex()
    s = _iam_snap(c)
    r = _iam(c, password=wrong)
    expect_rc(r, 1)
    (rec,) = _new_iam(c, s, 1)
    expect_eq(rec["status"], 401, "the stand-in's answer")
    expect_eq(r.out, b"", "stdout")
    stderr_line_with(r, "401")
    expect_in(IAM_WRONG_MSG, r.serr, "stderr")
    # with --out: no file
    out = os.path.join(c.tmp, "iam-token-wrong-pw")
    r = _iam(c, "--out", out, password=wrong)
    expect_rc(r, 1)
    expect(not os.path.exists(out), "--out file created although IAM answered 401")


@case("iam-unknown-user-401")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, user="nobody-" + os.urandom(3).hex())
    expect_rc(r, 1)
    expect_eq(_new_iam(c, s, 1)[0]["status"], 401, "the stand-in's answer")
    expect_eq(r.out, b"", "stdout")
    expect_in(IAM_WRONG_MSG, r.serr, "stderr")


@case("iam-unknown-project-404")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, scope=["--project", "xx-nowhere-9"])
    expect_rc(r, 1)
    expect_eq(_new_iam(c, s, 1)[0]["status"], 404, "the stand-in's answer")
    expect_eq(r.out, b"", "stdout")
    stderr_line_with(r, "404")


def _iam_usage_case(name, args=(), **kw):
    @case(name)
    def _(c):
        s = _iam_snap(c)
        r = _iam(c, *args, **kw)
        expect_rc(r, 2)
        _iam_saw_nothing(c, s)
        expect_eq(r.out, b"", "stdout")


_iam_usage_case("iam-usage-missing-user", user=None)
_iam_usage_case("iam-usage-missing-account", account=None)
_iam_usage_case("iam-usage-missing-scope", scope=[])
_iam_usage_case("iam-usage-missing-password", password=None)
_iam_usage_case("iam-usage-project-and-domain-scope", scope=["--project", IAM_PROJECT, "--domain-scope"])
_iam_usage_case("iam-usage-password-file-missing", args=["--password-file", "/nonexistent/hcsms-pw"],
                password=None)
_iam_usage_case("iam-usage-password-option", args=["--password", "ArgvPassw0rd-123"], password=None)
_iam_usage_case("iam-usage-password-option-equals", args=["--password=ArgvPassw0rd-123"], password=None)
_iam_usage_case("iam-usage-http-endpoint", endpoint="http://localhost:1")
_iam_usage_case("iam-usage-bad-timeout", args=["--timeout", "abc"])
_iam_usage_case("iam-usage-bad-retries", args=["--retries", "x"])


@case("iam-usage-http-endpoint-mock-port")
def _(c):
    # plain HTTP to the mock's own port: refused before connecting (the password never
    # travels without TLS)
    s = _iam_snap(c)
    r = _iam(c, endpoint="http://localhost:%d" % c.mock.port)
    expect_rc(r, 2)
    _iam_saw_nothing(c, s)


@case("iam-usage-bad-region")
def _(c):
    s = _iam_snap(c)
    for bad in ("", "bad region", "ap-southeast-3/evil", "x@evil.example", "ap-southeast-3:443",
                "evil.example#", "ap-southeast-3\nX"):
        r = _iam(c, "--region", bad, endpoint=None)
        if r.rc != 2:
            raise CaseFail("--region %r: exit status %s, expected 2" % (bad, r.rc))
        expect_eq(r.out, b"", "stdout for --region %r" % bad)
    _iam_saw_nothing(c, s)


@case("iam-no-subject-token")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, user="e2e-notoken")
    expect_rc(r, 3)
    rec = _iam_ok(c, s)
    expect_eq(rec["token"], None, "token sent")
    expect_eq(r.out, b"", "stdout")
    out = os.path.join(c.tmp, "iam-token-none")
    r = _iam(c, "--out", out, user="e2e-notoken")
    expect_rc(r, 3)
    expect(not os.path.exists(out), "--out file created although the 201 had no X-Subject-Token")


@case("iam-token-16385-bytes-refused")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, user="e2e-toolong")
    expect_rc(r, 3)
    rec = _iam_ok(c, s)
    expect_eq(len(rec["token"]), IAM_TOKEN_MAX + 1, "length of the token sent")
    expect_eq(r.out, b"", "stdout")
    out = os.path.join(c.tmp, "iam-token-toolong")
    r = _iam(c, "--out", out, user="e2e-toolong")
    expect_rc(r, 3)
    expect(not os.path.exists(out), "--out file created for a 16,385-byte token")


@case("iam-short-token")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, user="e2e-short")
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect_eq(len(rec["token"]), 200, "length of the token sent")
    _expect_token_stdout(r, rec)


@case("iam-chunked-300kb-body")
def _(c):
    # the 201's body (a 300 KB catalog, although nocatalog=true was asked) comes chunked
    s = _iam_snap(c)
    r = _iam(c, user="e2e-chunked")
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect(rec["chunked"] and rec["response_len"] > 250000, "the stand-in did not send a big chunked body")
    _expect_token_stdout(r, rec)


@case("iam-content-length-300kb-body")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, user="e2e-bigbody")
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    expect(not rec["chunked"] and rec["response_len"] > 250000, "the stand-in did not send a big body")
    _expect_token_stdout(r, rec)


@case("iam-round-trip-unlock")
def _(c):
    out = os.path.join(c.tmp, "iam-token-roundtrip")
    s = _iam_snap(c)
    r = _iam(c, "--out", out)
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    _expect_file_token(out, rec)
    s = c.snap()
    r = c.unlock("--token-file", out, "ok-iam-rt", token=None)
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-iam-rt\n", "stdout of unlock")
    (req,) = c.valid_requests(s, 1)
    expect(req["token"] == rec["token"], "unlock did not send the token IAM issued")
    leak = _token_leak(r.out + r.err, [rec["token"]])
    if leak:
        raise CaseFail("%s appears in the output of unlock" % leak)


@case("iam-verbose-no-secrets")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, "-v")
    expect_rc(r, 0)
    rec = _iam_ok(c, s)
    _expect_token_stdout(r, rec)
    expect_in("POST /v3/auth/tokens?nocatalog=true HTTP/1.1", r.serr, "stderr")
    expect_in("content-type", r.serr.lower(), "stderr")
    expect_in("201", r.serr, "stderr")
    # password: Ctx.run; the token on stderr: _iam


@case("iam-verbose-wrong-password")
def _(c):
    wrong = "WrongPw-" + os.urandom(8).hex()
    r = _iam(c, "-v", password=wrong)
    expect_rc(r, 1)
    expect_in("401", r.serr, "stderr")
    expect_eq(r.out, b"", "stdout")


@case("iam-timeout")
def _(c):
    t0 = time.monotonic()
    r = _iam(c, "--timeout", "1500", user="e2e-slow", timeout=30)
    wall = time.monotonic() - t0
    expect_rc(r, 3)
    expect_eq(r.out, b"", "stdout")
    bound = 6.0 if not c.wrapper else 12.0
    if wall >= bound:
        raise CaseFail("took %.1fs, expected < %.0fs" % (wall, bound))


@case("iam-options-timeout-retries")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, "--timeout", "20000", "--retries", "1")
    expect_rc(r, 0)
    _expect_token_stdout(r, _iam_ok(c, s))


@case("iam-connection-refused")
def _(c):
    r = _iam(c, endpoint="https://localhost:%d" % c.closed_port)
    expect_rc(r, 3)
    expect_eq(r.out, b"", "stdout")


@case("iam-wrong-ca-password-not-sent")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, cacert=os.path.join(c.pki, "other-ca.pem"))
    expect_rc(r, 3)
    _new_iam(c, s, 0)


@case("iam-hostname-mismatch-password-not-sent")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, endpoint="https://127.0.0.1:%d" % c.mock.port)
    expect_rc(r, 3)
    _new_iam(c, s, 0)


@case("iam-help")
def _(c):
    r = c.run(["token", "--help"], token=None)
    expect_rc(r, 0)
    text = r.sout + r.serr
    for opt in ("--user", "--account", "--project", "--domain-scope", "--password-file", "--out"):
        expect_in(opt, text, "token --help output")


# ---- HTTP proxy (CONNECT) --------------------------------------------------------------------
# Three tinyproxy instances (see setup()): c.tp with BasicAuth, c.tp443 with BasicAuth and
# ConnectPort 443 only, c.tp_open without authentication.  The proxy password (and its
# base64 in Proxy-Authorization) is a secret: Ctx.run checks every output for it.
def _tp(c, which="tp"):
    t = getattr(c, which)
    if t is None:
        raise CaseFail("tinyproxy is not running: %s" % (c.tinyproxy_error or "not started"))
    return t


def _purl(c, tp=None, creds=True):
    tp = tp or _tp(c)
    return tp.proxy_url(c.proxy_user, c.proxy_pass) if creds else tp.url


def _tp_snap(tp):
    return len(tp.connect_requests()), tp.client_connections(), len(tp.requests())


def _expect_connects(tp, snap, n, port):
    got = tp.wait_connects(snap[0] + n)[snap[0]:]
    if len(got) != n:
        raise CaseFail("tinyproxy logged %d CONNECT(s) %s, expected %d" % (len(got), got, n))
    for t in got:
        if t not in ("localhost:%d" % port, "127.0.0.1:%d" % port):
            raise CaseFail("tinyproxy logged CONNECT %s, expected localhost:%d" % (t, port))
    others = [mt for mt in tp.requests()[snap[2]:] if mt[0] != "CONNECT"]
    if others:
        raise CaseFail("tinyproxy saw requests other than CONNECT: %s" % others)


def _expect_proxy_unused(tp, snap):
    time.sleep(0.2)  # tinyproxy logs a connection as it accepts it
    now = _tp_snap(tp)
    if now[1] != snap[1]:
        raise CaseFail("the proxy saw %d new connection(s) (%s); expected a direct connection"
                       % (now[1] - snap[1], tp.connect_requests()[snap[0]:]))


def _expect_proxy_error(r, *needles):
    expect_rc(r, 3)
    expect_not_in(b"unlocked", r.out, "stdout")
    low = r.serr.lower()
    expect_in("proxy", low, "stderr")
    for n in needles:
        expect_in(n, r.serr, "stderr")


@case("proxy-unlock-basic-auth")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    r = c.unlock("--proxy", _purl(c), "ok-proxy1")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-proxy1\n", "stdout")
    (req,) = c.valid_requests(s, 1)
    expect_eq(dict(req["headers"]).get("Host"), "localhost:%d" % c.mock.port, "Host header")
    _expect_connects(tp, ts, 1, c.mock.port)


@case("proxy-unlock-open-proxy")
def _(c):
    tp = _tp(c, "tp_open")
    ts, s = _tp_snap(tp), c.snap()
    r = c.unlock("--proxy", tp.url, "ok-proxy2")
    expect_rc(r, 0)
    c.valid_requests(s, 1)
    _expect_connects(tp, ts, 1, c.mock.port)


@case("proxy-407-no-credentials")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    r = c.unlock("--proxy", _purl(c, creds=False), "ok-proxy3")
    _expect_proxy_error(r, "407")
    c.saw_nothing(s)
    _expect_connects(tp, ts, 1, c.mock.port)


@case("proxy-wrong-credentials")
def _(c):
    # tinyproxy 1.11.1 answers wrong credentials "401 Unauthorized" (its issue #532; 407 from
    # later versions): hcsms must report the proxy's status as a proxy failure (exit 3), not
    # as the service's 401 (exit 1)
    tp = _tp(c)
    status, _head = tp.probe_connect("localhost:%d" % c.mock.port, (c.proxy_user, "wrong-pass"))
    expect(status in (401, 407), "tinyproxy answered a CONNECT with wrong credentials %s" % status)
    ts, s = _tp_snap(tp), c.snap()
    r = c.unlock("--proxy", tp.proxy_url(c.proxy_user, "wrong-pass"), "ok-proxy4")
    _expect_proxy_error(r, str(status))
    c.saw_nothing(s)


@case("proxy-connect-port-403")
def _(c):
    tp = _tp(c, "tp443")
    s = c.snap()
    r = c.unlock("--proxy", _purl(c, tp), "ok-proxy5")
    _expect_proxy_error(r, "403")
    c.saw_nothing(s)


@case("proxy-port-closed")
def _(c):
    s = c.snap()
    r = c.unlock("--proxy", "http://127.0.0.1:%d" % c.closed_port, "ok-proxy6")
    _expect_proxy_error(r)
    c.saw_nothing(s)


@case("proxy-batch-one-tunnel")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    r = c.unlock("--proxy", _purl(c), "ok-px-a", "ok-px-b", "ok-px-c")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked ok-px-a\nunlocked ok-px-b\nunlocked ok-px-c\n", "stdout")
    reqs = c.valid_requests(s, 3)
    expect_eq([q["task_id"] for q in reqs], ["ok-px-a", "ok-px-b", "ok-px-c"], "order of requests")
    expect_eq(c.mock.connections - s[0], 1, "number of new connections to the mock")
    _expect_connects(tp, ts, 1, c.mock.port)


@case("proxy-reconnect-new-tunnel")
def _(c):
    # the server closes after close-1: the next task goes through a new CONNECT
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    r = c.unlock("--proxy", _purl(c), "close-px1", "ok-px2")
    expect_rc(r, 0)
    expect_eq(r.out, b"unlocked close-px1\nunlocked ok-px2\n", "stdout")
    c.valid_requests(s, 2)
    _expect_connects(tp, ts, 2, c.mock.port)


def _proxy_env_case(name, env_of, via_proxy, args_of=None, task="ok-pxenv"):
    @case(name)
    def _(c):
        tp = _tp(c)
        ts, s = _tp_snap(tp), c.snap()
        args = list(args_of(c, tp)) if args_of else []
        r = c.unlock(*(args + [task]), extra_env=env_of(c, tp))
        expect_rc(r, 0)
        expect_eq(r.out, ("unlocked %s\n" % task).encode(), "stdout")
        c.valid_requests(s, 1)
        if via_proxy:
            _expect_connects(tp, ts, 1, c.mock.port)
        else:
            _expect_proxy_unused(tp, ts)


_proxy_env_case("proxy-env-HTTPS_PROXY", lambda c, tp: {"HTTPS_PROXY": _purl(c, tp)}, True)
_proxy_env_case("proxy-env-https_proxy-lowercase", lambda c, tp: {"https_proxy": _purl(c, tp)}, True)
_proxy_env_case("proxy-env-NO_PROXY-localhost",
                lambda c, tp: {"HTTPS_PROXY": _purl(c, tp), "NO_PROXY": "localhost"}, False)
_proxy_env_case("proxy-env-no_proxy-lowercase",
                lambda c, tp: {"https_proxy": _purl(c, tp), "no_proxy": "localhost"}, False)
_proxy_env_case("proxy-env-NO_PROXY-list",
                lambda c, tp: {"HTTPS_PROXY": _purl(c, tp), "NO_PROXY": "example.com,localhost"}, False)
_proxy_env_case("proxy-env-NO_PROXY-star", lambda c, tp: {"HTTPS_PROXY": _purl(c, tp), "NO_PROXY": "*"}, False)
_proxy_env_case("proxy-env-NO_PROXY-other-host-still-proxied",
                lambda c, tp: {"HTTPS_PROXY": _purl(c, tp), "NO_PROXY": "example.com"}, True)
_proxy_env_case("proxy-env-closed-proxy-NO_PROXY-direct",
                lambda c, tp: {"HTTPS_PROXY": "http://127.0.0.1:%d" % c.closed_port, "NO_PROXY": "localhost"},
                False)
# --proxy given, HTTPS_PROXY pointing at a closed port: the option wins
_proxy_env_case("proxy-option-wins-over-env",
                lambda c, tp: {"HTTPS_PROXY": "http://127.0.0.1:%d" % c.closed_port}, True,
                args_of=lambda c, tp: ["--proxy", _purl(c, tp)])


@case("proxy-verbose-no-password")
def _(c):
    tp = _tp(c)
    ts = _tp_snap(tp)
    r = c.unlock("-v", "--proxy", _purl(c), "ok-pxv")
    expect_rc(r, 0)
    _expect_connects(tp, ts, 1, c.mock.port)
    # the proxy password and Proxy-Authorization's base64: checked by Ctx.run


@case("proxy-env-verbose-no-password")
def _(c):
    r = c.unlock("-v", "ok-pxv2", extra_env={"HTTPS_PROXY": _purl(c)})
    expect_rc(r, 0)


@case("proxy-verbose-407-no-password")
def _(c):
    r = c.unlock("-v", "--proxy", _tp(c).proxy_url(c.proxy_user, c.proxy_pass + "x"), "ok-pxv3")
    expect_rc(r, 3)
    # the wrong password is the right one plus "x": Ctx.run finds it if printed


@case("proxy-bad-scheme")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    for scheme in ("https", "socks5", "socks5h", "socks4"):
        url = "%s://%s:%s@127.0.0.1:%d" % (scheme, c.proxy_user, c.proxy_pass, tp.port)
        r = c.unlock("--proxy", url, "ok-pxs")
        if r.rc != 2:
            raise CaseFail("--proxy %s://...: exit status %s, expected 2" % (scheme, r.rc))
    c.saw_nothing(s)
    _expect_proxy_unused(tp, ts)


@case("proxy-malformed-url")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    for bad in ("http://", "http://:%d" % tp.port, "http://127.0.0.1:notaport", "http://127.0.0.1:99999",
                "http://[::1", "http://u:p@", "http://127.0.0.1:%d\r\nX-Evil: 1" % tp.port,
                "http://127.0.0.1 :%d" % tp.port, "127.0.0.1:%d:%d" % (tp.port, tp.port)):
        r = c.unlock("--proxy", bad, "ok-pxm")
        if r.rc != 2:
            raise CaseFail("--proxy %r: exit status %s, expected 2" % (bad, r.rc))
    c.saw_nothing(s)
    _expect_proxy_unused(tp, ts)


@case("proxy-iam-token")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), _iam_snap(c)
    r = _iam(c, "--proxy", _purl(c))
    expect_rc(r, 0)
    _expect_token_stdout(r, _iam_ok(c, s))
    _expect_connects(tp, ts, 1, c.mock.port)


@case("proxy-iam-token-env")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), _iam_snap(c)
    r = _iam(c, extra_env={"HTTPS_PROXY": _purl(c)})
    expect_rc(r, 0)
    _expect_token_stdout(r, _iam_ok(c, s))
    _expect_connects(tp, ts, 1, c.mock.port)


@case("proxy-iam-token-407")
def _(c):
    s = _iam_snap(c)
    r = _iam(c, "--proxy", _purl(c, creds=False))
    expect_rc(r, 3)
    expect_eq(r.out, b"", "stdout")
    expect_in("proxy", r.serr.lower(), "stderr")
    expect_in("407", r.serr, "stderr")
    _iam_saw_nothing(c, s)


@case("proxy-aksk-signed-through-proxy")
def _(c):
    # the signature covers the origin's Host, not the proxy's
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    r = _aksk_run(c, "--proxy", _purl(c), "ok-pxak")
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    _signed_ok(c, req)
    _expect_connects(tp, ts, 1, c.mock.port)


# --------------------------------------------------------------------------- setup
# ---- what a server echoes, what a terminal is shown (issue 11: 4, 8)
def _slashed(prefix):
    """A secret with a '/' every 8 bytes, as base64 security tokens have them."""
    return prefix + "/".join(os.urandom(4).hex() for _ in range(10)) + "=="


def _no_window_of(secret, out, what, window=12):
    """No window of the secret in out, read with JSON's "\/" unescaped."""
    plain = out.replace(b"\\/", b"/")
    sb = secret.encode()
    for i in range(len(sb) - window + 1):
        if sb[i:i + window] in plain:
            raise CaseFail("%d bytes of %s appear in hcsms output (%r)" % (window, what, sb[i:i + window]))


def _no_terminal_controls(out, what):
    for bad, name in ((b"\x9b", "a raw 0x9B (8-bit CSI)"), (b"\xc2\x9b", "U+009B (CSI)"),
                      (b"\xe2\x80\xae", "U+202E (bidi override)"), (b"\x1b", "ESC")):
        if bad in out:
            raise CaseFail("%s reaches the terminal in %s" % (name, what))


def _signature_of(req):
    auth = dict(req["headers"]).get("Authorization", "")
    expect("Signature=" in auth, "the request was signed (Authorization: %r)" % auth[:80])
    return auth.rsplit("Signature=", 1)[1]


@case("verbose-redacts-echoed-secrets-and-signature")
def _(c):
    st = c.security_token  # a temporary AK's, with '/' in it
    s = c.snap()
    r = _aksk_run(c, "-v", "echosecrets-v1", env=_aksk_env(c, ak=c.tmp_ak, sk=c.tmp_sk, security_token=st))
    expect_rc(r, 1)
    (req,) = c.new_requests(s)
    sig = _signature_of(req)
    for out, what in ((r.out, "stdout"), (r.err, "stderr")):
        _no_window_of(st, out, "the security token (echoed with \\/ escapes)")
        if sig.encode() in out:
            raise CaseFail("the request's signature appears in %s" % what)
        _no_terminal_controls(out, what)
    expect_in(b"you sent (redacted) signed (redacted)", r.err, "stderr")
    expect_in(b"?2J ?evil", r.err, "stderr (controls replaced)")
    # the token, echoed the same way, under token authentication
    tok = _slashed("tok-")
    with c.mock._lock:
        c.mock.issued_tokens.add(tok)  # a token the mock accepts
    r = c.unlock("-v", "echosecrets-v2", token=tok)
    expect_rc(r, 1)
    expect_in(b"you sent (redacted) signed  ", r.err, "stderr (the echo was redacted, not absent)")
    _no_window_of(tok, r.out + r.err, "the token (echoed with \\/ escapes)")
    # a token with a backslash of its own: found as the library unescaped it
    # (error_msg) and as the raw JSON has it (-v body)
    tok = "e2e\\/" + "\\/".join(os.urandom(3).hex() for _ in range(8))
    with c.mock._lock:
        c.mock.issued_tokens.add(tok)
    for args in (["echosecrets-b1"], ["-v", "echosecrets-b2"], ["--json", "echosecrets-b3"]):
        r = c.unlock(*args, token=tok)
        expect_rc(r, 1)
        expect_in(b"you sent (redacted) signed", r.out + r.err, "output (the echo was redacted, not absent)")
        for i in range(len(tok) - 12 + 1):
            expect_not_in(tok[i:i + 12].encode(), r.out + r.err, "output of %s" % " ".join(args))


@case("iam-echoed-password-redacted-through-unicode-escapes")
def _(c):
    # the special password ('"', '\\', tab, e-acute) comes back as \" \\ \t \u00e9:
    # found in the parsed message and in the raw body -v prints
    pw = c.iam_special_password
    for args in ([], ["-v"]):
        r = _iam(c, *args, user="e2e-echo", password=pw)
        expect_rc(r, 1)
        expect_in(b"wrong password: (redacted)", r.err, "stderr (the echo was redacted, not absent)")
        raw = json.dumps(pw)[1:-1].encode()
        for form, what in ((pw.encode("utf-8"), "as UTF-8"), (raw, "JSON-escaped")):
            for i in range(len(form) - 12 + 1):
                expect_not_in(form[i:i + 12], r.out + r.err, "output of token %s (%s)" % (" ".join(args), what))


@case("json-escapes-terminal-controls")
def _(c):
    r = c.unlock("--json", "echosecrets-j1")
    expect_rc(r, 1)
    _no_terminal_controls(r.out, "stdout (--json)")
    o = json.loads(r.out.decode("utf-8"))
    expect_in("\u202eevil", o.get("error_msg", ""), "error_msg (escaped, not lost)")
    expect_in(b"\\u202e", r.out, "stdout: U+202E as a JSON escape")
    expect_in(b"\\u009b", r.out, "stdout: U+009B as a JSON escape")


# ---- the proxy password without argv (issue 11: 3)
def _purl_user(c, tp=None):
    tp = tp or _tp(c)
    return tp.url.replace("http://", "http://%s@" % c.proxy_user)


@case("proxy-password-from-env")
def _(c):
    tp = _tp(c)
    ts, s = _tp_snap(tp), c.snap()
    r = c.unlock("--proxy", _purl_user(c), "ok-pxenvpw", extra_env={"HCSMS_PROXY_PASSWORD": c.proxy_pass})
    expect_rc(r, 0)
    expect_not_in(b"warning", r.err, "stderr")
    c.valid_requests(s, 1)
    _expect_connects(tp, ts, 1, c.mock.port)
    # the environment's proxy URL takes it too
    r = c.unlock("ok-pxenvpw2", extra_env={"HTTPS_PROXY": _purl_user(c),
                                           "HCSMS_PROXY_PASSWORD": c.proxy_pass})
    expect_rc(r, 0)


@case("proxy-password-file")
def _(c):
    tp = _tp(c)
    pw = c.write(c.proxy_pass + "\n")
    ts, s = _tp_snap(tp), c.snap()
    # the file wins over a wrong HCSMS_PROXY_PASSWORD
    r = c.unlock("--proxy", _purl_user(c), "--proxy-password-file", pw, "ok-pxfile",
                 extra_env={"HCSMS_PROXY_PASSWORD": "wrong-" + c.proxy_pass})
    expect_rc(r, 0)
    expect_eq(r.err, b"", "stderr")
    _expect_connects(tp, ts, 1, c.mock.port)
    os.chmod(pw, 0o644)
    r = c.unlock("--proxy", _purl_user(c), "--proxy-password-file", pw, "ok-pxfile2")
    expect_rc(r, 0)
    expect_in(b"warning: proxy password file", r.err, "stderr")
    s = c.snap()
    r = c.unlock("--strict-permissions", "--proxy", _purl_user(c), "--proxy-password-file", pw,
                 "ok-pxfile3")
    expect_rc(r, 2)
    c.saw_nothing(s)


@case("proxy-password-needs-a-user")
def _(c):
    s = c.snap()
    r = c.unlock("--proxy", _tp(c).url, "ok-pxnouser", extra_env={"HCSMS_PROXY_PASSWORD": "x" * 9})
    expect_rc(r, 2)
    expect_in("needs a user name", r.serr, "stderr")
    c.saw_nothing(s)


@case("proxy-password-in-url-warned")
def _(c):
    r = c.unlock("--proxy", _purl(c), "ok-pxwarn")
    expect_rc(r, 0)
    expect_in("warning: a password in --proxy", r.serr, "stderr")


@case("usage-errors-never-echo-user-info")
def _(c):
    for args in (["--proxy-url=http://bob:Pa55w0rdXY@127.0.0.1:1", "ok-1"],
                 ["--endpoint", "https://bob:Pa55w0rdXY@localhost:1", "ok-1"],
                 ["--endpoint", "https://bob:Pa55w0rd/XY@localhost:1", "ok-1"],
                 ["--proxy", "socks5://bob:Pa55w0rdXY@127.0.0.1:1", "ok-1"]):
        r = c.run(["unlock"] + args)
        expect_rc(r, 2)
        for needle in (b"bob", b"Pa55w0rd"):
            expect_not_in(needle, r.out + r.err, "output of %s" % args[0])
    # nor the environment's endpoint
    r = c.run(["unlock", "ok-1"], extra_env={"HCSMS_ENDPOINT": "https://bob:Pa55w0rdXY@localhost:1"})
    expect_rc(r, 2)
    for needle in (b"bob", b"Pa55w0rd"):
        expect_not_in(needle, r.out + r.err, "output (HCSMS_ENDPOINT)")


@case("stdin-read-by-one-option")
def _(c):
    for args in (["unlock", "--endpoint", c.mock.url, "--cacert", c.ca, "--token-file", "-",
                  "--proxy", "http://u@127.0.0.1:1", "--proxy-password-file", "-", "ok-1"],
                 ["token", "--user", "u", "--account", "a", "--domain-scope", "--password-file", "-",
                  "--proxy", "http://u@127.0.0.1:1", "--proxy-password-file", "-"]):
        r = c.run(args, token=None, stdin_data=b"first\nsecond\n")
        expect_rc(r, 2)
        expect_in("cannot both read standard input", r.serr, "stderr")


@case("proxy-password-empty-refused")
def _(c):
    s = c.snap()
    r = c.unlock("--proxy", _purl_user(c), "--proxy-password-file", c.write(b"\n"), "ok-pxempty")
    expect_rc(r, 2)
    c.saw_nothing(s)


@case("argv-starred-undumpable-no-core")
def _(c):
    """Both --proxy passwords are starred in /proc/PID/cmdline while hcsms
    runs, the process cannot be read by its own user (not dumpable: its
    /proc files belong to root) and writes no core file (RLIMIT_CORE 0)."""
    c.require("proxy")
    if c.wrapper:
        # valgrind and qemu-user keep their own copy of argv and apply
        # prctl/setrlimit to themselves: only the plain run can show this
        return
    hold = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hold.bind(("127.0.0.1", 0))
    hold.listen(8)  # connections complete in the backlog; nothing ever answers
    folder = tempfile.mkdtemp()
    os.chmod(folder, 0o755)
    ca = os.path.join(folder, "ca.pem")
    shutil.copy(c.ca, ca)
    os.chmod(ca, 0o644)
    env = {"PATH": os.environ.get("PATH", ""), "HCSMS_AUTH_TOKEN": c.token}
    prefix = []
    if os.geteuid() == 0:  # as root, /proc files belong to root anyway: run as nobody
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    # The second --proxy is used: a "proxy" that never answers the CONNECT.
    port = hold.getsockname()[1]
    argv = prefix + [c.bin, "unlock", "--endpoint", "https://localhost:%d" % port, "--cacert", ca,
                     "--timeout", "3000", "--proxy", "http://u:FirstPw111@127.0.0.1:%d" % port,
                     "--proxy=http://u:SecondPw22@127.0.0.1:%d" % port, "ok-1"]
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        with open("/proc/%d/cmdline" % p.pid, "rb") as f:
            cmdline = f.read()
        expect(p.poll() is None, "hcsms ended early (exit %s): %r" % (p.poll(), p.stderr.read()[-300:]))
        for pw in (b"FirstPw111", b"SecondPw22"):
            expect_not_in(pw, cmdline, "/proc/PID/cmdline")
        expect_in(b"u:**********@", cmdline, "/proc/PID/cmdline %r" % cmdline)
        st = os.stat("/proc/%d/mem" % p.pid)
        expect_eq(st.st_uid, 0, "owner of /proc/PID/mem (root when the process is not dumpable)")
        with open("/proc/%d/status" % p.pid) as f:
            uid = [l.split()[1] for l in f if l.startswith("Uid:")][0]
        expect(uid != "0", "hcsms ran as uid %s, expected a user other than root" % uid)
        with open("/proc/%d/limits" % p.pid) as f:
            core = [l for l in f if l.startswith("Max core file size")][0].split()
        expect_eq(core[4:6], ["0", "0"], "RLIMIT_CORE (soft, hard)")
    finally:
        out, err = p.communicate(timeout=20)
        hold.close()
        shutil.rmtree(folder, ignore_errors=True)
    expect_eq(p.returncode, 3, "exit status")
    for pw in (b"FirstPw111", b"SecondPw22"):
        expect_not_in(pw, out + err, "output")


# ---- files (issue 11: 5)
@case("input-files-must-be-regular")
def _(c):
    fifo = os.path.join(c.tmp, "fifo-%d" % os.getpid())
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo, 0o600)
    s = c.snap()
    for args, token in ((["unlock", "--token-file", fifo, "ok-1"], None),
                        (["unlock", "--from", fifo], DEFAULT),
                        (["unlock", "--cacert", fifo, "ok-1"], DEFAULT),
                        (["unlock", "--proxy", "http://u@127.0.0.1:1", "--proxy-password-file", fifo, "ok-1"],
                         DEFAULT),
                        (["token", "--user", "u", "--account", "a", "--domain-scope", "--password-file", fifo],
                         None)):
        if "--cacert" not in args and args[0] == "unlock":
            args = args[:1] + ["--endpoint", c.mock.url, "--cacert", c.ca] + args[1:]
        t0 = time.monotonic()
        r = c.run(args, token=token, timeout=10)
        expect_rc(r, 2)
        expect(time.monotonic() - t0 < 5 * c.factor, "%s on a FIFO took %.1fs" % (args, time.monotonic() - t0))
        expect_in("not a regular file", r.serr, "stderr for %s" % " ".join(args[:2]))
    c.saw_nothing(s)
    os.unlink(fifo)


@case("secret-file-permissions")
def _(c):
    tok = c.write(c.token + "\n", mode=0o644)
    s = c.snap()
    r = c.unlock("--token-file", tok, "ok-perm1", token=None)
    expect_rc(r, 0)
    expect_in("warning: token file %s can be read or changed by others (mode 0644" % tok, r.serr, "stderr")
    s = c.snap()
    r = c.unlock("--strict-permissions", "--token-file", tok, "ok-perm2", token=None)
    expect_rc(r, 2)
    expect_in("refused: --strict-permissions", r.serr, "stderr")
    c.saw_nothing(s)
    os.chmod(tok, 0o600)
    r = c.unlock("--strict-permissions", "--token-file", tok, "ok-perm3", token=None)
    expect_rc(r, 0)
    expect_eq(r.err, b"", "stderr")
    if os.geteuid() == 0:
        os.chown(tok, 65534, 65534)
        r = c.unlock("--token-file", tok, "ok-perm4", token=None)
        expect_rc(r, 0)
        expect_in("is owned by uid 65534", r.serr, "stderr")


@case("from-file-nul-refused")
def _(c):
    ids = c.write(b"ok-1\n# a comment\nabc\x00evil\nok-3\n")
    s = c.snap()
    r = c.unlock("--from", ids)
    expect_rc(r, 2)
    expect_in("line 3 holds a NUL byte", r.serr, "stderr")
    c.saw_nothing(s)


# ---- credentials as one family (issue 11: 6)
@case("aksk-families-never-mix")
def _(c):
    s = c.snap()
    for env, missing in (({"HCSMS_AK": c.ak, "HUAWEICLOUD_SDK_SK": c.sk, "HUAWEICLOUD_SDK_AK": c.ak}, "HCSMS_SK"),
                         ({"HCSMS_SK": c.sk, "HUAWEICLOUD_SDK_AK": c.ak}, "HCSMS_AK"),
                         ({"HCSMS_SECURITY_TOKEN": c.security_token, "HUAWEICLOUD_SDK_AK": c.ak,
                           "HUAWEICLOUD_SDK_SK": c.sk}, "HCSMS_AK"),
                         ({"HUAWEICLOUD_SDK_AK": c.ak}, "HUAWEICLOUD_SDK_SK")):
        r = c.unlock("ok-fam", token=None, extra_env=env)
        expect_rc(r, 2)
        expect_in("%s is not set" % missing, r.serr, "stderr")
    c.saw_nothing(s)
    # a whole SDK family with its own security token is fine (an empty HCSMS_ one is unset)
    s = c.snap()
    r = c.unlock("ok-fam2", token=None, extra_env={"HUAWEICLOUD_SDK_AK": c.tmp_ak, "HUAWEICLOUD_SDK_SK": c.tmp_sk,
                                                    "HUAWEICLOUD_SDK_SECURITY_TOKEN": c.security_token,
                                                    "HCSMS_SECURITY_TOKEN": ""})
    expect_rc(r, 0)
    (req,) = c.valid_requests(s, 1)
    _signed_ok(c, req, ak=c.tmp_ak, extra_signed=("x-security-token",))


@case("project-id-with-token-refused")
def _(c):
    s = c.snap()
    r = c.unlock("--project-id", "0123456789abcdef", "ok-pid")
    expect_rc(r, 2)
    expect_in("--project-id", r.serr, "stderr")
    c.saw_nothing(s)


def iam_users(c):
    """The IAM stand-in's users: (account, user) -> password or options (see mock_sms.py)."""
    a = c.iam_account
    return {
        (a, c.iam_user): c.iam_password,                       # 16,384-byte tokens
        (a, "e2e-special"): c.iam_special_password,
        (a, "e2e-echo"): {"password": c.iam_special_password, "echo_password": True},
        (a, "e2e-chunked"): {"password": c.iam_password, "chunked": True, "big_body": True},
        (a, "e2e-bigbody"): {"password": c.iam_password, "big_body": True},
        (a, "e2e-short"): {"password": c.iam_password, "token_len": 200},
        (a, "e2e-notoken"): {"password": c.iam_password, "no_token": True},
        (a, "e2e-toolong"): {"password": c.iam_password, "token_len": IAM_TOKEN_MAX + 1},
        (a, "e2e-slow"): {"password": c.iam_password, "delay_s": 10},
    }


def setup(c, want_nginx, want_proxy=False):
    subprocess.run(["bash", os.path.join(HERE, "make_pki.sh"), c.pki], check=True, timeout=60,
                   stdin=subprocess.DEVNULL)
    pem = lambda n: os.path.join(c.pki, n)  # noqa: E731
    c.mock = MockSMS(pem("server.pem"), pem("server.key"), c.token,
                     credentials={c.ak: c.sk, c.tmp_ak: c.tmp_sk},
                     security_tokens={c.tmp_ak: c.security_token},
                     iam_users=iam_users(c)).start()
    c.mock_expired = MockSMS(pem("expired.pem"), pem("expired.key"), c.token).start()
    # IPv6: a mock on ::1 with a certificate for IP ::1
    c.mock6 = MockSMS(pem("server6.pem"), pem("server6.key"), c.token, host="::1").start()
    c.plain = PlainHTTPServer().start()
    # a port that refuses connections: bound but not listening
    c.closed_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.closed_sock.bind(("127.0.0.1", 0))
    c.closed_port = c.closed_sock.getsockname()[1]
    # a port whose accept queue is full: SYNs go unanswered (connect timeout)
    c.backlog_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.backlog_sock.bind(("127.0.0.1", 0))
    c.backlog_sock.listen(0)
    for _i in range(8):
        f = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        f.settimeout(0.3)
        try:
            f.connect(c.backlog_sock.getsockname())
            c.backlog_fill.append(f)
        except OSError:
            f.close()
            break
    else:
        c.backlog_fill = []  # never filled up: the case will say so
    # 16,384-byte token for a second nginx (characters nginx's config can hold verbatim)
    alphabet = [ch for ch in map(chr, range(0x21, 0x7F)) if ch not in "'\\$;{}"]
    c.nginx_big_token = "".join(alphabet[(i * 7) % len(alphabet)] for i in range(16384))
    if want_nginx:
        try:
            # one nginx per expected token: the normal one and the 16 KB one
            c.nginx = NginxServer(os.path.join(c.tmp, "nginx"), pem("server.pem"), pem("server.key"),
                                  c.token).start()
            c.nginx_big = NginxServer(os.path.join(c.tmp, "nginx-big"), pem("server.pem"),
                                      pem("server.key"), c.nginx_big_token).start()
        except Exception as e:  # reported by the nginx cases
            c.nginx_error = str(e)
            for n in (c.nginx, c.nginx_big):
                if n is not None:
                    n.stop()
            c.nginx = c.nginx_big = None
    if want_proxy:
        auth = (c.proxy_user, c.proxy_pass)
        try:
            c.tp = TinyProxy(os.path.join(c.tmp, "tinyproxy"), basic_auth=auth).start()
            c.tp443 = TinyProxy(os.path.join(c.tmp, "tinyproxy-443"), basic_auth=auth,
                                connect_ports=[443]).start()
            c.tp_open = TinyProxy(os.path.join(c.tmp, "tinyproxy-open")).start()
        except Exception as e:  # reported by the proxy cases (they fail, never skip)
            c.tinyproxy_error = str(e)
            for t in (c.tp, c.tp443, c.tp_open):
                if t is not None:
                    t.stop()
            c.tp = c.tp443 = c.tp_open = None


def teardown(c):
    servers = [getattr(c, name, None) for name in ("tp", "tp443", "tp_open", "nginx", "nginx_big", "mock",
                                                   "mock_expired", "mock6", "plain")]
    for srv in servers + list(c.nginx_variants.values()):
        if srv is not None:
            try:
                srv.stop()
            except Exception:
                traceback.print_exc()
    for s in [c.closed_sock, c.backlog_sock] + c.backlog_fill:
        if s is not None:
            s.close()


def tail(b, lines=15, chars=3000, secrets=()):
    for sec in secrets:
        if sec and len(sec) >= 8:
            for sb in (sec.encode("latin-1", "replace"), sec.encode("utf-8", "surrogateescape")):
                b = b.replace(sb, b"<TOKEN>")
    text = b.decode("utf-8", "replace")
    if len(text) > chars:
        text = "..." + text[-chars:]
    ls = text.splitlines()
    if len(ls) > lines:
        ls = ["..."] + ls[-lines:]
    return "\n".join("      | " + l for l in ls) if ls else "      (empty)"


def report_failure(c, name, reason):
    print("FAIL %s: %s" % (name, reason))
    if c.mock is not None and c.case_snap is not None:
        for q in c.new_requests(c.case_snap):
            if q["problem"]:
                print("    mock rejected %s %s: %s" % (q["method"], q["raw_path"], q["problem"]))
        for q in c.mock.iam_requests[getattr(c, "case_iam_snap", 0):]:
            if q["error"]:
                print("    IAM stand-in answered %s %s?%s with %s: %s"
                      % (q["method"], q["path"], q["query"], q["status"], q["error"]))
    for r in c.results[-2:]:
        shown = " ".join(shlex.quote(a) if len(a) < 120 else "'<%d bytes>'" % len(a) for a in r.cmd)
        print("    command: %s%s" % ((r.env_note + " ") if r.env_note else "", shown))
        print("    exit: %s  (%.2fs)" % (r.rc, r.elapsed))
        secrets = [c.nginx_big_token] + list(c.fixed_secrets())
        if c.mock is not None:
            secrets += list(c.mock.issued_tokens)
        print("    stdout:\n%s" % tail(r.out, secrets=secrets))
        print("    stderr:\n%s" % tail(r.err, lines=40 if c.wrapper else 15, secrets=secrets))


e2e_session.register(sys.modules[__name__])  # its cases join the list here


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                    help="run only cases whose name contains SUBSTRING (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the case names and exit")
    a = ap.parse_args()

    selected = [(n, f) for n, f in CASES if not a.k or any(k in n for k in a.k)]
    if a.list:
        for n, _f in selected:
            print(n)
        return 0

    binary = os.environ.get("HCSMS_BIN") or os.path.join(REPO, "build", "hcsms")
    binary = os.path.abspath(binary)
    wrapper = shlex.split(os.environ.get("HCSMS_WRAPPER", ""))
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("FAIL setup: hcsms binary not found or not executable: %s" % binary)
        print("e2e: 0 passed, 1 failed")
        return 1

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)

    passed = failed = skipped = 0
    require_all = os.environ.get("HCSMS_REQUIRE_ALL") == "1"
    interrupted = False
    with tempfile.TemporaryDirectory(prefix="hcsms-e2e-") as tmp:
        c = Ctx(binary, wrapper, tmp)
        try:
            try:
                setup(c, any(n.startswith("nginx") for n, _f in selected),
                      any("proxy" in n for n, _f in selected))
            except Exception as e:
                print("FAIL setup: %s" % e)
                traceback.print_exc(file=sys.stdout)
                failed += 1
                selected = []
            for name, fn in selected:
                c.results = []
                c.case_snap = c.mock.snapshot()
                c.case_iam_snap = len(c.mock.iam_requests)
                t0 = time.monotonic()
                try:
                    fn(c)
                except CaseSkip as e:
                    if require_all and not isinstance(e, NotApplicable):
                        failed += 1
                        print("FAIL %s: skipped, but HCSMS_REQUIRE_ALL=1: %s" % (name, e))
                    else:
                        skipped += 1
                        print("SKIP %s: %s" % (name, e))
                except CaseFail as e:
                    failed += 1
                    report_failure(c, name, e)
                except Exception as e:
                    failed += 1
                    report_failure(c, name, "harness error: %s: %s" % (type(e).__name__, e))
                    traceback.print_exc(file=sys.stdout)
                else:
                    passed += 1
                    print("PASS %s (%.2fs)" % (name, time.monotonic() - t0))
                sys.stdout.flush()
        except KeyboardInterrupt:
            interrupted = True
            print("interrupted")
        finally:
            teardown(c)
    print("e2e: %d passed, %d failed%s" % (passed, failed,
                                          ", %d skipped" % skipped if skipped else ""))
    sys.stdout.flush()
    if interrupted:
        return 130
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
