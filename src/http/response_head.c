/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The response head's header lines, byte by byte (the status line and
 * whole lines at once are in response_line.c). The framing
 * headers (Content-Length, Transfer-Encoding, Connection) are read here;
 * every other header is skipped, unless the caller listed it to be kept
 * (hcsms_http_keep): this layer knows no header of the application.
 */
#include <string.h>

#include "response.h"

/* The caller's entry for the header named in r->name, or NULL. The first
 * byte is compared before the rest: most names differ there. strncmp stops
 * at the listed name's end, so the name never needs its length. */
static hcsms_http_keep *find_kept(const hcsms_http_response *r)
{
    hcsms_http_keep *k;

    for (k = r->keep; k != NULL; k = k->next) {
        if (k->name[0] == r->name[0] && strncmp(k->name, r->name, r->name_len) == 0 &&
            k->name[r->name_len] == '\0')
            return k;
    }
    return NULL;
}

/* Which framing header r->name is, by its length first (H_OTHER: none). */
static uint8_t framing_header(const hcsms_http_response *r)
{
    switch (r->name_len) {
    case 14:
        return memcmp(r->name, "content-length", 14) == 0 ? H_CONTENT_LENGTH : H_OTHER;
    case 17:
        return memcmp(r->name, "transfer-encoding", 17) == 0 ? H_TRANSFER_ENCODING : H_OTHER;
    case 10:
        return memcmp(r->name, "connection", 10) == 0 ? H_CONNECTION : H_OTHER;
    default:
        return H_OTHER;
    }
}

void hcsms_http_identify_header(hcsms_http_response *r)
{
    hcsms_http_keep *k;

    r->header = H_OTHER;
    r->number = 0;
    r->value_started = 0;
    r->value_done = 0;
    r->token_len = 0;
    if (r->name_len > sizeof(r->name))
        return;
    if ((r->header = framing_header(r)) != H_OTHER) {
        r->te_seen |= (uint8_t)(r->header == H_TRANSFER_ENCODING);
        return;
    }
    if ((k = find_kept(r)) == NULL)
        return;
    if (k->seen < 255)
        k->seen++;
    if (k->replace) {
        k->len = 0;
        k->truncated = 0;
        if (k->size > 0)
            k->value[0] = '\0';
    } else if (k->len > 0 || k->truncated) {
        return; /* the first non-empty value stays; this line is only counted */
    }
    r->header = H_KEPT;
    r->kept = k;
    r->kept_trim = 0;
}

/* Bytes of a kept value (the line end not included; one byte at a time on
 * the slow path): leading white space skipped, trailing white space trimmed
 * at the line end (kept_trim), NUL-terminated as it goes. A byte that does
 * not fit flags the value, unless it is white space (which the trim would
 * remove if nothing followed it). */
static void kept_run(hcsms_http_response *r, const unsigned char *v, size_t n)
{
    hcsms_http_keep *k = r->kept;
    size_t i = 0, fit = 0, last = 0;

    if (!r->value_started) {
        while (i < n && hcsms_http_is_ows(v[i]))
            i++;
        if (i == n)
            return;
        r->value_started = 1;
    }
    if (k->len + 1 < k->size)
        fit = k->size - 1 - k->len;
    if (fit > n - i)
        fit = n - i;
    if (fit > 0) /* value may be NULL (size 0: only counted) */
        memcpy(k->value + k->len, v + i, fit);
    for (last = fit; last > 0 && hcsms_http_is_ows(v[i + last - 1]); last--)
        ;
    if (last > 0)
        r->kept_trim = k->len + last;
    k->len += fit;
    if (k->size > 0)
        k->value[k->len] = '\0';
    for (i += fit; i < n; i++) {
        if (!hcsms_http_is_ows(v[i]))
            k->truncated = 1;
    }
}

/* One element of a comma-separated list ended (Transfer-Encoding, Connection). */
static int end_list_token(hcsms_http_response *r)
{
    int is_chunked, is_close;

    if (r->token_len == 0)
        return 0;
    is_chunked = r->token_len == 7 && memcmp(r->token, "chunked", 7) == 0;
    is_close = r->token_len == 5 && memcmp(r->token, "close", 5) == 0;
    r->token_len = 0;
    if (r->header == H_TRANSFER_ENCODING) {
        r->te_last_chunked = (uint8_t)is_chunked;
        if (is_chunked && ++r->te_chunked_count > 1)
            return HCSMS_ERR_HTTP_FRAMING; /* chunked twice */
    } else if (is_close) {
        r->connection_close = 1;
    }
    return 0;
}

