#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TLS interoperability matrix: hcsms builds against third-party TLS servers.

    python3 tests/interop/run_interop.py --hcsms build/hcsms \\
        --hcsms build/mbedtls-3.6-mbedtls-hcsms/hcsms [--workdir build/interop]

Each ``--hcsms`` is one client build, ``PATH`` or ``LABEL=PATH``. What a build is
expected to fail is decided by its profile, detected from ``hcsms --version`` (mbed TLS
2.28 or 3.6) and, for 3.6, from the folder of the binary: the Makefile builds the
recommended configuration (configs/mbedtls-hcsms.h) into ``build/mbedtls-3.6-mbedtls-hcsms``,
any folder ending in ``-mbedtls-hcsms`` is taken as that; ``--profile LABEL=NAME``
overrides (names: see PROFILES below). The binaries are copied into WORKDIR/bin first,
so that a rebuild during the run cannot mix two versions in one table.

Servers (all on 127.0.0.1, ports chosen free at run time, every process a child of this
runner, in the foreground, killed at the end of its row, on Ctrl-C and on errors):

  s_server          OpenSSL ``openssl s_server``, one process per client connection
                    (``-naccept 1``; readiness = its "ACCEPT 127.0.0.1:PORT" line, so no
                    probe connection is wasted); the runner reads the request from its
                    stdout and writes the HTTP answer to its stdin (its -WWW/-HTTP modes
                    answer GET only).
  nginx             nginx-light (OpenSSL), ``daemon off; master_process off;``, all its
                    files in the row folder; answers by itself (``return 200 '{}'``).
  stunnel           stunnel4 (OpenSSL), ``foreground = yes``, forwards to the backend.
  lighttpd-openssl  lighttpd -D with mod_openssl  \\
  lighttpd-gnutls   lighttpd -D with mod_gnutls    > mod_proxy to the backend
  lighttpd-wolfssl  lighttpd -D with mod_wolfssl  /

  The backend is a plain-HTTP Python server on 127.0.0.1 in this process: ``POST
  /v3/tasks/<id>/unlock`` with the right X-Auth-Token answers 200,
  ``Content-Type: application/json;charset=UTF-8``, body ``{}``; a wrong token 401;
  anything else 404.

  gnutls-serv       GnuTLS's own server, TLS-only rows (G) only: its --http mode answers
                    POST with a bare HTML "501 Method Not Implemented" page without a
                    status line (HTTP/0.9), --httpdata only serves GET, and it listens on
                    every interface (0.0.0.0 and ::, no bind option). So each G row runs
                    in a user+network+pid namespace of its own (``unshare --user
                    --map-root-user --net --pid --fork --kill-child``; this script with
                    --ns-row is the helper inside): the helper refuses to go on unless
                    the namespace holds only ``lo``, still down, brings it up, starts
                    ``gnutls-serv --http --disable-client-cert --port 8443
                    --x509certfile CHAIN --x509keyfile KEY --priority P`` (P:
                    GNUTLS_SERV_PRIORITY, one per protocol), runs curl, the probe and
                    every build there and prints their results as one JSON line; the
                    server dies with the helper, the namespace with unshare. Where no
                    namespace can be made, the gnutls-serv rows are SKIP (a failure under
                    HCSMS_REQUIRE_ALL=1). The full HTTP exchange with GnuTLS is
                    lighttpd's mod_gnutls (wolfSSL: mod_wolfssl).

Certificates (tests/interop/make_pki.sh, cached in WORKDIR/pki): an RSA-4096 root and
intermediate ("rsa" chain, sha256WithRSAEncryption) and a P-384 root and intermediate
("ec" chain, ecdsa-with-SHA384); leaves RSA-2048, RSA-3072, RSA-4096, ECDSA P-256 and
P-384 under both chains, ECDSA P-521 and Ed25519 under the ec chain. Servers send leaf +
intermediate; clients trust only the root (curl --cacert, hcsms --cacert). SAN
DNS:localhost, IP:127.0.0.1, IP:::1; clients connect to https://localhost:PORT.

