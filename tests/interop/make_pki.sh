#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make_pki.sh OUTDIR -- test PKI for the TLS interoperability matrix (openssl CLI only).
#
# Two chains, each a self-signed root and an intermediate:
#   root-rsa.pem  RSA-4096 root, sha256WithRSAEncryption
#   int-rsa.pem   RSA-4096 intermediate (CA:TRUE, pathlen 0), signed sha256WithRSAEncryption
#   root-ec.pem   ECDSA P-384 root, ecdsa-with-SHA384
#   int-ec.pem    ECDSA P-384 intermediate, ecdsa-with-SHA384
# Leaf keys (one per type, shared by both chains):
#   leaf-rsa2048.key leaf-rsa3072.key leaf-rsa4096.key leaf-p256.key leaf-p384.key
#   leaf-p521.key leaf-ed25519.key
# Leaf certificates, SAN DNS:localhost, IP:127.0.0.1, IP:::1, serverAuth:
#   leaf-TYPE-CHAIN.pem        the leaf alone      (TYPE as above, CHAIN rsa or ec)
#   leaf-TYPE-CHAIN.chain.pem  leaf + intermediate (what a server sends)
#   for TYPE in rsa2048 rsa3072 rsa4096 p256 p384 under both chains;
#   p521 and ed25519 under the ec chain only.
# A client trusts only root-CHAIN.pem.
#
# Idempotent and cheap when re-run: keys are generated once and kept (RSA-4096
# generation takes seconds); certificates are re-issued only when one is missing,
# expires within a day or no longer verifies.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
mkdir -p "$OUT"
cd "$OUT"
umask 077

LEAVES_BOTH="rsa2048 rsa3072 rsa4096 p256 p384"
LEAVES_EC_ONLY="p521 ed25519"

all_leaf_certs() {
    local t
    for t in $LEAVES_BOTH; do echo "leaf-$t-rsa" "leaf-$t-ec"; done
    for t in $LEAVES_EC_ONLY; do echo "leaf-$t-ec"; done
}

have_valid_set() {
    local c f
    for c in rsa ec; do
        for f in "root-$c.pem" "int-$c.pem"; do
            [ -s "$f" ] || return 1
            openssl x509 -in "$f" -noout -checkend 86400 >/dev/null 2>&1 || return 1
        done
    done
    for f in $(all_leaf_certs); do
        [ -s "$f.pem" ] && [ -s "$f.chain.pem" ] || return 1
        openssl x509 -in "$f.pem" -noout -checkend 86400 >/dev/null 2>&1 || return 1
        case $f in *-rsa) c=rsa ;; *) c=ec ;; esac
        openssl verify -CAfile "root-$c.pem" -untrusted "int-$c.pem" "$f.pem" >/dev/null 2>&1 || return 1
    done
    return 0
}

if have_valid_set; then
    exit 0
fi

# --- keys: generated once (in parallel: RSA-4096 is slow), then kept ----------
genkey() { # genkey FILE ALGORITHM-ARGS...
    local f=$1
    shift
    [ -s "$f" ] && return 0
    openssl genpkey "$@" -out "$f.tmp" 2>/dev/null
    mv -f "$f.tmp" "$f"
}
rsa() { echo -algorithm RSA -pkeyopt "rsa_keygen_bits:$1"; }
ec() { echo -algorithm EC -pkeyopt "ec_paramgen_curve:$1" -pkeyopt ec_param_enc:named_curve; }

pids=
genkey root-rsa.key $(rsa 4096) & pids="$pids $!"
genkey int-rsa.key $(rsa 4096) & pids="$pids $!"
genkey leaf-rsa4096.key $(rsa 4096) & pids="$pids $!"
genkey leaf-rsa3072.key $(rsa 3072) & pids="$pids $!"
genkey leaf-rsa2048.key $(rsa 2048)
genkey root-ec.key $(ec P-384)
genkey int-ec.key $(ec P-384)
genkey leaf-p256.key $(ec P-256)
genkey leaf-p384.key $(ec P-384)
genkey leaf-p521.key $(ec P-521)
genkey leaf-ed25519.key -algorithm ED25519
for p in $pids; do wait "$p"; done

# --- certificates: always re-issued together ----------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hcsms-interop-pki.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/ext.cnf" <<'CNF'
[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_int ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer

[ v3_leaf_ec ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
CNF

digest() { case $1 in rsa) echo sha256 ;; ec) echo sha384 ;; esac; }
serial() { echo "0x$(openssl rand -hex 12)"; }

for c in rsa ec; do
    md=$(digest $c)
    openssl req -new -x509 -"$md" -key "root-$c.key" -days 3650 \
        -subj "/O=hcsms interop/CN=hcsms interop root $c" \
        -config "$WORK/ext.cnf" -extensions v3_root -set_serial "$(serial)" \
        -out "$WORK/root-$c.pem" 2>/dev/null
    openssl req -new -"$md" -key "int-$c.key" -subj "/O=hcsms interop/CN=hcsms interop intermediate $c" \
        -out "$WORK/int-$c.csr" 2>/dev/null
    openssl x509 -req -"$md" -in "$WORK/int-$c.csr" -CA "$WORK/root-$c.pem" -CAkey "root-$c.key" \
        -set_serial "$(serial)" -days 3650 -extfile "$WORK/ext.cnf" -extensions v3_int \
        -out "$WORK/int-$c.pem" 2>/dev/null
done

for f in $(all_leaf_certs); do
    t=${f#leaf-}
    c=${t##*-}
    t=${t%-*}
    md=$(digest $c)
    case $t in rsa*) ext=v3_leaf ;; *) ext=v3_leaf_ec ;; esac
    # Ed25519 has no separate digest: let req pick it (it refuses -sha256 for it)
    reqmd=-sha256
    [ "$t" = ed25519 ] && reqmd=
    openssl req -new $reqmd -key "leaf-$t.key" -subj "/O=hcsms interop/CN=localhost" \
        -out "$WORK/$f.csr" 2>/dev/null
    openssl x509 -req -"$md" -in "$WORK/$f.csr" -CA "$WORK/int-$c.pem" -CAkey "int-$c.key" \
        -set_serial "$(serial)" -days 400 -extfile "$WORK/ext.cnf" -extensions "$ext" \
        -out "$WORK/$f.pem" 2>/dev/null
    cat "$WORK/$f.pem" "$WORK/int-$c.pem" >"$WORK/$f.chain.pem"
    openssl verify -CAfile "$WORK/root-$c.pem" -untrusted "$WORK/int-$c.pem" "$WORK/$f.pem" >/dev/null
done

for f in "$WORK"/*.pem; do
    b=$(basename "$f")
    cp "$f" "./$b.tmp"
    mv -f "./$b.tmp" "./$b"
done
chmod 644 ./*.pem
chmod 600 ./*.key