/* A byte the list grammar does not allow where it stands. */
static int malformed_list(hcsms_http_response *r)
{
    if (r->header == H_TRANSFER_ENCODING)
        return HCSMS_ERR_HTTP_FRAMING;
    /* Connection does not frame the body (Content-Length or chunked do), so
     * a malformed value cannot move where this response ends; what it can
     * do is claim keep-alive for a connection the server, or a proxy that
     * parsed the value otherwise, means to close. So it counts as "close":
     * never reused, and the answer itself is still read and kept. The rest
     * of the line is skipped: nothing in it can take the close back. */
    r->connection_close = 1;
    r->token_len = 0;
    r->header = H_OTHER;
    return 0;
}

/* One byte of a list-valued header, by the RFC 9110 5.6.1 grammar:
 *
 *     #element = [ element ] *( OWS "," OWS [ element ] )
 *     element  = token          (tchar: ALPHA DIGIT !#$%&'*+-.^_`|~)
 *
 * Empty elements (",,", a leading or trailing comma) are accepted, as
 * recipients must. White space only separates a token from a comma: two
 * tokens with white space and no comma between them are malformed, never
 * two elements. "gzip chunked" read as ending in chunked, where a strict
 * parser (llhttp) reads a body up to the close, split one response into two
 * on a kept-alive connection. Transfer-coding parameters ("gzip;q=1") are
 * not accepted at all: we only ever take exactly "chunked" as the final
 * coding, and a coding we cannot name is one we cannot frame by.
 *
 * State between bytes (the value may be cut at any byte): token_len > 0
 * inside an element; value_done once white space has followed an element,
 * until the next comma. */
static int list_byte(hcsms_http_response *r, unsigned char c)
{
    if (c == ',') {
        r->value_done = 0;
        return end_list_token(r);
    }
    if (hcsms_http_is_ows(c)) {
        if (r->token_len > 0)
            r->value_done = 1;
        return end_list_token(r);
    }
    if (!hcsms_http_is_tchar(c) || r->value_done)
        return malformed_list(r);
    if (r->token_len < sizeof(r->token))
        r->token[r->token_len] = (char)hcsms_http_lower(c);
    if (r->token_len < 255)
        r->token_len++;
    return 0;
}

static int content_length_byte(hcsms_http_response *r, unsigned char c)
{
    if (hcsms_http_is_ows(c)) {
        if (r->value_started)
            r->value_done = 1;
        return 0;
    }
    if (c < '0' || c > '9' || r->value_done)
        return HCSMS_ERR_HTTP_CONTENT_LENGTH;
    if (r->number > (UINT64_MAX - (uint64_t)(c - '0')) / 10)
        return HCSMS_ERR_HTTP_CONTENT_LENGTH;
    r->number = r->number * 10 + (uint64_t)(c - '0');
    r->value_started = 1;
    return 0;
}

static int header_value_byte(hcsms_http_response *r, unsigned char c)
{
    switch (r->header) {
    case H_CONTENT_LENGTH:
        return content_length_byte(r, c);
    case H_TRANSFER_ENCODING:
    case H_CONNECTION:
        return list_byte(r, c);
    case H_KEPT:
        kept_run(r, &c, 1);
        return 0;
    default:
        return 0;
    }
}

int hcsms_http_value_run(hcsms_http_response *r, const unsigned char *v, size_t n, size_t *at)
{
    size_t i;
    int err;

    if (r->header == H_KEPT) {
        kept_run(r, v, n);
        return 0;
    }
    for (i = 0; i < n && r->header != H_OTHER; i++) {
        unsigned char c = v[i];

        if (r->header != H_CONTENT_LENGTH && !r->value_done && hcsms_http_is_tchar(c)) {
            /* Inside a list element: what list_byte() does with it. */
            if (r->token_len < sizeof(r->token))
                r->token[r->token_len] = (char)hcsms_http_lower(c);
            if (r->token_len < 255)
                r->token_len++;
            continue;
        }
        if ((err = header_value_byte(r, c)) != 0) {
            *at = i;
            return err;
        }
    }
    return 0;
}

