/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Requests written through a small buffer, over the plain TCP transport on
 * the scripted fake port: a 16 KB token through 128 bytes, partial sends,
 * send timeouts and failures. (Reading: test_exchange_read.c; the
 * connection, plain and under TLS: test_exchange_connection.c.)
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
#include "exchange_fixture.h"

/* ---- Writing ------------------------------------------------------------ */

static size_t write_request(uint64_t deadline, int *rc)
{
    hcsms_http_writer w;
    hcsms_http_writer_init(&w, &tcp, io, sizeof(io), deadline);
    hcsms_http_write_string(&w, "POST /v3/tasks/x/unlock HTTP/1.1\r\n");
    hcsms_auth_write_token_header(&w, token, sizeof(token) - 1);
    hcsms_http_write_string(&w, "\r\n");
    *rc = hcsms_http_writer_flush(&w);
    return (size_t)w.bytes_sent;
}

static void check_sent_request(void)
{
    const char *head = "POST /v3/tasks/x/unlock HTTP/1.1\r\nX-Auth-Token: ";
    size_t h = strlen(head);
    assert_int_equal(fake.sent_len, h + sizeof(token) - 1 + 4);
    assert_memory_equal(fake.sent, head, h);
    assert_memory_equal(fake.sent + h, token, sizeof(token) - 1);
    assert_memory_equal(fake.sent + h + sizeof(token) - 1, "\r\n\r\n", 4);
}

static void big_token_through_small_buffer(void **state)
{
    int rc;
    (void)state;
    write_request(fake.now_ms + 1000, &rc);
    assert_int_equal(rc, 0);
    check_sent_request();
    /* 16 KB with a 128-byte buffer: the buffered head, the token from
     * where it is (never copied into the buffer), the buffered tail. */
    assert_int_equal(fake.send_calls, 3);
    assert_null(memmem(io, sizeof(io), token + 100, 20));
}

static void partial_sends(void **state)
{
    int rc;
    (void)state;
    fake.send_slice = 7;
    write_request(fake.now_ms + 1000, &rc);
    assert_int_equal(rc, 0);
    check_sent_request();
}

static void send_timeouts_end_at_the_deadline(void **state)
{
    uint64_t deadline;
    int rc;
    (void)state;
    deadline = fake.now_ms + 5000;
    fake.send_timeouts = 1000000;
    write_request(deadline, &rc);
    assert_int_equal(rc, HCSMS_ERR_TIMEOUT);
    assert_int_equal(fake.sent_len, 0);
    assert_true(fake.now_ms >= deadline);
    assert_true(fake.now_ms <= deadline + 1);
}

static void one_send_timeout_then_progress(void **state)
{
    int rc;
    (void)state;
    /* A send that times out uses all the time left: the call ends there. */
    fake.send_timeouts = 1;
    write_request(fake.now_ms + 5000, &rc);
    assert_int_equal(rc, HCSMS_ERR_TIMEOUT);
}

static void send_failure_sticks(void **state)
{
    hcsms_http_writer w;
    (void)state;
    fake.send_fail_after = 200;
    fake.send_fail_code = HCSMS_ERR_CLOSED;
    hcsms_http_writer_init(&w, &tcp, io, sizeof(io), fake.now_ms + 1000);
    hcsms_auth_write_token_header(&w, token, sizeof(token) - 1);
    assert_int_equal(w.error, HCSMS_ERR_CLOSED);
    assert_int_equal(fake.sent_len, 200);
    hcsms_http_write_string(&w, "more");
    assert_int_equal(hcsms_http_writer_flush(&w), HCSMS_ERR_CLOSED);
    assert_int_equal(fake.sent_len, 200);
}

/* Pieces smaller than the buffer that cross its end, or fill it exactly:
 * each full buffer goes out as it fills, the bytes in order. */
static void pieces_across_the_buffer_end(void **state)
{
    hcsms_http_writer w;
    char expect[400];
    size_t len = 0, i;
    (void)state;
    hcsms_http_writer_init(&w, &tcp, io, sizeof(io), fake.now_ms + 1000);
    for (i = 0; i < 10; i++) { /* 30-byte pieces: 128 is no multiple of 30 */
        char piece[30];
        memset(piece, '.', sizeof(piece));
        piece[0] = (char)('0' + i);
        hcsms_http_write(&w, piece, 30);
        memcpy(expect + len, piece, 30);
        len += 30;
    }
    assert_int_equal(fake.send_calls, 2); /* 256 of 300 bytes sent */
    hcsms_http_write(&w, expect, sizeof(io) - w.used); /* exactly the room left */
    memcpy(expect + len, expect, sizeof(io) - 44);
    len += sizeof(io) - 44;
    assert_int_equal(fake.send_calls, 3);
    assert_int_equal(w.used, 0);
    assert_int_equal(hcsms_http_writer_flush(&w), 0);
    assert_int_equal(fake.send_calls, 3); /* nothing left to send */
    assert_int_equal(fake.sent_len, len);
    assert_memory_equal(fake.sent, expect, len);
    assert_int_equal(w.bytes_sent, len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(big_token_through_small_buffer, setup),
        cmocka_unit_test_setup(partial_sends, setup),
        cmocka_unit_test_setup(send_timeouts_end_at_the_deadline, setup),
        cmocka_unit_test_setup(one_send_timeout_then_progress, setup),
        cmocka_unit_test_setup(send_failure_sticks, setup),
        cmocka_unit_test_setup(pieces_across_the_buffer_end, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
