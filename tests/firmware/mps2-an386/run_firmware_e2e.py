#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of the mps2-an386 firmware image (QEMU, Cortex-M4).

Each ELF given is run by qemu-system-arm on the mps2-an386 board with its LAN9118
attached to a tap device, against the project's test servers, and checked as the
CLI's e2e tests check ``hcsms unlock``: exit status, console output, what the
servers saw, time on the host's clock.

Nothing leaves the machine: the script re-runs itself inside a user + network
namespace of its own (``unshare --user --map-root-user --net``), where tap0 has
192.0.2.1/24 (TEST-NET-1) and the board is 192.0.2.2. No QEMU user networking.

Usage:  run_firmware_e2e.py [-k SUBSTRING] [--repeat N] [--stats-file FILE [--measure-only]] ELF [ELF...]
Needs:  qemu-system-arm, openssl, unshare with user namespaces, /dev/net/tun.
        Where the machine lacks one, every case is reported as skipped (and counts
        as a failure under HCSMS_REQUIRE_ALL=1, as in CI).
Prints ``PASS name (1.2s)`` / ``FAIL name: reason`` / ``SKIP name: reason`` and ends with
``firmware-e2e: N passed, N failed`` (``, N skipped``). Python 3 standard library only.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(REPO, "tests", "servers"))

SERVER_IP = "192.0.2.1"
BOARD_IP = "192.0.2.2"
PORT_OK = 8443           # mock SMS, certificate for IP 192.0.2.1
PORT_WRONG_HOST = 8444   # mock SMS, certificate for another name
PORT_SILENT = 8445       # accepts TCP, never answers
DNS_NAME = "sms.example.com"  # the wrong-host certificate's name; the DNS server's one answer
TOKEN = "MIIFirmwareE2EToken-" + "x" * 40
LONG_TOKEN = "MIIL" + "a" * (16384 - 4)
AK = "FWE2EACCESSKEY0000001"
SK = "fwE2ESecretKey0000000000000000000000000001"
FORBIDDEN_MSG = "You do not have permission to perform action sms:server:unlock on resource."
QEMU_BOUND_S = 60        # no single run may take longer than this


