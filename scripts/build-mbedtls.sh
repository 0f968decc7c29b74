#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-mbedtls.sh - fetch and build a pinned mbedTLS 3.6 LTS (static libraries
# only) for hcsms, from Debian's `mbedtls` SOURCE package: the first of a short
# list of known-good releases (PINS below) that the suites carrying it serve.
#
# Usage:
#   scripts/build-mbedtls.sh OUTDIR [CC] [extra CFLAGS...]
#
#   OUTDIR   receives include/{mbedtls,psa}/..., lib/libmbedtls.a,
#            lib/libmbedx509.a, lib/libmbedcrypto.a, VERSION (upstream version,
#            e.g. "3.6.7"), BUILDINFO (exact Debian source version, checksum,
#            compiler, flags; also the stamp for the up-to-date check) and
#            CONSUMER_CFLAGS (flags code using the library must be compiled
#            with; empty unless a config file override is used).
#   CC       compiler (may be a command with arguments, e.g. "ccache gcc").
#            Pass "" to keep the default but give extra CFLAGS; an argument
#            that starts with "-" in this position is taken as a CFLAG.
#   CFLAGS   extra arguments are appended to $CFLAGS (default: -O2).
#
# Environment:
#   CC, AR, CFLAGS   as usual. Default CC is ${CROSS_COMPILE}gcc, default AR is
#                    ${CROSS_COMPILE}ar, or <prefix>-ar derived from a CC named
#                    <prefix>-gcc / <prefix>-clang (e.g. arm-none-eabi-ar).
#   CROSS_COMPILE    toolchain prefix, e.g. arm-linux-gnueabihf-
#   MBEDTLS_USER_CONFIG_FILE
#                    header applied AFTER the default include/mbedtls/mbedtls_config.h
#                    (#define / #undef options there). Example for bare metal:
#                    scripts/mbedtls-baremetal-config.h
#   MBEDTLS_CONFIG_FILE
#                    header that REPLACES mbedtls_config.h entirely.
#                    Both are turned into -DMBEDTLS_[USER_]CONFIG_FILE='"<abs path>"'
#                    in CFLAGS; their contents are part of the build stamp. A copy
#                    is installed as OUTDIR/include/mbedtls-{user-,}config.h and the
#                    matching -D flag written to OUTDIR/CONSUMER_CFLAGS: anything
#                    that includes the mbedTLS headers MUST use the same flags,
#                    since the configuration changes struct layouts.
#                    (Passing -DMBEDTLS_USER_CONFIG_FILE=... yourself in CFLAGS
#                    also works, but then only the flag text is in the stamp.)
#   MBEDTLS_EVEREST_CFLAGS
#                    flags appended to CFLAGS for Everest's arithmetic only
#                    (3rdparty/everest/library/Hacl_Curve25519_joined.c, the
#                    X25519 scalar multiplication), e.g. -O3; part of the stamp.
#                    hcsms's Makefile passes -O3 for its hosted builds
#                    (docs/crypto-choices.md: twice as fast there) and nothing
#                    for Cortex-M (three times the flash).
#   MBEDTLS_CACHE    download/apt state/build directory (default:
#                    build/mbedtls-src-cache, relative to the repository root)
#   MBEDTLS_JOBS     make parallelism (default 2)
#   MBEDTLS_VERBOSE  1 = show the compiler output live instead of only on failure
#   MBEDTLS_KEEP_BUILD 1 = keep the unpacked build tree in the cache
#
# How the source is obtained (nothing is vendored in the repository; the
# system's apt configuration is not touched):
#   - a private sources.list (deb-src for each suite named in PINS), lists
#     folder and apt cache under $MBEDTLS_CACHE/apt;
#   - apt-get update, then for each pin in order apt-get source --download-only
#     mbedtls=VERSION (or another Debian revision of the same upstream
#     release), run in $MBEDTLS_CACHE/dl; failing all, the error names every
#     pin, suite and mirror tried and what the suites do list. apt checks the downloaded files against the
#     Sources index, which is covered by the signed InRelease file;
#   - the upstream .orig tarball is checked against PINNED_SHA256 (and against
#     the .dsc) with sha256sum before it is unpacked with tar.
#   If the tarball is already in the cache with the right checksum, no network
#   access happens at all.
#
# Patches: NONE are applied. The build uses the pristine upstream .orig
# tarball (a release tarball: it already contains the generated sources
# error.c, version_features.c, ssl_debug_helpers_generated.c,
# psa_crypto_driver_wrappers*.{c,h} and the framework/ submodule, so git is not
# needed). Debian's patches are not needed here: they silence compiler warnings
# that are only fatal with -Werror (the library Makefile does not use -Werror)
# or concern the CMake build (not used). dpkg-source (dpkg-dev) is therefore
# not needed either.
#
# hcsms's PSA driver (configs/psa-driver/hcsms_x25519_driver.h says why): when
# the configuration enables Everest X25519 with PSA (the header then defines
# HCSMS_X25519_DRIVER_ENABLED), the two generated driver dispatch files are
# generated again by mbedTLS's own scripts/generate_driver_wrappers.py from
# the upstream driver descriptions plus configs/psa-driver/hcsms_x25519_driver.json
# (mbedTLS's documented way to add an export_public_key driver), and the
# driver's object is built by library/Makefile's own rule and added to
# libmbedcrypto.a. That needs python3 with jinja2 and jsonschema (Debian:
# python3-jinja2, python3-jsonschema); other configurations do not.
#
# Build: mbedTLS's own library/Makefile, targets libmbedcrypto.a libmbedx509.a
# libmbedtls.a only (no tests, no programs), make -j2 with CC, AR, CFLAGS.
#
# Idempotent: if OUTDIR already holds a complete build of the pinned version
# made with the same compiler, AR, flags and config file contents, the script
# exits 0 immediately.
#
# To add a release: apt-cache -o Dir::Etc::sourcelist=$MBEDTLS_CACHE/apt/sources.list \
#   -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$MBEDTLS_CACHE/apt/lists \
#   -o Dir::Cache=$MBEDTLS_CACHE/apt/cache showsrc mbedtls
# and add a PINS line: its upstream and Debian versions, the SHA-256 from the
# Checksums-Sha256 line of the .orig tarball, the suites.

