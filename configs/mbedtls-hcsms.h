/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedtls-hcsms.h - a complete mbedTLS 3.6 LTS configuration for hcsms.
 *
 * It REPLACES include/mbedtls/mbedtls_config.h (MBEDTLS_CONFIG_FILE):
 *
 *   make MBEDTLS=3.6 MBEDTLS_CONFIG=configs/mbedtls-hcsms.h all test
 *
 * or, for another build system, compile mbedTLS AND every file that includes
 * the mbedTLS headers (src/net/tls*.c, include/hcsms/private.h users) with
 *   -DMBEDTLS_CONFIG_FILE='"mbedtls-hcsms.h"'
 * (the options change structure layouts, so both sides must agree).
 *
 * What hcsms needs from mbedTLS, and so all this file enables:
 *   - a TLS CLIENT only: no server, no DTLS, no renegotiation, no resumption;
 *   - TLS 1.2 and TLS 1.3 (hcsms sets the minimum to 1.2);
 *   - ECDHE only: ECDHE-ECDSA and ECDHE-RSA on 1.2, the ephemeral (EC)DHE
 *     mode on 1.3; groups X25519, secp256r1, secp384r1;
 *   - AEADs only: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305;
 *   - X.509 chain verification with RSA (PKCS#1 v1.5 and PSS) and ECDSA
 *     (P-256, P-384) signatures, PEM or DER CA bundles, host name check, SNI;
 *   - PSA crypto, which 3.6's TLS 1.3 code always runs through;
 *   - ENTROPY + CTR_DRBG (tls_setup.c seeds its own CTR_DRBG from the port; PSA
 *     draws from mbedTLS's entropy sources);
 *   - PLATFORM_C + PLATFORM_MEMORY (count or redirect mbedTLS's heap with
 *     mbedtls_platform_set_calloc_free()) and MEMORY_BUFFER_ALLOC_C (a
 *     static pool: mbedtls_memory_buffer_alloc_init());
 *   - ERROR_C (hcsms prints mbedtls_strerror() texts).
 *
 * Host-only lines (a bare-metal target removes them; see
 * configs/mbedtls-hcsms-baremetal.h) are marked [host].
 *
 * Resulting cipher suites, in preference order (MBEDTLS_SSL_CIPHERSUITES,
 * the same order as src/net/tls_setup.c's offered list, which hcsms sets
 * itself; this one only decides what is compiled in):
 *   TLS 1.3: TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256,
 *            TLS_AES_256_GCM_SHA384
 *   TLS 1.2: ECDHE-ECDSA and ECDHE-RSA, each with CHACHA20-POLY1305-SHA256,
 *            AES-128-GCM-SHA256, AES-256-GCM-SHA384
 *
 * Curve arithmetic (window 2, fixed-point tables, Everest X25519) and the
 * cipher order were chosen with numbers measured on the Cortex-M4 board
 * image: docs/crypto-choices.md.
 *
 * Mandatory by 3.6, although hcsms itself would not need it:
 *   MBEDTLS_SSL_KEEP_PEER_CERTIFICATE. hcsms never reads the peer
 *   certificate after the handshake, but 3.6's check_config.h stops the
 *   build with "MBEDTLS_SSL_PROTO_TLS1_3 defined without
 *   MBEDTLS_SSL_KEEP_PEER_CERTIFICATE": its TLS 1.3 code keeps the chain.
 *
 * As 3.x expects, this file does NOT include check_config.h:
 * mbedtls/build_info.h includes it after this file and the adjust headers.
 *
 * Known mbedTLS 3.6 problem that no configuration can fix (it hits the
 * default configuration too; still in 3.6.7):
 *   - -Wundef: include/mbedtls/ssl.h tests MBEDTLS_SSL_DTLS_CONNECTION_ID_COMPAT
 *     with #if, and config_adjust_ssl.h #undefs it whenever DTLS is off, so
 *     every DTLS-less configuration makes code compiled with -Wundef -Werror
 *     (hcsms's WARNINGS) fail in ssl.h (Mbed-TLS/mbedtls issues #9425, #10207;
 *     fix in PR #10112). Include the mbedTLS headers with -isystem instead of
 *     -I (compiler warnings in third-party headers are then not reported;
 *     hcsms's own code keeps -Wundef).
 * Fixed in 3.6.7 (the pinned release): 3.6.6 rejected the rsa_pss_rsae_*
 * signature of a TLS 1.2 ServerKeyExchange (-0x6600), which every TLS 1.2
 * server with an RSA key whose library prefers PSS makes (OpenSSL's,
 * GnuTLS's, wolfSSL's defaults; upstream #10668).
 */
#ifndef HCSMS_MBEDTLS_CONFIG_H
#define HCSMS_MBEDTLS_CONFIG_H

/* ---- system support ------------------------------------------------------ */

/* Inline assembly for bignum multiplication (x86-64 on hosts, UMAAL on Cortex-M4): RSA/ECC speed. */
#define MBEDTLS_HAVE_ASM
/* [host] time(): TLS 1.2 ClientHello gmt_unix_time and session start times; a bare-metal target without a clock removes it. */
#define MBEDTLS_HAVE_TIME
/* [host] gmtime_r(): check X.509 notBefore/notAfter (the e2e suite's expired-certificate case needs it). */
#define MBEDTLS_HAVE_TIME_DATE
/* [host] fopen(): mbedtls_x509_crt_parse_file() for --cacert / the system CA bundle (hcsms ca_file). */
#define MBEDTLS_FS_IO

/* ---- platform and memory ------------------------------------------------- */

/* Platform abstraction layer (mbedtls_calloc/free indirection, platform setup). */
#define MBEDTLS_PLATFORM_C
/* Runtime-settable calloc/free: mbedtls_platform_set_calloc_free() lets an application count or redirect mbedTLS's heap. */
#define MBEDTLS_PLATFORM_MEMORY
/* Optional static pool allocator (mbedtls_memory_buffer_alloc_init()) for targets without a heap. */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C

/* ---- deprecated API ------------------------------------------------------ */

/* hcsms uses no deprecated mbedTLS API; removing it keeps it that way. */
#define MBEDTLS_DEPRECATED_REMOVED

/* ---- big numbers, elliptic curves, RSA ----------------------------------- */

/* Multi-precision integers: RSA and ECC arithmetic. */
#define MBEDTLS_BIGNUM_C
/* Largest MPI 512 bytes = RSA-4096 (the largest keys in public CA bundles) instead of 8192-bit; less stack/heap. */
#define MBEDTLS_MPI_MAX_SIZE 512

/* Elliptic curve arithmetic: ECDHE and ECDSA. */
#define MBEDTLS_ECP_C
/* secp256r1: ECDHE group and ECDSA certificates (the e2e PKI and many CAs use P-256). */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
/* secp384r1: ECDHE group and ECDSA P-384 CA certificates (31 of Debian's 144 roots). */
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
/* X25519: the preferred ECDHE group (first in the default group list, the one TLS 1.3 key share sent). */
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
/* Fast modular reduction for the NIST curves: several times faster P-256/P-384 for a few KB of code. */
#define MBEDTLS_ECP_NIST_OPTIM
/* Window size 2 (default 4): with the fixed-point tables below, window 4 saves only 5% of the board's full handshake, and on x86-64 one unlock then no longer runs on a 36 KB static pool (40 KB needed; docs/crypto-choices.md). */
#define MBEDTLS_ECP_WINDOW_SIZE 2
/* Precomputed base-point tables (const, in flash): ECDSA verification and ECDHE keygen on P-256/P-384; -23% on the board's full handshake for +5.5 KB flash, no RAM (docs/crypto-choices.md). */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1
/* ECDH primitive: ECDHE on TLS 1.2 (legacy path) and PSA_WANT_ALG_ECDH for TLS 1.3. */
#define MBEDTLS_ECDH_C
/* Project Everest's verified X25519 for the ECDH shared secret (X25519 is the first group
 * offered): on the board -21% on a resumed handshake and -7% on a full one, for +4.6 KB flash
 * (docs/crypto-choices.md). Apache-2.0 only: with it, mbedTLS cannot be taken under its
 * GPL-2.0-or-later option (NOTICE). Consumers need 3rdparty/everest/include on the include
 * path (scripts/build-mbedtls.sh installs it next to include/mbedtls). */
#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED
/* ECDSA verification: ECDSA certificates and ECDHE-ECDSA ServerKeyExchange / CertificateVerify. */
#define MBEDTLS_ECDSA_C

/* RSA public-key operations: RSA certificate chains (public CAs, Huawei Cloud's endpoints). */
#define MBEDTLS_RSA_C
/* PKCS#1 v1.5 signatures: sha256WithRSAEncryption certificates and TLS 1.2 ECDHE-RSA. */
#define MBEDTLS_PKCS1_V15
/* PKCS#1 v2.1 (PSS): TLS 1.3 requires rsa_pss_rsae_* for RSA server certificates. */
#define MBEDTLS_PKCS1_V21
/* Certificates signed with RSASSA-PSS. */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

/* ---- hashes, MAC, KDF ---------------------------------------------------- */

/* Generic message digest layer: HMAC, TLS PRF, X.509 signatures, hcsms AK/SK signing (HMAC-SHA256, src/auth/aksk.c). */
#define MBEDTLS_MD_C
/* SHA-256: TLS 1.2/1.3 transcript, HKDF, *_SHA256 suites, most certificate signatures. */
#define MBEDTLS_SHA256_C
/* Smaller SHA-256 code (about -1.5 KB on Cortex-M4, ~30% slower): hashing is not hcsms's bottleneck. */
#define MBEDTLS_SHA256_SMALLER
/* SHA-384: *_SHA384 suites (AES-256-GCM) and sha384/ecdsa-with-SHA384 certificates (42 of Debian's roots). */
#define MBEDTLS_SHA384_C
/* SHA-512: shares sha512.c with SHA-384 (~0.6 KB on Cortex-M4); parses sha512WithRSA roots (2 in Debian's bundle); entropy accumulator hash. */
#define MBEDTLS_SHA512_C
/* Smaller SHA-384/512 code, same trade as SHA256_SMALLER. */
#define MBEDTLS_SHA512_SMALLER
/* SHA-1: ONLY so that the 30 SHA-1 self-signed roots in CA bundles (e.g. DigiCert Global Root CA, GlobalSign Root CA) parse; the default X.509 profile still refuses SHA-1 signatures in a chain. */
#define MBEDTLS_SHA1_C
/* HKDF: TLS 1.3 key schedule (PSA_WANT_ALG_HKDF_EXTRACT/EXPAND). */
#define MBEDTLS_HKDF_C

/* ---- symmetric ciphers --------------------------------------------------- */

/* Generic cipher layer: TLS 1.2 record protection and PSA's block cipher glue. */
#define MBEDTLS_CIPHER_C
/* AES: AES-GCM suites and CTR_DRBG. */
#define MBEDTLS_AES_C
/* AES tables as const data in flash instead of generated into 8 KB of RAM at start-up. */
#define MBEDTLS_AES_ROM_TABLES
/* One table per direction instead of four: 2 KB instead of 8 KB of tables, slightly slower. */
#define MBEDTLS_AES_FEWER_TABLES
/* GCM and CTR_DRBG only ever encrypt with AES: drop the AES decryption code and tables. */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
/* [host] AES-NI on x86-64 hosts (compiled out on other architectures). */
#define MBEDTLS_AESNI_C
/* AES-GCM AEAD: TLS_AES_*_GCM_* and ECDHE-*-AES-*-GCM-* suites. */
#define MBEDTLS_GCM_C
/* ChaCha20 stream cipher: part of ChaCha20-Poly1305. */
#define MBEDTLS_CHACHA20_C
/* Poly1305 MAC: part of ChaCha20-Poly1305. */
#define MBEDTLS_POLY1305_C
/* ChaCha20-Poly1305 AEAD: fast without AES hardware (Cortex-M4); TLS_CHACHA20_POLY1305_SHA256 and ECDHE-*-CHACHA20-POLY1305. */
#define MBEDTLS_CHACHAPOLY_C

/* ---- random numbers ------------------------------------------------------ */

/* Entropy accumulator: PSA's RNG (psa_crypto_init) draws from it. */
#define MBEDTLS_ENTROPY_C
/* CTR_DRBG: tls_setup.c's DRBG (seeded from hcsms_port_entropy) and PSA's internal DRBG. */
#define MBEDTLS_CTR_DRBG_C

/* ---- PSA crypto ---------------------------------------------------------- */

/* PSA Crypto: mandatory for TLS 1.3 in 3.6 (key schedule, AEAD, ECDHE run through PSA); psa_crypto_init() in tls_setup.c. */
#define MBEDTLS_PSA_CRYPTO_C
/* PSA key slots allocated on demand (3.6 default): no fixed 32-slot array in RAM. */
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC

/* ---- ASN.1, OIDs, keys, PEM, X.509 --------------------------------------- */

/* ASN.1 parsing: certificates, keys, ECDSA signatures. */
#define MBEDTLS_ASN1_PARSE_C
/* ASN.1 writing: ECDSA signature format conversion (required by MBEDTLS_ECDSA_C). */
#define MBEDTLS_ASN1_WRITE_C
/* OID tables: algorithm and extension identifiers in certificates. */
#define MBEDTLS_OID_C
/* Public-key abstraction: RSA/EC keys from certificates. */
#define MBEDTLS_PK_C
/* Public-key parsing: SubjectPublicKeyInfo in certificates. */
#define MBEDTLS_PK_PARSE_C
/* Base64: needed by PEM. */
#define MBEDTLS_BASE64_C
/* PEM parsing: CA bundles (the system bundle, --cacert, ca_data) are PEM. */
#define MBEDTLS_PEM_PARSE_C
/* X.509 common code. */
#define MBEDTLS_X509_USE_C
/* X.509 certificate parsing and chain verification (mbedtls_x509_crt_parse*, verify_info). */
#define MBEDTLS_X509_CRT_PARSE_C

/* ---- TLS ----------------------------------------------------------------- */

/* Generic TLS code. */
#define MBEDTLS_SSL_TLS_C
/* The client side (no MBEDTLS_SSL_SRV_C: hcsms never accepts connections). */
#define MBEDTLS_SSL_CLI_C
/* TLS 1.2: still what many endpoints negotiate; hcsms's minimum. */
#define MBEDTLS_SSL_PROTO_TLS1_2
/* TLS 1.3: preferred where offered (the mock endpoint and nginx do). */
#define MBEDTLS_SSL_PROTO_TLS1_3
/* TLS 1.3 (EC)DHE handshake. */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
/* Session resumption on reconnect (HCSMS_CONFIG_TLS_RESUME): a reconnect in a
 * batch (the server closed the kept-alive connection) skips the certificate
 * check and the signature verification of a full handshake, which are most of
 * its cost (two P-256 verifications: seconds on a small Cortex-M). TLS 1.2
 * tickets and TLS 1.3 tickets with (EC)DHE (no PSK-only mode, no early data). */
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
/* TLS 1.3 middlebox compatibility mode (RFC 8446 D.4): fewer handshakes broken by middleboxes. */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
/* TLS 1.2 ECDHE with ECDSA certificates. */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
/* TLS 1.2 ECDHE with RSA certificates. */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
/* TLS 1.2 extended master secret (RFC 7627): binds the master secret to the handshake. */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
/* Send server_name (SNI): virtual-hosted endpoints choose the certificate by it; hcsms always sets the host name. */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
/* Required by 3.6's TLS 1.3 code (check_config.h #error without it); hcsms does not read the peer certificate after the handshake. */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE

/* Incoming records: 16384 (the TLS maximum); servers such as nginx do not negotiate max_fragment_length. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
/* Outgoing records: 2048 instead of 16384 saves 14 KB of RAM per connection. hcsms writes its
 * request through a 1,024-byte buffer (HCSMS_IO_BUFFER_SIZE) and loops on partial writes; the
 * client sends no certificate; its largest handshake message, the ClientHello, is 210 bytes for
 * "localhost" (measured), so about 460 for a 253-character host name, a little more after a
 * HelloRetryRequest for P-384: 2048 leaves room for an HRR cookie and a larger IO buffer. */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048

/* Offered suites, best first (TLS 1.3 ones are used for 1.3, the others for 1.2); also the whole compiled-in list. */
#define MBEDTLS_SSL_CIPHERSUITES                              \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,                  \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,                        \
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,                        \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,    \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,          \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,      \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,            \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

/* ---- diagnostics --------------------------------------------------------- */

/* mbedtls_strerror(): hcsms_tls_error_text() prints mbedTLS's error texts. */
#define MBEDTLS_ERROR_C

/*
 * Deliberately NOT defined (all on in 3.6's default configuration):
 *   MBEDTLS_SSL_SRV_C, MBEDTLS_SSL_CACHE_C, MBEDTLS_SSL_TICKET_C,
 *   MBEDTLS_SSL_COOKIE_C                 server side
 *   MBEDTLS_SSL_PROTO_DTLS and all DTLS_* (CID, anti-replay, SRTP...)  datagrams
 *   MBEDTLS_SSL_RENEGOTIATION            TLS 1.2 renegotiation
 *   MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED (PSK without (EC)DHE: no
 *                                        forward secrecy), MBEDTLS_SSL_EARLY_DATA
 *   MBEDTLS_SSL_MAX_FRAGMENT_LENGTH, MBEDTLS_SSL_RECORD_SIZE_LIMIT  not negotiated by servers
 *   MBEDTLS_SSL_ALPN, MBEDTLS_SSL_KEYING_MATERIAL_EXPORT,
 *   MBEDTLS_SSL_CONTEXT_SERIALIZATION, MBEDTLS_SSL_ALL_ALERT_MESSAGES,
 *   MBEDTLS_SSL_ENCRYPT_THEN_MAC (CBC only)
 *   every non-ECDHE key exchange; CBC/CTR/CFB/OFB/XTS modes, CCM, CMAC,
 *   DES, Camellia, ARIA, MD5, RIPEMD-160, SHA-224, SHA-3, DHM, ECJPAKE,
 *   LMS, NIST_KW, PKCS#5/7/12, HMAC_DRBG, ECDSA_DETERMINISTIC (signing only)
 *   other curves (secp192/224/521, Koblitz, Brainpool, X448)
 *   MBEDTLS_PK_WRITE_C, PEM_WRITE_C, X509 CRL/CSR/writing, GENPRIME
 *   MBEDTLS_PSA_CRYPTO_STORAGE_C, MBEDTLS_PSA_ITS_FILE_C  no persistent keys
 *   MBEDTLS_NET_C, MBEDTLS_TIMING_C      hcsms has its own port (sockets, clock)
 *   MBEDTLS_DEBUG_C, MBEDTLS_VERSION_C, MBEDTLS_VERSION_FEATURES,
 *   MBEDTLS_SELF_TEST                    (hcsms only uses the version macros)
 */

#endif /* HCSMS_MBEDTLS_CONFIG_H */
