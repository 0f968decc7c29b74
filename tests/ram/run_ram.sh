#!/usr/bin/env bash
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
echo "== the same with mbedTLS on a static pool"
for pool in 65536 49152 40960 32768; do
    "$probe" "$url" "$work/pki/ca.pem" ram-probe-token ok-ram-2 --pool $pool | tail -1 || true
done