set -euo pipefail

# ---- pin ---------------------------------------------------------------------
# 3.6.7: 3.6.6 refused the RSA-PSS signature of every TLS 1.2 server with an
# RSA key whose TLS library prefers PSS (OpenSSL's, GnuTLS's, wolfSSL's
# defaults; upstream issue #10668), and 3.6.7 fixes 16 CVEs 3.6.6 has.
# Known-good releases, preferred first: upstream version, Debian source
# version, SHA-256 of the upstream .orig tarball, the Debian suites that carry
# it (tried in order; the mirrors: this machine's apt configuration). Any
# Debian revision of a listed upstream version will do, as only its
# SHA-256-checked orig tarball is used. To add a release, add a line on top.
PINS='
3.6.7 3.6.7-3 a7e8bcbec0e6f761b4af24f25677626b35f762f68eef79c08677a363212d11f6 forky,sid
'
# select_pin LINE: sets PINNED_UPSTREAM, PINNED_VERSION, PINNED_SHA256,
# PINNED_ORIG and DEBIAN_SUITES from one line of PINS.
select_pin() {
    # shellcheck disable=SC2086
    set -- $1
    [ $# -eq 4 ] || die "PINS line '$*': expected upstream, Debian version, sha256, suites"
    PINNED_UPSTREAM=$1 PINNED_VERSION=$2 PINNED_SHA256=$3 DEBIAN_SUITES=${4//,/ }
    PINNED_ORIG=mbedtls_$PINNED_UPSTREAM.orig.tar.bz2
}
# The PINS lines, blank ones dropped, fields separated by one space.
pin_lines() { printf '%s\n' "$PINS" | awk 'NF { $1 = $1; print }'; }
STAMP_FORMAT=2

# ---- helpers -----------------------------------------------------------------
PROG=build-mbedtls
say()  { printf '[%s] %s\n' "$PROG" "$*"; }
warn() { printf '[%s] warning: %s\n' "$PROG" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; }

T0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - T0 ))s"; }

# ---- arguments ---------------------------------------------------------------
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    '') usage >&2; die "missing OUTDIR" ;;
esac
OUTDIR_ARG=$1; shift

ARG_CC=
if [ $# -gt 0 ]; then
    case "$1" in
        -*) ;;                       # no CC given, first extra CFLAG
        *) ARG_CC=$1; shift ;;
    esac
fi
EXTRA_CFLAGS=("$@")

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

abspath() {  # absolute path of a possibly non-existing path
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        *)  printf '%s/%s\n' "$PWD" "$1" ;;
    esac
}
OUTDIR=$(abspath "$OUTDIR_ARG")
CACHE=$(abspath "${MBEDTLS_CACHE:-$REPO_ROOT/build/mbedtls-src-cache}")
JOBS=${MBEDTLS_JOBS:-2}

