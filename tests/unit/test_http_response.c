/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The incremental response parser, fed each response whole, one byte at a
 * time, and in random slices (http_run.h): the framings it accepts, and
 * every malformed input its named error.
 */
#include "http_run.h"

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

/* ---- Whole lines (response_line.c) against one byte at a time ----------- */

/* Header values are checked a machine word at a time when a line arrives
 * whole: one odd byte at every position of the words of a kept and of a
 * skipped value, each answer compared with the byte-at-a-time path (by
 * run_all(): rc, consumed, the kept value) and with every cut in two. */
static void odd_value_bytes_at_every_word_position(void **state)
{
    static const unsigned char odd[] = {'\t', ' ', 0x80, 0xff, 0x7f, 0x01, 0x1f, '\r', 0};
    static const char *const names[] = {"X-Request-Id", "Server"};
    const int expect[] = {0, 0, 0, 0, HCSMS_ERR_HTTP_HEADER, HCSMS_ERR_HTTP_HEADER,
                          HCSMS_ERR_HTTP_HEADER, HCSMS_ERR_HTTP_HEADER, HCSMS_ERR_HTTP_HEADER};
    unsigned b, name, pos;
    (void)state;

    for (name = 0; name < 2; name++) {
        for (b = 0; b < sizeof(odd); b++) {
            for (pos = 0; pos < 18; pos++) {
                char value[19], text[160];
                struct outcome out;
                size_t len;

                memset(value, 'a', 18);
                value[18] = '\0';
                value[pos] = (char)odd[b];
                len = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\n%s: ", names[name]);
                memcpy(text + len, value, 18); /* odd may be NUL */
                len += 18;
                len += (size_t)snprintf(text + len, sizeof(text) - len,
                                        "\r\nContent-Length: 2\r\n\r\n{}");
                run_all(text, len, 0, &out);
                if (out.rc != expect[b])
                    fail_msg("byte 0x%02x at %u of %s: got %d, expected %d", odd[b], pos,
                             names[name], out.rc, expect[b]);
            }
        }
    }
}

/* A name longer than r->name, names of every length around the framing
 * headers' and the kept ones', case folded, and a header line taking all
 * of the room the limits leave: each agrees with the byte-at-a-time path. */
static void names_and_room_agree_with_the_slow_path(void **state)
{
    static const char *const heads[] = {
        "X-A-Header-Name-Longer-Than-Any-We-Know: 1\r\n",
        "CONTENT-LENGTH: 2\r\nContent-Lengt: x\r\nContent-Lengths: y\r\n",
        "Transfer-Encodin: a\r\nCONNECTION: Keep-Alive, Close\r\nConnectio: z\r\n",
        "x-request-i: no\r\nX-REQUEST-ID: yes\r\nretry-after: 5\r\n",
        "X_Request^Id: no\r\nContent-Length: 2\r\n",
    };
    unsigned i;
    (void)state;

    for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        char text[300];
        struct outcome out;

        snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\n%sContent-Length: 2\r\n\r\n{}", heads[i]);
        RUN(text, 0, &out);
        assert_int_equal(out.rc, 0);
        run_cut_everywhere(text, 0, &out);
        if (i == 3) {
            assert_string_equal(out.request_id, "yes");
            assert_string_equal(out.retry_after, "5");
        }
        if (i == 2)
            assert_false(out.r.keep_alive);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test(bad_status_lines),
        cmocka_unit_test(bad_headers),
        cmocka_unit_test(bad_content_length),
        cmocka_unit_test(bad_framing),
        cmocka_unit_test(bad_chunks),
        cmocka_unit_test(truncated_responses),
        cmocka_unit_test(odd_value_bytes_at_every_word_position),
        cmocka_unit_test(names_and_room_agree_with_the_slow_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
