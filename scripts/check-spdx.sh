#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every source, header, script and build file tracked by git names its
# license in an SPDX-License-Identifier line among its first five lines.
# Not checked: documentation (*.md), the license texts themselves, and data
# (fuzzing corpora, test vectors).
#
#   scripts/check-spdx.sh        (from the repository; exit 1 names the files)
set -eu
cd "$(dirname "$0")/.."
missing=0 checked=0
for f in $(git ls-files); do
    case "$f" in
        *.md | LICENSE | NOTICE | tests/fuzz/corpus/* | */testdata/*) continue ;;
    esac
    [ -f "$f" ] || continue
    checked=$((checked + 1))
    if ! head -n 5 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0'; then
        echo "check-spdx: no SPDX-License-Identifier line: $f"
        missing=$((missing + 1))
    fi
done
echo "check-spdx: $checked files checked, $missing without the line"
[ "$missing" -eq 0 ]
