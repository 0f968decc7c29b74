/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Between the files of the TLS object (tls.c, tls_bio.c, tls_names.c,
 * tls_session.c, tls_setup.c); nothing outside src/net includes it.
 */
#ifndef HCSMS_TLS_INTERNAL_H
#define HCSMS_TLS_INTERNAL_H

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "net.h"

#if HCSMS_CONFIG_TLS_RESUME && defined(MBEDTLS_SSL_CLI_C)
#define HCSMS_TLS_RESUME 1
#else
#define HCSMS_TLS_RESUME 0
#endif

/* ---- tls_bio.c: mbedTLS's bio on the transport below ------------------- */

/* Give mbedTLS its bio, once (mbedtls_ssl_session_reset keeps it): calls
 * to tls->lower that wait at most until tls->io_deadline_ms, or while
 * tls->polling, calls that do not wait, at most tls->poll_calls_left. */
void hcsms_tls_bio_init(hcsms_tls *tls);

/* Enough for the idle check to swallow a few TLS 1.3 tickets (a record
 * costs a call for its header and one for the rest) and still see that
 * nothing else is there; close_notify needs a flush and the alert. */
#define HCSMS_TLS_IDLE_POLL_CALLS 24
#define HCSMS_TLS_CLOSE_POLL_CALLS 2

static inline int hcsms_tls_is_want(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* Turn an mbedTLS failure into our code, keeping the original for reports:
 * the transport's error when one caused it, HCSMS_ERR_CLOSED for the
 * peer's close, otherwise otherwise. */
int hcsms_tls_map_error(hcsms_tls *tls, int ret, int otherwise);

/* ---- tls_names.c: what the certificate must name ------------------------ */

typedef struct hcsms_tls_expected_name {
    const char *host;      /* a DNS name (no trailing dot), when ip_len is 0 */
    unsigned char ip[16];
    size_t ip_len;         /* 4 or 16 for an IP literal */
#if HCSMS_TLS_RESUME
    int64_t not_after;     /* the earliest notAfter of the chain checked, UTC */
    uint8_t checked;       /* a chain was checked: a full handshake */
#endif
} hcsms_tls_expected_name;

/* Fill want from server_name (a host name copied without its trailing dot
 * into copy, or an IP literal) and set the SNI. 0 or an mbedTLS code. */
int hcsms_tls_expect_name(hcsms_tls *tls, const char *server_name, char *copy,
                          size_t copy_size, hcsms_tls_expected_name *want);

/* mbedTLS's verify callback, context = the hcsms_tls_expected_name, NULL
 * outside a handshake (then every certificate fails). */
int hcsms_tls_verify_names(void *context, mbedtls_x509_crt *crt, int depth, uint32_t *flags);

/* ---- tls_session.c: resumption ------------------------------------------ */

#if HCSMS_TLS_RESUME
/* Offer the saved session, if any, on the handshake about to start. */
void hcsms_tls_session_offer(hcsms_tls *tls);
/* Keep (or not) the session of the handshake that just succeeded. */
void hcsms_tls_session_after_handshake(hcsms_tls *tls, const hcsms_tls_expected_name *want);
void hcsms_tls_session_forget(hcsms_tls *tls);
/* 1 if the session's ticket (if any) leaves room for the rest of the
 * ClientHello in mbedTLS's output buffer: else it is never offered. */
int hcsms_tls_ticket_fits(const mbedtls_ssl_session *session);
#endif

/* 1 if ret says a TLS 1.3 ticket arrived (only signalled when resumption is
 * on), which is then kept: the caller goes on with what it was doing. */
int hcsms_tls_took_ticket(hcsms_tls *tls, int ret);


#endif /* HCSMS_TLS_INTERNAL_H */
