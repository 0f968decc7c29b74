#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A deliberately hostile HTTPS server for the hcsms client.

``HostileServer`` listens on 127.0.0.1 and serves each connection in its own
daemon thread.  Two modes:

  mode="tls" (default)  TLS handshake with the given certificate (server.pem,
                        or expired.pem for the expired-certificate case), read
                        the request head (up to the blank line, bounded), take
                        the task id from ``/v3/tasks/<id>/unlock`` and run the
                        scripted misbehaviour named by the id's part before the
                        first "_" (``cl-short_h`` -> script ``cl-short``).  The
                        script writes raw bytes exactly as scripted: partial
                        writes, one byte per TLS record, sleeps, and closes at
                        exact points (TLS close_notify, TCP FIN without
                        close_notify, or TCP RST via SO_LINGER 0).  A script
                        that returns KEEP leaves the connection open and the
                        next request on it is read and dispatched the same way.
  mode="raw"            no TLS at all: ``raw_script`` (one of RAW_SCRIPTS) gets
                        the plain TCP socket: answer a ClientHello with plain
                        HTTP, stay silent, reset, send half of a real TLS server
                        flight and reset, drip the flight, send a TLS alert,
                        flood warning alerts, or run real TLS 1.2 over memory
                        BIOs and add encrypted alerts of its own (MemTLS) ...

Every blocking call is bounded: sockets have short timeouts, reads poll the
stop event, sleeps are ``Event.wait``; ``stop()`` closes the listener, shuts
down every open connection and joins the threads with a timeout.

What the server saw is recorded: ``conns`` (one dict per accepted connection)
and ``requests`` (one dict per request head read); ``snapshot()`` gives the
counts, ``since(snap)`` the new records.  Python 3 standard library only.
"""

import hashlib
import hmac
import os
import random
import re
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zlib

KEEP = "keep"            # a script's return value: read the next request on this connection

HEAD_MAX = 65536         # longest request head read
READ_SLICE = 0.2         # seconds: reads poll the stop event this often
HEAD_WAIT = 10.0         # seconds: longest wait for a (next) request head
SEND_TIMEOUT = 5.0       # seconds: a send the client does not drain for this long fails
HOLD_MAX = 30.0          # seconds: longest a silent script keeps a connection open

PATH_RE = re.compile(rb"^POST /v3/tasks/([^/ ?#]+)/unlock HTTP/1\.1\r\n")
TOKEN_RE = re.compile(rb"\r\nX-Auth-Token: ?([^\r\n]*)\r\n", re.I)


class ClientGone(Exception):
    """The client closed or reset the connection (or stopped reading)."""


class Stopped(Exception):
    """The server is stopping."""


# ============================================================== connection
class Conn:
    """One accepted connection, as seen by a script."""

    def __init__(self, server, sock, serial, record):
        self.server = server
        self.sock = sock            # the raw socket; the SSLSocket after the handshake
        self.serial = serial
        self.record = record
        self.closed = False
        self.buf = b""              # bytes read beyond the last request head
        self.nreq = 0

    # ---- time
    def wait(self, seconds):
        """Sleep, but give up at once when the server stops."""
        if self.server._stop.wait(seconds):
            raise Stopped()

    # ---- writing
    def send(self, data):
        """Write all of data (one TLS record per call up to 16 KB)."""
        if self.closed:
            raise ClientGone()
        self.sock.settimeout(SEND_TIMEOUT)
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError, ValueError) as e:
            raise ClientGone() from e
        self.record["bytes_sent"] += len(data)

    def send_parts(self, parts, pause=0.0):
        """Write each part with its own call, pausing between them."""
        for i, p in enumerate(parts):
            if i and pause:
                self.wait(pause)
            self.send(p)

    def drip(self, data, interval):
        """Write data one byte at a time, `interval` seconds apart."""
        for i in range(len(data)):
            if i:
                self.wait(interval)
            self.send(data[i:i + 1])

    # ---- reading
    def recv_some(self, limit=65536, wait=HEAD_WAIT):
        """Bytes that arrive within `wait` seconds (b"" on EOF, None on timeout)."""
        end = time.monotonic() + wait
        while True:
            if self.server._stop.is_set():
                raise Stopped()
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(min(READ_SLICE, left))
            try:
                data = self.sock.recv(limit)
            except socket.timeout:
                continue
            except ssl.SSLWantReadError:
                continue
            except (OSError, ssl.SSLError, ValueError):
                return b""
            return data

    def read_head(self, wait=HEAD_WAIT):
        """The next request head (through the blank line), or None."""
        end = time.monotonic() + wait
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > HEAD_MAX:
                return None
            data = self.recv_some(65536, max(0.0, end - time.monotonic()))
            if not data:
                return None
            self.buf += data
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head + b"\r\n\r\n"

    def hold(self, seconds=HOLD_MAX):
        """Say nothing; read and discard until the client leaves, the server
        stops or `seconds` pass."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            data = self.recv_some(65536, min(1.0, end - time.monotonic()))
            if data == b"":
                return

    # ---- closing
    def _raw_shutdown(self):
        try:
            # socket.socket.shutdown on an SSLSocket: a plain TCP shutdown,
            # no close_notify
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass

    def fin(self):
        """Close with a TCP FIN and no TLS close_notify."""
        if self.closed:
            return
        self.closed = True
        self._raw_shutdown()
        try:
            self.sock.close()
        except OSError:
            pass

    def close_notify(self):
        """A clean TLS close: close_notify, then FIN."""
        if self.closed:
            return
        if isinstance(self.sock, ssl.SSLSocket):
            try:
                self.sock.settimeout(0.3)
                self.sock.unwrap()   # sends close_notify; may wait briefly for the client's
            except (OSError, ssl.SSLError, ValueError):
                pass
        self.fin()

    def rst(self):
        """Abort with a TCP RST (SO_LINGER 0)."""
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


# ============================================================== request
class Request:
    def __init__(self, conn, head):
        self.conn = conn
        self.head = head
        m = PATH_RE.match(head)
        self.task_id = m.group(1).decode("latin-1") if m else None
        self.script = self.task_id.split("_", 1)[0] if self.task_id else None
        t = TOKEN_RE.search(head)
        self.token = t.group(1).decode("latin-1") if t else None
        conn.nreq += 1
        self.rid = "rid-%d-%d" % (conn.serial, conn.nreq)   # our X-Request-Id


