/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network layer: the transports a request travels through, stacked on
 * the port (lwIP's altcp the model). A connection (connection.c) owns the
 * port socket and its plain TCP transport (tcp.c); the layer above may write
 * a proxy's CONNECT over it; then TLS (tls*.c) goes on top of whatever is
 * below, seeing only that transport, never the socket. Every transport
 * keeps the port's return rules (hcsms_transport in hcsms/private.h) and
 * waits at most the time left to the call's deadline (deadline.c).
 *
 * May call: the port (hcsms/port.h) and mbedTLS. It is the only layer that
 * calls mbedTLS's SSL, X.509 and DRBG APIs (tls*.c alone, so that moving
 * between mbedTLS major versions is a change to those files); hashing,
 * base64 and zeroize are used elsewhere too.
 */
#ifndef HCSMS_NET_H
#define HCSMS_NET_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/private.h"

/* Seconds since 1970-01-01 UTC of a proleptic Gregorian date and time
 * (month 1-12), for HTTP dates and certificate times. */
int64_t hcsms_utc_from_civil(int year, int month, int day, int hour, int minute, int second);

/* Plain TCP transport callbacks, context = a connected hcsms_socket: the
 * port's calls, unchanged. */
int hcsms_tcp_send(void *context, const unsigned char *data, size_t len, uint32_t timeout_ms);
int hcsms_tcp_recv(void *context, unsigned char *data, size_t len, uint32_t timeout_ms);

/* Set up the TLS contexts once per client: seed the DRBG from the port's
 * entropy (HCSMS_ERR_ENTROPY if it gives none), parse the CA certificates
 * (from ca_data/ca_len, PEM with its NUL counted or DER, and/or ca_file),
 * require certificate verification and TLS 1.2 or newer. Returns 0 or an
 * HCSMS_ERR_* code. */
int hcsms_tls_setup(hcsms_tls *tls, const unsigned char *ca_data, size_t ca_len,
                    const char *ca_file);

/* 1 when hcsms_client_config.ca_file can be read: HCSMS_CONFIG_CA_FILE and
 * mbedTLS's file I/O (MBEDTLS_FS_IO) both; 0: a ca_file is HCSMS_ERR_NOT_BUILT. */
#if HCSMS_CONFIG_CA_FILE && defined(MBEDTLS_FS_IO)
#define HCSMS_TLS_READS_CA_FILE 1
#else
#define HCSMS_TLS_READS_CA_FILE 0
#endif

/* Forget the last connection's diagnostics (port_error, mbedtls_error,
 * verify_flags) and that its handshake offered a session: a new connection
 * is being opened below. (Inline: one caller, a few bytes of flash.) */
static inline void hcsms_tls_new_connection(hcsms_tls *tls)
{
    tls->port_error = 0;
    tls->mbedtls_error = 0;
    tls->verify_flags = 0;
#if HCSMS_CONFIG_TLS_RESUME
    tls->offered_session = 0; /* set by the handshake on this connection */
#endif
}

/* Run the TLS handshake over lower (copied: TLS calls it from now on, with
 * the time left to the deadline, and never anything under it) by
 * deadline_ms (past it: HCSMS_ERR_TIMEOUT, whatever the peer keeps
 * sending). server_name is what the certificate must match
 * (hcsms_tls_name_matches): a host name (one trailing dot ignored), also
 * sent as SNI; or an IPv4/IPv6 literal (without brackets), never sent,
 * which only an iPAddress SAN matches. A mismatch is HCSMS_ERR_TLS_VERIFY
 * with MBEDTLS_X509_BADCERT_CN_MISMATCH in tls->verify_flags. On failure
 * the caller closes what is below. */
int hcsms_tls_handshake(hcsms_tls *tls, const hcsms_transport *lower, const char *server_name,
                        uint64_t deadline_ms);

/* 1 if host (a DNS name, one trailing dot ignored) is covered by pattern, a
 * certificate's dNSName or CN of pattern_len bytes (not NUL-terminated):
 * equal ignoring ASCII case, or "*." and at least two labels where the '*'
 * stands for exactly one non-empty leftmost label of host ("*.example.com"
 * covers "a.example.com", not "example.com" nor "a.b.example.com"; "*.com",
 * "a*.example.com" and "a.*.com" cover nothing). The rules hcsms adds to
 * mbedTLS's own check; exposed for tests. */
int hcsms_tls_name_matches(const char *pattern, size_t pattern_len, const char *host);

/* The address of an IP literal ("192.0.2.1", "2001:db8::1", no brackets),
 * as in a certificate's iPAddress SAN: returns 4 or 16, the bytes in out;
 * 0 if text is not one (out then undefined). IPv4 parts take no leading
 * zeros. Exposed for tests. */
size_t hcsms_tls_parse_ip(const char *text, unsigned char out[16]);

/* 1 if the handshake on the connection opened last offered a saved session
 * for resumption (0 when it never got to the handshake). When that
 * handshake failed the session is already forgotten: a full handshake on a
 * new connection may still work (mbedTLS offers only the saved session's TLS
 * version when it resumes; the server may have changed since). */
int hcsms_tls_offered_session(const hcsms_tls *tls);

