#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Keep docs/ram.md's table current: read what tests/ram/run_ram.sh printed
(stdin, passed through to stdout) and put it in the row of this build
(--label), leaving the rows of other builds as they were measured.

    run_ram.sh PROBE | ram_doc.py --label "3.6 default" --command "make ram" docs/ram.md

Nothing here is typed by hand: a row is exactly one run's output.
"""
import argparse
import re
import sys

HEADER = """# RAM of one unlock, by mbedTLS build

Written by `make ram` (`tests/ram/run_ram.sh` running `tests/ram/ram_probe.c`,
this file by `tests/ram/ram_doc.py`); each run replaces its own row. One full
unlock (init, TLS handshake, request, 200, free) against the local mock
endpoint (Python's `ssl`, EC P-256 certificate) on the build machine (x86-64
unless the row says otherwise). The context (`hcsms_client`) and the result
are the caller's; mbedTLS's heap is counted through
`mbedtls_platform_set_calloc_free()` where mbedTLS has
`MBEDTLS_PLATFORM_MEMORY`, else by wrapping `calloc`/`free` at link time; the
stack is the whole call chain's (hcsms and mbedTLS), painted. "Static pool":
the smallest of the pools tried (48, 40, 36, 32, 28 KB) on which the same
unlock succeeded with `MBEDTLS_MEMORY_BUFFER_ALLOC_C` ("-": not built in);
"still held": after `hcsms_client_free()` and `hcsms_global_cleanup()`.

| build | mbedTLS | `hcsms_client` | `hcsms_result` | peak heap | allocations | still held | stack, whole chain | static pool | command |
|---|---|---:|---:|---:|---:|---:|---:|---:|---|
"""


def measure(text):
    def one(pattern):
        m = re.search(pattern, text, re.M)
        if not m:
            sys.exit("ram_doc: the probe's output has no line matching %r" % pattern)
        return m.group(1)
    pools = [int(p) for p, rc in re.findall(
        r"^static pool (\d+) bytes: init 0,? unlock (\d+)", text, re.M) if rc == "0"]
    return {
        "mbedtls": one(r"^(Mbed ?TLS [^\n]*|mbed TLS [^\n]*)$"),
        "client": int(one(r"^sizeof\(hcsms_client\) (\d+)")),
        "result": int(one(r"^sizeof\(hcsms_result\) (\d+)")),
        "peak": int(one(r"^mbedTLS heap: peak (\d+) bytes")),
        "allocs": int(one(r"^mbedTLS heap: peak \d+ bytes, (\d+) allocations")),
        "held": int(one(r"(\d+) bytes still held")),
        "stack": int(one(r"^stack, whole call chain \(painted\): (\d+) bytes")),
        "pool": min(pools) if pools else None,
    }


def row(label, command, m):
    pool = "{:,}".format(m["pool"]) if m["pool"] else "-"
    return "| {} | {} | {:,} | {:,} | {:,} | {:,} | {:,} | {:,} | {} | `{}` |".format(
        label, m["mbedtls"], m["client"], m["result"], m["peak"], m["allocs"], m["held"],
        m["stack"], pool, command)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("doc")
    args = ap.parse_args()
    text = sys.stdin.read()
    sys.stdout.write(text)
    rows = {}
    try:
        with open(args.doc) as f:
            for line in f:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if line.startswith("| ") and len(cells) == 10 and not cells[0].startswith(("build", "---")):
                    rows[cells[0]] = line.rstrip("\n")
    except FileNotFoundError:
        pass
    rows[args.label] = row(args.label, args.command, measure(text))
    with open(args.doc, "w") as f:
        f.write(HEADER)
        for label in sorted(rows):
            f.write(rows[label] + "\n")
    print("ram_doc: %s, row '%s' written" % (args.doc, args.label))


if __name__ == "__main__":
    main()
