/*
 * TLS over a port socket with mbedTLS: the only file that calls mbedTLS's
 * SSL, X.509 and DRBG APIs.
 *
 * Verification is not optional: the configuration requires a verified chain
 * and the host name is always set, for SNI and for the certificate check.
 * The DRBG is seeded from the port's entropy function alone, so a port with
 * no entropy makes set-up fail instead of falling back to something weak.
 *
 * The bio callbacks never wait past tls->io_deadline_ms. When the port times
 * out they return WANT_READ/WANT_WRITE and the loops here decide, from the
 * deadline, whether to call mbedTLS again or give up.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <psa/crypto.h>
#endif

#include "net.h"
#include "hcsms.h"
#include "hcsms/error.h"

static int entropy_from_port(void *unused, unsigned char *out, size_t len)
{
    (void)unused;
    return hcsms_port_entropy(out, len) == 0 ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

static int bio_send(void *context, const unsigned char *data, size_t len)
{
    hcsms_tls *tls = context;
    int n = hcsms_port_send(&tls->socket, data, len, hcsms_time_left(tls->io_deadline_ms));

    if (n > 0)
        return n;
    if (n == 0)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    tls->port_error = n;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *context, unsigned char *data, size_t len)
{
    hcsms_tls *tls = context;
    int n = hcsms_port_recv(&tls->socket, data, len, hcsms_time_left(tls->io_deadline_ms));

    if (n > 0)
        return n;
    if (n == 0)
        return MBEDTLS_ERR_SSL_WANT_READ;
    tls->port_error = n;
    if (n == HCSMS_ERR_CLOSED)
        return 0; /* mbedTLS's end of stream */
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* Key exchange groups, cheapest first. mbedTLS 2.28 offers its curves
 * largest first, and a server that takes the client's order (nginx on
 * TLS 1.2) then picks P-521: measured, that is 48M of the 85M instructions
 * of a cold unlock (make bench). The certificate's own curve is checked
 * separately; this list is only the ephemeral key exchange. */
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
    MBEDTLS_ECP_DP_NONE,
};
#endif

static int is_want(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* Turn an mbedTLS failure into our code, keeping the original for reports. */
static int map_error(hcsms_tls *tls, int ret, int otherwise)
{
    tls->mbedtls_error = ret;
    if (tls->port_error != 0)
        return tls->port_error;
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
        return HCSMS_ERR_CLOSED;
    return otherwise;
}

#if HCSMS_CONFIG_TLS_RESUME && defined(MBEDTLS_SSL_CLI_C)
#define RESUME 1
/* Keep the connection's session for the next connection: after a TLS 1.2
 * handshake, and for TLS 1.3 each time the server sends a ticket. */
static void keep_session(hcsms_tls *tls)
{
    mbedtls_ssl_session_free(&tls->session);
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = mbedtls_ssl_get_session(&tls->ssl, &tls->session) == 0;
}

static void forget_session(hcsms_tls *tls)
{
    mbedtls_ssl_session_free(&tls->session);
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = 0;
}

/* After a handshake. mbedTLS offers only the saved session's version when
 * it resumes, so a TLS 1.3 session without a ticket must not be kept (it
 * would pin the next ClientHello to 1.3 for nothing), and a ticket that was
 * just used is not offered again (RFC 8446 C.4): TLS 1.3 sessions are kept
 * only from the tickets that follow. */
static void session_after_handshake(hcsms_tls *tls)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (mbedtls_ssl_get_version_number(&tls->ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
        forget_session(tls);
        return;
    }
#endif
    keep_session(tls);
}
#else
#define RESUME 0
#endif

/* A TLS 1.3 ticket arrived (only signalled when resumption is on): keep it.
 * The caller goes on with what it was doing, deadline permitting. */
static int took_ticket(hcsms_tls *tls, int ret)
{
#if RESUME && defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        keep_session(tls);
        return 1;
    }
#else
    (void)tls;
    (void)ret;
#endif
    return 0;
}

/* A connection that failed in TLS itself (a bad record, a fatal alert) must
 * not be resumed (RFC 5246 7.2.2); a close or a port error says nothing
 * about the session. */
