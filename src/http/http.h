/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP/1.1 layer: a request writer that streams through a small buffer,
 * and an incremental response parser that takes any slice of bytes.
 *
 * It is application-neutral: it knows the framing headers (Content-Length,
 * Transfer-Encoding, Connection) and no header of SMS or IAM; a caller
 * names the other headers it wants kept (hcsms_http_keep) and judges their
 * values itself. It may call only the transport it is given (src/net's, via
 * hcsms_transport), the deadline helpers of src/net and libc; it includes
 * hcsms/config.h, hcsms/error.h and hcsms/private.h, never hcsms.h.
 */
#ifndef HCSMS_HTTP_H
#define HCSMS_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hcsms/private.h"

/* hcsms_http_response_feed() returns this while the response is incomplete. */
#define HCSMS_HTTP_MORE 1

/* A header the caller wants kept, one entry of a list. Caller-owned, like
 * value: both must live until the response is complete or failed. No
 * allocation; the parser writes only the outputs and value.
 *
 * The value is kept raw (any field byte: HTAB, SP, VCHAR, obs-text), white
 * space trimmed at both ends, NUL-terminated after every byte (so also when
 * the response ends inside the line). The first line with a non-empty
 * value is kept and later lines only counted, unless replace is set: then
 * each line replaces the value (the last one counts). The outputs start
 * again with each response head (a 1xx's headers do not carry over). The
 * framing headers are the parser's own and never kept for a caller. */
typedef struct hcsms_http_keep {
    /* Inputs. */
    struct hcsms_http_keep *next; /* the next entry, or NULL */
    const char *name;        /* lower-case, at most HCSMS_HTTP_NAME_MAX bytes */
    char *value;             /* size bytes (NULL/0: only counted; truncated
                              * then says a line had a value) */
    size_t size;
    uint32_t line_max;       /* this header's line may be this long, when that
                              * is more than HCSMS_HTTP_LINE_MAX (0: not) */
    uint8_t replace;         /* a later line replaces the value */
    /* Outputs. */
    uint8_t seen;            /* lines with this name, up to 255 */
    uint8_t truncated;       /* a byte of the trimmed value did not fit */
    size_t len;              /* strlen(value) */
} hcsms_http_keep;

/* Start parsing a new response. body (body_size bytes, may be NULL/0,
 * caller-owned) receives the leading body bytes; no header is kept. */
void hcsms_http_response_init(hcsms_http_response *response, unsigned char *body,
                              size_t body_size);

/* After init: keep the headers of the list keep (linked by next; NULL for
 * none), replacing any list given before; their outputs are reset. When a
 * name is listed twice, the first entry gets it. */
void hcsms_http_response_keep(hcsms_http_response *response, hcsms_http_keep *keep);

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
/* Append len bytes (sent as the buffer fills; an error is kept for flush).
 * The usual piece fits with room to spare and is copied here, without a
 * call (the call cost about 27 instructions a piece, 15 pieces a request);
 * hcsms_http_write_more() does the rest. */
void hcsms_http_write_more(hcsms_http_writer *writer, const void *data, size_t len);
static inline void hcsms_http_write(hcsms_http_writer *writer, const void *data, size_t len)
{
    if (len < writer->size - writer->used && writer->error == 0) {
        memcpy(writer->buffer + writer->used, data, len);
        writer->used += len;
    } else {
        hcsms_http_write_more(writer, data, len);
    }
}
void hcsms_http_write_string(hcsms_http_writer *writer, const char *text);
/* A string literal: its length known when compiled, so no strlen at run time. */
#define hcsms_http_write_literal(writer, text) \
    hcsms_http_write((writer), "" text, sizeof(text) - 1)
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