# ============================================================== response helpers
def head(status=200, reason="OK", headers=(), version=b"HTTP/1.1"):
    out = b"%s %d %s\r\n" % (version, status, reason.encode("latin-1"))
    for h in headers:
        out += (h if isinstance(h, bytes) else h.encode("latin-1")) + b"\r\n"
    return out + b"\r\n"


def resp(status=200, reason="OK", body=b"", headers=(), rid=None, cl=True, version=b"HTTP/1.1",
         ctype="application/json"):
    hs = []
    if rid is not None:
        hs.append("X-Request-Id: %s" % rid)
    if ctype is not None:
        hs.append("Content-Type: %s" % ctype)
    if cl:
        hs.append("Content-Length: %d" % len(body))
    hs.extend(headers)
    return head(status, reason, hs, version) + body


def chunked(body, size=None):
    """body as chunks of `size` bytes (one chunk if None), with the last chunk."""
    out = b""
    size = size or max(1, len(body))
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
    return out + b"0\r\n\r\n"


OK_BODY = b"{}"
STALE = resp(200, "OK", b"{}", rid="STALE")                  # a stale 200 nobody asked for
STALE_403 = resp(403, "Forbidden", b'{"error_code":"HOSTILE.STALE","error_msg":"stale"}', rid="STALE")


def json_error(code, msg, **extra):
    import json as _json
    d = {"error_code": code, "error_msg": msg}
    d.update(extra)
    return _json.dumps(d, separators=(",", ":")).encode()


# ============================================================== scripts
SCRIPTS = {}


def script(name):
    def deco(fn):
        SCRIPTS[name] = fn
        return fn
    return deco


def _cl_script(name, value, body, also=()):
    """200 with a hand-written Content-Length header, then a clean close."""
    @script(name)
    def _(c, q):
        hs = ["X-Request-Id: %s" % q.rid, "Content-Type: application/json"]
        hs += ["Content-Length: %s" % v for v in ([value] if isinstance(value, str) else value)]
        hs += list(also)
        c.send(head(200, "OK", hs) + body)
        c.wait(0.05)
        c.close_notify()


def _raw_script(name, data, then="close_notify", pause=0.0):
    """Write data (bytes, or a list of parts) as is, then close / hold / keep."""
    @script(name)
    def _(c, q):
        parts = data(q) if callable(data) else data
        if isinstance(parts, bytes):
            parts = [parts]
        c.send_parts(parts, pause)
        if then == "hold":
            c.hold()
        elif then == "keep":
            return KEEP
        elif then == "fin":
            c.fin()
        elif then == "rst":
            c.wait(0.05)
            c.rst()
        else:
            c.close_notify()
        return None


# ---- normal answers ---------------------------------------------------------
@script("ok")
def _(c, q):
    c.send(resp(200, "OK", OK_BODY, rid=q.rid))
    return KEEP


@script("real200")
def _(c, q):
    c.send(resp(200, "OK", OK_BODY, rid="real-" + q.rid))
    return KEEP


@script("real403")
def _(c, q):
    c.send(resp(403, "Forbidden", json_error("HOSTILE.REAL", "the real answer"), rid="real-" + q.rid))
    return KEEP


# ---- connection closed at every point ---------------------------------------
CL10_HEAD = lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Content-Type: application/json",  # noqa: E731
                                       "Content-Length: 10"])
CHUNKED_HEAD = lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Content-Type: application/json",  # noqa: E731
                                          "Transfer-Encoding: chunked"])

_raw_script("close-before-any", b"", then="fin")
_raw_script("notify-before-any", b"", then="close_notify")
_raw_script("rst-before-any", b"", then="rst")
_raw_script("close-in-status", b"HTTP/1.1 20", then="fin")
_raw_script("close-after-status", b"HTTP/1.1 200 OK\r\n", then="fin")
_raw_script("close-in-headers", lambda q: b"HTTP/1.1 200 OK\r\nX-Request-Id: %s\r\nContent-Ty" % q.rid.encode(),
            then="fin")
_raw_script("close-after-headers", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Content-Length: 2"]),
            then="fin")
_raw_script("close-in-body-cl", lambda q: CL10_HEAD(q) + b'{"a":', then="fin")
_raw_script("notify-in-body-cl", lambda q: CL10_HEAD(q) + b'{"a":', then="close_notify")
_raw_script("rst-in-body-cl", lambda q: CL10_HEAD(q) + b'{"a":', then="rst")
_raw_script("close-in-chunk", lambda q: CHUNKED_HEAD(q) + b'a\r\n{"a":', then="fin")
_raw_script("close-before-last-chunk", lambda q: CHUNKED_HEAD(q) + b"2\r\n{}\r\n", then="fin")
_raw_script("close-in-trailers", lambda q: CHUNKED_HEAD(q) + b"2\r\n{}\r\n0\r\nX-Trailer: y", then="fin")
_raw_script("close-after-200", lambda q: resp(200, "OK", OK_BODY, rid=q.rid), then="fin")
_raw_script("notify-after-200", lambda q: resp(200, "OK", OK_BODY, rid=q.rid), then="close_notify")
_raw_script("rst-after-200", lambda q: resp(200, "OK", OK_BODY, rid=q.rid), then="rst")

# ---- Content-Length ------------------------------------------------------------
@script("cl-short")
def _(c, q):
    # Content-Length 2, then extra bytes that look like a second answer
    c.send(resp(200, "OK", OK_BODY, rid=q.rid) + STALE)
    return KEEP


_raw_script("cl-long", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Content-Length: 100"]) + b"{}",
            then="fin")
_cl_script("cl-negative", "-1", b"{}")
_cl_script("cl-plus", "+5", b'{"a":1}'[:5])
_cl_script("cl-two-numbers", "5 5", b'{"a":1}'[:5])
_cl_script("cl-hex", "0x10", b'{"a":"123456789"}'[:16])
_cl_script("cl-empty", "", b"{}")
_cl_script("cl-dup-conflict", ["2", "3"], b"{} ")
_cl_script("cl-dup-same", ["2", "2"], b"{}")
_cl_script("cl-list", "2, 2", b"{}")
_cl_script("cl-overflow", "99999999999999999999999", b"{}")
_cl_script("cl-2pow64", "18446744073709551616", b"{}")
_cl_script("cl-over-max", "16777217", b"{}")


