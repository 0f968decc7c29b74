#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Mock Huawei Cloud SMS endpoint for the hcsms end-to-end tests.

Serves ``POST /v3/tasks/{task_id}/unlock`` over TLS and validates every
request strictly.  The (percent-decoded) task id selects a behaviour:

  ok...        200 ``{}`` keep-alive (also the default for unknown prefixes)
  forbidden... 403 SMS.9004 with encoded_authorization_message, error_param, details
  notfound...  404 APIGW.0101 (request_id in the body too)
  throttled... 429 APIGW.0308 with ``Retry-After: 1``
  chunked...   200, body sent chunked with a chunk extension and a trailer
  close...     200 HTTP/1.1, ``Connection: close``, no Content-Length (close-delimited)
  http10...    ``HTTP/1.0 200 OK`` with Content-Length, then close
  continue...  ``HTTP/1.1 100 Continue`` first, then a normal 200
  slow...      waits 10 s before answering 200 (aborted when the server stops)
  drip...      sends the status line one byte per second
  garbage...   writes ``SSH-2.0-OpenSSH_9.2\\r\\n`` and closes
  truncated... 200 with ``Content-Length: 10`` but only 2 body bytes, then close
  html...      502 text/html
  empty...     500 with an empty body (Content-Length: 0)
  nocontent... 204 without a body, keep-alive
  dropafter... 200 with Content-Length and no ``Connection: close``, then the server
               closes anyway (a keep-alive connection the server dropped)
  bigerror...  403 SMS.9004 whose encoded_authorization_message is 65,535 bytes

Authentication: either ``X-Auth-Token`` (equal to the configured token) or AK/SK signing
(``Authorization: SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..``), verified by
tests/servers/aksk_verify.py against ``credentials={ak: sk}``.  A bad signature, an unknown
AK or an X-Sdk-Date more than 15 minutes off answers 401 APIGW.0301 like the real gateway
(a signature mismatch echoes the server's canonical request in error_msg, "|" for newlines).
Temporary credentials: ``security_tokens={ak: token}``; for such an AK, X-Security-Token must
be that token (else 401 APIGW.0307), and a permanent AK must not send one.  With AK/SK no
X-Auth-Token is needed.  Each request entry records ``auth`` ("token"/"aksk"/None), ``ak``,
``signed_headers``, ``aksk_ok``, ``auth_error``, ``canonical``, ``sdk_date``,
``security_token``, ``project_id``.

IAM stand-in: the same server also answers ``POST /v3/auth/tokens`` (query empty,
``nocatalog=true`` or ``nocatalog=false``) like Huawei IAM's "obtain a user token" with the
password method, validated strictly: Host, Content-Type ``application/json;charset=utf8``
(case and spaces ignored), a Content-Length equal to the body (no Transfer-Encoding, at most
64 KB), a UTF-8 JSON body with exactly the documented keys and no duplicates::

    {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":USER,
     "password":PASSWORD,"domain":{"name":ACCOUNT}}}},
     "scope":{"project":{"name":PROJECT}}}}        (or "scope":{"domain":{"name":ACCOUNT}})

Users: ``iam_users={(account, user): password}``; a value may be a dict instead, with
``password`` and any of ``token_len`` (default ``iam_token_len``, 16,384), ``chunked`` (the
201 body is sent chunked; default ``iam_chunked``), ``no_token`` (201 without
X-Subject-Token), ``big_body`` (the ~300 KB catalog even with nocatalog=true), ``delay_s``
(wait before answering; aborted when the server stops).  Projects: ``iam_projects``
(default ``IAM_PROJECTS``).  Answers (JSON, always with X-Request-Id):

  400 ``{"error":{"code":400,"message":"The request is malformed.","title":"Bad Request"}}``
      for anything malformed (headers, query, JSON, structure, domain scope != account);
      the connection is closed when the body could not be read exactly
  401 ``{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}``
  404 ``{"error":{"code":404,"message":"Could not find project: NAME.","title":"Not Found"}}``
  405 for a method other than POST
  201 Created, ``X-Subject-Token: <token>`` (base64-like characters A-Z a-z 0-9 + / = - _,
      random per issue), ``Content-Type: application/json;charset=UTF-8``, a token body of
      a few KB with nocatalog=true and about 300 KB (a catalog) without; Content-Length
      unless chunked; the connection is kept alive.

Every IAM request is appended to ``iam_requests`` (see ``_iam_record``: method, path, query,
content_type, content_length, body_json, user, account, password, scope ``('project', NAME)``
or ``('domain', NAME)``, nocatalog, ok, error, status, token, ...); each issued token goes into
``issued_tokens``, and the unlock path accepts any of them as X-Auth-Token (besides the
configured token), so ``hcsms token --out F`` then ``hcsms unlock --token-file F`` works.

Usable as a module (``MockSMS(...).start()`` / ``.stop()``; ``connections``,
``requests``, ``iam_requests``, ``issued_tokens``) or standalone::

    python3 tests/servers/mock_sms.py --port 0 --cert server.pem --key server.key \\
        --token-file token [--aksk AK:SKFILE]... [--security-token AK:FILE]...
        [--iam-user ACCOUNT:USER:PASSFILE]... [--iam-project NAME]...
        [--host 127.0.0.1] [--ready-file F]

