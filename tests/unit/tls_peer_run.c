/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-process TLS peer's step runner (see tls_peer_state.h): what the
 * fake port calls when the client sends (take), reads (pump) or reconnects
 * (reset): the proxy's CONNECT in clear, the server's handshake, each
 * request's scripted answer, the flood of warning alerts.
 */
#include <stdio.h>
#include <string.h>

#include "tls_peer_state.h"

static int bio_recv(void *context, unsigned char *buf, size_t len)
{
    size_t n = peer.in_len - peer.in_pos;
    (void)context;
    if (n == 0)
        return MBEDTLS_ERR_SSL_WANT_READ;
    if (n > len)
        n = len;
    memcpy(buf, peer.in + peer.in_pos, n);
    peer.in_pos += n;
    return (int)n;
}

static int bio_send(void *context, const unsigned char *buf, size_t len)
{
    size_t room = sizeof(fake.peer_out) - fake.peer_out_len;
    (void)context;
    if (len > room)
        len = room;
    memcpy(fake.peer_out + fake.peer_out_len, buf, len);
    fake.peer_out_len += len;
    return (int)len;
}

static void take(const unsigned char *data, size_t len)
{
    if (len > sizeof(peer.in) - peer.in_len)
        len = sizeof(peer.in) - peer.in_len;
    memcpy(peer.in + peer.in_len, data, len);
    peer.in_len += len;
}

static void reset(void)
{
    mbedtls_ssl_session_reset(&peer.ssl);
    peer.in_len = peer.in_pos = 0;
    peer.request_len = 0;
    peer.handshake_done = 0;
    peer.handshake_failed = 0;
    peer.ticket_accepted = 0;
    peer.proxy_done = 0;
    peer.flooding = peer.flood == PEER_FLOOD_BEFORE_HELLO;
    fake.peer_out_len = fake.peer_out_pos = 0;
    fake.peer_closed = 0;
}

/* One read's worth of the flood: a millisecond passes, and the client's
 * socket is topped up to 4 KB of warning alerts. */
static void flood_some(void)
{
    static const unsigned char plain_alert[] = {0x15, 0x03, 0x03, 0x00, 0x02,
                                                MBEDTLS_SSL_ALERT_LEVEL_WARNING,
                                                MBEDTLS_SSL_ALERT_MSG_USER_CANCELED};
    size_t unread = fake.peer_out_len - fake.peer_out_pos;

    if (peer.flood_reads >= peer.flood_limit)
        return; /* fallen silent */
    peer.flood_reads++;
    fake.now_ms++;
    memmove(fake.peer_out, fake.peer_out + fake.peer_out_pos, unread);
    fake.peer_out_pos = 0;
    fake.peer_out_len = unread;
    while (fake.peer_out_len < 4096) {
        if (peer.handshake_done) {
            if (mbedtls_ssl_send_alert_message(&peer.ssl, MBEDTLS_SSL_ALERT_LEVEL_WARNING,
                                               MBEDTLS_SSL_ALERT_MSG_USER_CANCELED) != 0)
                return;
        } else {
            memcpy(fake.peer_out + fake.peer_out_len, plain_alert, sizeof(plain_alert));
            fake.peer_out_len += sizeof(plain_alert);
        }
    }
}

static void answer(void)
{
    const struct peer_step *step;

    memcpy(peer.last_request, peer.request, peer.request_len);
    peer.last_request[peer.request_len] = '\0';
    peer.request_len = 0;
    if (peer.requests >= peer.step_count) {
        fake.peer_closed = 1;
        return;
    }
    step = &peer.steps[peer.requests++];
    if (step->action == PEER_RESPOND || step->action == PEER_RESPOND_CLOSE) {
        const unsigned char *p = (const unsigned char *)step->response;
        size_t left = strlen(step->response);
        while (left > 0) {
            int n = mbedtls_ssl_write(&peer.ssl, p, left);
            if (n <= 0)
                break;
            p += n;
            left -= (size_t)n;
        }
    }
    if (step->action == PEER_RESPOND_CLOSE || step->action == PEER_DROP) {
        mbedtls_ssl_close_notify(&peer.ssl);
        fake.peer_closed = 1;
    } else if (peer.flood == PEER_FLOOD_AFTER_ANSWER) {
        peer.flooding = 1;
    }
}

/* The proxy's part: the CONNECT request up to its empty line, in clear. */
static int proxy_step(void)
{
    const char *end;
    size_t len, answer_len;

    peer.in[peer.in_len < sizeof(peer.in) ? peer.in_len : sizeof(peer.in) - 1] = '\0';
    end = strstr((const char *)peer.in, "\r\n\r\n");
    if (end == NULL)
        return 0;
    len = (size_t)(end + 4 - (const char *)peer.in);
    if (len >= sizeof(peer.proxy_request))
        len = sizeof(peer.proxy_request) - 1;
    memcpy(peer.proxy_request, peer.in, len);
    peer.proxy_request[len] = '\0';
    peer.in_pos = len;
    answer_len = strlen(peer.proxy_answer);
    memcpy(fake.peer_out + fake.peer_out_len, peer.proxy_answer, answer_len);
    fake.peer_out_len += answer_len;
    peer.proxy_done = 1;
    if (strncmp(peer.proxy_answer + 9, "2", 1) != 0)
        fake.peer_closed = 1;
    return 1;
}

/* "1.2" or "1.3", and "r" when resumed, to the history. */
static void note_handshake(void)
{
    const char *version = mbedtls_ssl_get_version(&peer.ssl); /* "TLSv1.2" */
    size_t used = strlen(peer.history);

    if (peer.ticket_accepted)
        peer.resumed++;
    snprintf(peer.history + used, sizeof(peer.history) - used, "%s%s%s", used > 0 ? " " : "",
             strlen(version) > 4 ? version + 4 : version, peer.ticket_accepted ? "r" : "");
}

static void pump(void)
{
    int ret;

    if (fake.peer_closed)
        return;
    if (peer.flooding) {
        flood_some();
        return;
    }
    if (peer.proxy_answer != NULL && !peer.proxy_done && !proxy_step())
        return;
    if (!peer.handshake_done) {
        if (peer.handshake_failed)
            return;
        ret = mbedtls_ssl_handshake(&peer.ssl);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
            return;
        if (ret != 0) {
            /* Its alert (if any) is in peer_out; then the close, as a
             * server does after a fatal error. */
            peer.handshake_failed = 1;
            peer.failed_handshakes++;
            fake.peer_closed = 1;
            return;
        }
        peer.handshake_done = 1;
        peer.handshakes++;
        note_handshake();
    }
    for (;;) {
        ret = mbedtls_ssl_read(&peer.ssl, (unsigned char *)peer.request + peer.request_len,
                               sizeof(peer.request) - 1 - peer.request_len);
        if (ret <= 0)
            return;
        peer.request_len += (size_t)ret;
        peer.request[peer.request_len] = '\0';
        if (strstr(peer.request, "\r\n\r\n") != NULL) {
            answer();
            if (peer.flooding)
                flood_some(); /* the alerts arrive with the answer */
            return;
        }
    }
}

void tls_peer_plug(void)
{
    mbedtls_ssl_set_bio(&peer.ssl, NULL, bio_send, bio_recv, NULL);
    fake.peer_take = take;
    fake.peer_pump = pump;
    fake.peer_reset = reset;
}

void tls_peer_unplug(void)
{
    fake.peer_take = NULL;
    fake.peer_pump = NULL;
    fake.peer_reset = NULL;
}
