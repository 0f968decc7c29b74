#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: the hcsms command against tests/bench/curl_unlock.c (libcurl).

Both make the same unlock call (POST /v3/tasks/{id}/unlock, the same headers,
CA file and endpoint) against nginx on 127.0.0.1 (tests/e2e/nginx_server.py,
test PKI from tests/e2e/make_pki.sh), each over one kept-alive connection for
all task ids of a run. Measured for both, in the same run:

  instructions      valgrind --tool=callgrind, total Ir; cold = N=1 (process
                    start to exit), per additional task = (Ir(N=101) - Ir(N=1)) / 100
  heap              memcheck "total heap usage" (allocation count), massif
                    (peak of requested bytes), DHAT (who called the allocator)
  RSS               GNU time's %M (the child's ru_maxrss)
  wall time         the elapsed time of the child, runs of the two interleaved
  system calls      strace -ff -yy: all calls, writes on TCP sockets, bytes sent
  size              stripped binaries; for curl plus every .so that ldd resolves

Instructions are also counted for three certificate chains by TLS version
(tests/bench/matrix.py, chains from tests/bench/make_chains.sh), cold with a
full handshake, cold with a saved session (--session-file) and per additional
task, against issue 15's goals; the slow tools run on the default
configuration only. --chains, --tls and --no-default select rows.

It measures and reports; it fails only when a run fails (an answer that is not
2xx, a second connection where one was expected) or a tool is missing. The
table goes to stdout and to DIR/results.md (with the profiles), and to --doc
(make bench: docs/benchmark.md) when every row ran; the raw tool outputs stay
in DIR.
Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
from nginx_server import NginxServer  # noqa: E402
sys.path.insert(0, HERE)
import matrix  # noqa: E402

ALLOC_WRAPPERS = {"CRYPTO_malloc", "CRYPTO_zalloc", "CRYPTO_realloc", "CRYPTO_clear_realloc",
                  "CRYPTO_strdup", "CRYPTO_strndup", "CRYPTO_memdup"}
SOCKET_WRITES = {"write", "writev", "sendto", "sendmsg", "send", "pwrite64"}
RUN_LIMIT = 300  # seconds for any one run, valgrind included: the bench never hangs


class BenchError(RuntimeError):
    pass


def task_ids(n):
    """UUID-shaped ids, the shape of real SMS task ids."""
    return ["%08x-b3c4-4a5b-8c6d-7e8f90a1b2c3" % i for i in range(1, n + 1)]