Standalone it prints the base URL once it is ready (and writes it to the ready
file) and serves until SIGTERM/SIGINT.  Python 3 standard library only.
"""

import argparse
import hashlib
import http.server
import json
import os
import re
import secrets
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aksk_verify  # noqa: E402  (runs its spec test vectors at import)

PATH_RE = re.compile(r"^/v3/tasks/([^/?#]+)/unlock$")

# The 403 body exactly as it goes on the wire (JSON escapes kept as escapes).
FORBIDDEN_BODY = (
    rb'{"error_code":"SMS.9004","error_msg":"You do not have permission to perform action '
    rb'sms:server:unlock on resource.","encoded_authorization_message":"Encoded-ABC123",'
    rb'"error_param":["task_id","sms:server:unlock"],"details":[{"error_code":"SMS.9004",'
    rb'"error_msg":"denied by policy"},{"error_code":"IAM.0001","error_msg":'
    rb'"line1\nline2 \u00e9 \"quoted\""}]}'
)
FORBIDDEN_DECODED_DETAIL = 'line1\nline2 \u00e9 "quoted"'

HTML_BODY = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>mock gateway</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

BIGERROR_LEN = 65535

# ---- IAM stand-in (POST /v3/auth/tokens)
IAM_PATH = "/v3/auth/tokens"
IAM_PROJECTS = ("ap-southeast-3", "cn-north-4", "ap-southeast-1", "my-kualalumpur-1", "ru-moscow-1")
IAM_CONTENT_TYPE = "application/json;charset=utf8"   # what the request must carry
IAM_TOKEN_MAX = 16384                                 # documented maximum token size
IAM_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_"
IAM_BODY_MAX = 65536
IAM_MALFORMED = (400, "Bad Request", "The request is malformed.")
IAM_WRONG_PASSWORD = (401, "Unauthorized", "The username or password is wrong.")
IAM_QUERIES = {"": None, "nocatalog=true": True, "nocatalog=false": False}


def iam_error_body(code, title, message):
    return _json({"error": {"code": code, "message": message, "title": title}})


def iam_request_body(user, password, account, project=None, domain_scope=False):
    """The body a correct client sends (for tests that talk to the mock directly)."""
    scope = {"domain": {"name": account}} if domain_scope else {"project": {"name": project}}
    return _json({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": password, "domain": {"name": account}}}}, "scope": scope}})


def _iam_token(length):
    rnd = os.urandom(length)
    n = len(IAM_TOKEN_ALPHABET)
    body = "".join(IAM_TOKEN_ALPHABET[b % n] for b in rnd)
    return ("MII" + body)[:length]  # real (PKI) tokens start with MII


class _IAMBad(Exception):
    """A malformed IAM request: (text for the record)."""


def _no_dup_pairs(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise _IAMBad("duplicate JSON key %r" % k)
        d[k] = v
    return d


def _reject_constant(name):
    raise _IAMBad("JSON constant %s is not JSON" % name)


def _keys(obj, want, where):
    if not isinstance(obj, dict):
        raise _IAMBad("%s is not an object" % where)
    if set(obj) != set(want):
        raise _IAMBad("%s has keys %s, expected %s" % (where, sorted(obj), sorted(want)))
    return obj


def _string(v, where):
    if not isinstance(v, str) or v == "":
        raise _IAMBad("%s is not a non-empty string" % where)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in v):
        raise _IAMBad("%s holds a lone surrogate escape" % where)
    return v


def iam_parse_body(raw):
    """(body_json, user, password, account, scope) of a strict token request; raises _IAMBad."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _IAMBad("body is not UTF-8: %s" % e)
    if text.startswith("\ufeff"):
        raise _IAMBad("body starts with a byte order mark")
    try:
        obj = json.loads(text, object_pairs_hook=_no_dup_pairs, parse_constant=_reject_constant)
    except ValueError as e:
        raise _IAMBad("body is not JSON: %s" % e)
    auth = _keys(_keys(obj, ["auth"], "body")["auth"], ["identity", "scope"], "auth")
    ident = _keys(auth["identity"], ["methods", "password"], "auth.identity")
    if ident["methods"] != ["password"]:
        raise _IAMBad("auth.identity.methods is %r, expected [\"password\"]" % (ident["methods"],))
    user = _keys(_keys(ident["password"], ["user"], "auth.identity.password")["user"],
                 ["name", "password", "domain"], "auth.identity.password.user")
    name = _string(user["name"], "user.name")
    password = _string(user["password"], "user.password")
    account = _string(_keys(user["domain"], ["name"], "user.domain")["name"], "user.domain.name")
    scope_obj = auth["scope"]
    if not isinstance(scope_obj, dict) or len(scope_obj) != 1 or \
            next(iter(scope_obj)) not in ("project", "domain"):
        raise _IAMBad("auth.scope must hold exactly one of project, domain: %r" % (scope_obj,))
    kind = next(iter(scope_obj))
    scope_name = _string(_keys(scope_obj[kind], ["name"], "auth.scope.%s" % kind)["name"],
                         "auth.scope.%s.name" % kind)
    return obj, name, password, account, (kind, scope_name)


