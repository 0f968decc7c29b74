#!/usr/bin/env bash
# build-mbedtls.sh - fetch and build a pinned mbedTLS 3.6 LTS (static libraries
# only) for hcsms, from Debian's `mbedtls` SOURCE package (forky, else sid).
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
#   MBEDTLS_CACHE    download/apt state/build directory (default:
#                    build/mbedtls-src-cache, relative to the repository root)
#   MBEDTLS_JOBS     make parallelism (default 2)
#   MBEDTLS_VERBOSE  1 = show the compiler output live instead of only on failure
#   MBEDTLS_KEEP_BUILD 1 = keep the unpacked build tree in the cache
#
# How the source is obtained (nothing is vendored in the repository; the
# system's apt configuration is not touched):
#   - a private sources.list (deb-src for each of DEBIAN_SUITES), lists
#     folder and apt cache under $MBEDTLS_CACHE/apt;
#   - apt-get update + apt-get source --download-only mbedtls=$PINNED_VERSION,
#     run in $MBEDTLS_CACHE/dl. apt checks the downloaded files against the
#     Sources index, which is covered by the signed InRelease file;
#   - the upstream .orig tarball is checked against PINNED_SHA256 (and against
#     the .dsc) with sha256sum before it is unpacked with tar.
#   If the tarball is already in the cache with the right checksum, no network
#   access happens at all.
#
# Patches: NONE are applied. The build uses the pristine upstream .orig
# tarball (a release tarball: it already contains the generated sources
# error.c, version_features.c, ssl_debug_helpers_generated.c,
# psa_crypto_driver_wrappers*.{c,h} and the framework/ submodule, so neither
# python3 nor git is needed). Debian's patches are not needed here: they
# silence compiler warnings that are only fatal with -Werror (the library
# Makefile does not use -Werror) or concern the CMake build (not used).
# dpkg-source (dpkg-dev) is therefore not needed either.
#
# Build: mbedTLS's own library/Makefile, targets libmbedcrypto.a libmbedx509.a
# libmbedtls.a only (no tests, no programs), make -j2 with CC, AR, CFLAGS.
#
# Idempotent: if OUTDIR already holds a complete build of the pinned version
# made with the same compiler, AR, flags and config file contents, the script
# exits 0 immediately.
#
# To move the pin: apt-cache -o Dir::Etc::sourcelist=$MBEDTLS_CACHE/apt/sources.list \
#   -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$MBEDTLS_CACHE/apt/lists \
#   -o Dir::Cache=$MBEDTLS_CACHE/apt/cache showsrc mbedtls
# and copy Version and the Checksums-Sha256 line of the .orig tarball below.

set -euo pipefail

# ---- pin ---------------------------------------------------------------------
# 3.6.7: 3.6.6 refused the RSA-PSS signature of every TLS 1.2 server with an
# RSA key whose TLS library prefers PSS (OpenSSL's, GnuTLS's, wolfSSL's
# defaults; upstream issue #10668), and 3.6.7 fixes 16 CVEs 3.6.6 has.
PINNED_VERSION='3.6.7-3'             # Debian source version (forky, sid)
PINNED_UPSTREAM='3.6.7'              # upstream version (= MBEDTLS_VERSION_STRING)
PINNED_ORIG='mbedtls_3.6.7.orig.tar.bz2'
PINNED_SHA256='a7e8bcbec0e6f761b4af24f25677626b35f762f68eef79c08677a363212d11f6'
# Suites tried, in order (the mirrors: this machine's apt configuration); any
# Debian revision of the pinned upstream version in them will do, as only its
# SHA-256-checked orig tarball is used.
DEBIAN_SUITES='forky sid'
STAMP_FORMAT=1

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

