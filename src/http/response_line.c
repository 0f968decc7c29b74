/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The status line, and the fast path of the response head: a status or
 * header line that arrived whole is read in tight loops, a byte costing a
 * few instructions instead of a pass through the byte-at-a-time state
 * machine (measured: about 50 a byte there).
 *
 * The fast path takes only a line it can take whole: within the room the
 * line and header limits leave, every byte one the grammar allows where it
 * stands. Anything else (a line cut by the read, a long line, an empty line
 * before the status, a CTL, obs-fold, a bare CR, one header too many) is
 * left untouched to the byte-at-a-time path, which names the error at its
 * byte: so both paths give the same result for every input, and the
 * unit tests that feed a response byte by byte check the slow path while
 * those that feed it whole check this one. The values of the framing
 * headers and of kept headers are read by response_head.c either way.
 */
#include <string.h>

#include "response.h"

/* The lower-cased byte of a header name's tchar (hcsms_http_tchars), 0 for a
 * byte that is not one; bytes from 0x80 never are. One look-up a byte
 * instead of the bitmap test and the case fold (measured: 19 instructions a
 * byte of the names in the unlock answer, 5 with it); all 256 bytes, so
 * that no test for 0x80 and up comes before it. */
static const unsigned char name_bytes[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x21, 0x00, 0x23, 0x24, 0x25, 0x26, 0x27, 0x00, 0x00, 0x2a, 0x2b, 0x00, 0x2d, 0x2e, 0x00,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x7c, 0x00, 0x7e, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define STATUS_PREFIX_LEN 12 /* "HTTP/1.1 200" */

static int parse_status_prefix(hcsms_http_response *r)
{
    const char *s = r->status_text;

    if (memcmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') || s[8] != ' ')
        return HCSMS_ERR_HTTP_STATUS_LINE;
    if (s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9')
        return HCSMS_ERR_HTTP_STATUS_LINE;
    r->http_minor = (uint8_t)(s[7] - '0');
    r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    return 0;
}

int hcsms_http_status_byte(hcsms_http_response *r, unsigned char c, int end, unsigned had_cr)
{
    if (r->state == ST_REASON) {
        if (end) {
            r->state = ST_HEADER_START;
            r->line_len = 0;
            return 0;
        }
        /* "HTTP/1.1 2000" must not read as 200: a space must follow. */
        if (!r->value_started && c != ' ')
            return HCSMS_ERR_HTTP_STATUS_LINE;
        r->value_started = 1;
        return hcsms_http_is_field_byte(c) ? 0 : HCSMS_ERR_HTTP_STATUS_LINE;
    }
    if (end && r->state == ST_STATUS && r->line_len == 1u + had_cr) {
        /* An empty line before the status line is ignored, as RFC 9112 2.2
         * asks of request-lines ("at least one empty line") and llhttp does
         * for responses: a server that ends a body with a stray CRLF leaves
         * one in front of the next answer on a kept-alive connection. Only
         * a whole line (CRLF, or LF: bare LF ends every line here), and only
         * one (llhttp takes any number): one is that case, more mean the
         * stream is not what we think it is, and a server sending nothing
         * but line ends is refused at the second. Its bytes count against
         * the head limits like any line. */
        r->state = ST_STATUS_AFTER_EMPTY;
        r->line_len = 0;
        return 0;
    }
    if (end || r->line_len > STATUS_PREFIX_LEN)
        return HCSMS_ERR_HTTP_STATUS_LINE;
    r->status_text[r->line_len - 1] = (char)c;
    if (r->line_len == STATUS_PREFIX_LEN) {
        int err = parse_status_prefix(r);
        if (err != 0)
            return err;
        r->state = ST_REASON;
        r->value_started = 0;
    }
    return 0;
}


/* Whether any byte of a machine word (8 bytes here, 4 on Cortex-M) is a
 * CTL (below 0x20, HTAB included) or DEL: the usual bit tricks, exact for
 * "any"; obs-text (0x80 and up) never counts. A word costs what a byte did. */
static int word_has_ctl(const unsigned char *p)
{
    const size_t ones = (size_t)-1 / 255, highs = ones * 0x80;
    size_t x, del;

    memcpy(&x, p, sizeof(x));
    del = x ^ (ones * 0x7f);
    return ((((x - ones * 0x20) & ~x) | ((del - ones) & ~del)) & highs) != 0;
}

/* Where the line ends, from start (data[start..len) field bytes up to it):
 * just past its LF, or 0 when the line does not end there well (a CTL, a
 * bare CR, or no LF within len). *content_end: where its CR or LF is. */
static size_t field_line_end(const unsigned char *data, size_t start, size_t len,
                             size_t *content_end)
{
    size_t i = start;

    while (len - i >= sizeof(size_t) && !word_has_ctl(data + i))
        i += sizeof(size_t);
    while (i < len && hcsms_http_is_field_byte(data[i]))
        i++;
    *content_end = i;
    if (i < len && data[i] == '\n')
        return i + 1;
    if (i + 1 < len && data[i] == '\r' && data[i + 1] == '\n')
        return i + 2;
    return 0;
}

static size_t status_line(hcsms_http_response *r, const unsigned char *data, size_t room)
{
    size_t content, end;

    if (room <= STATUS_PREFIX_LEN)
        return 0;
    end = field_line_end(data, STATUS_PREFIX_LEN, room, &content);
    if (end == 0 || (content > STATUS_PREFIX_LEN && data[STATUS_PREFIX_LEN] != ' '))
        return 0;
    memcpy(r->status_text, data, STATUS_PREFIX_LEN);
    if (parse_status_prefix(r) != 0)
        return 0; /* the slow path names the byte */
    r->value_started = (uint8_t)(content > STATUS_PREFIX_LEN);
    r->header_bytes += (uint32_t)end;
    r->line_len = 0;
    r->state = ST_HEADER_START;
    return end;
}

static size_t header_line(hcsms_http_response *r, const unsigned char *data, size_t room,
                          int *err)
{
    size_t n = 0, lim, content, end, at = 0;

    if (room == 0)
        return 0;
    if (data[0] == '\n' || (data[0] == '\r' && room > 1 && data[1] == '\n')) {
        end = data[0] == '\n' ? 1u : 2u; /* the empty line: the head ends */
        r->header_bytes += (uint32_t)end;
        *err = hcsms_http_header_byte(r, '\n', 1);
        return end;
    }
    /* The name, kept lower-cased as take_name_bytes() in response.c keeps
     * it (r->name is scratch until the line is taken); past sizeof(r->name)
     * a name is longer than any we know and only checked. */
    lim = room < sizeof(r->name) ? room : sizeof(r->name);
    /* cppcheck-suppress knownConditionTrueFalse ; lim > 0 (room > 0), not known to it */
    while (n < lim && name_bytes[data[n]] != 0) {
        r->name[n] = (char)name_bytes[data[n]];
        n++;
    }
    if (n == sizeof(r->name)) {
        while (n < room && hcsms_http_is_tchar(data[n]))
            n++;
    }
    if (n == 0 || n == room || data[n] != ':' || r->header_count >= HCSMS_HTTP_HEADERS_MAX)
        return 0;
    end = field_line_end(data, n + 1, room, &content);
    if (end == 0)
        return 0;
    r->header_count++;
    r->name_len = (uint8_t)(n <= sizeof(r->name) ? n : sizeof(r->name) + 1);
    hcsms_http_identify_header(r);
    r->header_bytes += (uint32_t)end;
    r->state = ST_HEADER_VALUE;
    *err = hcsms_http_value_run(r, data + n + 1, content - n - 1, &at);
    if (*err != 0)
        return n + 1 + at + 1; /* up to and including the offending byte */
    *err = hcsms_http_header_byte(r, '\n', 1);
    return end;
}

size_t hcsms_http_head_lines(hcsms_http_response *r, const unsigned char *data, size_t len,
                             int *err)
{
    size_t used = 0, n = 0;

    while (used < len && *err == 0) {
        size_t room = hcsms_http_head_room(r, len - used);

        if (r->state == ST_HEADER_START)
            n = header_line(r, data + used, room, err);
        else if (r->state == ST_STATUS || r->state == ST_STATUS_AFTER_EMPTY)
            n = status_line(r, data + used, room);
        else
            break; /* the head is over: the body, or done */
        if (n == 0)
            break;
        used += n;
    }
    return used;
}