def _hex_id(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _iam_catalog_endpoints():
    services = ["iam", "ecs", "evs", "vpc", "elb", "obs", "rds", "dcs", "dms", "cce", "cts", "ces",
                "kms", "sms", "ims", "as", "dns", "smn", "apig", "functiongraph", "swr", "lts",
                "aom", "waf", "hss", "bms", "sfs", "cbr", "dds", "gaussdb", "mrs", "dws", "css",
                "dli", "dgc", "modelarts", "iotda", "cdn", "nat", "vpcep", "er", "cfw", "ddos",
                "scm", "rms", "organizations", "eps", "bss", "ges", "dis", "cse", "servicestage",
                "codearts", "csms", "ram", "tms", "config", "cloudtable", "das", "drs"]
    regions = ["ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
               "cn-north-4", "cn-north-1", "cn-east-3", "cn-east-2", "cn-south-1", "cn-southwest-2",
               "af-south-1", "la-south-2", "la-north-2", "sa-brazil-1", "na-mexico-1",
               "tr-west-1", "me-east-1", "ru-moscow-1", "my-kualalumpur-1", "eu-west-101",
               "eu-west-0", "ae-ad-1", "cn-north-9", "ap-southeast-5", "cn-east-4",
               "cn-north-11", "ap-northeast-1"]
    catalog = []
    n = 0
    for svc in services:
        eps = []
        for reg in regions:
            n += 1
            eps.append({"id": _hex_id("ep%d" % n), "interface": "public",
                        "region": reg, "region_id": reg,
                        "url": "https://%s.%s.myhuaweicloud.com/v3/$(tenant_id)s" % (svc, reg)})
        catalog.append({"endpoints": eps, "id": _hex_id(svc),
                        "name": svc, "type": svc})
    return catalog


_IAM_CATALOG = None


def iam_token_body(user, account, scope, catalog):
    """The 201 body: a Keystone/IAM-like token object (about 300 KB with the catalog)."""
    global _IAM_CATALOG
    now = time.time()
    fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(t))  # noqa: E731
    dom = {"name": account, "id": _hex_id("domain:" + account)}
    tok = {"expires_at": fmt(now + 86400), "methods": ["password"], "issued_at": fmt(now),
           "user": {"domain": dom, "name": user, "password_expires_at": "",
                    "id": _hex_id("user:%s/%s" % (account, user))},
           "roles": [{"name": "op_gated_%s_%02d" % (w, i), "id": str(i)}
                     for i, w in enumerate(["sms", "ecs", "evs", "vpc", "obs", "rds", "iam", "kms"] * 12)]}
    if scope[0] == "project":
        tok["project"] = {"domain": dom, "name": scope[1],
                          "id": _hex_id("project:" + scope[1])}
    else:
        tok["domain"] = dom
    if catalog:
        if _IAM_CATALOG is None:
            _IAM_CATALOG = _iam_catalog_endpoints()
        tok["catalog"] = _IAM_CATALOG
    else:
        tok["catalog"] = []
    return _json({"token": tok})


