/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Responses read under a deadline, over the plain TCP transport on the
 * scripted fake port and its fake clock: slices, pieces across events,
 * silence, resets and closes at each point of the response, bytes after it,
 * stray empty lines before it, parser errors. (Writing:
 * test_exchange_write.c.)
 */
#include "exchange_fixture.h"

/* ---- Reading ------------------------------------------------------------ */

static hcsms_http_response response;
static char request_id[32];
static unsigned char body[64];

static int read_it(uint64_t deadline, int *died_early, int *leftover)
{
    static hcsms_http_keep keep = {NULL, "x-request-id", request_id, sizeof(request_id), 0, 0,
                                   0, 0, 0};
    hcsms_http_response_init(&response, body, sizeof(body));
    hcsms_http_response_keep(&response, &keep);
    return hcsms_http_read_response(&tcp, io, sizeof(io), &response, deadline, died_early,
                                    leftover);
}


static void response_in_one_byte_slices(void **state)
{
    int died, left;
    (void)state;
    fake.recv_slice = 1;
    fake_port_recv_text(ok_response);
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), 0);
    assert_int_equal(response.status, 200);
    assert_string_equal(request_id, "q1");
    assert_false(died);
    assert_false(left);
    assert_int_equal(fake.recv_calls, sizeof(ok_response) - 1);
}

static void response_in_pieces_across_events(void **state)
{
    int died, left;
    (void)state;
    fake_port_recv_text("HTTP/1.1 403 Forbidden\r\nContent-");
    fake_port_recv_text("Length: 5\r\n");
    fake_port_recv_text("\r\n{\"a\"");
    fake_port_recv_text(":");
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), 0);
    assert_int_equal(response.status, 403);
    assert_memory_equal(body, "{\"a\":", 5);
}

static void silence_ends_at_the_deadline(void **state)
{
    uint64_t deadline;
    int died, left;
    (void)state;
    deadline = fake.now_ms + 2500;
    fake_port_recv_text("HTTP/1.1 200 OK\r\n");
    fake_port_recv_event(FAKE_TIMEOUT);
    assert_int_equal(read_it(deadline, &died, &left), HCSMS_ERR_TIMEOUT);
    assert_true(fake.now_ms >= deadline && fake.now_ms <= deadline + 1);
    /* Nothing at all: same. */
    setup(NULL);
    deadline = fake.now_ms + 2500;
    assert_int_equal(read_it(deadline, &died, &left), HCSMS_ERR_TIMEOUT);
    assert_true(fake.now_ms >= deadline && fake.now_ms <= deadline + 1);
}

static void reset_mid_response(void **state)
{
    int died, left;
    (void)state;
    fake_port_recv_text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{");
    fake_port_recv_event(FAKE_RESET);
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), HCSMS_ERR_RECV);
    assert_false(died);
}

static void close_at_each_point(void **state)
{
    size_t cut, len = sizeof(ok_response) - 1;
    (void)state;
    for (cut = 0; cut <= len; cut++) {
        int died = -1, left = -1, rc;
        setup(NULL);
        fake_port_recv_data(ok_response, cut);
        fake_port_recv_event(FAKE_CLOSE);
        rc = read_it(fake.now_ms + 1000, &died, &left);
        if (cut == 0) {
            assert_int_equal(rc, HCSMS_ERR_CLOSED);
            assert_true(died);
        } else if (cut < len) {
            assert_int_equal(rc, HCSMS_ERR_HTTP_TRUNCATED);
            assert_false(died);
        } else {
            assert_int_equal(rc, 0); /* complete before the close */
        }
    }
}

static void close_delimited_body_ends_at_close(void **state)
{
    int died, left;
    (void)state;
    fake_port_recv_text("HTTP/1.1 200 OK\r\n\r\n{}");
    fake_port_recv_event(FAKE_CLOSE);
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), 0);
    assert_false(response.keep_alive);
    assert_int_equal(response.body_bytes, 2);
}

static void bytes_after_the_response_are_reported(void **state)
{
    int died, left;
    (void)state;
    fake_port_recv_text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n");
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), 0);
    assert_true(left);
}

/* The stray CRLF a server left after its last answer on a kept-alive
 * connection, read before the next answer in a read of its own. */
static void empty_line_before_the_response_is_skipped(void **state)
{
    int died, left;
    (void)state;
    fake_port_recv_text("\r\n");
    fake_port_recv_text(ok_response);
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), 0);
    assert_int_equal(response.status, 200);
    assert_false(left);
    /* Two are refused. */
    setup(NULL);
    fake_port_recv_text("\r\n");
    fake_port_recv_text("\r\n");
    fake_port_recv_text(ok_response);
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), HCSMS_ERR_HTTP_STATUS_LINE);
}

/* ... and then the close: no byte of an answer came, as for a connection
 * that closed with nothing (the caller may send the request again once). */
static void empty_line_then_close_died_early(void **state)
{
    int died, left;
    (void)state;
    fake_port_recv_text("\r\n");
    fake_port_recv_event(FAKE_CLOSE);
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), HCSMS_ERR_CLOSED);
    assert_true(died);
    setup(NULL);
    fake_port_recv_text("\r\nHTTP/1.1");
    fake_port_recv_event(FAKE_CLOSE);
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), HCSMS_ERR_HTTP_TRUNCATED);
    assert_false(died);
}

static void parser_error_is_returned(void **state)
{
    int died, left;
    (void)state;
    fake_port_recv_text("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
    assert_int_equal(read_it(fake.now_ms + 1000, &died, &left), HCSMS_ERR_HTTP_CONTENT_LENGTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(response_in_one_byte_slices, setup),
        cmocka_unit_test_setup(response_in_pieces_across_events, setup),
        cmocka_unit_test_setup(silence_ends_at_the_deadline, setup),
        cmocka_unit_test_setup(reset_mid_response, setup),
        cmocka_unit_test_setup(close_at_each_point, setup),
        cmocka_unit_test_setup(close_delimited_body_ends_at_close, setup),
        cmocka_unit_test_setup(bytes_after_the_response_are_reported, setup),
        cmocka_unit_test_setup(empty_line_before_the_response_is_skipped, setup),
        cmocka_unit_test_setup(empty_line_then_close_died_early, setup),
        cmocka_unit_test_setup(parser_error_is_returned, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
