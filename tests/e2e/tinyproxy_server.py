# SPDX-License-Identifier: Apache-2.0
"""Run tinyproxy (Debian's /usr/bin/tinyproxy) as an HTTP CONNECT proxy for the e2e tests.

    with TinyProxy(workdir, basic_auth=("user", "pass"), connect_ports=[443]) as tp:
        tp.url                    # http://127.0.0.1:PORT
        tp.proxy_url("user", "pass")   # http://user:pass@127.0.0.1:PORT
        tp.connect_requests()     # targets of the CONNECT requests logged so far, e.g. "localhost:4433"
        tp.requests()             # (method, target) of every request line logged
        tp.client_connections()   # client connections accepted so far
        tp.log_text()

tinyproxy runs in the foreground (``tinyproxy -d -c CONF``) with its config, log and pid file
in ``workdir``, listening on 127.0.0.1 only and allowing only 127.0.0.1; ``stop()`` (also on
__exit__) always terminates it.  If tinyproxy is not installed, ``start()`` raises
TinyProxyError saying so (the proxy tests must fail, not skip: CI installs it).

What tinyproxy 1.11.1 answers a CONNECT with (all with ``Connection: close``, an HTML body,
and the connection closed right after):
  * allowed:                    ``HTTP/1.0 200 Connection established`` (+ Proxy-agent), then the tunnel
  * no Proxy-Authorization:     ``HTTP/1.0 407 Proxy Authentication Required`` + Proxy-Authenticate
  * wrong credentials:          ``HTTP/1.0 401 Unauthorized`` + WWW-Authenticate (tinyproxy issue
                                #532, fixed upstream after 1.11.1 by PR #549, which answers 407)
  * port not in ConnectPort:    ``HTTP/1.1 403 Access violation``
  * target refuses/unresolvable: ``HTTP/1.1 500 Unable to connect``
With no ConnectPort line every port may be CONNECTed to; BasicAuth user and password may only
hold the characters ``A-Z a-z 0-9 - . _`` (anything else is a config syntax error).
Python 3 standard library only.
"""

import base64
import os
import re
import shutil
import socket
import subprocess
import time

TINYPROXY = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"
_CRED_RE = re.compile(r"^[-A-Za-z0-9._]+$")
_REQUEST_RE = re.compile(r"Request \(file descriptor \d+\): (\S+) (\S+) HTTP/")
_CLIENT_RE = re.compile(r"Connect \(file descriptor \d+\): ")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TinyProxyError(RuntimeError):
    pass


class TinyProxy:
    def __init__(self, workdir, port=None, basic_auth=None, connect_ports=None, start_timeout=10.0,
                 log_level="Info", max_clients=16, idle_timeout_s=30):
        self.workdir = os.path.abspath(workdir)
        self.want_port = port
        self.port = port
        self.basic_auth = basic_auth
        self.connect_ports = list(connect_ports) if connect_ports is not None else None
        self.start_timeout = start_timeout
        self.log_level = log_level
        self.max_clients = max_clients
        self.idle_timeout_s = idle_timeout_s
        self.proc = None
        self.conf = os.path.join(self.workdir, "tinyproxy.conf")
        self.log_path = os.path.join(self.workdir, "tinyproxy.log")
        self.pid_path = os.path.join(self.workdir, "tinyproxy.pid")
        self.stderr_path = os.path.join(self.workdir, "stderr.log")
        if basic_auth is not None:
            for part in basic_auth:
                if not _CRED_RE.match(part):
                    raise ValueError("tinyproxy's BasicAuth only takes [-A-Za-z0-9._]: %r" % part)

    # ------------------------------------------------------------------ urls
    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def proxy_url(self, user=None, password=None):
        if user is None:
            return self.url
        return "http://%s:%s@127.0.0.1:%d" % (user, password, self.port)

    # ------------------------------------------------------------- lifecycle
    def _write_conf(self):
        lines = [
            "# written by tests/e2e/tinyproxy_server.py",
            "Port %d" % self.port,
            "Listen 127.0.0.1",
            "Timeout %d" % self.idle_timeout_s,
            'LogFile "%s"' % self.log_path,
            "LogLevel %s" % self.log_level,
            'PidFile "%s"' % self.pid_path,
            "MaxClients %d" % self.max_clients,
            "Allow 127.0.0.1",
            "DisableViaHeader Yes",
        ]
        if self.basic_auth is not None:
            lines.append("BasicAuth %s %s" % tuple(self.basic_auth))
        for p in self.connect_ports or ():
            lines.append("ConnectPort %d" % p)
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self):
        if not (os.path.isfile(TINYPROXY) and os.access(TINYPROXY, os.X_OK)):
            raise TinyProxyError("tinyproxy is not installed (looked for %s): install the Debian "
                                 "package tinyproxy (make setup does; CI installs it)" % TINYPROXY)
        os.makedirs(self.workdir, exist_ok=True)
        last_err = ""
        for _attempt in range(3):  # a free port may be taken between probe and bind
            self.port = self.want_port or _free_port()
            self._write_conf()
            for p in (self.log_path, self.pid_path):
                try:
                    os.unlink(p)
                except OSError:
                    pass
            with open(self.stderr_path, "wb") as err:
                self.proc = subprocess.Popen([TINYPROXY, "-d", "-c", self.conf],
                                             stdin=subprocess.DEVNULL, stdout=err,
                                             stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if "Starting main loop" in self.log_text():
                    try:
                        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                            return self
                    except OSError:
                        pass
                time.sleep(0.05)
            last_err = self._logs()
            self.stop()
            if "in use" not in last_err or self.want_port:
                break
        raise TinyProxyError("tinyproxy did not start:\n" + last_err)

    def stop(self):
        p = self.proc
        if p is None:
            return
        self.proc = None
        if p.poll() is None:
            try:
                p.terminate()
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -------------------------------------------------------------- looking
    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def _logs(self):
        out = []
        for name in (self.stderr_path, self.log_path):
            try:
                with open(name, errors="replace") as f:
                    out.append("%s: %s" % (os.path.basename(name), f.read()[-3000:]))
            except OSError:
                pass
        return "\n".join(out)

    def requests(self):
        """(method, target) of every request line logged so far, in order."""
        return _REQUEST_RE.findall(self.log_text())

    def connect_requests(self):
        """The targets ("host:port") of every CONNECT request logged so far, in order."""
        return [t for m, t in self.requests() if m == "CONNECT"]

    def client_connections(self):
        """How many client connections tinyproxy has logged (whatever they sent)."""
        return len(_CLIENT_RE.findall(self.log_text()))

    def wait_connects(self, count, timeout=2.0):
        """connect_requests() once it has >= count entries (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.connect_requests()
            if len(got) >= count or time.monotonic() >= deadline:
                return got
            time.sleep(0.02)

    def probe_connect(self, target, credentials=None, timeout=5.0):
        """Send one CONNECT for target ("host:port"); return (status, head_text).

        Reads until the proxy closes (refusals) or the head is complete (tunnel opened,
        then the connection is closed by us)."""
        req = "CONNECT %s HTTP/1.1\r\nHost: %s\r\n" % (target, target)
        if credentials is not None:
            req += "Proxy-Authorization: Basic %s\r\n" % base64.b64encode(
                ("%s:%s" % credentials).encode()).decode()
        req += "\r\n"
        data = b""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(req.encode())
            while b"\r\n\r\n" not in data:
                b = s.recv(4096)
                if not b:
                    break
                data += b
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        m = re.match(r"HTTP/\d\.\d (\d{3})", head)
        return (int(m.group(1)) if m else None), head