def log(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------- set-up
def missing_prerequisite():
    if shutil.which("qemu-system-arm") is None:
        return "qemu-system-arm is not installed (make setup installs it)"
    if shutil.which("openssl") is None:
        return "openssl is not installed"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun is missing (no tap devices on this machine)"
    try:
        probe = subprocess.run(["unshare", "--user", "--map-root-user", "--net", "true"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "unshare failed: %s" % exc
    if probe.returncode != 0:
        return "user + network namespaces are refused here: %s" % probe.stderr.decode().strip()
    return None


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60, **kw)


def make_network():
    run(["ip", "link", "set", "lo", "up"])
    run(["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"])
    run(["ip", "addr", "add", SERVER_IP + "/24", "dev", "tap0"])
    run(["ip", "link", "set", "tap0", "up"])


def make_pki(out):
    """A P-256 CA, a server certificate for IP 192.0.2.1, one for another name,
    and an unrelated CA."""
    def key(name):
        run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", os.path.join(out, name + ".key")])

    def ca(name):
        key(name)
        run(["openssl", "req", "-x509", "-new", "-key", os.path.join(out, name + ".key"),
             "-subj", "/CN=hcsms firmware e2e " + name, "-days", "2",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-out", os.path.join(out, name + ".pem")])

    def leaf(name, san):
        key(name)
        ext = os.path.join(out, name + ".ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=%s\n" % san)
        csr = os.path.join(out, name + ".csr")
        run(["openssl", "req", "-new", "-key", os.path.join(out, name + ".key"),
             "-subj", "/CN=" + name, "-out", csr])
        run(["openssl", "x509", "-req", "-in", csr, "-CA", os.path.join(out, "ca.pem"),
             "-CAkey", os.path.join(out, "ca.key"), "-CAcreateserial", "-days", "2",
             "-extfile", ext, "-out", os.path.join(out, name + ".pem")])

    ca("ca")
    ca("other-ca")
    leaf("server", "IP:" + SERVER_IP)
    leaf("wrong-host", "DNS:sms.example.com,IP:192.0.2.99")


class DnsServer:
    """A DNS server on UDP port 53 that answers A queries for one name
    (AAAA with no record) and swallows every other query, as a server that
    never answers does."""

    def __init__(self, host, name, address):
        self.name = name
        self.address = socket.inet_aton(address)
        self.queries = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 53))
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _answer(self, query):
        at, labels = 12, []
        while at < len(query) and query[at] != 0:
            labels.append(query[at + 1:at + 1 + query[at]].decode("ascii", "replace"))
            at += 1 + query[at]
        question_end = at + 5
        if ".".join(labels).lower() != self.name or question_end > len(query):
            return None
        head = query[:2] + b"\x81\x80" + query[4:6]
        question = query[12:question_end]
        if query[at + 1:at + 3] == b"\x00\x01":
            return (head + b"\x00\x01\x00\x00\x00\x00" + question +
                    b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + self.address)
        return head + b"\x00\x00\x00\x00\x00\x00" + question

    def _loop(self):
        while not self.stopping:
            try:
                query, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            except OSError:
                return
            self.queries += 1
            reply = self._answer(query)
            if reply is not None:
                self.sock.sendto(reply, peer)

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


class SilentServer:
    """Accepts TCP connections and never sends a byte."""

    def __init__(self, host, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.accepted = []
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
                self.accepted.append(conn)
            except socket.timeout:
                continue
            except OSError:
                return

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        for conn in self.accepted:
            conn.close()
        self.sock.close()


# ----------------------------------------------------------------- the board
class Board:
    def __init__(self, elf, files):
        self.elf = elf
        self.files = files

    def run(self, args, bound_s=QEMU_BOUND_S, icount=False):
        """Run the image with this command line; (status, console, seconds)."""
        cmd = ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none",
               "-serial", "null", "-semihosting-config", "enable=on,target=native",
               "-kernel", self.elf,
               "-nic", "tap,ifname=tap0,script=no,downscript=no,model=lan9118",
               "-append", " ".join(args)]
        if icount:
            cmd[1:1] = ["-icount", "shift=0"]
        started = time.monotonic()
        try:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=bound_s, cwd=self.files)
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or b"").decode("utf-8", "replace")
            return None, out, time.monotonic() - started
        return done.returncode, done.stdout.decode("utf-8", "replace"), time.monotonic() - started


# ----------------------------------------------------------------- the cases
class Failure(Exception):
    pass


def expect(condition, text):
    if not condition:
        raise Failure(text)


def unlock_args(port=PORT_OK, cacert="ca.pem", token_file="token", extra=(), tasks=("ok-1",),
                host=SERVER_IP):
    args = ["unlock", "--endpoint", "https://%s:%d" % (host, port), "--cacert", cacert]
    if token_file is not None:
        args += ["--token-file", token_file]
    return args + list(extra) + list(tasks)


def no_secret(console):
    for secret in (TOKEN, LONG_TOKEN[:64], SK):
        expect(secret not in console, "a secret appears in the console output")


