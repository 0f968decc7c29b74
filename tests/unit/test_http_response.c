/*
 * The incremental response parser, fed each response whole, one byte at a
 * time, and in random slices: every way of cutting the bytes must give the
 * same answer, and every malformed or overflowing input its named error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/http/http.h"
#include "hcsms.h"

enum split { WHOLE, BYTES, RANDOM };

struct outcome {
    int rc;
    size_t consumed; /* bytes of the input that belonged to the response */
    hcsms_http_response r;
    char request_id[16];
    unsigned char body[32];
    char subject[HCSMS_TOKEN_MAX + 2];
    char retry_after[32];
    /* X-Request-Id, Retry-After and X-Subject-Token, kept as the sms layer
     * keeps them (src/sms/exchange.c, src/sms/iam.c). */
    hcsms_http_keep keep[3];
};

/* For the next runs: keep X-Subject-Token in subject_size bytes (0: not
 * asked for), and parse as the answer to CONNECT. */
static size_t subject_size;
static int tunnel;

static uint32_t lcg_state;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xffffff;
}

static void keep_as_sms_does(struct outcome *out)
{
    out->keep[0].next = &out->keep[1];
    out->keep[0].name = "x-request-id";
    out->keep[0].value = out->request_id;
    out->keep[0].size = sizeof(out->request_id);
    out->keep[1].next = subject_size > 0 ? &out->keep[2] : NULL;
    out->keep[1].name = "retry-after";
    out->keep[1].value = out->retry_after;
    out->keep[1].size = sizeof(out->retry_after);
    out->keep[1].replace = 1;
    out->keep[2].name = "x-subject-token";
    out->keep[2].value = out->subject;
    out->keep[2].size = subject_size;
    out->keep[2].line_max = HCSMS_TOKEN_MAX + 64;
    hcsms_http_response_keep(&out->r, out->keep);
}

/* Feed input cut as asked; at the end of the input, signal EOF if eof. */
static void run(const char *input, size_t len, enum split split, int eof, struct outcome *out)
{
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    hcsms_http_response_init(&out->r, out->body, sizeof(out->body));
    keep_as_sms_does(out);
    if (tunnel)
        hcsms_http_response_expect_tunnel(&out->r);
    out->rc = HCSMS_HTTP_MORE;
    while (pos < len) {
        size_t n = len - pos, used = 0;
        if (split == BYTES)
            n = 1;
        else if (split == RANDOM)
            n = 1 + lcg() % (n < 40 ? n : 40);
        out->rc = hcsms_http_response_feed(&out->r, (const unsigned char *)input + pos, n, &used);
        assert_true(used <= n);
        pos += used;
        if (out->rc != HCSMS_HTTP_MORE)
            break;
        assert_int_equal(used, n);
    }
    out->consumed = pos;
    if (out->rc == HCSMS_HTTP_MORE && eof)
        out->rc = hcsms_http_response_eof(&out->r);
}

/* Run all three splits (random with several seeds) and check they agree. */
static void run_all(const char *input, size_t len, int eof, struct outcome *out)
{
    struct outcome other;
    int seed;

    run(input, len, WHOLE, eof, out);
    run(input, len, BYTES, eof, &other);
    assert_int_equal(other.rc, out->rc);
    assert_int_equal(other.r.status, out->r.status);
    assert_int_equal(other.consumed, out->consumed);
    assert_int_equal(other.r.body_bytes, out->r.body_bytes);
    assert_int_equal(other.r.keep_alive, out->r.keep_alive);
    assert_string_equal(other.request_id, out->request_id);
    assert_string_equal(other.subject, out->subject);
    assert_int_equal(other.keep[2].truncated, out->keep[2].truncated);
    for (seed = 1; seed <= 20; seed++) {
        lcg_state = (uint32_t)seed;
        run(input, len, RANDOM, eof, &other);
        assert_int_equal(other.rc, out->rc);
        assert_int_equal(other.r.status, out->r.status);
        assert_int_equal(other.consumed, out->consumed);
        assert_int_equal(other.r.body_kept, out->r.body_kept);
        assert_memory_equal(other.body, out->body, out->r.body_kept);
        assert_string_equal(other.request_id, out->request_id);
    }
}

#define RUN(text, eof, out) run_all((text), strlen(text), (eof), (out))

static void expect_error(const char *text, int eof, int error)
{
    struct outcome out;
    RUN(text, eof, &out);
    if (out.rc != error)
        fail_msg("input %.60s...: expected %d (%s), got %d (%s)", text, error,
                 hcsms_strerror(error), out.rc, hcsms_strerror(out.rc));
    /* Errors stick. */
    assert_int_equal(hcsms_http_response_feed(&out.r, (const unsigned char *)"x", 1, NULL), error);
}

/* ---- Successful framings ------------------------------------------------ */

static void content_length_body(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: abc123\r\n"
        "Content-Length: 2\r\n\r\n{}", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.status, 200);
    assert_int_equal(out.r.http_minor, 1);
    assert_true(out.r.keep_alive);
    assert_true(out.r.has_content_length);
    assert_int_equal(out.r.body_bytes, 2);
    assert_memory_equal(out.body, "{}", 2);
    assert_string_equal(out.request_id, "abc123");
}

static void header_names_are_case_insensitive(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 403 Forbidden\r\nx-REQUEST-id:   r-1  \r\ncOnTeNt-LeNgTh:3\r\n"
        "CONNECTION: Keep-Alive\r\n\r\nabc", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.status, 403);
    assert_string_equal(out.request_id, "r-1");
    assert_int_equal(out.r.body_bytes, 3);
    assert_true(out.r.keep_alive);
}

