#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# usage: run_fuzz.sh FUZZ_BUILD_DIR SECONDS TARGET...
# Runs each libFuzzer target for SECONDS on its seeds (tests/fuzz/corpus/NAME,
# read only) plus a working corpus in the build folder. Prints executions per
# target; fails on any finding (crash, sanitizer report, leak, timeout).
dir=$1
seconds=$2
shift 2
status=0
for t in "$@"; do
    mkdir -p "$dir/corpus-$t" "tests/fuzz/corpus/$t"
    log="$dir/$t.log"
    "$dir/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/$t-" "$dir/corpus-$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    if [ "$rc" -ne 0 ]; then
        echo "fuzz $t: FINDING (exit $rc) after ${runs:-?} runs; see $log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -5
        status=1
    else
        echo "fuzz $t: ${runs:-?} runs in ${seconds}s, no finding"
    fi
done
exit $status