def bench_token(length):
    """A token of the given length (visible ASCII the nginx config can hold)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(alphabet[(i * 7 + 3) % len(alphabet)] for i in range(length))


def nm_functions(paths):
    """Names of the functions defined in these objects or archives."""
    out = subprocess.run(["nm", "--defined-only"] + paths, capture_output=True, text=True).stdout
    return {parts[2] for parts in (l.split() for l in out.splitlines())
            if len(parts) == 3 and parts[1] in "tTwW"}


def find_library(name):
    """The static library the compiler would link (for its symbol names)."""
    out = subprocess.run(["gcc", "-print-file-name=" + name], capture_output=True, text=True)
    path = out.stdout.strip()
    return path if os.path.isabs(path) and os.path.exists(path) else None


class Program:
    """One client: its command line (without task ids) and how to name its code."""

    def __init__(self, name, argv, options_at, call, own_sources, own_functions,
                 library_functions=None, library_name=None):
        self.name = name
        self.argv = argv
        self.options_at = options_at  # where -v goes in argv
        self.call = call  # the function called once per task
        self.own_sources = own_sources  # its source folders, relative to the repository
        self.own = own_functions
        self.library = library_functions or set()
        self.library_name = library_name

    def module_of(self, function, obj, source=None):
        """Its own code by source path or symbol (inlined functions have no
        symbol), mbedTLS (linked in) by symbol, a shared object by its name,
        else libc (the only other code with debug info here)."""
        if source:
            # callgrind gives absolute paths, DHAT ours relative to REPO and
            # glibc's as built (e.g. "nss/../include/x.h": never normalise).
            path = os.path.relpath(source, REPO) if os.path.isabs(source) else source
            if path.startswith(self.own_sources) and ".." not in path.split("/"):
                return self.name
        if function in self.own:
            return self.name
        if function in self.library:
            return self.library_name
        if obj:
            base = os.path.basename(obj)
            if base.startswith("ld-linux"):
                return "ld.so"
            return re.sub(r"\.so(\.\d+)*$", "", base)
        return "libc"


class Bench:
    def __init__(self, args, server, token):
        self.args = args
        self.server = server
        self.env = dict(os.environ, HCSMS_AUTH_TOKEN=token)
        self.seen = 0  # access log lines already checked

    # ------------------------------------------------------------------ running
    def run(self, program, n, wrapper=(), tag="", verbose=False):
        """Run program over task ids 1..n; check it and what nginx saw.
        Returns (seconds, stderr text)."""
        argv = program.argv
        if verbose:
            argv = argv[:program.options_at] + ["-v"] + argv[program.options_at:]
        argv = list(wrapper) + argv + task_ids(n)
        err_path = os.path.join(self.args.dir, "stderr.txt")
        with open(err_path, "w+b") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, env=self.env)
            watchdog = threading.Timer(RUN_LIMIT, proc.kill)
            watchdog.start()
            _, status = os.waitpid(proc.pid, 0)
            elapsed = time.perf_counter() - start
            watchdog.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
        if elapsed >= RUN_LIMIT:
            raise BenchError("%s %s N=%d: killed after %d s" % (program.name, tag, n, RUN_LIMIT))
        if proc.returncode != 0:
            raise BenchError("%s %s N=%d exited %d:\n%s" % (program.name, tag, n, proc.returncode,
                                                             text[-2000:]))
        self.check_served(program, n, tag)
        return elapsed, text

    def check_served(self, program, n, tag):
        """Every task answered 200, all over one connection."""
        lines = self.server.wait_access(self.seen + n, timeout=5.0)[self.seen:]
        self.seen += len(lines)
        if len(lines) != n or any(l[4] != 200 for l in lines):
            raise BenchError("%s %s: nginx answered %r" % (program.name, tag,
                                                           [l[4] for l in lines][:10]))
        if len({l[0] for l in lines}) != 1:
            raise BenchError("%s %s N=%d used %d connections" % (program.name, tag, n,
                                                                 len({l[0] for l in lines})))

    def out(self, program, what, n):
        return os.path.join(self.args.dir, "%s.%s.N%d" % (program.name, what, n))

    # ------------------------------------------------------------ instructions
    def callgrind(self, program, n, run):
        path = "%s.%d" % (self.out(program, "callgrind", n), run)
        self.run(program, n, ["valgrind", "-q", "--tool=callgrind", "--callgrind-out-file=" + path],
                 "callgrind")
        with open(path) as f:
            for line in f:
                if line.startswith("totals:") or line.startswith("summary:"):
                    return int(line.split()[1]), path
        raise BenchError("no totals in " + path)

    def callgrind_per_task(self, program, n):
        """A callgrind dump after each task's call: dump k (k >= 2) is one
        task in steady state (its call, and the previous task's output), free
        of the handshake-to-handshake variation the N=1/N=101 difference
        carries. Returns the median dump's Ir and its profile file."""
        base = self.out(program, "pertask", n)
        for old in os.listdir(self.args.dir):
            if old.startswith(os.path.basename(base)):
                os.remove(os.path.join(self.args.dir, old))
        self.run(program, n, ["valgrind", "-q", "--tool=callgrind", "--dump-after=" + program.call,
                              "--callgrind-out-file=" + base], "callgrind per task")
        dumps = []
        for k in range(2, n + 1):
            with open("%s.%d" % (base, k)) as f:
                total = next(int(l.split()[1]) for l in f if l.startswith("totals:"))
            dumps.append((total, "%s.%d" % (base, k)))
        dumps.sort()
        median = dumps[len(dumps) // 2]
        for _, path in dumps:  # keep the one the profile tables read
            if path != median[1]:
                os.remove(path)
        return median

    # ------------------------------------------------------------------- heap
    def memcheck_allocs(self, program, n):
        log = self.out(program, "memcheck", n)
        self.run(program, n, ["valgrind", "--tool=memcheck", "--log-file=" + log], "memcheck")
        with open(log) as f:
            m = re.search(r"total heap usage: ([\d,]+) allocs, ([\d,]+) frees, ([\d,]+) bytes", f.read())
        if m is None:
            raise BenchError("no heap summary in " + log)
        return int(m.group(1).replace(",", "")), int(m.group(3).replace(",", ""))

    def massif_peak(self, program, n):
        """Requested heap bytes at the peak (no allocator overhead counted)."""
        path = self.out(program, "massif", n)
        self.run(program, n, ["valgrind", "-q", "--tool=massif", "--massif-out-file=" + path,
                              "--peak-inaccuracy=0.0", "--heap-admin=0"], "massif")
        peak, best = None, 0
        with open(path) as f:
            for block in f.read().split("snapshot=")[1:]:
                heap = int(re.search(r"mem_heap_B=(\d+)", block).group(1))
                best = max(best, heap)
                if "heap_tree=peak" in block:
                    peak = heap
        return peak if peak is not None else best

    def dhat_origins(self, program, n):
        """Allocation count per origin: the first frame above the allocator
        outside libc names the module; a libc function in between (getaddrinfo,
        fopen, stdio) is named too."""
        path = self.out(program, "dhat", n) + ".json"
        # Full source paths of our files (relative to the repository), so
        # that hcsms's main.c and strerror.c are not taken for glibc's.
        self.run(program, n, ["valgrind", "-q", "--tool=dhat", "--dhat-out-file=" + path,
                              "--num-callers=40", "--fullpath-after=" + REPO + "/"], "dhat")
        with open(path) as f:
            data = json.load(f)
        frames = []
        for text in data["ftbl"]:
            m = re.match(r"^0x[0-9A-Fa-f]+: (\S+) \((?:in (.+)|(.+):\d+)\)$", text)
            frames.append(m.groups() if m else (text, None, None))
        origins, sites = {}, {}
        for pp in data["pps"]:
            stack = [frames[i] for i in pp["fs"]][1:]  # [0] is malloc/calloc/realloc itself
            while stack and stack[0][0] in ALLOC_WRAPPERS:
                stack.pop(0)
            via, origin, site = None, "libc", "?"
            for function, obj, source in stack:
                module = program.module_of(function, obj, source)
                if module != "libc":
                    origin, site = module, function
                    break
                via = function  # the outermost libc function seen so far
            label = "libc `%s` called from %s" % (via, origin) if via and origin != "libc" else origin
            origins[label] = origins.get(label, 0) + pp["tbk"]
            sites[(label, site)] = sites.get((label, site), 0) + pp["tbk"]
        return {"origins": origins, "sites": sites}

    # -------------------------------------------------------------------- RSS
    def max_rss(self, program, n):
        """KiB, from GNU time: ru_maxrss of a child of Python would include
        Python's own RSS, which Linux keeps as the high-water mark over exec."""
        path = self.out(program, "time", n)
        self.run(program, n, ["/usr/bin/time", "-f", "%M", "-o", path], "rss")
        with open(path) as f:
            return int(f.read().split()[-1])

    # ----------------------------------------------------------- system calls
    def strace(self, program, n):
        prefix = self.out(program, "strace", n)
        for old in os.listdir(self.args.dir):
            if old.startswith(os.path.basename(prefix) + "."):
                os.remove(os.path.join(self.args.dir, old))
        self.run(program, n, ["strace", "-ff", "-qq", "-yy", "-o", prefix], "strace")
        calls = socket_writes = sent = 0
        for name in os.listdir(self.args.dir):
            if not name.startswith(os.path.basename(prefix) + "."):
                continue
            with open(os.path.join(self.args.dir, name), errors="replace") as f:
                for line in f:
                    m = re.match(r"^(\w+)\((\d+)<([^>]*)>?", line)
                    if not re.match(r"^\w+\(", line):
                        continue  # signals, exits
                    calls += 1
                    if m and m.group(1) in SOCKET_WRITES and m.group(3).startswith("TCP"):
                        socket_writes += 1
                        ret = re.search(r"= (-?\d+)", line.rsplit(")", 1)[-1])
                        if ret and int(ret.group(1)) > 0:
                            sent += int(ret.group(1))
        return {"calls": calls, "socket_writes": socket_writes, "bytes_sent": sent}


# ---------------------------------------------------------------- profiles
def read_costs(path):
    """Self Ir per function and inclusive Ir per call, read from a callgrind file:
    ({(function, object, source): Ir}, {(caller, callee): Ir}) with caller and callee
    such (function, object, source) keys. (callgrind_annotate 3.19 shows the frames
    that span a --dump-after dump, main and above, with the whole dump as their self
    cost.) The cost line after a calls= line is the call's inclusive cost, not the
    caller's own."""
    names = {"fl": {}, "fn": {}, "ob": {}}
    current = {"fl": None, "fn": None, "ob": None}
    callee = {"cfl": None, "cfn": None, "cob": None}
    kinds = {"fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl",
             "fn": "fn", "cfn": "fn", "ob": "ob", "cob": "ob"}
    costs, calls, after_calls = {}, {}, False
    with open(path) as f:
        for line in f:
            key, eq, rest = line.rstrip("\n").partition("=")
            if eq and key in kinds:  # names are compressed: "(id) name" once, then "(id)"
                m = re.match(r"\((\d+)\)(?: (.*))?$", rest)
                table = names[kinds[key]]
                if m and m.group(2) is not None:
                    table[m.group(1)] = m.group(2)
                value = table.get(m.group(1), "?") if m else rest
                if key in current:
                    current[key] = value
                elif key in ("cfi", "cfl", "cfn", "cob"):
                    callee["cfl" if key == "cfi" else key] = value
            elif eq and key == "calls":
                after_calls = True
                continue
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) >= 2:
                    k = (current["fn"], current["ob"], current["fl"])
                    if after_calls:
                        c = (callee["cfn"], callee["cob"] or current["ob"], callee["cfl"] or current["fl"])
                        calls[k, c] = calls.get((k, c), 0) + int(parts[1])
                        # each call names its callee; object and file default to the caller's
                        callee = {"cfl": None, "cfn": None, "cob": None}
                    else:
                        costs[k] = costs.get(k, 0) + int(parts[1])
            after_calls = False
    return costs, calls


def self_costs(path):
    """Self Ir per function, read from a callgrind file: {(function, object, source): Ir}."""
    return read_costs(path)[0]


PARSER_SOURCES = ("src/http/response",)  # the response parser: src/http/response*.c


def own_task_costs(program, path):
    """Of one per-task callgrind dump: (own, parser, by function). own = the self Ir of the
    program's own code (program.module_of: for hcsms its sources under src/,
    the CLI's src/cli/ included, and port/, or a symbol of its objects: inlined
    code and jsmn's functions, compiled into src/json/json.c); parser = the
    inclusive Ir of the response parser (functions whose source is
    src/http/response*.c): their self Ir plus the calls they make to functions
    outside the parser (memchr, memcpy, ...); by function: [(self Ir, function)]
    of the own code, largest first."""
    def is_parser(key):
        source = key[2] or ""
        source = os.path.relpath(source, REPO) if os.path.isabs(source) else source
        return source.startswith(PARSER_SOURCES) and source.endswith(".c")

    costs, calls = read_costs(path)
    # No object given: a linked-in library's functions lie in the program's own
    # binary, named by it (module_of's last resort); own is by source or symbol only.
    mine = sorted(((v, k[0]) for k, v in costs.items()
                   if program.module_of(k[0], None, k[2]) == program.name), reverse=True)
    parser = sum(v for k, v in costs.items() if is_parser(k))
    parser += sum(v for (caller, callee), v in calls.items() if is_parser(caller) and not is_parser(callee))
    return sum(v for v, _ in mine), parser, mine


def annotate(path, inclusive):
    """Per function Ir: self from the file, inclusive from callgrind_annotate."""
    if not inclusive:
        return self_costs(path)
    cmd = ["callgrind_annotate", "--auto=no", "--threshold=100", "--inclusive=yes", path]
    result = {}
    for line in subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines():
        m = re.match(r"^\s*([\d,]+) \([ \d.]+%\)\s+(.*):(\S+) \[(.*)\]$", line)
        if m:
            key = (m.group(3), m.group(4), m.group(2))  # function, object, source
            result[key] = result.get(key, 0) + int(m.group(1).replace(",", ""))
    return result


def mean_profile(paths, inclusive):
    profiles = [annotate(p, inclusive) for p in paths]
    keys = set().union(*profiles)
    return {k: sum(p.get(k, 0) for p in profiles) / len(profiles) for k in keys}


def profile_tables(program, cold_paths, task_path, top):
    """Markdown: where the Ir of one cold unlock (mean of the N=1 runs) and
    of one task in steady state (the median per-task dump) go."""
    out = []
    for inclusive in (False, True):
        cold = mean_profile(cold_paths, inclusive)
        per_task = annotate(task_path, inclusive)
        kind = "inclusive" if inclusive else "self"
        for title, data in (("one cold unlock (mean of %d runs)" % len(cold_paths), cold),
                            ("one additional task (median per-task dump)", per_task)):
            # Unnamed code (stripped .so) and the start-up frames above main say nothing.
            rows = sorted(((v, k) for k, v in data.items()
                           if not k[0].startswith(("0x", "main", "_start", "__libc_start", "(below"))), reverse=True)
            rows = rows[:top]
            out.append("\n%s, %s, Ir %s:\n" % (program.name, title, kind))
            out.append("| Ir | function | module |\n|---:|---|---|")
            for value, (function, obj, source) in rows:
                out.append("| %s | `%s` | %s |" % (fmt(value), function,
                                                     program.module_of(function, obj, source)))
        if not inclusive:  # per module, self Ir
            for title, data in (("one cold unlock", cold), ("one additional task", per_task)):
                modules = {}
                for (function, obj, source), value in data.items():
                    module = program.module_of(function, obj, source)
                    modules[module] = modules.get(module, 0) + value
                largest = sorted(((v, m) for m, v in modules.items()), reverse=True)[:8]
                out.append("\n%s, %s, self Ir by module (largest 8): %s" % (
                    program.name, title, ", ".join("%s %s" % (m, fmt(v)) for v, m in largest)))
    return "\n".join(out)


# ------------------------------------------------------------------ output
def fmt(value, digits=0):
    if value is None:
        return "n/a"
    if digits:
        return "{:,.{}f}".format(value, digits)
    return "{:,}".format(int(round(value)))


def ratio(a, b):
    if a is None or b in (None, 0):
        return "n/a"
    return "%.2f" % (a / b)


def file_size(path):
    return os.path.getsize(os.path.realpath(path))


def shared_libraries(binary):
    """The .so files ldd resolves for binary (the vDSO has no file)."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            libs.append(os.path.realpath(m.group(1)))
    return libs


def io_buffer_size():
    """HCSMS_IO_BUFFER_SIZE's default, from include/hcsms/config.h."""
    with open(os.path.join(REPO, "include", "hcsms", "config.h")) as f:
        m = re.search(r"#define HCSMS_IO_BUFFER_SIZE (\d+)", f.read())
    return int(m.group(1)) if m else None


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    debian = ""
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            debian = ", Debian " + f.read().strip()
    return "%d CPUs (nproc), %s, Linux %s%s" % (len(os.sched_getaffinity(0)), model, platform.release(), debian)


def tool_version(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def cpu_flags():
    """The CPU features the crypto code can use, as /proc/cpuinfo names them."""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                have = set(line.split(":", 1)[1].split())
                return ", ".join("%s %s" % (fl, "yes" if fl in have else "no")
                                 for fl in ("aes", "pclmulqdq", "sha_ni", "avx2", "vaes"))
    return "?"


def measure_default(args, bench, programs, note):
    """The slow measures (memcheck, massif, DHAT, strace, wall time) and the
    instructions, in the default configuration (e2e PKI, both TLS versions
    allowed): {program name: {...}}."""
    r = {p.name: {} for p in programs}
    hcsms, curl = programs
    # Both work, reuse the connection, and say what TLS they negotiated.
    hv = bench.run(hcsms, 2, tag="-v", verbose=True)[1]
    cv = bench.run(curl, 2, tag="-v", verbose=True)[1]
    m = re.search(r"request sent, (\d+) bytes", hv)
    r["hcsms"]["request_bytes"] = int(m.group(1)) if m else None
    m = re.search(r"\* TLS (.+)", hv)
    r["hcsms"]["tls"] = m.group(1).strip() if m else "?"
    m = re.search(r"SSL connection using (.+)", cv)
    r["curl"]["tls"] = m.group(1).strip() if m else "?"

    for p in programs:
        note("%s: callgrind N=1 and N=%d, %d runs each" % (p.name, args.warm, args.ir_runs))
        cold = [bench.callgrind(p, 1, i) for i in range(args.ir_runs)]
        warm = [bench.callgrind(p, args.warm, i) for i in range(args.ir_runs)]
        r[p.name]["ir_cold"] = statistics.median(c[0] for c in cold)
        r[p.name]["ir_task"] = (statistics.median(w[0] for w in warm) - r[p.name]["ir_cold"]) / (args.warm - 1)
        r[p.name]["ir_dump"], r[p.name]["task_profile"] = bench.callgrind_per_task(p, args.warm)
        r[p.name]["cold_profiles"] = [c[1] for c in cold]
        r[p.name]["ir_spread"] = (max(c[0] for c in cold) - min(c[0] for c in cold),
                                  max(w[0] for w in warm) - min(w[0] for w in warm))
        note("%s: memcheck, massif, DHAT, strace" % p.name)
        for n in (1, args.warm):
            r[p.name]["allocs", n], r[p.name]["alloc_bytes", n] = bench.memcheck_allocs(p, n)
            r[p.name]["peak", n] = bench.massif_peak(p, n)
            r[p.name]["dhat", n] = bench.dhat_origins(p, n)
            r[p.name]["strace", n] = bench.strace(p, n)

    note("wall time: %d runs of 1 and of %d unlocks each, interleaved" % (args.runs, args.tasks))
    for i in range(args.runs):
        for p in (programs if i % 2 == 0 else programs[::-1]):
            for n in (1, args.tasks):
                r[p.name].setdefault(("wall", n), []).append(bench.run(p, n, [], "wall")[0])
                r[p.name].setdefault(("rss", n), []).append(bench.max_rss(p, n))
    return r


def default_report(args, r, programs):
    """Markdown of the default configuration: the table, the goals it checks,
    the allocation origins; and the profiles (for results.md only)."""
    hcsms, curl = programs
    # Sizes: hcsms fully static vs curl_unlock plus what it loads.
    hcsms_static = args.hcsms + "-static"
    curl_libs = shared_libraries(args.curl)
    curl_all = file_size(args.curl + "-stripped") + sum(file_size(l) for l in curl_libs)
    base_libs = [l for l in curl_libs if re.search(r"/(libc\.so|ld-linux)", l)]
    sizes = {"hcsms": file_size(hcsms_static), "curl": curl_all,
             "hcsms_nolibc": file_size(args.hcsms + "-stripped"),
             "curl_nolibc": curl_all - sum(file_size(l) for l in base_libs)}

    w = args.warm - 1
    H, C = r["hcsms"], r["curl"]

    def per(d, key, field=None):
        a = d[key, args.warm] if field is None else d[key, args.warm][field]
        b = d[key, 1] if field is None else d[key, 1][field]
        return (a - b) / w

    rows = [
        ("Instructions, one cold unlock (callgrind Ir, process start to exit, median of %d)" % args.ir_runs,
         H["ir_cold"], C["ir_cold"]),
        ("Instructions per additional task ((Ir(N=%d) - Ir(N=1)) / %d)" % (args.warm, w),
         H["ir_task"], C["ir_task"]),
        ("Instructions per additional task, median of per-task callgrind dumps (--dump-after=%s / %s)"
         % (hcsms.call, curl.call), H["ir_dump"], C["ir_dump"]),
        ("Heap allocations, one cold unlock (memcheck total heap usage)", H["allocs", 1], C["allocs", 1]),
        ("Heap allocations per additional task", per(H, "allocs"), per(C, "allocs"), 2),
        ("Heap bytes allocated, one cold unlock (memcheck, sum of all blocks)",
         H["alloc_bytes", 1], C["alloc_bytes", 1]),
        ("Peak heap, one cold unlock (massif, requested bytes at the peak)", H["peak", 1], C["peak", 1]),
        ("Peak heap, N=%d (massif)" % args.warm, H["peak", args.warm], C["peak", args.warm]),
        ("Peak RSS, one cold unlock (KiB, GNU time %%M, median of %d)" % args.runs,
         statistics.median(H["rss", 1]), statistics.median(C["rss", 1])),
        ("Peak RSS, %s unlocks (KiB, median of %d)" % (fmt(args.tasks), args.runs),
         statistics.median(H["rss", args.tasks]), statistics.median(C["rss", args.tasks])),
        ("Size: stripped static hcsms vs stripped curl_unlock + %d .so it loads (bytes, .so file sizes as installed)"
         % len(curl_libs), sizes["hcsms"], sizes["curl"]),
        ("Size without libc and ld.so: hcsms (mbedTLS static, stripped) vs curl_unlock + %d other .so"
         % (len(curl_libs) - len(base_libs)), sizes["hcsms_nolibc"], sizes["curl_nolibc"]),
        ("System calls, one cold unlock (strace -f, all)", H["strace", 1]["calls"], C["strace", 1]["calls"]),
        ("System calls per additional task", per(H, "strace", "calls"), per(C, "strace", "calls"), 2),
        ("Socket write calls (write/writev/sendto/sendmsg on TCP), one cold unlock",
         H["strace", 1]["socket_writes"], C["strace", 1]["socket_writes"]),
        ("Bytes sent, one cold unlock (handshake, request, close_notify)",
         H["strace", 1]["bytes_sent"], C["strace", 1]["bytes_sent"]),
        ("Socket write calls per additional task",
         per(H, "strace", "socket_writes"), per(C, "strace", "socket_writes"), 2),
        ("Bytes sent per additional task (TLS records, %d-byte token)" % args.token_bytes,
         per(H, "strace", "bytes_sent"), per(C, "strace", "bytes_sent"), 1),
        ("Wall time, one cold unlock (ms, median of %d)" % args.runs,
         1000 * statistics.median(H["wall", 1]), 1000 * statistics.median(C["wall", 1]), 1),
        ("Wall time, %s unlocks over one connection (ms, median of %d)" % (fmt(args.tasks), args.runs),
         1000 * statistics.median(H["wall", args.tasks]), 1000 * statistics.median(C["wall", args.tasks]), 1),
    ]

    def own_allocs(d, n):
        return d["dhat", n]["origins"].get("hcsms", 0)

    peak_ratio = H["peak", 1] / C["peak", 1] if C["peak", 1] else float("inf")
    writes = per(H, "strace", "socket_writes")
    io_size = io_buffer_size()
    fits = H["request_bytes"] is not None and io_size is not None and H["request_bytes"] <= io_size
    goals = [
        ("Zero heap allocations by hcsms code itself (DHAT call stacks)",
         "%d (N=1), %d (N=%d)" % (own_allocs(H, 1), own_allocs(H, args.warm), args.warm),
         own_allocs(H, 1) == 0 and own_allocs(H, args.warm) == 0),
        ("One socket write per task (the request fits the output buffer)",
         "%.2f per additional task (request %s bytes, HCSMS_IO_BUFFER_SIZE %s by default)" % (
             writes, fmt(H["request_bytes"]), fmt(io_size)),
         abs(writes - 1) < 0.005 if fits else None),
        ("Peak heap <= 1/10 of libcurl's (an earlier yardstick, not issue 15's)",
         "%.2f of libcurl's" % peak_ratio, peak_ratio <= 0.1),
    ]

    md = ["## The default configuration: heap, system calls, size, time",
          "", "The e2e PKI (P-256 leaf under a P-256 root), nginx allowing TLS 1.2 and 1.3: "
          "hcsms negotiated %s, libcurl %s. The slow tools (memcheck, massif, DHAT, strace) "
          "run here only." % (H["tls"], C["tls"]), "",
          "| measure | hcsms | libcurl | hcsms/libcurl |", "|---|---:|---:|---:|"]
    for label, a, b, *digits in rows:
        md.append("| %s | %s | %s | %s |" % (label, fmt(a, *digits), fmt(b, *digits), ratio(a, b)))
    md += ["", "Per-task figures from N=1/N=%d differences are differences of runs that each made "
           "their own handshake, whose bignum work varies with the random keys (spread of the %d "
           "callgrind runs: hcsms %s at N=1, %s at N=%d; libcurl %s, %s): per-task Ir carry about "
           "spread/%d of noise, per-task allocation counts a few tenths (even below zero). The "
           "per-task dumps do not." % (
               args.warm, args.ir_runs, fmt(H["ir_spread"][0]), fmt(H["ir_spread"][1]), args.warm,
               fmt(C["ir_spread"][0]), fmt(C["ir_spread"][1]), w)]

    md += ["", "Heap allocations by origin (DHAT: the first caller of the allocator outside libc; "
               "a libc function in between is named):", "",
           "| program | origin | one cold unlock | per additional task |", "|---|---|---:|---:|"]
    for p in programs:
        d1, dn = r[p.name]["dhat", 1]["origins"], r[p.name]["dhat", args.warm]["origins"]
        for origin in sorted(set(d1) | set(dn), key=lambda o: -d1.get(o, 0)):
            md.append("| %s | %s | %s | %s |" % (p.name, origin, fmt(d1.get(origin, 0)),
                                                   fmt((dn.get(origin, 0) - d1.get(origin, 0)) / w, 2)))
    md += ["", "hcsms's allocation sites, one cold unlock (first function outside libc):", "",
           "| origin | function | allocations |", "|---|---|---:|"]
    sites = r["hcsms"]["dhat", 1]["sites"]
    for (origin, function), count in sorted(sites.items(), key=lambda kv: -kv[1])[:12]:
        md.append("| %s | `%s` | %s |" % (origin, function, fmt(count)))

    profiles = ["", "## Profiles of the default configuration (callgrind_annotate)"]
    for p in programs:
        profiles.append(profile_tables(p, r[p.name]["cold_profiles"], r[p.name]["task_profile"],
                                       args.top if p is hcsms else 8))
    return md, profiles, goals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default="build/bench", help="work and output folder")
    ap.add_argument("--hcsms", default="build/bench/hcsms",
                    help="the measured hcsms; sizes from its -stripped and -static siblings")
    ap.add_argument("--curl", default="build/bench/curl_unlock",
                    help="the measured curl program; its size from its -stripped sibling")
    ap.add_argument("--hcsms-objects", default="", help="hcsms's own objects/archives (for nm)")
    ap.add_argument("--mbedtls-libs", default="",
                    help="the mbedTLS archives linked in (for nm); default: the compiler's")
    ap.add_argument("--mbedtls-build", default="?", help="how mbedTLS was built (for the report)")
    ap.add_argument("--cc", default="cc", help="the compiler hcsms was built with (for the report)")
    ap.add_argument("--runs", type=int, default=11,
                    help="wall-time runs of each (median; loopback timings on a small VM vary by 20%%)")
    ap.add_argument("--tasks", type=int, default=1000, help="unlocks per wall-time run")
    ap.add_argument("--ir-runs", type=int, default=3, help="callgrind runs of each N (median)")
    ap.add_argument("--warm", type=int, default=101, help="N of the many-task valgrind runs")
    ap.add_argument("--token-bytes", type=int, default=512, help="length of the X-Auth-Token")
    ap.add_argument("--top", type=int, default=15, help="functions per profile table")
    ap.add_argument("--chains", default=",".join(matrix.CHAINS),
                    help="certificate chains measured by TLS version (comma-separated; '' for none)")
    ap.add_argument("--tls", default=",".join(matrix.VERSIONS), help="TLS versions of those rows")
    ap.add_argument("--no-default", action="store_true",
                    help="skip the default configuration's slow measures (heap, syscalls, time)")
    ap.add_argument("--doc", default="",
                    help="also write the report (without profiles) here, if every chain, version "
                         "and measure ran (make bench: docs/benchmark.md, default build only)")
    args = ap.parse_args()
    started = time.monotonic()
    for tool in ("valgrind", "strace", "nm", "ldd", "callgrind_annotate", "openssl"):
        if shutil.which(tool) is None:
            sys.exit("run_bench: %s is needed (Debian: apt-get install valgrind strace binutils)" % tool)
    chains = matrix.selected(args.chains, matrix.CHAINS, "chain")
    versions = matrix.selected(args.tls, matrix.VERSIONS, "TLS version")
    os.makedirs(args.dir, exist_ok=True)
    pki = os.path.join(args.dir, "pki")
    subprocess.run(["bash", os.path.join(REPO, "tests", "e2e", "make_pki.sh"), pki], check=True)
    subprocess.run(["bash", os.path.join(HERE, "make_chains.sh"), pki], check=True)
    ca = os.path.join(pki, "ca.pem")
    token = bench_token(args.token_bytes)
    note = lambda text: print("[%5.0fs] %s" % (time.monotonic() - started, text), file=sys.stderr)

    hcsms_own = nm_functions(args.hcsms_objects.split()) if args.hcsms_objects else set()
    # The archives hcsms was linked with (the pinned 3.6 build has functions
    # 2.28 lacks: named by the wrong archives they would count as hcsms's).
    mbedtls_libs = args.mbedtls_libs.split() or \
        [p for p in (find_library("lib%s.a" % n) for n in ("mbedtls", "mbedx509", "mbedcrypto")) if p]
    mbedtls = nm_functions(mbedtls_libs) - hcsms_own if mbedtls_libs else set()
    curl_own = nm_functions([args.curl])
    # curl speaks what hcsms's mbedTLS speaks: 2.28 has no TLS 1.3.
    tls_max = "1.2" if re.search(r"TLS 2\.", tool_version([args.hcsms, "--version"])) else "1.3"
    if tls_max == "1.2" and "1.3" in versions:
        versions.remove("1.3")
    # Only a run of every row replaces the committed report.
    complete = set(chains) == set(matrix.CHAINS) and set(versions) == set(matrix.VERSIONS) \
        and not args.no_default
    doc = args.doc if complete else ""

    def programs(url, cacert):
        return (Program("hcsms", [args.hcsms, "unlock", "--endpoint", url, "--cacert", cacert],
                        2, "hcsms_unlock", ("src/", "port/"), hcsms_own, mbedtls, "mbedTLS"),
                Program("curl", [args.curl, "--endpoint", url, "--cacert", cacert, "--tls-max", tls_max],
                        1, "curl_easy_perform", ("tests/bench/",), curl_own))

    ctx = argparse.Namespace(args=args, dir=args.dir, token=token, programs=programs, Bench=Bench,
                             BenchError=BenchError, Program=Program, note=note, annotate=annotate,
                             fmt=fmt, own_task_costs=own_task_costs, chains=chains, versions=versions,
                             session_file=matrix.has_session_file(args.hcsms))
    results = {}
    if chains and versions:
        shutil.rmtree(os.path.join(args.dir, "matrix"), ignore_errors=True)
        results = matrix.run_matrix(ctx, pki)

    default_md, profiles, goals = [], [], []
    if not args.no_default:
        # A fresh nginx folder: its access log is how each run is checked.
        shutil.rmtree(os.path.join(args.dir, "nginx"), ignore_errors=True)
        with NginxServer(os.path.join(args.dir, "nginx"), os.path.join(pki, "server.pem"),
                         os.path.join(pki, "server.key"), token) as server:
            progs = programs(server.url, ca)
            r = measure_default(args, Bench(args, server, token), progs, note)
        default_md, profiles, goals = default_report(args, r, progs)

    command = " ".join(shlex.quote(a) for a in [os.path.basename(sys.executable)] + sys.argv)
    if os.environ.get("MAKELEVEL"):
        command = "make bench  (%s)" % command
    md = ["<!-- SPDX-License-Identifier: Apache-2.0 -->", "# hcsms vs libcurl: the unlock call", "",
          "Written by `make bench` (`tests/bench/run_bench.py`, `tests/bench/matrix.py`); do not edit "
          "by hand. The raw outputs and the profiles are in `%s/results.md` of the run." % args.dir, "",
          "- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
          "- machine: %s" % machine(),
          "- CPU features: %s" % cpu_flags(),
          "- hcsms: %s; measured binary %s (mbedTLS static, glibc shared), built with %s" % (
              tool_version([args.hcsms, "--version"]), os.path.relpath(args.hcsms, REPO),
              tool_version(shlex.split(args.cc) + ["--version"])),
          "- mbedTLS build: %s" % args.mbedtls_build,
          "- libcurl: %s (curl_version()), TLS capped at hcsms's highest version (%s)" % (
              tool_version([args.curl, "--version"]), tls_max),
          "- endpoint: %s on 127.0.0.1 (tests/e2e/nginx.conf.in), https://localhost; test chains "
          "made by %s; %d-byte X-Auth-Token; UUID task ids; stdout to /dev/null" % (
              tool_version(["nginx", "-v"]), tool_version(["openssl", "version"]), args.token_bytes),
          "- tools: %s, %s, Python %s" % (tool_version(["valgrind", "--version"]),
                                         tool_version(["strace", "-V"]), platform.python_version()),
          "- command: `%s`" % command, ""]
    goals = (matrix.goal_rows(results) + matrix.own_goal_rows(results) if results else []) + goals
    md += ["## Goals (issue 15)", "", "Instruction goals are ratios of callgrind's counts, hcsms's to "
           "libcurl's, except hcsms's own cost per task and the response parser's, which are Ir of "
           "hcsms's per-task dumps; where a miss's instructions go is listed below the table of its "
           "rows. Nothing fails on these numbers.", "", "| goal | measured | met? |", "|---|---|---|"]
    for label, value, met in goals:
        md.append("| %s | %s | %s |" % (label, value, "n/a" if met is None else ("met" if met else "**MISSED**")))
    md.append("")
    if results:
        md += matrix.report(ctx, results)[0] + [""]
    md += default_md
    md += ["", "Whole bench: %.0f s." % (time.monotonic() - started)]

    text = "\n".join(md) + "\n"
    with open(os.path.join(args.dir, "results.md"), "w") as f:
        f.write("\n".join(md + profiles + ["", "Raw outputs (callgrind, memcheck, massif, DHAT, strace) "
                                           "are in %s." % args.dir]) + "\n")
    if doc:
        with open(doc, "w") as f:
            f.write(text)
        note("wrote %s" % doc)
    sys.stdout.write(text)


if __name__ == "__main__":
    try:
        main()
    except BenchError as e:
        sys.exit("run_bench: %s" % e)