static void chunked_with_extensions_and_trailers(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "1;ext=1\r\n{\r\n"
        "A ; name=\"quoted\"\r\n0123456789\r\n"
        "1\r\n}\r\n"
        "0\r\nX-Trailer: yes\r\nOther: 1\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_true(out.r.chunked);
    assert_true(out.r.keep_alive);
    assert_int_equal(out.r.body_bytes, 12);
    assert_memory_equal(out.body, "{0123456789}", 12);
}

static void chunked_upper_case_and_bare_lf(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 200 OK\nTransfer-Encoding: gzip, CHUNKED\n\nf\nabcdefghijklmno\n0\n\n", 0, &out);
    /* gzip before chunked: framed by chunked (the body is not ours to decode) */
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.body_bytes, 15);
}

static void close_delimited(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"a\":1}", 1, &out);
    assert_int_equal(out.rc, 0);
    assert_false(out.r.keep_alive);
    assert_int_equal(out.r.body_bytes, 7);
    /* Without EOF it is still waiting. */
    RUN("HTTP/1.1 200 OK\r\n\r\n{}", 0, &out);
    assert_int_equal(out.rc, HCSMS_HTTP_MORE);
}

static void http10_never_kept_alive(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.http_minor, 0);
    assert_false(out.r.keep_alive);
}

static void connection_close_list(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 200 OK\r\nConnection: upgrade,  Close\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_false(out.r.keep_alive);
}

static void interim_responses_skipped(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 100 Continue\r\nX-Request-Id: early\r\n\r\n"
        "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        "HTTP/1.1 200 OK\r\nX-Request-Id: final\r\nContent-Length: 2\r\n\r\n{}", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.status, 200);
    assert_string_equal(out.request_id, "final");
}

