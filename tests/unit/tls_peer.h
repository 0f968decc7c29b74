/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-process TLS server for unit tests, driven through the fake port: it
 * answers hcsms_unlock() with scripted responses, so the whole call (TLS,
 * request, response, keep-alive, retry) runs deterministically on the fake
 * clock, without sockets or threads.
 */
#ifndef TLS_PEER_H
#define TLS_PEER_H

#include <stddef.h>

enum peer_action {
    PEER_RESPOND,       /* write the response text, keep the connection */
    PEER_RESPOND_CLOSE, /* write the response text, then close */
    PEER_DROP,          /* read the request, close without answering */
    PEER_SILENT         /* read the request, say nothing */
};

struct peer_step {
    enum peer_action action;
    const char *response;
};

/* Start the peer (call after fake_port_reset()); steps[i] answers the i-th
 * request over all connections. The test certificate is its own CA:
 * tls_peer_ca()/tls_peer_ca_len() give it for hcsms_client_config. */
void tls_peer_start(const struct peer_step *steps, size_t count);
void tls_peer_stop(void);
const unsigned char *tls_peer_ca(void);
size_t tls_peer_ca_len(void);

/* Act as an HTTP proxy first on each connection: read the CONNECT request
 * in clear, answer it with answer (in clear); TLS follows only after a 2xx.
 * Call after tls_peer_start(); NULL turns it off. */
void tls_peer_proxy(const char *answer);
const char *tls_peer_proxy_request(void); /* the last CONNECT request seen */

/* Keep the client's socket full of warning alerts, records mbedTLS skips
 * in a loop of its own: in clear instead of the handshake (BEFORE_HELLO),
 * or encrypted from the first answer on, which they follow in the same read
 * (AFTER_ANSWER). Each read of the client's takes a millisecond of fake
 * time; after `reads` of them the peer falls silent, so that a client that
 * ignores its deadline fails a test instead of hanging it. Call after
 * tls_peer_start(). */
enum peer_flood { PEER_FLOOD_NONE, PEER_FLOOD_BEFORE_HELLO, PEER_FLOOD_AFTER_ANSWER };
void tls_peer_flood(enum peer_flood when, unsigned reads);
unsigned tls_peer_flood_reads(void); /* reads the flood has served */

/* The TLS versions the peer accepts from its next connection on, as the
 * minor of "3.x" (PEER_TLS12, PEER_TLS13), min <= max: a server behind the
 * same name that changed (a load balancer with mixed backends). Returns 0,
 * changing nothing, where this mbedTLS cannot (2.28 has no TLS 1.3). */
enum { PEER_TLS12 = 3, PEER_TLS13 = 4 };
int tls_peer_versions(int min, int max);

/* Issue session tickets (TLS 1.2 tickets, TLS 1.3 NewSessionTicket) and
 * resume the sessions they carry. A test-only ticket: the serialised
 * session in clear, valid on every connection (one ticket key shared by
 * the whole pool). Returns 0 where this mbedTLS cannot. */
int tls_peer_tickets(void);
/* Pad the tickets issued from now on to size bytes (0: no padding). */
void tls_peer_ticket_size(size_t size);
/* Skip the running cmocka case, saying why, where this build cannot show
 * session resumption: built with HCSMS_CONFIG_TLS_RESUME=0, or (tls13) an
 * mbedTLS without TLS 1.3. */
void tls_peer_need_resumption(int tls13);

/* What the peer saw. */
unsigned tls_peer_requests(void);
unsigned tls_peer_handshakes(void);        /* completed */
unsigned tls_peer_failed_handshakes(void); /* ended by a fatal error */
unsigned tls_peer_resumed(void);           /* completed on a ticket it accepted */
/* The completed handshakes in order, e.g. "1.2 1.2r 1.3 1.3r" (r: resumed). */
const char *tls_peer_history(void);
const char *tls_peer_last_request(void); /* NUL-terminated */

#endif /* TLS_PEER_H */
