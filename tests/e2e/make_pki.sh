#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make_pki.sh OUTDIR -- test PKI for the hcsms end-to-end tests (openssl only).
#
# Creates in OUTDIR:
#   ca.pem / ca.key           test CA (EC P-256, CA:TRUE)
#   server.pem / server.key   signed by ca, SAN DNS:localhost and DNS:dual.hcsms.test (a name
#                             the dual-stack test resolves to ::1 and 127.0.0.1), valid 2 days
#   other-ca.pem / other-ca.key  an unrelated CA (did not sign server.pem)
#   expired.pem / expired.key signed by ca, SAN DNS:localhost, validity entirely in the past
#   server6.pem / server6.key signed by ca, SAN IP:::1 (for https://[::1]:PORT) and
#                             DNS:dual.hcsms.test, valid 2 days
# and an RSA chain, as most real API gateways present one:
#   rsa-ca.pem / rsa-ca.key   RSA root (RSA-4096, CA:TRUE), self-signed, sha256WithRSA
#   rsa-intermediate.pem / .key  RSA-2048, CA:TRUE pathlen:0, signed by rsa-ca
#   rsa-server.pem / .key     RSA-2048 leaf signed by rsa-intermediate, SAN DNS:localhost
#                             and IP:127.0.0.1, valid 2 days
#   rsa-server-chain.pem      rsa-server.pem then rsa-intermediate.pem: what a server sends
#
# Idempotent: if a complete, still-valid set already exists it is kept; otherwise
# everything is regenerated. The EC keys are instant; the RSA keys are generated in
# parallel while the EC part is made, the 4096-bit root's the longest (0.7 to 2 s on
# its own): the whole set takes 2 to 4 s on a busy 2-CPU machine, the EC part alone
# under 1 s. The root is 4096 bits (not 3072, which would save about a second) because
# many public roots are (ISRG Root X1, USERTrust RSA, ...): verifying the intermediate
# then takes 4096-bit RSA, which a small mbedTLS configuration can lack
# (MBEDTLS_MPI_MAX_SIZE below 512).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
mkdir -p "$OUT"
cd "$OUT"

FILES="ca.pem ca.key server.pem server.key other-ca.pem other-ca.key expired.pem expired.key
server6.pem server6.key rsa-ca.pem rsa-ca.key rsa-intermediate.pem rsa-intermediate.key
rsa-server.pem rsa-server.key rsa-server-chain.pem"

have_valid_set() {
    local f
    for f in $FILES; do
        [ -s "$f" ] || return 1
    done
    # server certs must still be valid for at least an hour and chain to their roots
    openssl x509 -in server.pem -noout -checkend 3600 >/dev/null 2>&1 || return 1
    openssl verify -CAfile ca.pem server.pem >/dev/null 2>&1 || return 1
    openssl x509 -in rsa-server.pem -noout -checkend 3600 >/dev/null 2>&1 || return 1
    openssl verify -CAfile rsa-ca.pem -untrusted rsa-intermediate.pem rsa-server.pem \
        >/dev/null 2>&1 || return 1
    cat rsa-server.pem rsa-intermediate.pem | cmp -s - rsa-server-chain.pem || return 1
    # expired cert must really be expired
    if openssl x509 -in expired.pem -noout -checkend 0 >/dev/null 2>&1; then
        return 1
    fi
    return 0
}

if have_valid_set; then
    exit 0
fi

umask 077
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hcsms-pki.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

newkey() { # newkey FILE
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
}

