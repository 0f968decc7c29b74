#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# usage: run_ram.sh RAM_PROBE
# Starts the mock SMS endpoint on loopback with a fresh test PKI, runs the
# RAM probe (one full unlock) in counting mode and in static-pool mode, and
# stops the endpoint. Prints what the probe measured.
set -euo pipefail
probe=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
bash "$root/tests/e2e/make_pki.sh" "$work/pki" >/dev/null
printf 'ram-probe-token' >"$work/token"
python3 "$root/tests/servers/mock_sms.py" --port 0 --cert "$work/pki/server.pem" \
    --key "$work/pki/server.key" --token-file "$work/token" --ready-file "$work/url" \
    >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { echo "run_ram: the mock endpoint did not start" >&2; exit 1; }
url=$(cat "$work/url")
url=${url/127.0.0.1/localhost}
echo "== $probe: one unlock against $url"
"$probe" "$url" "$work/pki/ca.pem" ram-probe-token ok-ram-1
echo "== the same with mbedTLS on a static pool (MBEDTLS_MEMORY_BUFFER_ALLOC_C)"
# The first pool must be enough (this is the check); smaller ones show the
# margin, and may fail.
first=1
for pool in 49152 40960 36864 32768 28672; do
    if "$probe" "$url" "$work/pki/ca.pem" ram-probe-token ok-ram-2 --pool $pool >"$work/pool.txt" 2>&1; then
        tail -1 "$work/pool.txt"
    elif [ $first -eq 1 ] && ! grep -q "without MBEDTLS_MEMORY_BUFFER_ALLOC_C" "$work/pool.txt"; then
        echo "FAIL: one unlock did not fit a static pool of $pool bytes:"; cat "$work/pool.txt"; exit 1
    else
        tail -1 "$work/pool.txt"
    fi
    first=0
done
