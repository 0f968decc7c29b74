#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Size tables (Markdown) for the mps2-an386 firmware image built by
# tests/firmware/Makefile:
#   1. text/data/bss of each hcsms object (the client core, src/ without the
#      CLI, and the lwIP port), before and after the linker dropped unused
#      sections (-ffunction-sections + --gc-sections);
#   2. the whole image split into hcsms / mbedTLS / lwIP / board / libc;
#   3. the largest stack frames of hcsms functions (-fstack-usage).
#
#   tests/firmware/size.sh [BUILD_DIR]     (default: <repo>/build/firmware)
#
# text = code + read-only data (flash), data = initialised RAM (also stored
# in flash), bss = zeroed RAM. The image split comes from the linker map, so
# it counts what is really in the image, per input file.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/firmware}" && pwd) # the map has absolute paths
CROSS_COMPILE=${CROSS_COMPILE:-arm-none-eabi-}
SIZE=${CROSS_COMPILE}size
ELF=$BUILD/${ELF_NAME:-hcsms-mps2-an386}.elf
MAP=$BUILD/${ELF_NAME:-hcsms-mps2-an386}.map
OBJ=$BUILD/obj
GOAL_TEXT=${HCSMS_TEXT_GOAL:-12288}
STACK_TOP=${STACK_TOP:-15}

for f in "$ELF" "$MAP"; do
    [ -f "$f" ] || { echo "size.sh: $f missing: run make -C tests/firmware" >&2; exit 1; }
done

