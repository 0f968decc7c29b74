#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Makefile (hcsms.mk) and CMake (hcsmsFilePaths.cmake) build the same
# files in the same groups, and every C file under src/ and port/ is in one.
#   tests/build/check_lists.sh      (from anywhere; exit 1 shows the difference)
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s --no-print-directory -f tests/build/lists.mk print | sed 's# \./# #' | sort > "$tmp/make"
cmake -DHCSMS_DIR=. -P tests/build/lists.cmake 2>&1 | sed 's# \./# #' | sort > "$tmp/cmake"
status=0
if ! diff -u "$tmp/make" "$tmp/cmake" > "$tmp/diff"; then
    echo "check-lists: hcsms.mk (-) and hcsmsFilePaths.cmake (+) differ:"
    cat "$tmp/diff"
    status=1
fi
find src port -name '*.c' | sort > "$tmp/files"
awk '{ print $2 }' "$tmp/make" | sort -u > "$tmp/listed"
unlisted=$(comm -23 "$tmp/files" "$tmp/listed")
if [ -n "$unlisted" ]; then
    echo "check-lists: C files in no group of hcsms.mk:"
    echo "$unlisted"
    status=1
fi
[ "$status" -ne 0 ] || echo "check-lists: hcsms.mk and hcsmsFilePaths.cmake agree ($(grep -c _SOURCES "$tmp/make") sources in $(awk '{ print $1 }' "$tmp/make" | sort -u | wc -l) groups)"
exit "$status"
