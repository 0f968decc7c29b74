#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages that building and testing hcsms needs, if any
# is missing. Needs root (or sudo) the first time; a no-op afterwards.
set -u
PACKAGES="build-essential clang tinyproxy curl stunnel4 lighttpd lighttpd-mod-openssl lighttpd-mod-gnutls lighttpd-mod-wolfssl gnutls-bin libcurl4-openssl-dev strace time pkg-config libclang-rt-14-dev clang-tidy cppcheck libmbedtls-dev libjsmn-dev libcmocka-dev nginx-light openssl python3 python3-jinja2 python3-jsonschema valgrind bzip2 man-db groff-base doxygen gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm iproute2"

# The armhf and aarch64 cross builds (mbedTLS built from source for each)
# and their tests under qemu-user need cmocka for those architectures
# (multiarch).
PACKAGES="$PACKAGES gcc-arm-linux-gnueabihf libc6-dev-armhf-cross libcmocka-dev:armhf"
PACKAGES="$PACKAGES gcc-aarch64-linux-gnu libc6-dev-arm64-cross libcmocka-dev:arm64 qemu-user"
for arch in armhf arm64; do
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        SUDO=
        [ "$(id -u)" -eq 0 ] || SUDO=sudo
        $SUDO dpkg --add-architecture "$arch"
    fi
done

missing=
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: not a Debian system; install:$missing" >&2
    exit 1
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing$missing"
# apt-get update can fail on a passing mirror hiccup: retry, then judge by
# whether the install works.
for attempt in 1 2 3; do
    $SUDO apt-get update -q >/dev/null 2>&1 && break
    echo "install-deps: apt-get update failed (attempt $attempt), retrying" >&2
    sleep 5
done
for attempt in 1 2 3; do
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing && exit 0
    echo "install-deps: apt-get install failed (attempt $attempt), retrying" >&2
    sleep 5
    $SUDO apt-get update -q >/dev/null 2>&1
done
exit 1