/* The kept session as a blob bound to host, port and the CA set
 * (tls_session_blob.c; the format is described there). export: HCSMS_OK with
 * *len bytes in buf; HCSMS_ERR_NO_SESSION; HCSMS_ERR_BUFFER_TOO_SMALL with
 * *len the size needed (buf may then be NULL); HCSMS_ERR_CRYPTO. import:
 * NULL when the session was taken (it is offered on the next handshake),
 * else why it was ignored. now_utc is the wall clock, UTC seconds (0 or
 * less: unknown, and nothing is imported). */
int hcsms_tls_session_export(hcsms_tls *tls, const char *host, uint16_t port, int64_t now_utc,
                             unsigned char *buf, size_t size, size_t *len);
const char *hcsms_tls_session_import(hcsms_tls *tls, const char *host, uint16_t port,
                                     int64_t now_utc, const unsigned char *blob, size_t len);

/* Transport callbacks (port return rules), context = the hcsms_tls after a
 * successful handshake (hcsms_connection_start_tls puts them on top): 0 once
 * timeout_ms has passed, even while the peer keeps sending records that
 * carry no data (warning alerts, tickets). */
int hcsms_tls_send(void *context, const unsigned char *data, size_t len,
                   uint32_t timeout_ms);
int hcsms_tls_recv(void *context, unsigned char *data, size_t len,
                   uint32_t timeout_ms);

/* 1 if a kept-alive connection looks usable: open, nothing unread, not closed
 * by the peer. Reads without waiting, and gives up (0) after a few reads:
 * bytes that arrived unasked mean the connection is out of step and must not
 * be used; a few TLS 1.3 tickets are allowed. */
int hcsms_tls_idle_ok(hcsms_tls *tls);

/* Negotiated protocol and cipher suite names, for traces. */
const char *hcsms_tls_protocol(const hcsms_tls *tls);
const char *hcsms_tls_ciphersuite(const hcsms_tls *tls);

/* Send close_notify (best effort, without waiting, never reading). Closes
 * nothing below: that is the connection's. */
void hcsms_tls_close(hcsms_tls *tls);

/* Free everything; mbedTLS wipes its keys, we wipe the rest. Close the
 * connection over it first (hcsms_connection_close), for close_notify. */
void hcsms_tls_free(hcsms_tls *tls);

/* Free mbedTLS's process-wide state (PSA crypto, 3.x); see
 * hcsms_global_cleanup(). */
void hcsms_tls_global_free(void);

/* ---- The connection (connection.c) ------------------------------------ */

/* An unopened connection (socket fd -1) whose TLS, when started, is tls
 * (NULL: plain TCP only). tls is set up by hcsms_tls_setup and outlives
 * the connection's use. */
void hcsms_connection_init(hcsms_connection *connection, hcsms_tls *tls);

/* Close what is open, then connect TCP to host:port (the server itself, or
 * a proxy that the layer above turns into a tunnel with CONNECT over
 * hcsms_connection_transport()). The connect gets at most
 * connect_timeout_ms and ends by deadline_ms. address_text as in
 * hcsms_port_connect(). 0 or an HCSMS_ERR_* code; the OS's code in
 * hcsms_connection_os_error(), TLS's diagnostics reset. */
int hcsms_connection_open(hcsms_connection *connection, const char *host, uint16_t port,
                          uint32_t connect_timeout_ms, uint64_t deadline_ms,
                          char *address_text, size_t address_size);

/* Put TLS on top of the transport now on top (hcsms_tls_handshake); from
 * then on hcsms_connection_transport() is TLS's. On failure the connection
 * is closed. */
int hcsms_connection_start_tls(hcsms_connection *connection, const char *server_name,
                               uint64_t deadline_ms);

/* The transport the layer above uses: plain TCP over the socket, TLS once
 * started. The pointer stays valid for the connection's life; what it
 * points to changes when TLS starts and when the connection closes. */
static inline const hcsms_transport *hcsms_connection_transport(const hcsms_connection *connection)
{
    return &connection->top;
}

/* 1 while the socket is open (it may still be dead: hcsms_connection_idle_ok). */
static inline int hcsms_connection_is_open(const hcsms_connection *connection)
{
    return connection->socket.fd >= 0;
}

/* The OS's code of the socket's last failure (errno, lwIP err, EAI_*). */
static inline int hcsms_connection_os_error(const hcsms_connection *connection)
{
    return connection->socket.os_error;
}

/* The last TLS failure's mbedTLS code and certificate verification flags (0
 * when none since hcsms_connection_open); hcsms_tls_error_text() words them. */
static inline int hcsms_tls_mbedtls_error(const hcsms_tls *tls)
{
    return tls->mbedtls_error;
}

static inline uint32_t hcsms_tls_verify_flags(const hcsms_tls *tls)
{
    return tls->verify_flags;
}

/* 1 if a kept-alive connection looks usable: open, nothing unread, not
 * closed by the peer. Never waits: with TLS on, hcsms_tls_idle_ok (which
 * swallows a few TLS 1.3 tickets within a budget of calls); on plain TCP,
 * one read that must find nothing. */
int hcsms_connection_idle_ok(hcsms_connection *connection);

/* TLS's close_notify (best effort, no wait) if TLS is on, then close the
 * socket; the transport is plain TCP again. Safe to call twice. */
void hcsms_connection_close(hcsms_connection *connection);

/* The public functions this layer implements (declared in hcsms.h too; a
 * file that includes both gets a compiler error if the two ever differ). */
void hcsms_tls_error_text(int tls_error, uint32_t verify_flags, char *out, size_t size);
const char *hcsms_tls_version(void);

#endif /* HCSMS_NET_H */
