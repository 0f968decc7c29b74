/*
 * The network layer: deadlines, and TLS over a port socket. src/net/tls.c is
 * the only file that talks to mbedTLS, so that moving between mbedTLS major
 * versions is a change to one file.
 */
#ifndef HCSMS_NET_H
#define HCSMS_NET_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/private.h"

/* Milliseconds left until deadline_ms (monotonic), 0 once it has passed. */
uint32_t hcsms_time_left(uint64_t deadline_ms);

/* Plain TCP transport callbacks, context = a connected hcsms_socket. */
int hcsms_tcp_send(void *context, const unsigned char *data, size_t len, uint32_t timeout_ms);
int hcsms_tcp_recv(void *context, unsigned char *data, size_t len, uint32_t timeout_ms);

/* Set up the TLS contexts once per client: seed the DRBG from the port's
 * entropy (HCSMS_ERR_ENTROPY if it gives none), parse the CA certificates
 * (from ca_data/ca_len, PEM with its NUL counted or DER, and/or ca_file),
 * require certificate verification and TLS 1.2 or newer. Returns 0 or an
 * HCSMS_ERR_* code. */
int hcsms_tls_setup(hcsms_tls *tls, const unsigned char *ca_data, size_t ca_len,
                    const char *ca_file);

/* Open the TCP connection under TLS: to the server itself, or to a proxy
 * that the layer above turns into a tunnel (CONNECT) over the socket with
 * hcsms_tcp_send/recv. Closes any previous connection first. The connect
 * gets at most connect_timeout_ms and ends by deadline_ms. address_text as
 * in hcsms_port_connect(). */
int hcsms_tls_open(hcsms_tls *tls, const char *host, uint16_t port,
                   uint32_t connect_timeout_ms, uint64_t deadline_ms,
                   char *address_text, size_t address_size);

/* Run the TLS handshake on the opened socket by deadline_ms (past it:
 * HCSMS_ERR_TIMEOUT, whatever the peer keeps sending). server_name is what
 * the certificate must match (hcsms_tls_name_matches): a host name (one
 * trailing dot ignored), also sent as SNI; or an IPv4/IPv6 literal (without
 * brackets), never sent, which only an iPAddress SAN matches. A mismatch is
 * HCSMS_ERR_TLS_VERIFY with MBEDTLS_X509_BADCERT_CN_MISMATCH in
 * tls->verify_flags. On failure the socket is closed. */
int hcsms_tls_handshake(hcsms_tls *tls, const char *server_name, uint64_t deadline_ms);

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

/* Transport callbacks (port return rules), context = the hcsms_tls: 0 once
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

/* Send close_notify (best effort, without waiting) and close the socket. */
void hcsms_tls_close(hcsms_tls *tls);

/* Close and free everything; mbedTLS wipes its keys, we wipe the rest. */
void hcsms_tls_free(hcsms_tls *tls);

/* Free mbedTLS's process-wide state (PSA crypto, 3.x); see
 * hcsms_global_cleanup(). */
void hcsms_tls_global_free(void);

/* The public functions this layer implements (declared in hcsms.h too; a
 * file that includes both gets a compiler error if the two ever differ). */
void hcsms_tls_error_text(int tls_error, uint32_t verify_flags, char *out, size_t size);
const char *hcsms_tls_version(void);

#endif /* HCSMS_NET_H */