@script("cl-space-colon")
def _(c, q):
    c.send(b"HTTP/1.1 200 OK\r\nX-Request-Id: %s\r\nContent-Length : 2\r\n\r\n{}" % q.rid.encode())
    c.close_notify()


# ---- chunked --------------------------------------------------------------------
_raw_script("chunk-bad-hex", lambda q: CHUNKED_HEAD(q) + b"zz\r\n{}\r\n0\r\n\r\n")
_raw_script("chunk-overflow", lambda q: CHUNKED_HEAD(q) + b"fffffffffffffffffffff2\r\n{}\r\n0\r\n\r\n")
_raw_script("chunk-9-digits", lambda q: CHUNKED_HEAD(q) + b"000000002\r\n{}\r\n0\r\n\r\n")
_raw_script("chunk-4gib", lambda q: CHUNKED_HEAD(q) + b"ffffffff\r\n{}", then="hold")
_raw_script("chunk-no-crlf", lambda q: CHUNKED_HEAD(q) + b"2\r\n{}XX\r\n0\r\n\r\n")
_raw_script("chunk-no-digits", lambda q: CHUNKED_HEAD(q) + b";ext=1\r\n{}\r\n0\r\n\r\n")
_raw_script("chunk-endless-size-line", lambda q: [CHUNKED_HEAD(q) + b"2;ext=", b"x" * 65536], then="hold")
_raw_script("chunk-trailer-flood", lambda q: CHUNKED_HEAD(q) + b"2\r\n{}\r\n0\r\n" + b"X-T: y\r\n" * 5000 + b"\r\n")
_raw_script("chunk-with-cl", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Content-Length: 2",
                                                       "Transfer-Encoding: chunked"]) + chunked(b"{}"))
_raw_script("te-gzip", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Transfer-Encoding: gzip"])
            + zlib.compress(b"{}"), then="fin")
_raw_script("te-chunked-gzip", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid,
                                                         "Transfer-Encoding: chunked, gzip"]) + chunked(b"{}"))
_raw_script("te-chunked-twice", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Transfer-Encoding: chunked",
                                                          "Transfer-Encoding: chunked"]) + chunked(b"{}"))

# ---- status lines ---------------------------------------------------------------
_raw_script("st-garbage", b"HELLO WORLD\r\n\r\n")
_raw_script("st-http2", b"HTTP/2 200\r\ncontent-length: 2\r\n\r\n{}")
_raw_script("st-2000", b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}")
_raw_script("st-600", b"HTTP/1.1 600 Weird\r\nContent-Length: 2\r\n\r\n{}")
_raw_script("st-lowercase", b"http/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
_raw_script("st-bare-cr", b"HTTP/1.1 200 OK\rContent-Length: 2\r\r{}")
_raw_script("st-nul-reason", b"HTTP/1.1 200 O\x00K\r\nContent-Length: 2\r\n\r\n{}")
_raw_script("st-body-only", b"{}", then="fin")
_raw_script("st-ssh", b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n", then="hold")
_raw_script("st-smtp", b"220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n", then="hold")
_raw_script("st-reason-9000", b"HTTP/1.1 200 " + b"O" * 9000 + b"\r\nContent-Length: 2\r\n\r\n{}")
_raw_script("st-noise", random.Random(1234).randbytes(4096), then="fin")

# ---- empty lines before the status line (RFC 9112 2.2: one is skipped) -----------
_raw_script("st-crlf-first", lambda q: [b"\r\n", resp(200, "OK", OK_BODY, rid=q.rid)], then="keep",
            pause=0.02)
_raw_script("st-lf-first", lambda q: b"\n" + resp(200, "OK", OK_BODY, rid=q.rid), then="keep")
_raw_script("st-crlf-twice-first", lambda q: b"\r\n\r\n" + resp(200, "OK", OK_BODY, rid=q.rid))
_raw_script("st-cr-first", lambda q: b"\r" + resp(200, "OK", OK_BODY, rid=q.rid))
_raw_script("st-crlf-then-silent", b"\r\n", then="hold")
_raw_script("st-crlf-then-close", b"\r\n", then="fin")


@script("st-crlf-forever")
def _(c, q):
    # nothing but empty lines, one every 50 ms, until the client leaves
    c.record["empty_lines"] = 0
    end = time.monotonic() + HOLD_MAX
    while time.monotonic() < end:
        c.send(b"\r\n")
        c.record["empty_lines"] += 1
        c.wait(0.05)


# ---- interim answers --------------------------------------------------------------
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_raw_script("int-flood", lambda q: CONTINUE * 1000 + resp(200, "OK", OK_BODY, rid=q.rid))
_raw_script("int-9", lambda q: CONTINUE * 9 + resp(200, "OK", OK_BODY, rid=q.rid))
_raw_script("int-8", lambda q: CONTINUE * 8 + resp(200, "OK", OK_BODY, rid=q.rid))
_raw_script("int-mixed", lambda q: [CONTINUE, b"HTTP/1.1 102 Processing\r\n\r\n",
                                    b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n",
                                    resp(200, "OK", OK_BODY, rid=q.rid)], then="keep", pause=0.01)
_raw_script("int-101", b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            then="hold")

_raw_script("int-rid", lambda q: [b"HTTP/1.1 100 Continue\r\nX-Request-Id: INTERIM-ID\r\n\r\n",
                                  resp(403, "Forbidden", json_error("SMS.INT", "no id on the final answer"))],
            then="keep")

# ---- header limits ----------------------------------------------------------------
def _with_headers(q, extra):
    return head(200, "OK", ["X-Request-Id: %s" % q.rid] + extra + ["Content-Length: 2"]) + b"{}"


_raw_script("hdr-line-9000", lambda q: _with_headers(q, ["X-Big: " + "a" * 9000]))
_raw_script("hdr-line-8000", lambda q: _with_headers(q, ["X-Big: " + "a" * 8000]), then="keep")
_raw_script("hdr-thousands", lambda q: _with_headers(q, ["X-H%d: v" % i for i in range(5000)]))
_raw_script("hdr-100", lambda q: _with_headers(q, ["X-H%d: v" % i for i in range(98)]), then="keep")
_raw_script("hdr-101", lambda q: _with_headers(q, ["X-H%d: v" % i for i in range(99)]))
_raw_script("hdr-40k", lambda q: _with_headers(q, ["X-Pad%02d: %s" % (i, "p" * 1000) for i in range(40)]))
_raw_script("hdr-30k", lambda q: _with_headers(q, ["X-Pad%02d: %s" % (i, "p" * 1000) for i in range(29)]),
            then="keep")
_raw_script("hdr-obs-fold", lambda q: _with_headers(q, ["X-A: b", "  folded"]))
_raw_script("hdr-no-colon", lambda q: _with_headers(q, ["NoColonHere"]))
_raw_script("hdr-nul", lambda q: _with_headers(q, ["X-A: b\x00c"]))
_raw_script("hdr-endless-name", lambda q: [b"HTTP/1.1 200 OK\r\n", b"X" * 40000], then="hold")

# ---- deadline -----------------------------------------------------------------------
@script("drip-status")
def _(c, q):
    c.drip(resp(200, "OK", OK_BODY, rid=q.rid), 1.0)
    return KEEP


@script("drip-body")
def _(c, q):
    body = b'{"pad":"' + b"x" * 40 + b'"}'
    c.send(head(200, "OK", ["X-Request-Id: %s" % q.rid, "Content-Length: %d" % len(body)]))
    c.drip(body, 1.0)
    return KEEP


_raw_script("silent", b"", then="hold")
_raw_script("close-delimited-never-closes", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid]) + b"{}",
            then="hold")