# Every input section that landed in the image, as "category<TAB>file<TAB>kind<TAB>bytes".
# Output sections in flash count as text, .data as data, .bss as bss; the
# heap and stack reservations are reported on their own.
sections=$(awk '
    function hex(text,    i, v) {   # mawk has no strtonum
        text = tolower(text); sub(/^0x/, "", text); v = 0
        for (i = 1; i <= length(text); i++) v = v * 16 + index("0123456789abcdef", substr(text, i, 1)) - 1
        return v
    }
    function emit(file, size,    cat, kind) {
        if (out == "" || size == 0) return
        if (out ~ /^\.(isr_vector|text|ARM\.extab|ARM\.exidx|init_array|fini_array)$/) kind = "text"
        else if (out == ".data") kind = "data"
        else if (out == ".bss") kind = "bss"
        else return
        if (file ~ /\/obj\/hcsms\/src\//) cat = "hcsms core"
        else if (file ~ /\/obj\/hcsms\/port\//) cat = "hcsms lwIP port"
        else if (file ~ /libmbed(tls|x509|crypto)\.a/) cat = "mbedTLS"
        else if (file ~ /\/obj\/lwip\//) cat = "lwIP"
        else if (file ~ /\/obj\/board\//) cat = "board (startup, driver, OS layer, app, mbedTLS pool)"
        else cat = "libc + libgcc"
        printf "%s\t%s\t%s\t%d\n", cat, file, kind, size
    }
    /^Linker script and memory map/ { inmap = 1; next }
    !inmap { next }
    /^[._A-Za-z]/ { out = $1; pending = ""; next }       # an output section
    /^ \*fill\*/ { emit("*fill*", hex($3)); next }  # alignment padding
    /^ [^ ]/ {                                            # an input section
        if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) { emit($4, hex($3)); pending = "" }
        else pending = $1
        next
    }
    /^  +0x/ && pending != "" && $2 ~ /^0x/ { emit($3, hex($2)); pending = ""; next }
    /^  +0x/ { next }                                     # a symbol
' "$MAP")

# 1. Per hcsms file ----------------------------------------------------------
echo "### hcsms objects (Cortex-M4, $(${CROSS_COMPILE}gcc -dumpversion), flags as built)"
echo
echo "| file | text | data | bss | text in image | data in image | bss in image |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "$sections" | awk -F '\t' -v objdir="$OBJ/hcsms/" '
    $1 ~ /^hcsms/ {
        f = $2
        if (index(f, objdir) == 1) f = substr(f, length(objdir) + 1)
        sub(/\.o$/, ".c", f)
        img[f, $3] += $4
    }
    END { for (k in img) { split(k, p, SUBSEP); print p[1] "\t" p[2] "\t" img[k] } }
' > "$BUILD/.size-image"
total_line() { awk -F '\t' '{ t += $2; d += $3; b += $4 } END { printf "%d\t%d\t%d\n", t, d, b }'; }
rows=
for o in $(find "$OBJ/hcsms/src" -name '*.o' | sort) $(find "$OBJ/hcsms/port" -name '*.o' | sort); do
    rel=${o#"$OBJ/hcsms/"}
    src=${rel%.o}.c
    set -- $($SIZE -B "$o" | awk 'NR == 2 { print $1, $2, $3 }')
    it=$(awk -F '\t' -v f="$src" '$1 == f && $2 == "text" { s += $3 } END { print s + 0 }' "$BUILD/.size-image")
    id=$(awk -F '\t' -v f="$src" '$1 == f && $2 == "data" { s += $3 } END { print s + 0 }' "$BUILD/.size-image")
    ib=$(awk -F '\t' -v f="$src" '$1 == f && $2 == "bss" { s += $3 } END { print s + 0 }' "$BUILD/.size-image")
    echo "| $src | $1 | $2 | $3 | $it | $id | $ib |"
    rows="$rows$src	$1	$2	$3	$it	$id	$ib
"
done
sum() { # rows-filter column
    printf '%s' "$rows" | awk -F '\t' -v pat="$1" -v c="$2" '$1 ~ pat { s += $c } END { print s + 0 }'
}
echo "| **client core (src/, no CLI)** | **$(sum '^src/' 2)** | **$(sum '^src/' 3)** | **$(sum '^src/' 4)** | **$(sum '^src/' 5)** | **$(sum '^src/' 6)** | **$(sum '^src/' 7)** |"
echo "| **lwIP port** | **$(sum '^port/' 2)** | **$(sum '^port/' 3)** | **$(sum '^port/' 4)** | **$(sum '^port/' 5)** | **$(sum '^port/' 6)** | **$(sum '^port/' 7)** |"
echo "| **hcsms total** | **$(sum . 2)** | **$(sum . 3)** | **$(sum . 4)** | **$(sum . 5)** | **$(sum . 6)** | **$(sum . 7)** |"
echo
core_text=$(sum '^src/' 5)
echo "Client core .text in the image: $core_text bytes against a goal of $GOAL_TEXT" \
     "($(awk -v a="$core_text" -v b="$GOAL_TEXT" 'BEGIN { printf "%.0f%%", 100 * a / b }'))."
client_size=$(${CROSS_COMPILE}nm -S "$ELF" | awk '$4 == "client" { print $2 }')
result_size=$(${CROSS_COMPILE}nm -S "$ELF" | awk '$4 == "result" { print $2 }')
echo "(\"text\": the object as compiled; \"in image\": what --gc-sections kept. hcsms"
echo "has no RAM of its own beyond the port's clock and its name lookups' request slots"
echo "(HCSMS_LWIP_RESOLVER_SLOTS, port/lwip/hcsms_port_lwip_resolve.c): the caller owns the context, here"
echo "app.c's statics: hcsms_client $(printf '%d' "0x${client_size:-0}") bytes, hcsms_result" \
     "$(printf '%d' "0x${result_size:-0}") bytes (counted under board).)"
rm -f "$BUILD/.size-image"

# 2. The whole image ----------------------------------------------------------
echo
echo "### The image: $(basename "$ELF")"
echo
echo "| part | text (flash) | data (flash + RAM) | bss (RAM) | flash total |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "$sections" | awk -F '\t' '
    { v[$1, $3] += $4; cats[$1] = 1; tot[$3] += $4 }
    END {
        n = split("hcsms core|hcsms lwIP port|mbedTLS|lwIP|board (startup, driver, OS layer, app, mbedTLS pool)|libc + libgcc", order, "|")
        for (i = 1; i <= n; i++) {
            c = order[i]
            printf "| %s | %d | %d | %d | %d |\n", c, v[c, "text"], v[c, "data"], v[c, "bss"], v[c, "text"] + v[c, "data"]
        }
        printf "| **image** | **%d** | **%d** | **%d** | **%d** |\n", tot["text"], tot["data"], tot["bss"], tot["text"] + tot["data"]
    }'
echo
$SIZE -A "$ELF" | awk '
    $1 == ".heap" { heap = $2 } $1 == ".stack" { stack = $2 }
    END { printf "Beyond data+bss: the main stack, %d bytes (.stack); no C heap (%d bytes: mbedTLS has a static pool, counted under board).\n", stack, heap }'
set -- $($SIZE -B "$ELF" | awk 'NR == 2 { print $1, $2 }')
echo "Padding between input sections is counted under libc + libgcc. The map lists"
echo "merged string sections (.rodata.str*) at their size before the linker merged"
echo "duplicate strings, so the parts add up to a little more than the image's"
echo "text as arm-none-eabi-size counts it: $1 (data $2; its bss adds the heap and stack)."
echo
echo "Largest symbols in the image (arm-none-eabi-nm --size-sort):"
echo
echo '```'
${CROSS_COMPILE}nm --size-sort -S -r "$ELF" | head -n 12
echo '```'

# 3. Stack -------------------------------------------------------------------
echo
echo "### Largest stack frames of hcsms functions (-fstack-usage, bytes)"
echo
echo "| function | file | frame | kind |"
echo "|---|---|---:|---|"
find "$OBJ/hcsms" -name '*.su' -exec cat {} + |
    awk -F '\t' '{ n = split($1, p, ":"); fn = p[n]; file = p[1]; sub(".*/", "", file); print $2 "\t" fn "\t" file "\t" $3 }' |
    sort -t '	' -k1,1nr | head -n "$STACK_TOP" |
    awk -F '\t' '{ printf "| %s | %s | %d | %s |\n", $2, $3, $1, $4 }'
echo
echo "A frame is one function's own stack; a call chain adds the frames of its"
echo "callees (mbedTLS's handshake and its big-number code dominate the total)."
