#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Hostile-server tests for the hcsms client.

Runs ``hcsms unlock --endpoint https://localhost:PORT --cacert CA --timeout T ID...``
against tests/hostile/hostile_server.py, whose answer to each task is a
scripted misbehaviour chosen by the task id, and checks for every run:

  (a) the exit status class: 0 success, 1 the service answered an error
      status, 3 network/TLS/timeout/protocol failure; never another status,
      never a signal;
  (b) an upper bound on the wall time (the --timeout plus a margin), and for
      the cases that test the deadline, that it was the deadline that ended it;
  (c) a clean sanitizer run: no AddressSanitizer / UBSan ("runtime error:") /
      LeakSanitizer report on stderr, no sanitizer or valgrind exit status;
  (d) the token (or any 20-character piece of it) never on stdout or stderr;
  (e) the exact output: "unlocked <id>" and nothing else on success, one
      stderr line per failure, and with --json one valid JSON object per task
      with the fields the answer justifies (most cases run once without and
      once with --json);
and what the server saw (connections, requests, which connection answered).

Usage:  tests/hostile/run_hostile.py [-k SUBSTRING]... [--list] [-v]
Env:    HCSMS_BIN      binary to test (default: build/hcsms in the repo root)
        HCSMS_WRAPPER  command prefixed to every hcsms run (shlex-split), e.g.
                       "valgrind --error-exitcode=99 -q"; the --timeout values
                       and time bounds then grow 5x and exit 99 is a failure.
