#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/sizes.md, written by `make size`: the client core's flash and the
# context's RAM on Cortex-M4 for each of the settings below, then the
# default image's tables in detail (tests/firmware/size.sh). Every number
# comes from the builds just made; nothing is typed.
#
#   tests/firmware/sizes_doc.sh DEFAULT_BUILD TOKENONLY_BUILD SMALL_BUILD > docs/sizes.md
#
# The settings are passed in TOKEN_ONLY_FLAGS and SMALL_FLAGS (the Makefile's).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CROSS_COMPILE=${CROSS_COMPILE:-arm-none-eabi-}
GOAL_TEXT=${HCSMS_TEXT_GOAL:-12288}
default=$1 tokenonly=$2 small=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for b in default tokenonly small; do
    eval dir=\$$b
    sh "$HERE/size.sh" "$dir" > "$tmp/$b.md"
done

# "| **client core (src/, no CLI)** | text | data | bss | image text | image data | image bss |"
core() { grep -F '| **client core' "$tmp/$1.md" | tr -d '*' | awk -F '|' '{ gsub(/ /, ""); print $(NF - 3) "\t" $(NF - 2) "\t" $(NF - 1) }'; }
port() { grep -F '| **lwIP port**' "$tmp/$1.md" | tr -d '*' | awk -F '|' '{ gsub(/ /, ""); print $(NF - 3) "\t" $(NF - 2) "\t" $(NF - 1) }'; }
file_text() { awk -F '|' -v f="$2" '$2 == " " f " " { gsub(/ /, "", $6); print $6 }' "$tmp/$1.md"; }
context() { sed -n 's/.*hcsms_client \([0-9]*\) bytes, hcsms_result \([0-9]*\) bytes.*/\1\t\2/p' "$tmp/$1.md"; }
frame() { # the largest frame of an hcsms function: "function (bytes)"
    awk -F '|' '/^\| [a-z_0-9]+ \| [a-z_0-9.]+ \| [0-9]+ \|/ { gsub(/ /, ""); print $2 " (" $4 ")"; exit }' "$tmp/$1.md"
}
n() { printf "%'d" "$1" 2>/dev/null || printf '%d' "$1"; }
line() { # label flags build
    set -- "$1" "$2" "$3" "$(core "$3")" "$(context "$3")"
    t=$(printf '%s' "$4" | cut -f1) d=$(printf '%s' "$4" | cut -f2) b=$(printf '%s' "$4" | cut -f3)
    c=$(printf '%s' "$5" | cut -f1) r=$(printf '%s' "$5" | cut -f2)
    echo "| $1 | $2 | $(n "$t") | $(n "$d") | $(n "$b") | $(n "$c") | $(n "$r") | $(frame "$3") |"
}

mbedtls=$(sed -n 's/.*MBEDTLS_VERSION_STRING_FULL *"\(.*\)".*/\1/p' "$default/mbedtls/include/mbedtls/build_info.h" 2>/dev/null || true)
echo "# Flash and RAM on Cortex-M4"
echo
echo "Written by \`make size\` (\`tests/firmware/sizes_doc.sh\` from \`tests/firmware/size.sh\`'s"
echo "tables of three builds of the mps2-an386 board image); do not edit by hand. Built with"
echo "arm-none-eabi-gcc $(${CROSS_COMPILE}gcc -dumpversion) (\`-mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections\`,"
echo "newlib-nano, \`--gc-sections\`), lwIP 2.1.3 and ${mbedtls:-mbedTLS} (the board's default"
echo "configuration), both from Debian source packages."
echo
echo "## The client core by settings"
echo
echo "The client core is \`src/\` without the CLI: hcsms's own code, without mbedTLS, lwIP and"
echo "libc, as kept in the image by \`--gc-sections\` (flash = .text + .data). The context"
echo "(\`hcsms_client\`) and the result are the caller's RAM (here the board application's"
echo "statics); the largest frame is one hcsms function's own stack (\`-fstack-usage\`)."
echo
echo "| settings | \`HCSMS_CONFIG_FLAGS\` | .text | .data | .bss | \`hcsms_client\` | \`hcsms_result\` | largest frame |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
line "defaults" "" default
line "token only" "\`$TOKEN_ONLY_FLAGS\`" tokenonly
line "small" "\`$SMALL_FLAGS\`" small
small_text=$(core small | cut -f1)
strerror_text=$(file_text small src/sms/strerror.c)
echo "| small, for an application that prints no error texts | as small, less \`src/sms/strerror.c\` ($(n "${strerror_text:-0}")) | $(n $((small_text - ${strerror_text:-0}))) | | | | | |"
p=$(port default)
echo "| the lwIP port (\`port/lwip\`), defaults | | $(n "$(printf '%s' "$p" | cut -f1)") | $(n "$(printf '%s' "$p" | cut -f2)") | $(n "$(printf '%s' "$p" | cut -f3)") | | | |"
echo
tok=$(core tokenonly | cut -f1)
if [ "$tok" -le "$GOAL_TEXT" ]; then
    verdict="met ($(n $((GOAL_TEXT - tok))) bytes to spare)"
else
    verdict="MISSED by $(n $((tok - GOAL_TEXT))) bytes"
fi
echo "Goal: the token-only client core in $(n "$GOAL_TEXT") bytes of .text: $verdict."
echo
echo "## The token-only core by file"
echo
sed -n '/^### hcsms objects/,/^Client core .text/p' "$tmp/tokenonly.md" | sed '1,2d;$d'
echo
echo "## The default image in detail"
echo
sed 's/^### /### /' "$tmp/default.md"