# ---- toolchain ---------------------------------------------------------------
CROSS_COMPILE=${CROSS_COMPILE:-}
if [ -n "$ARG_CC" ]; then
    CC=$ARG_CC
elif [ -n "${CC:-}" ]; then
    : # from the environment
elif [ -n "$CROSS_COMPILE" ]; then
    CC=${CROSS_COMPILE}gcc
elif command -v gcc >/dev/null 2>&1; then
    CC=gcc
else
    CC=cc
fi

read -r -a CC_WORDS <<<"$CC"
[ ${#CC_WORDS[@]} -gt 0 ] || die "empty CC"
# the real compiler is the last word that is not an option (handles "ccache gcc")
CC_BIN=
for w in "${CC_WORDS[@]}"; do
    case "$w" in -*) ;; *) CC_BIN=$w ;; esac
done
command -v "${CC_WORDS[0]}" >/dev/null 2>&1 ||
    die "compiler '${CC_WORDS[0]}' not found in PATH (CC='$CC'${CROSS_COMPILE:+, CROSS_COMPILE=$CROSS_COMPILE})"
command -v "$CC_BIN" >/dev/null 2>&1 || die "compiler '$CC_BIN' not found in PATH (CC='$CC')"

if [ -z "${AR:-}" ]; then
    AR=
    if [ -n "$CROSS_COMPILE" ] && command -v "${CROSS_COMPILE}ar" >/dev/null 2>&1; then
        AR=${CROSS_COMPILE}ar
    else
        cc_base=$(basename "$CC_BIN")
        case "$cc_base" in
            *-gcc|*-gcc-[0-9]*|*-clang|*-clang-[0-9]*|*-cc)
                prefix=${cc_base%-*}
                case "$cc_base" in *-gcc-[0-9]*|*-clang-[0-9]*) prefix=${prefix%-*} ;; esac
                if command -v "$(dirname "$CC_BIN")/$prefix-ar" >/dev/null 2>&1 && [ "$(dirname "$CC_BIN")" != . ]; then
                    AR=$(dirname "$CC_BIN")/$prefix-ar
                elif command -v "$prefix-ar" >/dev/null 2>&1; then
                    AR=$prefix-ar
                fi
                ;;
        esac
        [ -n "$AR" ] || AR="ar"
    fi
fi
read -r -a AR_WORDS <<<"$AR"
command -v "${AR_WORDS[0]}" >/dev/null 2>&1 || die "archiver '$AR' not found in PATH (set AR=...)"

# ---- CFLAGS and configuration files ------------------------------------------
CFLAGS_ALL=${CFLAGS:--O2}
for f in "${EXTRA_CFLAGS[@]+"${EXTRA_CFLAGS[@]}"}"; do
    CFLAGS_ALL="$CFLAGS_ALL $f"
done

EVEREST_CFLAGS=${MBEDTLS_EVEREST_CFLAGS:-}
# Compiler options only: it goes into a makefile line and a shell command.
case "$EVEREST_CFLAGS" in
    *[!-A-Za-z0-9_=.,+/:\ ]*) die "MBEDTLS_EVEREST_CFLAGS may hold letters, digits, spaces and - _ = . , + / : only: '$EVEREST_CFLAGS'" ;;
esac

