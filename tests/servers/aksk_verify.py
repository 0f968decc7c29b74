#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Server-side verification of Huawei Cloud "SDK-HMAC-SHA256" (AK/SK) request signatures.

Written from docs/spec (/work/shared/spec/README.md, "Authentication" item 2), not from
the hcsms C code, so the two implementations check each other.  Python stdlib only.

The canonical request is::

    METHOD \\n
    canonical URI \\n          each path segment percent-decoded, then re-encoded keeping
                              only A-Za-z0-9-_.~ (upper-case hex); always ends with "/"
    canonical query \\n        keys sorted, values of one key sorted, enc(k)=enc(v) joined by &
    canonical headers \\n      "name:trimmed value\\n" for each signed header, in the order of
                              SignedHeaders (so this block ends with its own "\\n", and the
                              separator makes an empty line after it)
    signed headers \\n         the SignedHeaders list joined by ";"
    lower-hex SHA-256 of the body

String to sign: ``SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<lower-hex SHA-256 of the canonical request>``;
signature: lower-hex HMAC-SHA256 keyed with the SK bytes.

Conventions confirmed by the public test vectors (see ``_self_test``):
  * the ``host`` value is the Host header as sent (no ":443" for the default port),
  * the canonical URI gets the trailing "/" although the request line has none,
  * the canonical headers block ends with "\\n" and is then joined with "\\n", i.e. there is an
    empty line between the last header and the signed-header list.

``python3 tests/servers/aksk_verify.py`` runs the self test (vectors + round trips).
"""

import calendar
import hashlib
import hmac
import re
import sys
import time
import urllib.parse

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "x-sdk-date"
DATE_RE = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
HEADER_NAME_RE = re.compile(r"^[a-z0-9!#$%&'*+.^`|~-]+$")  # lower-case token, no "_"
# strict: exactly "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex"
AUTH_RE = re.compile(r"^SDK-HMAC-SHA256 Access=([^\s,=]+), SignedHeaders=([^\s,=]+), Signature=([^\s,=]+)$")

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

E_AUTH = "APIGW.0301"         # signature wrong / AK unknown / signature expired
E_SECURITY_TOKEN = "APIGW.0307"
APP_PREFIX = "Incorrect app authentication information: "


class AuthError(ValueError):
    """A malformed Authorization header (message is safe to send back)."""


# ------------------------------------------------------------------------ encoding
def _to_bytes(s):
    if isinstance(s, bytes):
        return s
    return s.encode("utf-8", "surrogateescape")


def enc(s):
    """Percent-encode every byte except A-Za-z0-9-_.~ (upper-case hex)."""
    return "".join(chr(b) if b in _UNRESERVED else "%%%02X" % b for b in _to_bytes(s))


def _dec(s):
    return urllib.parse.unquote_to_bytes(s)


def canonical_uri(raw_path):
    """Split the raw (still encoded) path on "/", decode and re-encode each segment, end with "/"."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    uri = "/".join(enc(_dec(seg)) for seg in path.split("/"))
    if not uri.endswith("/"):
        uri += "/"
    return uri


def canonical_query(raw_query):
    """Keys sorted, values of a key sorted, enc(k)=enc(v) joined by "&" (empty -> "")."""
    params = {}
    for part in (raw_query or "").split("&"):
        if part == "":
            continue
        k, _, v = part.partition("=")
        params.setdefault(_dec(k), []).append(_dec(v))
    out = []
    for k in sorted(params):
        for v in sorted(params[k]):
            out.append("%s=%s" % (enc(k), enc(v)))
    return "&".join(out)


def _header_map(headers):
    """lower-case name -> list of values, from a dict, a list of pairs or an email.message.Message."""
    items = headers.items() if hasattr(headers, "items") else headers
    m = {}
    for k, v in items:
        for x in (v if isinstance(v, (list, tuple)) else [v]):
            if isinstance(x, bytes):
                x = x.decode("utf-8", "surrogateescape")
            m.setdefault(k.lower(), []).append(x)
    return m


def _trim(v):
    return v.strip(" \t")


def canonical_headers(headers, signed_header_names):
    hm = _header_map(headers)
    out = []
    for name in signed_header_names:
        vals = hm.get(name.lower(), [])
        out.append("%s:%s\n" % (name.lower(), ",".join(_trim(v) for v in vals)))
    return "".join(out)


def canonical_request(method, raw_path, raw_query, headers, signed_header_names, body):
    """The server's canonical request (str; hashed as UTF-8)."""
    if body is None:
        body = b""
    return "\n".join([
        method.upper(),
        canonical_uri(raw_path),
        canonical_query(raw_query),
        canonical_headers(headers, signed_header_names),
        ";".join(n.lower() for n in signed_header_names),
        hashlib.sha256(_to_bytes(body)).hexdigest(),
    ])


def string_to_sign(sdk_date, canonical):
    return "%s\n%s\n%s" % (ALGORITHM, sdk_date,
                           hashlib.sha256(_to_bytes(canonical)).hexdigest())