static int header_value_end(hcsms_http_response *r)
{
    switch (r->header) {
    case H_CONTENT_LENGTH:
        if (!r->value_started)
            return HCSMS_ERR_HTTP_CONTENT_LENGTH;
        if (r->has_content_length && r->content_length != r->number)
            return HCSMS_ERR_HTTP_CONTENT_LENGTH;
        r->has_content_length = 1;
        r->content_length = r->number;
        return 0;
    case H_TRANSFER_ENCODING:
    case H_CONNECTION:
        return end_list_token(r);
    case H_KEPT:
        r->kept->len = r->kept_trim;
        if (r->kept->size > 0)
            r->kept->value[r->kept_trim] = '\0';
        return 0;
    default:
        return 0;
    }
}

/* The empty line after the headers: decide how the body is framed. */
static int headers_complete(hcsms_http_response *r)
{
    if (r->status < 200) {
        if (r->status == 101)
            return HCSMS_ERR_HTTP_UNEXPECTED; /* we never ask to switch protocols */
        if (++r->interim_count > HCSMS_HTTP_INTERIM_MAX)
            return HCSMS_ERR_HTTP_TOO_MANY_INTERIM;
        hcsms_http_reset_head(r);
        return 0;
    }
    r->keep_alive = (uint8_t)(r->http_minor == 1 && !r->connection_close);
    /* RFC 9110 9.3.6: after a 2xx to CONNECT the connection is the tunnel;
     * framing headers, if any, mean nothing. A refusal's body is not wanted
     * either: the connection is closed after it. */
    if (r->tunnel || r->status == 204 || r->status == 304) {
        r->state = ST_DONE;
        return 0;
    }
    if (r->te_seen) {
        /* RFC 9112 6.1: a response with both is a smuggling vector; and we
         * asked for no coding but chunked, so nothing else can be framed. */
        if (r->has_content_length || !r->te_last_chunked)
            return HCSMS_ERR_HTTP_FRAMING;
        r->chunked = 1;
        r->state = ST_CHUNK_SIZE;
        r->number = 0;
        r->chunk_digits = 0;
        r->value_done = 0;
        return 0;
    }
    if (r->has_content_length) {
        if (r->content_length > HCSMS_HTTP_BODY_MAX)
            return HCSMS_ERR_HTTP_BODY_TOO_LARGE;
        r->remaining = r->content_length;
        r->state = r->remaining == 0 ? ST_DONE : ST_BODY_LENGTH;
        return 0;
    }
    r->keep_alive = 0; /* the end of the body is the end of the connection */
    r->state = ST_BODY_CLOSE;
    return 0;
}

int hcsms_http_header_byte(hcsms_http_response *r, unsigned char c, int end)
{
    switch (r->state) {
    case ST_HEADER_START:
        if (end) {
            r->line_len = 0;
            return headers_complete(r);
        }
        if (!hcsms_http_is_tchar(c)) /* includes obs-fold: a line starting with white space */
            return HCSMS_ERR_HTTP_HEADER;
        if (++r->header_count > HCSMS_HTTP_HEADERS_MAX)
            return HCSMS_ERR_HTTP_TOO_MANY_HEADERS;
        r->name[0] = (char)hcsms_http_lower(c);
        r->name_len = 1;
        r->state = ST_HEADER_NAME;
        return 0;
    case ST_HEADER_NAME:
        if (c == ':') {
            hcsms_http_identify_header(r);
            r->state = ST_HEADER_VALUE;
            return 0;
        }
        if (end || !hcsms_http_is_tchar(c))
            return HCSMS_ERR_HTTP_HEADER;
        if (r->name_len < sizeof(r->name))
            r->name[r->name_len] = (char)hcsms_http_lower(c);
        if (r->name_len <= sizeof(r->name))
            r->name_len++; /* sizeof + 1 marks "longer than any we know" */
        return 0;
    default: /* ST_HEADER_VALUE */
        if (end) {
            r->state = ST_HEADER_START;
            r->line_len = 0;
            return header_value_end(r);
        }
        if (!hcsms_http_is_field_byte(c))
            return HCSMS_ERR_HTTP_HEADER;
        return header_value_byte(r, c);
    }
}
