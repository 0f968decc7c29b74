#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/demo.sh -- show hcsms unlocking a task against a local mock of Huawei Cloud SMS.
#
# Run from anywhere (it works from the repo root); expects build/hcsms to be built
# (`make demo` builds it first, then runs this script).  Steps:
#   1. make a throw-away test PKI in build/demo-pki (tests/e2e/make_pki.sh)
#   2. start tests/servers/mock_sms.py on a free loopback port (stopped on exit, always)
#   3. unlock ok-demo-1            -> expect exit 0
#   4. unlock forbidden-demo-2     -> expect exit 1 (403 SMS.9004 reported)
#   5. the same with --json        -> expect exit 1, one JSON object
# Exits 0 if every outcome was as expected.
set -u

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
HCSMS=${HCSMS_BIN:-$ROOT/build/hcsms}
PKI=build/demo-pki   # relative: the commands shown stay short
PY=${PYTHON:-python3}

heading() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$HCSMS" ]; then
    echo "demo: $HCSMS is missing; build it first (make)" >&2
    exit 1
fi

heading "Making a test PKI in build/demo-pki"
mkdir -p "$PKI"
timeout 60 bash tests/e2e/make_pki.sh "$PKI" || { echo "demo: make_pki.sh failed" >&2; exit 1; }

# A demo token. Tokens are secrets: hcsms reads them from a file or the environment,
# never from the command line.
TOKEN_FILE=$PKI/token
( umask 077; printf 'demo-token-%s\n' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" >"$TOKEN_FILE" )

READY=$PKI/mock.url
LOG=$PKI/mock.log
rm -f "$READY"
SERVER_PID=

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        for _ in $(seq 50); do                      # up to 5 s, then insist
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=
    fi
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM

heading "Starting the mock SMS endpoint (tests/servers/mock_sms.py)"
"$PY" tests/servers/mock_sms.py --port 0 --host 127.0.0.1 \
    --cert "$PKI/server.pem" --key "$PKI/server.key" \
    --token-file "$TOKEN_FILE" --ready-file "$READY" >"$LOG" 2>&1 &
SERVER_PID=$!

for _ in $(seq 100); do                             # up to 10 s
    [ -s "$READY" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ ! -s "$READY" ]; then
    echo "demo: the mock server did not start:" >&2
    cat "$LOG" >&2
    exit 1
fi
ENDPOINT=$(head -n1 "$READY")
echo "mock endpoint: $ENDPOINT (certificate from the test CA build/demo-pki/ca.pem)"

run() { # run EXPECTED_STATUS args...
    local want=$1 rc
    shift
    echo "\$ hcsms $*"
    timeout 60 "$HCSMS" "$@" 2>&1   # stderr merged so the report shows up in order
    rc=$?
    if [ "$rc" -eq "$want" ]; then
        echo "(exit status $rc, as expected)"
        return 0
    fi
    echo "(exit status $rc, expected $want)" >&2
    return 1
}

ok=0
COMMON=(--endpoint "$ENDPOINT" --cacert "$PKI/ca.pem" --token-file "$TOKEN_FILE")

heading "Unlocking task ok-demo-1 (the service answers 200)"
run 0 unlock "${COMMON[@]}" ok-demo-1 || ok=1

heading "Unlocking task forbidden-demo-2 (the service answers 403 SMS.9004)"
run 1 unlock "${COMMON[@]}" forbidden-demo-2 || ok=1

heading "The same with --json (one JSON object per task)"
run 1 unlock "${COMMON[@]}" --json forbidden-demo-2 || ok=1

heading "Stopping the mock server"
stop_server

if [ "$ok" -eq 0 ]; then
    heading "Demo finished: every outcome was as expected"
else
    heading "Demo FAILED: some outcome was not as expected" >&2
fi
exit "$ok"