CONFIG_STAMP=
CONSUMER_CFLAGS=
declare -a INSTALL_CONFIGS=()
add_config() {  # $1 = macro name, $2 = file, $3 = installed name
    local macro=$1 file=$2 inst=$3 abs sum
    [ -f "$file" ] || die "$macro=$file: no such file"
    abs=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
    case "$abs" in *[\ \"\'\\]*) die "$macro path must not contain spaces or quotes: $abs" ;; esac
    sum=$(sha256sum "$abs" | cut -d' ' -f1)
    CFLAGS_ALL="$CFLAGS_ALL -D$macro='\"$abs\"'"
    CONFIG_STAMP="${CONFIG_STAMP}config: $macro=$abs sha256=$sum"$'\n'
    # A configuration that #includes another of its folder (the -test and
    # -baremetal ones include mbedtls-hcsms.h): that one's edits rebuild too.
    local inc
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$abs"); do
        [ -f "$(dirname "$abs")/$inc" ] || continue
        sum=$(sha256sum "$(dirname "$abs")/$inc" | cut -d' ' -f1)
        CONFIG_STAMP="${CONFIG_STAMP}config include: $inc sha256=$sum"$'\n'
    done
    CONSUMER_CFLAGS="${CONSUMER_CFLAGS:+$CONSUMER_CFLAGS }-D$macro='\"$inst\"'"
    INSTALL_CONFIGS+=("$abs" "$inst")
}
[ -z "${MBEDTLS_CONFIG_FILE:-}" ] || add_config MBEDTLS_CONFIG_FILE "$MBEDTLS_CONFIG_FILE" mbedtls-config.h
[ -z "${MBEDTLS_USER_CONFIG_FILE:-}" ] || add_config MBEDTLS_USER_CONFIG_FILE "$MBEDTLS_USER_CONFIG_FILE" mbedtls-user-config.h

# ---- stamp / up-to-date check -------------------------------------------------
CC_VERSION=$("${CC_WORDS[@]}" --version 2>/dev/null | head -n1 || true)
CC_TARGET=$("${CC_WORDS[@]}" -dumpmachine 2>/dev/null || echo unknown)
STAMP="stamp-format: $STAMP_FORMAT
mbedtls: $PINNED_UPSTREAM
debian-source: mbedtls $PINNED_VERSION ($DEBIAN_SUITES)
orig: $PINNED_ORIG sha256=$PINNED_SHA256
patches: none (pristine upstream orig tarball)
cc: $CC
cc-path: $(command -v "$CC_BIN")
cc-version: $CC_VERSION
cc-target: $CC_TARGET
ar: $AR
cflags: $CFLAGS_ALL
${CONFIG_STAMP}"

LIBS=(libmbedcrypto.a libmbedx509.a libmbedtls.a)
is_complete() {
    local d=$1 l
    [ -f "$d/BUILDINFO" ] && [ "$(cat "$d/BUILDINFO")" = "$(printf '%s' "$STAMP")" ] || return 1
    [ "$(cat "$d/VERSION" 2>/dev/null)" = "$PINNED_UPSTREAM" ] || return 1
    [ -f "$d/include/mbedtls/build_info.h" ] && [ -f "$d/include/psa/crypto.h" ] || return 1
    for l in "${LIBS[@]}"; do [ -s "$d/lib/$l" ] || return 1; done
}
if is_complete "$OUTDIR"; then
    say "mbedTLS $PINNED_UPSTREAM already built in $OUTDIR for CC='$CC' CFLAGS='$CFLAGS_ALL' - nothing to do"
    exit 0
fi

say "building mbedTLS $PINNED_UPSTREAM (Debian source $PINNED_VERSION, from $DEBIAN_SUITES) into $OUTDIR"
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
    if is_complete "$OUTDIR"; then   # a concurrent run may have finished it
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
ORIG_PATH=$DL/$PINNED_ORIG
mkdir -p "$DL" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
# The mirrors apt is configured with on this machine (scripts/debian-mirror.sh;
# HCSMS_DEBIAN_MIRROR / HCSMS_DEBIAN_SECURITY_MIRROR override), serving the
# pinned suite's sources. Only needed when the tarball is not cached yet.
DEBIAN_MIRROR=$(sh "$SCRIPT_DIR/debian-mirror.sh" main 2>/dev/null) || DEBIAN_MIRROR=
{
    for suite in $DEBIAN_SUITES; do
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
    [ -f "$ORIG_PATH" ] && [ "$(sha256sum "$ORIG_PATH" | cut -d' ' -f1)" = "$PINNED_SHA256" ]
}

fetch_source() {
    local attempt versions v log=$CACHE/apt.log
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found (a Debian-based system is required to fetch the source)"
    : >"$log"
    for attempt in 1 2 3; do
        say "fetch: apt-get update (private lists in $APTDIR, attempt $attempt/3)"
        apt-get "${APT_OPTS[@]}" -q update >>"$log" 2>&1 ||
            warn "apt-get update exited non-zero (see $log); trying the download anyway"
        say "fetch: apt-get source --download-only mbedtls=$PINNED_VERSION"
        if (cd "$DL" && apt-get "${APT_OPTS[@]}" -q source --download-only "mbedtls=$PINNED_VERSION") >>"$log" 2>&1 &&
            [ -f "$ORIG_PATH" ]; then
            return 0
        fi
        # Is the pinned version gone from the archive (permanent), or was this a
        # network problem (retry)? The orig tarball is all we use, so another
        # Debian revision of the same upstream version is acceptable: the
        # SHA-256 check below still guarantees the exact upstream source.
        versions=$(apt-cache "${APT_OPTS[@]}" showsrc mbedtls 2>/dev/null | sed -n 's/^Version: //p' | sort -u || true)
        if [ -n "$versions" ]; then
            for v in $versions; do
                case "$v" in "$PINNED_UPSTREAM"-*) ;; *) continue ;; esac
                [ "$v" != "$PINNED_VERSION" ] || continue
                warn "mbedtls=$PINNED_VERSION not downloadable; trying $v (same upstream orig tarball)"
                if (cd "$DL" && apt-get "${APT_OPTS[@]}" -q source --download-only "mbedtls=$v") >>"$log" 2>&1 &&
                    [ -f "$ORIG_PATH" ]; then
                    return 0
                fi
            done
            if ! printf '%s\n' "$versions" | grep -q "^$PINNED_UPSTREAM-"; then
                tail -n 20 "$log" >&2
                die "Debian's $DEBIAN_SUITES (mirror ${DEBIAN_MIRROR:-none found in the apt configuration}) no longer carry mbedtls $PINNED_UPSTREAM (available: ${versions//$'\n'/ }). Update PINNED_VERSION/PINNED_ORIG/PINNED_SHA256 in $0"
            fi
        fi
        [ "$attempt" -lt 3 ] && { say "fetch: download failed, retrying in $((attempt * 5))s"; sleep $((attempt * 5)); }
    done
    tail -n 20 "$log" >&2
    die "could not download mbedtls $PINNED_VERSION from $DEBIAN_MIRROR after 3 attempts (log: $log)"
}

if orig_ok; then
    say "fetch: $PINNED_ORIG already in cache ($DL), checksum OK - no download"
else
    rm -f "$ORIG_PATH"
    fetch_source
fi

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

# ---- build -------------------------------------------------------------------
LOG=$WORK/build.log
say "build: make -C library -j$JOBS ${LIBS[*]}"
MAKE_ARGS=(-C "$SRC/library" -j"$JOBS" CC="$CC" AR="$AR" CFLAGS="$CFLAGS_ALL" "${LIBS[@]}")
# Do not let a calling make (MAKEFLAGS carries its command-line variables) or
# stray variables that mbedTLS's Makefile tests with ifdef change the build.
MAKE_ENV=(env -u MAKEFLAGS -u MFLAGS -u WINDOWS -u WINDOWS_BUILD -u SHARED)
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

# ---- install -----------------------------------------------------------------
mkdir -p "$OUTDIR"
STAGE=$(mktemp -d "$OUTDIR/.stage.XXXXXX")
mkdir -p "$STAGE/include" "$STAGE/lib"
cp -R "$SRC/include/mbedtls" "$SRC/include/psa" "$STAGE/include/"
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
