/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The headers a caller keeps (hcsms_http_keep), set up as the sms layer
 * sets them up: X-Request-Id (the first), Retry-After (the last),
 * X-Subject-Token (a 16 KB line); what is cut and flagged; and the answer
 * to CONNECT, which ends at its headers.
 */
#include "http_run.h"

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

/* The entries themselves, apart from how the sms layer sets them up: a
 * size-0 entry only counts, a name listed twice goes to the first entry,
 * framing headers stay the parser's, a second list replaces the first. */
static void keep_entries_in_general(void **state)
{
    static const char text[] = "HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nX-B:  \r\n"
                               "Content-Length: 0\r\nX-C: three\r\n\r\n";
    hcsms_http_response r;
    char a[8], a_again[8], length[8], c[8];
    hcsms_http_keep keep[5];
    size_t used;
    (void)state;

    memset(keep, 0, sizeof(keep));
    keep[0] = (hcsms_http_keep){&keep[1], "x-a", a, sizeof(a), 0, 0, 0, 0, 0};
    keep[1] = (hcsms_http_keep){&keep[2], "x-a", a_again, sizeof(a_again), 0, 0, 0, 0, 0};
    keep[2] = (hcsms_http_keep){&keep[3], "x-b", NULL, 0, 0, 0, 0, 0, 0};
    keep[3] = (hcsms_http_keep){&keep[4], "content-length", length, sizeof(length), 0, 0, 0, 0, 0};
    keep[4] = (hcsms_http_keep){NULL, "x-c", NULL, 0, 0, 0, 0, 0, 0};
    hcsms_http_response_init(&r, NULL, 0);
    hcsms_http_response_keep(&r, keep);
    assert_int_equal(hcsms_http_response_feed(&r, (const unsigned char *)text, sizeof(text) - 1,
                                              &used), 0);
    assert_string_equal(a, "1"); /* the first one */
    assert_int_equal(keep[0].seen, 2);
    assert_int_equal(keep[1].seen, 0);
    assert_string_equal(a_again, "");
    assert_int_equal(keep[2].seen, 1); /* empty: counted, nothing cut */
    assert_false(keep[2].truncated);
    assert_int_equal(keep[3].seen, 0);
    assert_string_equal(length, "");
    assert_int_equal(r.content_length, 0);
    assert_int_equal(keep[4].seen, 1); /* a value and no buffer: flagged */
    assert_true(keep[4].truncated);

    /* A new list replaces the old one, and starts empty. */
    keep[4] = (hcsms_http_keep){NULL, "x-c", c, sizeof(c), 0, 0, 9, 1, 7};
    hcsms_http_response_init(&r, NULL, 0);
    hcsms_http_response_keep(&r, &keep[4]);
    assert_int_equal(keep[4].seen, 0);
    assert_false(keep[4].truncated);
    assert_int_equal(keep[4].len, 0);
    assert_int_equal(hcsms_http_response_feed(&r, (const unsigned char *)text, sizeof(text) - 1,
                                              &used), 0);
    assert_string_equal(c, "three");
    assert_int_equal(keep[4].len, 5);
    assert_int_equal(keep[0].seen, 2); /* the old entries are left alone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_id_cut_and_cleaned),
        cmocka_unit_test(request_id_terminated_when_cut_mid_value),
        cmocka_unit_test(retry_after_kept),
        cmocka_unit_test(long_body_kept_prefix_and_drained),
        cmocka_unit_test(long_unknown_header_line_is_fine),
        cmocka_unit_test(subject_token_16384_bytes),
        cmocka_unit_test(subject_token_line_limits),
        cmocka_unit_test(subject_token_twice_or_missing),
        cmocka_unit_test(connect_answers_end_at_their_headers),
        cmocka_unit_test(keep_entries_in_general),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
