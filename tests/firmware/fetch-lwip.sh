#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetch lwIP 2.1.3 (Debian bookworm's "lwip" source package) into a cache
# folder and unpack it, checked against pinned SHA-256 sums.
#
#   tests/firmware/fetch-lwip.sh CACHE_DIR
#
# Afterwards CACHE_DIR/lwip-2.1.3 is upstream lwIP 2.1.3 as released (the
# orig tarball; Debian only dropped generated Doxygen output). Debian's own
# patches adapt lwIP to Linux user space, so the firmware build does not
# apply them. The one that adds the Unix OS layer (debian/patches/port:
# sys_arch.c on pthreads, arch/cc.h, arch/sys_arch.h) is unpacked on its own
# into CACHE_DIR/unix-port for the host test of the port (port-test).
#
# apt-get is used with a private sources list and private state, so the
# system's apt configuration is neither read nor changed. apt checks the
# files against the archive's signed index; the pins below make sure the
# build uses exactly the sources whose sizes we report. A tarball already in
# the cache with the right sum is used without touching the network.
set -eu

CACHE=${1:?usage: fetch-lwip.sh CACHE_DIR}
VERSION=2.1.3
ORIG=lwip_${VERSION}+dfsg1.orig.tar.xz
ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
DEBIAN=lwip_${VERSION}+dfsg1-2.debian.tar.xz
DEBIAN_SHA256=c5a48413d362cc757032cdd58f528f75eb64ee781ca46ca24f010b49b0e62a90
SUITE=${LWIP_DEBIAN_SUITE:-bookworm}

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

sum_ok() { # file sha256
    [ -f "$1" ] && echo "$2  $1" | sha256sum -c --status -
}

if [ -f "$CACHE/lwip-$VERSION/.unpacked" ]; then
    exit 0
fi

if ! sum_ok "$CACHE/$ORIG" "$ORIG_SHA256" || ! sum_ok "$CACHE/$DEBIAN" "$DEBIAN_SHA256"; then
    APT="$CACHE/apt"
    mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
    # The mirror this machine's apt uses (LWIP_DEBIAN_MIRROR overrides).
    MIRROR=${LWIP_DEBIAN_MIRROR:-$(sh "$(dirname "$0")/../../scripts/debian-mirror.sh" main)} || {
        echo "fetch-lwip: no Debian mirror in the apt configuration (set LWIP_DEBIAN_MIRROR)" >&2
        exit 1
    }
    echo "deb-src $MIRROR $SUITE main" > "$APT/sources.list"
    set -- -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -q
    tries=0
    # The mirror sometimes fails for a moment; an index update is cheap to retry.
    until apt-get "$@" update >"$APT/update.log" 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 5 ]; then
            cat "$APT/update.log" >&2
            echo "fetch-lwip: apt-get update failed $tries times" >&2
            exit 1
        fi
        sleep $((tries * 3))
    done
    (cd "$CACHE" && apt-get "$@" source --download-only "lwip=$VERSION+dfsg1-2") >"$APT/source.log" 2>&1 || {
        cat "$APT/source.log" >&2
        echo "fetch-lwip: apt-get source lwip=$VERSION+dfsg1-2 failed" >&2
        exit 1
    }
fi

for pair in "$ORIG $ORIG_SHA256" "$DEBIAN $DEBIAN_SHA256"; do
    set -- $pair
    if ! sum_ok "$CACHE/$1" "$2"; then
        echo "fetch-lwip: $1: SHA-256 is not the pinned $2" >&2
        exit 1
    fi
done

rm -rf "$CACHE/lwip-$VERSION" "$CACHE/unix-port" "$CACHE/scratch"
tar -C "$CACHE" -xJf "$CACHE/$ORIG"

# The Unix port: apply Debian's "port" patch to a scratch copy (it also
# touches src/api/sockets.c, which the builds here do not take from it) and
# keep only the files it creates under port/.
mkdir -p "$CACHE/scratch"
tar -C "$CACHE/scratch" -xJf "$CACHE/$DEBIAN" debian/patches/port
cp -R "$CACHE/lwip-$VERSION/src" "$CACHE/scratch/src"
if (cd "$CACHE/scratch" && patch -s -p1 < debian/patches/port); then
    mkdir -p "$CACHE/unix-port"
    cp -R "$CACHE/scratch/port/sys_arch.c" "$CACHE/scratch/port/include/arch" "$CACHE/unix-port/"
else
    echo "fetch-lwip: could not apply Debian's Unix port patch; port-test will not build" >&2
fi
rm -rf "$CACHE/scratch"

touch "$CACHE/lwip-$VERSION/.unpacked"
echo "fetch-lwip: lwIP $VERSION unpacked in $CACHE/lwip-$VERSION"
