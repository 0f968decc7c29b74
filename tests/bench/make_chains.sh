#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make_chains.sh OUTDIR -- the certificate chains `make bench` measures, besides
# the e2e PKI's P-256 leaf under a P-256 root (tests/e2e/make_pki.sh). openssl only.
#
# Creates in OUTDIR, for NAME in rsa and p384:
#   NAME-root.pem          the root, self-signed, CA:TRUE: the only certificate the
#                          clients trust (--cacert)
#   NAME-chain.pem         leaf then intermediate: what nginx sends
#   NAME-leaf.key          the leaf's key
# rsa:  RSA-2048 leaf <- RSA-4096 intermediate <- RSA-4096 root (sha256WithRSA), as many
#       public API gateways present one
# p384: P-256 leaf <- P-384 intermediate <- P-384 root (ecdsa-with-SHA384 above the leaf)
# Leaves: CN=localhost, SAN DNS:localhost and IP:127.0.0.1, valid 2 days from now.
#
# Idempotent: a complete set whose leaves are valid for another hour and verify is
# kept. The RSA-4096 keys take a few seconds on a busy machine; they are made in parallel.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
mkdir -p "$OUT"
cd "$OUT"

NAMES="rsa p384"

have_valid_set() {
    local n
    for n in $NAMES; do
        [ -s "$n-root.pem" ] && [ -s "$n-chain.pem" ] && [ -s "$n-leaf.key" ] || return 1
        openssl x509 -in "$n-chain.pem" -noout -checkend 3600 >/dev/null 2>&1 || return 1
        openssl verify -CAfile "$n-root.pem" -untrusted "$n-chain.pem" "$n-chain.pem" \
            >/dev/null 2>&1 || return 1
    done
}

if have_valid_set; then
    exit 0
fi

umask 077
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hcsms-chains.XXXXXX")
pids=
cleanup() {
    if [ -n "$pids" ]; then
        # shellcheck disable=SC2086 # a list of pids
        kill $pids 2>/dev/null || true
        wait || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# keys: NAME-ROLE:ALGORITHM:PARAMETER, all in parallel
for spec in rsa-root:RSA:rsa_keygen_bits:4096 rsa-int:RSA:rsa_keygen_bits:4096 \
    rsa-leaf:RSA:rsa_keygen_bits:2048 p384-root:EC:ec_paramgen_curve:P-384 \
    p384-int:EC:ec_paramgen_curve:P-384 p384-leaf:EC:ec_paramgen_curve:P-256; do
    IFS=: read -r base alg opt val <<<"$spec"
    extra=()
    [ "$alg" = EC ] && extra=(-pkeyopt ec_param_enc:named_curve)
    openssl genpkey -algorithm "$alg" -pkeyopt "$opt:$val" "${extra[@]}" \
        -out "$WORK/$base.key" 2>/dev/null &
    pids="$pids $!"
done
for pid in $pids; do
    wait "$pid" || { echo "make_chains.sh: key generation failed" >&2; exit 1; }
done
pids=

cat >"$WORK/ext.cnf" <<'CNF'
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_intermediate ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_leaf_rsa ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer

[ v3_leaf_ec ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
CNF

# sign NAME ROLE ISSUER-ROLE EXTENSIONS DAYS DIGEST CN
sign() {
    openssl req -new -key "$WORK/$1-$2.key" -subj "/O=hcsms bench/CN=$7" \
        -out "$WORK/$1-$2.csr" 2>/dev/null
    openssl x509 -req -in "$WORK/$1-$2.csr" -CA "$WORK/$1-$3.pem" -CAkey "$WORK/$1-$3.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days "$5" "-$6" \
        -extfile "$WORK/ext.cnf" -extensions "$4" -out "$WORK/$1-$2.pem" 2>/dev/null
}

for n in $NAMES; do
    if [ "$n" = rsa ]; then digest=sha256; leaf_ext=v3_leaf_rsa; else digest=sha384; leaf_ext=v3_leaf_ec; fi
    openssl req -new -x509 -key "$WORK/$n-root.key" -subj "/O=hcsms bench/CN=hcsms bench $n root" \
        -days 3650 "-$digest" -config "$WORK/ext.cnf" -extensions v3_ca \
        -out "$WORK/$n-root.pem" 2>/dev/null
    sign "$n" int root v3_intermediate 3650 "$digest" "hcsms bench $n intermediate"
    sign "$n" leaf int "$leaf_ext" 2 "$digest" localhost
    cat "$WORK/$n-leaf.pem" "$WORK/$n-int.pem" >"$WORK/$n-chain.pem"
    # the leaf verifies through the intermediate only
    openssl verify -CAfile "$WORK/$n-root.pem" -untrusted "$WORK/$n-int.pem" "$WORK/$n-leaf.pem" >/dev/null
    if openssl verify -CAfile "$WORK/$n-root.pem" "$WORK/$n-leaf.pem" >/dev/null 2>&1; then
        echo "make_chains.sh: $n leaf verifies without its intermediate" >&2
        exit 1
    fi
done

for n in $NAMES; do
    for f in "$n-root.pem" "$n-chain.pem" "$n-leaf.key"; do
        cp "$WORK/$f" "./$f.tmp"
        mv -f "./$f.tmp" "./$f"
    done
done
chmod 644 ./*-root.pem ./*-chain.pem
chmod 600 ./*-leaf.key
