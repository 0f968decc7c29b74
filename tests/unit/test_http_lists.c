/* SPDX-License-Identifier: Apache-2.0 */
/*
 * List-valued framing headers (Transfer-Encoding, Connection) by the RFC
 * 9110 5.6.1 grammar, each input also cut in two at every position.
 */
#include "http_run.h"

/* ---- List-valued headers: RFC 9110 5.6.1 -------------------------------- */

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(te_list_elements_are_tokens),
        cmocka_unit_test(te_elements_without_commas_refused),
        cmocka_unit_test(te_space_separated_desync_refused),
        cmocka_unit_test(connection_list_malformed_is_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