static int tls_failure(hcsms_tls *tls, int ret)
{
    int err = map_error(tls, ret, HCSMS_ERR_TLS);

#if RESUME
    if (err == HCSMS_ERR_TLS)
        forget_session(tls);
#endif
    return err;
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
#if RESUME
    mbedtls_ssl_session_init(&tls->session);
#endif
    tls->socket.fd = -1;
    tls->initialised = 1;

    ret = mbedtls_ctr_drbg_seed(&tls->drbg, entropy_from_port, NULL, personalisation,
                                sizeof(personalisation) - 1);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED ? HCSMS_ERR_ENTROPY : HCSMS_ERR_TLS;
    }

    /* A bundle may hold certificates this mbedTLS cannot parse; a positive
     * return counts them. What matters is that at least one was usable. */
    if (ca_data != NULL && ca_len > 0) {
        ret = mbedtls_x509_crt_parse(&tls->ca, ca_data, ca_len);
        if (ret < 0) {
            tls->mbedtls_error = ret;
            return HCSMS_ERR_CA;
        }
    }
    if (ca_file != NULL) {
#if HCSMS_CONFIG_CA_FILE && defined(MBEDTLS_FS_IO)
        ret = mbedtls_x509_crt_parse_file(&tls->ca, ca_file);
        if (ret < 0) {
            tls->mbedtls_error = ret;
            return HCSMS_ERR_CA;
        }
#else
        return HCSMS_ERR_CA;
#endif
    }
    if (tls->ca.version == 0)
        return HCSMS_ERR_CA;

    ret = mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return HCSMS_ERR_TLS;
    }
    mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
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
#if RESUME && defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    /* TLS 1.3 tickets come after the handshake: have them signalled, so
     * the read loops can keep them (took_ticket). */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &tls->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
    ret = mbedtls_ssl_setup(&tls->ssl, &tls->conf);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return HCSMS_ERR_TLS;
    }
    return 0;
}

int hcsms_tls_open(hcsms_tls *tls, const char *host, uint16_t port,
                   uint32_t connect_timeout_ms, uint64_t deadline_ms,
                   char *address_text, size_t address_size)
{
    uint32_t left;

    if (!tls->initialised)
        return HCSMS_ERR_INVALID_ARGUMENT;
    hcsms_tls_close(tls);
    tls->port_error = 0;
    tls->mbedtls_error = 0;
    tls->verify_flags = 0;
#if RESUME
    tls->offered_session = 0; /* set by the handshake on this connection */
#endif
    left = hcsms_time_left(deadline_ms);
    if (left == 0)
        return HCSMS_ERR_TIMEOUT;
    return hcsms_port_connect(&tls->socket, host, port,
                              connect_timeout_ms < left ? connect_timeout_ms : left,
                              address_text, address_size);
}

int hcsms_tls_handshake(hcsms_tls *tls, const char *server_name, uint64_t deadline_ms)
{
    int ret, err = 0;

    if (!tls->initialised || tls->socket.fd < 0)
        return HCSMS_ERR_INVALID_ARGUMENT;
    if (tls->used && (ret = mbedtls_ssl_session_reset(&tls->ssl)) != 0) {
        hcsms_port_close(&tls->socket);
        return map_error(tls, ret, HCSMS_ERR_TLS);
    }
    tls->used = 1;
    /* Set every time: the name is the SNI and what the certificate must match. */
    if ((ret = mbedtls_ssl_set_hostname(&tls->ssl, server_name)) != 0) {
        hcsms_port_close(&tls->socket);
        return map_error(tls, ret, HCSMS_ERR_TLS);
    }
#if RESUME
    /* Offered, not trusted: a server that does not know it does a full
     * handshake, certificate check included. */
    tls->offered_session = 0;
    if (tls->have_session) {
        if (mbedtls_ssl_set_session(&tls->ssl, &tls->session) == 0)
            tls->offered_session = 1;
        else
            forget_session(tls);
    }
#endif
    mbedtls_ssl_set_bio(&tls->ssl, tls, bio_send, bio_recv, NULL);
    tls->io_deadline_ms = deadline_ms;
    while ((ret = mbedtls_ssl_handshake(&tls->ssl)) != 0) {
        if (is_want(ret) || took_ticket(tls, ret)) {
            if (hcsms_time_left(deadline_ms) == 0) {
                err = HCSMS_ERR_TIMEOUT;
                break;
            }
            continue;
        }
        if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
            tls->mbedtls_error = ret;
            tls->verify_flags = mbedtls_ssl_get_verify_result(&tls->ssl);
            err = HCSMS_ERR_TLS_VERIFY;
        } else {
            err = map_error(tls, ret, HCSMS_ERR_TLS_HANDSHAKE);
        }
        break;
    }
    if (ret != 0) {
#if RESUME
        forget_session(tls); /* never offer it again after a failure */
#endif
        hcsms_port_close(&tls->socket);
        return err;
    }