def _json(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mock-sms/1"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are dropped after this

    # set by MockSMS.finish_request
    conn_serial = 0

    # ------------------------------------------------------------------ utils
    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.mock.verbose:
            sys.stderr.write("mock_sms: %s - %s\n" % (self.address_string(), fmt % args))

    def _raw(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def _head(self, status, reason, headers, version="HTTP/1.1"):
        lines = ["%s %d %s" % (version, status, reason)]
        for k, v in headers:
            lines.append("%s: %s" % (k, v))
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _respond(self, status, reason, body, ctype="application/json", extra=(), close=False,
                 version="HTTP/1.1"):
        headers = [("Server", "mock-sms"), ("X-Request-Id", self.request_id)]
        if ctype is not None:
            headers.append(("Content-Type", ctype))
        headers.append(("Content-Length", str(len(body))))
        headers.extend(extra)
        if close and version == "HTTP/1.1":
            headers.append(("Connection", "close"))
        self._set_status(status)
        self._raw(self._head(status, reason, headers, version) + body)
        if close:
            self.close_connection = True

    def _set_status(self, status):
        # recorded before the bytes go out, so a test that got the answer sees it
        self.status_sent = status
        rec = getattr(self, "rec", None)
        if rec is not None:
            rec["status"] = status

    def send_error(self, code, message=None, explain=None):
        # Used by http.server for unparsable requests: answer in JSON, with a request id.
        if not hasattr(self, "request_id"):
            self.request_id = secrets.token_hex(16)
        self.auth_info = None  # not from an earlier request on this connection
        self.server.mock._record(self, None, getattr(self, "path", None), "parse error: %s" % message,
                                 code)
        try:
            body = _json({"error_code": "MOCK.0400", "error_msg": "unparsable request: %s" % message})
            self._respond(code, "Bad Request" if code == 400 else "Error", body, close=True)
        except OSError:
            pass
        self.close_connection = True

    # --------------------------------------------------------------- dispatch
    def _validate(self):
        """Return (task_id, problem, auth_error); auth_error is None or (code, msg) for a 401."""
        self.auth_info = {"auth": None}
        if self.command != "POST":
            return None, "method must be POST, got %s" % self.command, None
        m = PATH_RE.match(self.path)
        if not m:
            return None, "path %r does not match /v3/tasks/{task_id}/unlock" % self.path, None
        raw_id = m.group(1)
        task_id = urllib.parse.unquote(raw_id, errors="surrogateescape")
        if task_id == "":
            return task_id, "empty task id", None
        h = self.headers
        for name in ("Host", "User-Agent", "Content-Type", "Content-Length", "X-Auth-Token",
                     "Authorization", "X-Sdk-Date", "X-Security-Token", "X-Project-Id"):
            vals = h.get_all(name) or []
            if len(vals) > 1:
                return task_id, "header %s appears %d times" % (name, len(vals)), None
        if not h.get("Host"):
            return task_id, "Host header missing", None
        ua = h.get("User-Agent")
        if ua is None or not ua.startswith("hcsms/"):
            return task_id, "User-Agent must start with hcsms/, got %r" % ua, None
        ct = h.get("Content-Type")
        if ct is None or ct.split(";")[0].strip().lower() != "application/json":
            return task_id, "Content-Type must be application/json, got %r" % ct, None
        if h.get("Transfer-Encoding") is not None:
            return task_id, "request must not use Transfer-Encoding", None
        cl = h.get("Content-Length")
        if cl is None or cl.strip() != "0":
            return task_id, "Content-Length must be 0, got %r" % cl, None
        authz = h.get("Authorization")
        if authz is not None and authz.split(" ", 1)[0].upper() == aksk_verify.ALGORITHM:
            return self._validate_aksk(task_id)
        token = h.get("X-Auth-Token")
        self.auth_info["auth"] = "token" if token is not None else None
        want = self.server.mock.token
        if token is None or (token != want and token not in self.server.mock.issued_tokens):
            if token is None:
                return task_id, "X-Auth-Token missing", ("APIGW.0307", "The token must be updated.")
            return task_id, "X-Auth-Token wrong (%d bytes)" % len(token), ("APIGW.0307",
                                                                          "The token must be updated.")
        return task_id, None, None

    def _validate_aksk(self, task_id):
        mock = self.server.mock
        h = self.headers
        info = self.auth_info
        info["auth"] = "aksk"
        info["sdk_date"] = h.get("X-Sdk-Date")
        info["security_token"] = h.get("X-Security-Token")
        info["project_id"] = h.get("X-Project-Id")
        try:
            info["ak"], info["signed_headers"], _sig = aksk_verify.parse_authorization(h.get("Authorization"))
        except aksk_verify.AuthError:
            pass  # verify() reports it
        raw_path, _, raw_query = self.path.partition("?")
        # header values as the bytes that came in (http.server decoded them as latin-1)
        headers = [(k, v.encode("latin-1", "replace")) for k, v in h.items()]
        ok, code, msg, canonical = aksk_verify.verify(
            self.command, raw_path, raw_query, headers, b"", mock.credentials,
            now=time.time() + mock.clock_skew_s, max_skew_s=mock.max_skew_s)
        info["aksk_ok"] = ok
        info["canonical"] = canonical
        if not ok:
            info["auth_error"] = msg
            return task_id, "AK/SK: %s" % msg, (code, msg)
        ak = info["ak"]
        want = mock.security_tokens.get(ak)
        got = info["security_token"]
        problem = None
        if want is not None and got is None:
            problem = "X-Security-Token missing for the temporary AK %s" % ak
        elif want is not None and got != want:
            problem = "X-Security-Token wrong (%d bytes) for the temporary AK %s" % (len(got), ak)
        elif want is None and got is not None:
            problem = "X-Security-Token sent with the permanent AK %s" % ak
        if problem is not None:
            info["auth_error"] = problem
            return task_id, problem, (aksk_verify.E_SECURITY_TOKEN,
                                      "The security token is invalid: %s." % problem)
        return task_id, None, None

    def _handle(self):
        self.request_id = secrets.token_hex(16)
        self.status_sent = None
        if self.path.split("?", 1)[0] == IAM_PATH:
            self._handle_iam()
            return
        task_id, problem, auth_error = self._validate()
        self.rec = self.server.mock._record(self, task_id, self.path, problem, None)
        if getattr(self, "drop_next", False):
            # a kept-alive connection that dies as the next request arrives:
            # read it, answer nothing, close
            self.drop_next = False
            self.rec = None
            self.close_connection = True
            return
        try:
            if problem is not None:
                if auth_error is not None:
                    body = _json({"error_code": auth_error[0], "error_msg": auth_error[1],
                                  "request_id": self.request_id})
                    self._respond(401, "Unauthorized", body)
                else:
                    body = _json({"error_code": "MOCK.0400", "error_msg": problem})
                    # the request may have a body we did not read: do not keep the connection
                    self._respond(400, "Bad Request", body, close=True)
            else:
                self._behave(task_id)
        finally:
            self.rec = None

    do_POST = do_GET = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle

    # ------------------------------------------------------------------ IAM
    def _iam_answer(self, rec, status, title, message, close=False):
        rec["status"] = status
        if status >= 400 and rec["error"] is None:
            rec["error"] = message
        self.status_sent = status
        body = iam_error_body(status, title, message)
        self._respond(status, title, body, ctype="application/json;charset=UTF-8", close=close)

    def _handle_iam(self):
        mock = self.server.mock
        rec = mock._iam_record(self)
        h = self.headers
        try:
            if self.command != "POST":
                rec["error"] = "method must be POST, got %s" % self.command
                self._iam_answer(rec, 405, "Method Not Allowed",
                                 "The method is not allowed for the requested URL.", close=True)
                return
            for name in ("Host", "Content-Type", "Content-Length", "Transfer-Encoding",
                         "X-Auth-Token", "Authorization"):
                vals = h.get_all(name) or []
                if len(vals) > 1:
                    rec["error"] = "header %s appears %d times" % (name, len(vals))
                    self._iam_answer(rec, *IAM_MALFORMED, close=True)
                    return
            if not h.get("Host"):
                rec["error"] = "Host header missing"
            elif h.get("Transfer-Encoding") is not None:
                rec["error"] = "request must not use Transfer-Encoding (got %r)" % h.get("Transfer-Encoding")
            elif rec["content_length"] is None:
                rec["error"] = "Content-Length missing"
            elif not rec["content_length"].strip().isdigit():
                rec["error"] = "Content-Length %r is not a number" % rec["content_length"]
            elif int(rec["content_length"]) > IAM_BODY_MAX:
                rec["error"] = "Content-Length %s is over %d" % (rec["content_length"], IAM_BODY_MAX)
            if rec["error"] is not None:
                self._iam_answer(rec, *IAM_MALFORMED, close=True)  # the body cannot be skipped
                return
            want = int(rec["content_length"])
            raw = b""
            self.connection.settimeout(3.0)
            try:
                while len(raw) < want:
                    got = self.rfile.read1(want - len(raw))
                    if not got:
                        break
                    raw += got
            except (socket.timeout, OSError, ssl.SSLError):
                pass
            rec["body_len"] = len(raw)
            if len(raw) != want:
                rec["error"] = "body has %d bytes, shorter than Content-Length %d" % (len(raw), want)
                self._iam_answer(rec, *IAM_MALFORMED, close=True)
                return
            self.connection.settimeout(self.timeout)
            rec["raw_body"] = raw
            raw_query = rec["query"]
            if raw_query not in IAM_QUERIES:
                rec["error"] = "query %r is not empty, nocatalog=true or nocatalog=false" % raw_query
                self._iam_answer(rec, *IAM_MALFORMED)
                return
            rec["nocatalog"] = IAM_QUERIES[raw_query] is True
            ct = rec["content_type"]
            if ct is None or ct.replace(" ", "").replace("\t", "").lower() != IAM_CONTENT_TYPE:
                rec["error"] = "Content-Type must be %s, got %r" % (IAM_CONTENT_TYPE, ct)
                self._iam_answer(rec, *IAM_MALFORMED)
                return
            try:
                obj, user, password, account, scope = iam_parse_body(raw)
            except _IAMBad as e:
                try:
                    rec["body_json"] = json.loads(raw.decode("utf-8"))
                except ValueError:
                    pass
                rec["error"] = str(e)
                self._iam_answer(rec, *IAM_MALFORMED)
                return
            rec.update(body_json=obj, user=user, password=password, account=account, scope=scope)
            if scope[0] == "domain" and scope[1] != account:
                rec["error"] = "domain scope %r is not the user's account %r" % (scope[1], account)
                self._iam_answer(rec, *IAM_MALFORMED)
                return
            opts = mock._iam_user(account, user)
            if opts is not None and opts["echo_password"]:
                # a server that echoes the password, JSON-escaped its way (\uXXXX
                # for every non-ASCII character, \" \\ \t)
                rec["error"] = "echoes the password"
                self._iam_answer(rec, 401, "Unauthorized", "wrong password: " + password)
                return
            if opts is None or opts["password"] != password:
                rec["error"] = "unknown user" if opts is None else "wrong password"
                self._iam_answer(rec, *IAM_WRONG_PASSWORD)
                return
            if scope[0] == "project" and scope[1] not in mock.iam_projects:
                rec["error"] = "unknown project %r" % scope[1]
                self._iam_answer(rec, 404, "Not Found", "Could not find project: %s." % scope[1])
                return
            if opts["delay_s"] and mock._stop_event.wait(opts["delay_s"]):
                self.close_connection = True
                return
            self._iam_success(rec, opts, user, account, scope)
        finally:
            if rec["ok"] is None:
                rec["ok"] = False

    def _iam_success(self, rec, opts, user, account, scope):
        mock = self.server.mock
        body = iam_token_body(user, account, scope, catalog=opts["big_body"] or not rec["nocatalog"])
        headers = [("Server", "mock-iam"), ("Date", self.date_time_string())]
        token = None
        if not opts["no_token"]:
            token = _iam_token(opts["token_len"])
            with mock._lock:
                mock.issued_tokens.add(token)
            headers.append(("X-Subject-Token", token))
        headers += [("X-Request-Id", self.request_id),
                    ("Content-Type", "application/json;charset=UTF-8")]
        if opts["chunked"]:
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Content-Length", str(len(body))))
        rec.update(token=token, status=201, ok=True, response_len=len(body), chunked=opts["chunked"])
        self.status_sent = 201
        head = self._head(201, "Created", headers)
        if not opts["chunked"]:
            self._raw(head + body)
            return
        # chunks of varied sizes, one with an extension, then a trailer
        out = [head]
        pos, sizes, i = 0, (1, 7, 4096, 16384, 3, 30000, 100), 0
        while pos < len(body):
            n = sizes[i % len(sizes)]
            piece = body[pos:pos + n]
            ext = ";ext=%d" % i if i == 1 else ""
            out.append(b"%x%s\r\n%s\r\n" % (len(piece), ext.encode(), piece))
            pos += n
            i += 1
        out.append(b"0\r\nX-Trailer: mock\r\n\r\n")
        self._raw(b"".join(out))

    def _behave(self, task_id):
        stop = self.server.mock._stop_event
        if task_id.startswith("forbidden"):
            self._respond(403, "Forbidden", FORBIDDEN_BODY)
        elif task_id.startswith("bigerror"):
            body = _json({"error_code": "SMS.9004",
                          "error_msg": "You do not have permission to perform action sms:server:unlock on resource.",
                          "encoded_authorization_message": "E" * BIGERROR_LEN,
                          "error_param": ["task_id"],
                          "details": [{"error_code": "SMS.9004", "error_msg": "denied by policy"}]})
            self._respond(403, "Forbidden", body)
        elif task_id.startswith("echosecrets"):
            # A server that echoes what it was sent in its own JSON escapes:
            # the token or security token with "/" written "\/", the request's
            # signature, plus terminal controls: 8-bit CSI as a JSON escape and
            # raw (invalid UTF-8), a bidi override (U+202E) raw.
            auth = self.headers.get("Authorization", "")
            sig = auth.rsplit("Signature=", 1)[1] if "Signature=" in auth else ""
            secret = self.headers.get("X-Security-Token") or self.headers.get("X-Auth-Token") or ""
            msg = ("you sent " + secret.replace("/", "\\/") + " signed " + sig
                   + " \\u009b2J \u202eevil").encode("utf-8")
            body = (b'{"error_code":"SMS.0400","error_msg":"' + msg
                    + b'","details":[{"error_code":"x","error_msg":"raw \x9b2J"}]}')
            self._respond(400, "Bad Request", body)
        elif task_id.startswith("notfound"):
            body = _json({"error_code": "APIGW.0101",
                          "error_msg": "The API does not exist or has not been published in the environment.",
                          "request_id": self.request_id})
            self._respond(404, "Not Found", body)
        elif task_id.startswith("throttled"):
            body = _json({"error_code": "APIGW.0308",
                          "error_msg": "The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 second",
                          "request_id": self.request_id})
            self._respond(429, "Too Many Requests", body, extra=[("Retry-After", "1")])
        elif task_id.startswith("chunked"):
            head = self._head(200, "OK", [("Server", "mock-sms"), ("X-Request-Id", self.request_id),
                                          ("Content-Type", "application/json"),
                                          ("Transfer-Encoding", "chunked")])
            self._set_status(200)
            self._raw(head)
            self._raw(b"1;ext=1\r\n{\r\n")
            self._raw(b"1\r\n}\r\n0\r\nX-Trailer: yes\r\n\r\n")
        elif task_id.startswith("close"):
            head = self._head(200, "OK", [("Server", "mock-sms"), ("X-Request-Id", self.request_id),
                                          ("Content-Type", "application/json"),
                                          ("Connection", "close")])
            self._set_status(200)
            self._raw(head + b"{}")
            self.close_connection = True
        elif task_id.startswith("http10"):
            self._respond(200, "OK", b"{}", version="HTTP/1.0", close=True)
        elif task_id.startswith("continue"):
            self._raw(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._respond(200, "OK", b"{}")
        elif task_id.startswith("slow"):
            if stop.wait(10.0):
                self.close_connection = True
                return
            self._respond(200, "OK", b"{}")
        elif task_id.startswith("drip"):
            for b in b"HTTP/1.1 200 OK\r\n":
                self._raw(bytes([b]))
                if stop.wait(1.0):
                    self.close_connection = True
                    return
            rest = ("X-Request-Id: %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    % self.request_id).encode()
            self._set_status(200)
            self._raw(rest)
        elif task_id.startswith("garbage"):
            self._set_status(0)
            self._raw(b"SSH-2.0-OpenSSH_9.2\r\n")
            self.close_connection = True
        elif task_id.startswith("truncated"):
            head = self._head(200, "OK", [("Server", "mock-sms"), ("X-Request-Id", self.request_id),
                                          ("Content-Type", "application/json"),
                                          ("Content-Length", "10")])
            self._set_status(200)
            self._raw(head + b"{}")
            self.close_connection = True
        elif task_id.startswith("html"):
            self._respond(502, "Bad Gateway", HTML_BODY, ctype="text/html")
        elif task_id.startswith("empty"):
            self._respond(500, "Internal Server Error", b"", ctype=None)
        elif task_id.startswith("dropafter"):
            self._respond(200, "OK", b"{}")
            self.close_connection = True
        elif task_id.startswith("throttleonce"):
            # 429 with Retry-After: 1 the first time this id is seen, then 200
            seen = self.server.mock.__dict__.setdefault("throttled_ids", set())
            if task_id in seen:
                self._respond(200, "OK", b"{}")
            else:
                seen.add(task_id)
                self._respond(429, "Too Many Requests", _json({"error_code": "APIGW.0308",
                              "error_msg": "throttled", "request_id": self.request_id}),
                              extra=[("Retry-After", "1")])
        elif task_id.startswith("dropnext"):
            # answered normally; the NEXT request on this connection gets no answer
            self._respond(200, "OK", b"{}")
            self.drop_next = True
        elif task_id.startswith("extra"):
            # a valid answer with a stale second answer glued behind it
            self._set_status(200)
            self._raw(self._head(200, "OK", [("X-Request-Id", self.request_id),
                                             ("Content-Type", "application/json"),
                                             ("Content-Length", "2")]) + b"{}" +
                      b"HTTP/1.1 200 OK\r\nX-Request-Id: stale\r\nContent-Length: 2\r\n\r\n{}")
        elif task_id.startswith("nocontent"):
            head = self._head(204, "No Content", [("Server", "mock-sms"), ("X-Request-Id", self.request_id)])
            self._set_status(204)
            self._raw(head)
        else:  # ok... and anything else
            self._respond(200, "OK", b"{}")


class _TLSServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, handler, mock, family):
        self.address_family = family
        self.mock = mock
        super().__init__(addr, handler)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def verify_request(self, request, client_address):
        # count in the accepting thread, before the handler thread starts
        serial = self.mock._accepted(request)
        with self.mock._lock:
            self.mock._serials[id(request)] = serial
        return True

    def finish_request(self, request, client_address):
        mock = self.mock
        with mock._lock:
            serial = mock._serials.pop(id(request), 0)
        tls = None
        try:
            request.settimeout(10)
            # Small answers go out at once: with a peer that delays its ACKs
            # (lwIP), Nagle would otherwise hold them for ~250 ms.
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                tls = mock.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                mock._handshake_failed(serial, e)
                return
            mock._track(request, tls)
            with mock._lock:
                mock.resumed[serial] = tls.session_reused
            h = self.RequestHandlerClass.__new__(self.RequestHandlerClass)
            h.conn_serial = serial
            h.__init__(tls, client_address, self)
        finally:
            if tls is not None:
                mock._untrack(request)
                _tls_close(tls)

    def shutdown_request(self, request):
        try:
            request.close()
        except OSError:
            pass

    def handle_error(self, request, client_address):
        # Peers that go away mid-response (timeouts in the client) are expected.
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ssl.SSLError)) and not self.mock.verbose:
            return
        super().handle_error(request, client_address)


def _tls_close(tls):
    """Send close_notify (bounded wait for the peer's), then close."""
    try:
        tls.settimeout(0.5)
        tls.unwrap()
    except (OSError, ValueError, ssl.SSLError):
        pass
    try:
        tls.close()
    except OSError:
        pass


class MockSMS:
    """In-process mock SMS server.  ``start()`` returns self; always call ``stop()``."""

    def __init__(self, cert, key, token, host="127.0.0.1", port=0, verbose=False,
                 credentials=None, security_tokens=None, clock_skew_s=0.0, max_skew_s=900,
                 iam_users=None, iam_projects=IAM_PROJECTS, iam_chunked=False,
                 iam_token_len=IAM_TOKEN_MAX):
        self.cert = cert
        self.key = key
        self.token = token                            # None: no X-Auth-Token is accepted
        self.credentials = dict(credentials or {})    # AK -> SK for SDK-HMAC-SHA256
        self.security_tokens = dict(security_tokens or {})  # temporary AK -> X-Security-Token
        self.clock_skew_s = clock_skew_s              # added to the mock's clock for X-Sdk-Date
        self.max_skew_s = max_skew_s
        self.host = host
        self.port = port
        self.verbose = verbose
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._open = {}
        self._serials = {}
        self._server = None
        self._thread = None
        self.connections = 0          # accepted TCP connections
        self.handshake_failures = 0   # of which the TLS handshake failed
        self.handshake_errors = []    # (serial, text)
        self.resumed = {}             # connection serial -> the TLS session was resumed
        self.requests = []            # one dict per request (see _record)
        # IAM stand-in (see the module docstring)
        self.iam_users = dict(iam_users or {})        # (account, user) -> password or dict
        self.iam_projects = set(iam_projects or ())
        self.iam_chunked = iam_chunked
        self.iam_token_len = iam_token_len
        self.iam_requests = []        # one dict per POST /v3/auth/tokens (see _iam_record)
        self.issued_tokens = set()    # every X-Subject-Token sent; accepted as X-Auth-Token

    # ----------------------------------------------------------- lifecycle
    def start(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._server = _TLSServer((self.host, self.port), _Handler, self, family)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="mock-sms-%d" % self.port, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop_event.set()
        srv = self._server
        if srv is None:
            return
        self._server = None
        try:
            srv.shutdown()  # returns once serve_forever has left its loop
        finally:
            srv.server_close()
            with self._lock:
                socks = list(self._open.keys())
            for s in socks:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            if self._thread is not None:
                self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        host = self.host
        if host in ("127.0.0.1", "::1", "localhost"):
            host = "localhost"
        elif ":" in host:
            host = "[%s]" % host
        return "https://%s:%d" % (host, self.port)

    # --------------------------------------------------------- bookkeeping
    def _accepted(self, sock):
        with self._lock:
            self.connections += 1
            return self.connections

    def _handshake_failed(self, serial, exc):
        with self._lock:
            self.handshake_failures += 1
            self.handshake_errors.append((serial, str(exc)))
        if self.verbose:
            sys.stderr.write("mock_sms: TLS handshake failed on connection %d: %s\n" % (serial, exc))

    def _track(self, raw, tls):
        with self._lock:
            self._open[raw] = tls

    def _untrack(self, raw):
        with self._lock:
            self._open.pop(raw, None)

    def _record(self, handler, task_id, raw_path, problem, status):
        headers = list(handler.headers.items()) if getattr(handler, "headers", None) is not None else []
        rec = {
            "conn": handler.conn_serial,
            "method": getattr(handler, "command", None),
            "task_id": task_id,
            "raw_path": raw_path,
            "headers": headers,
            "token": handler.headers.get("X-Auth-Token") if headers else None,
            "problem": problem,
            "request_id": getattr(handler, "request_id", None),
            "status": status,
            "time": time.monotonic(),
            # authentication (see the module docstring)
            "auth": None, "ak": None, "signed_headers": None, "aksk_ok": None, "auth_error": None,
            "canonical": None, "sdk_date": None, "security_token": None, "project_id": None,
        }
        rec.update(getattr(handler, "auth_info", None) or {})
        with self._lock:
            self.requests.append(rec)
        if self.verbose:
            sys.stderr.write("mock_sms: conn %d %s %s -> %s\n" % (rec["conn"], rec["method"], raw_path,
                                                                 problem or "valid"))
        return rec

    def snapshot(self):
        """(connections, number of requests) - for 'the server saw nothing' checks."""
        with self._lock:
            return self.connections, len(self.requests)

    def iam_snapshot(self):
        """(connections, number of SMS requests, number of IAM requests)."""
        with self._lock:
            return self.connections, len(self.requests), len(self.iam_requests)

    def _iam_user(self, account, user):
        """The user's options (dict with every key) or None if unknown."""
        v = self.iam_users.get((account, user))
        if v is None:
            return None
        opts = {"password": None, "token_len": self.iam_token_len, "chunked": self.iam_chunked,
                "no_token": False, "big_body": False, "delay_s": 0, "echo_password": False}
        if isinstance(v, dict):
            unknown = set(v) - set(opts)
            if unknown:
                raise ValueError("unknown IAM user option(s) %s" % sorted(unknown))
            opts.update(v)
        else:
            opts["password"] = v
        return opts

    def _iam_record(self, handler):
        h = handler.headers
        raw_path, _, raw_query = handler.path.partition("?")
        rec = {
            "conn": handler.conn_serial,
            "method": handler.command,
            "path": raw_path,
            "query": raw_query,
            "headers": list(h.items()),
            "content_type": h.get("Content-Type"),
            "content_length": h.get("Content-Length"),
            "transfer_encoding": h.get("Transfer-Encoding"),
            "user_agent": h.get("User-Agent"),
            "body_len": None,
            "raw_body": None,
            "body_json": None,
            "user": None, "account": None, "password": None, "scope": None,
            "nocatalog": None,
            "ok": None,
            "error": None,
            "status": None,
            "token": None,          # the X-Subject-Token sent (None if none)
            "response_len": None,
            "chunked": None,
            "request_id": handler.request_id,
            "time": time.monotonic(),
        }
        with self._lock:
            self.iam_requests.append(rec)
        if self.verbose:
            sys.stderr.write("mock_sms: conn %d IAM %s %s\n" % (rec["conn"], rec["method"], handler.path))
        return rec


class PlainHTTPServer:
    """A plain-TCP (no TLS) server answering ``HTTP/1.1 400`` to whatever arrives."""

    RESPONSE = (b"HTTP/1.1 400 Bad Request\r\nServer: plain\r\nContent-Type: text/plain\r\n"
                b"Content-Length: 36\r\nConnection: close\r\n\r\n"
                b"This port speaks plain HTTP, no TLS\n")

    def __init__(self, host="127.0.0.1", port=0):
        self.host = host
        self.port = port
        self.connections = 0
        self._sock = None
        self._thread = None
        self._stop = threading.Event()

    def start(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, self.port))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._loop, daemon=True, name="plain-http")
        self._thread.start()
        return self

    def _loop(self):
        while not self._stop.is_set():
            try:
                c, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            try:
                c.settimeout(2)
                try:
                    c.recv(65536)
                except OSError:
                    pass
                c.sendall(self.RESPONSE)
                c.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            finally:
                c.close()

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
            self._sock = None