def signature(sk, sdk_date, canonical):
    return hmac.new(_to_bytes(sk), _to_bytes(string_to_sign(sdk_date, canonical)),
                    hashlib.sha256).hexdigest()


def authorization(ak, signed_header_names, sig):
    return "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, ak, ";".join(signed_header_names), sig)


def format_date(t=None):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if t is None else t))


def parse_date(s):
    """X-Sdk-Date -> POSIX seconds; ValueError if it is not YYYYMMDDTHHMMSSZ."""
    m = DATE_RE.match(s or "")
    if not m:
        raise ValueError("X-Sdk-Date %r is not YYYYMMDDTHHMMSSZ" % (s,))
    tm = time.strptime(s, "%Y%m%dT%H%M%SZ")  # also rejects month 13, Feb 30, ...
    return calendar.timegm(tm)


# ------------------------------------------------------------------------ parsing
def parse_authorization(value):
    """``SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`` -> (ak, [names], sig).

    Strict: exact spelling, order and separators; names lower-case, sorted, unique, no "_";
    host and x-sdk-date among them; the signature 64 lower-case hex digits.  Raises AuthError.
    """
    if value is None:
        raise AuthError("Authorization header missing")
    m = AUTH_RE.match(value)
    if not m:
        raise AuthError("Authorization is not 'SDK-HMAC-SHA256 Access=<AK>, "
                        "SignedHeaders=<h1;h2>, Signature=<hex>'")
    ak, sh, sig = m.groups()
    names = sh.split(";")
    for n in names:
        if "_" in n:
            raise AuthError("SignedHeaders contains %r: header names with '_' are never signed" % n)
        if not HEADER_NAME_RE.match(n):
            raise AuthError("SignedHeaders contains %r: not a lower-case header name" % n)
    if len(set(names)) != len(names):
        raise AuthError("SignedHeaders lists a header twice")
    if names != sorted(names):
        raise AuthError("SignedHeaders is not sorted")
    for need in ("host", DATE_HEADER):
        if need not in names:
            raise AuthError("SignedHeaders must include %s" % need)
    if not HEX64_RE.match(sig):
        raise AuthError("Signature is not 64 lower-case hex digits")
    return ak, names, sig


# ------------------------------------------------------------------------ verification
def verify(method, raw_path, raw_query, headers, body, credentials, now=None, max_skew_s=900):
    """Check an SDK-HMAC-SHA256 signed request.

    headers: dict / list of (name, value) / email.message.Message, as received.
    credentials: {ak: sk}.  now: POSIX seconds (default: time.time()).
    Returns (ok, error_code, error_msg, canonical); canonical is the server's canonical
    request when it got far enough to build one, else None.
    """
    hm = _header_map(headers)
    auths = hm.get("authorization", [])
    if len(auths) != 1:
        return (False, E_AUTH, APP_PREFIX + ("Authorization header missing" if not auths
                                             else "Authorization header appears %d times" % len(auths)),
                None)
    try:
        ak, names, sig = parse_authorization(auths[0])
    except AuthError as e:
        return False, E_AUTH, APP_PREFIX + str(e), None
    if ak not in credentials:
        return False, E_AUTH, APP_PREFIX + "incorrect AK (access key not found)", None
    for n in names:
        vals = hm.get(n, [])
        if not vals:
            return False, E_AUTH, APP_PREFIX + "signed header %s is not in the request" % n, None
        if len(vals) > 1:
            return False, E_AUTH, APP_PREFIX + "signed header %s appears %d times" % (n, len(vals)), None
    sdk_date = _trim(hm[DATE_HEADER][0])
    try:
        t = parse_date(sdk_date)
    except ValueError as e:
        return False, E_AUTH, APP_PREFIX + str(e), None
    if now is None:
        now = time.time()
    skew = t - now
    if abs(skew) > max_skew_s:
        return (False, E_AUTH,
                APP_PREFIX + "signature expired: X-Sdk-Date %s is %+.0f s from the server clock "
                "(more than %d s)" % (sdk_date, skew, max_skew_s), None)
    canonical = canonical_request(method, raw_path, raw_query, hm, names, body)
    want = signature(credentials[ak], sdk_date, canonical)
    if not hmac.compare_digest(want, sig):
        return (False, E_AUTH,
                APP_PREFIX + "verify aksk signature fail, canonicalRequest: " + canonical.replace("\n", "|"),
                canonical)
    return True, None, None, canonical


# ------------------------------------------------------------------------ client side (tests)
def sign(method, url_or_path, headers, body, ak, sk, sdk_date=None, extra_signed=()):
    """Sign a request as a client would (for tests).  Returns the headers to send (new dict).

    url_or_path: the request target as sent ("/path?query") or a full https URL; headers
    must hold Host (or it is taken from the URL).  Signs host, x-sdk-date and every other
    header without "_" in its name (plus extra_signed).
    """
    u = urllib.parse.urlsplit(url_or_path)
    out = dict(headers)
    if not any(k.lower() == "host" for k in out):
        host = u.hostname
        if u.port and not (u.scheme == "https" and u.port == 443) and not (
                u.scheme == "http" and u.port == 80):
            host = "%s:%d" % (host, u.port)
        out["Host"] = host
    out["X-Sdk-Date"] = sdk_date or format_date()
    names = sorted({k.lower() for k in out if "_" not in k} | {n.lower() for n in extra_signed})
    canonical = canonical_request(method, u.path or "/", u.query, out, names, body)
    out["Authorization"] = authorization(ak, names, signature(sk, out["X-Sdk-Date"], canonical))
    return out


