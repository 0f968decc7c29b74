/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Incremental HTTP/1.1 response parser: feeding, the body, and the byte
 * counting and dispatch of the line-oriented states (their handlers are in
 * response_head.c and response_chunk.c).
 *
 * It is fed any slice of the byte stream (one byte at a time included) and
 * keeps no line buffer: each byte moves a small state machine, so a header
 * line may be as long as HCSMS_HTTP_LINE_MAX without costing RAM. Only what
 * is used is kept: the status, the framing headers, the headers the caller
 * lists (hcsms_http_keep) and a bounded prefix of the body. Every length a
 * server controls is bounded, and every malformed or conflicting framing is
 * an error, never a guess: a wrong guess about where a response ends would
 * let stale bytes answer the next request on a kept-alive connection.
 */
#include <string.h>

#include "response.h"

const uint32_t hcsms_http_tchars[8] = {0x00000000u, 0x03ff6cfau, 0xc7fffffeu, 0x57ffffffu,
                                       0, 0, 0, 0};

static int fail(hcsms_http_response *r, int error)
{
    r->state = ST_ERROR;
    r->error = error; /* returned again by later calls */
    return error;
}

static void reset_kept(hcsms_http_keep *k)
{
    for (; k != NULL; k = k->next) {
        k->len = 0;
        k->seen = 0;
        k->truncated = 0;
        if (k->size > 0)
            k->value[0] = '\0';
    }
}

void hcsms_http_reset_head(hcsms_http_response *r)
{
    r->state = ST_STATUS;
    r->status = 0;
    r->line_len = 0;
    r->header_bytes = 0;
    r->header_count = 0;
    r->has_content_length = 0;
    r->content_length = 0;
    r->te_seen = 0;
    r->te_last_chunked = 0;
    r->te_chunked_count = 0;
    r->connection_close = 0;
    r->value_started = 0;
    r->saw_cr = 0;
    reset_kept(r->keep);
}

void hcsms_http_response_init(hcsms_http_response *response, unsigned char *body,
                              size_t body_size)
{
    memset(response, 0, sizeof(*response));
    response->body = body;
    response->body_size = body != NULL ? body_size : 0;
    hcsms_http_reset_head(response);
}

void hcsms_http_response_keep(hcsms_http_response *response, hcsms_http_keep *keep)
{
    response->keep = keep;
    reset_kept(keep);
}

void hcsms_http_response_expect_tunnel(hcsms_http_response *response)
{
    response->tunnel = 1;
}

/* Count one byte of a status, header or trailer line against the limits. */
static int count_head_byte(hcsms_http_response *r)
{
    uint32_t line_max = HCSMS_HTTP_LINE_MAX;

    /* A kept header may ask for a longer line (IAM's token is 16 KB). */
    if (r->state == ST_HEADER_VALUE && r->header == H_KEPT && r->kept->line_max > line_max)
        line_max = r->kept->line_max;
    if (++r->line_len > line_max)
        return HCSMS_ERR_HTTP_LINE_TOO_LONG;
    if (++r->header_bytes > HCSMS_HTTP_HEADER_BYTES_MAX)
        return HCSMS_ERR_HTTP_HEADERS_TOO_LARGE;
    return 0;
}

/* Line-end handling shared by every line state: returns 1 at the end of a
 * line (LF, or CRLF), 0 for an ordinary byte, or an error for a CR that is
 * not followed by LF. */
static int line_end(hcsms_http_response *r, unsigned char c)
{
    if (r->saw_cr) {
        r->saw_cr = 0;
        return c == '\n' ? 1 : HCSMS_ERR_HTTP_HEADER;
    }
    if (c == '\r') {
        r->saw_cr = 1;
        return 0;
    }
    return c == '\n' ? 1 : 0;
}

/* One byte of a line-oriented state: counted, line ends found, then handed
 * to the state's handler. Returns 0 or an error. */
static int head_byte(hcsms_http_response *r, unsigned char c)
{
    int end, err;
    unsigned had_cr = r->saw_cr; /* this byte may end a line that had its CR */
    int chunk_line = r->state >= ST_CHUNK_SIZE && r->state <= ST_CHUNK_DATA_END;

    if (chunk_line) {
        /* chunk framing lines are body framing, not header bytes */
        if (++r->line_len > HCSMS_HTTP_LINE_MAX)
            return HCSMS_ERR_HTTP_LINE_TOO_LONG;
    } else if ((err = count_head_byte(r)) != 0) {
        return err;
    }
    end = line_end(r, c);
    if (end < 0)
        return chunk_line ? HCSMS_ERR_HTTP_CHUNK
                          : (r->state <= ST_REASON ? HCSMS_ERR_HTTP_STATUS_LINE : end);
    if (r->saw_cr)
        return 0;
    if (r->state <= ST_REASON)
        return hcsms_http_status_byte(r, c, end, had_cr);
    if (r->state <= ST_HEADER_VALUE)
        return hcsms_http_header_byte(r, c, end);
    return hcsms_http_chunk_byte(r, c, end);
}

/* The bytes of a field value nobody keeps (or of the reason phrase) that can
 * be taken in one step: field bytes up to the line end, within
 * hcsms_http_head_room(). Counts them; returns how many. Measured: the
 * byte-by-byte path cost about 65 instructions a byte of such values. */
