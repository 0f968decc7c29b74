#!/usr/bin/env bash
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
#
# Idempotent: if a complete, still-valid set already exists it is kept; otherwise
# everything is regenerated. Fast: EC keys only.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
mkdir -p "$OUT"
cd "$OUT"

have_valid_set() {
    local f
    for f in ca.pem ca.key server.pem server.key other-ca.pem other-ca.key expired.pem expired.key server6.pem server6.key; do
        [ -s "$f" ] || return 1
    done
    # server cert must still be valid for at least an hour and chain to ca.pem
    openssl x509 -in server.pem -noout -checkend 3600 >/dev/null 2>&1 || return 1
    openssl verify -CAfile ca.pem server.pem >/dev/null 2>&1 || return 1
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
mkdir -p "$WORK/ca-db"
: >"$WORK/ca-db/index.txt"
openssl rand -hex 8 >"$WORK/ca-db/serial"
cat >"$WORK/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir            = $WORK/ca-db
database       = \$dir/index.txt
serial         = \$dir/serial
new_certs_dir  = \$dir
certificate    = $WORK/ca.pem
private_key    = $WORK/ca.key
default_md     = sha256
policy         = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
organizationName = optional
commonName       = supplied
CNF

issue() { # issue BASENAME STARTDATE ENDDATE [EXTENSIONS]   (dates: YYMMDDHHMMSSZ, UTC)
    newkey "$WORK/$1.key"
    openssl req -new -sha256 -key "$WORK/$1.key" -subj "/O=hcsms test/CN=localhost" \
        -out "$WORK/$1.csr" 2>/dev/null
    openssl ca -batch -notext -config "$WORK/ca.cnf" -in "$WORK/$1.csr" \
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

for f in ca.pem ca.key server.pem server.key other-ca.pem other-ca.key expired.pem expired.key server6.pem server6.key; do
    cp "$WORK/$f" "./$f.tmp"
    mv -f "./$f.tmp" "./$f"
done
chmod 644 ./*.pem
chmod 600 ./*.key