# ------------------------------------------------------------------------ self test
VECTOR_URL = "https://service.endpoint.myhuaweicloud.com/resources?size=1"
VECTOR_DATE = "20200608T023900Z"
VECTOR_GET = "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
VECTOR_POST = "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
VECTOR_POST_BODY = b'{"name":"test","id":1}'


def _check(cond, what):
    if not cond:
        raise AssertionError("aksk_verify self test: " + what)


def _self_test():
    hdrs = {"Host": "service.endpoint.myhuaweicloud.com", "X-Sdk-Date": VECTOR_DATE}
    names = ["host", "x-sdk-date"]
    for method, body, want in (("GET", b"", VECTOR_GET), ("POST", VECTOR_POST_BODY, VECTOR_POST)):
        cr = canonical_request(method, "/resources", "size=1", hdrs, names, body)
        got = signature("SecretKey", VECTOR_DATE, cr)
        _check(got == want, "%s vector: got %s, want %s (canonical %r)" % (method, got, want, cr))
        signed = sign(method, VECTOR_URL, {}, body, "AccessKey", "SecretKey", sdk_date=VECTOR_DATE)
        _check(signed["Host"] == hdrs["Host"], "host from URL")
        _check(signed["Authorization"] == authorization("AccessKey", names, want),
               "sign() of the %s vector: %s" % (method, signed["Authorization"]))
        t = parse_date(VECTOR_DATE)
        ok, code, msg, _ = verify(method, "/resources", "size=1", signed, body,
                                  {"AccessKey": "SecretKey"}, now=t + 60)
        _check(ok, "verify of the %s vector: %s %s" % (method, code, msg))
        ok, code, msg, canon = verify(method, "/resources", "size=1", signed, body,
                                      {"AccessKey": "WrongKey"}, now=t)
        _check(not ok and code == E_AUTH and "verify aksk signature fail, canonicalRequest: " in msg
               and "\n" not in msg and canon.replace("\n", "|") in msg, "wrong SK: %s" % msg)
        ok, code, msg, _ = verify(method, "/resources", "size=1", signed, body,
                                  {"AccessKey": "SecretKey"}, now=t + 901)
        _check(not ok and "signature expired" in msg, "skew 901 s: %s" % msg)
        ok, code, msg, _ = verify(method, "/resources", "size=1", signed, body, {"Other": "x"}, now=t)
        _check(not ok and "incorrect AK" in msg, "unknown AK: %s" % msg)
    # the other conventions, spelled out
    _check(canonical_uri("/resources") == "/resources/", "trailing slash")
    _check(canonical_uri("/") == "/", "root")
    _check(canonical_uri("/v3/tasks/a%20b%2Fc%3Fd%23e%25f/unlock") ==
           "/v3/tasks/a%20b%2Fc%3Fd%23e%25f/unlock/", "encoded segment")
    _check(canonical_uri("/v3/tasks/ok-%c3%a9%2b/unlock") == "/v3/tasks/ok-%C3%A9%2B/unlock/",
           "upper-case hex")
    _check(canonical_uri("/a~b/A.Z_9-") == "/a~b/A.Z_9-/", "unreserved kept")
    _check(canonical_uri("/x:y@z") == "/x%3Ay%40z/", "sub-delims encoded")
    _check(canonical_query("b=2&a=3&b=1&c") == "a=3&b=1&b=2&c=", "query sorting")
    _check(canonical_query("k=a%20b&k%2F=~") == "k=a%20b&k%2F=~", "query encoding")
    _check(canonical_query("") == "", "empty query")
    for bad in ("SDK-HMAC-SHA256 Access=AK,SignedHeaders=host;x-sdk-date,Signature=" + "0" * 64,
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date;host, Signature=" + "0" * 64,
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + "0" * 64,
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x_a;x-sdk-date, Signature=" + "0" * 64,
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;x-sdk-date, Signature=" + "0" * 64,
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=" + "A" * 64,
                "sdk-hmac-sha256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 64):
        try:
            parse_authorization(bad)
        except AuthError:
            pass
        else:
            raise AssertionError("aksk_verify self test: accepted %r" % bad)
    for bad_date in ("2020-06-08T02:39:00Z", "20200608T023900", "20201308T023900Z", "20200230T023900Z"):
        try:
            parse_date(bad_date)
        except ValueError:
            pass
        else:
            raise AssertionError("aksk_verify self test: accepted date %r" % bad_date)
    return True


_self_test()  # at import: a mock that signs differently from the spec must not start

if __name__ == "__main__":
    print("aksk_verify: self test passed (GET %s..., POST %s...)" % (VECTOR_GET[:12], VECTOR_POST[:12]))
    sys.exit(0)
