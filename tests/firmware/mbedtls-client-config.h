/*
 * mbedTLS 3.6 user configuration for a device that is only an HTTPS client
 * of Huawei Cloud: the firmware test's second, trimmed build
 * (make -C tests/firmware client-size). The default build uses
 * scripts/mbedtls-baremetal-config.h on top of mbedTLS's full default
 * configuration, which keeps the TLS server, DTLS, debug output and every
 * cipher; this file shows what a client-only device carries instead.
 *
 * Kept: TLS 1.2 and 1.3 client, ECDHE-RSA / ECDHE-ECDSA with AES-GCM (and
 * the TLS 1.3 AES-GCM suites), RSA (PKCS#1 v1.5 and PSS) and ECDSA
 * certificates on P-256/P-384/X25519, SHA-1/224/256/384/512 (SHA-1 only for
 * old chains the default X.509 profile already refuses), PEM and DER CAs.
 *
 * The bare-metal part (no sockets, files, wall clock or OS entropy) applies
 * when the compiler is not for a Unix-like host, so that the same file also
 * builds a host mbedTLS to run the project's end-to-end tests against.
 */
#ifndef HCSMS_FIRMWARE_MBEDTLS_CLIENT_CONFIG_H
#define HCSMS_FIRMWARE_MBEDTLS_CLIENT_CONFIG_H

#if !defined(__unix__)
/* As scripts/mbedtls-baremetal-config.h (keep the two in step). */
#undef MBEDTLS_NET_C
#undef MBEDTLS_TIMING_C
#undef MBEDTLS_FS_IO
#undef MBEDTLS_PSA_ITS_FILE_C
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C
#undef MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#endif

/* A client: no server side, no datagrams, no debug output, no self tests. */
#undef MBEDTLS_SSL_SRV_C
#undef MBEDTLS_SSL_CACHE_C
#undef MBEDTLS_SSL_TICKET_C
#undef MBEDTLS_SSL_COOKIE_C
#undef MBEDTLS_SSL_PROTO_DTLS
#undef MBEDTLS_SSL_DTLS_ANTI_REPLAY
#undef MBEDTLS_SSL_DTLS_HELLO_VERIFY
#undef MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE
#undef MBEDTLS_SSL_DTLS_CONNECTION_ID
#undef MBEDTLS_SSL_DTLS_SRTP
#undef MBEDTLS_SSL_CONTEXT_SERIALIZATION
#undef MBEDTLS_SSL_RENEGOTIATION
#undef MBEDTLS_SSL_ALL_ALERT_MESSAGES
#undef MBEDTLS_DEBUG_C
#undef MBEDTLS_SELF_TEST
#undef MBEDTLS_VERSION_FEATURES

/* Key exchanges: ephemeral ECDH only (what the service offers). */
#undef MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_DHE_PSK_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_RSA_PSK_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_RSA_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_ECDH_RSA_ENABLED
#undef MBEDTLS_KEY_EXCHANGE_ECJPAKE_ENABLED
#undef MBEDTLS_DHM_C
#undef MBEDTLS_ECJPAKE_C

/* Ciphers and modes: AES-GCM only. */
#undef MBEDTLS_ARIA_C
#undef MBEDTLS_CAMELLIA_C
#undef MBEDTLS_DES_C
#undef MBEDTLS_CCM_C
#undef MBEDTLS_CHACHA20_C
#undef MBEDTLS_POLY1305_C
#undef MBEDTLS_CHACHAPOLY_C
#undef MBEDTLS_CMAC_C
#undef MBEDTLS_NIST_KW_C
#undef MBEDTLS_CIPHER_MODE_CBC
#undef MBEDTLS_CIPHER_MODE_CFB
#undef MBEDTLS_CIPHER_MODE_CTR
#undef MBEDTLS_CIPHER_MODE_OFB
#undef MBEDTLS_CIPHER_MODE_XTS
#undef MBEDTLS_CIPHER_PADDING_PKCS7
#undef MBEDTLS_CIPHER_PADDING_ONE_AND_ZEROS
#undef MBEDTLS_CIPHER_PADDING_ZEROS_AND_LEN
#undef MBEDTLS_CIPHER_PADDING_ZEROS
#undef MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES

/* Hashes: no MD5, RIPEMD-160, SHA-3; smaller SHA-256/512 code. */
#undef MBEDTLS_MD5_C
#undef MBEDTLS_RIPEMD160_C
#undef MBEDTLS_SHA3_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_SMALLER

/* Curves: the three servers use. */
#undef MBEDTLS_ECP_DP_SECP192R1_ENABLED
#undef MBEDTLS_ECP_DP_SECP224R1_ENABLED
#undef MBEDTLS_ECP_DP_SECP521R1_ENABLED
#undef MBEDTLS_ECP_DP_SECP192K1_ENABLED
#undef MBEDTLS_ECP_DP_SECP224K1_ENABLED
#undef MBEDTLS_ECP_DP_SECP256K1_ENABLED
#undef MBEDTLS_ECP_DP_BP256R1_ENABLED
#undef MBEDTLS_ECP_DP_BP384R1_ENABLED
#undef MBEDTLS_ECP_DP_BP512R1_ENABLED
#undef MBEDTLS_ECP_DP_CURVE448_ENABLED
#undef MBEDTLS_ECDSA_DETERMINISTIC
#undef MBEDTLS_HMAC_DRBG_C

/* Certificates: parse and verify, nothing written, no CRLs or PKCS#7. */
#undef MBEDTLS_X509_CRL_PARSE_C
#undef MBEDTLS_X509_CSR_PARSE_C
#undef MBEDTLS_X509_CREATE_C
#undef MBEDTLS_X509_CRT_WRITE_C
#undef MBEDTLS_X509_CSR_WRITE_C
#undef MBEDTLS_PKCS7_C
#undef MBEDTLS_PKCS5_C
#undef MBEDTLS_PKCS12_C
#undef MBEDTLS_PK_WRITE_C
#undef MBEDTLS_PEM_WRITE_C
#undef MBEDTLS_GENPRIME
#undef MBEDTLS_LMS_C

/* The client sends small records; what it receives is up to the server. */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

#endif /* HCSMS_FIRMWARE_MBEDTLS_CLIENT_CONFIG_H */