CONFIG_STAMP=
CONSUMER_CFLAGS=
declare -a INSTALL_CONFIGS=()
stamp_includes() {  # $1 = a configuration file, $2 = depth: add what it #includes "..." to the stamp
    local file=$1 depth=$2 inc path
    [ "$depth" -lt 8 ] || return 0
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file"); do
        path=$(dirname "$file")/$inc
        [ -f "$path" ] || continue
        CONFIG_STAMP="${CONFIG_STAMP}config include: $inc sha256=$(sha256sum "$path" | cut -d' ' -f1)"$'\n'
        stamp_includes "$path" $((depth + 1))
    done
}
add_config() {  # $1 = macro name, $2 = file, $3 = installed name
    local macro=$1 file=$2 inst=$3 abs sum
    [ -f "$file" ] || die "$macro=$file: no such file"
    abs=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
    case "$abs" in *[\ \"\'\\]*) die "$macro path must not contain spaces or quotes: $abs" ;; esac
    sum=$(sha256sum "$abs" | cut -d' ' -f1)
    CFLAGS_ALL="$CFLAGS_ALL -D$macro='\"$abs\"'"
    CONFIG_STAMP="${CONFIG_STAMP}config: $macro=$abs sha256=$sum"$'\n'
    # A configuration that #includes others by relative name (the -test and
    # -baremetal ones include mbedtls-hcsms.h; the board's recommended one
    # includes -baremetal, which includes mbedtls-hcsms.h): their edits rebuild
    # too, at any depth.
    stamp_includes "$abs" 0
    CONSUMER_CFLAGS="${CONSUMER_CFLAGS:+$CONSUMER_CFLAGS }-D$macro='\"$inst\"'"
    INSTALL_CONFIGS+=("$abs" "$inst")
}
[ -z "${MBEDTLS_CONFIG_FILE:-}" ] || add_config MBEDTLS_CONFIG_FILE "$MBEDTLS_CONFIG_FILE" mbedtls-config.h
[ -z "${MBEDTLS_USER_CONFIG_FILE:-}" ] || add_config MBEDTLS_USER_CONFIG_FILE "$MBEDTLS_USER_CONFIG_FILE" mbedtls-user-config.h

# hcsms's PSA driver: its sources are part of the stamp of every build (whether
# a configuration uses it is decided once the source is unpacked, below).
DRIVER_DIR=$REPO_ROOT/configs/psa-driver
DRIVER_STAMP=
for f in hcsms_x25519_driver.h hcsms_x25519_driver.c hcsms_x25519_driver.json; do
    [ -f "$DRIVER_DIR/$f" ] || die "missing $DRIVER_DIR/$f"
    DRIVER_STAMP="$DRIVER_STAMP $f=$(sha256sum "$DRIVER_DIR/$f" | cut -c1-16)"
done

# ---- stamp / up-to-date check -------------------------------------------------
CC_VERSION=$("${CC_WORDS[@]}" --version 2>/dev/null | head -n1 || true)
CC_TARGET=$("${CC_WORDS[@]}" -dumpmachine 2>/dev/null || echo unknown)
make_stamp() {  # the stamp of the selected pin
    STAMP="stamp-format: $STAMP_FORMAT
mbedtls: $PINNED_UPSTREAM
debian-source: mbedtls $PINNED_VERSION ($DEBIAN_SUITES)
orig: $PINNED_ORIG sha256=$PINNED_SHA256
patches: none (pristine upstream orig tarball)
psa-driver sources:$DRIVER_STAMP
cc: $CC
cc-path: $(command -v "$CC_BIN")
cc-version: $CC_VERSION
cc-target: $CC_TARGET
ar: $AR
cflags: $CFLAGS_ALL
${EVEREST_CFLAGS:+everest cflags: $EVEREST_CFLAGS
}${CONFIG_STAMP}"
}

LIBS=(libmbedcrypto.a libmbedx509.a libmbedtls.a)
is_complete() {
    local d=$1 l
    [ -f "$d/BUILDINFO" ] && [ "$(cat "$d/BUILDINFO")" = "$(printf '%s' "$STAMP")" ] || return 1
    [ "$(cat "$d/VERSION" 2>/dev/null)" = "$PINNED_UPSTREAM" ] || return 1
    [ -f "$d/include/mbedtls/build_info.h" ] && [ -f "$d/include/psa/crypto.h" ] || return 1
    for l in "${LIBS[@]}"; do [ -s "$d/lib/$l" ] || return 1; done
}
# already_built: OUTDIR holds a complete build of one of the pins
already_built() {
    local line
    while read -r line; do
        select_pin "$line"; make_stamp
        is_complete "$OUTDIR" && return 0
    done < <(pin_lines)
    return 1
}
if already_built; then
    say "mbedTLS $PINNED_UPSTREAM already built in $OUTDIR for CC='$CC' CFLAGS='$CFLAGS_ALL' - nothing to do"
    exit 0
fi
select_pin "$(pin_lines | head -n1)"; make_stamp

say "building mbedTLS (known-good: $(pin_lines | cut -d' ' -f1 | tr '\n' ' ')) into $OUTDIR"
say "CC='$CC' ($CC_TARGET)  AR='$AR'  CFLAGS='$CFLAGS_ALL'  jobs=$JOBS"

# refuse to overwrite a directory we did not create
OWNER_MARK=.made-by-build-mbedtls
if [ -d "$OUTDIR" ] && [ ! -f "$OUTDIR/$OWNER_MARK" ] && { [ -e "$OUTDIR/include" ] || [ -e "$OUTDIR/lib" ]; }; then
    die "$OUTDIR already has include/ or lib/ not made by this script; refusing to overwrite (use an empty or new OUTDIR)"
fi

for tool in tar sha256sum make; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"
done

mkdir -p "$CACHE" || die "cannot create cache dir $CACHE"
# serialise concurrent runs sharing the cache (e.g. parallel make)
if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE/.lock"
    flock 9 || die "cannot lock $CACHE/.lock"
    if already_built; then   # a concurrent run may have finished it
        say "mbedTLS $PINNED_UPSTREAM already built in $OUTDIR (by a concurrent run) - nothing to do"
        exit 0
    fi
fi

WORK=
STAGE=
cleanup() {
    local rc=$?
    [ -z "$STAGE" ] || rm -rf "$STAGE"
    if [ -n "$WORK" ] && [ "${MBEDTLS_KEEP_BUILD:-0}" != 1 ] && [ $rc -eq 0 ]; then rm -rf "$WORK"; fi
    if [ $rc -ne 0 ]; then
        printf '[%s] FAILED after %s (exit %d)%s\n' "$PROG" "$(elapsed)" "$rc" \
            "${WORK:+; build tree kept in $WORK}" >&2
    fi
}
trap cleanup EXIT

# ---- fetch -------------------------------------------------------------------
DL=$CACHE/dl
APTDIR=$CACHE/apt
mkdir -p "$DL" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
# The mirrors apt is configured with on this machine (scripts/debian-mirror.sh;
# HCSMS_DEBIAN_MIRROR / HCSMS_DEBIAN_SECURITY_MIRROR override), serving the
# pins' suites' sources. Only needed when no pinned tarball is cached yet.
DEBIAN_MIRROR=$(sh "$SCRIPT_DIR/debian-mirror.sh" main 2>/dev/null) || DEBIAN_MIRROR=
ALL_SUITES=$(pin_lines | cut -d' ' -f4 | tr ',' '\n' | awk '!seen[$0]++' | tr '\n' ' ')
{
    for suite in $ALL_SUITES; do
        [ -z "$DEBIAN_MIRROR" ] || printf 'deb-src %s %s main\n' "$DEBIAN_MIRROR" "$suite"
    done
} >"$APTDIR/sources.list"

APT_OPTS=(
    -o "Dir::Etc::sourcelist=$APTDIR/sources.list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$APTDIR/lists"
    -o "Dir::Cache=$APTDIR/cache"
    -o "Acquire::Languages=none"
)
# as root, apt would drop privileges to _apt and warn that it cannot write to
# our download dir; downloading as root is what it falls back to anyway.
[ "$(id -u)" -ne 0 ] || APT_OPTS+=(-o "APT::Sandbox::User=root")

orig_ok() {
    [ -f "$DL/$PINNED_ORIG" ] && [ "$(sha256sum "$DL/$PINNED_ORIG" | cut -d' ' -f1)" = "$PINNED_SHA256" ]
}

# try_download: the selected pin's source from the lists fetched: its pinned
# Debian version first, then any other Debian revision of the same upstream
# version (same orig tarball; the SHA-256 check below still decides).
try_download() {
    local v versions seen=' ' log=$CACHE/apt.log
    rm -f "$DL/$PINNED_ORIG"
    versions=$(apt-cache "${APT_OPTS[@]}" showsrc mbedtls 2>/dev/null | sed -n 's/^Version: //p' | sort -u || true)
    AVAILABLE=${versions//$'\n'/ }
    for v in "$PINNED_VERSION" $versions; do
        case "$v" in "$PINNED_UPSTREAM"-*) ;; *) continue ;; esac
        case "$seen" in *" $v "*) continue ;; esac
        seen="$seen$v "
        say "fetch: apt-get source --download-only mbedtls=$v"
        if (cd "$DL" && apt-get "${APT_OPTS[@]}" -q source --download-only "mbedtls=$v") >>"$log" 2>&1 && orig_ok; then
            return 0
        fi
    done
    return 1
}