# RSA keys take a while (the 4096-bit one most): start them now, in parallel,
# while the EC part is made; collected (and checked) before the RSA certificates.
rsa_pids=
for spec in rsa-ca:4096 rsa-intermediate:2048 rsa-server:2048; do
    openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${spec#*:}" \
        -out "$WORK/${spec%%:*}.key" 2>/dev/null &
    rsa_pids="$rsa_pids $!"
done
cleanup() {
    if [ -n "$rsa_pids" ]; then
        # shellcheck disable=SC2086 # a list of pids
        kill $rsa_pids 2>/dev/null || true
        wait || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$WORK/ext.cnf" <<'CNF'
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, DNS:dual.hcsms.test
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer

[ v3_intermediate ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_rsa_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer

[ v3_server6 ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = IP:::1, DNS:dual.hcsms.test
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
CNF

# --- CAs (self-signed) -------------------------------------------------------
make_ca() { # make_ca BASENAME CN
    newkey "$WORK/$1.key"
    openssl req -new -x509 -sha256 -key "$WORK/$1.key" -subj "/O=hcsms test/CN=$2" \
        -days 3650 -config "$WORK/ext.cnf" -extensions v3_ca \
        -out "$WORK/$1.pem" 2>/dev/null
}
make_ca ca "hcsms test CA"
make_ca other-ca "hcsms unrelated CA"

# --- leaf certificates, issued with `openssl ca` so dates can be set explicitly --
ca_cnf() { # ca_cnf ISSUER: $WORK/ISSUER.cnf, an `openssl ca` issuing with ISSUER.pem/.key
    mkdir -p "$WORK/$1-db"
    : >"$WORK/$1-db/index.txt"
    openssl rand -hex 8 >"$WORK/$1-db/serial"
    cat >"$WORK/$1.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir            = $WORK/$1-db
database       = \$dir/index.txt
serial         = \$dir/serial
new_certs_dir  = \$dir
certificate    = $WORK/$1.pem
private_key    = $WORK/$1.key
default_md     = sha256
policy         = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
organizationName = optional
commonName       = supplied
CNF
}
ca_cnf ca

# issue BASENAME STARTDATE ENDDATE [EXTENSIONS [ISSUER [CN]]]   (dates: YYMMDDHHMMSSZ, UTC)
# The key $WORK/BASENAME.key is made here (EC) unless it exists (the RSA ones).
issue() {
    [ -s "$WORK/$1.key" ] || newkey "$WORK/$1.key"
    openssl req -new -sha256 -key "$WORK/$1.key" -subj "/O=hcsms test/CN=${6:-localhost}" \
        -out "$WORK/$1.csr" 2>/dev/null
    openssl ca -batch -notext -config "$WORK/${5:-ca}.cnf" -in "$WORK/$1.csr" \
        -startdate "$2" -enddate "$3" \
        -extfile "$WORK/ext.cnf" -extensions "${4:-v3_server}" \
        -out "$WORK/$1.pem" >/dev/null 2>&1
}

# server: valid 2 days, starting 1 hour ago (tolerates small clock differences)
now=$(date -u +%s)
fmt() { date -u -d "@$1" +%y%m%d%H%M%SZ; }
issue server "$(fmt $((now - 3600)))" "$(fmt $((now - 3600 + 2 * 86400)))"
issue server6 "$(fmt $((now - 3600)))" "$(fmt $((now - 3600 + 2 * 86400)))" v3_server6
# expired: 2020-01-01 .. 2020-01-03
issue expired 200101000000Z 200103000000Z

# --- the RSA chain: root -> intermediate -> leaf ------------------------------
for pid in $rsa_pids; do
    wait "$pid" || { echo "make_pki.sh: RSA key generation failed" >&2; exit 1; }
done
rsa_pids=
openssl req -new -x509 -sha256 -key "$WORK/rsa-ca.key" -subj "/O=hcsms test/CN=hcsms test RSA root" \
    -days 3650 -config "$WORK/ext.cnf" -extensions v3_ca -out "$WORK/rsa-ca.pem" 2>/dev/null
ca_cnf rsa-ca
issue rsa-intermediate "$(fmt $((now - 3600)))" "$(fmt $((now + 3650 * 86400)))" v3_intermediate \
    rsa-ca "hcsms test RSA intermediate"
ca_cnf rsa-intermediate
issue rsa-server "$(fmt $((now - 3600)))" "$(fmt $((now - 3600 + 2 * 86400)))" v3_rsa_server \
    rsa-intermediate
cat "$WORK/rsa-server.pem" "$WORK/rsa-intermediate.pem" >"$WORK/rsa-server-chain.pem"

# sanity checks before publishing anything
openssl verify -CAfile "$WORK/ca.pem" "$WORK/server.pem" >/dev/null
if openssl x509 -in "$WORK/expired.pem" -noout -checkend 0 >/dev/null 2>&1; then
    echo "make_pki.sh: expired.pem is not expired" >&2
    exit 1
fi
if openssl verify -CAfile "$WORK/other-ca.pem" "$WORK/server.pem" >/dev/null 2>&1; then
    echo "make_pki.sh: other-ca.pem unexpectedly verifies server.pem" >&2
    exit 1
fi

# the RSA leaf chains to rsa-ca only through the intermediate (a server that sends
# the leaf alone cannot be verified), and not to the EC CA
openssl verify -CAfile "$WORK/rsa-ca.pem" -untrusted "$WORK/rsa-intermediate.pem" \
    "$WORK/rsa-server.pem" >/dev/null
for bad in "-CAfile $WORK/rsa-ca.pem" "-CAfile $WORK/ca.pem -untrusted $WORK/rsa-intermediate.pem"; do
    # shellcheck disable=SC2086 # two options in one word, split on purpose
    if openssl verify $bad "$WORK/rsa-server.pem" >/dev/null 2>&1; then
        echo "make_pki.sh: rsa-server.pem unexpectedly verifies with $bad" >&2
        exit 1
    fi
done

for f in $FILES; do
    cp "$WORK/$f" "./$f.tmp"
    mv -f "./$f.tmp" "./$f"
done
chmod 644 ./*.pem
chmod 600 ./*.key