_raw_script("silent-mid-headers", lambda q: b"HTTP/1.1 200 OK\r\nX-Request-Id: %s\r\nContent-Ty" % q.rid.encode(),
            then="hold")

# ---- error bodies -------------------------------------------------------------------
HTML = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
        b"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
_raw_script("err-html", lambda q: resp(502, "Bad Gateway", HTML, rid=q.rid, ctype="text/html"), then="keep")
_raw_script("err-empty", lambda q: resp(500, "Internal Server Error", b"", rid=q.rid, ctype=None), then="keep")
TRUNC_JSON = b'{"error_code":"SMS.9004","error_msg":"You do not have perm'
_raw_script("err-trunc-json", lambda q: resp(403, "Forbidden", TRUNC_JSON, rid=q.rid), then="keep")

BIG_ERR = (b'{"error_code":"SMS.9999","error_msg":"big body","pad":"' + b"x" * (3 * 1024 * 1024) + b'"}')
_raw_script("err-3mb", lambda q: resp(403, "Forbidden", BIG_ERR, rid=q.rid), then="keep")
_raw_script("err-3mb-chunked", lambda q: [head(403, "Forbidden", ["X-Request-Id: %s" % q.rid,
                                                                 "Transfer-Encoding: chunked"]),
                                          chunked(BIG_ERR, 65536)], then="keep")
NESTED = b'{"error_code":"SMS.0001","error_msg":"deep","x":' + b"[" * 10000 + b"]" * 10000 + b"}"
NESTED_FIRST = b'{"x":' + b'{"a":' * 10000 + b"1" + b"}" * 10000 + b',"error_code":"LATE"}'
_raw_script("err-nested", lambda q: resp(403, "Forbidden", NESTED, rid=q.rid), then="keep")
_raw_script("err-nested-first", lambda q: resp(403, "Forbidden", NESTED_FIRST, rid=q.rid), then="keep")


def _items(prefix, n):
    return b",".join(b'"%s%d"' % (prefix, i) for i in range(n))


def _details(n):
    return b",".join(b'{"error_code":"D.%d","error_msg":"detail %d"}' % (i, i) for i in range(n))


PARAMS_MANY = (b'{"error_code":"SMS.0400","error_msg":"many params","error_param":[' + _items(b"p", 5000)
               + b'],"details":[' + _details(5000) + b"]}")
DETAILS_MANY = (b'{"error_code":"SMS.0400","error_msg":"many details","details":[' + _details(5000)
                + b'],"error_param":[' + _items(b"p", 5000) + b"]}")
FIVE_EACH = (b'{"error_code":"SMS.0400","error_msg":"five each","error_param":[' + _items(b"p", 5)
             + b'],"details":[' + _details(5) + b"]}")
_raw_script("err-params-many", lambda q: resp(400, "Bad Request", PARAMS_MANY, rid=q.rid), then="keep")
_raw_script("err-details-many", lambda q: resp(400, "Bad Request", DETAILS_MANY, rid=q.rid), then="keep")
_raw_script("err-five-each", lambda q: resp(400, "Bad Request", FIVE_EACH, rid=q.rid), then="keep")

ESCAPES_RAW = (rb'caf\u00e9 \ud83d\ude00 nul[\u0000] tab[\t] nl[\n] q[\"] bs[\\] sl[\/] '
               rb'lone-hi[\ud800] lone-lo[\udc00] bmp[\u4e2d] upper[\u00C9] end')
ESCAPES_BODY = b'{"error_code":"SMS.\\u0031","error_msg":"' + ESCAPES_RAW + b'","error_param":["a\\"b"]}'
_raw_script("err-escapes", lambda q: resp(403, "Forbidden", ESCAPES_BODY, rid=q.rid), then="keep")

ANSI_BODY = (b'{"error_code":"SMS.\\u001b[2J","error_msg":"\\u001b[31mRED\\u001b[0m bell\\u0007 cr\\r '
             b'osc\\u001b]0;pwned\\u0007 c1\\u009b2J del\\u007f end","details":[{"error_code":"D\\u001b",'
             b'"error_msg":"x\\u001b[1my"}],"error_param":["\\u001b[5mblink"],'
             b'"encoded_authorization_message":"\\u001b[8mhidden"}')
_raw_script("err-ansi", lambda q: resp(403, "Forbidden", ANSI_BODY, rid=q.rid), then="keep")
# a control byte in a header value is a malformed header (RFC 9110 5.5), not text to print
_raw_script("hdr-esc-request-id", lambda q: resp(403, "Forbidden", json_error("SMS.ESC", "esc"),
                                                 rid="rid\x1b[31m-%s" % q.rid))
RAW_CTRL_BODY = (b'{"error_code":"SMS.\x1b[2J","error_msg":"raw\x1b[31m esc \x07bell \x9b lone-c1 \xc2\x9b2J c1 '
                 b'\xff\xfe bad \xc3 cut \xe2\x82 cut3 \xed\xa0\x80 surrogate ok\xc3\xa9 end"}')
