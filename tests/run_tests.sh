#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the unit test binaries (cmocka) and/or the end-to-end suite, and ends
# with one line "N passed, N failed" summing all of them.
# usage: run_tests.sh [--unit BIN...] [--e2e] [--hostile]
# TEST_WRAPPER (e.g. qemu-arm -L ...) prefixes each unit binary.
passed=0
failed=0
skipped=0
# Tests that an emulator cannot run (see tests/unit/test_port_posix_*.c) skip themselves.
[ -n "${TEST_WRAPPER:-}" ] && export HCSMS_TEST_EMULATED=1
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # $1 = pattern; sums the first number on matching lines of $log
    grep -E "$1" "$log" | sed -E 's/[^0-9]*([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}'
}

mode=
for arg in "$@"; do
    case "$arg" in
    --unit) mode=unit; continue ;;
    --e2e|--hostile)
        suite=${arg#--}
        script=tests/e2e/run_e2e.py
        [ "$suite" = hostile ] && script=tests/hostile/run_hostile.py
        echo "== $suite: $script"
        ${PYTHON:-python3} "$script" >"$log" 2>&1
        rc=$?
        cat "$log"
        p=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed" "$log" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
        f=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed" "$log" | sed -E 's/.*passed, ([0-9]+) failed.*/\1/')
        k=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped" "$log" | sed -E 's/.*failed, ([0-9]+) skipped.*/\1/')
        skipped=$((skipped + ${k:-0}))
        if [ -z "$p" ]; then p=0; f=$((f + 1)); fi
        if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
        passed=$((passed + p)); failed=$((failed + ${f:-0}))
        [ "$rc" -eq 0 ] || status=1
        continue ;;
    esac
    if [ "$mode" = unit ]; then
        echo "== unit: $arg"
        $TEST_WRAPPER "$arg" >"$log" 2>&1
        rc=$?
        cat "$log"
        p=$(count '^\[  PASSED  \] [0-9]+ test')
        f=$(count '^\[  FAILED  \] [0-9]+ test')
        skipped=$((skipped + $(count '^\[  SKIPPED \] [0-9]+ test')))
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed before its summary
        passed=$((passed + p)); failed=$((failed + f))
        [ "$rc" -eq 0 ] || status=1
    fi
done
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] || status=1
exit $status
