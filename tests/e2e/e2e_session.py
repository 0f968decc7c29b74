# SPDX-License-Identifier: Apache-2.0
"""run_e2e.py's cases for --session-file: a TLS session kept between runs.

Registered into run_e2e.py's case list by register(m), m being run_e2e's
module (its case decorator, expect helpers and CaseFail). The blob format
these cases forge is documented in src/net/tls_session_blob.c.
"""

import hashlib
import os
import socket
import ssl
import struct
import threading
import time

OVERHEAD = 100  # header 68 + digest 32


def reseal(blob, saved=None, expires=None, trusted=None):
    """The blob with other saved/expires/trusted-until times and a digest
    that matches (what a forger who knows the format can do)."""
    n = struct.unpack(">I", blob[64:68])[0]
    head = bytearray(blob[:68 + n])
    if saved is not None:
        head[40:48] = struct.pack(">q", saved)
    if expires is not None:
        head[48:56] = struct.pack(">q", expires)
    if trusted is not None:
        head[56:64] = struct.pack(">q", trusted)
    return bytes(head) + hashlib.sha256(bytes(head)).digest()


class TicketServer:
    """TLS on 127.0.0.1 whose i-th connection uses contexts[i] (the last one
    after that): a context change is a server restart (new ticket keys,
    maybe a new certificate). Answers 200 with Connection: close; records
    (version, session_reused) per connection, ("failed", False) for a
    handshake that failed."""

    def __init__(self, contexts):
        self.contexts = contexts
        self.seen = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        n = 0
        while not self.stopping:
            try:
                raw, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            ctx = self.contexts[min(n, len(self.contexts) - 1)]
            n += 1
            raw.settimeout(5)
            try:
                tls = ctx.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                self.seen.append(("failed", False))
                raw.close()
                continue
            try:
                data = b""
                while b"\r\n\r\n" not in data:
                    piece = tls.recv(4096)
                    if not piece:
                        break
                    data += piece
                self.seen.append((tls.version(), tls.session_reused))
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                tls.unwrap()
            except (ssl.SSLError, OSError):
                pass
            finally:
                tls.close()

    def stop(self):
        self.stopping = True
        self.sock.close()
        self.thread.join(5)


