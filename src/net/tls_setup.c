/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Setting the TLS object up once per client and freeing it: the DRBG seeded
 * from the port's entropy alone (a port with no entropy makes set-up fail
 * instead of falling back to something weak), the trust anchors, and what
 * hcsms offers and requires whatever mbedTLS's defaults: a verified chain,
 * TLS 1.2 or newer, only ECDHE with an AEAD. Also the error text of the
 * public API.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <psa/crypto.h>
#endif

#include "tls_internal.h"
#include "hcsms/error.h"

static int entropy_from_port(void *unused, unsigned char *out, size_t len)
{
    (void)unused;
    return hcsms_port_entropy(out, len) == 0 ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/* Key exchange groups, cheapest first. mbedTLS 2.28 offers its curves
 * largest first, and a server that takes the client's order (nginx on
 * TLS 1.2) then picks P-521: measured, that is 48M of the 85M instructions
 * of a cold unlock (make bench). P-521 is still offered, last: on TLS 1.2
 * this list also names the curves the server's ECDSA certificate may use
 * (RFC 8422 5.1), and without it a server with a P-521 certificate finds
 * no shared suite (make interop: every TLS 1.2-only P-521 row failed). */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
static const uint16_t key_exchange_groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1,
#endif
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};
#elif defined(MBEDTLS_ECP_C)
static const mbedtls_ecp_group_id key_exchange_groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_ECP_DP_CURVE25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    MBEDTLS_ECP_DP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    MBEDTLS_ECP_DP_SECP384R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
    MBEDTLS_ECP_DP_SECP521R1,
#endif
    MBEDTLS_ECP_DP_NONE,
};
#endif

/* Offered cipher suites, best first: ECDHE with an AEAD only, whatever the
 * mbedTLS build's defaults (2.28's offer static RSA, CBC and DHE, and a
 * server's large DHE group costs seconds of CPU that no deadline can
 * interrupt). mbedTLS leaves out the ids its build lacks, and 3.x takes the
 * TLS 1.3 ones for 1.3 and the others for 1.2 from this one list.
 * ChaCha20-Poly1305 first, then AES-128-GCM: cheapest in software, which is
 * what a Cortex-M without an AES unit has (make bench: AES-256-GCM first
 * cost 15k more instructions a task than ChaCha20 on x86-64 too). */
static const int offered_ciphersuites[] = {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    0,
};

/* The trust anchors: PEM/DER data and/or a file; at least one usable. */
static int load_ca(hcsms_tls *tls, const unsigned char *ca_data, size_t ca_len,
                   const char *ca_file)
{
    int ret;

#if !HCSMS_TLS_READS_CA_FILE
    if (ca_file != NULL)
        return HCSMS_ERR_NOT_BUILT; /* whatever else was given */
#endif
    /* A bundle may hold certificates this mbedTLS cannot parse; a positive
     * return counts them. What matters is that at least one was usable. */
    if (ca_data != NULL && ca_len > 0) {
        ret = mbedtls_x509_crt_parse(&tls->ca, ca_data, ca_len);
        if (ret < 0) {
            tls->mbedtls_error = ret;
            return HCSMS_ERR_CA;
        }
    }
#if HCSMS_TLS_READS_CA_FILE
    if (ca_file != NULL) {
        ret = mbedtls_x509_crt_parse_file(&tls->ca, ca_file);
        if (ret < 0) {
            tls->mbedtls_error = ret;
            return HCSMS_ERR_CA;
        }
    }
#endif
    return tls->ca.version == 0 ? HCSMS_ERR_CA : HCSMS_OK;
}

/* What hcsms offers and requires, whatever mbedTLS's defaults. */
static int configure(hcsms_tls *tls)
{
    int ret;

    ret = mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return HCSMS_ERR_TLS;
    }
    mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
    mbedtls_ssl_conf_ciphersuites(&tls->conf, offered_ciphersuites);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    /* ECDHE on 1.3 too: a resumed session keeps a fresh key exchange
     * (psk_dhe_ke), never the PSK alone. */
    mbedtls_ssl_conf_tls13_key_exchange_modes(
        &tls->conf, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL |
                        MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL);
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    if (key_exchange_groups[0] != MBEDTLS_SSL_IANA_TLS_GROUP_NONE)
        mbedtls_ssl_conf_groups(&tls->conf, key_exchange_groups);