#if RESUME
    session_after_handshake(tls);
#endif
    tls->connected = 1;
    return 0;
}

int hcsms_tls_send(void *context, const unsigned char *data, size_t len,
                   uint32_t timeout_ms)
{
    hcsms_tls *tls = context;
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;

    if (!tls->connected)
        return HCSMS_ERR_CLOSED;
    tls->io_deadline_ms = deadline;
    tls->port_error = 0;
    for (;;) {
        int ret = mbedtls_ssl_write(&tls->ssl, data, len);
        if (ret > 0)
            return ret;
        if (!is_want(ret) && !took_ticket(tls, ret))
            return tls_failure(tls, ret);
        if (hcsms_time_left(deadline) == 0)
            return 0;
    }
}

int hcsms_tls_recv(void *context, unsigned char *data, size_t len,
                   uint32_t timeout_ms)
{
    hcsms_tls *tls = context;
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;

    if (!tls->connected)
        return HCSMS_ERR_CLOSED;
    tls->io_deadline_ms = deadline;
    tls->port_error = 0;
    for (;;) {
        int ret = mbedtls_ssl_read(&tls->ssl, data, len);
        if (ret > 0)
            return ret;
        if (ret == 0)
            return HCSMS_ERR_CLOSED;
        if (!is_want(ret) && !took_ticket(tls, ret))
            return tls_failure(tls, ret);
        if (hcsms_time_left(deadline) == 0)
            return 0;
    }
}

int hcsms_tls_idle_ok(hcsms_tls *tls)
{
    unsigned char byte;
    int ret, tickets = 0;

    if (!tls->connected)
        return 0;
    if (mbedtls_ssl_get_bytes_avail(&tls->ssl) > 0)
        return 0;
    tls->io_deadline_ms = 0; /* do not wait */
    tls->port_error = 0;
    /* A TLS 1.3 ticket is not an answer; a server that sends nothing but
     * tickets gets a fresh connection instead. */
    do
        ret = mbedtls_ssl_read(&tls->ssl, &byte, 1);
    while (took_ticket(tls, ret) && ++tickets < 8);
    return ret == MBEDTLS_ERR_SSL_WANT_READ;
}

int hcsms_tls_offered_session(const hcsms_tls *tls)
{
#if RESUME
    return tls->offered_session;
#else
    (void)tls;
    return 0;
#endif
}

const char *hcsms_tls_protocol(const hcsms_tls *tls)
{
    return mbedtls_ssl_get_version(&tls->ssl);
}

const char *hcsms_tls_ciphersuite(const hcsms_tls *tls)
{
    return mbedtls_ssl_get_ciphersuite(&tls->ssl);
}

void hcsms_tls_close(hcsms_tls *tls)
{
    if (tls->connected) {
        tls->io_deadline_ms = 0; /* best effort: never wait for the peer */
        (void)mbedtls_ssl_close_notify(&tls->ssl);
        tls->connected = 0;
    }
    hcsms_port_close(&tls->socket);
}

void hcsms_tls_free(hcsms_tls *tls)
{
    if (tls->initialised) {
        hcsms_tls_close(tls);
        mbedtls_ssl_free(&tls->ssl);
#if RESUME
        mbedtls_ssl_session_free(&tls->session);
#endif
        mbedtls_ssl_config_free(&tls->conf);
        mbedtls_x509_crt_free(&tls->ca);
        mbedtls_ctr_drbg_free(&tls->drbg);
    }
    mbedtls_platform_zeroize(tls, sizeof(*tls));
    tls->socket.fd = -1;
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
