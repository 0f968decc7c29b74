/*
 * The HTTP/1.1 layer: a request writer that streams through a small buffer,
 * and an incremental response parser that takes any slice of bytes.
 */
#ifndef HCSMS_HTTP_H
#define HCSMS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/private.h"

/* hcsms_http_response_feed() returns this while the response is incomplete. */
#define HCSMS_HTTP_MORE 1

/* Start parsing a new response. request_id (request_id_size bytes, may be
 * NULL/0) receives the X-Request-Id value, NUL-terminated and cut to fit;
 * body (body_size bytes, may be NULL/0) receives the leading body bytes.
 * Both stay owned by the caller. */
void hcsms_http_response_init(hcsms_http_response *response, char *request_id,
                              size_t request_id_size, unsigned char *body,
                              size_t body_size);

/* After init: keep the X-Subject-Token value in token (token_size bytes,
 * caller-owned; NUL-terminated, trimmed, flagged when cut or sent twice). */
void hcsms_http_response_keep_subject_token(hcsms_http_response *response, char *token,
                                            size_t token_size);

/* After init: this is the answer to CONNECT, so it ends at the empty line
 * after its headers: after a 2xx the tunnel starts there; after a refusal
 * the caller closes the connection without reading a body. */
void hcsms_http_response_expect_tunnel(hcsms_http_response *response);

/* Feed len bytes. Returns HCSMS_HTTP_MORE when all were used and more are
 * needed, 0 when the response is complete (then *consumed says how many of
 * these bytes belonged to it; the rest are not part of it), or a negative
 * HCSMS_ERR_HTTP_* code (*consumed: the bytes read up to the offending one).
 * One empty line (CRLF or LF) before a status line is skipped; a second is
 * HCSMS_ERR_HTTP_STATUS_LINE. After completion, feeding again returns 0 and
 * consumes nothing; after an error it returns the same error. */
int hcsms_http_response_feed(hcsms_http_response *response,
                             const unsigned char *data, size_t len,
                             size_t *consumed);

/* The peer closed the connection. Returns 0 when that ends a close-delimited
 * body (the response is complete), HCSMS_ERR_CLOSED when no byte of a
 * response had arrived (the one empty line ignored before a status line is
 * not part of a response), else HCSMS_ERR_HTTP_TRUNCATED. */
int hcsms_http_response_eof(hcsms_http_response *response);

/* A request written through a buffer: each write copies into it and sends
 * it whenever it is full. The first failure sticks; later writes do nothing
 * and hcsms_http_writer_flush() returns it. */
typedef struct hcsms_http_writer {
    const hcsms_transport *transport;
    unsigned char *buffer;
    size_t size;
    size_t used;
    uint64_t deadline_ms;
    uint64_t bytes_sent;
    int error;
} hcsms_http_writer;

void hcsms_http_writer_init(hcsms_http_writer *writer,
                            const hcsms_transport *transport,
                            unsigned char *buffer, size_t size,
                            uint64_t deadline_ms);
void hcsms_http_write(hcsms_http_writer *writer, const void *data, size_t len);
void hcsms_http_write_string(hcsms_http_writer *writer, const char *text);
/* Send what is buffered; returns 0 or the first error. */
int hcsms_http_writer_flush(hcsms_http_writer *writer);

/* Send all of data before deadline_ms (monotonic). Returns 0,
 * HCSMS_ERR_TIMEOUT, or the transport's error. */
int hcsms_http_send_all(const hcsms_transport *transport,
                        const unsigned char *data, size_t len,
                        uint64_t deadline_ms);


/* Read one response from transport into parser (initialised by the caller),
 * through io (io_size bytes), until it is complete or deadline_ms passes.
 * Returns 0 when complete, HCSMS_ERR_TIMEOUT, a transport error, or the
 * parser's error. *died_early is set when the connection ended before any
 * byte arrived (a kept-alive connection the server had dropped); *leftover
 * when bytes followed the response (the connection is out of step). */
int hcsms_http_read_response(const hcsms_transport *transport, unsigned char *io,
                             size_t io_size, hcsms_http_response *parser,
                             uint64_t deadline_ms, int *died_early, int *leftover);

#endif /* HCSMS_HTTP_H */