def register(m):
    case, expect, expect_rc, expect_eq, expect_in = (m.case, m.expect, m.expect_rc, m.expect_eq,
                                                     m.expect_in)

    def session_path(c, name):
        path = os.path.join(c.tmp, name)
        if os.path.exists(path):
            os.remove(path)
        return path

    def resumed_of(c, snap):
        return [c.mock.resumed.get(q["conn"]) for q in c.valid_requests(snap)]

    def saved_blob(c, name):
        """A fresh session file from one run against the mock; its bytes."""
        path = session_path(c, name)
        expect_rc(c.unlock("--session-file", path, "ok-s0"), 0)
        expect(os.path.exists(path), "no session file was written")
        with open(path, "rb") as f:
            return path, f.read()

    @case("session-file-resumes-across-runs")
    def _(c):
        path = session_path(c, "s-resume.bin")
        s = c.snap()
        r1 = c.unlock("-v", "--session-file", path, "ok-1")
        expect_rc(r1, 0)
        expect_in(b"session: no ", r1.err, "stderr of the first run (-v)")
        expect(os.path.exists(path), "no session file after the first run")
        expect_eq(os.stat(path).st_mode & 0o777, 0o600, "the session file's mode")
        with open(path, "rb") as f:
            trusted1 = struct.unpack(">q", f.read()[56:64])[0]
        time.sleep(1.1)
        r2 = c.unlock("-v", "--session-file", path, "ok-2", "close-3")
        expect_rc(r2, 0)
        expect_in(b"saved session taken", r2.err, "stderr of the second run (-v)")
        expect_eq(resumed_of(c, s), [False, True, True],
                  "TLS session reused (first run, second run, its reconnect)")
        # the resumed run saved its new ticket, carrying the first run's
        # trust decision (not a day from now)
        with open(path, "rb") as f:
            trusted2 = struct.unpack(">q", f.read()[56:64])[0]
        expect_eq(trusted2, trusted1, "trusted-until after a resumed run")
        leftovers = [n for n in os.listdir(c.tmp) if n.startswith("s-resume.bin.")]
        expect(not leftovers, "temporary files left: %s" % leftovers)

    @case("session-file-damaged-means-full-handshake")
    def _(c):
        path, blob = saved_blob(c, "s-damaged.bin")
        flipped = bytearray(blob)
        flipped[len(blob) // 2] ^= 0x01
        forged_length = blob[:64] + struct.pack(">I", len(blob)) + blob[68:]
        variants = [
            ("truncated", blob[:len(blob) // 2], b"not a session blob" if len(blob) // 2 < OVERHEAD
             else b"damaged"),
            ("one byte short", blob[:-1], b"damaged"),
            ("a flipped bit", bytes(flipped), b"damaged"),
            ("a longer length", forged_length, b"damaged"),
            ("empty", b"", b"not a session blob"),
            ("other bytes", os.urandom(len(blob)), b"not a session blob"),
            ("a token file", b"some-token\n", b"not a session blob"),
        ]
        for what, data, why in variants:
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, 0o600)
            s = c.snap()
            r = c.unlock("-v", "--session-file", path, "ok-d")
            expect_rc(r, 0)
            expect_in(b"saved session ignored: " + why, r.err, "stderr (-v), " + what)
            expect_eq(resumed_of(c, s), [False], "resumed with a session file " + what)
            with open(path, "rb") as f:
                expect(f.read()[:4] == b"HCS1", "the file was not replaced by a good session "
                       "after a run with one " + what)

    @case("session-file-foreign-or-expired-is-ignored")
    def _(c):
        path, blob = saved_blob(c, "s-foreign.bin")
        both = os.path.join(c.tmp, "two-cas.pem")
        with open(both, "wb") as f:
            for name in ("ca.pem", "other-ca.pem"):
                with open(os.path.join(c.pki, name), "rb") as g:
                    f.write(g.read())
        saved = struct.unpack(">q", blob[40:48])[0]
        cases = [
            ("another CA set", blob, ["--cacert", both], b"made for another endpoint or CA set"),
            ("expired", reseal(blob, expires=saved - 1), [], b"expired"),
            ("past its trust", reseal(blob, trusted=saved - 1), [], b"expired"),
            ("saved in the future", reseal(blob, saved=saved + 3600), [], b"saved in the future"),
        ]
        for what, data, extra, why in cases:
            with open(path, "wb") as f:
                f.write(data)
            s = c.snap()
            argv = ["-v", "--session-file", path] + extra + ["ok-f"]
            if "--cacert" in extra:
                r = c.unlock(*argv, cacert=None)
            else:
                r = c.unlock(*argv)
            expect_rc(r, 0)
            expect_in(b"saved session ignored: " + why, r.err, "stderr (-v), " + what)
            expect_eq(resumed_of(c, s), [False], "resumed with a session " + what)
        # what the library wrote: trust for a day after the full handshake
        # (HCSMS_TLS_SESSION_MAX_AGE_S; the certificate is valid for two),
        # the expiry within that (the ticket's lifetime)
        expires, trusted = struct.unpack(">qq", blob[48:64])
        expect(abs(trusted - (saved + 86400)) <= 2, "trusted until %d for a session saved at %d"
               % (trusted, saved))
        expect(saved < expires <= trusted, "expiry %d for a session saved at %d"
               % (expires, saved))

    def server_context(c, cert, key):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(c.pki, cert), os.path.join(c.pki, key))
        return ctx

    @case("session-file-refused-ticket-or-new-certificate")
    def _(c):
        # A server restarted between runs (new ticket keys) refuses the saved
        # ticket: a full handshake, the certificate checked again. With a
        # certificate the CA set does not sign, the run fails, session or not.
        for cert, key, want_rc in (("server.pem", "server.key", 0),
                                   ("expired.pem", "expired.key", 3)):
            path = session_path(c, "s-restart.bin")
            srv = TicketServer([server_context(c, "server.pem", "server.key"),
                                server_context(c, cert, key)])
            try:
                url = "https://localhost:%d" % srv.port
                expect_rc(c.unlock("--session-file", path, "ok-a", endpoint=url), 0)
                expect(os.path.exists(path), "no session file after the first run")
                r = c.unlock("-v", "--session-file", path, "ok-b", endpoint=url)
            finally:
                srv.stop()
            expect_rc(r, want_rc)
            expect_in(b"saved session taken", r.err, "stderr (-v)")
            expect(all(not reused for _, reused in srv.seen),
                   "a restarted server resumed: %s" % srv.seen)
            if want_rc == 0:
                expect(os.path.exists(path), "no session saved after the full handshake")
            else:
                expect_in(b"certificate", r.err.lower(), "stderr of the failed run")