_raw_script("err-raw-ctrl", lambda q: resp(403, "Forbidden", RAW_CTRL_BODY, rid=q.rid), then="keep")
LONG_MSG = "a" + "\u00e9" * 300    # 601 bytes; a 256-byte cut falls inside a character
_raw_script("err-long-msg", lambda q: resp(403, "Forbidden", json_error("SMS.LONG", LONG_MSG), rid=q.rid),
            then="keep")
_raw_script("err-long-rid", lambda q: resp(403, "Forbidden", json_error("SMS.RID", "long id"),
                                           rid="R\x80\xff" + "r" * 5000), then="keep")
_raw_script("err-close-delimited", lambda q: head(500, "Internal Server Error", ["X-Request-Id: %s" % q.rid,
                                                                              "Connection: close"])
            + json_error("SMS.CLOSE", "close-delimited error"))
_raw_script("err-403-truncated", lambda q: head(403, "Forbidden", ["X-Request-Id: %s" % q.rid, "Content-Length: 200"])
            + b'{"error_code":"SMS.9004","error_msg":"cut"}', then="fin")
MIXED = (b'{"error_code":"SMS.MIX","error_msg":"mixed","error_param":[1,{"a":["p9",{"b":"p8"}]},"p0",null,'
         b'["p7"],"p1",true],"details":[1,"x",[{"error_code":"NO"}],{"error_code":"D","error_msg":"m"}]}')
_raw_script("err-mixed-types", lambda q: resp(400, "Bad Request", MIXED, rid=q.rid), then="keep")
EXACT_16MIB = b'{"error_code":"SMS.16M","error_msg":"exactly 16 MiB","pad":"'
EXACT_16MIB += b"x" * (16 * 1024 * 1024 - len(EXACT_16MIB) - 2) + b'"}'
_raw_script("err-16mib-exact", lambda q: resp(403, "Forbidden", EXACT_16MIB, rid=q.rid), then="keep")
_raw_script("err-array-body", lambda q: resp(403, "Forbidden", b'[{"error_code":"ARRAY","error_msg":"x"}]', rid=q.rid),
            then="keep")
_raw_script("err-nul-in-body", lambda q: resp(403, "Forbidden", b'{"error_code":"NUL","error_msg":"a\x00b"}',
                                              rid=q.rid), then="keep")
_raw_script("err-redirect", lambda q: resp(301, "Moved Permanently", b"", rid=q.rid,
                                           headers=["Location: http://attacker.example/steal"]), then="keep")


@script("err-echo-token")
def _(c, q):
    # a server (or proxy) that reflects the credentials it was sent
    msg = "Incorrect IAM authentication information: token %s is expired" % (q.token or "")
    c.send(resp(401, "Unauthorized", json_error("APIGW.0301", msg), rid=q.rid))
    return KEEP


@script("err-echo-head")
def _(c, q):
    # an error page that quotes the request head verbatim (as some proxies do)
    body = json_error("PROXY.0400", "bad request", request=q.head.decode("latin-1"))
    c.send(resp(400, "Bad Request", body, rid="X-Auth-Token:%s" % (q.token or "")[:40]))
    return KEEP


@script("body-17mib")
def _(c, q):
    # close-delimited 200 whose body never ends before 17 MiB
    c.send(head(200, "OK", ["X-Request-Id: %s" % q.rid, "Connection: close"]))
    piece = b"x" * (1024 * 1024)
    for _i in range(17):
        c.send(piece)
    c.close_notify()


# ---- success variants ------------------------------------------------------------------
_raw_script("ok-chunked-ext", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Transfer-Encoding: chunked"])
            + b'1;name=value;q="quoted"\r\n{\r\n1 ; ext\r\n}\r\n0;last=1\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n',
            then="keep")
