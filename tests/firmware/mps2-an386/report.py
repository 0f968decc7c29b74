#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the measured table of the mps2-an386 images (Markdown) from one
measured run of each (the --stats lines that run_firmware_e2e.py collected,
under QEMU's -icount shift=0) and the images themselves (arm-none-eabi-size).

Usage: report.py STATS_FILE OUT.md LABEL=ELF [LABEL=ELF...]
(each ELF's folder also has the linker map that tests/firmware/size.sh reads
for the flash split by part)
"""
import datetime
import os
import re
import subprocess
import sys

BUDGET = 128 * 1024


def sections(elf):
    out = subprocess.run(["arm-none-eabi-size", "-A", elf], check=True, capture_output=True,
                         text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].startswith("."):
            sizes[parts[0]] = int(parts[1])
    return sizes


# Each --stats line of the board (app.c's print_usage_stats) and the keys it fills.
STATS_LINES = (
    (r"board: mbedtls pool peak (\d+) of (\d+) bytes", ("pool_peak", "pool")),
    (r"board: main stack used (\d+) of (\d+) bytes", ("main_used", "main")),
    (r"board: tcpip stack used (\d+) of (\d+) bytes", ("tcpip_used", "tcpip")),
    (r"board: context (\d+) bytes, sbrk calls (\d+)", ("context", "sbrk")),
)


def stats(path):
    runs, label = {}, None
    for line in open(path):
        m = re.match(r"\[(.+)\] exit (\S+)", line)
        if m:
            label = m.group(1)
            runs[label] = {"exit": m.group(2), "tasks": []}
            continue
        if label is None:
            continue
        m = re.match(r"board: task (\d+) busy (\d+) ns", line)
        if m:
            runs[label]["tasks"].append(int(m.group(2)))
        for pattern, keys in STATS_LINES:
            m = re.match(pattern, line)
            if m:
                runs[label].update(zip(keys, map(int, m.groups())))
    return runs


def main():
    stats_file, out_path = sys.argv[1], sys.argv[2]
    images = [a.split("=", 1) for a in sys.argv[3:]]
    runs = stats(stats_file)
    qemu = subprocess.run(["qemu-system-arm", "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]
    lines = ["# mps2-an386 image: measured",
             "",
             "Written by `make firmware-report` (tests/firmware/mps2-an386/report.py) on %s UTC"
             % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
             "from the images as built and two runs of each against the mock endpoint: `unlock` of",
             "three tasks over one kept-alive connection, then `unlock close-m1 close-m2 ok-m3`",
             "(the mock closes the connection after each `close-` answer, so task 2 is a new",
             "connection that resumes the TLS session of task 1; the run checks that it did),",
             "under `%s`" % qemu,
             "with `-icount shift=0` (one instruction is one nanosecond of the board's clock; busy",
             "time is the clock less the time asleep in WFI, read from SysTick at 40 ns).",
             "Edit nothing here by hand: run the target again.",
             ""]
    head = "| | " + " | ".join(l for l, _ in images) + " |"
    lines += [head, "|---|" + "---:|" * len(images)]

    def row(name, values):
        lines.append("| %s | %s |" % (name, " | ".join(values)))

    secs = {l: sections(e) for l, e in images}
    r = {l: dict(runs.get(l, {})) for l, _ in images}
    for l, _ in images:  # peaks: the higher of the two runs (the reconnect holds a ticket too)
        for key in ("pool_peak", "main_used", "tcpip_used"):
            if key in runs.get(l + " resumed", {}):
                r[l][key] = max(r[l].get(key, 0), runs[l + " resumed"][key])
    row("flash: text + data (bytes)", ["%d" % (s[".isr_vector"] + s[".text"] + s.get(".ARM.exidx", 0)
                                                + s.get(".init_array", 0) + s.get(".fini_array", 0)
                                                + s[".data"]) for s in secs.values()])
    row("static RAM: data + bss + main stack (bytes)",
        ["%d" % (s[".data"] + s[".bss"] + s[".stack"]) for s in secs.values()])
    row("... of which the mbedTLS pool", ["%d" % r[l].get("pool", 0) for l, _ in images])
    row("mbedTLS pool peak (bytes, either run)", ["%d" % r[l].get("pool_peak", 0) for l, _ in images])
    row("main stack high-water (bytes, of)", ["%d of %d" % (r[l].get("main_used", 0), r[l].get("main", 0))
                                              for l, _ in images])
    row("tcpip thread stack high-water (bytes, of)",
        ["%d of %d" % (r[l].get("tcpip_used", 0), r[l].get("tcpip", 0)) for l, _ in images])
    row("hcsms_client context (bytes)", ["%d" % r[l].get("context", 0) for l, _ in images])
    row("C heap calls (_sbrk)", ["%d" % r[l].get("sbrk", -1) for l, _ in images])
    row("instructions, task 1 (connect + full handshake + unlock)",
        ["%.1fM" % (r[l]["tasks"][0] / 1e6) if r[l].get("tasks") else "-" for l, _ in images])
    row("instructions, each further task (kept alive)",
        ["%.0fk" % (sum(r[l]["tasks"][1:]) / len(r[l]["tasks"][1:]) / 1e3)
         if len(r[l].get("tasks", [])) > 1 else "-" for l, _ in images])
    resumed = {l: runs.get(l + " resumed", {}).get("tasks", []) for l, _ in images}
    row("instructions, a reconnect: connect + resumed handshake + unlock",
        ["%.1fM" % (resumed[l][1] / 1e6) if len(resumed[l]) > 1 else "-" for l, _ in images])
    need = {}
    for l, _ in images:
        s, x = secs[l], r[l]
        need[l] = (s[".data"] + s[".bss"] + s[".stack"] - (x.get("pool", 0) - x.get("pool_peak", 0))
                   - (x.get("main", 0) - x.get("main_used", 0)) - (x.get("tcpip", 0) - x.get("tcpip_used", 0)))
    row("RAM with pool and stacks cut to their peaks (bytes)", ["%d" % need[l] for l, _ in images])
    row("left on a 128 KB-RAM part (bytes; negative: over)", ["%d" % (BUDGET - need[l]) for l, _ in images])
    size_sh = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "size.sh")
    for label, elf in images:
        text = subprocess.run(["sh", size_sh, os.path.dirname(os.path.abspath(elf))], check=True,
                              capture_output=True, text=True,
                              env=dict(os.environ, ELF_NAME=os.path.basename(elf)[:-4])).stdout
        table = text[text.index("### The image"):].split("\n\n")[1]
        lines += ["", "Flash and RAM by part, %s (from the linker map, `tests/firmware/size.sh`):" % label,
                  "", table]
    lines += ["",
              "Cutting a pool or stack to its measured peak leaves no margin: a product keeps",
              "some (another server's certificate chain, a longer error body). Not in RAM above:",
              "what this test board reads from the host (`.hostio` in PSRAM: command line, the",
              "token of up to 16 KB, CA bundle, AK/SK), which a device keeps in flash.",
              "More detail (per hcsms file, largest symbols and stack frames): `make size`,",
              "`make size-recommended`.",
              ""]
    with open(out_path, "w") as f:
        f.write("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
