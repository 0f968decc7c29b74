#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# hcsms as a consumer takes it: `make install` into a staging folder, then
# the programs of examples/ built outside the tree against what was
# installed, by pkg-config (--static) and by CMake (find_package and
# add_subdirectory, when tests/consumer/cmake exists), and run against the
# mock SMS/IAM endpoint. The installed man page must render.
#
#   tests/consumer/run_consumer.sh [MAKE_ARGS...]     (e.g. MBEDTLS=system)
#
# Last line: "consumer: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
work=$(mktemp -d)
stage=$work/stage
pid=
passed=0 failed=0
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); echo "PASS $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$work/out" ] && sed 's/^/    /' "$work/out"; }
check() { # name command...: passes when the command exits 0
    local name=$1
    shift
    if "$@" >"$work/out" 2>&1; then ok "$name"; else ko "$name"; fi
}

echo "== make install DESTDIR=$stage PREFIX=/usr $*"
if ! make --no-print-directory "$@" install DESTDIR="$stage" PREFIX=/usr >"$work/install.log" 2>&1; then
    cat "$work/install.log"
    echo "consumer: 0 passed, 1 failed"
    exit 1
fi
export PKG_CONFIG_PATH=$stage/usr/lib/pkgconfig PKG_CONFIG_LIBDIR=$stage/usr/lib/pkgconfig
for f in usr/lib/libhcsms.a usr/include/hcsms.h usr/include/hcsms/config.h \
         usr/include/hcsms/error.h usr/include/hcsms/port.h usr/include/hcsms/private.h \
         usr/include/hcsms/types.h usr/include/hcsms/iam.h usr/include/hcsms/util.h \
         usr/bin/hcsms usr/share/man/man1/hcsms.1 usr/lib/pkgconfig/hcsms.pc; do
    check "installed: /$f" test -f "$stage/$f"
done
check "installed hcsms(1) renders (man -l)" sh -c "man -l '$stage/usr/share/man/man1/hcsms.1' | grep -q 'hcsms unlock'"
check "installed hcsms --version" "$stage/usr/bin/hcsms" --version
version=$(sed -n 's/^#define HCSMS_VERSION "\(.*\)"/\1/p' include/hcsms.h)
check "pkg-config --modversion is $version" sh -c "[ \"\$(pkg-config --modversion hcsms)\" = '$version' ]"

# Out of the tree: a copy of examples/ in the work folder, so nothing of the
# repository's include/ or build/ can be found by accident.
cp -R examples "$work/src"
flags=$(pkg-config --define-prefix --static --cflags --libs hcsms)
for e in unlock trace iam_then_unlock resume; do
    check "pkg-config --static: examples/$e.c builds" \
        ${CC:-cc} -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
        "$work/src/$e.c" $flags -o "$work/$e"
done

# The static pool example needs an mbedTLS with the pool allocator (the
# recommended configuration): built and run only with one.
pool=0
if printf '#include <mbedtls/build_info.h>\n#if !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)\n#error no pool\n#endif\n' |
        ${CC:-cc} -E $(pkg-config --define-prefix --cflags hcsms) -x c - >/dev/null 2>&1; then
    pool=1
    check "pkg-config --static: examples/static_pool.c builds" \
        ${CC:-cc} -std=c99 -Wall -Wextra -Werror "$work/src/static_pool.c" $flags -o "$work/static_pool"
else
    echo "(examples/static_pool.c: this mbedTLS has no MBEDTLS_MEMORY_BUFFER_ALLOC_C; see MBEDTLS_CONFIG=configs/mbedtls-hcsms.h)"
fi

# The default build's mbedTLS has additions to its stock configuration
# (configs/mbedtls-default-user.h): a program compiled with hcsms.pc's flags
# alone must see each of them, or its mbedTLS headers describe another library.
user_config=$stage/usr/lib/hcsms/mbedtls/include/mbedtls-user-config.h
if [ -f "$user_config" ]; then
    for option in $(sed -n 's/^#define \([A-Z0-9_]*\).*/\1/p' "$user_config"); do
        check "pkg-config --cflags alone: the installed mbedTLS headers have $option" sh -c \
            "printf '#include <mbedtls/build_info.h>\n#if !defined($option)\n#error missing\n#endif\n' |
             ${CC:-cc} -E $(pkg-config --define-prefix --cflags hcsms) -x c - -o /dev/null"
    done
fi

echo "== the mock SMS and IAM endpoint"
bash tests/e2e/make_pki.sh "$work/pki" >/dev/null 2>&1
printf 'consumer-token-%s' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" >"$work/token"
printf 'consumer-password' >"$work/password"
python3 tests/servers/mock_sms.py --port 0 --cert "$work/pki/server.pem" --key "$work/pki/server.key" \
    --token-file "$work/token" --iam-user acme:ops:"$work/password" --iam-project ap-southeast-3 \
    --ready-file "$work/url" >"$work/mock.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/url" 2>/dev/null)
[ -n "$url" ] || { cat "$work/mock.log"; echo "consumer: $passed passed, $((failed + 1)) failed"; exit 1; }
ca=$work/pki/ca.pem

