#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Line coverage per layer from gcov counters (make coverage).

Usage:  coverage_report.py --objdir DIR [--gcov CMD] --layer DIR=MIN... [--top N]
                           [--enforce 0|1] [--tests-rc-file FILE] [--show PATH]...
                           [--markdown FILE] [--json FILE] SOURCE...

Runs gcov (gcc's, ``--json-format --stdout``) on every .gcno under --objdir,
run from the folder the objects were compiled in; counts of a line seen from
several objects (headers) are added up. Each SOURCE is a file that must be in
the report (a source with no .gcno was not built: its layer fails); a .c
file of a layer that is not a SOURCE (an object left from an earlier build,
or a file the build does not compile) is named and left out. A layer
is every source file whose path is under its folder (headers included);
files outside every layer (tests, system headers such as jsmn.h) are left
out. Prints per layer and per file: lines covered / lines total / percent,
then for every layer its largest uncovered functions and each file's
uncovered line ranges; writes the same as Markdown (and the numbers as JSON).
--show PATH prints the uncovered source lines of the files under PATH.

A line counts when gcov calls it executable; it is covered when it ran at
least once (a line run only in part is covered, as gcovr and lcov count it).

Exit status: 1 if a layer is below its minimum, a SOURCE was not built or
the tests failed (the status in --tests-rc-file is not 0), unless
--enforce 0; 2 on a usage or gcov error; 0 otherwise. Python 3 stdlib only.
"""

import argparse
import json
import math
import os
import shlex
import subprocess
import sys
import time


def die(msg):
    print("coverage: " + msg, file=sys.stderr)
    sys.exit(2)


def run_gcov(gcov, objdir):
    gcnos = []
    for d, _, names in os.walk(objdir):
        gcnos += [os.path.join(d, n) for n in names if n.endswith(".gcno")]
    if not gcnos:
        die("no .gcno under %s: build with --coverage first (make coverage)" % objdir)
    gcnos.sort()
    # lines[path][line] = count; funcs[path][(name, start)] = [end, count]
    lines, funcs = {}, {}
    chunk = 64
    for i in range(0, len(gcnos), chunk):
        cmd = shlex.split(gcov) + ["--json-format", "--stdout"] + gcnos[i:i + chunk]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            die("cannot run %s: %s" % (cmd[0], e))
        if p.returncode != 0:
            die("%s failed (%d): %s" % (" ".join(cmd[:3]), p.returncode, p.stderr.strip()[-2000:]))
        for doc in p.stdout.splitlines():
            if not doc.strip():
                continue
            d = json.loads(doc)
            cwd = d.get("current_working_directory", "")
            for f in d.get("files", []):
                path = f["file"]
                if not os.path.isabs(path):
                    path = os.path.join(cwd, path)
                path = os.path.normpath(path)
                fl = lines.setdefault(path, {})
                for ln in f.get("lines", []):
                    n = ln["line_number"]
                    fl[n] = fl.get(n, 0) + ln["count"]
                ff = funcs.setdefault(path, {})
                for fn in f.get("functions", []):
                    key = (fn.get("demangled_name") or fn["name"], fn["start_line"])
                    e = ff.setdefault(key, [fn["end_line"], 0])
                    e[1] += fn["execution_count"]
    return lines, funcs, len(gcnos)


def ranges(numbers, executable):
    """Uncovered line numbers -> "a-b" ranges; a gap of lines that are not
    executable (comments, braces) does not split a range."""
    out = []
    for n in numbers:
        if out and all(x not in executable for x in range(out[-1][1] + 1, n)):
            out[-1][1] = n
        else:
            out.append([n, n])
    return ["%d" % a if a == b else "%d-%d" % (a, b) for a, b in out]


def pct(cov, tot):
    return 100.0 * cov / tot if tot else 0.0


def shown(cov, tot):
    """The percent rounded down to 0.1: 89.96 is shown as 89.9, never 90.0."""
    return math.floor(pct(cov, tot) * 10 + 1e-9) / 10


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objdir", required=True)
    ap.add_argument("--gcov", default="gcov")
    ap.add_argument("--root", default=".", help="the folder sources are named from (default: .)")
    ap.add_argument("--layer", action="append", default=[], metavar="DIR=MIN")
    ap.add_argument("--top", type=int, default=8, help="uncovered functions listed per layer")
    ap.add_argument("--enforce", default="1")
    ap.add_argument("--tests-rc-file")
    ap.add_argument("--markdown")
    ap.add_argument("--json")
    ap.add_argument("--show", action="append", default=[], metavar="PATH",
                    help="print the uncovered source lines of the files under PATH (a file or a folder)")
    ap.add_argument("sources", nargs="*")
    a = ap.parse_args()

    root = os.path.abspath(a.root)
    layers = []
    for spec in a.layer:
        d, sep, m = spec.partition("=")
        try:
            layers.append((os.path.normpath(d), float(m) if sep else 0.0))
        except ValueError:
            die("bad --layer %r (DIR=MIN)" % spec)
    if not layers:
        die("no --layer given")

    lines, funcs, ngcno = run_gcov(a.gcov, a.objdir)

    def rel(p):
        r = os.path.relpath(p, root)
        return r if not r.startswith("..") else p

    def layer_of(r):
        best = None
        for d, _ in layers:
            if r.startswith(d + "/") and (best is None or len(d) > len(best)):
                best = d
        return best

    files = {}  # rel path -> dict
    outside = []  # code counted nowhere (system headers with code, e.g. jsmn.h)
    for path, fl in lines.items():
        r = rel(path)
        if layer_of(r) is None or not fl:
            if fl and not r.startswith("tests/"):
                outside.append("%s (%d lines)" % (r, len(fl)))
            continue
        files[r] = {"lines": fl, "funcs": funcs.get(path, {})}
    missing, stale, unbuilt = [], [], []
    if a.sources:
        wanted = set(os.path.normpath(x) for x in a.sources)
        for r in sorted(files):
            # a .c file no longer built (an object left from an earlier build)
            if r.endswith(".c") and r not in wanted:
                stale.append(r)
                del files[r]
        for r in sorted(wanted):
            if layer_of(r) is not None and r not in files:
                missing.append(r)
        for d, _ in layers:
            for dirpath, _, names in os.walk(os.path.join(root, d)):
                for n in sorted(names):
                    r = rel(os.path.join(dirpath, n))
                    if n.endswith(".c") and r not in wanted and r not in stale and layer_of(r) == d:
                        unbuilt.append(r)

    tests_rc = None
    if a.tests_rc_file:
        try:
            with open(a.tests_rc_file) as fh:
                tests_rc = int(fh.read().strip() or "1")
        except (OSError, ValueError):
            tests_rc = None

    # numbers
    report = {"layers": [], "files": [], "missing": missing, "stale": stale, "unbuilt": unbuilt, "tests_rc": tests_rc,
              "date": time.strftime("%Y-%m-%d %H:%M:%S"), "gcno_files": ngcno}
    per_layer = {}
    for r in sorted(files):
        fl = files[r]["lines"]
        tot = len(fl)
        cov = sum(1 for c in fl.values() if c > 0)
        unc = sorted(n for n, c in fl.items() if c == 0)
        fn_rows = []
        for (name, start), (end, count) in files[r]["funcs"].items():
            body = [n for n in fl if start <= n <= end]
            u = sum(1 for n in body if fl[n] == 0)
            if u:
                fn_rows.append({"file": r, "function": name, "start": start, "end": end,
                                "uncovered": u, "lines": len(body), "calls": count})
        row = {"file": r, "layer": layer_of(r), "covered": cov, "total": tot,
               "percent": shown(cov, tot), "uncovered_ranges": ranges(unc, fl),
               "uncovered_functions": fn_rows}
        report["files"].append(row)
        per_layer.setdefault(row["layer"], []).append(row)
    failed = []
    for d, minimum in layers:
        rows = per_layer.get(d, [])
        cov = sum(x["covered"] for x in rows)
        tot = sum(x["total"] for x in rows)
        miss = [m for m in missing if layer_of(m) == d]
        ok = tot > 0 and not miss and pct(cov, tot) + 1e-9 >= minimum
        if not ok:
            failed.append(d)
        fns = sorted((f for x in rows for f in x["uncovered_functions"]),
                     key=lambda f: (-f["uncovered"], f["file"], f["start"]))
        report["layers"].append({"layer": d, "covered": cov, "total": tot,
                                 "percent": shown(cov, tot), "minimum": minimum,
                                 "ok": ok, "missing": miss, "top_uncovered": fns[:a.top]})
    all_cov = sum(x["covered"] for x in report["layers"])
    all_tot = sum(x["total"] for x in report["layers"])

    # text
    def table(md):
        out = []
        if md:
            out.append("| layer | covered | lines | % | minimum | |")
            out.append("|---|---:|---:|---:|---:|---|")
        else:
            out.append("%-12s %8s %7s %7s %8s" % ("layer", "covered", "lines", "%", "minimum"))
        for L in report["layers"]:
            verdict = "ok" if L["ok"] else ("NOT BUILT: " + ", ".join(L["missing"]) if L["missing"]
                                            else "BELOW")
            if md:
                out.append("| `%s` | %d | %d | %.1f | %g | %s |" % (L["layer"], L["covered"], L["total"],
                                                                 L["percent"], L["minimum"], verdict))
            else:
                out.append("%-12s %8d %7d %6.1f%% %7g%%  %s" % (L["layer"], L["covered"], L["total"],
                                                               L["percent"], L["minimum"], verdict))
        if md:
            out.append("| all | %d | %d | %.1f | | |" % (all_cov, all_tot, shown(all_cov, all_tot)))
        else:
            out.append("%-12s %8d %7d %6.1f%%" % ("all", all_cov, all_tot, shown(all_cov, all_tot)))
        out.append("")
        if md:
            out.append("| file | covered | lines | % | uncovered lines |")
            out.append("|---|---:|---:|---:|---|")
        else:
            out.append("%-34s %8s %7s %7s" % ("file", "covered", "lines", "%"))
        for L in report["layers"]:
            for x in per_layer.get(L["layer"], []):
                if md:
                    out.append("| `%s` | %d | %d | %.1f | %s |" % (x["file"], x["covered"], x["total"],
                                                                x["percent"], ", ".join(x["uncovered_ranges"])))
                else:
                    out.append("%-34s %8d %7d %6.1f%%" % (x["file"], x["covered"], x["total"], x["percent"]))
            for m in L["missing"]:
                out.append(("| `%s` | not built | | | |" if md else "%-34s not built") % m)
        return out

    def drag(md, only_failing):
        out = []
        for L in report["layers"]:
            if only_failing and L["ok"]:
                continue
            if not L["top_uncovered"]:
                continue
            need = max(0, -(-int(L["minimum"] * L["total"]) // 100) - L["covered"]) if L["total"] else 0
            head = "%s: %.1f%% (%d of %d lines uncovered)%s" % (
                L["layer"], L["percent"], L["total"] - L["covered"], L["total"],
                "; %d more lines to reach %g%%" % (need, L["minimum"]) if not L["ok"] and need else "")
            out.append(("### " if md else "") + head + ("" if md else ":"))
            if md:
                out.append("")
                out.append("| function | where | uncovered | of lines | calls |")
                out.append("|---|---|---:|---:|---:|")
            for f in L["top_uncovered"]:
                where = "%s:%d-%d" % (f["file"], f["start"], f["end"])
                if md:
                    out.append("| `%s` | `%s` | %d | %d | %d |" % (f["function"], where, f["uncovered"],
                                                                 f["lines"], f["calls"]))
                else:
                    out.append("  %4d of %4d lines uncovered  %-32s %s%s" % (
                        f["uncovered"], f["lines"], f["function"], where,
                        "  (never called)" if f["calls"] == 0 else ""))
            out.append("")
        return out

    notes = []
    if stale:
        notes.append("left out, no longer among the sources built: " + ", ".join(stale))
    if outside:
        notes.append("outside every layer, not counted: " + ", ".join(sorted(outside)))
    if unbuilt:
        notes.append("not among the sources built, not counted: " + ", ".join(unbuilt))
    status_line = []
    if tests_rc not in (None, 0):
        status_line.append("tests FAILED under coverage (exit %d): the numbers are from an incomplete run" % tests_rc)
    if failed:
        status_line.append("below minimum or not built: " + ", ".join(failed))
    enforce = a.enforce not in ("0", "no", "false", "")

    text = ["", "== coverage (gcov, lines; unit + e2e + hostile suites)"] + table(False)
    dr = drag(False, False)
    if dr:
        text += ["", "== largest uncovered functions per layer (lines uncovered in the function)"] + dr
    text += ["note: " + n for n in notes]
    print("\n".join(text))

    for want in a.show:
        want = os.path.normpath(want)
        for r in sorted(files):
            if r != want and not r.startswith(want + "/"):
                continue
            fl = files[r]["lines"]
            try:
                with open(os.path.join(root, r), errors="replace") as fh:
                    src = fh.read().split("\n")
            except OSError:
                src = []
            if all(c > 0 for c in fl.values()):
                print("\n== %s: every line covered" % r)
                continue
            print("\n== uncovered lines of %s" % r)
            owner = {}
            for (name, start), (end, _) in files[r]["funcs"].items():
                for n in range(start, end + 1):
                    owner[n] = name
            prev, fn = None, None
            for n in sorted(x for x, c in fl.items() if c == 0):
                if owner.get(n) != fn:
                    fn = owner.get(n)
                    print("  -- %s()" % fn if fn else "  --")
                elif prev is not None and any(x in fl for x in range(prev + 1, n)):
                    print("  ..")
                print("  %5d | %s" % (n, src[n - 1] if 0 < n <= len(src) else ""))
                prev = n

    if a.markdown:
        md = ["# Line coverage", "",
              "`make coverage`: gcc `--coverage` build (`-O0`), the unit tests, the end-to-end suite and "
              "the hostile-server suite, counted with gcov. A line is covered when it ran at least once. "
              "Measured %s%s." % (report["date"], "" if tests_rc in (None, 0) else
                                  "; **tests failed (exit %d): incomplete run**" % tests_rc),
              ""] + table(True) + [""] + ["Note: " + n + "." for n in notes] + \
             ["", "## Largest uncovered functions per layer", ""] + drag(True, False)
        os.makedirs(os.path.dirname(os.path.abspath(a.markdown)), exist_ok=True)
        with open(a.markdown, "w") as fh:
            fh.write("\n".join(md).rstrip() + "\n")
    if a.json:
        os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
            fh.write("\n")

    summary = "coverage: %s; all %.1f%% (%d of %d lines)" % (
        ", ".join("%s %.1f%%" % (L["layer"], L["percent"]) for L in report["layers"]),
        shown(all_cov, all_tot), all_cov, all_tot)
    if a.markdown:
        print("report: %s" % a.markdown)
    for s in status_line:
        print("coverage: " + s + ("" if enforce else " (COVERAGE_ENFORCE=0: not failing)"))
    print(summary)
    return 1 if enforce and status_line else 0


if __name__ == "__main__":
    sys.exit(main())
