/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The response parser's test harness, shared by the test_http_*.c files:
 * each response fed whole, one byte at a time and in random slices (every
 * way of cutting the bytes must give the same answer), or cut in two at
 * every position.
 */
#ifndef HCSMS_TEST_HTTP_RUN_H
#define HCSMS_TEST_HTTP_RUN_H

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

/* Not every file uses every helper. */
#define HELPER static __attribute__((unused))

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
HELPER uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xffffff;
}

HELPER void keep_as_sms_does(struct outcome *out)
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
HELPER void run(const char *input, size_t len, enum split split, int eof, struct outcome *out)
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
HELPER void run_all(const char *input, size_t len, int eof, struct outcome *out)
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

HELPER void expect_error(const char *text, int eof, int error)
{
    struct outcome out;
    RUN(text, eof, &out);
    if (out.rc != error)
        fail_msg("input %.60s...: expected %d (%s), got %d (%s)", text, error,
                 hcsms_strerror(error), out.rc, hcsms_strerror(out.rc));
    /* Errors stick. */
    assert_int_equal(hcsms_http_response_feed(&out.r, (const unsigned char *)"x", 1, NULL), error);
}

/* Feed text in two pieces cut at every position: a list element, its white
 * space or its comma split across reads must give the same answer as the
 * whole (run_all() already covers one byte at a time and random slices). */
HELPER void run_cut_everywhere(const char *text, int eof, const struct outcome *whole)
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

#endif /* HCSMS_TEST_HTTP_RUN_H */
