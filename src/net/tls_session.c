/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS session resumption: the session of the last connection offered on the
 * next, and the rules for when it is kept, offered and forgotten. Part of
 * the TLS object (tls.c).
 */
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>

#include "tls_internal.h"
#include "hcsms/error.h"

#ifndef MBEDTLS_PRIVATE /* 2.28: the fields are public */
#define MBEDTLS_PRIVATE(field) field
#endif

#if HCSMS_TLS_RESUME
/* Keep the connection's session for the next connection: after a TLS 1.2
 * handshake, and for TLS 1.3 each time the server sends a ticket. */
static void keep_session(hcsms_tls *tls)
{
    mbedtls_ssl_session_free(&tls->session);
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = mbedtls_ssl_get_session(&tls->ssl, &tls->session) == 0;
    tls->expires = 0; /* a new ticket: its lifetime counts from now */
}

void hcsms_tls_session_forget(hcsms_tls *tls)
{
    mbedtls_ssl_session_free(&tls->session);
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = 0;
}

/* After a handshake. mbedTLS offers only the saved session's version when
 * it resumes, so a TLS 1.3 session without a ticket must not be kept (it
 * would pin the next ClientHello to 1.3 for nothing), and a ticket that was
 * just used is not offered again (RFC 8446 C.4): TLS 1.3 sessions are kept
 * only from the tickets that follow.
 *
 * That pin (3.6: ssl_prepare_client_hello() sets the handshake's min and
 * max to the session's version) means a server behind the name that
 * changed version refuses the resuming ClientHello. The session is then
 * forgotten (hcsms_tls_handshake) and the layer above makes one full
 * handshake on a new connection (hcsms_tls_offered_session), before any
 * byte of the request and within the same deadline. Not keeping 1.2
 * sessions where 1.3 is built in would spare that one failed connection in
 * one direction only, and give up resumption with every TLS 1.2-only
 * server: a version change is rare, a reconnect is not. For the same
 * reason, while it resumes a 1.2 session the client stays on 1.2 with a
 * server that has since learnt 1.3; not a downgrade anyone on the path can
 * cause: the full handshake that made the session offered 1.3, and mbedTLS
 * checks the server's RFC 8446 4.1.3 downgrade sentinel. */
void hcsms_tls_session_after_handshake(hcsms_tls *tls, const hcsms_tls_expected_name *want)
{
    if (want->checked) { /* a full handshake: its decision, from now on */
        tls->not_after = want->not_after;
        tls->checked_at_ms = hcsms_port_now_ms();
        /* Unknown when, if the clock failed (port.h): trust has ended. */
        tls->trust_until = tls->checked_at_ms == UINT64_MAX ? 1 : 0;
    }
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (mbedtls_ssl_get_version_number(&tls->ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
        hcsms_tls_session_forget(tls);
        return;
    }
#endif
    keep_session(tls);
}

/* The longest ticket offered. mbedTLS takes a server's ticket of any length
 * its 16-bit field allows, but builds the ClientHello that offers it in its
 * output buffer (MBEDTLS_SSL_OUT_CONTENT_LEN), where the rest of the hello
 * needs room too: the host name (up to 253 bytes), the key share (97 bytes
 * for P-384 after a HelloRetryRequest) and that request's cookie, the PSK
 * binder. A longer ticket would fail every resuming handshake before a byte
 * is sent; its session is not offered (a full handshake instead). */
#define TICKET_ROOM 1024u
#define TICKET_MAX                                                                  \
    (MBEDTLS_SSL_OUT_CONTENT_LEN > 2u * TICKET_ROOM ? MBEDTLS_SSL_OUT_CONTENT_LEN - TICKET_ROOM \
                                                    : MBEDTLS_SSL_OUT_CONTENT_LEN / 2u)

int hcsms_tls_ticket_fits(const mbedtls_ssl_session *session)
{
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    return session->MBEDTLS_PRIVATE(ticket_len) <= TICKET_MAX;
#else
    (void)session;
    return 1;
#endif
}

void hcsms_tls_session_offer(hcsms_tls *tls)
{
    /* Offered, not trusted: a server that does not know it does a full
     * handshake, certificate check included. */
    tls->offered_session = 0;
    if (tls->have_session) {
        if (hcsms_tls_ticket_fits(&tls->session) && mbedtls_ssl_set_session(&tls->ssl, &tls->session) == 0)
            tls->offered_session = 1;
        else
            hcsms_tls_session_forget(tls);
    }
}
#endif

/* A TLS 1.3 ticket arrived (only signalled when resumption is on): keep it.
 * The caller goes on with what it was doing, deadline permitting. */
int hcsms_tls_took_ticket(hcsms_tls *tls, int ret)
{
#if HCSMS_TLS_RESUME && defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
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

int hcsms_tls_offered_session(const hcsms_tls *tls)
{
#if HCSMS_TLS_RESUME
    return tls->offered_session;
#else
    (void)tls;
    return 0;
#endif
}