_raw_script("ok-close-delimited", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Connection: close"]) + b"{}")
_raw_script("ok-http10", lambda q: resp(200, "OK", OK_BODY, rid=q.rid, version=b"HTTP/1.0"))
_raw_script("ok-http10-no-cl", lambda q: resp(200, "OK", OK_BODY, rid=q.rid, version=b"HTTP/1.0", cl=False))
_raw_script("ok-continue", lambda q: [CONTINUE, resp(200, "OK", OK_BODY, rid=q.rid)], then="keep", pause=0.02)
_raw_script("ok-cl0", lambda q: resp(200, "OK", b"", rid=q.rid), then="keep")
_raw_script("ok-204", lambda q: head(204, "No Content", ["X-Request-Id: %s" % q.rid]), then="keep")
_raw_script("ok-201", lambda q: resp(201, "Created", b'{"status":"unlocked"}', rid=q.rid), then="keep")
_raw_script("ok-1mib", lambda q: resp(200, "OK", b'{"pad":"' + b"y" * (1024 * 1024) + b'"}', rid=q.rid),
            then="keep")
_raw_script("ok-tiny-chunks", lambda q: head(200, "OK", ["X-Request-Id: %s" % q.rid, "Transfer-Encoding: Chunked"])
            + chunked(b'{"a":"' + b"z" * 500 + b'"}', 1), then="keep")
_raw_script("ok-case", lambda q: head(200, "OK", ["x-request-id: %s" % q.rid, "TRANSFER-ENCODING: CHUNKED"])
            + b"2\r\n{}\r\n0\r\n\r\n", then="keep")


@script("ok-bytewise")
def _(c, q):
    # every byte its own TLS record
    c.drip(CONTINUE + head(200, "OK", ["X-Request-Id: %s" % q.rid, "Transfer-Encoding: chunked"])
           + b"2\r\n{}\r\n0\r\n\r\n", 0.0)
    return KEEP


@script("ok-split")
def _(c, q):
    # pieces that end inside CRLFs, names, numbers and chunk lines
    r = (b"HTTP/1.1 200 OK\r\nX-Request-Id: " + q.rid.encode()
         + b"\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n")
    cuts = [5, 9, 16, 17, 30, 41, 48, 62, 63, 64, 65, 67, 72, 74, 76, 78]
    parts, prev = [], 0
    for cut in cuts + [len(r)]:
        parts.append(r[prev:cut])
        prev = cut
    c.send_parts([p for p in parts if p], pause=0.005)
    return KEEP


# ---- keep-alive safety ------------------------------------------------------------------
@script("ka-stale-glued")
def _(c, q):
    c.send(resp(200, "OK", OK_BODY, rid=q.rid) + STALE)
    return KEEP


@script("ka-stale-boundary")
def _(c, q):
    # the first answer fills exactly the client's 1024-byte read buffer; a
    # stale 403 follows in the same TLS record
    base = resp(200, "OK", OK_BODY, rid=q.rid, headers=["X-Pad: "])
    pad = 1024 - len(base)
    first = resp(200, "OK", OK_BODY, rid=q.rid, headers=["X-Pad: " + "p" * pad])
    assert len(first) == 1024, len(first)
    c.send(first + STALE_403)
    return KEEP


@script("ka-error-midbody")
def _(c, q):
    c.send(CHUNKED_HEAD(q) + b"2\r\n{}\r\nzz\r\n" + STALE)
    return KEEP


@script("ka-204-body")
def _(c, q):
    c.send(head(204, "No Content", ["X-Request-Id: %s" % q.rid]) + b"{}" + STALE)
    return KEEP


_raw_script("ka-conn-close-held", lambda q: resp(200, "OK", OK_BODY, rid=q.rid, headers=["Connection: close"]),
            then="hold")


@script("ka-rst-after")
def _(c, q):
    c.send(resp(200, "OK", OK_BODY, rid=q.rid))
    c.wait(0.1)
    c.rst()


# ============================================================== raw (non-TLS) scripts
def _tls_flight(c, server):
    """Read a ClientHello and run a real TLS server in memory: the bytes of
    the server's first flight (ServerHello .. ServerHelloDone)."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = server.context.wrap_bio(inc, out, server_side=True)
    end = time.monotonic() + 5.0
    while time.monotonic() < end:
        data = c.recv_some(65536, max(0.0, end - time.monotonic()))
        if not data:
            return b""
        inc.write(data)
        try:
            obj.do_handshake()
        except ssl.SSLWantReadError:
            pass
        except (ssl.SSLError, OSError) as e:
            c.record["error"] = "in-memory handshake: %s" % e
            return b""
        flight = out.read()
        if flight:
            return flight
    return b""


def raw_plain_http(c, server):
    c.recv_some(65536, 2.0)
    c.send(b"HTTP/1.1 400 Bad Request\r\nServer: plain\r\nContent-Type: text/plain\r\n"
           b"Content-Length: 36\r\nConnection: close\r\n\r\nThis port speaks plain HTTP, no TLS\n")
    c.fin()


def raw_silent(c, server):
    c.hold()


def raw_rst_after_hello(c, server):
    c.recv_some(65536, 2.0)
    c.rst()


def raw_half_flight_rst(c, server):
    flight = _tls_flight(c, server)
    c.record["flight_bytes"] = len(flight)
    c.send(flight[:len(flight) // 2])
    c.wait(0.05)
    c.rst()


def raw_flight_drip(c, server):
    flight = _tls_flight(c, server)
    c.record["flight_bytes"] = len(flight)
    c.drip(flight, 0.2)
    c.hold()


def raw_alert(c, server):
    c.recv_some(65536, 2.0)
    c.send(b"\x15\x03\x03\x00\x02\x02\x28")   # fatal handshake_failure
    c.fin()


def raw_garbage(c, server):
    c.recv_some(65536, 2.0)
    c.send(b"\x16\x03\x03\x00\x30" + random.Random(99).randbytes(48) + random.Random(7).randbytes(2000))
    c.fin()


# ---- floods of records that mbedTLS skips without returning (issue 11) --------
WARNING_ALERT = b"\x01\x5a"                       # warning, user_canceled
PLAIN_ALERT = b"\x15\x03\x03\x00\x02" + WARNING_ALERT


def flood(c, batch, seconds=HOLD_MAX):
    """Send batch() after batch() until the client leaves (ClientGone), the
    server stops or `seconds` pass; counts the records in c.record."""
    end = time.monotonic() + seconds
    c.record.setdefault("flood_records", 0)
    while time.monotonic() < end:
        data, n = batch()
        c.send(data)
        c.record["flood_records"] += n


def raw_alert_flood(c, server):
    """Plaintext warning alerts instead of a ServerHello, for ever: no
    certificate needed, anyone on the path can do it."""
    c.recv_some(65536, 2.0)
    flood(c, lambda: (PLAIN_ALERT * 4096, 4096))


def _gf_mult(x, y):
    """Multiplication in GCM's GF(2^128) (NIST SP 800-38D, algorithm 1)."""
    z, v = 0, y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ (0xE1 << 120) if v & 1 else v >> 1
    return z


def _prf_sha256(secret, label, seed, n):
    """The TLS 1.2 PRF with SHA-256 (RFC 5246 5)."""
    out, a = b"", label + seed
    while len(out) < n:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + label + seed, hashlib.sha256).digest()
    return out[:n]


def _aes128_blocks(key, blocks):
    """AES-128 of whole blocks, by the openssl command (Python's standard
    library has no AES); three blocks per connection."""
    p = subprocess.run(["openssl", "enc", "-aes-128-ecb", "-nopad", "-K", key.hex()], input=b"".join(blocks),
                       capture_output=True, check=True, timeout=10)
    return [p.stdout[i:i + 16] for i in range(0, len(p.stdout), 16)]