Rows (21 per server, 18 for lighttpd-wolfssl, 6 TLS-only gnutls-serv rows, 129 in
all, chosen so that every pair
below appears; not the cross product, which would take minutes for little more):
  A. every server x every leaf/chain (10) with TLS 1.2+1.3 and the server's defaults;
  B. every server x the P-521 leaf (TLS 1.2+1.3, and TLS 1.2 only) and the Ed25519
     leaf (TLS 1.2+1.3); expected failures where PROFILES says so;
  C. every server x TLS 1.2 only and TLS 1.3 only, each with one RSA and one ECDSA leaf
     (which leaf and chain rotates with the server, so leaves and chains mix);
  D. every server that can restrict its signature algorithms (not lighttpd-wolfssl: its
     ssl-conf-cmd has no SignatureAlgorithms) x TLS 1.2 with an RSA leaf, once signing
     only with rsa_pss_rsae_* and once only with rsa_pkcs1_* (OpenSSL -sigalgs /
     SignatureAlgorithms, GnuTLS priority string via lighttpd's "gnutls-override");
     mbedTLS offers both kinds, so each is what the server signs with (the probe
     column shows it);
  E. every server x the gateway-like TLS 1.2 suite list ECDHE-RSA-AES128-GCM-SHA256:
     ECDHE-RSA-AES256-GCM-SHA384 in server order, RSA leaf (the first suite must be
     the one negotiated: checked for curl and hcsms; mod_gnutls cannot map OpenSSL
     suite names, so its row spells the list as a GnuTLS priority string);
  F. every server that can restrict its TLS 1.3 groups (not lighttpd-wolfssl: its
     "Groups" does not reach TLS 1.3 key shares) x TLS 1.3 with secp384r1 as its only
     group, so that a client sending an X25519 key share gets a HelloRetryRequest.
  The runner checks that each setting took effect (the probe saw RSA-PSS, PKCS#1,
  G. gnutls-serv (TLS only, after all the others so that their numbers stay) x TLS 1.2+1.3,
     TLS 1.2 only and TLS 1.3 only, each with the RSA-2048 and the P-256 leaf (chains
     alternate). Kind "TLS only: gnutls-serv cannot answer a POST" (the settings column).
  The runner checks that each setting took effect (the probe saw RSA-PSS, PKCS#1,
  a HelloRetryRequest to secp384r1; curl got the gateway's first suite; curl got the
  TLS-only row's protocol version): a setting without effect fails the row as a matrix
  bug.

Each row: curl is the control (``curl -sS --cacert ROOT --data-binary '' -H
'Content-Type: application/json' -H 'X-Auth-Token: ...' https://localhost:PORT/v3/tasks/
ID/unlock``, --max-time bounded; a body-less POST needs Content-Length: 0, which
lighttpd requires, hence --data-binary '' instead of -X POST); ``openssl s_client
-brief -msg`` probes what the server signs with, its group, and whether it sent a
HelloRetryRequest (the "server signs" column); then every hcsms build runs ``hcsms
unlock -v``, whose "* TLS <version> <suite>" line is what it negotiated. The server's
own view stays in the row folder (s_server's "CIPHER is" and shared signature
algorithms, nginx's access log with $ssl_protocol $ssl_cipher $ssl_curve, stunnel's
log). Results per hcsms build:

  PASS   exit 0 and "unlocked ID", as curl got 200 {}.
  XFAIL  the row needs something the build lacks (PROFILES); it must fail with exit 3.
  XPASS  an expected failure that passed: reported (NOTE lines) but not a failure,
         so that a better build does not break CI; HCSMS_INTEROP_STRICT=1 makes it one.
  FAIL   anything else (an unexpected failure, an expected failure with another exit
         status, hcsms not negotiating the gateway row's first suite).
  If curl fails, the row is "control failed": hcsms is not judged, but the row counts
  as failed (a row that cannot run is a bug in the matrix).
  TLS-only rows (G) are judged by the TLS layer, as no valid HTTP answer can come: curl
  (with -w %{ssl_verify_result}) passes when it negotiated a suite, printed "SSL
  certificate verify ok." and ssl_verify_result is 0 (it then fails on HTTP/0.9; curl exit
  0 would mean gnutls-serv answered: a matrix error). A build PASSes when ``hcsms -v``
  printed "* TLS <version> <suite>" (printed only after a completed, verified handshake)
  with the version expected (the row's; for TLS 1.2+1.3 1.3, or 1.2 for a build without
  TLS 1.3) and then exited 3 with an HTTP error during "read response" (malformed HTTP
  status line: TLS_ONLY_HTTP_ERRORS), never a TLS or certificate error; exit 0 is always
  a FAIL. XFAIL there: exit 3 without a handshake line. A row whose server package
  is missing is "SKIP (package X missing)"; with HCSMS_REQUIRE_ALL=1 a skip fails.

The table goes to stdout and to WORKDIR/interop.md; per-row logs (server configs and
logs, curl and hcsms -v output) to WORKDIR/rows/. Rows are counted whole: a row passed
if every build passed (or XPASS), is an expected failure if some build failed as
expected and none unexpectedly. The last line is
"interop: N rows, N passed, N expected failures, N failed"; exit status 0 only if
nothing failed.

Options: --jobs N rows at a time (default 3), --only REGEX (row ids), --list.
Environment: HCSMS_WRAPPER (a command to run hcsms under, as the e2e suite),
HCSMS_REQUIRE_ALL, HCSMS_INTEROP_STRICT.
"""

import argparse
import concurrent.futures
import datetime
import fcntl
import http.server
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

CLIENT_TIMEOUT_S = 10          # curl --max-time, hcsms --timeout
START_TIMEOUT_S = 10           # a server must listen within this
LIGHTTPD_MODDIR = "/usr/lib/lighttpd"

PSS_SIGALGS = "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512"
PKCS1_SIGALGS = "rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512"
GNUTLS_PSS = "+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-RSA-PSS-RSAE-SHA384:+SIGN-RSA-PSS-RSAE-SHA512"
GNUTLS_PKCS1 = "+SIGN-RSA-SHA256:+SIGN-RSA-SHA384:+SIGN-RSA-SHA512"
GATEWAY_SUITES = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"
GNUTLS_SIG_PRIORITY = {
    "pss": "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:" + GNUTLS_PSS,
    "pkcs1": "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:" + GNUTLS_PKCS1,
}
# TLS-only rows (G): gnutls-serv in a private network namespace, see the header.
TLS_ONLY_KIND = "TLS only: gnutls-serv cannot answer a POST"
TLS_ONLY_PORT = 8443           # inside the row's own network namespace: nothing else there
TLS_ONLY_TIMEOUT_S = 90        # the whole namespace (server, curl, probe, every build)
GNUTLS_SERV_PRIORITY = {
    "1.2+1.3": "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
    "1.2": "NORMAL:-VERS-ALL:+VERS-TLS1.2",
    "1.3": "NORMAL:-VERS-ALL:+VERS-TLS1.3",
}
# what hcsms may fail with after a verified handshake to a server that cannot answer:
# HTTP errors only (exit 3 like every protocol failure, README "Exit status")
TLS_ONLY_HTTP_ERRORS = ("malformed HTTP status line", "malformed HTTP header",
                        "HTTP line too long", "unexpected HTTP response",
                        "response truncated: connection closed early")
GNUTLS_GATEWAY_PRIORITY = ("NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL:"
                           "+AES-128-GCM:+AES-256-GCM:-MAC-ALL:+AEAD:%SERVER_PRECEDENCE")

# ---------------------------------------------------------------------------------------
# What each hcsms build profile lacks: feature -> reason. A row lists the features it
# needs; a build lacking one is expected to fail the row (exit 3).

ED25519_REASON = ("mbedTLS has no EdDSA: it neither offers the ed25519 signature "
                  "algorithm nor parses an Ed25519 public key")
PROFILES = {
    "mbedtls-2.28": {
        "TLS 1.3": "mbedTLS 2.28 has no TLS 1.3",
        "RSA-PSS on TLS 1.2": ("mbedTLS 2.28 offers no rsa_pss_rsae_* signature "
                               "algorithm in TLS 1.2 (server: no shared signature "
                               "algorithms)"),
        "Ed25519": ED25519_REASON,
    },
    "mbedtls-3.6": {
        "Ed25519": ED25519_REASON,
    },
    "mbedtls-3.6-hcsms-config": {
        "Ed25519": ED25519_REASON,
        "P-521": ("configs/mbedtls-hcsms.h enables only secp256r1, secp384r1 and x25519 "
                  "(no MBEDTLS_ECP_DP_SECP521R1_ENABLED): the build neither offers "
                  "ecdsa_secp521r1_sha512 nor could parse a P-521 key, so servers "
                  "refuse the handshake"),
    },
    # an mbedTLS we do not know: expect only what no mbedTLS can do
    "mbedtls-other": {
        "Ed25519": ED25519_REASON,
    },
}

# ---------------------------------------------------------------------------------------
# Process bookkeeping: every child is started in its own session and killed by its
# process group, only ever the ones started here.

_children = set()
_children_lock = threading.Lock()
STOPPING = threading.Event()    # set on Ctrl-C / SIGTERM: no new process starts


def spawn(argv, **kw):
    kw.setdefault("start_new_session", True)
    with _children_lock:
        if STOPPING.is_set():
            raise RuntimeError("interrupted")
        p = subprocess.Popen(argv, **kw)
        _children.add(p)
    return p


def kill(p, grace=2.0):
    """Terminate p's process group (SIGTERM, then SIGKILL) and reap it."""
    if p is None:
        return
    try:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(timeout=5)
        else:
            # the leader is gone; make sure nothing of its group lingers
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    finally:
        with _children_lock:
            _children.discard(p)


def kill_all(stop=False):
    with _children_lock:
        if stop:
            STOPPING.set()
        procs = list(_children)
    for p in procs:
        try:
            kill(p, grace=1.0)
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass


def run(argv, env=None, timeout=30, stdin_data=None):
    """Run a client to completion: (exit status or None on timeout, stdout, stderr)."""
    p = spawn(argv, stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = p.communicate(input=stdin_data, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        kill(p, grace=0.5)
        out, err = p.communicate()
        rc = None
    finally:
        kill(p)
    return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=START_TIMEOUT_S):
    """Poll connect() until the port accepts; False if proc died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.03)
    return False


def tail(path, n=2500):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-n:]
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------
# The plain-HTTP backend behind the TLS terminators.

TASK_PATH = re.compile(r"^/v3/tasks/([A-Za-z0-9_-]{1,64})/unlock$")


def answer_for(method, path, token, expected_token):
    """(status, body) the stand-in SMS endpoint answers."""
    if method == "POST" and TASK_PATH.match(path):
        if token != expected_token:
            return 401, b'{"error_code":"APIGW.0307","error_msg":"The token must be updated."}'
        return 200, b"{}"
    return 404, b'{"error_code":"APIGW.0101","error_msg":"The API does not exist."}'


class Backend:
    def __init__(self, token, logpath):
        self.token = token
        self.logpath = logpath
        self.lock = threading.Lock()
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "interop-backend"
            sys_version = ""

            def _answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                status, body = answer_for(self.command, self.path,
                                          self.headers.get("X-Auth-Token"), backend.token)
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET = do_PUT = do_DELETE = _answer

            def log_message(self, fmt, *args):
                with backend.lock, open(backend.logpath, "a") as f:
                    f.write("%s %s\n" % (self.address_string(), fmt % args))

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------------------------------
# Rows.

RSA_LEAVES = ["rsa2048", "rsa3072", "rsa4096"]
EC_LEAVES = ["p256", "p384"]
CHAINS = ["rsa", "ec"]
LEAF_NAMES = {"rsa2048": "RSA-2048", "rsa3072": "RSA-3072", "rsa4096": "RSA-4096",
              "p256": "ECDSA P-256", "p384": "ECDSA P-384", "p521": "ECDSA P-521",
              "ed25519": "Ed25519"}
CHAIN_NAMES = {"rsa": "RSA-4096 root+int", "ec": "P-384 root+int"}
PROTO_NAMES = {"1.2+1.3": "TLS 1.2+1.3", "1.2": "TLS 1.2 only", "1.3": "TLS 1.3 only"}


class Row:
    def __init__(self, server, leaf, chain, proto, sig=None, suites=None, groups=None,
                 tls_only=False):
        self.server = server
        self.tls_only = tls_only  # judged by the TLS layer only (see TLS-only rows)
        self.leaf = leaf
        self.chain = chain
        self.proto = proto
        self.sig = sig            # None, "pss", "pkcs1"
        self.suites = suites      # None, "gateway"
        self.groups = groups      # None, "p384"
        self.num = 0
        self.needs = set()
        if proto == "1.3":
            self.needs.add("TLS 1.3")
        if sig == "pss":
            self.needs.add("RSA-PSS on TLS 1.2")
        if leaf in ("ed25519", "p521"):
            self.needs.add(LEAF_NAMES[leaf].split()[-1])

    def needs_for(self, lacks):
        """What this row needs of a build that lacks ``lacks`` (TLS 1.2 adds needs)."""
        needs = set(self.needs)
        tls12 = self.proto == "1.2" or (self.proto == "1.2+1.3" and "TLS 1.3" in lacks)
        if self.leaf == "p521" and tls12:
            needs.add("P-521 on TLS 1.2")
        return needs

    @property
    def variant(self):
        parts = [{"1.2+1.3": "both", "1.2": "tls12", "1.3": "tls13"}[self.proto]]
        if self.sig:
            parts.append(self.sig)
        if self.suites:
            parts.append(self.suites)
        if self.groups:
            parts.append("hrr-" + self.groups)
        if self.tls_only:
            parts.append("tlsonly")
        return "-".join(parts)

    @property
    def rid(self):
        return "%03d-%s-%s-%s-%s" % (self.num, self.server, self.leaf, self.chain, self.variant)

    @property
    def settings(self):
        if self.tls_only:
            return TLS_ONLY_KIND
        if self.sig == "pss":
            return "signs only rsa_pss_rsae_*"
        if self.sig == "pkcs1":
            return "signs only rsa_pkcs1_*"
        if self.suites == "gateway":
            return "gateway suites, server order"
        if self.groups == "p384":
            return "groups secp384r1 only (HRR)"
        return "defaults"


def build_rows(server_names):
    rows = []
    for si, s in enumerate(n for n in server_names if not SERVER_KINDS[n].get("tls_only")):
        caps = SERVER_KINDS[s]["caps"]
        for c in CHAINS:                                            # A
            for t in RSA_LEAVES + EC_LEAVES:
                rows.append(Row(s, t, c, "1.2+1.3"))
        rows.append(Row(s, "p521", "ec", "1.2+1.3"))                 # B
        rows.append(Row(s, "p521", "ec", "1.2"))
        rows.append(Row(s, "ed25519", "ec", "1.2+1.3"))
        for k, proto in enumerate(["1.2", "1.3"]):                   # C
            rows.append(Row(s, RSA_LEAVES[(si + k) % 3], CHAINS[(si + k) % 2], proto))
            rows.append(Row(s, EC_LEAVES[(si + k) % 2], CHAINS[(si + k + 1) % 2], proto))
        if "sigalgs" in caps:                                        # D
            rows.append(Row(s, RSA_LEAVES[si % 3], "rsa", "1.2", sig="pss"))
            rows.append(Row(s, RSA_LEAVES[(si + 1) % 3], "ec", "1.2", sig="pkcs1"))
        rows.append(Row(s, RSA_LEAVES[(si + 2) % 3], CHAINS[si % 2], "1.2",   # E
                        suites="gateway"))
        if "groups" in caps:                                         # F
            rows.append(Row(s, EC_LEAVES[si % 2], CHAINS[(si + 1) % 2], "1.3",
                            groups="p384"))
    for s in server_names:                                           # G (TLS only)
        if SERVER_KINDS[s].get("tls_only"):
            for k, proto in enumerate(["1.2+1.3", "1.2", "1.3"]):
                rows.append(Row(s, "rsa2048", CHAINS[k % 2], proto, tls_only=True))
                rows.append(Row(s, "p256", CHAINS[(k + 1) % 2], proto, tls_only=True))
    for i, r in enumerate(rows, 1):
        r.num = i
    return rows


# ---------------------------------------------------------------------------------------
# Servers. Each kind: start(row) -> object with session() (a context manager giving the
# port one client connection should use), stop(), logs().

def pki_files(pki, row):
    return {
        "cert": os.path.join(pki, "leaf-%s-%s.pem" % (row.leaf, row.chain)),
        "chain": os.path.join(pki, "leaf-%s-%s.chain.pem" % (row.leaf, row.chain)),
        "key": os.path.join(pki, "leaf-%s.key" % row.leaf),
        "int": os.path.join(pki, "int-%s.pem" % row.chain),
        "root": os.path.join(pki, "root-%s.pem" % row.chain),
    }


class _FixedPort:
    def __init__(self, port):
        self.port = port

    def __enter__(self):
        return self.port

    def __exit__(self, *exc):
        return False


class SServer:
    """openssl s_server: a fresh process (-naccept 1) per client connection."""

    def __init__(self, row, rowdir, ctx):
        self.row = row
        self.rowdir = rowdir
        self.ctx = ctx
        self.count = 0
        f = pki_files(ctx.pki, row)
        a = ["openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
             "-cert", f["cert"], "-key", f["key"], "-cert_chain", f["int"]]
        a += {"1.2+1.3": ["-min_protocol", "TLSv1.2"], "1.2": ["-tls1_2"],
              "1.3": ["-tls1_3"]}[row.proto]
        if row.sig:
            a += ["-sigalgs", PSS_SIGALGS if row.sig == "pss" else PKCS1_SIGALGS]
        if row.suites == "gateway":
            a += ["-cipher", GATEWAY_SUITES, "-serverpref"]
        if row.groups == "p384":
            a += ["-groups", "P-384"]
        self.argv = a
        with open(os.path.join(rowdir, "s_server.cmd"), "w") as fh:
            fh.write(shlex.join(a) + "\n")

    def start(self):
        return self

    def session(self):
        self.count += 1
        return _SServerSession(self, self.count)

    def stop(self):
        pass

    def logs(self):
        out = []
        for i in range(1, self.count + 1):
            out.append("--- s_server connection %d:\n%s" % (
                i, tail(os.path.join(self.rowdir, "s_server-%d.log" % i), 1500)))
        return "\n".join(out)


class _SServerSession:
    def __init__(self, server, index):
        self.server = server
        self.index = index
        self.buf = b""
        self.answered = False
        self.port_event = threading.Event()
        self.port = None
        self.proc = None
        self.reader = None

    def __enter__(self):
        logdir = self.server.rowdir
        self.errf = open(os.path.join(logdir, "s_server-%d.stderr" % self.index), "wb")
        self.proc = spawn(self.server.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=self.errf)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.port_event.wait(START_TIMEOUT_S) or self.port is None:
            self.__exit__(None, None, None)
            raise RuntimeError("s_server did not listen: %s" % tail(self.errf.name))
        return self.port

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.buf += chunk
            if self.port is None:
                m = re.search(rb"ACCEPT 127\.0\.0\.1:(\d+)\n", self.buf)
                if m:
                    self.port = int(m.group(1))
                    self.port_event.set()
            if not self.answered:
                self._maybe_answer()
        self.port_event.set()

    def _maybe_answer(self):
        m = re.search(rb"(?m)^([A-Z]+) (\S+) HTTP/1\.[01]\r\n", self.buf)
        if not m:
            return
        end = self.buf.find(b"\r\n\r\n", m.start())
        if end < 0:
            return
        headers = {}
        for line in self.buf[m.end():end].split(b"\r\n"):
            k, _, v = line.partition(b":")
            headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
        n = int(headers.get("content-length") or 0)
        if len(self.buf) < end + 4 + n:
            return
        status, body = answer_for(m.group(1).decode(), m.group(2).decode("latin-1"),
                                  headers.get("x-auth-token"), self.server.ctx.token)
        reason = {200: "OK", 401: "Unauthorized", 404: "Not Found"}[status]
        resp = ("HTTP/1.1 %d %s\r\nContent-Type: application/json;charset=UTF-8\r\n"
                "Content-Length: %d\r\n\r\n" % (status, reason, len(body))).encode() + body
        # One write (< PIPE_BUF): s_server reads it as one chunk starting with 'H', which
        # is none of its single-letter stdin commands (Q, q, r, R, ...).
        try:
            self.proc.stdin.write(resp)
            self.proc.stdin.flush()
        except OSError:
            pass
        self.answered = True

    def __exit__(self, *exc):
        p = self.proc
        if p is not None:
            try:
                p.wait(timeout=3)     # the client has closed; -naccept 1 makes it exit
            except subprocess.TimeoutExpired:
                pass
            kill(p, grace=0.5)
            if self.reader:
                self.reader.join(timeout=2)
            for fh in (p.stdin, p.stdout):
                try:
                    fh.close()
                except OSError:
                    pass
        self.errf.close()
        with open(os.path.join(self.server.rowdir, "s_server-%d.log" % self.index), "wb") as f:
            f.write(self.buf)
            f.write(b"\n--- stderr:\n")
            with open(self.errf.name, "rb") as e:
                f.write(e.read())
        return False


class _Daemon:
    """A foreground server on one port for the whole row (nginx, stunnel, lighttpd)."""
    name = "server"

    def __init__(self, row, rowdir, ctx):
        self.row = row
        self.rowdir = rowdir
        self.ctx = ctx
        self.files = pki_files(ctx.pki, row)
        self.proc = None
        self.port = None

    def argv(self):
        raise NotImplementedError

    def write_config(self):
        raise NotImplementedError

    def log_paths(self):
        return [os.path.join(self.rowdir, "stderr.log")]

    def start(self):
        last = ""
        for _attempt in range(3):   # the free port may be taken between probe and bind
            self.port = free_port()
            self.write_config()
            with open(os.path.join(self.rowdir, "stderr.log"), "wb") as err:
                self.proc = spawn(self.argv(), stdin=subprocess.DEVNULL, stdout=err,
                                  stderr=subprocess.STDOUT, cwd=self.rowdir)
            # a daemon that lost the port to someone else exits at once: make sure the
            # answer came from ours
            if wait_listening(self.port, self.proc) and not time.sleep(0.05) \
                    and self.proc.poll() is None:
                return self
            last = self.logs()
            self.stop()
            if "in use" not in last:
                break
        raise RuntimeError("%s did not start:\n%s" % (self.name, last))

    def session(self):
        return _FixedPort(self.port)

    def stop(self):
        if self.proc is not None:
            kill(self.proc)
            self.proc = None

    def logs(self):
        return "\n".join("--- %s:\n%s" % (os.path.basename(p), tail(p))
                         for p in self.log_paths())


NGINX_CONF = """\
# nginx for the hcsms interop matrix (written by run_interop.py); foreground, one process.
{user_line}
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
lock_file {dir}/nginx.lock;
error_log {dir}/error.log info;
events {{ worker_connections 64; }}
http {{
    server_tokens off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    log_format interop '$request_method "$request_uri" $status $ssl_protocol $ssl_cipher $ssl_curve';
    access_log {dir}/access.log interop;
    default_type "application/json;charset=UTF-8";
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {chain};
        ssl_certificate_key {key};
        ssl_protocols {protocols};
{extra}
        location ~ ^/v3/tasks/[A-Za-z0-9_-]+/unlock$ {{
            if ($request_method != POST) {{
                return 404 '{{"error_code":"APIGW.0101","error_msg":"The API does not exist."}}';
            }}
            if ($http_x_auth_token != "{token}") {{
                return 401 '{{"error_code":"APIGW.0307","error_msg":"The token must be updated."}}';
            }}
            return 200 '{{}}';
        }}
        location / {{
            return 404 '{{"error_code":"APIGW.0101","error_msg":"The API does not exist."}}';
        }}
    }}
}}
"""


class Nginx(_Daemon):
    name = "nginx"

    def argv(self):
        return [self.ctx.bins["nginx"], "-p", self.rowdir + "/", "-c",
                os.path.join(self.rowdir, "nginx.conf"), "-e",
                os.path.join(self.rowdir, "error.log")]

    def write_config(self):
        r = self.row
        extra = []
        if r.sig:
            extra.append("ssl_conf_command SignatureAlgorithms %s;" %
                         (PSS_SIGALGS if r.sig == "pss" else PKCS1_SIGALGS))
        if r.suites == "gateway":
            extra += ["ssl_ciphers %s;" % GATEWAY_SUITES, "ssl_prefer_server_ciphers on;"]
        if r.groups == "p384":
            extra.append("ssl_ecdh_curve secp384r1;")
        text = NGINX_CONF.format(
            user_line="user root;" if os.geteuid() == 0 else "# not root: no user directive",
            dir=self.rowdir, port=self.port, chain=self.files["chain"], key=self.files["key"],
            protocols={"1.2+1.3": "TLSv1.2 TLSv1.3", "1.2": "TLSv1.2",
                       "1.3": "TLSv1.3"}[r.proto],
            extra="\n".join("        " + e for e in extra), token=self.ctx.token)
        with open(os.path.join(self.rowdir, "nginx.conf"), "w") as f:
            f.write(text)

    def log_paths(self):
        return [os.path.join(self.rowdir, n) for n in ("stderr.log", "error.log", "access.log")]


class Stunnel(_Daemon):
    name = "stunnel"

    def argv(self):
        return [self.ctx.bins["stunnel"], os.path.join(self.rowdir, "stunnel.conf")]

    def write_config(self):
        r = self.row
        lines = [
            "; stunnel for the hcsms interop matrix (written by run_interop.py)",
            "foreground = yes",
            "syslog = no",
            "pid = %s/stunnel.pid" % self.rowdir,
            "output = %s/stunnel.log" % self.rowdir,
            "debug = info",
            "[interop]",
            "accept = 127.0.0.1:%d" % self.port,
            "connect = 127.0.0.1:%d" % self.ctx.backend.port,
            "cert = %s" % self.files["chain"],
            "key = %s" % self.files["key"],
            "sslVersionMin = %s" % ("TLSv1.3" if r.proto == "1.3" else "TLSv1.2"),
            "sslVersionMax = %s" % ("TLSv1.2" if r.proto == "1.2" else "TLSv1.3"),
        ]
        if r.sig:
            lines.append("config = SignatureAlgorithms:%s" %
                         (PSS_SIGALGS if r.sig == "pss" else PKCS1_SIGALGS))
        if r.suites == "gateway":
            lines += ["ciphers = %s" % GATEWAY_SUITES, "options = CIPHER_SERVER_PREFERENCE"]
        if r.groups == "p384":
            lines.append("curves = secp384r1")
        with open(os.path.join(self.rowdir, "stunnel.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def log_paths(self):
        return [os.path.join(self.rowdir, n) for n in ("stderr.log", "stunnel.log")]


class Lighttpd(_Daemon):
    name = "lighttpd"
    module = None   # openssl, gnutls, wolfssl

    def argv(self):
        return [self.ctx.bins["lighttpd"], "-D", "-f", os.path.join(self.rowdir, "lighttpd.conf")]

    def write_config(self):
        r = self.row
        cmd = [("MinProtocol", "TLSv1.3" if r.proto == "1.3" else "TLSv1.2"),
               ("MaxProtocol", "TLSv1.2" if r.proto == "1.2" else "TLSv1.3")]
        if r.sig and self.module == "openssl":
            cmd.append(("SignatureAlgorithms", PSS_SIGALGS if r.sig == "pss" else PKCS1_SIGALGS))
        if self.module == "gnutls" and (r.sig or r.suites):
            # mod_gnutls maps neither SignatureAlgorithms nor OpenSSL suite names;
            # "gnutls-override" replaces its whole priority string (TLS 1.2 rows only)
            cmd.append(("gnutls-override", GNUTLS_SIG_PRIORITY[r.sig] if r.sig
                        else GNUTLS_GATEWAY_PRIORITY))
        elif r.suites == "gateway":
            cmd += [("CipherString", GATEWAY_SUITES), ("Options", "ServerPreference")]
        if r.groups == "p384":
            # mod_gnutls (1.4.69) finds only the first names of its curve table
            # ("secp384r1" is "unrecognized ... ignored"), "P-384" is among them
            cmd.append(("Groups", "P-384" if self.module == "gnutls" else "secp384r1"))
        docroot = os.path.join(self.rowdir, "docroot")
        os.makedirs(docroot, exist_ok=True)
        lines = [
            "# lighttpd + mod_%s for the hcsms interop matrix (written by run_interop.py)"
            % self.module,
            'server.modules = ("mod_proxy", "mod_%s")' % self.module,
            'server.document-root = "%s"' % docroot,
            'server.bind = "127.0.0.1"',
            "server.port = %d" % self.port,
            'server.errorlog = "%s/error.log"' % self.rowdir,
            'ssl.engine = "enable"',
            'ssl.pemfile = "%s"' % self.files["chain"],
            'ssl.privkey = "%s"' % self.files["key"],
            "ssl.openssl.ssl-conf-cmd = (%s)" % ", ".join('"%s" => "%s"' % kv for kv in cmd),
            'proxy.server = ("" => (("host" => "127.0.0.1", "port" => %d)))'
            % self.ctx.backend.port,
        ]
        with open(os.path.join(self.rowdir, "lighttpd.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def log_paths(self):
        return [os.path.join(self.rowdir, n) for n in ("stderr.log", "error.log")]


class LighttpdOpenSSL(Lighttpd):
    module = "openssl"


class LighttpdGnuTLS(Lighttpd):
    module = "gnutls"


class LighttpdWolfSSL(Lighttpd):
    module = "wolfssl"


# caps: which row kinds the server can express (see the header, D and F).
SERVER_KINDS = {
    "s_server": {"cls": SServer, "lib": "openssl", "caps": {"sigalgs", "groups"},
                 "needs": [("bin", "openssl", "openssl")]},
    "nginx": {"cls": Nginx, "lib": "openssl", "caps": {"sigalgs", "groups"},
              "needs": [("bin", "nginx", "nginx-light")]},
    "stunnel": {"cls": Stunnel, "lib": "openssl", "caps": {"sigalgs", "groups"},
                "needs": [("bin", "stunnel", "stunnel4")]},
    "lighttpd-openssl": {"cls": LighttpdOpenSSL, "lib": "openssl",
                         "caps": {"sigalgs", "groups"},
                         "needs": [("bin", "lighttpd", "lighttpd"),
                                   ("mod", "openssl", "lighttpd-mod-openssl")]},
    "lighttpd-gnutls": {"cls": LighttpdGnuTLS, "lib": "gnutls",
                        "caps": {"sigalgs", "groups"},
                        "needs": [("bin", "lighttpd", "lighttpd"),
                                  ("mod", "gnutls", "lighttpd-mod-gnutls")]},
    "lighttpd-wolfssl": {"cls": LighttpdWolfSSL, "lib": "wolfssl", "caps": set(),
                         "needs": [("bin", "lighttpd", "lighttpd"),
                                   ("mod", "wolfssl", "lighttpd-mod-wolfssl")]},
    # TLS-only rows only (G), each in its own user+network namespace
    "gnutls-serv": {"cls": None, "lib": "gnutls", "caps": set(), "tls_only": True,
                    "needs": [("bin", "gnutls-serv", "gnutls-bin"),
                              ("bin", "unshare", "util-linux")]},
}
SERVER_ORDER = list(SERVER_KINDS)

BIN_CANDIDATES = {
    "openssl": ["openssl"],
    "nginx": ["nginx", "/usr/sbin/nginx"],
    "stunnel": ["stunnel4", "stunnel", "/usr/bin/stunnel4"],
    "lighttpd": ["lighttpd", "/usr/sbin/lighttpd"],
    "curl": ["curl"],
    "gnutls-serv": ["gnutls-serv"],
    "unshare": ["unshare", "/usr/bin/unshare"],
}


def find_bin(name):
    for c in BIN_CANDIDATES[name]:
        p = shutil.which(c) if "/" not in c else (c if os.access(c, os.X_OK) else None)
        if p:
            return p
    return None


def dpkg_version(pattern):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", pattern],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1]:
            return parts[1].split("-")[0].split("+")[0]
    return ""


def library_names():
    names = {}
    v = ""
    try:
        v = subprocess.run(["openssl", "version"], capture_output=True, text=True,
                           timeout=10).stdout.split()[1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        pass
    names["openssl"] = ("OpenSSL " + v).strip()
    names["gnutls"] = ("GnuTLS " + dpkg_version("libgnutls30*")).strip()
    names["wolfssl"] = ("wolfSSL " + dpkg_version("libwolfssl[0-9]*")).strip()
    return names


# ---------------------------------------------------------------------------------------
# Clients.

def clean_env():
    env = {k: v for k, v in os.environ.items()
           if not (k.lower() in ("https_proxy", "http_proxy", "all_proxy", "no_proxy")
                   or k.startswith("HCSMS_") or k.startswith("HUAWEICLOUD_SDK_")
                   or k in ("CURL_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR"))}
    env["LC_ALL"] = "C"
    return env


def run_curl(ctx, port, root, task_id, tls_only=False):
    write_out = "\\nHTTP_CODE:%{http_code}\\n"
    if tls_only:
        write_out += "SSL_VERIFY:%{ssl_verify_result}\\n"
    argv = [ctx.bins["curl"], "-q", "-sS", "-v", "--http1.1", "--noproxy", "*",
            "--max-time", str(CLIENT_TIMEOUT_S), "--cacert", root,
            "--data-binary", "", "-H", "Content-Type: application/json",
            "-H", "X-Auth-Token: " + ctx.token,
            "-w", write_out,
            "https://localhost:%d/v3/tasks/%s/unlock" % (port, task_id)]
    rc, out, err = run(argv, env=clean_env(), timeout=CLIENT_TIMEOUT_S + 5)
    m = re.search(r"SSL connection using (\S+) / (\S+)", err)
    neg = "%s %s" % (m.group(1), m.group(2)) if m else ""
    code = re.search(r"HTTP_CODE:(\d+)", out)
    body = out[:code.start()].rstrip("\n") if code else out
    ok = rc == 0 and code is not None and code.group(1) == "200" and body == "{}"
    if ok:
        detail = ""
    elif rc is None:
        detail = "timed out"
    elif rc != 0:
        lines = [l for l in err.splitlines() if l.startswith("curl:")]
        detail = lines[-1] if lines else "exit %d" % rc
    else:
        detail = "HTTP %s body %r" % (code.group(1) if code else "?", body[:60])
    res = {"ok": ok, "neg": neg, "detail": detail, "log": " ".join(argv) + "\n" + err + out}
    if tls_only:
        # the handshake completed (a suite was negotiated) and the chain verified
        verify = re.search(r"SSL_VERIFY:(\d+)", out)
        res["rc"] = rc
        res["verify"] = verify.group(1) if verify else "?"
        res["tls_ok"] = bool(neg) and res["verify"] == "0" and \
            "SSL certificate verify ok." in err
    return res


def run_probe(ctx, port, root):
    """openssl s_client -brief -msg: what the server signs with, its key exchange group
    and whether it asked for another key share (HelloRetryRequest: a second
    ClientHello)."""
    argv = ["openssl", "s_client", "-brief", "-msg", "-connect", "127.0.0.1:%d" % port,
            "-servername", "localhost", "-CAfile", root]
    rc, out, err = run(argv, env=clean_env(), timeout=CLIENT_TIMEOUT_S)
    text = err + out
    sig = re.search(r"^Signature type: (\S+)", text, re.M)
    md = re.search(r"^Hash used: (\S+)", text, re.M)
    if not sig:
        return "-", text
    s = sig.group(1)
    if md and s.lower() != "ed25519":
        s += "+" + md.group(1)
    group = re.search(r"^Server Temp Key: (?:ECDH, )?([^,\s]+)", text, re.M)
    if group:
        s += ", " + group.group(1)
    if len(re.findall(r"^>>> .*, ClientHello$", text, re.M)) > 1:
        s += " after HRR"
    return s, text


def run_hcsms(ctx, build, port, root, task_id):
    argv = ctx.wrapper + [build.run_path, "unlock", "-v", "--cacert", root,
                          "--endpoint", "https://localhost:%d" % port,
                          "--timeout", str(CLIENT_TIMEOUT_S * 1000),
                          "--connect-timeout", "5000", task_id]
    env = clean_env()
    env["HCSMS_AUTH_TOKEN"] = ctx.token
    rc, out, err = run(argv, env=env, timeout=CLIENT_TIMEOUT_S + 10)
    m = re.search(r"\* TLS (TLSv\S+) (\S+)", err)
    neg = "%s %s" % (m.group(1), m.group(2)) if m else ""
    ok = rc == 0 and ("unlocked %s" % task_id) in out.splitlines()
    lines = [l for l in err.splitlines() if l.startswith("hcsms:")]
    detail = "" if ok else ("exit %s: %s" % ("timeout" if rc is None else rc,
                                             lines[-1] if lines else out.strip()[:200]))
    return {"ok": ok, "rc": rc, "neg": neg, "detail": detail,
            "log": " ".join(argv) + "\n--- stdout:\n" + out + "--- stderr:\n" + err}


# ---------------------------------------------------------------------------------------
# Builds.

class Build:
    def __init__(self, spec):
        label, sep, path = spec.partition("=")
        if not sep:
            label, path = spec, spec
        self.label = label
        self.path = path if os.path.isabs(path) else os.path.abspath(path)
        self.version = ""
        self.profile = None

    def detect(self, wrapper, override=None):
        try:
            out = subprocess.run(wrapper + [self.run_path, "--version"], capture_output=True,
                                 text=True, timeout=20).stdout
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SystemExit("interop: %s --version: %s" % (self.path, e))
        m = re.search(r"\((?:m|M)bed TLS ([0-9.]+)\)", out)
        self.version = "mbedTLS " + m.group(1) if m else out.strip()
        if override:
            self.profile = override
        elif m and m.group(1).startswith("2.28"):
            self.profile = "mbedtls-2.28"
        elif m and m.group(1).startswith("3.6"):
            # the Makefile's folder for MBEDTLS_CONFIG=configs/mbedtls-hcsms.h
            recommended = os.path.basename(os.path.dirname(self.path)).endswith(
                "-mbedtls-hcsms")
            self.profile = "mbedtls-3.6-hcsms-config" if recommended else "mbedtls-3.6"
        else:
            self.profile = "mbedtls-other"
        if self.profile not in PROFILES:
            raise SystemExit("interop: unknown profile %r (known: %s)" %
                             (self.profile, ", ".join(PROFILES)))
        return self

    def lacks(self, row):
        """[(feature, reason)] for what row needs and this build lacks: why it is
        expected to fail row ([] if it is expected to pass)."""
        lacks = PROFILES[self.profile]
        return [(n, lacks[n]) for n in sorted(row.needs_for(lacks)) if n in lacks]


# ---------------------------------------------------------------------------------------
# Running a row.

class Ctx:
    pass


def run_row(ctx, row):
    """Returns a result dict for the row."""
    res = {"row": row, "status": None, "curl": None, "probe": "", "builds": {},
           "note": "", "server_log": ""}
    kind = SERVER_KINDS[row.server]
    if row.server in ctx.skipped:
        res["status"] = "skip"
        res["note"] = "SKIP (%s)" % ctx.skipped[row.server]
        return res
    if row.tls_only:
        return run_tls_only_row(ctx, row, res)
    rowdir = os.path.join(ctx.rowsdir, row.rid)
    os.makedirs(rowdir, exist_ok=True)
    files = pki_files(ctx.pki, row)
    root = files["root"]
    task_id = "interop-%03d" % row.num
    server = None
    try:
        server = kind["cls"](row, rowdir, ctx).start()
        with server.session() as port:
            curl = run_curl(ctx, port, root, task_id)
        if not curl["ok"]:        # one retry: a control must not fail by accident
            with server.session() as port:
                curl = run_curl(ctx, port, root, task_id)
        res["curl"] = curl
        with open(os.path.join(rowdir, "curl.log"), "w") as f:
            f.write(curl["log"])
        with server.session() as port:
            res["probe"], probe_log = run_probe(ctx, port, root)
        with open(os.path.join(rowdir, "s_client-probe.log"), "w") as f:
            f.write(probe_log)
        for b in ctx.builds:
            with server.session() as port:
                h = run_hcsms(ctx, b, port, root, task_id)
            with open(os.path.join(rowdir, "hcsms-%s.log" % re.sub(r"[^A-Za-z0-9_.-]", "_",
                                                                   b.label)), "w") as f:
                f.write(h["log"])
            res["builds"][b.label] = h
    except Exception as e:  # noqa: BLE001 - a broken row is reported, not fatal
        res["status"] = "error"
        res["note"] = "matrix error: %s" % e
    finally:
        if server is not None:
            server.stop()
            res["server_log"] = server.logs()
    if res["status"] == "error":
        return res
    if not res["curl"]["ok"]:
        res["status"] = "control-failed"
        res["note"] = "control failed: " + res["curl"]["detail"]
        return res
    judge(ctx, row, res)
    return res


def judge(ctx, row, res):
    worst = "pass"
    notes = {}      # feature -> labels of the builds expected to fail for it
    for b in ctx.builds:
        h = res["builds"][b.label]
        lacking = b.lacks(row)
        if not lacking:
            if h["ok"]:
                h["verdict"] = "PASS"
                if row.suites == "gateway" and h["neg"] and "AES-128-GCM" not in h["neg"]:
                    h["verdict"] = "FAIL"
                    h["detail"] = "negotiated %s, not the server's first suite" % h["neg"]
            else:
                h["verdict"] = "FAIL"
        else:
            for feature, reason in lacking:
                notes.setdefault(feature, []).append(b.label)
                ctx.legend[feature] = reason
            if h["ok"]:
                h["verdict"] = "XPASS"
            elif h["rc"] == 3:
                h["verdict"] = "XFAIL"
            else:
                h["verdict"] = "FAIL"
                h["detail"] = "expected exit 3 (no %s), got %s" % (
                    ", ".join(f for f, _ in lacking), h["detail"])
        if h["verdict"] == "FAIL" or (h["verdict"] == "XPASS" and ctx.strict_xpass):
            worst = "fail"
        elif h["verdict"] == "XFAIL" and worst == "pass":
            worst = "xfail"
    text = []
    if notes:
        text.append("expected failure: " + "; ".join(
            "no %s (%s)" % (f, ", ".join(labels)) for f, labels in sorted(notes.items())))
    # A server setting that has no effect makes a row that tests nothing: a matrix bug.
    probe = res["probe"]
    if row.suites == "gateway" and "AES128-GCM" not in res["curl"]["neg"]:
        text.append("matrix: curl negotiated %s, the server ignores its suite order"
                    % res["curl"]["neg"])
    if row.sig == "pss" and not probe.startswith("RSA-PSS+"):
        text.append("matrix: the server signed with %s, not RSA-PSS" % probe)
    if row.sig == "pkcs1" and not probe.startswith("RSA+"):
        text.append("matrix: the server signed with %s, not PKCS#1 v1.5" % probe)
    if row.groups == "p384" and not probe.endswith("secp384r1 after HRR"):
        text.append("matrix: no HelloRetryRequest to secp384r1 (%s)" % probe)
    if any(t.startswith("matrix:") for t in text):
        worst = "fail"
    res["status"] = worst
    res["note"] = "; ".join(text)


# ---------------------------------------------------------------------------------------
# TLS-only rows (G): gnutls-serv, which binds every address, runs in a user+network(+pid)
# namespace of its own with nothing but lo; curl, the probe and every build run there too.
# This script is the helper inside (--ns-row SPEC): it brings lo up, starts the server,
# runs the clients and prints their results as one JSON line. unshare --pid --fork
# --kill-child: when the runner kills unshare, the helper (pid 1 of the namespace) dies
# and the kernel kills everything else in the namespace with it.

def ns_argv(*cmd):
    return [CTX_BINS["unshare"], "--user", "--map-root-user", "--net", "--pid", "--fork",
            "--kill-child"] + list(cmd)


CTX_BINS = {}


def namespace_problem():
    """None if a user+network+pid namespace can be made here, else why not."""
    try:
        p = subprocess.run(ns_argv(sys.executable, "-c", "pass"), capture_output=True,
                           text=True, timeout=20, env=clean_env())
    except (OSError, subprocess.TimeoutExpired) as e:
        return "no user+network namespace: %s" % e
    if p.returncode != 0:
        return "no user+network namespace: %s" % (
            (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1])
    return None


def lo_up():
    """Bring lo up (ioctl, no iproute2 needed) in a namespace that is private: only lo,
    and down until now. Refuses anything else: gnutls-serv listens on every address."""
    names = [n for _, n in socket.if_nameindex()]
    if names != ["lo"]:
        raise RuntimeError("not a private network namespace (interfaces %s)" % names)
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sk:
        flags = struct.unpack("16sh22x", fcntl.ioctl(sk, siocgifflags,
                                                     struct.pack("16sh22x", b"lo", 0)))[1]
        if flags & iff_up:
            raise RuntimeError("lo is already up: not a fresh network namespace")
        fcntl.ioctl(sk, siocsifflags, struct.pack("16sh22x", b"lo", flags | iff_up))


class _NsBuild:
    def __init__(self, d):
        self.label = d["label"]
        self.run_path = d["run_path"]


def ns_main(spec_path):
    """Inside the namespace: one TLS-only row; prints one JSON line."""
    with open(spec_path) as f:
        spec = json.load(f)
    ctx = Ctx()
    ctx.bins = spec["bins"]
    ctx.wrapper = spec["wrapper"]
    ctx.token = spec["token"]
    out = {"curl": None, "probe": "", "probe_log": "", "builds": {}, "error": ""}
    server = None
    try:
        lo_up()
        port = spec["port"]
        argv = [ctx.bins["gnutls-serv"], "--http", "--disable-client-cert",
                "--port", str(port), "--x509certfile", spec["chain"],
                "--x509keyfile", spec["key"], "--priority", spec["priority"]]
        with open(os.path.join(spec["rowdir"], "gnutls-serv.cmd"), "w") as f:
            f.write(shlex.join(argv) + "\n")
        with open(os.path.join(spec["rowdir"], "gnutls-serv.log"), "wb") as log:
            server = spawn(argv, stdin=subprocess.DEVNULL, stdout=log,
                           stderr=subprocess.STDOUT, env=clean_env())
        if not wait_listening(port, server):
            raise RuntimeError("gnutls-serv did not listen")
        out["curl"] = run_curl(ctx, port, spec["root"], spec["task_id"], tls_only=True)
        out["probe"], out["probe_log"] = run_probe(ctx, port, spec["root"])
        for d in spec["builds"]:
            out["builds"][d["label"]] = run_hcsms(ctx, _NsBuild(d), port, spec["root"],
                                                  spec["task_id"])
    except Exception as e:  # noqa: BLE001 - reported to the runner
        out["error"] = str(e)
    finally:
        kill(server)
        kill_all(stop=True)
    print(json.dumps(out), flush=True)
    return 0


def run_tls_only_row(ctx, row, res):
    rowdir = os.path.join(ctx.rowsdir, row.rid)
    os.makedirs(rowdir, exist_ok=True)
    files = pki_files(ctx.pki, row)
    spec = {"bins": ctx.bins, "wrapper": ctx.wrapper, "token": ctx.token,
            "builds": [{"label": b.label, "run_path": b.run_path} for b in ctx.builds],
            "chain": files["chain"], "key": files["key"], "root": files["root"],
            "priority": GNUTLS_SERV_PRIORITY[row.proto], "port": TLS_ONLY_PORT,
            "task_id": "interop-%03d" % row.num, "rowdir": rowdir}
    spec_path = os.path.join(rowdir, "ns-spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=1)
    argv = ns_argv(sys.executable, os.path.abspath(__file__), "--ns-row", spec_path)
    try:
        rc, out, err = run(argv, env=clean_env(), timeout=TLS_ONLY_TIMEOUT_S)
    except Exception as e:  # noqa: BLE001 - a broken row is reported, not fatal
        res["status"] = "error"
        res["note"] = "matrix error: %s" % e
        return res
    res["server_log"] = "--- gnutls-serv.log:\n" + tail(os.path.join(rowdir, "gnutls-serv.log"))
    got = None
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            try:
                got = json.loads(line)
            except ValueError:
                pass
            break
    if got is None or got["error"] or got["curl"] is None:
        res["status"] = "error"
        res["note"] = "matrix error: %s" % (
            got["error"] if got and got["error"] else
            "namespace helper %s: %s" % ("timed out" if rc is None else "exit %s" % rc,
                                         (err.strip().splitlines() or ["no output"])[-1]))
        return res
    res["curl"] = got["curl"]
    res["probe"] = got["probe"]
    with open(os.path.join(rowdir, "curl.log"), "w") as f:
        f.write(got["curl"]["log"])
    with open(os.path.join(rowdir, "s_client-probe.log"), "w") as f:
        f.write(got["probe_log"])
    for b in ctx.builds:
        h = got["builds"].get(b.label)
        if h is None:
            res["status"] = "error"
            res["note"] = "matrix error: no result for %s" % b.label
            return res
        res["builds"][b.label] = h
        with open(os.path.join(rowdir, "hcsms-%s.log" % re.sub(r"[^A-Za-z0-9_.-]", "_",
                                                               b.label)), "w") as f:
            f.write(h["log"])
    if not res["curl"]["tls_ok"]:
        c = res["curl"]
        res["status"] = "control-failed"
        res["note"] = "control failed: TLS not verified (%s, ssl_verify_result %s)" % (
            c["detail"] or "exit 0", c["verify"])
        return res
    judge_tls_only(ctx, row, res)
    return res


def tls_only_http_error(h):
    """The hcsms error after the handshake, if it is one of the HTTP errors."""
    lines = [l for l in h["log"].split("--- stderr:\n", 1)[-1].splitlines()
             if l.startswith("hcsms:")]
    last = lines[-1] if lines else ""
    for e in TLS_ONLY_HTTP_ERRORS:
        if (": %s during read response" % e) in last:
            return e
    return None


def judge_tls_only(ctx, row, res):
    """A TLS-only row passes for a build when hcsms printed "* TLS <version> <suite>"
    with the expected version (the handshake completed and the certificate verified)
    and then failed with an HTTP error (exit 3): never exit 0, never a TLS error."""
    worst = "pass"
    notes = {}
    http_errors = set()
    for b in ctx.builds:
        h = res["builds"][b.label]
        lacking = b.lacks(row)
        lacks = PROFILES[b.profile]
        want = {"1.2": "TLSv1.2", "1.3": "TLSv1.3",
                "1.2+1.3": "TLSv1.2" if "TLS 1.3" in lacks else "TLSv1.3"}[row.proto]
        http_error = tls_only_http_error(h)
        tls_pass = h["neg"].startswith(want + " ") and h["rc"] == 3 and http_error
        if tls_pass:
            http_errors.add(http_error)
        if h["rc"] == 0:
            h["verdict"] = "FAIL"
            h["detail"] = "exit 0, but gnutls-serv gave no valid answer"
        elif not lacking:
            if tls_pass:
                h["verdict"] = "PASS"
            else:
                h["verdict"] = "FAIL"
                if h["neg"] and not h["neg"].startswith(want + " "):
                    h["detail"] = "negotiated %s, expected %s; %s" % (h["neg"], want,
                                                                     h["detail"])
                elif h["neg"]:
                    h["detail"] = "not an HTTP error after the handshake: %s" % h["detail"]
        else:
            for feature, reason in lacking:
                notes.setdefault(feature, []).append(b.label)
                ctx.legend[feature] = reason
            if tls_pass:
                h["verdict"] = "XPASS"
            elif h["rc"] == 3 and not h["neg"]:
                h["verdict"] = "XFAIL"
            else:
                h["verdict"] = "FAIL"
                h["detail"] = "expected a failed handshake, exit 3 (no %s), got %s" % (
                    ", ".join(f for f, _ in lacking), h["detail"])
        if h["verdict"] == "FAIL" or (h["verdict"] == "XPASS" and ctx.strict_xpass):
            worst = "fail"
        elif h["verdict"] == "XFAIL" and worst == "pass":
            worst = "xfail"
    c = res["curl"]
    text = []
    if c["rc"] == 0:
        text.append("matrix: curl exit 0: gnutls-serv answered, the row is no longer TLS only")
    else:
        text.append("after the handshake: curl %s" % c["detail"].replace("curl: ", "")
                    + ("; hcsms %s" % ", ".join(sorted(http_errors)) if http_errors else ""))
    want_curl = "TLSv1.2" if row.proto == "1.2" else "TLSv1.3"
    if not c["neg"].startswith(want_curl + " "):
        text.append("matrix: curl negotiated %s, not %s: the priority string had no effect"
                    % (c["neg"], want_curl))
    if notes:
        text.insert(0, "expected failure: " + "; ".join(
            "no %s (%s)" % (f, ", ".join(labels)) for f, labels in sorted(notes.items())))
    if any(t.startswith("matrix:") for t in text):
        worst = "fail"
    res["status"] = worst
    res["note"] = "; ".join(text)


# ---------------------------------------------------------------------------------------
# Reporting.

def cell_for_build(res, label):
    h = res["builds"].get(label)
    if h is None:
        return "-"
    v = h.get("verdict", "?")
    neg = h["neg"]
    if v == "PASS":
        return "PASS %s" % neg
    if v == "XFAIL":
        return "XFAIL"
    if v == "XPASS":
        return "XPASS %s (expected failure passed: update PROFILES)" % neg
    if res["status"] == "control-failed":
        if res["row"].tls_only:
            return "(%s)" % (neg or h["detail"])
        return ("ok %s" % neg) if h["ok"] else "(%s)" % h["detail"]
    return "FAIL %s" % h["detail"]


def table(ctx, results):
    head = ["#", "server", "TLS library", "leaf / chain", "protocol", "server settings",
            "server signs", "curl"] + [b.label for b in ctx.builds] + ["notes"]
    rows = []
    for res in results:
        r = res["row"]
        lib = ctx.libs[SERVER_KINDS[r.server]["lib"]]
        if res["status"] in ("skip", "error"):
            curl = "-"
        elif r.tls_only:
            curl = ("TLS ok %s" % res["curl"]["neg"]) if res["curl"]["tls_ok"] else \
                "FAILED: %s" % res["curl"]["detail"]
        elif res["curl"]["ok"]:
            curl = "ok %s" % res["curl"]["neg"]
        else:
            curl = "FAILED: %s" % res["curl"]["detail"]
        cells = [str(r.num), r.server, lib, "%s / %s" % (LEAF_NAMES[r.leaf], CHAIN_NAMES[r.chain]),
                 PROTO_NAMES[r.proto], r.settings, res["probe"] or "-", curl]
        cells += [cell_for_build(res, b.label) if res["status"] not in ("skip", "error") else "-"
                  for b in ctx.builds]
        cells.append(res["note"])
        rows.append(cells)
    return head, rows


def text_table(head, rows):
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def md_escape(s):
    return s.replace("|", "\\|")


def md_table(head, rows):
    out = ["| " + " | ".join(md_escape(h) for h in head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hcsms", action="append", required=True, metavar="[LABEL=]PATH")
    ap.add_argument("--workdir", default=os.path.join(REPO, "build", "interop"))
    ap.add_argument("--profile", action="append", default=[], metavar="LABEL=PROFILE")
    ap.add_argument("--jobs", type=int, default=3)
    ap.add_argument("--only", metavar="REGEX", help="run only rows whose id matches")
    ap.add_argument("--list", action="store_true", help="list the rows and exit")
    args = ap.parse_args()

    started = time.monotonic()
    ctx = Ctx()
    ctx.wrapper = shlex.split(os.environ.get("HCSMS_WRAPPER", ""))
    ctx.strict_xpass = os.environ.get("HCSMS_INTEROP_STRICT") == "1"
    require_all = os.environ.get("HCSMS_REQUIRE_ALL") == "1"
    overrides = dict(p.split("=", 1) for p in args.profile)
    ctx.builds = []
    for spec in args.hcsms:
        b = Build(spec)
        ctx.builds.append(b)
    labels = [b.label for b in ctx.builds]
    if len(set(labels)) != len(labels):
        raise SystemExit("interop: two builds with the same label")

    rows = build_rows(SERVER_ORDER)
    if args.only:
        rows = [r for r in rows if re.search(args.only, r.rid)]
    if args.list:
        for r in rows:
            print("%s  %s / %s  %s  %s  needs=%s" % (r.rid, LEAF_NAMES[r.leaf], CHAIN_NAMES[r.chain],
                                                    PROTO_NAMES[r.proto], r.settings,
                                                    ",".join(sorted(r.needs_for({}))) or "-"))
        print("%d rows" % len(rows))
        return 0
    ctx.workdir = os.path.abspath(args.workdir)
    os.makedirs(ctx.workdir, exist_ok=True)
    # Run copies: a rebuild during the run must not mix two binaries in one table.
    for i, b in enumerate(ctx.builds):
        if not os.access(b.path, os.X_OK):
            raise SystemExit("interop: %s: no such executable %s" % (b.label, b.path))
        copy = os.path.join(ctx.workdir, "bin", str(i + 1), "hcsms")
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        shutil.copy2(b.path, copy + ".tmp")
        os.replace(copy + ".tmp", copy)
        b.run_path = copy
        b.detect(ctx.wrapper, overrides.get(b.label))
    ctx.pki = os.path.join(ctx.workdir, "pki")
    t0 = time.monotonic()
    subprocess.run(["bash", os.path.join(HERE, "make_pki.sh"), ctx.pki], check=True)
    pki_seconds = time.monotonic() - t0
    ctx.legend = {}
    ctx.rowsdir = os.path.join(ctx.workdir, "rows")
    shutil.rmtree(ctx.rowsdir, ignore_errors=True)
    os.makedirs(ctx.rowsdir)
    ctx.token = "interop-" + secrets.token_hex(16)

    ctx.bins = {n: find_bin(n) for n in BIN_CANDIDATES}
    CTX_BINS.update(ctx.bins)
    ctx.skipped = {}
    for s, kind in SERVER_KINDS.items():
        missing = []
        if not ctx.bins["curl"]:
            missing.append("curl")
        if not ctx.bins["openssl"]:
            missing.append("openssl")      # the probe and the PKI need it anyway
        for what, name, package in kind["needs"]:
            if what == "bin" and not ctx.bins[name]:
                missing.append(package)
            if what == "mod" and not os.path.exists(
                    os.path.join(LIGHTTPD_MODDIR, "mod_%s.so" % name)):
                missing.append(package)
        if missing:
            ctx.skipped[s] = "package %s missing" % ", ".join(dict.fromkeys(missing))
        elif kind.get("tls_only") and any(r.server == s for r in rows):
            problem = namespace_problem()
            if problem:
                ctx.skipped[s] = problem
    ctx.libs = library_names()

    backend_log = os.path.join(ctx.workdir, "backend.log")
    if os.path.exists(backend_log):
        os.remove(backend_log)
    ctx.backend = Backend(ctx.token, backend_log).start()

    print("interop: %d rows, builds: %s" % (len(rows), ", ".join(
        "%s (%s, profile %s)" % (b.label, b.version, b.profile) for b in ctx.builds)))
    for s, why in ctx.skipped.items():
        print("interop: %s: SKIP (%s)" % (s, why))
    sys.stdout.flush()

    results = [None] * len(rows)

    def job(i):
        if STOPPING.is_set():
            return
        results[i] = run_row(ctx, rows[i])
        if STOPPING.is_set():
            return
        res = results[i]
        bad = [b.label for b in ctx.builds
               if res["builds"].get(b.label, {}).get("verdict") in ("FAIL",)]
        print("  %-60s %s%s" % (rows[i].rid, res["status"].upper(),
                                (" (" + ", ".join(bad) + ")") if bad else ""), flush=True)

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        futures = [pool.submit(job, i) for i in range(len(rows))]
        for f in futures:
            f.result()
        pool.shutdown()
    except BaseException:
        # Ctrl-C, SIGTERM or a bug: no new row or process, kill what runs, let the
        # workers see their clients and servers die, then leave
        kill_all(stop=True)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        kill_all()
        ctx.backend.stop()

    head, trows = table(ctx, results)
    elapsed = time.monotonic() - started
    legend = ["no %s: %s" % kv for kv in sorted(ctx.legend.items())]
    print()
    print(text_table(head, trows))
    print()
    if legend:
        print("Expected failures:")
        for line in legend:
            print("  " + line)
        print()

    counts = {"pass": 0, "xfail": 0, "fail": 0}
    skipped = 0
    control_failed = []
    failures = []
    xpasses = []
    for res in results:
        st = res["status"]
        r = res["row"]
        if st == "skip":
            skipped += 1
            if require_all:
                counts["fail"] += 1
            continue
        if st in ("control-failed", "error"):
            counts["fail"] += 1
            control_failed.append(res)
            continue
        counts[st] += 1
        for b in ctx.builds:
            h = res["builds"][b.label]
            if h["verdict"] == "FAIL":
                failures.append((res, b, h))
            if h["verdict"] == "XPASS":
                xpasses.append((r, b))

    for res, b, h in failures:
        print("FAIL row %s, %s: %s" % (res["row"].rid, b.label, h["detail"]))
        print("  hcsms -v:\n    " + "\n    ".join(h["log"].splitlines()[-25:]))
        print("  server log:\n    " + "\n    ".join(res["server_log"].splitlines()[-25:]))
    for res in control_failed:
        print("%s row %s: %s (a row that cannot run is a bug in the matrix)"
              % ("ERROR" if res["status"] == "error" else "CONTROL FAILED",
                 res["row"].rid, res["note"]))
        print("  server log:\n    " + "\n    ".join(res["server_log"].splitlines()[-25:]))
    for r, b in xpasses:
        print("NOTE: row %s, %s: expected to fail (no %s) but passed; update PROFILES in %s"
              % (r.rid, b.label, ", ".join(f for f, _ in b.lacks(r)),
                 os.path.relpath(__file__, REPO)))
    if skipped:
        print("interop: %d rows skipped%s" % (skipped, " (a failure: HCSMS_REQUIRE_ALL=1)"
                                              if require_all else ""))

    md = os.path.join(ctx.workdir, "interop.md")
    with open(md, "w") as f:
        f.write("# hcsms TLS interoperability matrix\n\n")
        f.write("Generated by `tests/interop/run_interop.py` on %s in %.0f s.\n\n" % (
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            elapsed))
        f.write("Builds:\n\n")
        for b in ctx.builds:
            f.write("- `%s`: %s, profile `%s`\n" % (b.label, b.version, b.profile))
        f.write("\nServers: OpenSSL `s_server`, nginx, stunnel (all %s), lighttpd with "
                "mod_openssl, mod_gnutls (%s) and mod_wolfssl (%s); TLS-only rows: GnuTLS's "
                "own gnutls-serv --http in a private network namespace (it cannot answer a "
                "POST: judged by the handshake, see the header of run_interop.py). "
                "Leaves are signed by an "
                "intermediate under an RSA-4096 or a P-384 root; clients trust only the root. "
                "\"server signs\" is what `openssl s_client` saw the server sign with. "
                "Cells: PASS/XFAIL/XPASS/FAIL and the version and suite hcsms -v reports.\n\n"
                % (ctx.libs["openssl"], ctx.libs["gnutls"], ctx.libs["wolfssl"]))
        f.write(md_table(head, trows) + "\n\n")
        if legend:
            f.write("Expected failures:\n\n")
            for line in legend:
                f.write("- %s\n" % line)
            f.write("\n")
        f.write("interop: %d rows, %d passed, %d expected failures, %d failed\n" % (
            len(results), counts["pass"], counts["xfail"], counts["fail"]))

    print("interop: PKI %.1f s, rows %.1f s, table in %s" % (
        pki_seconds, elapsed - pki_seconds, os.path.relpath(md)))
    print("interop: %d rows, %d passed, %d expected failures, %d failed" % (
        len(results), counts["pass"], counts["xfail"], counts["fail"]))
    return 1 if counts["fail"] else 0


def _on_signal(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--ns-row":
        sys.exit(ns_main(sys.argv[2]))
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_all(stop=True)
        print("interop: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        kill_all(stop=True)