pin_listed() {  # does AVAILABLE name any pin's upstream version?
    local line
    while read -r line; do
        case " $AVAILABLE " in *" ${line%% *}-"*) return 0 ;; esac
    done < <(pin_lines)
    return 1
}

fetch_source() {
    local attempt line log=$CACHE/apt.log
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found (a Debian-based system is required to fetch the source)"
    [ -n "$DEBIAN_MIRROR" ] || die "no Debian mirror found in this machine's apt configuration (set HCSMS_DEBIAN_MIRROR)"
    : >"$log"
    for attempt in 1 2 3; do
        say "fetch: apt-get update for $ALL_SUITES (private lists in $APTDIR, attempt $attempt/3)"
        apt-get "${APT_OPTS[@]}" -q update >>"$log" 2>&1 ||
            warn "apt-get update exited non-zero (see $log); trying the download anyway"
        AVAILABLE=
        while read -r line; do
            select_pin "$line"
            try_download && return 0
        done < <(pin_lines)
        # The lists name none of the pins: the archive moved on (permanent).
        # Empty lists, or a pin listed that did not download: the network
        # (retry).
        if [ -n "$AVAILABLE" ] && ! pin_listed; then break; fi
        [ "$attempt" -lt 3 ] && { say "fetch: nothing downloaded, retrying in $((attempt * 5))s"; sleep $((attempt * 5)); }
    done
    tail -n 20 "$log" >&2
    die "no known-good mbedTLS could be fetched. Tried: $(pin_lines | awk '{printf "%s (Debian %s or any %s-* revision, sha256 %.12s..., from %s); ", $1, $2, $1, $3, $4}')mirror ${DEBIAN_MIRROR}; the suites list: ${AVAILABLE:-nothing (network?)}. Add the new release's line to PINS in $0 (log: $log)"
}

