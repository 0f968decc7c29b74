/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedTLS's bio callbacks: the TLS object's only way to the transport below
 * it (tls->lower, with the port's return rules: plain TCP, or a tunnel
 * through a proxy).
 *
 * They never wait past tls->io_deadline_ms, and once it has passed they do
 * not call the transport at all, even for bytes already there: mbedTLS
 * skips some records in loops of its own (warning alerts, TLS 1.3 tickets,
 * empty records), so a peer that keeps the socket full would keep it busy
 * for ever. Every record costs mbedTLS at least one bio call (on a stream it
 * never reads past the record it wants), so a bound on the bio calls bounds
 * everything. The callbacks return WANT_READ/WANT_WRITE and the loops in
 * tls.c decide, from the deadline, whether to call mbedTLS again or give up.
 * Calls that must not wait at all (the idle check, close_notify) poll
 * instead: a budget of calls with timeout 0 (hcsms_tls_poll_begin).
 */
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "tls_internal.h"
#include "hcsms/error.h"

/* 1 if the bio may call the transport below, *wait_ms how long that may
 * wait; 0 once the deadline has passed or the poll budget is spent. */
static int may_call(hcsms_tls *tls, uint32_t *wait_ms)
{
    if (tls->polling) {
        if (tls->poll_calls_left == 0) {
            tls->poll_ran_out = 1;
            return 0;
        }
        tls->poll_calls_left--;
        *wait_ms = 0;
        return 1;
    }
    *wait_ms = hcsms_port_time_left(tls->io_deadline_ms);
    return *wait_ms != 0; /* past it: not even a try, even if bytes are waiting */
}

/* One bio call either way: a send of out, or when in is not NULL a recv
 * into in; the transport's result as mbedTLS wants it. */
static int bio_call(hcsms_tls *tls, const unsigned char *out, unsigned char *in, size_t len)
{
    int want = in != NULL ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_SSL_WANT_WRITE;
    uint32_t wait_ms;
    int n;

    if (!may_call(tls, &wait_ms))
        return want;
    n = in != NULL ? tls->lower.recv(tls->lower.context, in, len, wait_ms)
                   : tls->lower.send(tls->lower.context, out, len, wait_ms);
    if (n > 0)
        return n;
    if (n == 0)
        return want;
    tls->port_error = n;
    if (in == NULL)
        return MBEDTLS_ERR_NET_SEND_FAILED;
    return n == HCSMS_ERR_CLOSED ? 0 /* mbedTLS's end of stream */ : MBEDTLS_ERR_NET_RECV_FAILED;
}

static int bio_send(void *context, const unsigned char *data, size_t len)
{
    return bio_call(context, data, NULL, len);
}

static int bio_recv(void *context, unsigned char *data, size_t len)
{
    return bio_call(context, NULL, data, len);
}

void hcsms_tls_bio_init(hcsms_tls *tls)
{
    mbedtls_ssl_set_bio(&tls->ssl, tls, bio_send, bio_recv, NULL);
}

int hcsms_tls_map_error(hcsms_tls *tls, int ret, int otherwise)
{
    tls->mbedtls_error = ret;
    if (tls->port_error != 0)
        return tls->port_error;
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
        return HCSMS_ERR_CLOSED;
    return otherwise;
}
