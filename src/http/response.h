/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The response parser's private parts, shared by its files: response.c
 * (feeding, the body, line counting and dispatch), response_line.c (the
 * status line, and whole lines at once), response_head.c (header lines)
 * and response_chunk.c (chunked framing).
 */
#ifndef HCSMS_HTTP_RESPONSE_H
#define HCSMS_HTTP_RESPONSE_H

#include "http.h"
#include "hcsms/error.h"

enum hcsms_http_state {
    ST_STATUS,        /* "HTTP/1.x NNN", or the one empty line allowed before it */
    ST_STATUS_AFTER_EMPTY, /* "HTTP/1.x NNN" after that empty line: no second one */
    ST_REASON,        /* the reason phrase up to the line end */
    ST_HEADER_START,  /* first byte of a header line, or the empty line */
    ST_HEADER_NAME,
    ST_HEADER_VALUE,
    ST_BODY_LENGTH,   /* Content-Length bytes */
    ST_BODY_CLOSE,    /* until the peer closes */
    ST_CHUNK_SIZE,
    ST_CHUNK_EXT,
    ST_CHUNK_DATA,
    ST_CHUNK_DATA_END, /* the CRLF after chunk data */
    ST_TRAILER_START,
    ST_TRAILER_LINE,
    ST_DONE,
    ST_ERROR
};

/* What the current header line is: a framing header, one the caller keeps
 * (response->kept says which), or neither. */
enum hcsms_http_header {
    H_OTHER,
    H_CONTENT_LENGTH,
    H_TRANSFER_ENCODING,
    H_CONNECTION,
    H_KEPT
};

/* RFC 9110 token characters: ALPHA DIGIT !#$%&'*+-.^_`|~, as a bitmap (this
 * runs for every byte of every header name); one copy, in response.c. */
extern const uint32_t hcsms_http_tchars[8];

static inline int hcsms_http_is_tchar(unsigned char c)
{
    return (int)((hcsms_http_tchars[c >> 5] >> (c & 31)) & 1u);
}

/* A byte allowed inside a field value or reason phrase: HTAB, SP, VCHAR, obs-text. */
static inline int hcsms_http_is_field_byte(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static inline int hcsms_http_is_ows(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static inline unsigned char hcsms_http_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Start of a new response head (the first, or the one after a 1xx). */
void hcsms_http_reset_head(hcsms_http_response *r);

/* One byte of a line of the head (status line, headers), end: whether it
 * ended the line. had_cr: the line end was CRLF. Return 0 or an error. */
int hcsms_http_status_byte(hcsms_http_response *r, unsigned char c, int end, unsigned had_cr);
int hcsms_http_header_byte(hcsms_http_response *r, unsigned char c, int end);

/* A header name ended (r->name, r->name_len): what the header is, and its
 * value's state started. */
void hcsms_http_identify_header(hcsms_http_response *r);

/* The n value bytes of a header line that arrived whole (field bytes, the
 * line end not included), read as the byte-at-a-time path reads them.
 * Returns 0, or an error with *at the offending byte's index. */
int hcsms_http_value_run(hcsms_http_response *r, const unsigned char *v, size_t n, size_t *at);

/* How many of len bytes the current line may still take in one step: the
 * byte that would pass the line or header limit is left to the
 * byte-at-a-time path, which names the error. */
static inline size_t hcsms_http_head_room(const hcsms_http_response *r, size_t len)
{
    size_t allowed;

    if (r->line_len >= HCSMS_HTTP_LINE_MAX || r->header_bytes >= HCSMS_HTTP_HEADER_BYTES_MAX)
        return 0;
    allowed = HCSMS_HTTP_LINE_MAX - r->line_len;
    if (HCSMS_HTTP_HEADER_BYTES_MAX - r->header_bytes < allowed)
        allowed = HCSMS_HTTP_HEADER_BYTES_MAX - r->header_bytes;
    return len < allowed ? len : allowed;
}

/* The status and header lines at the start of data that arrived whole
 * (response_line.c), while the state is one of the head's line starts:
 * returns their bytes (on an error in *err, up to the offending byte), or
 * 0 when the first cannot be taken whole (nothing changed: the byte-at-a-
 * time path reads it). Only at the start of a line (line_len 0, no CR
 * pending). */
size_t hcsms_http_head_lines(hcsms_http_response *r, const unsigned char *data, size_t len,
                             int *err);

/* The same for chunk-size lines, the CRLF after chunk data and trailers. */
int hcsms_http_chunk_byte(hcsms_http_response *r, unsigned char c, int end);

#endif /* HCSMS_HTTP_RESPONSE_H */