run_example() { # name expected-status expected-text program args...
    local name=$1 want=$2 text=$3 rc
    shift 3
    timeout 60 "$@" >"$work/out" 2>&1
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -q "$text" "$work/out"; then ok "$name"; else echo "    exit $rc"; ko "$name"; fi
}
if [ -x "$work/unlock" ]; then
    HCSMS_AUTH_TOKEN=$(cat "$work/token") run_example "pkg-config build unlocks (exit 0)" 0 "unlocked ok-consumer-1" \
        "$work/unlock" "$url" "$ca" ok-consumer-1
    HCSMS_AUTH_TOKEN=$(cat "$work/token") run_example "pkg-config build reports the service's 403 (exit 1)" 1 "refused: HTTP 403" \
        "$work/unlock" "$url" "$ca" forbidden-consumer-2
    HCSMS_AUTH_TOKEN=wrong-token run_example "pkg-config build: a wrong token is refused (exit 1)" 1 "refused: HTTP 401" \
        "$work/unlock" "$url" "$ca" ok-consumer-3
fi
[ -x "$work/trace" ] && HCSMS_AUTH_TOKEN=$(cat "$work/token") run_example "trace hook sees the request line, token redacted" 0 "POST /v3/tasks/ok-consumer-4/unlock" \
    "$work/trace" "$url" "$ca" ok-consumer-4
[ -x "$work/trace" ] && { grep -q "$(cat "$work/token")" "$work/out" && ko "trace hook never sees the token" || ok "trace hook never sees the token"; }
[ -x "$work/iam_then_unlock" ] && HCSMS_PASSWORD=consumer-password run_example "IAM token, then unlock with it" 0 "ok-consumer-5: unlocked" \
    "$work/iam_then_unlock" "$url" "$url" "$ca" ops acme ap-southeast-3 ok-consumer-5

if [ -x "$work/resume" ]; then
    HCSMS_AUTH_TOKEN=$(cat "$work/token") run_example "session example: first run saves a session" 0 "ok-consumer-7: unlocked" \
        "$work/resume" "$url" "$ca" "$work/session" ok-consumer-7
    check "session example: the file is mode 0600" sh -c "[ \"\$(stat -c %a '$work/session')\" = 600 ]"
    HCSMS_AUTH_TOKEN=$(cat "$work/token") run_example "session example: the next run takes it" 0 "session: saved session taken" \
        "$work/resume" "$url" "$ca" "$work/session" ok-consumer-8
fi

[ "$pool" -eq 1 ] && [ -x "$work/static_pool" ] && HCSMS_AUTH_TOKEN=$(cat "$work/token") run_example "static mbedTLS pool: unlocks without a heap" 0 "ok-consumer-6: unlocked" \
    "$work/static_pool" "$url" "$ca" ok-consumer-6

# CMake: hcsms built and installed by its CMakeLists.txt (with the mbedTLS
# copy make install staged, if any, else the system's), then a program
# using it by find_package(hcsms CONFIG), and one using add_subdirectory().
mbedtls_root=
[ -d "$stage/usr/lib/hcsms/mbedtls" ] && mbedtls_root=-DMBEDTLS_ROOT=$stage/usr/lib/hcsms/mbedtls
if cmake -S . -B "$work/cmake-hcsms" $mbedtls_root >"$work/out" 2>&1 &&
   cmake --build "$work/cmake-hcsms" -j2 >>"$work/out" 2>&1 &&
   cmake --install "$work/cmake-hcsms" --prefix "$work/cmake-stage" >>"$work/out" 2>&1; then
    ok "CMake: hcsms builds and installs ($(sed -n 's/^-- hcsms [^:]*: //p' "$work/out" | head -n1))"
else
    ko "CMake: hcsms builds and installs"
fi
check "CMake install: hcsmsConfig.cmake, the command, the man page" \
    test -f "$work/cmake-stage/lib/cmake/hcsms/hcsmsConfig.cmake" -a -x "$work/cmake-stage/bin/hcsms" \
    -a -f "$work/cmake-stage/share/man/man1/hcsms.1"
if [ -f tests/consumer/CMakeLists.txt ]; then
    for way in find_package add_subdirectory; do
        b=$work/cmake-$way
        if cmake -S tests/consumer -B "$b" -DHCSMS_CONSUMER_WAY=$way -DHCSMS_SOURCE_DIR="$ROOT" $mbedtls_root \
               -DHCSMS_WANT_VERSION="${version%.*}" \
               -DCMAKE_PREFIX_PATH="$work/cmake-stage" -DHCSMS_EXAMPLES_DIR="$work/src" \
               >"$work/out" 2>&1 && cmake --build "$b" -j2 >>"$work/out" 2>&1; then
            ok "CMake $way: examples/unlock.c builds"
            HCSMS_AUTH_TOKEN=$(cat "$work/token") run_example "CMake $way build unlocks (exit 0)" 0 "unlocked ok-consumer-$way" \
                "$b/unlock" "$url" "$ca" ok-consumer-$way
        else
            ko "CMake $way: examples/unlock.c builds"
        fi
    done
fi

echo "consumer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
