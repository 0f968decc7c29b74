# SPDX-License-Identifier: Apache-2.0
"""Run nginx (tests/e2e/nginx.conf.in) as a stand-in SMS endpoint for the e2e tests.

    with NginxServer(workdir, cert, key, token) as ngx:
        ngx.url            # https://localhost:PORT
        ngx.access_lines() # parsed access log: (connection, conn_requests, method, uri, status,
                           #                     request_id, ssl_protocol, ssl_cipher)

``cert`` may hold a chain (leaf first, then intermediates: nginx sends them all).
``protocols`` is nginx's ssl_protocols (default "TLSv1.2 TLSv1.3"); ``ssl_extra`` more
directives for the server block, e.g. ["ssl_conf_command SignatureAlgorithms RSA+SHA256"].

nginx runs in the foreground (daemon off; master_process off) with all its files in
``workdir``; ``stop()`` (also on __exit__) always terminates it.
"""

import os
import shutil
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "nginx.conf.in")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CHUNK = 2000  # bytes of token per `set` directive (nginx config parameters must stay < 4 KB)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _token_sets(token):
    for ch in token:
        if not (0x21 <= ord(ch) <= 0x7E) or ch in "'\\$;{}":
            # would need escaping in nginx config / interpolation; tests never use such tokens
            raise ValueError("token character %r not supported by the nginx config" % ch)
    pieces = [token[i:i + CHUNK] for i in range(0, len(token), CHUNK)] or [""]
    lines = ["        set $expected_token '%s';" % pieces[0]]
    for p in pieces[1:]:
        lines.append("        set $expected_token '${expected_token}%s';" % p)
    return "\n".join(lines)


class NginxError(RuntimeError):
    pass


class NginxServer:
    def __init__(self, workdir, cert, key, token, start_timeout=10.0, protocols="TLSv1.2 TLSv1.3",
                 ssl_extra=()):
        self.workdir = os.path.abspath(workdir)
        self.cert = os.path.abspath(cert)
        self.key = os.path.abspath(key)
        self.token = token
        self.protocols = protocols
        self.ssl_extra = list(ssl_extra)
        self.start_timeout = start_timeout
        self.port = None
        self.proc = None
        self.conf = os.path.join(self.workdir, "nginx.conf")

    @property
    def url(self):
        return "https://localhost:%d" % self.port

    def _write_conf(self):
        with open(TEMPLATE) as f:
            text = f.read()
        user_line = "user root;" if os.geteuid() == 0 else "# (not root: no user directive)"
        for k, v in (("@USER_LINE@", user_line), ("@PREFIX@", self.workdir),
                     ("@PORT@", str(self.port)), ("@CERT@", self.cert), ("@KEY@", self.key),
                     ("@PROTOCOLS@", self.protocols),
                     ("@SSL_EXTRA@", "\n".join("        %s;" % d.rstrip(";") for d in self.ssl_extra)),
                     ("@TOKEN_SETS@", _token_sets(self.token))):
            text = text.replace(k, v)
        with open(self.conf, "w") as f:
            f.write(text)

    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        last_err = ""
        for _attempt in range(3):  # the free port may be taken between probe and bind
            self.port = _free_port()
            self._write_conf()
            err_path = os.path.join(self.workdir, "stderr.log")
            with open(err_path, "wb") as err:
                self.proc = subprocess.Popen(
                    [NGINX, "-p", self.workdir + "/", "-c", self.conf, "-e", os.path.join(self.workdir, "error.log")],
                    stdin=subprocess.DEVNULL, stdout=err, stderr=subprocess.STDOUT,
                    start_new_session=True)
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                        return self
                except OSError:
                    time.sleep(0.05)
            last_err = self._logs()
            self.stop()
            if "Address already in use" not in last_err:
                break
        raise NginxError("nginx did not start:\n" + last_err)

    def _logs(self):
        out = []
        for name in ("stderr.log", "error.log"):
            p = os.path.join(self.workdir, name)
            try:
                with open(p, errors="replace") as f:
                    out.append("%s: %s" % (name, f.read()[-3000:]))
            except OSError:
                pass
        return "\n".join(out)

    def access_lines(self):
        """Parsed access.log lines: (connection, connection_requests, method, uri, status,
        request_id, ssl_protocol, ssl_cipher), e.g. (..., "TLSv1.3", "TLS_AES_256_GCM_SHA384")."""
        res = []
        try:
            with open(os.path.join(self.workdir, "access.log")) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 8:
                        res.append((int(parts[0]), int(parts[1]), parts[2], parts[3].strip('"'),
                                    int(parts[4]), parts[5], parts[6], parts[7]))
        except OSError:
            pass
        return res

    def wait_access(self, count, contains=None, timeout=2.0):
        """access_lines() once it has >= count lines (matching ``contains`` in the URI if given).

        nginx logs a request just after sending the answer, so the client may be done first."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.access_lines()
            n = len([l for l in lines if contains is None or contains in l[3]])
            if n >= count or time.monotonic() >= deadline:
                return lines
            time.sleep(0.02)

    def stop(self):
        p = self.proc
        if p is None:
            return
        self.proc = None
        if p.poll() is None:
            try:
                p.terminate()  # SIGTERM: fast shutdown
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