# A cached tarball of any pin (preferred first) saves the download.
CACHED=
while read -r line; do
    select_pin "$line"
    if orig_ok; then CACHED=1; break; fi
done < <(pin_lines)
if [ -n "$CACHED" ]; then
    say "fetch: $PINNED_ORIG already in cache ($DL), checksum OK - no download"
else
    fetch_source
fi
make_stamp
ORIG_PATH=$DL/$PINNED_ORIG
say "source: mbedTLS $PINNED_UPSTREAM (Debian $PINNED_VERSION, $DEBIAN_SUITES)"

# ---- verify ------------------------------------------------------------------
say "verify: sha256sum $PINNED_ORIG"
got=$(sha256sum "$ORIG_PATH" | cut -d' ' -f1)
if [ "$got" != "$PINNED_SHA256" ]; then
    mv -f "$ORIG_PATH" "$ORIG_PATH.bad"
    die "CHECKSUM MISMATCH for $PINNED_ORIG: expected $PINNED_SHA256, got $got (moved to $ORIG_PATH.bad)"
fi
# cross-check with the .dsc apt downloaded (apt itself verified the .dsc and
# the tarball against the signed Sources index)
for dsc in "$DL"/mbedtls_"$PINNED_UPSTREAM"-*.dsc; do
    [ -f "$dsc" ] || continue
    grep -q "^ $PINNED_SHA256 [0-9]* $PINNED_ORIG\$" "$dsc" ||
        die "$dsc does not list $PINNED_ORIG with sha256 $PINNED_SHA256"
done
say "verify: OK ($PINNED_SHA256)"

# ---- unpack ------------------------------------------------------------------
WORK=$(mktemp -d "$CACHE/build.XXXXXX")
say "unpack: tar -xf $PINNED_ORIG -> $WORK (upstream tarball, no Debian patches)"
tar -xf "$ORIG_PATH" -C "$WORK" || die "unpacking $ORIG_PATH failed (is bzip2 installed?)"
SRC=$WORK/mbedtls-$PINNED_UPSTREAM
[ -f "$SRC/library/Makefile" ] || die "unexpected tarball layout: $SRC/library/Makefile missing"
src_ver=$(sed -n 's/^#define MBEDTLS_VERSION_STRING[[:space:]]*"\(.*\)"/\1/p' "$SRC/include/mbedtls/build_info.h")
[ "$src_ver" = "$PINNED_UPSTREAM" ] || die "source says version '$src_ver', expected $PINNED_UPSTREAM"
for g in error.c version_features.c ssl_debug_helpers_generated.c \
         psa_crypto_driver_wrappers.h psa_crypto_driver_wrappers_no_static.c; do
    [ -f "$SRC/library/$g" ] || die "generated file library/$g missing from tarball (would need python3 + framework)"
done

