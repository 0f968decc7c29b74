/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private structure layouts. They are in a public header only so that the
 * caller can own a hcsms_client of fixed size (static, on the stack, inside
 * its own struct) without any allocation. Do not touch the fields: they may
 * change in any release. Use the functions in hcsms.h.
 */
#ifndef HCSMS_PRIVATE_H
#define HCSMS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/config.h"
#include "hcsms/port.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A byte stream with the port's send/recv return rules (see port.h). */
typedef struct hcsms_transport {
    int (*send)(void *context, const unsigned char *data, size_t len,
                uint32_t timeout_ms);
    int (*recv)(void *context, unsigned char *data, size_t len,
                uint32_t timeout_ms);
    void *context;
} hcsms_transport;

/* TLS over the transport below it (src/net/tls*.c, the only files that
 * call mbedTLS's SSL, X.509 and DRBG APIs). It owns no socket. */
typedef struct hcsms_tls {
    hcsms_transport lower;   /* what the records go over, from the handshake on */
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_ctr_drbg_context drbg;
#if HCSMS_CONFIG_TLS_RESUME
    mbedtls_ssl_session session; /* the last connection's, offered on the next */
    uint8_t have_session;
    uint8_t offered_session;     /* the last handshake offered it */
    /* How long the kept session's trust decision holds: until trust_until
     * (UTC; from a loaded session), or when 0, the full handshake at
     * checked_at_ms (monotonic) whose chain was valid until not_after (UTC). */
    int64_t trust_until;
    int64_t not_after;
    uint64_t checked_at_ms;
    int64_t expires;             /* UTC: a loaded session's expiry; 0 for one of ours */
#endif
    uint64_t io_deadline_ms; /* the bio callbacks wait at most until then */
    int port_error;          /* last HCSMS_ERR_* from the transport below in a callback */
    int mbedtls_error;       /* last mbedTLS error code, for diagnostics */
    uint32_t verify_flags;   /* certificate verification flags of the last handshake */
    uint8_t initialised;
    uint8_t connected;
    uint8_t used;            /* ssl context needs a session reset before reuse */
    uint8_t polling;         /* the bio makes no-wait calls from a budget ... */
    uint8_t poll_calls_left; /* ... of this many more */
    uint8_t poll_ran_out;    /* the budget, not the transport, said no */
} hcsms_tls;

/* One connection as a stack of transports (src/net/connection.c), lwIP's
 * altcp the model: TCP on a port socket, bytes of a CONNECT tunnel written
 * over that by the layer above, then TLS on top of whatever is below. */
typedef struct hcsms_connection {
    hcsms_socket socket;
    hcsms_transport top;       /* what the layer above uses: plain TCP over
                                * socket, or TLS over that */
    hcsms_tls *tls;            /* what goes on top when asked; NULL for none */
    uint8_t tls_on;
} hcsms_connection;

struct hcsms_http_keep; /* a header the caller keeps: src/http/http.h */

/* Incremental HTTP/1.1 response parser (src/http/response*.c). */
typedef struct hcsms_http_response {
    /* Outputs, valid once the parser reports the response complete. */
    int status;                 /* final status code */
    uint8_t http_minor;         /* HTTP/1.<minor> */
    uint8_t keep_alive;         /* the connection may carry the next request */
    uint8_t chunked;
    uint8_t has_content_length;
    uint8_t body_truncated;     /* body longer than the keep buffer */
    uint8_t tunnel;             /* answer to CONNECT: a 2xx ends at its headers */
    uint64_t content_length;
    uint64_t body_bytes;        /* body bytes received (kept and drained) */
    size_t body_kept;           /* bytes stored in body */
    uint64_t bytes_seen;        /* every byte fed, for "died before any byte" */
    /* Caller-owned: the body's first bytes (NULL with size 0: none kept) and
     * the list of headers to keep (NULL: none). */
    unsigned char *body;
    size_t body_size;
    struct hcsms_http_keep *keep;
    /* State. */
    struct hcsms_http_keep *kept;  /* the kept header the current line is */
    int error;                  /* the error that stopped the parser */
    uint8_t state;
    uint8_t saw_cr;
    uint8_t header;             /* which framing header (or kept one) the line is */
    uint8_t name_len;
    uint8_t token_len;
    uint8_t te_seen;
    uint8_t te_last_chunked;
    uint8_t te_chunked_count;
    uint8_t value_started;
    uint8_t value_done;         /* Content-Length value ended, only OWS may follow */
    uint8_t connection_close;
    uint8_t interim_count;
    uint8_t chunk_digits;
    uint16_t header_count;
    uint32_t line_len;
    uint32_t header_bytes;
    size_t kept_trim;           /* kept value's length without trailing white space */
    uint64_t number;            /* Content-Length being read, or chunk size */
    uint64_t remaining;         /* bytes left in the body or chunk */
    char name[HCSMS_HTTP_NAME_MAX]; /* lower-cased header name prefix */
    char token[12];             /* lower-cased list element (TE, Connection) */
    char status_text[12];       /* "HTTP/1.1 200" */
} hcsms_http_response;

/* The I/O buffer carries the request and then the response; once the
 * response is complete it is free, and the error body's JSON tokens use it,
 * so they cost neither extra context nor 16 bytes a token of stack. The
 * tokens are jsmn's jsmntok_t, stored as ints (jsmn's header stays out of
 * the public headers, so a caller's jsmn macros cannot change the layout):
 * src/json/json.c checks that a token fits HCSMS_JSON_TOKEN_BYTES. */
typedef union hcsms_scratch {
    unsigned char io[HCSMS_IO_BUFFER_SIZE];
    int json_tokens[HCSMS_JSON_TOKENS_MAX * HCSMS_JSON_TOKEN_BYTES / sizeof(int)];
} hcsms_scratch;

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_PRIVATE_H */
