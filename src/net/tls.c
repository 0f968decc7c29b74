/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS with mbedTLS over whatever transport is below it (plain TCP, or a
 * tunnel through a proxy): the handshake, the transport it gives the layer
 * above, the idle check and close_notify. It owns no socket: what is below
 * is opened and closed by the connection (connection.c).
 *
 * The TLS object is split along its seams: tls_setup.c (contexts, what is
 * offered and required, freeing, error text), tls_bio.c (mbedTLS's bio on
 * the transport below, under a deadline or a budget of calls that do not
 * wait), tls_names.c (what the certificate must name) and tls_session.c
 * (resumption). Together they are the only files that call mbedTLS's SSL,
 * X.509 and DRBG APIs.
 *
 * The loops here call mbedTLS again after WANT_READ/WANT_WRITE (and after a
 * TLS 1.3 ticket) only while the deadline leaves time: the bio callbacks
 * stop calling the transport at it, whatever the peer keeps sending.
 */
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include "tls_internal.h"
#include "hcsms/error.h"

/* Run mbedTLS's handshake until it ends or deadline_ms passes. */
static int handshake_loop(hcsms_tls *tls, uint64_t deadline_ms)
{
    int ret;

    tls->io_deadline_ms = deadline_ms;
    while ((ret = mbedtls_ssl_handshake(&tls->ssl)) != 0) {
        if (!hcsms_tls_is_want(ret) && !hcsms_tls_took_ticket(tls, ret))
            break;
        if (hcsms_port_time_left(deadline_ms) == 0)
            return HCSMS_ERR_TIMEOUT;
    }
    if (ret == 0)
        return HCSMS_OK;
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        tls->mbedtls_error = ret;
        tls->verify_flags = mbedtls_ssl_get_verify_result(&tls->ssl);
        return HCSMS_ERR_TLS_VERIFY;
    }
    return hcsms_tls_map_error(tls, ret, HCSMS_ERR_TLS_HANDSHAKE);
}

int hcsms_tls_handshake(hcsms_tls *tls, const hcsms_transport *lower, const char *server_name,
                        uint64_t deadline_ms)
{
    char host[HCSMS_HOST_MAX + 1];
    hcsms_tls_expected_name want;
    int ret;

    if (!tls->initialised)
        return HCSMS_ERR_INVALID_ARGUMENT;
    if (tls->used && (ret = mbedtls_ssl_session_reset(&tls->ssl)) != 0)
        return hcsms_tls_map_error(tls, ret, HCSMS_ERR_TLS);
    tls->used = 1;
    /* Set every time: the SNI and what the certificate must match. */
    if ((ret = hcsms_tls_expect_name(tls, server_name, host, sizeof(host), &want)) != 0)
        return hcsms_tls_map_error(tls, ret, HCSMS_ERR_TLS);
    mbedtls_ssl_set_verify(&tls->ssl, hcsms_tls_verify_names, &want);
#if HCSMS_TLS_RESUME
    hcsms_tls_session_offer(tls);
#endif
    tls->lower = *lower; /* the bio's, from now on (hcsms_tls_bio_init) */
    ret = handshake_loop(tls, deadline_ms);
    /* want lives on this stack: no later certificate may pass. */
    mbedtls_ssl_set_verify(&tls->ssl, hcsms_tls_verify_names, NULL);
#if HCSMS_TLS_RESUME
    if (ret != HCSMS_OK)
        hcsms_tls_session_forget(tls); /* never offer it again after a failure */
    else
        hcsms_tls_session_after_handshake(tls, &want);
#endif
    tls->connected = ret == HCSMS_OK;
    return ret;
}

/* A connection that failed in TLS itself (a bad record, a fatal alert) must
 * not be resumed (RFC 5246 7.2.2); a close or a port error says nothing
 * about the session. */
static int tls_failure(hcsms_tls *tls, int ret)
{
    int err = hcsms_tls_map_error(tls, ret, HCSMS_ERR_TLS);

#if HCSMS_TLS_RESUME
    if (err == HCSMS_ERR_TLS)
        hcsms_tls_session_forget(tls);
#endif
    return err;
}

/* mbedtls_ssl_write (of out) or, when in is not NULL, mbedtls_ssl_read
 * (into in) until some bytes move, the peer closes, TLS fails or timeout_ms
 * passes (0, the port's "nothing yet"). */
static int move_bytes(hcsms_tls *tls, const unsigned char *out, unsigned char *in, size_t len,
                      uint32_t timeout_ms)
{
    uint64_t deadline = hcsms_port_deadline_after(timeout_ms);

    if (!tls->connected)
        return HCSMS_ERR_CLOSED;
    tls->io_deadline_ms = deadline;
    tls->port_error = 0;
    for (;;) {
        int ret = in == NULL ? mbedtls_ssl_write(&tls->ssl, out, len)
                             : mbedtls_ssl_read(&tls->ssl, in, len);
        if (ret > 0)
            return ret;
        if (ret == 0 && in != NULL)
            return HCSMS_ERR_CLOSED;
        if (!hcsms_tls_is_want(ret) && !hcsms_tls_took_ticket(tls, ret))
            return tls_failure(tls, ret);
        if (hcsms_port_time_left(deadline) == 0)
            return 0;
    }
}

int hcsms_tls_send(void *context, const unsigned char *data, size_t len, uint32_t timeout_ms)
{
    return move_bytes(context, data, NULL, len, timeout_ms);
}

int hcsms_tls_recv(void *context, unsigned char *data, size_t len, uint32_t timeout_ms)
{
    return move_bytes(context, NULL, data, len, timeout_ms);
}

/* The bio polls: calls that do not wait, at most calls of them. */
static void poll_begin(hcsms_tls *tls, uint8_t calls)
{
    tls->polling = 1;
    tls->poll_calls_left = calls;
    tls->poll_ran_out = 0;
}

int hcsms_tls_idle_ok(hcsms_tls *tls)
{
    unsigned char byte;
    int ret, tickets = 0;

    if (!tls->connected)
        return 0;
    if (mbedtls_ssl_get_bytes_avail(&tls->ssl) > 0)
        return 0;
    tls->port_error = 0;
    /* Without waiting, and within a few calls below: a peer that keeps
     * sending records mbedTLS skips (warning alerts, say) is not idle. A
     * TLS 1.3 ticket is not an answer; a server that sends nothing but
     * tickets gets a fresh connection instead. */
    poll_begin(tls, HCSMS_TLS_IDLE_POLL_CALLS);
    do
        ret = mbedtls_ssl_read(&tls->ssl, &byte, 1);
    while (hcsms_tls_took_ticket(tls, ret) && ++tickets < 8);
    tls->polling = 0;
    return ret == MBEDTLS_ERR_SSL_WANT_READ && !tls->poll_ran_out;
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
        /* Best effort: never wait for the peer (and never read from it). */
        poll_begin(tls, HCSMS_TLS_CLOSE_POLL_CALLS);
        (void)mbedtls_ssl_close_notify(&tls->ssl);
        tls->polling = 0;
        tls->connected = 0;
    }
}
