#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# debian-mirror.sh [main|security] - print the Debian mirror this machine's
# apt is configured with, so that scripts fetching source packages use it and
# name no host themselves.
#
#   main      the URI that serves the machine's release (VERSION_CODENAME of
#             /etc/os-release), e.g. its "bookworm" suite (default)
#   security  the URI that serves "<codename>-security"
#
# Read from /etc/apt/sources.list.d/*.sources (deb822) and from
# /etc/apt/sources.list and sources.list.d/*.list (one-line form); disabled
# files (other endings) are not read. HCSMS_DEBIAN_MIRROR and
# HCSMS_DEBIAN_SECURITY_MIRROR override what is found. Exit 1 (nothing
# printed) when apt knows no such mirror.
set -eu

want=${1:-main}
case "$want" in
    main) variable=HCSMS_DEBIAN_MIRROR; override=${HCSMS_DEBIAN_MIRROR:-} ;;
    security) variable=HCSMS_DEBIAN_SECURITY_MIRROR; override=${HCSMS_DEBIAN_SECURITY_MIRROR:-} ;;
    *) echo "usage: $0 [main|security]" >&2; exit 2 ;;
esac
if [ -n "$override" ]; then
    echo "$override"
    exit 0
fi

codename=
if [ -r /etc/os-release ]; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
fi
if [ -z "$codename" ]; then
    echo "debian-mirror: no VERSION_CODENAME in /etc/os-release" >&2
    exit 1
fi
suite=$codename
[ "$want" = security ] && suite=$codename-security

# Every (URI, suite) pair apt is configured with, one per line.
pairs() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk '
            function flush(   i, n, u, s, nu, ns) {
                nu = split(uris, u, " "); ns = split(suites, s, " ")
                for (i = 1; i <= nu; i++) for (n = 1; n <= ns; n++) print u[i], s[n]
                uris = ""; suites = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            tolower($1) == "uris:" { sub(/^[^:]*:[ \t]*/, ""); uris = $0; next }
            tolower($1) == "suites:" { sub(/^[^:]*:[ \t]*/, ""); suites = $0; next }
            END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        # deb [options] URI SUITE COMPONENT...
        awk '$1 == "deb" || $1 == "deb-src" {
                 i = 2
                 if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                 if (i + 1 <= NF) print $i, $(i + 1)
             }' "$f"
    done
}

uri=$(pairs | awk -v suite="$suite" '$2 == suite { print $1; exit }')
if [ -z "$uri" ]; then
    echo "debian-mirror: apt has no mirror for suite $suite (set $variable)" >&2
    exit 1
fi
echo "${uri%/}"