#elif defined(MBEDTLS_ECP_C)
    if (key_exchange_groups[0] != MBEDTLS_ECP_DP_NONE)
        mbedtls_ssl_conf_curves(&tls->conf, key_exchange_groups);
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_min_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3); /* TLS 1.2 */
#endif
#if HCSMS_TLS_RESUME && defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    /* TLS 1.3 tickets come after the handshake: have them signalled, so
     * the read loops can keep them (hcsms_tls_took_ticket). */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &tls->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
    return HCSMS_OK;
}

int hcsms_tls_setup(hcsms_tls *tls, const unsigned char *ca_data, size_t ca_len,
                    const char *ca_file)
{
    static const unsigned char personalisation[] = "hcsms";
    int ret;

#if defined(MBEDTLS_PSA_CRYPTO_C) && MBEDTLS_VERSION_NUMBER >= 0x03000000
    /* TLS 1.3 (on by default in 3.x) does its crypto through PSA, which
     * needs this once per process; a second call is harmless. PSA draws its
     * randomness from mbedTLS's entropy sources (on bare metal:
     * mbedtls_hardware_poll), not from the DRBG below. */
    if (psa_crypto_init() != PSA_SUCCESS)
        return HCSMS_ERR_ENTROPY;
#endif
    mbedtls_ssl_init(&tls->ssl);
    mbedtls_ssl_config_init(&tls->conf);
    mbedtls_x509_crt_init(&tls->ca);
    mbedtls_ctr_drbg_init(&tls->drbg);
#if HCSMS_TLS_RESUME
    mbedtls_ssl_session_init(&tls->session);
#endif
    tls->initialised = 1;

    ret = mbedtls_ctr_drbg_seed(&tls->drbg, entropy_from_port, NULL, personalisation,
                                sizeof(personalisation) - 1);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED ? HCSMS_ERR_ENTROPY : HCSMS_ERR_TLS;
    }

    if ((ret = load_ca(tls, ca_data, ca_len, ca_file)) != HCSMS_OK ||
        (ret = configure(tls)) != HCSMS_OK)
        return ret;
    ret = mbedtls_ssl_setup(&tls->ssl, &tls->conf);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return HCSMS_ERR_TLS;
    }
    hcsms_tls_bio_init(tls);
    return 0;
}

void hcsms_tls_free(hcsms_tls *tls)
{
    if (tls->initialised) {
        mbedtls_ssl_free(&tls->ssl);
#if HCSMS_TLS_RESUME
        mbedtls_ssl_session_free(&tls->session);
#endif
        mbedtls_ssl_config_free(&tls->conf);
        mbedtls_x509_crt_free(&tls->ca);
        mbedtls_ctr_drbg_free(&tls->drbg);
    }
    mbedtls_platform_zeroize(tls, sizeof(*tls));
}

void hcsms_tls_global_free(void)
{
#if defined(MBEDTLS_PSA_CRYPTO_C) && MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_psa_crypto_free();
#endif
}

const char *hcsms_tls_version(void)
{
    return MBEDTLS_VERSION_STRING_FULL;
}

void hcsms_tls_error_text(int tls_error, uint32_t verify_flags, char *out, size_t size)
{
    size_t used;

    if (out == NULL || size == 0)
        return;
    out[0] = '\0';
    if (tls_error != 0) {
#if defined(MBEDTLS_ERROR_C)
        char text[96];
        mbedtls_strerror(tls_error, text, sizeof(text));
        snprintf(out, size, "mbedTLS -0x%04x: %s", (unsigned)-tls_error, text);
#else
        snprintf(out, size, "mbedTLS -0x%04x", (unsigned)-tls_error);
#endif
    }
    used = strlen(out);
    if (verify_flags != 0 && verify_flags != (uint32_t)-1 && used + 2 < size) {
        char info[256];
        if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", verify_flags) > 0) {
            char *p;
            for (p = info; *p != '\0'; p++) {
                if (*p == '\n')
                    *p = ';';
            }
            if (p > info && p[-1] == ';')
                p[-1] = '\0';
            snprintf(out + used, size - used, "%s%s", used ? "; " : "", info);
        }
    }
}