class AlertSealer:
    """Encrypted TLS 1.2 warning alerts under AES-128-GCM, for a connection
    whose keys are known.  Python's ssl cannot send an alert, and AES per
    record would be far too slow in Python, so: every record has the same
    explicit nonce (nothing makes a client check for reuse), which fixes the
    key stream, and GHASH is linear, so the tag of sequence number s is
    tag(0) ^ S*H^3 with S the AAD block of s alone: one table per byte of s.
    TLS 1.2 only: TLS 1.3 makes each record's nonce from its sequence number,
    so each would need an AES of its own, too slow in Python; the unit tests
    (tests/unit/test_exchange_connection.c, an mbedTLS peer) flood TLS 1.3 instead."""

    EXPLICIT = b"hcsms-fl"

    def __init__(self, key, salt, first_seq):
        h, ej0, stream = _aes128_blocks(key, [bytes(16), salt + self.EXPLICIT + b"\0\0\0\1",
                                              salt + self.EXPLICIT + b"\0\0\0\2"])
        h = int.from_bytes(h, "big")
        h2 = _gf_mult(h, h)
        h3 = _gf_mult(h2, h)
        ct = bytes(a ^ b for a, b in zip(WARNING_ALERT, stream))
        aad0 = int.from_bytes(bytes(8) + PLAIN_ALERT[:5] + bytes(3), "big")   # seq 0, type, version, length
        ghash0 = (_gf_mult(aad0, h3) ^ _gf_mult(int.from_bytes(ct + bytes(14), "big"), h2)
                  ^ _gf_mult((13 * 8) << 64 | (2 * 8), h))
        self.tag0 = ghash0 ^ int.from_bytes(ej0, "big")
        # byte k of the sequence number is bits 127-8k .. 120-8k of the AAD block
        self.tables = [[_gf_mult(v << (120 - 8 * k), h3) for v in range(256)] for k in range(8)]
        self.prefix = b"\x15\x03\x03\x00\x1a" + self.EXPLICIT + ct
        self.seq = first_seq

    def records(self, n):
        out = []
        for seq in range(self.seq, self.seq + n):
            tag, k = self.tag0, 7
            while seq:
                tag ^= self.tables[k][seq & 0xff]
                seq >>= 8
                k -= 1
            out.append(self.prefix + tag.to_bytes(16, "big"))
        self.seq += n
        return b"".join(out)


class MemTLS:
    """A real TLS 1.2 server (Python's ssl over memory BIOs) on a raw
    connection, whose keys are known from the context's key log: it can
    add records of its own (AlertSealer) after Python's."""

    def __init__(self, c, context, keylog):
        self.c, self.keylog = c, keylog
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.obj = context.wrap_bio(self.inc, self.out, server_side=True)
        self.first_in = b""     # the start of the ClientHello (its random)
        self.sent = b""         # every byte sent (the ServerHello's random; the records)
        self.buf = b""

    def _flush(self):
        data = self.out.read()
        if data:
            self.sent += data
            self.c.send(data)

    def _feed(self, end):
        data = self.c.recv_some(65536, max(0.0, end - time.monotonic()))
        if not data:
            raise ClientGone()
        if len(self.first_in) < 64:
            self.first_in += data[:64]
        self.inc.write(data)

    def handshake(self):
        end = time.monotonic() + 5.0
        while True:
            try:
                self.obj.do_handshake()
                self._flush()
                return
            except ssl.SSLWantReadError:
                self._flush()
                self._feed(end)

    def read_head(self, wait=HEAD_WAIT):
        end = time.monotonic() + wait
        while b"\r\n\r\n" not in self.buf:
            try:
                data = self.obj.read(65536)
                if not data:
                    raise ClientGone()  # close_notify
                self.buf += data
            except ssl.SSLWantReadError:
                self._feed(end)
            except ssl.SSLError as e:   # close_notify, a bad record
                raise ClientGone() from e
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head + b"\r\n\r\n"

    def seal(self, data):
        """data as the server's records, not sent yet: send them with c.send."""
        self.obj.write(data)
        out = self.out.read()
        self.sent += out
        return out

    def next_seq(self):
        """The server's next write sequence number: its records after its
        ChangeCipherSpec (the Finished is number 0)."""
        i, n, encrypted = 0, 0, False
        while i + 5 <= len(self.sent):
            n += encrypted
            encrypted = encrypted or self.sent[i] == 0x14
            i += 5 + int.from_bytes(self.sent[i + 3:i + 5], "big")
        return n

    def sealer(self):
        """An AlertSealer for this connection; set its seq from next_seq()
        right before its first record is sent."""
        client_random, server_random = self.first_in[11:43], self.sent[11:43]
        with open(self.keylog) as f:
            secrets = [l.split() for l in f if l.startswith("CLIENT_RANDOM ")]
        (master,) = [bytes.fromhex(s[2]) for s in secrets if s[1] == client_random.hex()]
        keys = _prf_sha256(master, b"key expansion", server_random + client_random, 40)
        return AlertSealer(keys[16:32], keys[36:40], self.next_seq())


def _memtls_context(server):
    """TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256 only, keys logged."""
    with server._lock:
        if getattr(server, "memtls_context", None) is None:
            fd, server.keylog = tempfile.mkstemp(prefix="hcsms-keylog-")
            os.close(fd)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(server.cert, server.key)
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            ctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
            ctx.options |= ssl.OP_NO_TICKET
            ctx.keylog_filename = server.keylog
            server.memtls_context = ctx
        return server.memtls_context


def serve_tls12_records(c, server):
    """MemTLS, then each request by its task id's script: "ok" answered, the
    connection kept; "flood" never answered, an endless stream of encrypted
    warning alerts instead; "okflood" answered, then the stream."""
    tls = MemTLS(c, _memtls_context(server), server.keylog)
    try:
        tls.handshake()
    except ssl.SSLError as e:
        c.record["tls"] = False
        c.record["error"] = "handshake: %s" % e
        return
    c.record["tls"] = True
    while True:
        q = Request(c, tls.read_head())
        with server._lock:
            c.record["requests"] += 1
            server.requests.append({"conn": c.serial, "n": c.nreq, "task_id": q.task_id, "script": q.script,
                                    "token": q.token, "head": q.head})
        # the sealer first (it takes a while): the answer and the first
        # alerts then leave in one write, so the client finds both at once
        sealer = tls.sealer() if q.script in ("flood", "okflood") else None
        answer = tls.seal(resp(200, "OK", OK_BODY, rid=q.rid)) if q.script in ("ok", "okflood") else b""
        if sealer is None:
            c.send(answer)
        else:
            sealer.seq = tls.next_seq()
            first = [answer]
            flood(c, lambda: (first.pop() + sealer.records(2048) if first else sealer.records(2048), 2048))
            return
        if q.script != "ok":
            return


RAW_SCRIPTS = {
    "plain-http": raw_plain_http,
    "silent": raw_silent,
    "rst-after-hello": raw_rst_after_hello,
    "half-flight-rst": raw_half_flight_rst,
    "flight-drip": raw_flight_drip,
    "alert": raw_alert,
    "garbage": raw_garbage,
    "alert-flood": raw_alert_flood,
    "tls12-records": serve_tls12_records,
}



