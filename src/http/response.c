/*
 * Incremental HTTP/1.1 response parser.
 *
 * It is fed any slice of the byte stream (one byte at a time included) and
 * keeps no line buffer: each byte moves a small state machine, so a header
 * line may be as long as HCSMS_HTTP_LINE_MAX without costing RAM. Only what
 * the client uses is kept: the status, the framing headers, X-Request-Id and
 * a bounded prefix of the body. Every length a server controls is bounded,
 * and every malformed or conflicting framing is an error, never a guess:
 * a wrong guess about where a response ends would let stale bytes answer
 * the next request on a kept-alive connection.
 */
#include <string.h>

#include "http.h"
#include "hcsms/error.h"

enum state {
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

enum known_header {
    H_OTHER,
    H_CONTENT_LENGTH,
    H_TRANSFER_ENCODING,
    H_CONNECTION,
    H_REQUEST_ID,
    H_RETRY_AFTER,
    H_SUBJECT_TOKEN
};

#define STATUS_PREFIX_LEN 12 /* "HTTP/1.1 200" */

static int is_tchar(unsigned char c)
{
    /* RFC 9110 token characters: ALPHA DIGIT !#$%&'*+-.^_`|~, as a bitmap
     * (this runs for every byte of every header name). */
    static const uint32_t tchars[8] = {0x00000000u, 0x03ff6cfau, 0xc7fffffeu, 0x57ffffffu,
                                       0, 0, 0, 0};
    return (int)((tchars[c >> 5] >> (c & 31)) & 1u);
}

/* A byte allowed inside a field value or reason phrase: HTAB, SP, VCHAR, obs-text. */
static int is_field_byte(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int is_ows(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int fail(hcsms_http_response *r, int error)
{
    r->state = ST_ERROR;
    r->error = error; /* returned again by later calls */
    return error;
}

/* Start of a new response head (the first, or the one after a 1xx). */
static void reset_head(hcsms_http_response *r)
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
    r->request_id_len = 0;
    r->request_id_trim = 0;
    r->request_id_truncated = 0;
    r->retry_after[0] = '\0';
    r->retry_after_len = 0;
    r->subject_token_len = 0;
    r->subject_token_seen = 0;
    r->subject_token_truncated = 0;
    if (r->subject_token_size > 0)
        r->subject_token[0] = '\0';
    r->value_started = 0;
    r->saw_cr = 0;
    if (r->request_id_size > 0)
        r->request_id[0] = '\0';
}

void hcsms_http_response_init(hcsms_http_response *response, char *request_id,
                              size_t request_id_size, unsigned char *body,
                              size_t body_size)
{
    memset(response, 0, sizeof(*response));
    response->request_id = request_id;
    response->request_id_size = request_id != NULL ? request_id_size : 0;
    response->body = body;
    response->body_size = body != NULL ? body_size : 0;
    reset_head(response);
}

void hcsms_http_response_keep_subject_token(hcsms_http_response *response, char *token,
                                            size_t token_size)
{
    response->subject_token = token;
    response->subject_token_size = token != NULL ? token_size : 0;
    response->subject_token_len = 0;
    if (response->subject_token_size > 0)
        token[0] = '\0';
}

void hcsms_http_response_expect_tunnel(hcsms_http_response *response)
{
    response->tunnel = 1;
}

/* An X-Subject-Token line may carry the longest token IAM issues. */
#define SUBJECT_TOKEN_LINE_MAX (HCSMS_TOKEN_MAX + 64)

/* Count one byte of a status, header or trailer line against the limits. */
static int count_head_byte(hcsms_http_response *r)
{
    uint32_t line_max = HCSMS_HTTP_LINE_MAX;

    if (r->state == ST_HEADER_VALUE && r->header == H_SUBJECT_TOKEN &&
        line_max < SUBJECT_TOKEN_LINE_MAX)
        line_max = SUBJECT_TOKEN_LINE_MAX;
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

static int body_bytes(hcsms_http_response *r, const unsigned char *data, size_t n)
{
    size_t room = r->body_size - r->body_kept;

    r->body_bytes += n;
    if (r->body_bytes > HCSMS_HTTP_BODY_MAX)
        return HCSMS_ERR_HTTP_BODY_TOO_LARGE;
    if (n > room) {
        r->body_truncated = 1;
        n = room;
    }
    if (n > 0) {
        memcpy(r->body + r->body_kept, data, n);
        r->body_kept += n;
    }
    return 0;
}

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

static void identify_header(hcsms_http_response *r)
{
    static const struct {
        const char *name;
        uint8_t id;
    } known[] = {
        {"content-length", H_CONTENT_LENGTH},
        {"transfer-encoding", H_TRANSFER_ENCODING},
        {"connection", H_CONNECTION},
        {"x-request-id", H_REQUEST_ID},
        {"retry-after", H_RETRY_AFTER},
        {"x-subject-token", H_SUBJECT_TOKEN},
    };
    size_t i;

    r->header = H_OTHER;
    if (r->name_len > sizeof(r->name))
        return;
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strlen(known[i].name) == r->name_len &&
            memcmp(known[i].name, r->name, r->name_len) == 0) {
            r->header = known[i].id;
            break;
        }
    }
    if (r->header == H_TRANSFER_ENCODING)
        r->te_seen = 1;
    if (r->header == H_RETRY_AFTER)
        r->retry_after_len = 0; /* the last one counts */
    /* Keep the first X-Request-Id; a second one is ignored. */
    if (r->header == H_REQUEST_ID && (r->request_id_len > 0 || r->request_id_truncated))
        r->header = H_OTHER;
    if (r->header == H_SUBJECT_TOKEN) {
        if (r->subject_token_size == 0) {
            r->header = H_OTHER;
        } else if (r->subject_token_seen++ > 0) {
            /* Two tokens: neither can be trusted to be the one. */
            r->subject_token_seen = 2;
            r->header = H_OTHER;
        }
    }
    r->number = 0;
    r->value_started = 0;
    r->value_done = 0;
    r->token_len = 0;
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
    if (is_ows(c)) {
        if (r->token_len > 0)
            r->value_done = 1;
        return end_list_token(r);
    }
    if (!is_tchar(c) || r->value_done)
        return malformed_list(r);
    if (r->token_len < sizeof(r->token))
        r->token[r->token_len] = (char)lower(c);
    if (r->token_len < 255)
        r->token_len++;
    return 0;
}

static int header_value_byte(hcsms_http_response *r, unsigned char c)
{
    switch (r->header) {
    case H_CONTENT_LENGTH:
        if (is_ows(c)) {
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
    case H_TRANSFER_ENCODING:
    case H_CONNECTION:
        return list_byte(r, c);
    case H_RETRY_AFTER:
        /* Kept raw (seconds or an HTTP date); one too long is dropped. */
        if (!r->value_started && is_ows(c))
            return 0;
        r->value_started = 1;
        if (r->retry_after_len < sizeof(r->retry_after) - 1)
            r->retry_after[r->retry_after_len] = (char)c;
        if (r->retry_after_len < sizeof(r->retry_after))
            r->retry_after_len++;
        return 0;
    case H_SUBJECT_TOKEN:
        /* A token has no white space: OWS after it ends it, and anything
         * after that makes the value unusable (as if sent twice). */
        if (is_ows(c)) {
            if (r->value_started)
                r->value_done = 1;
            return 0;
        }
        if (r->value_done) {
            r->subject_token_seen = 2;
            return 0;
        }
        r->value_started = 1;
        if (r->subject_token_len + 1 >= r->subject_token_size) {
            r->subject_token_truncated = 1;
            return 0;
        }
        r->subject_token[r->subject_token_len++] = (char)c;
        r->subject_token[r->subject_token_len] = '\0';
        return 0;
    case H_REQUEST_ID:
        if (r->request_id_size == 0 || (!r->value_started && is_ows(c)))
            return 0;
        r->value_started = 1;
        if (r->request_id_len + 1 >= r->request_id_size) {
            r->request_id_truncated = 1;
            return 0;
        }
        /* Keep it printable: it ends up in terminals and JSON. */
        r->request_id[r->request_id_len++] = (char)((c >= 0x21 && c <= 0x7e) ? c : (is_ows(c) ? ' ' : '?'));
        r->request_id[r->request_id_len] = '\0'; /* terminated even if the line never ends */
        if (!is_ows(c))
            r->request_id_trim = r->request_id_len;
        return 0;
    default:
        return 0;
    }
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
    case H_RETRY_AFTER:
        if (r->retry_after_len >= sizeof(r->retry_after))
            r->retry_after_len = 0; /* too long to be either form */
        while (r->retry_after_len > 0 && is_ows((unsigned char)r->retry_after[r->retry_after_len - 1]))
            r->retry_after_len--;
        r->retry_after[r->retry_after_len] = '\0';
        return 0;
    case H_REQUEST_ID:
        if (r->request_id_size > 0) {
            r->request_id_len = r->request_id_trim;
            r->request_id[r->request_id_len] = '\0';
        }
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
        reset_head(r);
        return 0;
    }
    r->keep_alive = (uint8_t)(r->http_minor == 1 && !r->connection_close);
    if (r->tunnel) {
        /* RFC 9110 9.3.6: after a 2xx to CONNECT the connection is the
         * tunnel; framing headers, if any, mean nothing. A refusal's body
         * is not wanted either: the connection is closed after it. */
        r->state = ST_DONE;
        return 0;
    }
    if (r->status == 204 || r->status == 304) {
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
        r->line_len = 0;
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

/* One byte of a line-oriented state. Returns 0 or an error. */
static int head_byte(hcsms_http_response *r, unsigned char c)
{
    int end, err;
    unsigned had_cr = r->saw_cr; /* this byte may end a line that had its CR */

    if (r->state >= ST_CHUNK_SIZE && r->state <= ST_CHUNK_DATA_END) {
        /* chunk framing lines are body framing, not header bytes */
        if (++r->line_len > HCSMS_HTTP_LINE_MAX)
            return HCSMS_ERR_HTTP_LINE_TOO_LONG;
    } else if ((err = count_head_byte(r)) != 0) {
        return err;
    }
    end = line_end(r, c);
    if (end < 0)
        return r->state >= ST_CHUNK_SIZE && r->state <= ST_CHUNK_DATA_END
                   ? HCSMS_ERR_HTTP_CHUNK
                   : (r->state <= ST_REASON ? HCSMS_ERR_HTTP_STATUS_LINE : end);
    if (r->saw_cr)
        return 0;

    switch (r->state) {
    case ST_STATUS:
    case ST_STATUS_AFTER_EMPTY:
        if (end && r->state == ST_STATUS && r->line_len == 1u + had_cr) {
            /* An empty line before the status line is ignored, as RFC
             * 9112 2.2 asks of request-lines ("at least one empty line")
             * and llhttp does for responses: a server that ends a body
             * with a stray CRLF leaves one in front of the next answer on
             * a kept-alive connection. Only a whole line (CRLF, or LF:
             * bare LF ends every line here), and only one (llhttp takes
             * any number): one is that case, more mean the stream is not
             * what we think it is, and a server sending nothing but line
             * ends is refused at the second. Its bytes count against the
             * head limits like any line. */
            r->state = ST_STATUS_AFTER_EMPTY;
            r->line_len = 0;
            return 0;
        }
        if (end || r->line_len > STATUS_PREFIX_LEN)
            return HCSMS_ERR_HTTP_STATUS_LINE;
        r->status_text[r->line_len - 1] = (char)c;
        if (r->line_len == STATUS_PREFIX_LEN) {
            if ((err = parse_status_prefix(r)) != 0)
                return err;
            r->state = ST_REASON;
            r->value_started = 0;
        }
        return 0;
    case ST_REASON:
        if (end) {
            r->state = ST_HEADER_START;
            r->line_len = 0;
            return 0;
        }
        /* "HTTP/1.1 2000" must not read as 200: a space must follow. */
        if (!r->value_started && c != ' ')
            return HCSMS_ERR_HTTP_STATUS_LINE;
        r->value_started = 1;
        return is_field_byte(c) ? 0 : HCSMS_ERR_HTTP_STATUS_LINE;
    case ST_HEADER_START:
    case ST_TRAILER_START:
        if (end) {
            r->line_len = 0;
            if (r->state == ST_TRAILER_START) {
                r->state = ST_DONE;
                return 0;
            }
            return headers_complete(r);
        }
        if (!is_tchar(c)) /* includes obs-fold: a line starting with white space */
            return r->state == ST_TRAILER_START ? HCSMS_ERR_HTTP_CHUNK : HCSMS_ERR_HTTP_HEADER;
        if (++r->header_count > HCSMS_HTTP_HEADERS_MAX)
            return HCSMS_ERR_HTTP_TOO_MANY_HEADERS;
        if (r->state == ST_TRAILER_START) {
            r->state = ST_TRAILER_LINE;
            r->value_started = 0;
            return 0;
        }
        r->name[0] = (char)lower(c);
        r->name_len = 1;
        r->state = ST_HEADER_NAME;
        return 0;
    case ST_HEADER_NAME:
        if (c == ':') {
            identify_header(r);
            r->state = ST_HEADER_VALUE;
            return 0;
        }
        if (end || !is_tchar(c))
            return HCSMS_ERR_HTTP_HEADER;
        if (r->name_len < sizeof(r->name))
            r->name[r->name_len] = (char)lower(c);
        if (r->name_len <= sizeof(r->name))
            r->name_len++; /* sizeof + 1 marks "longer than any we know" */
        return 0;
    case ST_HEADER_VALUE:
        if (end) {
            r->state = ST_HEADER_START;
            r->line_len = 0;
            return header_value_end(r);
        }
        if (!is_field_byte(c))
            return HCSMS_ERR_HTTP_HEADER;
        return header_value_byte(r, c);
    case ST_TRAILER_LINE:
        if (end) {
            r->state = ST_TRAILER_START;
            r->line_len = 0;
            return r->value_started ? 0 : HCSMS_ERR_HTTP_CHUNK;
        }
        if (c == ':')
            r->value_started = 1;
        else if (!is_field_byte(c) || (!r->value_started && !is_tchar(c)))
            return HCSMS_ERR_HTTP_CHUNK;
        return 0;
    case ST_CHUNK_SIZE:
        if (end)
            return chunk_size_line_end(r);
        if (hex_value(c) >= 0 && !r->value_done) {
            if (++r->chunk_digits > HCSMS_HTTP_CHUNK_DIGITS_MAX)
                return HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG;
            r->number = r->number * 16 + (uint64_t)hex_value(c);
            return 0;
        }
        if (is_ows(c) && r->chunk_digits > 0) {
            r->value_done = 1; /* only ';' or the line end may follow */
            return 0;
        }
        if (c == ';' && r->chunk_digits > 0) {
            r->state = ST_CHUNK_EXT;
            return 0;
        }
        return HCSMS_ERR_HTTP_CHUNK;
    case ST_CHUNK_EXT:
        if (end)
            return chunk_size_line_end(r);
        return is_field_byte(c) ? 0 : HCSMS_ERR_HTTP_CHUNK;
    case ST_CHUNK_DATA_END:
        if (!end)
            return HCSMS_ERR_HTTP_CHUNK;
        r->state = ST_CHUNK_SIZE;
        r->line_len = 0;
        r->number = 0;
        r->chunk_digits = 0;
        r->value_done = 0;
        return 0;
    default:
        return HCSMS_ERR_INVALID_ARGUMENT;
    }
}

/* How many of len bytes the current line may still take in one step: the
 * byte that would pass the line or header limit is left to head_byte(),
 * which names the error. */
static size_t head_room(const hcsms_http_response *r, size_t len)
{
    size_t allowed;

    if (r->line_len >= HCSMS_HTTP_LINE_MAX || r->header_bytes >= HCSMS_HTTP_HEADER_BYTES_MAX)
        return 0;
    allowed = HCSMS_HTTP_LINE_MAX - r->line_len;
    if (HCSMS_HTTP_HEADER_BYTES_MAX - r->header_bytes < allowed)
        allowed = HCSMS_HTTP_HEADER_BYTES_MAX - r->header_bytes;
    return len < allowed ? len : allowed;
}

/* The bytes of a field value nobody keeps (or of the reason phrase) that can
 * be taken in one step: field bytes up to the line end, within head_room().
 * Counts them; returns how many. Measured: the
 * byte-by-byte path cost about 65 instructions a byte of such values. */
static size_t skip_field_bytes(hcsms_http_response *r, const unsigned char *data, size_t len)
{
    size_t n = 0;

    len = head_room(r, len);
    while (n < len && is_field_byte(data[n]))
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

    len = head_room(r, len);
    for (; n < len && is_tchar(data[n]); n++) {
        if (r->name_len < sizeof(r->name))
            r->name[r->name_len] = (char)lower(data[n]);
        if (r->name_len <= sizeof(r->name))
            r->name_len++; /* sizeof + 1 marks "longer than any we know" */
    }
    r->line_len += (uint32_t)n;
    r->header_bytes += (uint32_t)n;
    return n;
}

int hcsms_http_response_feed(hcsms_http_response *response,
                             const unsigned char *data, size_t len,
                             size_t *consumed)
{
    hcsms_http_response *r = response;
    size_t i = 0;
    int err;

    if (consumed != NULL)
        *consumed = 0;
    if (r->state == ST_ERROR)
        return r->error;
    if (r->state == ST_DONE)
        return 0;

    while (i < len) {
        if (r->state == ST_BODY_LENGTH || r->state == ST_CHUNK_DATA ||
            r->state == ST_BODY_CLOSE) {
            size_t n = len - i;
            if (r->state != ST_BODY_CLOSE && n > r->remaining)
                n = (size_t)r->remaining;
            if ((err = body_bytes(r, data + i, n)) != 0) {
                if (consumed != NULL)
                    *consumed = i;
                return fail(r, err);
            }
            i += n;
            r->bytes_seen += n;
            if (r->state != ST_BODY_CLOSE) {
                r->remaining -= n;
                if (r->remaining == 0) {
                    r->state = r->state == ST_CHUNK_DATA ? ST_CHUNK_DATA_END : ST_DONE;
                    r->line_len = 0;
                }
            }
        } else {
            if (!r->saw_cr && ((r->state == ST_HEADER_VALUE && r->header == H_OTHER) ||
                               (r->state == ST_REASON && r->value_started) ||
                               r->state == ST_HEADER_NAME)) {
                size_t n = r->state == ST_HEADER_NAME ? take_name_bytes(r, data + i, len - i)
                                                      : skip_field_bytes(r, data + i, len - i);
                if (n > 0) {
                    i += n;
                    r->bytes_seen += n;
                    continue;
                }
            }
            err = head_byte(r, data[i]);
            i++;
            r->bytes_seen++;
            if (err != 0) {
                if (consumed != NULL)
                    *consumed = i; /* up to and including the offending byte */
                return fail(r, err);
            }
        }
        if (r->state == ST_DONE) {
            if (consumed != NULL)
                *consumed = i;
            return 0;
        }
    }
    if (consumed != NULL)
        *consumed = i;
    return HCSMS_HTTP_MORE;
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