def cases(board, label, mock, wrong_server, silent, dns):
    """(name, function) pairs; each function raises Failure. Task ids whose
    answer the mock remembers carry the board's label."""

    def ok_one():
        before = len(mock.requests)
        status, out, _ = board.run(unlock_args(extra=("-v",)))
        expect(status == 0, "exit %s, want 0; console:\n%s" % (status, out))
        expect("unlocked ok-1\n" in out, "no 'unlocked ok-1' line:\n" + out)
        # -v's trace as the CLI prints it (newlib-nano's printf has no %llu)
        expect("Content-Length body, 2 bytes, keep-alive" in out, "no response trace:\n" + out)
        new = mock.requests[before:]
        expect(len(new) == 1 and new[0].get("task_id") == "ok-1" and new[0].get("auth") == "token",
               "the server did not see one token-authenticated unlock of ok-1: %r" % (new,))
        no_secret(out)

    def keepalive():
        before = mock.connections
        status, out, _ = board.run(unlock_args(tasks=("ok-a", "ok-b", "ok-c")))
        expect(status == 0, "exit %s, want 0:\n%s" % (status, out))
        for t in ("ok-a", "ok-b", "ok-c"):
            expect("unlocked %s\n" % t in out, "no 'unlocked %s':\n%s" % (t, out))
        expect("3 unlocked, 0 failed" in out, "no summary line:\n" + out)
        expect(mock.connections - before == 1,
               "%d connections for 3 tasks, want 1 (kept alive)" % (mock.connections - before))

    def forbidden():
        status, out, _ = board.run(unlock_args(tasks=("forbidden-1",)))
        expect(status == 1, "exit %s, want 1:\n%s" % (status, out))
        expect("hcsms: forbidden-1: HTTP 403 SMS.9004: " + FORBIDDEN_MSG in out,
               "no 403 line with code and message:\n" + out)
        expect("(request id " in out and "(request id none)" not in out,
               "no request id:\n" + out)

    def notfound():
        status, out, _ = board.run(unlock_args(tasks=("notfound-1",)))
        expect(status == 1, "exit %s, want 1:\n%s" % (status, out))
        expect("hcsms: notfound-1: HTTP 404 APIGW.0101" in out, "no 404 line:\n" + out)

    def wrong_ca():
        before = len(mock.requests)
        status, out, _ = board.run(unlock_args(cacert="other-ca.pem"))
        expect(status == 3, "exit %s, want 3:\n%s" % (status, out))
        expect("hcsms: ok-1:" in out and "TLS" in out, "no TLS failure line:\n" + out)
        expect(len(mock.requests) == before, "a request reached the server")

    def wrong_host():
        before = len(wrong_server.requests)  # name-resolved-by-dns sends it requests
        status, out, _ = board.run(unlock_args(port=PORT_WRONG_HOST))
        expect(status == 3, "exit %s, want 3:\n%s" % (status, out))
        expect(len(wrong_server.requests) == before, "a request reached the server")
        expect("hcsms: ok-1:" in out, "no failure line:\n" + out)

    def silent_server():
        status, out, took = board.run(unlock_args(port=PORT_SILENT, extra=("--timeout", "3000")))
        expect(status == 3, "exit %s, want 3:\n%s" % (status, out))
        expect("timed out" in out.lower() or "timeout" in out.lower(), "no timeout:\n" + out)
        expect(3.0 <= took <= 3.0 + 4.0, "took %.1f s for a 3 s deadline" % took)

    def dripping_server():
        status, out, took = board.run(unlock_args(extra=("--timeout", "3000"), tasks=("drip-1",)))
        expect(status == 3, "exit %s, want 3:\n%s" % (status, out))
        expect(3.0 <= took <= 3.0 + 4.0, "took %.1f s for a 3 s deadline" % took)

    def server_closes_between_tasks():
        before = mock.connections
        status, out, _ = board.run(unlock_args(tasks=("dropafter-1", "ok-2")))
        expect(status == 0, "exit %s, want 0:\n%s" % (status, out))
        expect("unlocked dropafter-1\n" in out and "unlocked ok-2\n" in out, out)
        expect(mock.connections - before == 2,
               "%d connections, want 2 (a new one after the close)" % (mock.connections - before))
        second = mock.connections
        expect(mock.resumed.get(second) is True, "the second connection did not resume the session")

    def aksk():
        before = len(mock.requests)
        status, out, _ = board.run(unlock_args(token_file=None, extra=(
            "--auth", "aksk", "--ak-file", "ak", "--sk-file", "sk"), tasks=("ok-aksk",)))
        expect(status == 0, "exit %s, want 0:\n%s" % (status, out))
        new = mock.requests[before:]
        expect(len(new) == 1, "%d requests, want 1" % len(new))
        expect(new[0].get("auth") == "aksk" and new[0].get("aksk_ok") is True,
               "the signature did not verify: %r" % (new[0].get("auth_error"),))
        no_secret(out)

    def long_token():
        before = len(mock.requests)
        status, out, _ = board.run(unlock_args(token_file="long-token", tasks=("ok-long",)))
        expect(status == 0, "exit %s, want 0:\n%s" % (status, out))
        expect(len(mock.requests) - before == 1, "no request recorded")
        no_secret(out)

    def throttled_retried():
        before = len(mock.requests)
        status, out, _ = board.run(unlock_args(extra=("--retries", "2"), tasks=("throttleonce-" + label,)))
        expect(status == 0, "exit %s, want 0:\n%s" % (status, out))
        expect(len(mock.requests) - before == 2,
               "%d requests, want 2 (429, then 200)" % (len(mock.requests) - before))

    def usage():
        status, out, _ = board.run(["unlock", "--endpoint", "https://%s:%d" % (SERVER_IP, PORT_OK)])
        expect(status == 2, "exit %s, want 2:\n%s" % (status, out))

    def name_without_dns_server():
        # The board has no DNS server: the port's lookup (a request slot,
        # lwIP's DNS under the core lock) fails at once with lwIP's
        # EAI_FAIL (202), a transport error.
        status, out, _ = board.run(unlock_args(host="sms.example.invalid"))
        expect(status == 3, "exit %s, want 3:\n%s" % (status, out))
        expect("system error 202" in out, "no EAI_FAIL (202):\n" + out)

    def name_resolved():
        # The name of the wrong-host server's certificate, looked up in
        # the DNS server on the host: the lookup, then TLS with that name.
        before, asked = len(wrong_server.requests), dns.queries
        status, out, _ = board.run(unlock_args(port=PORT_WRONG_HOST, host=DNS_NAME,
                                               extra=("--dns", SERVER_IP)))
        expect(status == 0, "exit %s, want 0:\n%s" % (status, out))
        expect(dns.queries > asked, "the DNS server was not asked")
        expect(len(wrong_server.requests) - before == 1, "no request reached the server")

    def silent_dns_deadline():
        # A DNS server that never answers: lwIP's own retries would take
        # about 7 s; the lookup ends with the call's 2 s deadline.
        status, out, took = board.run(unlock_args(host="silent.example.com",
                                                  extra=("--dns", SERVER_IP, "--timeout", "2000")))
        expect(status == 3, "exit %s, want 3:\n%s" % (status, out))
        expect("timed out" in out.lower() or "timeout" in out.lower(), "no timeout:\n" + out)
        expect(2.0 <= took <= 2.0 + 4.0, "took %.1f s for a 2 s deadline" % took)

    return [("one-task", ok_one), ("keepalive-three-tasks", keepalive), ("403-fields", forbidden),
            ("404", notfound), ("wrong-ca", wrong_ca), ("wrong-host", wrong_host),
            ("silent-server-deadline", silent_server), ("dripping-server-deadline", dripping_server),
            ("server-closes-between-tasks-resumed", server_closes_between_tasks),
            ("aksk-signed-with-host-utc", aksk), ("token-16384-bytes", long_token),
            ("429-retry-after-retried", throttled_retried), ("usage-error", usage),
            ("name-without-dns-server", name_without_dns_server),
            ("name-resolved-by-dns", name_resolved), ("silent-dns-deadline", silent_dns_deadline)]