# ============================================================== server
class HostileServer:
    """Start with ``start()`` (returns self); always ``stop()`` it (or use ``with``)."""

    def __init__(self, cert, key, mode="tls", raw_script=None, host="127.0.0.1", verbose=False,
                 tls_max=None, client_ca=None, ciphers=None, dh_params=None):
        """tls_max="1.1": offer TLS 1.0/1.1 only, "1.2": up to TLS 1.2;
        client_ca=PEM: require a client certificate issued by it; ciphers: an
        OpenSSL cipher list (TLS 1.2 and older); dh_params: a PEM file of
        finite-field DH parameters (for DHE suites)."""
        if mode not in ("tls", "raw"):
            raise ValueError("mode must be tls or raw")
        if mode == "raw" and raw_script not in RAW_SCRIPTS:
            raise ValueError("unknown raw script %r" % raw_script)
        self.mode = mode
        self.raw_script = raw_script
        self.host = host
        self.port = 0
        self.verbose = verbose
        self.cert, self.key = cert, key
        self.keylog = None
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        if tls_max == "1.1":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                self.context.minimum_version = ssl.TLSVersion.TLSv1
                self.context.maximum_version = ssl.TLSVersion.TLSv1_1
            self.context.set_ciphers("DEFAULT:@SECLEVEL=0")
        elif tls_max == "1.2":
            self.context.maximum_version = ssl.TLSVersion.TLSv1_2
        elif tls_max is not None:
            raise ValueError("tls_max must be None, '1.1' or '1.2'")
        if ciphers is not None:
            self.context.set_ciphers(ciphers)
        if dh_params is not None:
            self.context.load_dh_params(dh_params)
        if client_ca is not None:
            self.context.verify_mode = ssl.CERT_REQUIRED
            self.context.load_verify_locations(client_ca)
        self._tl = threading.local()
        self.context.sni_callback = self._sni
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._listener = None
        self._thread = None
        self._threads = []
        self._open = set()
        self.conns = []       # {"serial", "tls", "error", "requests", "bytes_sent", "sni"}
        self.requests = []    # {"conn", "n", "task_id", "script", "token", "head"}

    # ---- lifecycle
    def start(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.host, 0))
        s.listen(64)
        s.settimeout(0.1)
        self._listener = s
        self.port = s.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True,
                                        name="hostile-accept-%d" % self.port)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        if self._listener is not None:
            try:
                self._listener.close()
            except OSError:
                pass
            self._listener = None
        with self._lock:
            socks = list(self._open)
            threads = list(self._threads)
        for s in socks:
            try:
                socket.socket.shutdown(s, socket.SHUT_RDWR)
            except (OSError, ValueError):
                pass
        end = time.monotonic() + 3.0
        for t in threads:
            t.join(timeout=max(0.0, end - time.monotonic()))
        if self.keylog is not None:
            try:
                os.unlink(self.keylog)
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, host="localhost"):
        return "https://%s:%d" % (host, self.port)

    # ---- records
    def snapshot(self):
        with self._lock:
            return len(self.conns), len(self.requests)

    def since(self, snap):
        with self._lock:
            return list(self.conns[snap[0]:]), list(self.requests[snap[1]:])

    def _log(self, text):
        if self.verbose:
            sys.stderr.write("hostile[%d]: %s\n" % (self.port, text))

    # ---- serving
    def _sni(self, sslobj, name, ctx):
        rec = getattr(self._tl, "rec", None)
        if rec is not None:
            rec["sni"] = name
            rec["sni_seen"] = True      # called with None: the ClientHello had no SNI
        return None

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                sock, _addr = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                serial = len(self.conns) + 1
                rec = {"serial": serial, "tls": None, "error": None, "requests": 0, "bytes_sent": 0,
                       "sni": None}
                self.conns.append(rec)
                self._open.add(sock)
                t = threading.Thread(target=self._serve, args=(sock, serial, rec), daemon=True,
                                     name="hostile-conn-%d" % serial)
                self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    def _serve(self, sock, serial, rec):
        c = Conn(self, sock, serial, rec)
        try:
            if self.mode == "raw":
                RAW_SCRIPTS[self.raw_script](c, self)
                return
            sock.settimeout(5.0)
            self._tl.rec = rec
            try:
                tls = self.context.wrap_socket(sock, server_side=True)
            except (OSError, ssl.SSLError, ValueError) as e:
                rec["tls"] = False
                rec["error"] = "handshake: %s" % e
                self._log("conn %d: TLS handshake failed: %s" % (serial, e))
                return
            rec["tls"] = True
            rec["version"], rec["cipher"] = tls.version(), tls.cipher()[0]
            with self._lock:
                self._open.discard(sock)
                self._open.add(tls)
            c.sock = tls
            while True:
                h = c.read_head()
                if h is None:
                    return
                q = Request(c, h)
                with self._lock:
                    rec["requests"] += 1
                    self.requests.append({"conn": serial, "n": c.nreq, "task_id": q.task_id,
                                          "script": q.script, "token": q.token, "head": h})
                self._log("conn %d request %d: %s" % (serial, c.nreq, q.task_id))
                fn = SCRIPTS.get(q.script)
                if fn is None:
                    c.send(resp(500, "Unknown Script", json_error("HOSTILE.UNKNOWN", "no script %r" % q.script),
                                rid=q.rid))
                    return
                if fn(c, q) != KEEP or c.closed:
                    return
        except (ClientGone, Stopped):
            pass
        except Exception as e:  # a bug in a script: make it visible, never hang
            rec["error"] = "script error: %r" % e
            sys.stderr.write("hostile_server: connection %d: %r\n" % (serial, e))
        finally:
            if not c.closed:
                if isinstance(c.sock, ssl.SSLSocket) and not self._stop.is_set():
                    c.close_notify()
                else:
                    c.fin()
            with self._lock:
                self._open.discard(sock)
                self._open.discard(c.sock)


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="Run the hostile server standalone (until Ctrl-C).")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--raw", choices=sorted(RAW_SCRIPTS), help="raw (non-TLS) mode with this behaviour")
    a = ap.parse_args()
    srv = HostileServer(a.cert, a.key, mode="raw" if a.raw else "tls", raw_script=a.raw, verbose=True).start()
    print(srv.url(), flush=True)
    print("scripts:", " ".join(sorted(SCRIPTS)), flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
