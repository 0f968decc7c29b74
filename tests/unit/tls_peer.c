/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_MAJOR >= 3
#include <psa/crypto.h>
#endif

#include "fake_port.h"
#include "peer_credentials.h"
#include "tls_peer.h"

static struct {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
    mbedtls_ctr_drbg_context drbg;
    unsigned char in[FAKE_SENT_MAX];
    size_t in_len, in_pos;
    char request[FAKE_SENT_MAX];
    size_t request_len;
    int handshake_done;
    const struct peer_step *steps;
    size_t step_count;
    unsigned requests, handshakes;
    char last_request[FAKE_SENT_MAX];
    const char *proxy_answer;  /* act as a proxy first (NULL: no) */
    int proxy_done;            /* this connection's CONNECT was answered */
    char proxy_request[1024];
    enum peer_flood flood;
    int flooding;              /* this connection floods from now on */
    unsigned flood_reads, flood_limit;
    int handshake_failed;      /* this connection's handshake ended in an error */
    int ticket_accepted;       /* this connection's handshake took a ticket */
    unsigned failed_handshakes, resumed;
    char history[512];
} peer;

static int peer_entropy(void *unused, unsigned char *out, size_t len)
{
    size_t i;
    (void)unused;
    for (i = 0; i < len; i++)
        out[i] = (unsigned char)(i * 7u + 3u);
    return 0;
}

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

#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_SRV_C)
/* Test-only tickets: the session itself, serialised, in clear. */
static int ticket_write(void *unused, const mbedtls_ssl_session *session, unsigned char *start,
                        const unsigned char *end, size_t *tlen, uint32_t *lifetime)
{
    (void)unused;
    *lifetime = 3600;
    return mbedtls_ssl_session_save(session, start, (size_t)(end - start), tlen);
}

static int ticket_parse(void *unused, mbedtls_ssl_session *session, unsigned char *buf,
                        size_t len)
{
    (void)unused;
    if (mbedtls_ssl_session_load(session, buf, len) != 0)
        return MBEDTLS_ERR_SSL_INVALID_MAC; /* not one of ours */
    peer.ticket_accepted = 1;
    return 0;
}
#endif

int tls_peer_tickets(void)
{
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_conf_session_tickets_cb(&peer.conf, ticket_write, ticket_parse, NULL);
    return 1;
#else
    return 0;
#endif
}

int tls_peer_versions(int min, int max)
{
#if MBEDTLS_VERSION_MAJOR >= 3
#if !defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (max > PEER_TLS12)
        return 0;
#endif
    /* PEER_TLS12/13 are the minor byte of 0x0303/0x0304 */
    mbedtls_ssl_conf_min_tls_version(&peer.conf, (mbedtls_ssl_protocol_version)(0x0300 | min));
    mbedtls_ssl_conf_max_tls_version(&peer.conf, (mbedtls_ssl_protocol_version)(0x0300 | max));
#else
    if (max > PEER_TLS12)
        return 0;
    mbedtls_ssl_conf_min_version(&peer.conf, MBEDTLS_SSL_MAJOR_VERSION_3, min);
    mbedtls_ssl_conf_max_version(&peer.conf, MBEDTLS_SSL_MAJOR_VERSION_3, max);
#endif
    return 1;
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

void tls_peer_start(const struct peer_step *steps, size_t count)
{
    static const char pers[] = "tls_peer";

    memset(&peer, 0, sizeof(peer));
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
    psa_crypto_init(); /* TLS 1.3 on the server side needs PSA too */
#endif
    peer.steps = steps;
    peer.step_count = count;
    mbedtls_ssl_init(&peer.ssl);
    mbedtls_ssl_config_init(&peer.conf);
    mbedtls_x509_crt_init(&peer.cert);
    mbedtls_pk_init(&peer.key);
    mbedtls_ctr_drbg_init(&peer.drbg);
    mbedtls_ctr_drbg_seed(&peer.drbg, peer_entropy, NULL, (const unsigned char *)pers,
                          sizeof(pers) - 1);
    mbedtls_x509_crt_parse(&peer.cert, (const unsigned char *)peer_cert_pem,
                           sizeof(peer_cert_pem));
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_pk_parse_key(&peer.key, (const unsigned char *)peer_key_pem, sizeof(peer_key_pem),
                         NULL, 0, mbedtls_ctr_drbg_random, &peer.drbg);
#else
    mbedtls_pk_parse_key(&peer.key, (const unsigned char *)peer_key_pem, sizeof(peer_key_pem),
                         NULL, 0);
#endif
    mbedtls_ssl_config_defaults(&peer.conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&peer.conf, mbedtls_ctr_drbg_random, &peer.drbg);
    mbedtls_ssl_conf_own_cert(&peer.conf, &peer.cert, &peer.key);
    mbedtls_ssl_setup(&peer.ssl, &peer.conf);
    mbedtls_ssl_set_bio(&peer.ssl, NULL, bio_send, bio_recv, NULL);
    fake.peer_take = take;
    fake.peer_pump = pump;
    fake.peer_reset = reset;
}

void tls_peer_flood(enum peer_flood when, unsigned reads)
{
    peer.flood = when;
    peer.flood_limit = reads;
    peer.flood_reads = 0;
    peer.flooding = when == PEER_FLOOD_BEFORE_HELLO;
}

unsigned tls_peer_flood_reads(void)
{
    return peer.flood_reads;
}

void tls_peer_proxy(const char *answer)
{
    peer.proxy_answer = answer;
}

const char *tls_peer_proxy_request(void)
{
    return peer.proxy_request;
}

void tls_peer_stop(void)
{
    fake.peer_take = NULL;
    fake.peer_pump = NULL;
    fake.peer_reset = NULL;
    mbedtls_ssl_free(&peer.ssl);
    mbedtls_ssl_config_free(&peer.conf);
    mbedtls_x509_crt_free(&peer.cert);
    mbedtls_pk_free(&peer.key);
    mbedtls_ctr_drbg_free(&peer.drbg);
}

const unsigned char *tls_peer_ca(void)
{
    return (const unsigned char *)peer_cert_pem;
}

size_t tls_peer_ca_len(void)
{
    return sizeof(peer_cert_pem);
}

unsigned tls_peer_requests(void)
{
    return peer.requests;
}

unsigned tls_peer_handshakes(void)
{
    return peer.handshakes;
}

unsigned tls_peer_failed_handshakes(void)
{
    return peer.failed_handshakes;
}

unsigned tls_peer_resumed(void)
{
    return peer.resumed;
}

const char *tls_peer_history(void)
{
    return peer.history;
}

const char *tls_peer_last_request(void)
{
    return peer.last_request;
}
