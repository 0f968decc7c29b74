/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parser's limits on what a server controls, every truncation point,
 * and the one empty line allowed before a status line (RFC 9112 2.2).
 */
#include "http_run.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limits),
        cmocka_unit_test(many_small_chunks_are_not_header_bytes),
        cmocka_unit_test(every_truncation_point_is_an_error),
        cmocka_unit_test(one_empty_line_before_the_status_line_ignored),
        cmocka_unit_test(second_empty_line_before_the_status_line_refused),
        cmocka_unit_test(not_quite_an_empty_line_refused),
        cmocka_unit_test(empty_line_then_close),
        cmocka_unit_test(empty_line_counts_against_the_head_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