# ---- hcsms's PSA driver -------------------------------------------------------
# Does this configuration enable it? Asked of the driver header itself, with
# the compiler and flags of this build (through sh, as make would pass them:
# the -DMBEDTLS_*CONFIG_FILE flags carry quotes).
DRIVER_OBJS=()
driver_enabled() {
    printf '#include "hcsms_x25519_driver.h"\n#ifdef HCSMS_X25519_DRIVER_ENABLED\nhcsms_driver_enabled\n#endif\n' \
        >"$WORK/driver-check.c"
    sh -c "$CC $CFLAGS_ALL -I'$SRC/include' -I'$DRIVER_DIR' -E '$WORK/driver-check.c'" \
        >"$WORK/driver-check.i" 2>"$WORK/driver-check.log" ||
        { cat "$WORK/driver-check.log" >&2; die "cannot preprocess $DRIVER_DIR/hcsms_x25519_driver.h with this build's flags"; }
    grep -q '^hcsms_driver_enabled$' "$WORK/driver-check.i"
}
# A python3 with jinja2 and jsonschema: the one on PATH, else Debian's.
generator_python() {
    local py
    for py in "${PYTHON:-python3}" /usr/bin/python3; do
        command -v "$py" >/dev/null 2>&1 && "$py" -c 'import jinja2, jsonschema' 2>/dev/null &&
            { printf '%s\n' "$py"; return 0; }
    done
    return 1
}
if driver_enabled; then
    GEN_PY=$(generator_python) ||
        die "this configuration enables Everest X25519 with PSA, so hcsms's PSA driver is built in, and mbedTLS's scripts/generate_driver_wrappers.py needs python3 with jinja2 and jsonschema (Debian: python3-jinja2 python3-jsonschema)"
    JSONS=$WORK/driver_jsons
    cp -R "$SRC/scripts/data_files/driver_jsons" "$JSONS"
    cp "$DRIVER_DIR/hcsms_x25519_driver.json" "$JSONS/"
    "$GEN_PY" -c 'import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    drivers = json.load(f)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(drivers + ["hcsms_x25519_driver.json"], f)' "$JSONS/driverlist.json" ||
        die "cannot add the driver to $JSONS/driverlist.json"
    say "psa driver: hcsms_x25519 (export_public_key): scripts/generate_driver_wrappers.py --json-dir $JSONS"
    (cd "$SRC" && "$GEN_PY" scripts/generate_driver_wrappers.py --json-dir "$JSONS" library) \
        >"$WORK/generate.log" 2>&1 || { cat "$WORK/generate.log" >&2; die "generate_driver_wrappers.py failed"; }
    grep -q hcsms_x25519_transparent_export_public_key "$SRC/library/psa_crypto_driver_wrappers_no_static.c" ||
        die "the regenerated library/psa_crypto_driver_wrappers_no_static.c does not call the driver"
    cp "$DRIVER_DIR/hcsms_x25519_driver.h" "$DRIVER_DIR/hcsms_x25519_driver.c" "$SRC/library/"
    DRIVER_OBJS=(hcsms_x25519_driver.o)
else
    say "psa driver: not used by this configuration (no Everest X25519 with PSA)"
fi

# ---- build -------------------------------------------------------------------
LOG=$WORK/build.log
say "build: make -C library -j$JOBS ${DRIVER_OBJS[*]+${DRIVER_OBJS[*]} }${LIBS[*]}"
# Do not let a calling make (MAKEFLAGS carries its command-line variables) or
# stray variables that mbedTLS's Makefile tests with ifdef change the build.
MAKE_ENV=(env -u MAKEFLAGS -u MFLAGS -u WINDOWS -u WINDOWS_BUILD -u SHARED -u GEN_FILES)
MAKE_ARGS=(-C "$SRC/library" -j"$JOBS" CC="$CC" AR="$AR" CFLAGS="$CFLAGS_ALL")
if [ -n "$EVEREST_CFLAGS" ]; then
    # A pattern-specific variable in a makefile read after mbedTLS's own: the
    # object's rule stays library/Makefile's, its CFLAGS get these appended
    # (override: CFLAGS is also given on make's command line). The pattern
    # also matches the object's name as 3rdparty/Makefile.inc spells it
    # ("../3rdparty//everest/...").
    printf '%%/everest/library/Hacl_Curve25519_joined.o: override CFLAGS += %s\n' "$EVEREST_CFLAGS" \
        >"$WORK/everest-cflags.mk"
    MAKE_ARGS+=(-f Makefile -f "$WORK/everest-cflags.mk")
    # That the pattern names the object mbedTLS's Makefile builds, and the
    # flags come last: its compile command, as make would run it.
    everest_obj=$("${MAKE_ENV[@]}" make -s -C "$SRC/library" -f Makefile -f "$WORK/everest-cflags.mk" \
        --eval 'hcsms-print-everest: ; @echo $(filter %/everest/library/Hacl_Curve25519_joined.o,$(OBJS_CRYPTO))' \
        hcsms-print-everest 2>/dev/null) || everest_obj=
    [ -n "$everest_obj" ] ||
        die "MBEDTLS_EVEREST_CFLAGS: mbedTLS's library/Makefile builds no .../everest/library/Hacl_Curve25519_joined.o (does this configuration have Everest?)"
    everest_cmd=$("${MAKE_ENV[@]}" make -n -B "${MAKE_ARGS[@]}" "$everest_obj" 2>/dev/null) || everest_cmd=
    case "$everest_cmd" in
        *"$CFLAGS_ALL $EVEREST_CFLAGS -o $everest_obj "*) ;;
        *) die "MBEDTLS_EVEREST_CFLAGS: make would not compile $everest_obj with '$EVEREST_CFLAGS' last" ;;
    esac
    say "everest: $everest_obj also with $EVEREST_CFLAGS"
