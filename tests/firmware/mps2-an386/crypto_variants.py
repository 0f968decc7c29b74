#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Measure the recommended mbedTLS configuration's curve and cipher settings on
the mps2-an386 image: each variant is mbedtls-board-recommended.h with the ECP
window, the fixed-point tables, Everest's X25519 and the AEADs set explicitly,
built as its own image (the Makefile's image with MBEDTLS_FULL_CONFIG), then
measured by run_firmware_e2e.py --measure-only (the runs make firmware-report
makes) and printed as a Markdown table (docs/crypto-choices.md).

Usage: crypto_variants.py [--only NAME,...] OUTDIR          build every variant (or the
                                                           named ones) in OUTDIR/NAME,
                                                           measure, print
       crypto_variants.py [--only NAME,...] --table OUTDIR  print the table from
                                                           OUTDIR/stats.txt again
Needs what make firmware-e2e needs; lwIP and the mbedTLS source come from
build/firmware's caches (run make firmware first). About 1-2 minutes per variant.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
import report  # noqa: E402

# name: (window, fixed-point tables, Everest, what is left out, description)
VARIANTS = [
    ("w2fp0", (2, 0, 0, ""), "window 2, no tables (until issue 15)"),
    ("w4fp0", (4, 0, 0, ""), "window 4"),
    ("w2fp1", (2, 1, 0, ""), "fixed-point tables"),
    ("w4fp1", (4, 1, 0, ""), "window 4 + tables"),
    ("w2fp0ev", (2, 0, 1, ""), "Everest"),
    ("w4fp1ev", (4, 1, 1, ""), "window 4 + tables + Everest"),
    ("w2fp1ev", (2, 1, 1, ""), "tables + Everest (chosen)"),
    ("w2fp1ev-nogcm", (2, 1, 1, "gcm"), "chosen, AES-GCM left out: ChaCha20-Poly1305 negotiated"),
    ("w2fp1ev-p256m", (2, 1, 1, "p256m"), "chosen + p256-m (PSA driver) with USE_PSA_CRYPTO"),
    ("w2fp0ev-p256m", (2, 0, 1, "p256m"), "p256-m, no tables"),
    ("w4fp1ev-p256m", (4, 1, 1, "p256m"), "p256-m, window 4 + tables"),
]

# What a variant's "what is left out / added" field adds to the header.
EXTRA = {
    "gcm": ["#undef MBEDTLS_GCM_C"],
    # mbedTLS's p256-m (3rdparty/p256-m) as a PSA transparent driver for P-256
    # ECDH, ECDSA and key generation; MBEDTLS_USE_PSA_CRYPTO makes PK, X.509 and
    # TLS 1.2 run their ECC through PSA, so that the driver is used for the
    # certificate chain and the ServerKeyExchange as well as for TLS 1.3.
    "p256m": ["#define MBEDTLS_USE_PSA_CRYPTO", "#define MBEDTLS_PSA_P256M_DRIVER_ENABLED"],
}


def header(path, window, fixed, everest, drop):
    lines = ["/* SPDX-License-Identifier: Apache-2.0 */",
             '#include "%s"' % os.path.join(HERE, "mbedtls-board-recommended.h"),
             "#undef MBEDTLS_ECP_WINDOW_SIZE", "#define MBEDTLS_ECP_WINDOW_SIZE %d" % window,
             "#undef MBEDTLS_ECP_FIXED_POINT_OPTIM", "#define MBEDTLS_ECP_FIXED_POINT_OPTIM %d" % fixed,
             "#undef MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED"]
    if everest:
        lines.append("#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED")
    lines += EXTRA.get(drop, []) if drop else []
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def build(out, variants):
    cache = os.path.join(REPO, "build", "firmware")
    for name, knobs, _ in variants:
        cfg = os.path.join(out, name + ".h")
        header(cfg, *knobs)
        sys.stderr.write("crypto_variants: building %s\n" % name)
        with open(os.path.join(out, name + ".log"), "w") as log:
            subprocess.run(["make", "--no-print-directory", "-j2", "-f",
                            os.path.join(REPO, "tests", "firmware", "Makefile"),
                            "BUILD=" + os.path.join(out, name), "LWIP_CACHE=" + os.path.join(cache, "lwip"),
                            "MBEDTLS_CACHE=" + os.path.join(cache, "mbedtls-cache"),
                            "MBEDTLS_FULL_CONFIG=" + cfg, "all"], check=True, stdout=log, stderr=log)
    stats = os.path.join(out, "stats.txt")
    if os.path.exists(stats):
        os.remove(stats)
    subprocess.run([sys.executable, os.path.join(HERE, "run_firmware_e2e.py"), "--measure-only",
                    "--stats-file", stats] + [elf(out, n) for n, _, _ in variants], check=True)


def elf(out, name):
    return os.path.join(out, name, "hcsms-mps2-an386.elf")


def table(out, variants):
    runs = report.stats(os.path.join(out, "stats.txt"))
    rows = ["| variant | window | tables | Everest | flash (bytes) | pool peak (bytes) "
            "| full handshake task | resumed reconnect | kept-alive task |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, (window, fixed, everest, _), text in variants:
        s = report.sections(elf(out, name))
        flash = (s[".isr_vector"] + s[".text"] + s.get(".ARM.exidx", 0) + s.get(".init_array", 0)
                 + s.get(".fini_array", 0) + s[".data"])
        a, b = runs.get(name, {}), runs.get(name + " resumed", {})
        if len(a.get("tasks", [])) < 3 or len(b.get("tasks", [])) < 2:
            rows.append("| %s | %d | %d | %d | %d | - | - | - | - |" % (text, window, fixed, everest, flash))
            continue
        rows.append("| %s | %d | %d | %s | %d | %d | %.1fM | %.1fM | %.0fk |" % (
            text, window, fixed, "yes" if everest else "no", flash,
            max(a["pool_peak"], b["pool_peak"]), a["tasks"][0] / 1e6, b["tasks"][1] / 1e6,
            sum(a["tasks"][1:]) / 2e3))
    print("\n".join(rows))


def main():
    args, variants = sys.argv[1:], VARIANTS
    if len(args) >= 2 and args[0] == "--only":
        names = args[1].split(",")
        unknown = set(names) - set(n for n, _, _ in VARIANTS)
        if unknown:
            sys.stderr.write("crypto_variants: no variant %s\n" % ", ".join(sorted(unknown)))
            return 2
        variants = [v for v in VARIANTS if v[0] in names]
        args = args[2:]
    if len(args) == 2 and args[0] == "--table":
        table(args[1], variants)
        return 0
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    out = os.path.abspath(args[0])
    os.makedirs(out, exist_ok=True)
    build(out, variants)
    table(out, variants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
