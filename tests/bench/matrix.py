# SPDX-License-Identifier: Apache-2.0
"""make bench, the instructions of every chain and TLS version (run_bench.py's part).

For each certificate chain and each TLS version (nginx's ssl_protocols allows that
one only), one nginx, and for hcsms and libcurl (tests/bench/curl_unlock.c):

  cold, full handshake     callgrind total Ir of N=1 (process start to exit), median
  cold, saved session      hcsms only: a run with --session-file F makes F, then an N=1
                           run with F is measured (median); nginx's $ssl_session_reused
                           says whether it resumed. libcurl has no session file
                           (Debian 12's 7.88): its row is compared with its full cold.
  per additional task      median of per-task callgrind dumps (--dump-after the call)
  hcsms's own cost         in that median dump, hcsms only: the self Ir of its own code
                           (src/, the CLI's src/cli/ included, and port/) and the inclusive
                           Ir of its response parser (src/http/response*.c), the latter also
                           per byte of the answer nginx sent ($bytes_sent, median of the run)

The goals (issue 15) are checked here, in the report; nothing fails on a number.
Python 3 standard library only.
"""

import argparse
import os
import shutil
import statistics
import subprocess

from nginx_server import NginxServer

# name: (title, trusted root, what nginx sends, its key) relative to the PKI folder;
# p256 is the e2e PKI's leaf under its root (no intermediate).
CHAINS = {
    "rsa": ("RSA-2048 leaf, RSA-4096 intermediate and root", "rsa-root.pem", "rsa-chain.pem",
            "rsa-leaf.key"),
    "p256": ("P-256 leaf, P-256 root (e2e PKI)", "ca.pem", "server.pem", "server.key"),
    "p384": ("P-256 leaf, P-384 intermediate and root", "p384-root.pem", "p384-chain.pem",
             "p384-leaf.key"),
}
VERSIONS = ("1.3", "1.2")
# Goals, as hcsms/libcurl instruction ratios (issue 15).
GOAL_TASK = 0.30
GOAL_COLD = {"rsa": 0.5, "p256": 1.0, "p384": 1.15}
GOAL_SESSION = 0.3
GOAL_OWN_TASK = 6000  # Ir of hcsms's own code per additional task
GOAL_PARSER = 5000  # Ir of the response parser per task ...
GOAL_PARSER_PER_BYTE = 25  # ... and below this many a byte of the answer
NO_SESSION = "n/a (no --session-file in this build)"


class BenchNginx(NginxServer):
    """The e2e nginx, its access log also carrying $ssl_session_reused, $ssl_curve
    (the key exchange's group) and $bytes_sent (the whole answer, head and body):
    fields 9, 10 and 11."""

    def _write_conf(self):
        super()._write_conf()
        with open(self.conf) as f:
            text = f.read()
        new = text.replace("$ssl_protocol $ssl_cipher'", "$ssl_protocol $ssl_cipher $ssl_session_reused $ssl_curve $bytes_sent'")
        if new == text:
            raise RuntimeError("nginx.conf.in's log format changed: no place for $ssl_session_reused")
        with open(self.conf, "w") as f:
            f.write(new)

    def access_lines(self):
        lines = super().access_lines()
        try:
            with open(os.path.join(self.workdir, "access.log")) as f:
                extra = [l.split()[8:11] for l in f if len(l.split()) >= 8]
        except OSError:
            extra = []
        return [l + tuple(e + ["?"] * (3 - len(e))) for l, e in zip(lines, extra)]


def has_session_file(hcsms):
    r = subprocess.run([hcsms, "--help"], capture_output=True, text=True)
    return "--session-file" in r.stdout + r.stderr


def selected(value, known, what):
    names = [v for v in value.split(",") if v]
    for v in names:
        if v not in known:
            raise SystemExit("run_bench: unknown %s %r (known: %s)" % (what, v, ", ".join(known)))
    return names


