/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-process TLS peer's state, shared by its two halves: tls_peer.c
 * (set-up, configuration, what the peer saw) and tls_peer_run.c (the step
 * runner the fake port drives: bytes in and out, the proxy's CONNECT, the
 * handshake, the scripted answers, the alert flood). Tests use tls_peer.h.
 */
#ifndef TLS_PEER_STATE_H
#define TLS_PEER_STATE_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "fake_port.h"
#include "tls_peer.h"

struct tls_peer_state {
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
    size_t ticket_size;        /* tickets padded to this many bytes (0: not) */
    unsigned failed_handshakes, resumed;
    char history[512];
};

/* The one peer (tls_peer.c); tls_peer_start() clears it. */
extern struct tls_peer_state peer;

/* In tls_peer_run.c: hook the peer into the fake port (fake.peer_take,
 * peer_pump, peer_reset) and its TLS context's bio into fake.peer_out;
 * unhook it from the fake port. */
void tls_peer_plug(void);
void tls_peer_unplug(void);

#endif /* TLS_PEER_STATE_H */
