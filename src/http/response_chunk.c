/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chunked framing (RFC 9112 7.1): the chunk-size line with its extensions,
 * the CRLF after each chunk's data, and the trailer section. The chunk data
 * itself is body bytes (response.c).
 */
#include "response.h"

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = hcsms_http_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int chunk_size_line_end(hcsms_http_response *r)
{
    if (r->chunk_digits == 0)
        return HCSMS_ERR_HTTP_CHUNK;
    r->line_len = 0;
    if (r->number == 0) {
        r->state = ST_TRAILER_START;
        return 0;
    }
    if (r->body_bytes + r->number > HCSMS_HTTP_BODY_MAX)
        return HCSMS_ERR_HTTP_BODY_TOO_LARGE;
    r->remaining = r->number;
    r->state = ST_CHUNK_DATA;
    return 0;
}

static int chunk_size_byte(hcsms_http_response *r, unsigned char c, int end)
{
    int digit = hex_value(c);

    if (end)
        return chunk_size_line_end(r);
    if (digit >= 0 && !r->value_done) {
        if (++r->chunk_digits > HCSMS_HTTP_CHUNK_DIGITS_MAX)
            return HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG;
        r->number = r->number * 16 + (uint64_t)digit;
        return 0;
    }
    if (hcsms_http_is_ows(c) && r->chunk_digits > 0) {
        r->value_done = 1; /* only ';' or the line end may follow */
        return 0;
    }
    if (c == ';' && r->chunk_digits > 0) {
        r->state = ST_CHUNK_EXT;
        return 0;
    }
    return HCSMS_ERR_HTTP_CHUNK;
}

/* Trailer fields are read for their syntax and limits, and dropped. */
static int trailer_byte(hcsms_http_response *r, unsigned char c, int end)
{
    if (r->state == ST_TRAILER_START) {
        if (end) {
            r->line_len = 0;
            r->state = ST_DONE;
            return 0;
        }
        if (!hcsms_http_is_tchar(c)) /* includes obs-fold */
            return HCSMS_ERR_HTTP_CHUNK;
        if (++r->header_count > HCSMS_HTTP_HEADERS_MAX)
            return HCSMS_ERR_HTTP_TOO_MANY_HEADERS;
        r->state = ST_TRAILER_LINE;
        r->value_started = 0;
        return 0;
    }
    if (end) {
        r->state = ST_TRAILER_START;
        r->line_len = 0;
        return r->value_started ? 0 : HCSMS_ERR_HTTP_CHUNK;
    }
    if (c == ':')
        r->value_started = 1;
    else if (!hcsms_http_is_field_byte(c) || (!r->value_started && !hcsms_http_is_tchar(c)))
        return HCSMS_ERR_HTTP_CHUNK;
    return 0;
}

int hcsms_http_chunk_byte(hcsms_http_response *r, unsigned char c, int end)
{
    switch (r->state) {
    case ST_CHUNK_SIZE:
        return chunk_size_byte(r, c, end);
    case ST_CHUNK_EXT:
        if (end)
            return chunk_size_line_end(r);
        return hcsms_http_is_field_byte(c) ? 0 : HCSMS_ERR_HTTP_CHUNK;
    case ST_CHUNK_DATA_END:
        if (!end)
            return HCSMS_ERR_HTTP_CHUNK;
        r->state = ST_CHUNK_SIZE;
        r->line_len = 0;
        r->number = 0;
        r->chunk_digits = 0;
        r->value_done = 0;
        return 0;
    case ST_TRAILER_START:
    case ST_TRAILER_LINE:
        return trailer_byte(r, c, end);
    default:
        return HCSMS_ERR_INVALID_ARGUMENT;
    }
}