def measure_config(ctx, chain, version, server, pki):
    """The rows of one chain and TLS version: {program: {...}}."""
    title, root, _, _ = CHAINS[chain]
    ca = os.path.join(pki, root)
    folder = os.path.join(ctx.dir, "matrix", "%s-tls%s" % (chain, version))
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    args = argparse.Namespace(**dict(vars(ctx.args), dir=folder))
    hcsms, curl = ctx.programs(server.url, ca)
    bench = ctx.Bench(args, server, ctx.token)
    want = "TLSv" + version
    res = {}

    def served(what):
        line = server.access_lines()[bench.seen - 1]
        if line[6] != want:
            raise ctx.BenchError("%s %s/%s: nginx says %s" % (what, chain, version, line[6]))
        return line

    for p in (hcsms, curl):
        d = res[p.name] = {}
        cold = []
        for i in range(ctx.args.ir_runs):
            cold.append(bench.callgrind(p, 1, i))
            line = served(p.name)
            d["suite"] = "%s %s (%s)" % (line[6], line[7], line[9])
        cold.sort()
        d["cold"] = statistics.median(c[0] for c in cold)
        d["cold_profile"] = cold[len(cold) // 2][1]
        d["task"], d["task_profile"] = bench.callgrind_per_task(p, ctx.args.warm)
        if p is hcsms:
            answers = [int(l[10]) for l in server.access_lines()[bench.seen - ctx.args.warm:bench.seen]]
            d["answer_bytes"] = statistics.median(answers)
            d["own"], d["parser"], d["own_functions"] = ctx.own_task_costs(p, d["task_profile"])
            ctx.note("%s/TLS %s hcsms per task: own code %s, response parser %s (answer %s bytes)" % (
                chain, version, d["own"], d["parser"], d["answer_bytes"]))
        ctx.note("%s/TLS %s %s: cold %s, per task %s" % (chain, version, p.name, d["cold"], d["task"]))

    d = res["hcsms"]
    d["session"] = d["session_profile"] = None
    d["reused"] = []
    if ctx.session_file:
        sf = os.path.join(folder, "session.bin")
        resumed = ctx.Program("hcsms", hcsms.argv + ["--session-file", sf], hcsms.options_at,
                              hcsms.call, hcsms.own_sources, hcsms.own, hcsms.library,
                              hcsms.library_name)
        runs = []
        for i in range(ctx.args.ir_runs):
            if os.path.exists(sf):
                os.remove(sf)
            bench.run(resumed, 1, tag="session-file create")
            served("hcsms session-file create")
            runs.append(bench.callgrind(resumed, 1, 100 + i))
            d["reused"].append(served("hcsms session-file")[8])
        runs.sort()
        d["session"] = statistics.median(r[0] for r in runs)
        d["session_profile"] = runs[len(runs) // 2][1]
        ctx.note("%s/TLS %s hcsms saved session: %s (nginx reused: %s)" % (
            chain, version, d["session"], ",".join(d["reused"])))
    res["title"] = title
    return res


def run_matrix(ctx, pki):
    """{(chain, version): rows} for the selected chains and versions."""
    out = {}
    token = ctx.token
    for chain in ctx.chains:
        _, _, cert, key = CHAINS[chain]
        for version in ctx.versions:
            workdir = os.path.join(ctx.dir, "matrix", "nginx-%s-tls%s" % (chain, version))
            shutil.rmtree(workdir, ignore_errors=True)
            with BenchNginx(workdir, os.path.join(pki, cert), os.path.join(pki, key), token,
                            protocols="TLSv" + version,
                            ssl_extra=["ssl_session_cache shared:bench:1m",
                                       "ssl_session_tickets on"]) as server:
                out[chain, version] = measure_config(ctx, chain, version, server, pki)
    return out


# What mbedTLS's functions do, by name (first match wins), for the causes of a miss.
KINDS = (("bignum and EC/RSA arithmetic", ("mpi", "ecp", "ecdsa", "ecdh", "rsa", "bignum", "p256",
                                           "x25519", "mod_p", "curve", "_jac", "ecjpake")),
         ("record cipher (ChaCha20-Poly1305, AES, GCM)", ("chacha", "poly1305", "aes", "gcm", "ccm",
                                                          "cipher")),
         ("hashing (SHA, HMAC, HKDF)", ("sha", "md_", "hmac", "hkdf", "md5")),
         ("X.509, ASN.1, PEM parsing", ("x509", "asn1", "pem", "base64", "oid")),
         ("DRBG and entropy", ("ctr_drbg", "entropy", "hmac_drbg")))


def _kind(function):
    name = function.lower()
    for kind, words in KINDS:
        if any(w in name for w in words):
            return kind
    return "other mbedTLS"


def _top(rows, top):
    """The first `top` distinct functions of (value, function) rows, a frame whose
    value is within 1% of the one before it left out (a wrapper of the same work)."""
    seen, best, last = set(), [], None
    for v, f in rows:
        if f in seen or (last and abs(v - last) < last / 100):
            continue
        seen.add(f)
        best.append((v, f))
        last = v
        if len(best) == top:
            break
    return best


def _breakdown(ctx, program, path, total, top=5):
    """Where a profile's Ir go: by kind of work (mbedTLS's functions by name, other
    code by module), the top functions by self Ir and by inclusive Ir (frames above
    half the total left out: the call chain's drivers, e.g. the handshake loop)."""
    selfc = ctx.annotate(path, False)
    kinds, libc = {}, []
    for (function, obj, source), v in selfc.items():
        m = program.module_of(function, obj, source)
        k = _kind(function) if m == "mbedTLS" else m
        kinds[k] = kinds.get(k, 0) + v
        if m == "libc":
            libc.append((v, function))
    by_kind = sorted(((v, k) for k, v in kinds.items() if v >= total / 200), reverse=True)
    parts = ["by kind (self Ir): " + ", ".join("%s %s (%.0f%%)" % (k, ctx.fmt(v), 100.0 * v / total)
                                               for v, k in by_kind)]
    # hcsms: its own and mbedTLS's functions; libcurl: any (its libraries are the work)
    mine = {program.name, program.library_name} if program.library_name else None
    for inclusive in (False, True):
        data = ctx.annotate(path, True) if inclusive else selfc
        rows = sorted(((v, k[0]) for k, v in data.items()
                       if (mine is None or program.module_of(*k) in mine)
                       and not k[0].startswith(("0x", "main", "(below", "_start", "__libc_start"))
                       and not (inclusive and v > total / 2)), reverse=True)
        best = _top(rows, top)
        parts.append("%s: %s" % ("inclusive (below half the total)" if inclusive else "self",
                                 ", ".join("`%s` %s" % (f, ctx.fmt(v)) for v, f in best) or "-"))
    if mine is not None and libc:
        parts.append("libc self: " + ", ".join("`%s` %s" % (f, ctx.fmt(v))
                                               for v, f in sorted(libc, reverse=True)[:3]))
    return "; ".join(parts)


# Who does the same work in each program: (label, hcsms's modules, libcurl's modules).
PAIRS = (("TLS and crypto", ("mbedTLS",), ("libcrypto", "libssl")),
         ("HTTP and the caller", ("hcsms",), ("libcurl", "curl")),
         ("libc", ("libc",), ("libc",)),
         ("dynamic loading", ("ld.so",), ("ld.so",)))


def _pairs(ctx, hp, hprof, cp, cprof):
    """One line: the same kind of work in both programs, self Ir, and what is left."""
    def modules(program, path):
        out = {}
        for (function, obj, source), v in ctx.annotate(path, False).items():
            m = program.module_of(function, obj, source)
            out[m] = out.get(m, 0) + v
        return out

    h, c = modules(hp, hprof), modules(cp, cprof)
    parts = []
    for label, hm, cm in PAIRS:
        a, b = sum(h.pop(m, 0) for m in hm), sum(c.pop(m, 0) for m in cm)
        parts.append("%s %s vs %s%s" % (label, ctx.fmt(a), ctx.fmt(b), " (%.2fx)" % (a / b) if b else ""))
    parts.append("the rest %s vs %s" % (ctx.fmt(sum(h.values())), ctx.fmt(sum(c.values()))))
    return "; ".join(parts)


def goal_rows(results):
    """The goals table's rows of this part: (goal, measured, met or None)."""
    def ratios(pick):
        out = []
        for (chain, version), res in results.items():
            h, c = pick(res, chain)
            out.append(("%s %s" % (chain, version), None if h is None else h / c))
        return out

    rows = []
    task = ratios(lambda res, ch: (res["hcsms"]["task"], res["curl"]["task"]))
    rows.append(("Per additional task <= %.2fx libcurl's, every chain and version" % GOAL_TASK,
                 ", ".join("%s: %.2f" % (k, v) for k, v in task),
                 all(v <= GOAL_TASK for _, v in task)))
    for chain in CHAINS:
        cold = [(k, v) for k, v in ratios(lambda res, ch: (res["hcsms"]["cold"], res["curl"]["cold"]))
                if k.split()[0] == chain]
        if cold:
            rows.append(("Cold, full handshake <= %.2fx libcurl's: %s" % (GOAL_COLD[chain], CHAINS[chain][0]),
                         ", ".join("TLS %s: %.2f" % (k.split()[1], v) for k, v in cold),
                         all(v <= GOAL_COLD[chain] for _, v in cold)))
    sess = ratios(lambda res, ch: (res["hcsms"]["session"], res["curl"]["cold"]))
    reused = all(x == "r" for res in results.values() for x in res["hcsms"]["reused"])
    if all(v is None for _, v in sess):
        rows.append(("Cold with a saved session <= %.2fx libcurl's cold" % GOAL_SESSION, NO_SESSION, None))
    else:
        rows.append(("Cold with a saved session <= %.2fx libcurl's cold (and nginx saw it resumed)"
                     % GOAL_SESSION, ", ".join("%s: %.2f" % (k, v) for k, v in sess if v is not None)
                     + ("" if reused else " (NOT resumed on every run)"),
                     reused and all(v <= GOAL_SESSION for _, v in sess if v is not None)))
    return rows


def own_goal_rows(results):
    """The goals table's rows of hcsms's own cost per task: (goal, measured, met)."""
    own = [("%s %s" % k, res["hcsms"]["own"]) for k, res in results.items()]
    parser = [("%s %s" % k, res["hcsms"]["parser"], res["hcsms"]["answer_bytes"])
              for k, res in results.items()]
    return [
        ("hcsms's own code per additional task <= %s Ir, every chain and version (self Ir of "
         "src/ (the CLI's src/cli/ included) and port/ in the median per-task dump)"
         % format(GOAL_OWN_TASK, ","),
         ", ".join("%s: %s" % (k, format(v, ",")) for k, v in own),
         all(v <= GOAL_OWN_TASK for _, v in own)),
        ("Response parser <= %s Ir and < %d Ir a byte of the answer, every chain and version "
         "(inclusive Ir of src/http/response*.c's functions in the median per-task dump; bytes: "
         "nginx's $bytes_sent)" % (format(GOAL_PARSER, ","), GOAL_PARSER_PER_BYTE),
         ", ".join("%s: %s (%s bytes, %.1f a byte)" % (k, format(v, ","), format(int(b), ","), v / b)
                   for k, v, b in parser),
         all(v <= GOAL_PARSER and v / b < GOAL_PARSER_PER_BYTE for _, v, b in parser)),
    ]


def report(ctx, results):
    """Markdown: the table of every row with its goal, then the cause of each miss."""
    md = ["## Instructions by certificate chain and TLS version", "",
          "Callgrind Ir. Cold: process start to exit, one unlock (N=1), median of %d runs. "
          "Saved session: hcsms run once with `--session-file F` to write F, then the measured "
          "N=1 run with the same F (median of %d; nginx's `$ssl_session_reused` column says "
          "whether it resumed); its ratio is to libcurl's cold full handshake (libcurl 7.88 "
          "has no session file). Per additional task: median of the per-task dumps of an N=%d "
          "run (`--dump-after` the per-task call). Each chain and version has its own nginx "
          "(`ssl_protocols` that version only, session tickets on, a shared session cache); "
          "the client trusts the root only, nginx sends the leaf and the intermediate (if the chain has one)." % (
              ctx.args.ir_runs, ctx.args.ir_runs, ctx.args.warm), "",
          "| chain | TLS | row | hcsms | libcurl | hcsms/libcurl | goal | met? |",
          "|---|---|---|---:|---:|---:|---:|---|"]
    misses, suites = [], []
    for (chain, version), res in results.items():
        H, C = res["hcsms"], res["curl"]
        suites.append("%s TLS %s: hcsms %s, libcurl %s" % (chain, version, H["suite"].split(" ", 1)[1],
                                                            C["suite"].split(" ", 1)[1]))
        rows = [("cold, full handshake", H["cold"], C["cold"], GOAL_COLD[chain], H["cold_profile"],
                 C["cold_profile"]),
                ("cold, saved session", H["session"], C["cold"], GOAL_SESSION, H["session_profile"],
                 C["cold_profile"]),
                ("per additional task", H["task"], C["task"], GOAL_TASK, H["task_profile"],
                 C["task_profile"])]
        for label, h, c, goal, hprof, cprof in rows:
            if h is None:
                md.append("| %s | %s | %s | %s | %s | | <= %.2f | |" % (
                    chain, version, label, NO_SESSION, ctx.fmt(c), goal))
                continue
            r = h / c
            met = r <= goal
            if label == "cold, saved session":
                label += " (nginx reused: %s)" % ",".join(H["reused"])
                if any(x != "r" for x in H["reused"]):
                    met = False
            md.append("| %s | %s | %s | %s | %s | %.2f | <= %.2f | %s |" % (
                chain, version, label, ctx.fmt(h), ctx.fmt(c), r, goal, "met" if met else "**MISSED**"))
            if not met:
                misses.append((chain, version, label, r, goal, h, c, hprof, cprof))
    md += ["", "Suites negotiated: " + "; ".join(suites) + "."]
    md += ["", "Chains: " + "; ".join("%s = %s" % (c, CHAINS[c][0]) for c in ctx.chains) + "."]
    if not ctx.session_file:
        md += ["", "This hcsms has no `--session-file` option: the saved-session rows say %s." % NO_SESSION]
    if misses:
        md += ["", "### Where the instructions of each missed row go", ""]
        for chain, version, label, r, goal, h, c, hprof, cprof in misses:
            hp, cp = ctx.programs("https://localhost", "ca.pem")
            md.append("- **%s, TLS %s, %s**: %.2f (goal %.2f): hcsms %s against libcurl %s, %s more "
                      "than the goal allows.  \n  Side by side (self Ir, hcsms vs libcurl): %s.  \n"
                      "  hcsms %s.  \n  libcurl %s." % (
                          chain, version, label, r, goal, ctx.fmt(h), ctx.fmt(c),
                          ctx.fmt(h - goal * c), _pairs(ctx, hp, hprof, cp, cprof),
                          _breakdown(ctx, hp, hprof, h),
                          _breakdown(ctx, cp, cprof, c, 3)))
    own_missed = [(k, res["hcsms"]) for k, res in results.items()
                  if res["hcsms"]["own"] > GOAL_OWN_TASK or res["hcsms"]["parser"] > GOAL_PARSER
                  or res["hcsms"]["parser"] / res["hcsms"]["answer_bytes"] >= GOAL_PARSER_PER_BYTE]
    if own_missed:
        md += ["", "### hcsms's own code per task, where a missed row's instructions go", ""]
        for (chain, version), H in own_missed:
            md.append("- **%s, TLS %s**: own %s, parser %s; self Ir by function: %s." % (
                chain, version, ctx.fmt(H["own"]), ctx.fmt(H["parser"]),
                ", ".join("`%s` %s" % (f, ctx.fmt(v)) for v, f in H["own_functions"][:10])))
    return md, misses