Prints ``PASS name (0.12s)`` / ``FAIL name: reason`` per case and ends with
``hostile: N passed, N failed``; exits 0 iff nothing failed.
Python 3 standard library only.
"""

import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import hostile_server as hs  # noqa: E402
from hostile_server import HostileServer  # noqa: E402

ALLOWED_EXIT = (0, 1, 3)
SANITIZER_EXIT = {86: "AddressSanitizer", 87: "UBSan", 88: "LeakSanitizer", 23: "LeakSanitizer (default code)",
                  99: "valgrind (--error-exitcode=99)"}
SANITIZER_TEXT = (b"ERROR: AddressSanitizer", b"runtime error:", b"LeakSanitizer", b"ERROR: UndefinedBehavior",
                  b"SUMMARY: AddressSanitizer", b"SUMMARY: UndefinedBehaviorSanitizer")
DEFAULT_TIMEOUT_MS = 4000


class CaseFail(Exception):
    pass


class CaseSkip(Exception):
    """The case cannot be shown in this environment (said why; counted as skipped).
    A failure under HCSMS_REQUIRE_ALL=1 (CI), where every case must run."""


class NotApplicable(CaseSkip):
    """The case cannot be shown under this wrapper, on any machine (e.g. qemu-user
    and /proc/PID/cmdline): counted as skipped, also under HCSMS_REQUIRE_ALL=1."""


class Result:
    def __init__(self, cmd, rc, out, err, elapsed, env_note):
        self.cmd, self.rc, self.out, self.err, self.elapsed, self.env_note = cmd, rc, out, err, elapsed, env_note

    @property
    def serr(self):
        return self.err.decode("utf-8", "replace")

    def err_lines(self):
        # the CLI's closing summary of a run of several tasks is not a task's line
        return [l for l in self.err.split(b"\n")
                if l != b"" and not re.match(rb"^[0-9]+ unlocked, [0-9]+ failed$", l)]


# ============================================================== context
class Ctx:
    def __init__(self, binary, wrapper, tmp):
        self.bin = binary
        self.wrapper = wrapper
        self.factor = 5 if wrapper else 1
        self.margin = 8.0 if wrapper else 1.5      # seconds over the deadline a run may take
        self.tmp = tmp
        self.pki = os.path.join(tmp, "pki")
        self.ca = os.path.join(self.pki, "ca.pem")
        self.other_ca = os.path.join(self.pki, "other-ca.pem")
        self.token = "hostile-Tok3n." + os.urandom(24).hex() + "~_-"
        self.main = None
        self.expired = None
        self.results = []

    def pem(self, name):
        return os.path.join(self.pki, name)

    # ---- running hcsms
    def run(self, ids, *, json_mode=False, timeout_ms=DEFAULT_TIMEOUT_MS, server=None, endpoint=None,
            cacert=None, args=(), deadline=False, env_extra=None):
        """Run hcsms unlock for ids; checks (a)-(d) for every run."""
        t_ms = int(timeout_ms * self.factor)
        argv = ["unlock", "--endpoint", endpoint or (server or self.main).url(),
                "--cacert", cacert or self.ca, "--timeout", str(t_ms)]
        if json_mode:
            argv.append("--json")
        argv += list(args) + list(ids)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HCSMS_")}
        env["HCSMS_AUTH_TOKEN"] = self.token
        env["ASAN_OPTIONS"] = "exitcode=86:detect_leaks=1:" + os.environ.get("ASAN_OPTIONS", "")
        env["UBSAN_OPTIONS"] = "exitcode=87:halt_on_error=1:print_stacktrace=1:" + os.environ.get("UBSAN_OPTIONS", "")
        env["LSAN_OPTIONS"] = "exitcode=88:" + os.environ.get("LSAN_OPTIONS", "")
        env.update(env_extra or {})
        cmd = self.wrapper + [self.bin] + argv
        bound = len(ids) * t_ms / 1000.0 + self.margin
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, stdin=subprocess.DEVNULL,
                               timeout=bound + 10.0)
        except subprocess.TimeoutExpired as e:
            r = Result(cmd, None, e.stdout or b"", e.stderr or b"", time.monotonic() - t0,
                       "HCSMS_AUTH_TOKEN=<%d bytes>" % len(self.token))
            self.results.append(r)
            raise CaseFail("hcsms still running after %.1fs (killed)" % (bound + 10.0))
        r = Result(cmd, p.returncode, p.stdout, p.stderr, time.monotonic() - t0,
                   "HCSMS_AUTH_TOKEN=<%d bytes>" % len(self.token))
        self.results.append(r)
        # (c) sanitizers, crashes
        for pat in SANITIZER_TEXT:
            if pat in r.err:
                raise CaseFail("sanitizer report on stderr (%s)" % pat.decode())
        if r.rc < 0:
            raise CaseFail("hcsms killed by signal %d" % -r.rc)
        if r.rc in SANITIZER_EXIT:
            raise CaseFail("exit status %d: %s reported an error" % (r.rc, SANITIZER_EXIT[r.rc]))
        # (d) the token
        self.check_token(r)
        # (a) the exit status class
        if r.rc not in ALLOWED_EXIT:
            raise CaseFail("exit status %d is not one of 0, 1, 3" % r.rc)
        # (b) wall time
        if r.elapsed > bound:
            raise CaseFail("took %.2fs; the bound is %.2fs (--timeout %dms x %d task(s) + %.1fs)"
                           % (r.elapsed, bound, t_ms, len(ids), self.margin))
        if deadline and r.elapsed < 0.9 * t_ms / 1000.0:
            raise CaseFail("ended after %.2fs, before the %dms deadline: it was not the deadline that ended it"
                           % (r.elapsed, t_ms))
        return r

    def check_token(self, r):
        tok = self.token.encode()
        for out, what in ((r.out, "stdout"), (r.err, "stderr")):
            if tok in out:
                raise CaseFail("the token appears on %s" % what)
            for i in range(0, len(tok) - 20 + 1):
                if tok[i:i + 20] in out:
                    raise CaseFail("a 20-character piece of the token appears on %s" % what)


# ============================================================== checks
def expect(cond, text):
    if not cond:
        raise CaseFail(text)


def expect_eq(got, want, what):
    if got != want:
        raise CaseFail("%s is %r, expected %r" % (what, short(got), short(want)))


def expect_rc(r, want):
    if r.rc != want:
        raise CaseFail("exit status %s, expected %s" % (r.rc, want))


def short(v, n=200):
    s = v if isinstance(v, (str, bytes)) else None
    if s is not None and len(s) > n:
        return s[:n] + (b"..." if isinstance(s, bytes) else "...")
    return v


def json_lines(r, n):
    expect(r.out.endswith(b"\n") or n == 0, "stdout does not end with a newline")
    lines = r.out.split(b"\n")[:-1]
    expect(len(lines) == n, "stdout has %d line(s), expected %d JSON object(s)" % (len(lines), n))
    objs = []
    for i, line in enumerate(lines):
        try:
            o = json.loads(line.decode("utf-8"))   # strict UTF-8
        except (ValueError, UnicodeDecodeError) as e:
            raise CaseFail("stdout line %d is not valid UTF-8 JSON: %s: %r" % (i + 1, e, short(line)))
        expect(isinstance(o, dict), "stdout line %d is not a JSON object" % (i + 1))
        objs.append(o)
    return objs


def check_human_task(r, line, tid, cls, status=None, err=None, rid=None):
    """One failure line on stderr for task tid."""
    prefix = ("hcsms: %s: " % tid).encode()
    expect(line.startswith(prefix), "stderr line %r does not start with %r" % (short(line), prefix))
    if cls == 1:
        st = ("HTTP %d" % status).encode() if status else b"HTTP "
        expect(line[len(prefix):].startswith(st), "stderr line %r does not say %r" % (short(line), st))
        if rid:
            expect(("(request id %s)" % rid).encode() in line,
                   "stderr line %r does not name request id %r" % (short(line), rid))
    else:
        expect(not re.match(rb"HTTP [0-9]{3}\b", line[len(prefix):]),
               "transport failure reported as an HTTP status: %r" % short(line))
        if err:
            expect(err.encode() in line, "stderr line %r does not contain %r" % (short(line), err))


def check_json_task(o, tid, cls, status=None, err=None, rid=None):
    expect_eq(o.get("task_id"), tid, "task_id")
    expect_eq(o.get("ok"), cls == 0, "ok")
    if cls == 3:
        expect("http_status" not in o, "http_status %r present for a failure without an HTTP answer"
               % o.get("http_status"))
        expect(isinstance(o.get("error"), str) and o["error"], "no 'error' text: %r" % short(json.dumps(o)))
        if err:
            expect(err in o["error"], "'error' %r does not contain %r" % (o["error"], err))
        return
    expect("error" not in o, "'error' present for an HTTP answer: %r" % o.get("error"))
    hstat = o.get("http_status")
    expect(isinstance(hstat, int), "http_status missing: %r" % short(json.dumps(o)))
    if status:
        expect_eq(hstat, status, "http_status")
    elif cls == 0:
        expect(200 <= hstat < 300, "http_status %r for a success" % hstat)
    else:
        expect(hstat >= 300, "http_status %r for a service error" % hstat)
    if rid:
        expect_eq(o.get("request_id"), rid, "request_id")


# ============================================================== cases
CASES = []   # (name, expected text, fn)


def case(name, expected):
    def deco(fn):
        CASES.append((name, expected, fn))
        return fn
    return deco


AUTO = object()


def one(c, script, cls, *, status=None, err=None, timeout_ms=DEFAULT_TIMEOUT_MS, deadline=False,
        json_twin=True, check=None, jcheck=None, rid=AUTO, server=None, endpoint=None, cacert=None,
        requests=1, human_args=()):
    """Run one task (script name + "_h", then + "_j" with --json) and check it."""
    srv = server or c.main
    modes = ["h", "j"] if json_twin and not deadline else ["h"]
    for mode in modes:
        tid = "%s_%s" % (script, mode)
        snap = srv.snapshot()
        r = c.run([tid], json_mode=(mode == "j"), timeout_ms=timeout_ms, server=srv, endpoint=endpoint,
                  cacert=cacert, deadline=deadline, args=human_args if mode == "h" else ())
        expect_rc(r, cls)
        time.sleep(0.01)
        conns, reqs = srv.since(snap)
        if srv.mode == "tls":
            expect(len(conns) == 1, "the server saw %d connections, expected 1" % len(conns))
            expect(len(reqs) == requests, "the server saw %d request(s), expected %d" % (len(reqs), requests))
            if conns[0]["tls"]:
                expect_eq(conns[0]["sni"], "localhost", "SNI the server saw")
            if requests:
                expect_eq(reqs[0]["task_id"], tid, "task id the server saw")
                expect_eq(reqs[0]["token"], c.token, "X-Auth-Token the server saw")
        want_rid = None
        if rid is AUTO and reqs and cls in (0, 1):
            want_rid = "rid-%d-%d" % (reqs[0]["conn"], reqs[0]["n"])
        elif isinstance(rid, str):
            want_rid = rid
        elif callable(rid) and reqs:
            want_rid = rid(reqs[0])
        if mode == "h":
            if cls == 0:
                expect_eq(r.out, ("unlocked %s\n" % tid).encode(), "stdout")
                if not human_args:
                    expect_eq(r.err, b"", "stderr")
            else:
                expect_eq(r.out, b"", "stdout")
                lines = r.err_lines()
                if not human_args:
                    expect(len(lines) == 1, "stderr has %d lines, expected 1" % len(lines))
                fail_lines = [l for l in lines if l.startswith(("hcsms: %s: " % tid).encode())]
                expect(len(fail_lines) == 1, "stderr has %d failure lines for %s" % (len(fail_lines), tid))
                check_human_task(r, fail_lines[0], tid, cls, status, err, want_rid)
            if check:
                check(c, r)
        else:
            expect_eq(r.err, b"", "stderr (with --json)")
            (o,) = json_lines(r, 1)
            check_json_task(o, tid, cls, status, err, want_rid)
            if jcheck:
                jcheck(c, o, r)


def single(name, script, cls, **kw):
    """Register a one-task case."""
    what = {0: "exit 0", 1: "exit 1", 3: "exit 3"}[cls]
    if kw.get("deadline"):
        what += " at the deadline"

    @case(name, what)
    def _(c):
        one(c, script, cls, **kw)


def no_esc(c, r, json_mode=False):
    """No raw terminal control bytes in the output.  With --json, U+0080..U+009F
    may appear as UTF-8 (valid JSON, RFC 8259 only requires escaping U+0000..U+001F)."""
    bad = [(b"\x1b", "ESC"), (b"\x07", "BEL"), (b"\r", "CR"), (b"\x7f", "DEL"), (b"\x00", "NUL")]
    if not json_mode:
        bad += [(b"\xc2\x9b", "C1 CSI (U+009B)"), (b"\xc2\x9d", "C1 OSC (U+009D)")]
    for b, what in bad:
        expect(b not in r.err, "stderr contains a raw %s byte" % what)
        expect(b not in r.out, "stdout contains a raw %s byte" % what)


def j_fields(**want):
    """jcheck: fields equal to want; a value None means the field must be absent."""
    def chk(c, o, r):
        for k, v in want.items():
            if v is None:
                expect(k not in o, "field %s present (%r), expected absent" % (k, short(o.get(k))))
            else:
                expect_eq(o.get(k), v, k)
    return chk


def both(*fns):
    def chk(*a):
        for f in fns:
            f(*a)
    return chk


# ---- connection closed at every point ------------------------------------------
CLOSED = "connection closed by the server"
TRUNC = "response truncated"
single("close-before-any-byte", "close-before-any", 3, err=CLOSED)
single("close-notify-before-any-byte", "notify-before-any", 3, err=CLOSED)


def reset_seen(c, r):
    expect(b"reset by peer" in r.err, "stderr does not show the TCP reset (system error ECONNRESET)")


single("rst-before-any-byte", "rst-before-any", 3, err=CLOSED, check=reset_seen)
single("close-inside-status-line", "close-in-status", 3, err=TRUNC)
single("close-after-status-line-200", "close-after-status", 3, err=TRUNC)
single("close-inside-headers", "close-in-headers", 3, err=TRUNC)
single("close-after-headers-before-body", "close-after-headers", 3, err=TRUNC)
single("close-inside-body-content-length", "close-in-body-cl", 3, err=TRUNC)
single("close-notify-inside-body", "notify-in-body-cl", 3, err=TRUNC)
single("rst-inside-body", "rst-in-body-cl", 3, err=TRUNC, check=reset_seen)
single("close-inside-chunk-data", "close-in-chunk", 3, err=TRUNC)
single("close-before-last-chunk", "close-before-last-chunk", 3, err=TRUNC)
single("close-inside-trailers", "close-in-trailers", 3, err=TRUNC)
single("close-after-complete-200", "close-after-200", 0)
single("close-notify-after-complete-200", "notify-after-200", 0)
single("rst-after-complete-200", "rst-after-200", 0)

# ---- Content-Length --------------------------------------------------------------
CLERR = "Content-Length"
single("content-length-longer-then-close", "cl-long", 3, err=TRUNC)
single("content-length-negative", "cl-negative", 3, err=CLERR)
single("content-length-plus-sign", "cl-plus", 3, err=CLERR)
single("content-length-two-numbers", "cl-two-numbers", 3, err=CLERR)
single("content-length-hex", "cl-hex", 3, err=CLERR)
single("content-length-empty", "cl-empty", 3, err=CLERR)
single("content-length-dup-conflicting", "cl-dup-conflict", 3, err=CLERR)
single("content-length-dup-identical", "cl-dup-same", 0)
single("content-length-comma-list", "cl-list", 3, err=CLERR)
single("content-length-23-digits", "cl-overflow", 3, err=CLERR)
single("content-length-2pow64", "cl-2pow64", 3, err=CLERR)
single("content-length-over-16mib", "cl-over-max", 3, err="body too large")
single("content-length-space-before-colon", "cl-space-colon", 3, err="malformed HTTP header")

# ---- chunked ---------------------------------------------------------------------
CHUNK = "malformed chunked body"
single("chunked-bad-hex", "chunk-bad-hex", 3, err=CHUNK)
single("chunked-size-22-hex-digits", "chunk-overflow", 3, err="too many digits")
single("chunked-size-9-digits", "chunk-9-digits", 3, err="too many digits")
single("chunked-size-4gib", "chunk-4gib", 3, err="body too large")
single("chunked-missing-crlf-after-data", "chunk-no-crlf", 3, err=CHUNK)
single("chunked-no-size-digits", "chunk-no-digits", 3, err=CHUNK)
single("chunked-endless-size-line", "chunk-endless-size-line", 3, err="line too long")
single("chunked-trailer-flood", "chunk-trailer-flood", 3, err="too many HTTP headers")
single("chunked-with-content-length", "chunk-with-cl", 3, err="framing")
single("transfer-encoding-gzip", "te-gzip", 3, err="framing")
single("transfer-encoding-chunked-gzip", "te-chunked-gzip", 3, err="framing")
single("transfer-encoding-chunked-twice", "te-chunked-twice", 3, err="framing")

# ---- status lines ----------------------------------------------------------------
STATUS = "malformed HTTP status line"
single("status-garbage", "st-garbage", 3, err=STATUS)
single("status-http2", "st-http2", 3, err=STATUS)
single("status-2000", "st-2000", 3, err=STATUS)
single("status-600", "st-600", 3, err=STATUS)
single("status-lowercase-http", "st-lowercase", 3, err=STATUS)
single("status-bare-cr", "st-bare-cr", 3)
single("status-nul-in-reason", "st-nul-reason", 3, err=STATUS)
single("status-body-without-head", "st-body-only", 3, err=TRUNC)
single("status-ssh-banner", "st-ssh", 3, err=STATUS)
single("status-smtp-greeting", "st-smtp", 3, err=STATUS)
single("status-binary-noise", "st-noise", 3)
single("status-reason-9000-bytes", "st-reason-9000", 3, err="line too long")

# ---- empty lines before the status line ------------------------------------------------
single("status-after-one-empty-line", "st-crlf-first", 0)
single("status-after-one-bare-lf", "st-lf-first", 0)
single("status-after-two-empty-lines", "st-crlf-twice-first", 3, err=STATUS)
single("status-after-cr-without-lf", "st-cr-first", 3, err=STATUS)
single("empty-line-then-silent", "st-crlf-then-silent", 3, err="timed out", timeout_ms=1500, deadline=True)
# a fresh connection: no byte of an answer, as for a close with nothing (not retried)
single("empty-line-then-close", "st-crlf-then-close", 3, err=CLOSED)


def _refused_at_once(c, r):
    # refused at the second empty line, not read until a limit or the deadline
    expect(r.elapsed < DEFAULT_TIMEOUT_MS * c.factor / 2000.0,
           "took %.2fs: not refused at the second empty line" % r.elapsed)


single("empty-lines-forever", "st-crlf-forever", 3, err=STATUS, check=_refused_at_once,
       jcheck=lambda c, o, r: _refused_at_once(c, r))


@case("keepalive-empty-line-before-next-answer", "exit 0: both on one connection")
def _(c):
    for mode in ("h", "j"):
        ids = ["ok_e1" + mode, "st-crlf-first_e2" + mode]
        snap = c.main.snapshot()
        r = c.run(ids, json_mode=(mode == "j"))
        expect_rc(r, 0)
        time.sleep(0.01)
        cs, reqs = c.main.since(snap)
        expect_eq([(q["task_id"], q["n"]) for q in reqs], [(ids[0], 1), (ids[1], 2)],
                  "(task, request number on its connection) the server saw")
        expect(len(cs) == 1, "the server saw %d connections, expected 1" % len(cs))
        if mode == "h":
            expect_eq(r.out, ("unlocked %s\nunlocked %s\n" % tuple(ids)).encode(), "stdout")
        else:
            for o, tid in zip(json_lines(r, 2), ids):
                check_json_task(o, tid, 0, status=200)


@case("keepalive-empty-line-then-close-retried-once", "exit 3: the 2nd sent again once, fresh connection")
def _(c):
    # On the kept-alive connection an empty line and a FIN are no answer at
    # all: the request goes again, once, on a fresh connection (which closes
    # the same way: that one is a fresh connection's failure, not retried).
    ids = ["ok_f1", "st-crlf-then-close_f2"]
    snap = c.main.snapshot()
    r = c.run(ids)
    expect_rc(r, 3)
    time.sleep(0.01)
    cs, reqs = c.main.since(snap)
    expect_eq([(q["task_id"], q["n"]) for q in reqs], [(ids[0], 1), (ids[1], 2), (ids[1], 1)],
              "(task, request number on its connection) the server saw")
    expect(len(cs) == 2, "the server saw %d connections, expected 2" % len(cs))
    expect_eq(r.out, b"unlocked ok_f1\n", "stdout")
    lines = r.err_lines()
    expect(len(lines) == 1, "stderr has %d lines, expected 1" % len(lines))
    check_human_task(r, lines[0], ids[1], 3, err=CLOSED)


# ---- 1xx ---------------------------------------------------------------------------
single("interim-flood-1000", "int-flood", 3, err="1xx")
single("interim-9-then-200", "int-9", 3, err="1xx")
single("interim-8-then-200", "int-8", 0)
single("interim-100-102-103-then-200", "int-mixed", 0)
single("switching-protocols-101", "int-101", 3, err="unexpected")


def _no_rid_human(c, r):
    expect(b"(request id none)" in r.err, "stderr does not say (request id none)")
    expect(b"INTERIM" not in r.err, "the 1xx answer's X-Request-Id was reported")


single("interim-request-id-not-kept", "int-rid", 1, status=403, rid=None, check=_no_rid_human,
       jcheck=j_fields(request_id=None, error_code="SMS.INT"))

# ---- header limits -------------------------------------------------------------------
single("header-line-9000-bytes", "hdr-line-9000", 3, err="line too long")
single("header-line-8000-bytes", "hdr-line-8000", 0)
single("headers-5000", "hdr-thousands", 3, err="too many HTTP headers")
single("headers-100", "hdr-100", 0)
single("headers-101", "hdr-101", 3, err="too many HTTP headers")
single("headers-40k-total", "hdr-40k", 3, err="headers too large")
single("headers-30k-total", "hdr-30k", 0)
single("header-obs-fold", "hdr-obs-fold", 3, err="malformed HTTP header")
single("header-without-colon", "hdr-no-colon", 3, err="malformed HTTP header")
single("header-nul-in-value", "hdr-nul", 3, err="malformed HTTP header")
single("header-endless-name", "hdr-endless-name", 3, err="line too long")

# ---- the deadline ----------------------------------------------------------------------
TIMEOUT = "timed out"
single("drip-one-byte-a-second", "drip-status", 3, err=TIMEOUT, timeout_ms=2000, deadline=True)
single("drip-body-one-byte-a-second", "drip-body", 3, err=TIMEOUT, timeout_ms=1500, deadline=True)
single("silent-after-request", "silent", 3, err=TIMEOUT, timeout_ms=1500, deadline=True)
single("close-delimited-200-server-never-closes", "close-delimited-never-closes", 3, err=TIMEOUT,
       timeout_ms=1500, deadline=True)
single("silent-inside-headers", "silent-mid-headers", 3, err=TIMEOUT, timeout_ms=1500, deadline=True)


# ---- error bodies ------------------------------------------------------------------------
single("error-html-502", "err-html", 1, status=502,
       jcheck=j_fields(error_code=None, error_msg=None))
single("error-empty-500", "err-empty", 1, status=500,
       jcheck=j_fields(error_code=None, error_msg=None))
single("error-truncated-json", "err-trunc-json", 1, status=403,
       jcheck=j_fields(error_code="SMS.9004", error_msg=None, truncated=True))
single("error-body-3mb", "err-3mb", 1, status=403, timeout_ms=8000,
       jcheck=j_fields(error_code="SMS.9999", error_msg="big body", truncated=True))
single("error-body-3mb-chunked", "err-3mb-chunked", 1, status=403, timeout_ms=8000,
       jcheck=j_fields(error_code="SMS.9999", error_msg="big body", truncated=True))
single("error-nested-10000-levels", "err-nested", 1, status=403,
       jcheck=j_fields(error_code="SMS.0001", error_msg="deep", truncated=True))
single("error-nested-10000-before-fields", "err-nested-first", 1, status=403,
       jcheck=j_fields(error_code=None, truncated=True))
single("error-param-5000-items", "err-params-many", 1, status=400,
       jcheck=j_fields(error_code="SMS.0400", error_param=["p0", "p1", "p2", "p3"], details=None,
                       truncated=True))
single("error-details-5000-items", "err-details-many", 1, status=400,
       jcheck=j_fields(error_code="SMS.0400", error_param=None, truncated=True,
                       details=[{"error_code": "D.%d" % i, "error_msg": "detail %d" % i} for i in range(4)]))
single("error-five-params-five-details", "err-five-each", 1, status=400,
       jcheck=j_fields(error_code="SMS.0400", error_msg="five each", error_param=["p0", "p1", "p2", "p3"],
                       truncated=True,
                       details=[{"error_code": "D.%d" % i, "error_msg": "detail %d" % i} for i in range(4)]))

ESCAPES_DECODED = ('caf\u00e9 \U0001F600 nul[%s] tab[\t] nl[\n] q["] bs[\\] sl[/] '
                   'lone-hi[\ufffd] lone-lo[\ufffd] bmp[\u4e2d] upper[\u00c9] end')


def _escapes_json(c, o, r):
    expect_eq(o.get("error_code"), "SMS.1", "error_code")
    got = o.get("error_msg")
    ok = [ESCAPES_DECODED % v for v in ("\ufffd", "\u0000")]
    expect(got in ok, "error_msg is %r, expected %r (\\u0000 as U+FFFD or kept)" % (got, ok[0]))
    expect_eq(o.get("error_param"), ['a"b'], "error_param")
    expect("truncated" not in o, "truncated although nothing was cut")


def _escapes_human(c, r):
    line = r.err_lines()[0].decode("utf-8")
    expect("caf\u00e9 \U0001F600 nul[" in line, "decoded text missing from %r" % line)
    expect("tab[ ] nl[ ]" in line, "tab/newline not shown as spaces in %r" % line)
    expect("upper[\u00c9] end" in line, "text after \\u0000 lost: %r" % line)


single("error-escapes-surrogates-nul", "err-escapes", 1, status=403, check=_escapes_human, jcheck=_escapes_json)

ANSI_MSG = "\x1b[31mRED\x1b[0m bell\x07 cr\r osc\x1b]0;pwned\x07 c1\x9b2J del\x7f end"


def _ansi_json(c, o, r):
    expect_eq(o.get("error_code"), "SMS.\x1b[2J", "error_code")
    expect_eq(o.get("error_msg"), ANSI_MSG, "error_msg")
    expect_eq(o.get("error_param"), ["\x1b[5mblink"], "error_param")
    expect_eq(o.get("details"), [{"error_code": "D\x1b", "error_msg": "x\x1b[1my"}], "details")
    expect_eq(o.get("encoded_authorization_message"), "\x1b[8mhidden", "encoded_authorization_message")
    no_esc(c, r, json_mode=True)


def _ansi_human(c, r):
    no_esc(c, r)
    expect(b"RED" in r.err and b"pwned" in r.err and b"blink" in r.err and b"hidden" in r.err,
           "the (sanitised) text is missing from stderr")


single("error-ansi-escapes-verbose", "err-ansi", 1, status=403, human_args=["-v"],
       check=_ansi_human, jcheck=_ansi_json)
single("header-esc-in-request-id", "hdr-esc-request-id", 3, err="malformed HTTP header")

RAW_CTRL_EXPECTED = ("raw\x1b[31m esc \x07bell \ufffd lone-c1 \x9b2J c1 \ufffd bad \ufffd cut \ufffd cut3 "
                     "\ufffd surrogate ok\u00e9 end")


def _raw_ctrl_json(c, o, r):
    expect_eq(o.get("error_code"), "SMS.\x1b[2J", "error_code")
    got = re.sub("\ufffd+", "\ufffd", o.get("error_msg") or "")
    expect_eq(got, RAW_CTRL_EXPECTED, "error_msg (runs of U+FFFD counted as one)")
    no_esc(c, r, json_mode=True)


single("error-raw-control-and-bad-utf8", "err-raw-ctrl", 1, status=403, check=no_esc, jcheck=_raw_ctrl_json)


def _long_msg_json(c, o, r):
    m = o.get("error_msg") or ""
    n = len(m.encode())
    expect(250 <= n <= 256, "error_msg is %d bytes, expected a cut to at most 256" % n)
    expect(hs.LONG_MSG.startswith(m), "error_msg is not a prefix of the server's (cut inside a character?)")
    expect_eq(o.get("truncated"), True, "truncated")


single("error-msg-600-bytes-utf8", "err-long-msg", 1, status=403, jcheck=_long_msg_json)


def _long_rid_json(c, o, r):
    rid = o.get("request_id") or ""
    expect(rid.startswith("R??") and set(rid[3:]) <= {"r"} and 16 <= len(rid) <= 64,
           "request_id %r is not a sanitised prefix of at most 64 bytes" % short(rid))
    expect_eq(o.get("truncated"), True, "truncated")
    no_esc(c, r, json_mode=True)


single("error-request-id-5000-bytes-obs-text", "err-long-rid", 1, status=403, rid=None,
       check=no_esc, jcheck=_long_rid_json)
single("error-close-delimited-500", "err-close-delimited", 1, status=500,
       jcheck=j_fields(error_code="SMS.CLOSE", error_msg="close-delimited error"))
single("error-403-body-cut-short", "err-403-truncated", 3, err=TRUNC)
single("error-arrays-with-mixed-types", "err-mixed-types", 1, status=400,
       jcheck=j_fields(error_code="SMS.MIX", error_param=["p0", "p1"],
                       details=[{"error_code": "D", "error_msg": "m"}]))
single("error-body-exactly-16mib", "err-16mib-exact", 1, status=403, timeout_ms=15000,
       jcheck=j_fields(error_code="SMS.16M", error_msg="exactly 16 MiB", truncated=True))
single("error-body-json-array", "err-array-body", 1, status=403,
       jcheck=j_fields(error_code=None, error_msg=None))


def _nul_json(c, o, r):
    expect_eq(o.get("error_code"), "NUL", "error_code")
    expect(o.get("error_msg") in (None, "a", "a\ufffdb", "a\u0000b"), "error_msg %r" % o.get("error_msg"))


single("error-body-raw-nul", "err-nul-in-body", 1, status=403, jcheck=_nul_json)
single("redirect-301-not-followed", "err-redirect", 1, status=301)
single("error-echoes-the-token", "err-echo-token", 1, status=401)
single("error-request-id-echoes-the-token", "err-echo-head", 1, status=400, rid=None)
single("body-17mib-close-delimited", "body-17mib", 3, err="body too large", timeout_ms=10000)

# ---- success variants ------------------------------------------------------------------------
single("ok-chunked-extensions-trailers", "ok-chunked-ext", 0)
single("ok-close-delimited", "ok-close-delimited", 0)
single("ok-http10", "ok-http10", 0)
single("ok-http10-close-delimited", "ok-http10-no-cl", 0)
single("ok-100-continue", "ok-continue", 0)
single("ok-content-length-0", "ok-cl0", 0)
single("ok-204", "ok-204", 0, status=204)
single("ok-201-with-body", "ok-201", 0, status=201)
single("ok-1mib-body-drained", "ok-1mib", 0, timeout_ms=8000)
single("ok-one-byte-chunks", "ok-tiny-chunks", 0)
single("ok-header-case", "ok-case", 0)
single("ok-one-byte-per-tls-record", "ok-bytewise", 0)
single("ok-split-at-awkward-points", "ok-split", 0)


# ---- keep-alive safety -------------------------------------------------------------------------
def two_tasks(c, first, second, cls, *, first_cls, second_status, first_err=None, conns=2):
    """first's answer is followed by stale bytes (or breaks mid-body); second
    must be answered by its own request on a fresh connection."""
    for mode in ("h", "j"):
        a, b = first + "_" + mode, second + "_" + mode
        snap = c.main.snapshot()
        r = c.run([a, b], json_mode=(mode == "j"))
        expect_rc(r, cls)
        time.sleep(0.01)
        cs, reqs = c.main.since(snap)
        expect(b"STALE" not in r.out and b"STALE" not in r.err, "the stale answer was reported")
        expect(len(cs) == conns, "the server saw %d connections, expected %d" % (len(cs), conns))
        last = [q for q in reqs if q["task_id"] == b]
        expect(len(last) >= 1, "the server never saw the second task")
        expect_eq([q["task_id"] for q in reqs if q["conn"] == reqs[0]["conn"]], [a],
                  "requests on the first connection (the second task must not reuse it)")
        q2 = last[-1]
        expect(q2["conn"] != reqs[0]["conn"] and q2["n"] == 1,
               "the second task was not sent on a fresh connection (conn %d, request %d)" % (q2["conn"], q2["n"]))
        rid2 = "real-rid-%d-1" % q2["conn"]
        if mode == "h":
            want_out = ("unlocked %s\n" % a if first_cls == 0 else "") + \
                       ("unlocked %s\n" % b if second_status == 200 else "")
            expect_eq(r.out, want_out.encode(), "stdout")
            lines = r.err_lines()
            n_fail = (first_cls != 0) + (second_status != 200)
            expect(len(lines) == n_fail, "stderr has %d lines, expected %d" % (len(lines), n_fail))
            if first_cls != 0:
                check_human_task(r, lines[0], a, first_cls, err=first_err)
            if second_status != 200:
                check_human_task(r, lines[-1], b, 1, status=second_status, rid=rid2)
                expect(b"HOSTILE.REAL" in lines[-1], "the second task's line lacks its real error code")
        else:
            o1, o2 = json_lines(r, 2)
            check_json_task(o1, a, first_cls, err=first_err,
                            rid=("rid-%d-1" % reqs[0]["conn"]) if first_cls != 3 else None)
            check_json_task(o2, b, 0 if second_status == 200 else 1, status=second_status, rid=rid2)


@case("keepalive-content-length-shorter-than-body", "exit 1: 1st unlocked, 2nd its own 403")
def _(c):
    two_tasks(c, "cl-short", "real403", 1, first_cls=0, second_status=403)


@case("keepalive-stale-response-glued", "exit 1: 1st unlocked, 2nd its own 403")
def _(c):
    two_tasks(c, "ka-stale-glued", "real403", 1, first_cls=0, second_status=403)


@case("keepalive-stale-after-exact-read-buffer", "exit 0: stale 403 ignored")
def _(c):
    two_tasks(c, "ka-stale-boundary", "real200", 0, first_cls=0, second_status=200)


@case("keepalive-error-mid-body-then-stale", "exit 3: 1st fails, 2nd its own 403")
def _(c):
    two_tasks(c, "ka-error-midbody", "real403", 3, first_cls=3, second_status=403, first_err=CHUNK)


@case("keepalive-204-with-body", "exit 1: 1st unlocked, 2nd its own 403")
def _(c):
    two_tasks(c, "ka-204-body", "real403", 1, first_cls=0, second_status=403)


@case("keepalive-rst-after-answer", "exit 0: 2nd retried on a fresh connection")
def _(c):
    two_tasks(c, "ka-rst-after", "real200", 0, first_cls=0, second_status=200)


@case("keepalive-close-notify-after-answer", "exit 0: 2nd on a fresh connection")
def _(c):
    two_tasks(c, "notify-after-200", "real200", 0, first_cls=0, second_status=200)


@case("keepalive-fin-after-answer", "exit 0: 2nd on a fresh connection")
def _(c):
    two_tasks(c, "close-after-200", "real200", 0, first_cls=0, second_status=200)


@case("keepalive-connection-close-but-server-holds", "exit 0: not reused, no wait")
def _(c):
    two_tasks(c, "ka-conn-close-held", "real200", 0, first_cls=0, second_status=200)


@case("deadline-is-per-task", "exit 3: 1st times out, 2nd unlocked")
def _(c):
    snap = c.main.snapshot()
    r = c.run(["silent_d1", "real200_d2"], timeout_ms=1500)
    expect_rc(r, 3)
    t_ms = 1500 * c.factor
    expect(r.elapsed >= 0.9 * t_ms / 1000.0, "ended after %.2fs, before the first task's deadline" % r.elapsed)
    expect_eq(r.out, b"unlocked real200_d2\n", "stdout")
    lines = r.err_lines()
    expect(len(lines) == 1, "stderr has %d lines, expected 1" % len(lines))
    check_human_task(r, lines[0], "silent_d1", 3, err=TIMEOUT)
    cs, reqs = c.main.since(snap)
    expect_eq([(q["task_id"], q["n"]) for q in reqs], [("silent_d1", 1), ("real200_d2", 1)],
              "(task, request number on its connection) the server saw")


@case("keepalive-five-mixed", "exit 3: fresh connection after every failure")
def _(c):
    ids = ["ok_m1", "cl-negative_m2", "ok_m3", "st-ssh_m4", "real403_m5"]
    snap = c.main.snapshot()
    r = c.run(ids)
    expect_rc(r, 3)
    expect_eq(r.out, b"unlocked ok_m1\nunlocked ok_m3\n", "stdout")
    lines = r.err_lines()
    expect(len(lines) == 3, "stderr has %d lines, expected 3" % len(lines))
    check_human_task(r, lines[0], "cl-negative_m2", 3, err=CLERR)
    check_human_task(r, lines[1], "st-ssh_m4", 3, err=STATUS)
    check_human_task(r, lines[2], "real403_m5", 1, status=403)
    cs, reqs = c.main.since(snap)
    expect_eq([(q["task_id"], q["n"]) for q in reqs],
              [("ok_m1", 1), ("cl-negative_m2", 2), ("ok_m3", 1), ("st-ssh_m4", 2), ("real403_m5", 1)],
              "(task, request number on its connection) the server saw")
    expect(len(cs) == 3, "the server saw %d connections, expected 3" % len(cs))


# ---- TLS -----------------------------------------------------------------------------------------
VERIFY = "not verified"
HANDSHAKE = "TLS handshake"


def tls_fail(c, name, *, err, server=None, endpoint=None, cacert=None, timeout_ms=DEFAULT_TIMEOUT_MS,
             deadline=False, late_ok=False):
    # late_ok: under TLS 1.3 the client's handshake is over before the server
    # judges the client's certificate, so the server's alert (or its close)
    # arrives while the request is sent or the response is read; it is still
    # exit 3 and nothing is answered.
    srv = server or c.main
    modes = ["h"] if deadline else ["h", "j"]
    for mode in modes:
        snap = srv.snapshot()
        tid = "ok_%s" % mode
        r = c.run([tid], json_mode=(mode == "j"), server=srv, endpoint=endpoint, cacert=cacert,
                  timeout_ms=timeout_ms, deadline=deadline)
        expect_rc(r, 3)
        time.sleep(0.02)
        cs, reqs = srv.since(snap)
        expect(len(cs) >= 1, "the server never saw a connection")
        expect(not reqs, "a request reached the server over a connection that should have failed")
        if srv.mode == "tls":
            expect(all(x["tls"] is False for x in cs), "a TLS handshake succeeded")
        if mode == "h":
            expect_eq(r.out, b"", "stdout")
            lines = r.err_lines()
            expect(len(lines) == 1, "stderr has %d lines, expected 1" % len(lines))
            check_human_task(r, lines[0], tid, 3, err=err)
            expect(b"during TLS handshake" in lines[0] or
                   (late_ok and (b"during read response" in lines[0] or b"during send request" in lines[0])),
                   "the failed step is not the TLS handshake: %r" % lines[0])
        else:
            (o,) = json_lines(r, 1)
            check_json_task(o, tid, 3, err=err)
    return cs


@case("tls-untrusted-ca", "exit 3, nothing sent")
def _(c):
    tls_fail(c, "untrusted", err=VERIFY, cacert=c.other_ca)


@case("tls-wrong-host-name", "exit 3, nothing sent")
def _(c):
    tls_fail(c, "wronghost", err=VERIFY, endpoint=c.main.url("127.0.0.1"))


@case("tls-expired-certificate", "exit 3, nothing sent")
def _(c):
    tls_fail(c, "expired", err=VERIFY, server=c.expired)


def raw_case(name, behaviour, expected, **kw):
    @case(name, expected)
    def _(c):
        with HostileServer(c.pem("server.pem"), c.pem("server.key"), mode="raw", raw_script=behaviour) as srv:
            cs = tls_fail(c, name, server=srv, **kw)
            if behaviour in ("half-flight-rst", "flight-drip"):
                expect(cs[0].get("flight_bytes", 0) > 100, "the server did not get as far as its TLS flight")


@case("tls-client-certificate-required", "exit 3, nothing sent")
def _(c):
    with HostileServer(c.pem("server.pem"), c.pem("server.key"), client_ca=c.ca) as srv:
        tls_fail(c, "clientcert", err=None, server=srv, late_ok=True)


@case("tls-server-only-tls-1.1", "exit 3, nothing sent")
def _(c):
    with HostileServer(c.pem("server.pem"), c.pem("server.key"), tls_max="1.1") as srv:
        tls_fail(c, "tls11", err=HANDSHAKE, server=srv)


raw_case("tls-plain-http-on-the-port", "plain-http", "exit 3", err=HANDSHAKE)
raw_case("tls-rst-mid-handshake", "half-flight-rst", "exit 3", err=HANDSHAKE)
raw_case("tls-rst-after-client-hello", "rst-after-hello", "exit 3", err=HANDSHAKE)
raw_case("tls-fatal-alert", "alert", "exit 3", err=HANDSHAKE)
raw_case("tls-garbage-records", "garbage", "exit 3", err=HANDSHAKE)
raw_case("tls-tcp-never-speaks-tls", "silent", "exit 3 at the deadline", err=TIMEOUT, timeout_ms=1500,
         deadline=True)
raw_case("tls-handshake-drip", "flight-drip", "exit 3 at the deadline", err=TIMEOUT, timeout_ms=1500,
         deadline=True)


# ============================================================== floods, cipher suites, names (issue 11)
# mbedTLS skips warning alerts (and TLS 1.3 tickets, empty records) in loops
# of its own: a peer that keeps sending them must not keep hcsms past its
# deadline, before the ServerHello (plaintext alerts: anyone on the path, any
# proxy), after the handshake (encrypted alerts: hostile_server's MemTLS makes
# them from the key log, as Python's ssl cannot send an alert; TLS 1.2, see
# AlertSealer), through a proxy, and on a kept-alive connection between two
# tasks. Then: only ECDHE with an AEAD is offered, and names are held to
# stricter rules than mbedTLS's (IP literals only against iPAddress SANs and
# without SNI, "*." covering one label of a name with at least two more).
FLOOD_MS = 1500


def expect_flooded(rec, what="the server"):
    expect(rec.get("flood_records", 0) > 1000, "%s sent only %d records of its flood"
           % (what, rec.get("flood_records", 0)))


@case("flood-alerts-before-server-hello", "exit 3 at the deadline")
def _(c):
    with HostileServer(c.pem("server.pem"), c.pem("server.key"), mode="raw", raw_script="alert-flood") as srv:
        cs = tls_fail(c, "alert-flood", err=TIMEOUT, server=srv, timeout_ms=FLOOD_MS, deadline=True)
    expect_flooded(cs[0])


def records_server(c):
    """Real TLS 1.2 whose server adds encrypted alerts (hostile_server.serve_tls12_records)."""
    return HostileServer(c.pem("server.pem"), c.pem("server.key"), mode="raw", raw_script="tls12-records")


def after_request_flood(c, srv, r, tid, conns=1):
    expect_rc(r, 3)
    time.sleep(0.02)
    cs, reqs = srv.since((0, 0))
    expect(len(cs) == conns, "the server saw %d connections, expected %d" % (len(cs), conns))
    expect_eq([q["task_id"] for q in reqs], [tid], "requests the server saw")
    expect_flooded(cs[-1])
    expect_eq(r.out, b"", "stdout")
    line = task_line(r, tid)
    check_human_task(r, line, tid, 3, err=TIMEOUT)
    expect(b"during read response" in line, "the failed step is not reading the response: %r" % line)


def task_line(r, tid):
    """The one stderr line of task tid (--proxy with a password adds a warning)."""
    lines = [l for l in r.err_lines() if l.startswith(("hcsms: %s: " % tid).encode())]
    expect(len(lines) == 1, "stderr has %d lines for %s, expected 1" % (len(lines), tid))
    return lines[0]


@case("flood-encrypted-alerts-after-request", "exit 3 at the deadline")
def _(c):
    with records_server(c) as srv:
        r = c.run(["flood_h"], server=srv, timeout_ms=FLOOD_MS, deadline=True)
        after_request_flood(c, srv, r, "flood_h")


@case("flood-encrypted-alerts-on-kept-alive-connection", "exit 0: not reused, 2nd on a fresh connection at once")
def _(c):
    # the first answer and the flood arrive together: the idle check before
    # the second task must give up on its own, not at the deadline
    with records_server(c) as srv:
        r = c.run(["okflood_k1", "ok_k2"], server=srv, timeout_ms=3000)
        expect_rc(r, 0)
        expect_eq(r.out, b"unlocked okflood_k1\nunlocked ok_k2\n", "stdout")
        expect_eq(r.err_lines(), [], "stderr lines")
        time.sleep(0.02)
        cs, reqs = srv.since((0, 0))
        expect_eq([(q["task_id"], q["conn"], q["n"]) for q in reqs], [("okflood_k1", 1, 1), ("ok_k2", 2, 1)],
                  "(task, connection, request number) the server saw")
        expect_flooded(cs[0])
        expect(r.elapsed < 3.0 * c.factor / 2, "took %.2fs: the idle check waited for the flood" % r.elapsed)


def _proxy_then(p, conn, then):
    conn.settimeout(5.0)   # the flood's sends must not give up while hcsms reads
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    then(p, conn)


def _proxy_alert_flood(p, conn):
    def alerts(p_, conn_):
        conn_.recv(65536)    # the ClientHello
        end = time.monotonic() + 30
        while not p_.stopping and time.monotonic() < end:
            conn_.sendall(hs.PLAIN_ALERT * 4096)
            p_.flood_records = getattr(p_, "flood_records", 0) + 4096
    _proxy_then(p, conn, alerts)


def _proxy_to(port):
    """A tunnel to 127.0.0.1:port, byte for byte."""
    def relay(p, conn):
        import select
        import socket
        up = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            end = time.monotonic() + 30
            while not p.stopping and time.monotonic() < end:
                ready, _, _ = select.select([conn, up], [], [], 0.2)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (up if s is conn else conn).sendall(data)
        finally:
            up.close()
    return lambda p, conn: _proxy_then(p, conn, relay)


def via_proxy(c, script, tid, timeout_ms):
    proxy = HostileProxy(script)
    try:
        url = "http://%s:%s@127.0.0.1:%d" % (PROXY_USER, PROXY_PASSWORD, proxy.port)
        r = c.run([tid], timeout_ms=timeout_ms, args=("--proxy", url), deadline=True)
    finally:
        proxy.stop()
    expect(len(proxy.requests) == 1 and proxy.requests[0].startswith(b"CONNECT localhost:"),
           "the proxy did not see one CONNECT")
    return proxy, r


@case("flood-alerts-through-proxy-tunnel", "exit 3 at the deadline")
def _(c):
    proxy, r = via_proxy(c, _proxy_alert_flood, "ok_p", FLOOD_MS)
    expect_rc(r, 3)
    expect(getattr(proxy, "flood_records", 0) > 1000, "the proxy did not flood")
    line = task_line(r, "ok_p")
    check_human_task(r, line, "ok_p", 3, err=TIMEOUT)
    expect(b"during TLS handshake" in line, "the failed step is not the TLS handshake: %r" % line)


@case("flood-encrypted-alerts-through-proxy-tunnel", "exit 3 at the deadline")
def _(c):
    with records_server(c) as srv:
        _proxy, r = via_proxy(c, _proxy_to(srv.port), "flood_p", FLOOD_MS)
        after_request_flood(c, srv, r, "flood_p")


# ---- cipher suites ----------------------------------------------------------------
def extra_cert(c, name, subject, san=None, rsa=False):
    """A server certificate from the test CA (made once per run): subject, an
    optional subjectAltName value, an EC P-256 or RSA 2048 key."""
    pem, key = c.pem(name + ".pem"), c.pem(name + ".key")
    if os.path.exists(pem):
        return pem, key
    ext = os.path.join(c.tmp, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints = critical, CA:FALSE\n"
                "keyUsage = critical, digitalSignature%s\n"
                "extendedKeyUsage = serverAuth\n" % (", keyEncipherment" if rsa else ""))
        if san:
            f.write("subjectAltName = %s\n" % san)
    newkey = ["-newkey", "rsa:2048"] if rsa else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    csr = os.path.join(c.tmp, name + ".csr")
    for cmd in (["openssl", "req", "-new", "-nodes", "-keyout", key, "-subj", subject, "-out", csr] + newkey,
                ["openssl", "x509", "-req", "-in", csr, "-CA", c.pem("ca.pem"), "-CAkey", c.pem("ca.key"),
                 "-set_serial", str(int.from_bytes(os.urandom(8), "big")), "-days", "2", "-sha256",
                 "-extfile", ext, "-out", pem]):
        subprocess.run(cmd, check=True, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return pem, key


def dh_params(c):
    path = os.path.join(c.tmp, "ffdhe2048.pem")
    if not os.path.exists(path):
        subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
                        "-out", path], check=True, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return path


def cipher_refused(name, ciphers, rsa, dh=False):
    @case("tls-cipher-%s-not-offered" % name, "exit 3, nothing sent")
    def _(c):
        pem, key = extra_cert(c, "rsa-localhost" if rsa else "ec-localhost", "/CN=localhost", "DNS:localhost",
                              rsa=rsa)
        with HostileServer(pem, key, tls_max="1.2", ciphers=ciphers,
                           dh_params=dh_params(c) if dh else None) as srv:
            cs = tls_fail(c, name, err=HANDSHAKE, server=srv)
        # the server found nothing in common: it was the client's offer
        expect(all("NO_SHARED_CIPHER" in (x["error"] or "") for x in cs),
               "the server's handshake did not fail for want of a common suite: %r" % [x["error"] for x in cs])


cipher_refused("static-rsa-cbc", "AES128-SHA", rsa=True)
cipher_refused("dhe-rsa-gcm", "DHE-RSA-AES128-GCM-SHA256", rsa=True, dh=True)
cipher_refused("ecdhe-rsa-cbc", "ECDHE-RSA-AES128-SHA", rsa=True)
cipher_refused("ecdhe-ecdsa-cbc", "ECDHE-ECDSA-AES128-SHA", rsa=False)

ECDHE_AEAD = ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
              "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-GCM-SHA256",
              "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-GCM-SHA256")


@case("tls-cipher-default-servers-negotiate-ecdhe-aead", "exit 0 with TLS 1.2 and 1.3, EC and RSA keys")
def _(c):
    v = subprocess.run(c.wrapper + [c.bin, "--version"], capture_output=True, timeout=60 * c.factor).stdout
    servers = [(False, None), (False, "1.2"), (True, None)]
    # mbedTLS 3.6.6 rejects the rsa_pss_rsae signature an OpenSSL TLS 1.2
    # server makes with an RSA key (configs/mbedtls-hcsms.h: fixed after 3.6.6)
    if b"3.6.6" not in v:
        servers.append((True, "1.2"))
    for rsa, tls_max in servers:
        pem, key = extra_cert(c, "rsa-localhost" if rsa else "ec-localhost", "/CN=localhost", "DNS:localhost",
                              rsa=rsa)
        with HostileServer(pem, key, tls_max=tls_max) as srv:
            one(c, "ok", 0, server=srv, json_twin=False)
            (rec,) = srv.conns
            expect(rec["cipher"] in ECDHE_AEAD, "%s key, TLS up to %s: negotiated %s %s"
                   % ("RSA" if rsa else "EC", tls_max or "1.3", rec["version"], rec["cipher"]))


# ---- names -------------------------------------------------------------------------
def ip_server(c, name, subject, san):
    pem, key = extra_cert(c, name, subject, san)
    return HostileServer(pem, key)


@case("tls-ip-literal-no-sni-ip-san-verified", "exit 0, no SNI sent")
def _(c):
    with ip_server(c, "ip-san", "/CN=hcsms test", "IP:127.0.0.1") as srv:
        r = c.run(["ok_ip"], server=srv, endpoint=srv.url("127.0.0.1"))
        expect_rc(r, 0)
        expect_eq(r.out, b"unlocked ok_ip\n", "stdout")
        time.sleep(0.02)
        (rec,) = srv.conns
        expect(rec["tls"] and rec.get("sni_seen"), "the server's name callback did not run")
        expect_eq(rec["sni"], None, "SNI the server saw for an IP-literal endpoint")


def ip_refused(name, subject, san, why):
    @case("tls-ip-literal-%s-refused" % name, "exit 3, nothing sent: " + why)
    def _(c):
        with ip_server(c, "ip-" + name, subject, san) as srv:
            tls_fail(c, name, err=VERIFY, server=srv, endpoint=srv.url("127.0.0.1"))


ip_refused("cn-only", "/CN=127.0.0.1", None, "mbedTLS 2.28 compares the text with the CN")
ip_refused("dns-san", "/CN=hcsms test", "DNS:127.0.0.1", "mbedTLS compares the text with dNSNames first")
ip_refused("other-ip-san", "/CN=hcsms test", "IP:127.0.0.2, DNS:localhost", "another address")


def run_with_hosts(c, names, ids, srv, host, **kw):
    """hcsms with a private /etc/hosts naming names 127.0.0.1 (unshare -rm)."""
    refused = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if refused.returncode != 0:
        raise CaseSkip("needs user + mount namespaces (unshare -rm): %r" % refused.stderr.strip())
    hosts = os.path.join(c.tmp, "hosts-wild")
    with open(hosts, "w") as f:
        # the resolver takes "name." only when the file says so
        f.write("127.0.0.1 localhost\n" + "".join("127.0.0.1 %s %s.\n" % (n, n) for n in names))
    saved = c.wrapper
    c.wrapper = ["unshare", "-rm", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', hosts] + saved
    try:
        return c.run(ids, server=srv, endpoint="https://%s:%d" % (host, srv.port), **kw)
    finally:
        c.wrapper = saved


def wildcard_case(name, pattern, host, ok):
    @case("tls-wildcard-%s-%s" % (name, "accepted" if ok else "refused"), "exit 0" if ok else "exit 3, nothing sent")
    def _(c):
        pem, key = extra_cert(c, "wild-" + name, "/CN=hcsms test", "DNS:" + pattern)
        with HostileServer(pem, key) as srv:
            tid = "ok_w"
            r = run_with_hosts(c, ["wild.test", "a.wild.test", "a.b.wild.test"], [tid], srv, host)
            time.sleep(0.02)
            cs, reqs = srv.since((0, 0))
            if ok:
                expect_rc(r, 0)
                expect_eq([q["task_id"] for q in reqs], [tid], "requests the server saw")
                expect_eq(cs[0]["sni"], host.rstrip("."), "SNI the server saw (no root dot)")
            else:
                expect_rc(r, 3)
                expect(not reqs, "a request reached the server")
                check_human_task(r, r.err_lines()[0], tid, 3, err=VERIFY)


wildcard_case("one-label-base", "*.test", "wild.test", False)
wildcard_case("two-label-base", "*.wild.test", "a.wild.test", True)
wildcard_case("two-labels-deep", "*.wild.test", "a.b.wild.test", False)
wildcard_case("bare-base", "*.wild.test", "wild.test", False)
wildcard_case("case-and-root-dot", "*.WILD.test", "A.wild.TEST.", True)


# ============================================================== driver

# ============================================================== hostile proxies
# A proxy that misbehaves while hcsms waits for its answer to CONNECT. Nothing
# it says may be taken as the tunnel, hang hcsms past --timeout, or leak the
# token or the proxy password; every failure names the proxy.
PROXY_USER, PROXY_PASSWORD = "agent", "Px-" + os.urandom(8).hex()


class HostileProxy:
    """Plain TCP on 127.0.0.1: reads up to the CONNECT request's empty line,
    then plays script(conn). Stopped by stop(), which closes everything."""

    def __init__(self, script):
        import socket
        import threading
        self.script = script
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.stopping = False
        self.conns = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import socket
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.conns.append(conn)
            conn.settimeout(0.2)
            data = b""
            while b"\r\n\r\n" not in data and not self.stopping:
                try:
                    piece = conn.recv(4096)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not piece:
                    break
                data += piece
            self.requests.append(data)
            try:
                self.script(self, conn)
            except OSError:
                pass

    def pause(self, seconds):
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(0.02)

    def stop(self):
        self.stopping = True
        for conn in self.conns:
            try:
                conn.close()
            except OSError:
                pass
        self.sock.close()
        self.thread.join(5)


def _proxy_silent(p, conn):
    p.pause(60)


def _proxy_drip(p, conn):
    for b in b"HTTP/1.1 200 Connection established\r\n\r\n":
        conn.sendall(bytes([b]))
        p.pause(0.3)


def _proxy_huge_header(p, conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 70000 + b"\r\n\r\n")
    p.pause(60)


def _proxy_close(p, conn):
    conn.close()


def _proxy_not_tls(p, conn):
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    p.pause(0.1)
    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n" + b"\x00" * 64)
    p.pause(60)


def _proxy_407_endless(p, conn):
    conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\""
                 + PROXY_PASSWORD.encode() + b"\"\r\nContent-Length: 1000000000\r\n\r\n")
    while not p.stopping:
        try:
            conn.sendall(b"x" * 4096)
        except OSError:
            return
        p.pause(0.01)


def _proxy_early_bytes(p, conn):
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03\x00\x2a")
    p.pause(60)


def _proxy_interim_storm(p, conn):
    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 50)
    p.pause(60)


def proxy_case(name, script, *, deadline=False, status=None, err=None):
    what = "exit 3" + (" at the deadline" if deadline else "")

    @case("proxy-" + name, what)
    def _(c):
        proxy = HostileProxy(script)
        try:
            # the password from the environment: one in --proxy costs a warning line
            url = "http://%s@127.0.0.1:%d" % (PROXY_USER, proxy.port)
            tid = "ok-proxy-" + name
            r = c.run([tid], timeout_ms=2000, args=("--proxy", url), deadline=deadline,
                      env_extra={"HCSMS_PROXY_PASSWORD": PROXY_PASSWORD})
        finally:
            proxy.stop()
        expect_rc(r, 3)
        expect_eq(r.out, b"", "stdout")
        for out, what_ in ((r.out, "stdout"), (r.err, "stderr")):
            expect(PROXY_PASSWORD.encode() not in out, "the proxy password appears on %s" % what_)
        lines = r.err_lines()
        expect(len(lines) == 1, "stderr has %d lines, expected 1" % len(lines))
        expect(b"proxy" in lines[0], "the failure does not name the proxy: %r" % lines[0])
        if status is not None:
            expect(("proxy answered %d" % status).encode() in lines[0],
                   "the failure does not give the proxy's status %d" % status)
        if err is not None:
            expect(err.encode() in lines[0], "the failure does not say %r" % err)
        expect(len(proxy.requests) == 1 and proxy.requests[0].startswith(b"CONNECT localhost:"),
               "the proxy did not see one CONNECT")


proxy_case("silent", _proxy_silent, deadline=True, err="timed out")
proxy_case("drip", _proxy_drip, deadline=True, err="timed out")
proxy_case("huge-header", _proxy_huge_header, err="HTTP line too long")
proxy_case("closes", _proxy_close, err="closed")
proxy_case("tunnel-not-tls", _proxy_not_tls, err="TLS")
proxy_case("407-endless-body", _proxy_407_endless, status=407)
proxy_case("bytes-before-hello", _proxy_early_bytes, err="unexpected HTTP response")
proxy_case("interim-storm", _proxy_interim_storm, err="too many 1xx")


@case("proxy-credentials-percent-decoded", "exit 3, Basic credentials decoded from the URL")
def _(c):
    import base64

    def refuse(p, conn):
        conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
        p.pause(60)

    proxy = HostileProxy(refuse)
    try:
        url = "http://us%%40er:p%%3Ass%%25w-%s@127.0.0.1:%d" % (PROXY_PASSWORD, proxy.port)
        r = c.run(["ok-proxy-decoded"], timeout_ms=2000, args=("--proxy", url))
    finally:
        proxy.stop()
    expect_rc(r, 3)
    want = base64.b64encode(("us@er:p:ss%w-" + PROXY_PASSWORD).encode())
    expect(len(proxy.requests) == 1, "the proxy saw %d requests" % len(proxy.requests))
    expect(b"\r\nProxy-Authorization: Basic " + want + b"\r\n" in proxy.requests[0],
           "Proxy-Authorization is not Basic base64(us@er:p:ss%%w-...): %r" % proxy.requests[0])
    expect(PROXY_PASSWORD.encode() not in r.err, "the proxy password appears on stderr")



@case("proxy-password-with-at-sign", "exit 3; user info ends at the last '@'; the password never printed")
def _(c):
    import base64

    def refuse(p, conn):
        conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
        p.pause(60)

    secret = "my@Se/cret-" + PROXY_PASSWORD[3:]
    proxy = HostileProxy(refuse)
    try:
        # '/' in a password must be escaped in a URL; '@' need not be
        url = "http://agent:%s@127.0.0.1:%d" % (secret.replace("/", "%2F"), proxy.port)
        r = c.run(["ok-proxy-at"], timeout_ms=2000, args=("--proxy", url))
    finally:
        proxy.stop()
    expect_rc(r, 3)
    want = base64.b64encode(("agent:" + secret).encode())
    expect(len(proxy.requests) == 1 and b"Proxy-Authorization: Basic " + want + b"\r\n" in proxy.requests[0],
           "Proxy-Authorization is not Basic base64(agent:<password with @ and />)")
    for piece in (secret, secret.split("@")[1], PROXY_PASSWORD[3:]):
        expect(piece.encode() not in r.err and piece.encode() not in r.out,
               "a piece of the proxy password appears in the output")


@case("proxy-password-starred-in-argv", "the --proxy password is gone from /proc/PID/cmdline")
def _(c):
    # hcsms waits on --from - (standard input) with NO_PROXY matching the
    # endpoint, so the proxy is never used: the password must be starred anyway.
    if any("qemu" in os.path.basename(w) for w in c.wrapper):
        # qemu-user's /proc/PID/cmdline is the host's copy of argv; the
        # emulated program stars its own (guest) copy, which the host never sees
        raise NotApplicable("under qemu-user the guest's argv is not what /proc shows")
    secret = "S3cr3t-" + PROXY_PASSWORD[3:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HCSMS_")}
    env.update(HCSMS_AUTH_TOKEN=c.token, NO_PROXY="localhost")
    cmd = c.wrapper + [c.bin, "unlock", "--endpoint", c.main.url(), "--cacert", c.ca,
                       "--proxy", "http://agent:%s@127.0.0.1:9" % secret, "--from", "-"]
    p = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        seen = b""
        for _ in range(100):  # the wrapper (valgrind) may start slowly
            time.sleep(0.05)
            for pid in [p.pid] + [int(x) for x in os.listdir("/proc") if x.isdigit()]:
                try:
                    with open("/proc/%d/cmdline" % pid, "rb") as f:
                        line = f.read()
                except OSError:
                    continue
                if b"--from" in line and b"agent:" in line:
                    seen = line
            if seen and b"agent:*" in seen:
                break
        out, err = p.communicate(b"ok_h\n", timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    expect(p.returncode == 0, "exit status %s, expected 0 (direct, NO_PROXY)" % p.returncode)
    expect(seen != b"", "hcsms's command line was never seen")
    expect(secret.encode() not in seen, "the proxy password is still in /proc/PID/cmdline")
    expect(b"agent:" + b"*" * len(secret) + b"@" in seen, "the password was not starred: %r" % seen)



# ============================================================== name resolution (issue 11)
# The lookup of the endpoint's name runs under --timeout too. Each run is one
# private user + mount + network namespace (unshare, no root needed) with only
# lo up, its own /etc/resolv.conf, /etc/hosts (without the name) and
# /etc/nsswitch.conf ("files dns"), and a DNS listener on port 53 inside it
# (tests/hostile: _NS_DNS_SCRIPT), so nothing of the machine is used or changed.
NS_PREFIX = ["unshare", "--user", "--map-root-user", "--mount", "--net"]
NS_HOST = "sms.blackhole.test"
# glibc's, then musl's gai_strerror texts for EAI_NONAME / EAI_AGAIN
GAI_TEXTS = (b"Name or service not known", b"Temporary failure in name resolution",
             b"Name does not resolve", b"Try again")
# Run inside the namespace: ARGV = report mode resolv.conf hosts nsswitch.conf
# command...  mode "blackhole": queries (UDP and TCP) are read, never answered;
# "nxdomain": each UDP query gets NXDOMAIN. Runs the command with the
# namespace's stdio, writes {"elapsed", "queries"} (or {"setup_error"}) to report.
_NS_DNS_SCRIPT = r'''
import json, os, signal, socket, subprocess, sys, threading, time
report, mode, resolv, hosts, nss = sys.argv[1:6]
cmd = sys.argv[6:]
def write(obj):
    with open(report, "w") as f:
        json.dump(obj, f)
try:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, capture_output=True)
    for src, dst in ((resolv, "/etc/resolv.conf"), (hosts, "/etc/hosts"), (nss, "/etc/nsswitch.conf")):
        subprocess.run(["mount", "--bind", src, dst], check=True, capture_output=True)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", 53))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("0.0.0.0", 53))
    tcp.listen(16)
except (OSError, subprocess.CalledProcessError) as e:
    write({"setup_error": "%s %s" % (e, (getattr(e, "stderr", None) or b"").decode("utf-8", "replace").strip())})
    sys.exit(97)
queries = []
def nxdomain(q):
    end = 12
    while end < len(q) and q[end] != 0:
        end += 1 + q[end]
    return q[:2] + b"\x81\x83" + q[4:6] + b"\0" * 6 + q[12:end + 5]
def serve_udp():
    while True:
        q, peer = udp.recvfrom(4096)
        queries.append("udp")
        if mode == "nxdomain" and len(q) > 12:
            udp.sendto(nxdomain(q), peer)
def serve_tcp():
    held = []
    while True:
        conn, _ = tcp.accept()
        held.append(conn)
        queries.append("tcp")
for fn in (serve_udp, serve_tcp):
    threading.Thread(target=fn, daemon=True).start()
t0 = time.monotonic()
rc = subprocess.run(cmd).returncode
write({"elapsed": time.monotonic() - t0, "queries": len(queries)})
sys.stdout.flush()
if rc < 0:
    signal.signal(-rc, signal.SIG_DFL)
    os.kill(os.getpid(), -rc)
sys.exit(rc)
'''


def _ns_skip(why):
    raise CaseSkip(why)


def ns_dns_run(c, tag, mode, resolv_conf, tid, *, timeout_ms, json_mode=False, deadline=False, abandons=False):
    """hcsms unlock --endpoint https://NS_HOST:443 TID inside a namespace whose
    resolver is resolv_conf; returns (Result, report dict). abandons: hcsms
    exits while its lookup is still running."""
    d = os.path.join(c.tmp, "ns-dns-" + tag)
    os.makedirs(d, exist_ok=True)
    files = {}
    for name, text in (("script.py", _NS_DNS_SCRIPT), ("resolv.conf", resolv_conf),
                       ("hosts", "127.0.0.1 localhost\n::1 localhost\n"), ("nsswitch.conf", "hosts: files dns\n")):
        files[name] = os.path.join(d, name)
        with open(files[name], "w") as f:
            f.write(text)
    report = os.path.join(d, "report.json")
    inner = NS_PREFIX + [sys.executable, files["script.py"], report, mode, files["resolv.conf"], files["hosts"],
                         files["nsswitch.conf"]]
    if getattr(c, "ns_dns_refused", None) is None:  # once: can this machine make the namespace at all?
        c.ns_dns_refused = ""
        try:
            p = subprocess.run(inner + ["true"], capture_output=True, stdin=subprocess.DEVNULL, timeout=30)
            if p.returncode != 0:
                c.ns_dns_refused = p.stderr.decode("utf-8", "replace").strip()[-200:] or "exit %d" % p.returncode
                if os.path.exists(report):
                    with open(report) as f:
                        c.ns_dns_refused = json.load(f).get("setup_error", c.ns_dns_refused)
        except OSError as e:
            c.ns_dns_refused = str(e)
    if c.ns_dns_refused:
        _ns_skip("needs user + mount + net namespaces (unshare), lo, bind mounts and port 53: %s"
                 % c.ns_dns_refused)
    if os.path.exists(report):
        os.unlink(report)
    saved = c.wrapper
    wrapper = list(saved)
    if abandons and wrapper and os.path.basename(wrapper[0]) == "valgrind":
        # hcsms exits while its abandoned lookup thread still waits for the
        # resolver (by design); valgrind calls that live thread's TLS vector
        # (glibc's calloc in pthread_create) "possibly lost", and what glibc's
        # resolver holds in it "still reachable" (an error only with
        # --errors-for-leak-kinds=all). Only those are suppressed, only here.
        supp = os.path.join(d, "abandoned-lookup.supp")
        with open(supp, "w") as f:
            f.write("{\n   hcsms-posix-abandoned-lookup-thread-tls\n   Memcheck:Leak\n"
                    "   match-leak-kinds: possible\n   fun:calloc\n   ...\n   fun:_dl_allocate_tls\n"
                    "   ...\n   fun:pthread_create*\n   ...\n   fun:hcsms_port_connect\n}\n"
                    "{\n   hcsms-posix-abandoned-lookup-resolver-state\n   Memcheck:Leak\n"
                    "   match-leak-kinds: reachable\n   ...\n   fun:getaddrinfo\n   fun:lookup_run\n}\n")
        wrapper.insert(1, "--suppressions=" + supp)
    c.wrapper = inner + wrapper
    try:
        r = c.run([tid], json_mode=json_mode, timeout_ms=timeout_ms, endpoint="https://%s:443" % NS_HOST,
                  deadline=deadline)
    finally:
        c.wrapper = saved
    expect(os.path.exists(report), "the namespace wrote no report")
    with open(report) as f:
        info = json.load(f)
    return r, info


@case("resolver-blackhole-bounded-by-timeout", "exit 3 at the deadline, not after the resolver's 8 s")
def _(c):
    # Two nameservers that read every query and never answer, 2 s x 2 tries
    # each: an unbounded getaddrinfo takes 8 s (glibc); --timeout must end it.
    r, info = ns_dns_run(c, "blackhole", "blackhole",
                         "nameserver 127.0.0.1\nnameserver 127.0.0.2\noptions timeout:2 attempts:2\n",
                         "resolve-blackhole_h", timeout_ms=1000, deadline=True, abandons=True)
    t = 1000 * c.factor / 1000.0
    slack = 0.5 if not c.wrapper else 4.0
    expect(info["queries"] > 0, "the blackholed resolver was never asked (the case tested nothing)")
    expect(info["elapsed"] <= t + slack, "hcsms took %.2fs inside the namespace; --timeout is %.1fs (+%.1fs allowed)"
           % (info["elapsed"], t, slack))
    expect(info["elapsed"] >= 0.9 * t, "ended after %.2fs, before the %.1fs deadline" % (info["elapsed"], t))
    expect_rc(r, 3)
    expect_eq(r.out, b"", "stdout")
    lines = r.err_lines()
    expect(len(lines) == 1, "stderr has %d lines, expected 1" % len(lines))
    check_human_task(r, lines[0], "resolve-blackhole_h", 3, err=TIMEOUT)
    expect(b"resolving %s did not finish in time" % NS_HOST.encode() in lines[0],
           "stderr does not name the host being resolved: %r" % lines[0])
    expect(b"Unknown error" not in lines[0], "stderr: %r" % lines[0])


@case("resolver-failure-names-the-host", "exit 3 at once: the host and the resolver's reason, no 'Unknown error'")
def _(c):
    # NXDOMAIN from the only nameserver (EAI_NONAME), then a nameserver with no
    # route to it (ENETUNREACH: EAI_AGAIN at once); neither waits for --timeout.
    t = DEFAULT_TIMEOUT_MS * c.factor / 1000.0
    for tag, mode, conf, asked in (("nxdomain", "nxdomain", "nameserver 127.0.0.1\n", True),
                                   ("unreachable", "blackhole", "nameserver 192.0.2.1\n", False)):
        for json_mode in (False, True):
            tid = "resolve-%s_%s" % (tag, "j" if json_mode else "h")
            r, info = ns_dns_run(c, tag, mode, conf, tid, timeout_ms=DEFAULT_TIMEOUT_MS, json_mode=json_mode)
            expect_rc(r, 3)
            expect(info["elapsed"] < t / 2, "%s: took %.2fs, as if it waited for --timeout (%.1fs)"
                   % (tag, info["elapsed"], t))
            expect((info["queries"] > 0) == asked, "%s: the test nameserver saw %d queries"
                   % (tag, info["queries"]))
            if json_mode:
                expect_eq(r.err, b"", "stderr (with --json)")
                (o,) = json_lines(r, 1)
                check_json_task(o, tid, 3, err="did not resolve")
                continue
            expect_eq(r.out, b"", "stdout")
            lines = r.err_lines()
            expect(len(lines) == 1, "stderr has %d lines, expected 1" % len(lines))
            check_human_task(r, lines[0], tid, 3, err="did not resolve")
            expect(NS_HOST.encode() in lines[0], "%s: the line does not name %s: %r" % (tag, NS_HOST, lines[0]))
            expect(any(g in lines[0] for g in GAI_TEXTS),
                   "%s: the line has none of the resolver's texts %r: %r" % (tag, GAI_TEXTS, lines[0]))
            expect(b"Unknown error" not in lines[0], "%s: an EAI code printed as an errno: %r" % (tag, lines[0]))


def setup(c):
    subprocess.run(["bash", os.path.join(REPO, "tests", "e2e", "make_pki.sh"), c.pki], check=True, timeout=60,
                   stdin=subprocess.DEVNULL)
    c.main = HostileServer(c.pem("server.pem"), c.pem("server.key")).start()
    c.expired = HostileServer(c.pem("expired.pem"), c.pem("expired.key")).start()


def teardown(c):
    for srv in (c.main, c.expired):
        if srv is not None:
            try:
                srv.stop()
            except Exception:
                traceback.print_exc()


def tail(c, b, lines=12, chars=2500):
    tok = c.token.encode()
    b = b.replace(tok, b"<TOKEN>")
    text = b.decode("utf-8", "replace")
    if len(text) > chars:
        text = "..." + text[-chars:]
    text = "".join(ch if ch in "\n\t" or 32 <= ord(ch) != 127 else "\\x%02x" % ord(ch) for ch in text)
    ls = text.splitlines()
    if len(ls) > lines:
        ls = ["..."] + ls[-lines:]
    return "\n".join("      | " + l for l in ls) if ls else "      (empty)"


def report_failure(c, name, reason):
    print("FAIL %s: %s" % (name, reason))
    for r in c.results[-1:]:
        shown = " ".join(shlex.quote(a) for a in r.cmd)
        print("    command: %s %s" % (r.env_note, shown))
        print("    exit: %s  (%.2fs)" % (r.rc, r.elapsed))
        print("    stdout:\n%s" % tail(c, r.out))
        print("    stderr:\n%s" % tail(c, r.err, lines=40 if c.wrapper else 12))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                    help="run only cases whose name contains SUBSTRING (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases with their expected outcome and exit")
    a = ap.parse_args()

    selected = [(n, e, f) for n, e, f in CASES if not a.k or any(k in n for k in a.k)]
    if a.list:
        for n, e, _f in selected:
            print("%-45s %s" % (n, e))
        return 0

    binary = os.path.abspath(os.environ.get("HCSMS_BIN") or os.path.join(REPO, "build", "hcsms"))
    wrapper = shlex.split(os.environ.get("HCSMS_WRAPPER", ""))
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("FAIL setup: hcsms binary not found or not executable: %s" % binary)
        print("hostile: 0 passed, 1 failed")
        return 1

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    passed = failed = skipped = 0
    interrupted = False
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hcsms-hostile-") as tmp:
        c = Ctx(binary, wrapper, tmp)
        try:
            try:
                setup(c)
            except Exception as e:
                print("FAIL setup: %s" % e)
                traceback.print_exc(file=sys.stdout)
                failed += 1
                selected = []
            for name, _e, fn in selected:
                c.results = []
                t0 = time.monotonic()
                try:
                    fn(c)
                except CaseSkip as e:
                    if os.environ.get("HCSMS_REQUIRE_ALL") == "1" and not isinstance(e, NotApplicable):
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
    sys.stderr.write("hostile: total %.1fs\n" % (time.monotonic() - t_start))
    print("hostile: %d passed, %d failed%s" % (passed, failed,
                                               ", %d skipped" % skipped if skipped else ""))
    sys.stdout.flush()
    if interrupted:
        return 130
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