def measure(board, stats_file, label, mock):
    """Two runs under -icount shift=0 (1 instruction = 1 ns of the board's
    clock), each recording what the board prints with --stats: three tasks over
    one kept-alive connection ([label]), then close-m1 close-m2 ok-m3 ([label
    resumed]): the mock closes after each close-... answer, so task 2 is a new
    connection with a resumed TLS session (checked with the mock)."""
    ok = True
    for suffix, tasks in (("", ("ok-m1", "ok-m2", "ok-m3")),
                          (" resumed", ("close-m1", "close-m2", "ok-m3"))):
        before = mock.connections
        status, out, _ = board.run(unlock_args(extra=("--stats",), tasks=tasks),
                                   icount=True, bound_s=120)
        lines = [l for l in out.splitlines() if l.startswith("board: ")]
        with open(stats_file, "a") as f:
            f.write("[%s%s] exit %s\n" % (label, suffix, status))
            for line in lines:
                f.write(line + "\n")
        ok = ok and status == 0 and len(lines) >= 5
        if suffix:
            second = before + 2
            ok = ok and mock.connections - before == 3 and mock.resumed.get(second) is True
    return ok


def inside(args):
    from mock_sms import MockSMS  # noqa: E402 (the repository's test server)

    make_network()
    work = tempfile.mkdtemp(prefix="hcsms-fw-e2e-")
    passed = failed = 0
    servers = []
    try:
        make_pki(work)
        for name, text in (("token", TOKEN), ("long-token", LONG_TOKEN), ("ak", AK), ("sk", SK)):
            with open(os.path.join(work, name), "w") as f:
                f.write(text + "\n")
        mock = MockSMS(os.path.join(work, "server.pem"), os.path.join(work, "server.key"), TOKEN,
                       host=SERVER_IP, port=PORT_OK, credentials={AK: SK}).start()
        mock.issued_tokens.add(LONG_TOKEN)
        servers.append(mock)
        wrong = MockSMS(os.path.join(work, "wrong-host.pem"), os.path.join(work, "wrong-host.key"),
                        TOKEN, host=SERVER_IP, port=PORT_WRONG_HOST).start()
        servers.append(wrong)
        silent = SilentServer(SERVER_IP, PORT_SILENT)
        dns = DnsServer(SERVER_IP, DNS_NAME, SERVER_IP)
        servers.append(dns)
        for elf in args.elf:
            label = os.path.basename(os.path.dirname(os.path.abspath(elf)))
            board = Board(os.path.abspath(elf), work)
            for name, fn in ([] if args.measure_only else
                             cases(board, label, mock, wrong, silent, dns) * args.repeat):
                full = "%s/%s" % (label, name)
                if args.k and not any(k in full for k in args.k):
                    continue
                started = time.monotonic()
                try:
                    fn()
                    passed += 1
                    log("PASS %s (%.1fs)" % (full, time.monotonic() - started))
                except Failure as exc:
                    failed += 1
                    log("FAIL %s: %s" % (full, exc))
            if args.stats_file and not args.k:
                if measure(board, args.stats_file, label, mock):
                    passed += 1
                    log("PASS %s/measured-run" % label)
                else:
                    failed += 1
                    log("FAIL %s/measured-run: see %s" % (label, args.stats_file))
        silent.stop()
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    log("firmware-e2e: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", action="append", default=[])
    ap.add_argument("--stats-file")
    ap.add_argument("--measure-only", action="store_true",
                    help="only the measured run of each image (needs --stats-file)")
    ap.add_argument("--repeat", type=int, default=1, help="run each case this many times")
    ap.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("elf", nargs="+")
    args = ap.parse_args()
    if args.in_namespace:
        return inside(args)
    for elf in args.elf:
        if not os.path.isfile(elf):
            log("firmware-e2e: %s not found (make firmware builds it)" % elf)
            return 2
    why = missing_prerequisite()
    if why is not None:
        log("SKIP firmware-e2e (all cases): %s" % why)
        log("firmware-e2e: 0 passed, 0 failed, 1 skipped")
        return 1 if os.environ.get("HCSMS_REQUIRE_ALL") == "1" else 0
    cmd = ["unshare", "--user", "--map-root-user", "--net", sys.executable, os.path.abspath(__file__),
           "--in-namespace"] + sys.argv[1:]
    return subprocess.run(cmd, timeout=1800).returncode


if __name__ == "__main__":
    sys.exit(main())
