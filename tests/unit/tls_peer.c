/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-process TLS peer (tls_peer.h): its set-up with the test
 * certificate, the TLS versions and tickets it offers, and what it saw. The
 * step runner the fake port drives is in tls_peer_run.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <mbedtls/version.h>
#if MBEDTLS_VERSION_MAJOR >= 3
#include <psa/crypto.h>
#endif

#include "hcsms/config.h"
#include "peer_credentials.h"
#include "tls_peer_state.h"

struct tls_peer_state peer;

static int peer_entropy(void *unused, unsigned char *out, size_t len)
{
    size_t i;
    (void)unused;
    for (i = 0; i < len; i++)
        out[i] = (unsigned char)(i * 7u + 3u);
    return 0;
}

#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_SRV_C)
/* Test-only tickets: the session itself, serialised, in clear, after its
 * length (2 bytes) and before padding up to peer.ticket_size. */
static int ticket_write(void *unused, const mbedtls_ssl_session *session, unsigned char *start,
                        const unsigned char *end, size_t *tlen, uint32_t *lifetime)
{
    size_t len;
    int ret;

    (void)unused;
    *lifetime = 3600;
    if (end - start < 2)
        return MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL;
    ret = mbedtls_ssl_session_save(session, start + 2, (size_t)(end - start) - 2, &len);
    if (ret != 0)
        return ret;
    start[0] = (unsigned char)(len >> 8);
    start[1] = (unsigned char)len;
    *tlen = len + 2;
    if (peer.ticket_size > *tlen) {
        if (peer.ticket_size > (size_t)(end - start))
            return MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL;
        memset(start + *tlen, 0xab, peer.ticket_size - *tlen);
        *tlen = peer.ticket_size;
    }
    return 0;
}

static int ticket_parse(void *unused, mbedtls_ssl_session *session, unsigned char *buf,
                        size_t len)
{
    size_t session_len;

    (void)unused;
    if (len < 2 || (session_len = (size_t)buf[0] << 8 | buf[1]) > len - 2 ||
        mbedtls_ssl_session_load(session, buf + 2, session_len) != 0)
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

void tls_peer_need_resumption(int tls13)
{
#if !HCSMS_CONFIG_TLS_RESUME
    (void)tls13;
    print_message("skipped: built with HCSMS_CONFIG_TLS_RESUME=0\n");
    skip();
#elif !defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (tls13) {
        print_message("skipped: mbedTLS " MBEDTLS_VERSION_STRING " has no TLS 1.3 here\n");
        skip();
    }
#else
    (void)tls13;
#endif
}

void tls_peer_ticket_size(size_t size)
{
    peer.ticket_size = size;
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
    tls_peer_plug();
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
    tls_peer_unplug();
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