static void no_body_statuses(void **state)
{
    struct outcome out;
    (void)state;
    /* 204 and 304 end at the blank line, whatever the headers say. */
    RUN("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.body_bytes, 0);
    RUN("HTTP/1.1 304 Not Modified\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    RUN("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
}

static void empty_reason_phrase(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    RUN("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
}

static void bytes_after_the_response_are_not_consumed(void **state)
{
    static const char text[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n";
    struct outcome out;
    (void)state;
    run(text, sizeof(text) - 1, WHOLE, 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.consumed, sizeof(text) - 1 - strlen("HTTP/1.1 200 OK\r\n"));
    /* Once complete, more bytes are not taken. */
    assert_int_equal(hcsms_http_response_feed(&out.r, (const unsigned char *)"x", 1, NULL), 0);
}

static void identical_duplicate_content_length(void **state)
{
    struct outcome out;
    (void)state;
    RUN("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 0, &out);
    assert_int_equal(out.rc, 0);
}

/* ---- What is kept, and cut ---------------------------------------------- */

static void request_id_cut_and_cleaned(void **state)
{
    struct outcome out;
    (void)state;
    /* out.request_id holds 15 characters. */
    RUN("HTTP/1.1 200 OK\r\nX-Request-Id: 0123456789abcdefXYZ\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_string_equal(out.request_id, "0123456789abcde");
    assert_true(out.keep[0].truncated);
    /* Kept raw (the sms layer makes it printable); the first one counts. */
    RUN("HTTP/1.1 200 OK\r\nX-Request-Id: a\x80" "b\r\nX-Request-Id: second\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_string_equal(out.request_id, "a\x80" "b");
    assert_false(out.keep[0].truncated);
    assert_int_equal(out.keep[0].seen, 2);
    /* White space that does not fit is not a cut: the trim removes it. */
    RUN("HTTP/1.1 200 OK\r\nX-Request-Id: 0123456789abcd         \r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_string_equal(out.request_id, "0123456789abcd");
    assert_false(out.keep[0].truncated);
    RUN("HTTP/1.1 200 OK\r\nX-Request-Id: 0123456789abcd  x\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_true(out.keep[0].truncated);
}

/* Regression (fuzz_response): a response that ends inside the X-Request-Id
 * line left the id without its NUL; callers print it on failures. */
static void request_id_terminated_when_cut_mid_value(void **state)
{
    static const char text[] = "HTTP/1.1 403 Forbidden\r\nX-Request-Id: r.9004\",\"e";
    hcsms_http_response r;
    char id[32];
    hcsms_http_keep keep = {NULL, "x-request-id", NULL, sizeof(id), 0, 0, 0, 0, 0};
    size_t used;
    (void)state;
    memset(id, 'x', sizeof(id)); /* as uninitialised memory might be */
    keep.value = id;
    hcsms_http_response_init(&r, NULL, 0);
    hcsms_http_response_keep(&r, &keep);
    assert_int_equal(hcsms_http_response_feed(&r, (const unsigned char *)text, sizeof(text) - 1, &used),
                     HCSMS_HTTP_MORE);
    assert_int_equal(hcsms_http_response_eof(&r), HCSMS_ERR_HTTP_TRUNCATED);
    assert_string_equal(id, "r.9004\",\"e");
}

static void retry_after_kept(void **state)
{
    struct outcome out;
    static char text[256];
    (void)state;
    RUN("HTTP/1.1 429 Too Many\r\nRetry-After:  120  \r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_string_equal(out.retry_after, "120");
    /* the last one counts; an HTTP date is kept whole */
    RUN("HTTP/1.1 503 x\r\nRetry-After: 5\r\nretry-after: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
        "Content-Length: 0\r\n\r\n", 0, &out);
    assert_string_equal(out.retry_after, "Sun, 06 Nov 1994 08:49:37 GMT");
    /* too long to be either form: flagged (the sms layer drops it, not cut) */
    snprintf(text, sizeof(text), "HTTP/1.1 503 x\r\nRetry-After: %s\r\nContent-Length: 0\r\n\r\n",
             "Sunday, 06-November-1994 08:49:37 GMT");
    RUN(text, 0, &out);
    assert_true(out.keep[1].truncated);
    /* ...and the last one counts for it too */
    RUN("HTTP/1.1 503 x\r\nRetry-After: Sunday, 06-November-1994 08:49:37 GMT\r\n"
        "Retry-After: 7\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_false(out.keep[1].truncated);
    assert_string_equal(out.retry_after, "7");
    assert_int_equal(out.keep[1].seen, 2);
    /* a 1xx's Retry-After does not carry over */
    RUN("HTTP/1.1 100 Continue\r\nRetry-After: 9\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0,
        &out);
    assert_string_equal(out.retry_after, "");
}

static void long_body_kept_prefix_and_drained(void **state)
{
    char text[256];
    struct outcome out;
    int i;
    (void)state;
    i = snprintf(text, sizeof(text), "HTTP/1.1 500 Oops\r\nContent-Length: 100\r\n\r\n");
    for (; i < (int)sizeof(text) - 1; i++)
        text[i] = (char)('a' + i % 26);
    text[i] = '\0';
    run_all(text, strlen(text), 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.body_bytes, 100);
    assert_int_equal(out.r.body_kept, sizeof(out.body));
    assert_true(out.r.body_truncated);
}

static void long_unknown_header_line_is_fine(void **state)
{
    static char text[HCSMS_HTTP_LINE_MAX + 128];
    struct outcome out;
    size_t n;
    (void)state;
    n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nSet-Cookie: ");
    memset(text + n, 'c', HCSMS_HTTP_LINE_MAX - 14);
    n += HCSMS_HTTP_LINE_MAX - 14;
    strcpy(text + n, "\r\nContent-Length: 0\r\n\r\n");
    run(text, strlen(text), WHOLE, 0, &out);
    assert_int_equal(out.rc, 0);
    run(text, strlen(text), BYTES, 0, &out);
    assert_int_equal(out.rc, 0);
}

/* ---- Errors, each with its name ----------------------------------------- */

static void bad_status_lines(void **state)
{
    (void)state;
    expect_error("HTTP/2 200 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.2 200 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 2000 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 20 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 099 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 600 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 2x0 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("http/1.1 200 OK\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("SSH-2.0-OpenSSH_9.2\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 200 O\x01K\r\n\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 200 OK\rX", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, HCSMS_ERR_HTTP_UNEXPECTED);
}

static void bad_headers(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", 0, HCSMS_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nName : v\r\n\r\n", 0, HCSMS_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\n: v\r\n\r\n", 0, HCSMS_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", 0, HCSMS_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", 0, HCSMS_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", 0, HCSMS_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nA: b\r\n\r\r", 0, HCSMS_ERR_HTTP_HEADER);
}

static void bad_content_length(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", 0, HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", 0, HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", 0, HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n", 0, HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 0,
                 HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0,
                 HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n", 0,
                 HCSMS_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n", 0,
                 HCSMS_ERR_HTTP_BODY_TOO_LARGE);
}

static void bad_framing(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", 0,
                 HCSMS_ERR_HTTP_FRAMING);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
                 HCSMS_ERR_HTTP_FRAMING);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, HCSMS_ERR_HTTP_FRAMING);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 0, HCSMS_ERR_HTTP_FRAMING);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
                 HCSMS_ERR_HTTP_FRAMING);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", 0, HCSMS_ERR_HTTP_FRAMING);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunkedx\r\n\r\n", 0, HCSMS_ERR_HTTP_FRAMING);
}

/* ---- List-valued headers: RFC 9110 5.6.1 -------------------------------- */

/* Feed text in two pieces cut at every position: a list element, its white
 * space or its comma split across reads must give the same answer as the
 * whole (run_all() already covers one byte at a time and random slices). */
static void run_cut_everywhere(const char *text, int eof, const struct outcome *whole)
{
    size_t len = strlen(text), cut;

    for (cut = 1; cut < len; cut++) {
        hcsms_http_response r;
        size_t used = 0, pos;
        int rc;

        hcsms_http_response_init(&r, NULL, 0);
        rc = hcsms_http_response_feed(&r, (const unsigned char *)text, cut, &used);
        pos = used;
        if (rc == HCSMS_HTTP_MORE) {
            assert_int_equal(used, cut);
            rc = hcsms_http_response_feed(&r, (const unsigned char *)text + cut, len - cut, &used);
            pos += used;
        }
        if (rc == HCSMS_HTTP_MORE && eof)
            rc = hcsms_http_response_eof(&r);
        if (rc != whole->rc)
            fail_msg("input %.60s... cut at %zu: got %d (%s), whole gave %d (%s)", text, cut,
                     rc, hcsms_strerror(rc), whole->rc, hcsms_strerror(whole->rc));
        assert_int_equal(pos, whole->consumed);
        assert_int_equal(r.keep_alive, whole->r.keep_alive);
        assert_int_equal(r.chunked, whole->r.chunked);
    }
}

#define TE_HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding:"
#define TE_BODY "\r\n\r\n5\r\nhello\r\n0\r\n\r\n"

/* "Transfer-Encoding:<value>" then a chunked body of "hello". */
static void expect_te(const char *value, int error)
{
    char text[256];
    struct outcome out;

    snprintf(text, sizeof(text), "%s%s%s", TE_HEAD, value, TE_BODY);
    RUN(text, 0, &out);
    if (out.rc != error)
        fail_msg("Transfer-Encoding:%s: expected %d (%s), got %d (%s)", value, error,
                 hcsms_strerror(error), out.rc, hcsms_strerror(out.rc));
    if (error == 0) {
        assert_true(out.r.chunked);
        assert_int_equal(out.r.body_bytes, 5);
        assert_memory_equal(out.body, "hello", 5);
        assert_int_equal(out.consumed, strlen(text));
    }
    run_cut_everywhere(text, 0, &out);
}

static void te_list_elements_are_tokens(void **state)
{
    (void)state;
    /* White space, commas and empty elements as RFC 9110 5.6.1 allows. */
    expect_te(" chunked", 0);
    expect_te("chunked", 0);
    expect_te(" chunked ", 0);
    expect_te("\tchunked\t", 0);
    expect_te(" CHUNKED", 0);
    expect_te(" ChUnKeD", 0);
    expect_te(" gzip,chunked", 0);
    expect_te(" gzip , chunked", 0);
    expect_te(" gzip\t,\tchunked", 0);
    expect_te(" ,chunked", 0);
    expect_te(",chunked", 0);
    expect_te(" gzip,,chunked", 0);
    expect_te(" gzip, ,chunked", 0);
    expect_te(" chunked,", 0);
    expect_te(" chunked , ,", 0);
    expect_te(" x-custom!#$%&'*+-.^_`|~, chunked", 0);
    /* The existing rules hold: chunked last, once, and nothing else frames. */
    expect_te(" gzip", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" chunked, gzip", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" chunked, chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" ,", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" ", HCSMS_ERR_HTTP_FRAMING);
}

static void te_elements_without_commas_refused(void **state)
{
    (void)state;
    /* White space between two tokens is not a separator: llhttp reads these
     * as not ending in chunked (so the body runs to the close); taking them
     * as chunked would split one response in two. */
    expect_te(" gzip chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" x chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" chun ked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" gzip\tchunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te("\tx\tchunked\t", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" gzip, x chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" chunked chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" gzip  \t chunked", HCSMS_ERR_HTTP_FRAMING);
    /* Transfer-coding parameters are not accepted at all. */
    expect_te(" gzip;q=1 chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" gzip;q=1, chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" gzip ;q=1, chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" chunked;x=1", HCSMS_ERR_HTTP_FRAMING);
    /* Bytes that are field bytes but not token characters. */
    expect_te(" \"chunked\"", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" gzip/chunked", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" chunked\x80", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" chunked=", HCSMS_ERR_HTTP_FRAMING);
    expect_te(" (gzip), chunked", HCSMS_ERR_HTTP_FRAMING);
    /* A control byte is not a field byte: refused as a malformed header
     * before the list grammar sees it, as in any other header. */
    expect_te(" chunked\x01", HCSMS_ERR_HTTP_HEADER);
    expect_te(" chun\x01ked", HCSMS_ERR_HTTP_HEADER);
}

/* The input the differential fuzzer found against llhttp: one response to
 * llhttp (a body read to the close), two to a parser that took "gzip
 * chunked" as ending in chunked. It must be neither: a framing error. */
static void te_space_separated_desync_refused(void **state)
{
    static const char text[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip chunked\r\n\r\n"
                               "0\r\n\r\n"
                               "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!";
    struct outcome out;

    (void)state;
    RUN(text, 0, &out);
    assert_int_equal(out.rc, HCSMS_ERR_HTTP_FRAMING);
    /* Refused inside the Transfer-Encoding line, not after a "complete"
     * response that leaves the rest for the next request. */
    assert_true(out.consumed <= strlen("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip chunked\r\n"));
    assert_false(out.r.chunked);
    run_cut_everywhere(text, 0, &out);
    run_cut_everywhere(text, 1, &out);
    RUN(text, 1, &out);
    assert_int_equal(out.rc, HCSMS_ERR_HTTP_FRAMING);
}

/* "HTTP/1.1 200 OK\r\nConnection:<value>\r\nContent-Length: 2\r\n\r\n{}". */
static void expect_connection(const char *value, int keep_alive)
{
    char text[256];
    struct outcome out;

    snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nConnection:%s\r\nContent-Length: 2\r\n\r\n{}",
             value);
    RUN(text, 0, &out);
    if (out.rc != 0 || out.r.keep_alive != keep_alive)
        fail_msg("Connection:%s: expected rc 0 keep_alive %d, got rc %d (%s) keep_alive %d",
                 value, keep_alive, out.rc, hcsms_strerror(out.rc), out.r.keep_alive);
    assert_int_equal(out.r.body_bytes, 2);
    run_cut_everywhere(text, 0, &out);
}

static void connection_list_malformed_is_close(void **state)
{
    (void)state;
    expect_connection(" keep-alive", 1);
    expect_connection(" Keep-Alive , TE,,", 1);
    expect_connection(" ,", 1);
    expect_connection("", 1);
    expect_connection(" close", 0);
    expect_connection(" TE, close", 0);
    expect_connection("\tclose\t", 0);
    expect_connection(" keep-alive,close", 0);
    /* Malformed lists: never read as keep-alive, so the connection closes
     * after this response (its framing comes from other headers). */
    expect_connection(" keep-alive close", 0);
    expect_connection(" keep alive", 0);
    expect_connection(" keep-alive;x=1", 0);
    expect_connection(" \"keep-alive\"", 0);
    expect_connection(" keep-alive/1", 0);
    expect_connection(" keep-alive\x80", 0);
}

static void bad_chunks(void **state)
{
    (void)state;
#define CH "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    expect_error(CH "zz\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH ";ext\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "-1\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "0x1\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "1 2\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "2\r\n{}XX", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "2\r\n{}\r\n0\r\nbad trailer\r\n\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "2\r\n{}\r\n0\r\n folded: x\r\n\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
    expect_error(CH "123456789\r\n", 0, HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG);
    expect_error(CH "ffffffff\r\n", 0, HCSMS_ERR_HTTP_BODY_TOO_LARGE);
    expect_error(CH "1;a=\x01\r\n", 0, HCSMS_ERR_HTTP_CHUNK);
#undef CH
}

static void truncated_responses(void **state)
{
    (void)state;
    expect_error("", 1, HCSMS_ERR_CLOSED);
    expect_error("HTTP/1.1 20", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("HTTP/1.1 200 OK\r\n", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n", 1,
                 HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n", 1,
                 HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("HTTP/1.1 100 Continue\r\n\r\n", 1, HCSMS_ERR_HTTP_TRUNCATED);
}

static void limits(void **state)
{
    static char text[HCSMS_HTTP_HEADER_BYTES_MAX * 2];
    size_t n;
    int i;
    (void)state;

    /* One line one byte over the limit. */
    n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nX-Big: ");
    memset(text + n, 'x', HCSMS_HTTP_LINE_MAX);
    strcpy(text + n + HCSMS_HTTP_LINE_MAX, "\r\n\r\n");
    expect_error(text, 0, HCSMS_ERR_HTTP_LINE_TOO_LONG);

    /* A status line that never ends. */
    n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 ");
    memset(text + n, 'r', HCSMS_HTTP_LINE_MAX);
    text[n + HCSMS_HTTP_LINE_MAX] = '\0';
    expect_error(text, 0, HCSMS_ERR_HTTP_LINE_TOO_LONG);

    /* Too many headers. */
    n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\n");
    for (i = 0; i <= HCSMS_HTTP_HEADERS_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "A: b\r\n");
    strcpy(text + n, "\r\n");
    expect_error(text, 0, HCSMS_ERR_HTTP_TOO_MANY_HEADERS);

    /* Too many header bytes in lines each under the line limit. */
    n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\n");
    for (i = 0; i < 12; i++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "X-%d: ", i);
        memset(text + n, 'v', 3000);
        n += 3000;
        n += (size_t)snprintf(text + n, sizeof(text) - n, "\r\n");
    }
    strcpy(text + n, "\r\n");
    expect_error(text, 0, HCSMS_ERR_HTTP_HEADERS_TOO_LARGE);

    /* A flood of 1xx answers. */
    n = 0;
    for (i = 0; i <= HCSMS_HTTP_INTERIM_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "HTTP/1.1 100 Continue\r\n\r\n");
    strcpy(text + n, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    expect_error(text, 0, HCSMS_ERR_HTTP_TOO_MANY_INTERIM);

    /* A chunk-size line full of extension bytes. */
    n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;");
    memset(text + n, 'e', HCSMS_HTTP_LINE_MAX);
    strcpy(text + n + HCSMS_HTTP_LINE_MAX, "\r\n");
    expect_error(text, 0, HCSMS_ERR_HTTP_LINE_TOO_LONG);

    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 16777217\r\n\r\n", 0, HCSMS_ERR_HTTP_BODY_TOO_LARGE);
}

static void many_small_chunks_are_not_header_bytes(void **state)
{
    /* Chunk framing must not count against the header limits. */
    static char text[HCSMS_HTTP_HEADER_BYTES_MAX * 8];
    struct outcome out;
    size_t n;
    int i;
    (void)state;
    n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (i = 0; i < 20000; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "1\r\nx\r\n");
    snprintf(text + n, sizeof(text) - n, "0\r\n\r\n");
    run(text, strlen(text), WHOLE, 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.body_bytes, 20000);
}

/* Every prefix of a valid response, closed early, is an error (not a success):
 * except for a close-delimited body, which ends exactly at the close. */
static void every_truncation_point_is_an_error(void **state)
{
    static const char *const responses[] = {
        "HTTP/1.1 200 OK\r\nX-Request-Id: r\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\n{}\r\n0\r\nT: v\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    };
    size_t r, cut;
    (void)state;
    for (r = 0; r < sizeof(responses) / sizeof(responses[0]); r++) {
        size_t len = strlen(responses[r]);
        for (cut = 0; cut < len; cut++) {
            struct outcome out;
            run(responses[r], cut, WHOLE, 1, &out);
            assert_true(out.rc < 0);
        }
    }
}


/* ---- An empty line before the status line (RFC 9112 2.2) ----------------- */

/* text must give a complete 200 with body "{}" whole, one byte at a time,
 * in random slices and cut in two at every byte. */
static void expect_ok_200(const char *text)
{
    struct outcome out;

    RUN(text, 0, &out);
    if (out.rc != 0)
        fail_msg("input %.60s: expected success, got %d (%s)", text, out.rc,
                 hcsms_strerror(out.rc));
    assert_int_equal(out.r.status, 200);
    assert_int_equal(out.consumed, strlen(text));
    assert_int_equal(out.r.body_bytes, 2);
    assert_memory_equal(out.body, "{}", 2);
    assert_true(out.r.keep_alive);
    run_cut_everywhere(text, 0, &out);
}

/* text must fail with error, at the same byte however it is cut. */
static void expect_error_everywhere(const char *text, int error, size_t consumed)
{
    struct outcome out;

    expect_error(text, 0, error);
    RUN(text, 0, &out);
    assert_int_equal(out.consumed, consumed);
    run_cut_everywhere(text, 0, &out);
}

#define OK_200 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"

static void one_empty_line_before_the_status_line_ignored(void **state)
{
    (void)state;
    expect_ok_200("\r\n" OK_200);
    /* The parser takes a bare LF as a line end everywhere; here too. */
    expect_ok_200("\n" OK_200);
    /* Before the final answer after a 1xx, as before any status line. */
    expect_ok_200("\r\nHTTP/1.1 100 Continue\r\n\r\n\r\n" OK_200);
    /* X-Request-Id and the rest are read as without it. */
    {
        struct outcome out;
        RUN("\r\nHTTP/1.1 403 Forbidden\r\nX-Request-Id: r-9\r\nConnection: close\r\n"
            "Content-Length: 2\r\n\r\n{}", 0, &out);
        assert_int_equal(out.rc, 0);
        assert_int_equal(out.r.status, 403);
        assert_string_equal(out.request_id, "r-9");
        assert_false(out.r.keep_alive);
    }
}

static void second_empty_line_before_the_status_line_refused(void **state)
{
    (void)state;
    /* Refused at the second line's end: one is the bound. */
    expect_error_everywhere("\r\n\r\n" OK_200, HCSMS_ERR_HTTP_STATUS_LINE, 4);
    expect_error_everywhere("\n\n" OK_200, HCSMS_ERR_HTTP_STATUS_LINE, 2);
    expect_error_everywhere("\r\n\n" OK_200, HCSMS_ERR_HTTP_STATUS_LINE, 3);
    expect_error_everywhere("\n\r\n" OK_200, HCSMS_ERR_HTTP_STATUS_LINE, 3);
    /* A server that sends nothing but line ends is refused at once, not
     * read until a limit or the deadline. */
    expect_error_everywhere("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n", HCSMS_ERR_HTTP_STATUS_LINE, 4);
    /* The bound is per status line: after a 1xx, two are still too many. */
    expect_error("HTTP/1.1 100 Continue\r\n\r\n\r\n\r\n" OK_200, 0, HCSMS_ERR_HTTP_STATUS_LINE);
}

static void not_quite_an_empty_line_refused(void **state)
{
    (void)state;
    /* A CR without its LF is not a line end, before the status line too. */
    expect_error_everywhere("\r" OK_200, HCSMS_ERR_HTTP_STATUS_LINE, 2);
    expect_error_everywhere("\r\r\n" OK_200, HCSMS_ERR_HTTP_STATUS_LINE, 2);
    expect_error_everywhere("\r\n\r" OK_200, HCSMS_ERR_HTTP_STATUS_LINE, 4);
    /* White space or anything else is not an empty line, nor is the status
     * line allowed to start with it. */
    expect_error(" \r\n" OK_200, 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("\t\r\n" OK_200, 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error(" " OK_200, 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("\r\n " OK_200, 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("\r\n\t" OK_200, 0, HCSMS_ERR_HTTP_STATUS_LINE);
    {
        static const char nul_line[] = "\0\r\n" OK_200;
        struct outcome out;
        run_all(nul_line, sizeof(nul_line) - 1, 0, &out);
        assert_int_equal(out.rc, HCSMS_ERR_HTTP_STATUS_LINE);
    }
    expect_error("x\r\n" OK_200, 0, HCSMS_ERR_HTTP_STATUS_LINE);
    expect_error("\r\nSSH-2.0-OpenSSH_9.2\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    /* Between the headers and the body nothing changes: an extra empty
     * line there is the body's first bytes, or stale bytes after it. */
    {
        struct outcome out;
        RUN("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n\r\n{}", 0, &out);
        assert_int_equal(out.rc, 0);
        assert_memory_equal(out.body, "\r\n", 2);
    }
}

static void empty_line_then_close(void **state)
{
    (void)state;
    /* Only the ignored line arrived: no byte of a response (a kept-alive
     * connection the server dropped, its last answer's stray CRLF read). */
    expect_error("\r\n", 1, HCSMS_ERR_CLOSED);
    expect_error("\n", 1, HCSMS_ERR_CLOSED);
    /* Anything more is a response cut short. */
    expect_error("\r", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("\r\nH", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("\r\nHTTP/1.1 200 OK\r\n", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("HTTP/1.1 100 Continue\r\n\r\n\r\n", 1, HCSMS_ERR_HTTP_TRUNCATED);
}

/* A 200 whose head (status line to the empty line after the headers) is
 * exactly head_bytes long, after prefix; body "{}". */
static size_t response_with_head_of(char *text, size_t size, const char *prefix,
                                    size_t head_bytes)
{
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n";
    size_t n = (size_t)snprintf(text, size, "%s%s", prefix, first), head = sizeof(first) - 1;

    while (head + 2 < head_bytes) {
        /* "X-F: " value CRLF, each line well under the line limit */
        size_t line = head_bytes - 2 - head, value;
        if (line > 4000)
            line = 4000;
        if (line < 8)
            line = 8; /* the smallest header line; head_bytes is chosen to fit */
        value = line - 7;
        memcpy(text + n, "X-F: ", 5);
        memset(text + n + 5, 'v', value);
        memcpy(text + n + 5 + value, "\r\n", 2);
        n += line;
        head += line;
    }
    assert_int_equal(head + 2, head_bytes);
    n += (size_t)snprintf(text + n, size - n, "\r\n{}");
    assert_true(n < size);
    return n;
}

static void empty_line_counts_against_the_head_limit(void **state)
{
    static char text[HCSMS_HTTP_HEADER_BYTES_MAX + 64];
    struct outcome out;
    size_t len;

    (void)state;
    /* A head of exactly the limit passes; the same after the empty line
     * is two bytes over. */
    len = response_with_head_of(text, sizeof(text), "", HCSMS_HTTP_HEADER_BYTES_MAX);
    run(text, len, WHOLE, 0, &out);
    assert_int_equal(out.rc, 0);
    len = response_with_head_of(text, sizeof(text), "\r\n", HCSMS_HTTP_HEADER_BYTES_MAX);
    run(text, len, WHOLE, 0, &out);
    assert_int_equal(out.rc, HCSMS_ERR_HTTP_HEADERS_TOO_LARGE);
    run(text, len, BYTES, 0, &out);
    assert_int_equal(out.rc, HCSMS_ERR_HTTP_HEADERS_TOO_LARGE);
    /* Two bytes less and it fits again. */
    len = response_with_head_of(text, sizeof(text), "\r\n", HCSMS_HTTP_HEADER_BYTES_MAX - 2);
    run_all(text, len, 0, &out);
    assert_int_equal(out.rc, 0);
    len = response_with_head_of(text, sizeof(text), "\n", HCSMS_HTTP_HEADER_BYTES_MAX - 1);
    run_all(text, len, 0, &out);
    assert_int_equal(out.rc, 0);
}

/* ---- X-Subject-Token (IAM) and CONNECT answers ---------------------------- */

/* "HTTP/1.1 201 Created" with an X-Subject-Token of len bytes and a body. */
static char *iam_answer(size_t token_len, const char *extra_headers, size_t *len)
{
    static const char head[] = "HTTP/1.1 201 Created\r\nX-Subject-Token:  ";
    static const char tail[] = " \r\nContent-Length: 40\r\n\r\n"
                               "{\"token\":{\"expires_at\":\"2026-11-28T00\"}}";
    size_t i, extra = strlen(extra_headers), n = 0;
    char *text = malloc(sizeof(head) + token_len + extra + sizeof(tail));

    assert_non_null(text);
    memcpy(text, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    for (i = 0; i < token_len; i++)
        text[n++] = "MIIabc+/=-_0123456789"[i % 21];
    memcpy(text + n, tail, 3); /* " \r\n" */
    n += 3;
    memcpy(text + n, extra_headers, extra);
    n += extra;
    memcpy(text + n, tail + 3, sizeof(tail) - 3);
    n += sizeof(tail) - 4;
    *len = n;
    return text;
}

static void subject_token_16384_bytes(void **state)
{
    struct outcome out;
    size_t len;
    char *text = iam_answer(HCSMS_TOKEN_MAX, "", &len);

    (void)state;
    subject_size = HCSMS_TOKEN_MAX + 1;
    run_all(text, len, 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.status, 201);
    assert_int_equal(out.keep[2].seen, 1);
    assert_int_equal(out.keep[2].truncated, 0);
    assert_int_equal(out.keep[2].len, HCSMS_TOKEN_MAX);
    assert_int_equal(strlen(out.subject), HCSMS_TOKEN_MAX); /* trimmed both sides */
    assert_memory_equal(out.subject, "MIIabc+/=-", 10);
    assert_int_equal(out.r.body_bytes, 40);
    free(text);

    /* One byte more than the buffer: flagged, never passed off as whole. */
    text = iam_answer(HCSMS_TOKEN_MAX + 1, "", &len);
    run_all(text, len, 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.keep[2].truncated, 1);
    free(text);

    /* A caller's smaller buffer. */
    subject_size = 100;
    text = iam_answer(100, "", &len);
    run_all(text, len, 0, &out);
    assert_int_equal(out.keep[2].truncated, 1);
    free(text);
    text = iam_answer(99, "", &len);
    run_all(text, len, 0, &out);
    assert_int_equal(out.keep[2].truncated, 0);
    assert_int_equal(strlen(out.subject), 99);
    free(text);
    subject_size = 0;
}

static void subject_token_line_limits(void **state)
{
    struct outcome out;
    size_t len;
    char *text;

    (void)state;
    /* Longer than any token: the line itself is refused. */
    subject_size = HCSMS_TOKEN_MAX + 1;
    text = iam_answer(HCSMS_TOKEN_MAX + 100, "", &len);
    run_all(text, len, 0, &out);
    assert_int_equal(out.rc, HCSMS_ERR_HTTP_LINE_TOO_LONG);
    free(text);
    /* Not asked for: the usual line limit holds for it too. */
    subject_size = 0;
    text = iam_answer(HCSMS_HTTP_LINE_MAX, "", &len);
    run_all(text, len, 0, &out);
    assert_int_equal(out.rc, HCSMS_ERR_HTTP_LINE_TOO_LONG);
    free(text);
    /* Other headers keep the usual limit while a token is asked for. */
    subject_size = HCSMS_TOKEN_MAX + 1;
    text = malloc(HCSMS_HTTP_LINE_MAX + 64);
    assert_non_null(text);
    strcpy(text, "HTTP/1.1 201 Created\r\nX-Other: ");
    len = strlen(text);
    memset(text + len, 'a', HCSMS_HTTP_LINE_MAX);
    strcpy(text + len + HCSMS_HTTP_LINE_MAX, "\r\n\r\n");
    run_all(text, strlen(text), 0, &out);
    assert_int_equal(out.rc, HCSMS_ERR_HTTP_LINE_TOO_LONG);
    free(text);
    subject_size = 0;
}

static void subject_token_twice_or_missing(void **state)
{
    struct outcome out;
    size_t len;
    char *text = iam_answer(20, "x-subject-token: MIIsecond\r\n", &len);

    (void)state;
    subject_size = 64;
    run_all(text, len, 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.keep[2].seen, 2);
    assert_memory_equal(out.subject, "MIIabc", 6); /* the first is kept, only counted twice */
    free(text);
    /* White space inside is kept (IAM refuses it: not a token). */
    RUN("HTTP/1.1 201 Created\r\nX-Subject-Token: MII abc\r\nContent-Length: 0\r\n\r\n", 0,
        &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.keep[2].seen, 1);
    assert_string_equal(out.subject, "MII abc");
    RUN("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_int_equal(out.keep[2].seen, 0);
    assert_string_equal(out.subject, "");
    /* A token in a 1xx does not survive into the final answer. */
    RUN("HTTP/1.1 100 Continue\r\nX-Subject-Token: MIIearly\r\n\r\n"
        "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.keep[2].seen, 0);
    assert_string_equal(out.subject, "");
    subject_size = 0;
}

static void connect_answers_end_at_their_headers(void **state)
{
    static const char established[] =
        "HTTP/1.1 200 Connection established\r\nContent-Length: 5\r\n\r\n\x16\x03\x03";
    struct outcome out;

    (void)state;
    tunnel = 1;
    /* The bytes after the empty line are the tunnel's, not a body. */
    RUN(established, 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.status, 200);
    assert_int_equal(out.consumed, strlen(established) - 3);
    RUN("HTTP/1.0 200 OK\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.consumed, 19);
    /* A refusal ends there too: its body is never waited for. */
    RUN("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n"
        "Content-Length: 1000\r\n\r\n<html>", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.status, 407);
    assert_int_equal(out.r.body_bytes, 0);
    RUN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 0, &out);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.r.status, 200);
    expect_error("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", 0, HCSMS_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\n", 1, HCSMS_ERR_HTTP_TRUNCATED);
    expect_error("SSH-2.0-OpenSSH_9.2\r\n", 0, HCSMS_ERR_HTTP_STATUS_LINE);
    tunnel = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_token_16384_bytes),
        cmocka_unit_test(subject_token_line_limits),
        cmocka_unit_test(subject_token_twice_or_missing),
        cmocka_unit_test(connect_answers_end_at_their_headers),
        cmocka_unit_test(content_length_body),
        cmocka_unit_test(header_names_are_case_insensitive),
        cmocka_unit_test(chunked_with_extensions_and_trailers),
        cmocka_unit_test(chunked_upper_case_and_bare_lf),
        cmocka_unit_test(close_delimited),
        cmocka_unit_test(http10_never_kept_alive),
        cmocka_unit_test(connection_close_list),
        cmocka_unit_test(interim_responses_skipped),
        cmocka_unit_test(no_body_statuses),
        cmocka_unit_test(empty_reason_phrase),
        cmocka_unit_test(bytes_after_the_response_are_not_consumed),
        cmocka_unit_test(identical_duplicate_content_length),
        cmocka_unit_test(request_id_cut_and_cleaned),
        cmocka_unit_test(request_id_terminated_when_cut_mid_value),
        cmocka_unit_test(retry_after_kept),
        cmocka_unit_test(long_body_kept_prefix_and_drained),
        cmocka_unit_test(long_unknown_header_line_is_fine),
        cmocka_unit_test(bad_status_lines),
        cmocka_unit_test(one_empty_line_before_the_status_line_ignored),
        cmocka_unit_test(second_empty_line_before_the_status_line_refused),
        cmocka_unit_test(not_quite_an_empty_line_refused),
        cmocka_unit_test(empty_line_then_close),
        cmocka_unit_test(empty_line_counts_against_the_head_limit),
        cmocka_unit_test(bad_headers),
        cmocka_unit_test(bad_content_length),
        cmocka_unit_test(bad_framing),
        cmocka_unit_test(te_list_elements_are_tokens),
        cmocka_unit_test(te_elements_without_commas_refused),
        cmocka_unit_test(te_space_separated_desync_refused),
        cmocka_unit_test(connection_list_malformed_is_close),
        cmocka_unit_test(bad_chunks),
        cmocka_unit_test(truncated_responses),
        cmocka_unit_test(limits),
        cmocka_unit_test(many_small_chunks_are_not_header_bytes),
        cmocka_unit_test(every_truncation_point_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