# ---------------------------------------------------------------- standalone
def _read_token(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.endswith(b"\n"):
        data = data[:-1]
    return data.decode("latin-1")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Mock Huawei Cloud SMS unlock endpoint (TLS).")
    ap.add_argument("--port", type=int, required=True, help="TCP port (0 = pick a free one)")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--token-file",
                    help="expected X-Auth-Token (one trailing newline is dropped)")
    ap.add_argument("--aksk", action="append", default=[], metavar="AK:SKFILE",
                    help="accept SDK-HMAC-SHA256 signatures by AK with the SK read from SKFILE "
                         "(repeatable)")
    ap.add_argument("--security-token", action="append", default=[], metavar="AK:FILE",
                    help="AK is temporary: X-Security-Token must equal FILE's content (repeatable)")
    ap.add_argument("--iam-user", action="append", default=[], metavar="ACCOUNT:USER:PASSFILE",
                    help="IAM stand-in: accept this user with the password read from PASSFILE "
                         "(one trailing newline dropped; repeatable)")
    ap.add_argument("--iam-project", action="append", default=[], metavar="NAME",
                    help="IAM stand-in: a known project (repeatable; default: the SMS regions)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--ready-file", help="write the base URL here once listening")
    ap.add_argument("--verbose", action="store_true", help="log requests to stderr")
    a = ap.parse_args(argv)
    if a.token_file is None and not a.aksk:
        ap.error("give --token-file and/or --aksk")
    credentials, security_tokens = {}, {}
    for opt, spec, into in ([("--aksk", x, credentials) for x in a.aksk] +
                            [("--security-token", x, security_tokens) for x in a.security_token]):
        ak, sep, path = spec.partition(":")
        if not ak or not sep or not path:
            ap.error("%s wants AK:FILE, got %r" % (opt, spec))
        into[ak] = _read_token(path)

    iam_users = {}
    for spec in a.iam_user:
        parts = spec.split(":", 2)
        if len(parts) != 3 or not all(parts):
            ap.error("--iam-user wants ACCOUNT:USER:PASSFILE, got %r" % spec)
        with open(parts[2], "rb") as f:
            pw = f.read()
        if pw.endswith(b"\n"):
            pw = pw[:-1]
        iam_users[(parts[0], parts[1])] = pw.decode("utf-8")

    done = threading.Event()

    def on_signal(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    mock = MockSMS(a.cert, a.key, _read_token(a.token_file) if a.token_file else None,
                   host=a.host, port=a.port, verbose=a.verbose,
                   credentials=credentials, security_tokens=security_tokens,
                   iam_users=iam_users, iam_projects=a.iam_project or IAM_PROJECTS)
    mock.start()
    try:
        if a.ready_file:
            tmp = a.ready_file + ".tmp"
            with open(tmp, "w") as f:
                f.write(mock.url + "\n")
            os.replace(tmp, a.ready_file)
        print(mock.url, flush=True)
        while not done.wait(0.5):
            pass
    finally:
        mock.stop()
        if a.ready_file:
            try:
                os.unlink(a.ready_file)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