fi
MAKE_ARGS+=("${DRIVER_OBJS[@]+"${DRIVER_OBJS[@]}"}" "${LIBS[@]}")
if [ "${MBEDTLS_VERBOSE:-0}" = 1 ]; then
    "${MAKE_ENV[@]}" make "${MAKE_ARGS[@]}" 2>&1 | tee "$LOG"
    rc=${PIPESTATUS[0]}
else
    rc=0
    "${MAKE_ENV[@]}" make "${MAKE_ARGS[@]}" >"$LOG" 2>&1 || rc=$?
fi
if [ "$rc" -ne 0 ]; then
    echo "----- last 60 lines of $LOG -----" >&2
    tail -n 60 "$LOG" >&2
    echo "---------------------------------" >&2
    die "compiling mbedTLS failed (make exit $rc, CC='$CC', CFLAGS='$CFLAGS_ALL')"
fi
nwarn=$(grep -c 'warning:' "$LOG" || true)
say "build: done after $(elapsed) total ($(grep -c '^  CC ' "$LOG" || true) files compiled, $nwarn compiler warnings; log $LOG)"
for l in "${LIBS[@]}"; do
    [ -s "$SRC/library/$l" ] || die "build did not produce library/$l"
done
if [ ${#DRIVER_OBJS[@]} -gt 0 ]; then
    # The dispatch code as compiled, not only as generated, calls the driver.
    grep -q hcsms_x25519_transparent_export_public_key "$SRC/library/psa_crypto_driver_wrappers_no_static.o" ||
        die "library/psa_crypto_driver_wrappers_no_static.o does not call the driver (compiled out?)"
    (cd "$SRC/library" && "${AR_WORDS[@]}" rs libmbedcrypto.a "${DRIVER_OBJS[@]}") >>"$LOG" 2>&1 ||
        die "cannot add ${DRIVER_OBJS[*]} to libmbedcrypto.a"
fi

# ---- install -----------------------------------------------------------------
mkdir -p "$OUTDIR"
STAGE=$(mktemp -d "$OUTDIR/.stage.XXXXXX")
mkdir -p "$STAGE/include" "$STAGE/lib"
cp -R "$SRC/include/mbedtls" "$SRC/include/psa" "$STAGE/include/"
# Everest's headers, as mbedTLS's own CMake install does: mbedtls/ecdh.h includes
# everest/everest.h when a configuration sets MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED.
cp -R "$SRC/3rdparty/everest/include/everest" "$STAGE/include/"
cp "${LIBS[@]/#/$SRC/library/}" "$STAGE/lib/"
i=0
while [ $i -lt ${#INSTALL_CONFIGS[@]} ]; do
    cp "${INSTALL_CONFIGS[$i]}" "$STAGE/include/${INSTALL_CONFIGS[$((i + 1))]}"
    i=$((i + 2))
done
printf '%s\n' "$PINNED_UPSTREAM" >"$STAGE/VERSION"
printf '%s\n' "$CONSUMER_CFLAGS" >"$STAGE/CONSUMER_CFLAGS"
printf '%s' "$STAMP" >"$STAGE/BUILDINFO"

: >"$OUTDIR/$OWNER_MARK"           # we may replace include/ and lib/ here from now on
rm -f "$OUTDIR/BUILDINFO"          # invalidate the stamp first
for e in include lib VERSION CONSUMER_CFLAGS; do
    rm -rf "${OUTDIR:?}/$e"
    mv "$STAGE/$e" "$OUTDIR/$e"
done
mv "$STAGE/BUILDINFO" "$OUTDIR/BUILDINFO"   # commit
rmdir "$STAGE"; STAGE=

is_complete "$OUTDIR" || die "installed tree in $OUTDIR failed the completeness check"
say "installed: $OUTDIR/include/{mbedtls,psa}, $OUTDIR/lib/{${LIBS[*]}} (VERSION $PINNED_UPSTREAM)"
[ -z "$CONSUMER_CFLAGS" ] || say "compile code using these headers with: -I$OUTDIR/include $CONSUMER_CFLAGS"
say "total time $(elapsed)"