static size_t skip_field_bytes(hcsms_http_response *r, const unsigned char *data, size_t len)
{
    size_t n = 0;

    len = hcsms_http_head_room(r, len);
    while (n < len && hcsms_http_is_field_byte(data[n]))
        n++;
    r->line_len += (uint32_t)n;
    r->header_bytes += (uint32_t)n;
    return n;
}

/* The rest of a header name in one step: token characters within the
 * limits, the first sizeof(name) of them kept lower-cased to identify it.
 * The ':' and anything unexpected are left to head_byte(). */
static size_t take_name_bytes(hcsms_http_response *r, const unsigned char *data, size_t len)
{
    size_t n = 0;

    len = hcsms_http_head_room(r, len);
    for (; n < len && hcsms_http_is_tchar(data[n]); n++) {
        if (r->name_len < sizeof(r->name))
            r->name[r->name_len] = (char)hcsms_http_lower(data[n]);
        if (r->name_len <= sizeof(r->name))
            r->name_len++; /* sizeof + 1 marks "longer than any we know" */
    }
    r->line_len += (uint32_t)n;
    r->header_bytes += (uint32_t)n;
    return n;
}

/* Body bytes: as many of len as belong to the body or chunk, the leading
 * ones kept. Returns the bytes taken, or an error. */
static long body_bytes(hcsms_http_response *r, const unsigned char *data, size_t len)
{
    size_t n = len, room = r->body_size - r->body_kept;

    if (r->state != ST_BODY_CLOSE && n > r->remaining)
        n = (size_t)r->remaining;
    r->body_bytes += n;
    if (r->body_bytes > HCSMS_HTTP_BODY_MAX)
        return HCSMS_ERR_HTTP_BODY_TOO_LARGE;
    if (room > n)
        room = n;
    else if (n > room)
        r->body_truncated = 1;
    if (room > 0) {
        memcpy(r->body + r->body_kept, data, room);
        r->body_kept += room;
    }
    if (r->state != ST_BODY_CLOSE) {
        r->remaining -= n;
        if (r->remaining == 0) {
            r->state = r->state == ST_CHUNK_DATA ? ST_CHUNK_DATA_END : ST_DONE;
            r->line_len = 0;
        }
    }
    return (long)n;
}

/* Bytes of the head or of chunk framing, from data (len > 0): a whole line
 * (response_line.c), or a run that can be taken in one step, else one byte. Returns the bytes taken (at least one,
 * the offending byte included on an error, which is in *err). */
static size_t head_bytes(hcsms_http_response *r, const unsigned char *data, size_t len, int *err)
{
#if HCSMS_CONFIG_FAST_PARSE
    if (r->line_len == 0 && !r->saw_cr) {
        size_t n = hcsms_http_head_lines(r, data, len, err);

        if (n > 0)
            return n;
    }
#endif
    if (!r->saw_cr && ((r->state == ST_HEADER_VALUE && r->header == H_OTHER) ||
                       (r->state == ST_REASON && r->value_started) ||
                       r->state == ST_HEADER_NAME)) {
        size_t n = r->state == ST_HEADER_NAME ? take_name_bytes(r, data, len)
                                              : skip_field_bytes(r, data, len);
        if (n > 0)
            return n;
    }
    *err = head_byte(r, data[0]);
    return 1;
}

int hcsms_http_response_feed(hcsms_http_response *response,
                             const unsigned char *data, size_t len,
                             size_t *consumed)
{
    hcsms_http_response *r = response;
    size_t i = 0;
    int err = 0;

    if (consumed != NULL)
        *consumed = 0;
    if (r->state == ST_ERROR)
        return r->error;
    if (r->state == ST_DONE)
        return 0;

    while (i < len) {
        if (r->state == ST_BODY_LENGTH || r->state == ST_CHUNK_DATA ||
            r->state == ST_BODY_CLOSE) {
            long n = body_bytes(r, data + i, len - i);
            if (n < 0) {
                err = (int)n; /* *consumed: up to the body byte past the limit */
            } else {
                i += (size_t)n;
                r->bytes_seen += (uint64_t)n;
            }
        } else {
            size_t n = head_bytes(r, data + i, len - i, &err);
            i += n; /* on an error, up to and including the offending byte */
            r->bytes_seen += n;
        }
        if (err != 0 || r->state == ST_DONE)
            break;
    }
    if (consumed != NULL)
        *consumed = i;
    if (err != 0)
        return fail(r, err);
    return r->state == ST_DONE ? 0 : HCSMS_HTTP_MORE;
}

int hcsms_http_response_eof(hcsms_http_response *response)
{
    if (response->state == ST_DONE)
        return 0;
    if (response->state == ST_ERROR)
        return response->error;
    if (response->state == ST_BODY_CLOSE) {
        response->state = ST_DONE;
        return 0;
    }
    /* Closed before any byte of a response: nothing at all, or only the
     * ignored empty line (left over from the previous answer). */
    if (response->bytes_seen == 0 ||
        (response->state == ST_STATUS_AFTER_EMPTY && response->interim_count == 0 &&
         response->line_len == 0))
        return fail(response, HCSMS_ERR_CLOSED);
    return fail(response, HCSMS_ERR_HTTP_TRUNCATED);
}
