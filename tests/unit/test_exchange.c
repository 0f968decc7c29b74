/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Requests written through a small buffer and responses read under a
 * deadline, over the plain TCP transport on the scripted fake port: partial
 * sends, timeouts, resets and closes at each point of the exchange. Then
 * TLS with an in-process peer that floods records mbedTLS skips.
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../src/auth/auth.h"
#include "../../src/http/http.h"
#include "../../src/net/net.h"
#include "hcsms/error.h"
#include "fake_port.h"
#include "tls_peer.h"

static hcsms_socket sock;
static hcsms_transport tcp;
static unsigned char io[128];
static char token[16384 + 1];

static int setup(void **state)
{
    size_t i;
    (void)state;
    fake_port_reset();
    sock.fd = 3;
    sock.os_error = 0;
    tcp.send = hcsms_tcp_send;
    tcp.recv = hcsms_tcp_recv;
    tcp.context = &sock;
    for (i = 0; i < sizeof(token) - 1; i++)
        token[i] = (char)('!' + i % 94);
    token[sizeof(token) - 1] = '\0';
    return 0;
}

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

static const char ok_response[] = "HTTP/1.1 200 OK\r\nX-Request-Id: q1\r\nContent-Length: 2\r\n\r\n{}";

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

/* ---- TLS under a flood of warning alerts (issue 11) --------------------- */

/* mbedTLS reads on past warning alerts without returning; the bio callbacks
 * must stop at the deadline even though the socket is never empty. The peer
 * falls silent after FLOOD_READS reads: a client that ignores its deadline
 * then ends late and fails the time checks instead of hanging. */
#define FLOOD_READS 100000

static hcsms_tls tls;
static hcsms_connection connection;

static void tls_start(enum peer_flood when)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_response}};

    fake_port_reset();
    tls_peer_start(steps, 1);
    tls_peer_flood(when, FLOOD_READS);
    memset(&tls, 0, sizeof(tls));
    assert_int_equal(hcsms_tls_setup(&tls, tls_peer_ca(), tls_peer_ca_len(), NULL), 0);
    hcsms_connection_init(&connection, &tls);
    assert_int_equal(hcsms_connection_open(&connection, "localhost", 443, 1000, fake.now_ms + 5000,
                                           NULL, 0),
                     0);
}

static int tls_finish(void **state)
{
    (void)state;
    hcsms_connection_close(&connection);
    hcsms_tls_free(&tls);
    tls_peer_stop();
    return 0;
}

/* Handshake, one request, its whole answer (the flood follows it). */
static void tls_exchange(void)
{
    static const unsigned char request[] = "POST / HTTP/1.1\r\n\r\n";
    unsigned char answer[sizeof(ok_response)];
    size_t got = 0;

    const hcsms_transport *top = hcsms_connection_transport(&connection);

    assert_int_equal(hcsms_connection_start_tls(&connection, "localhost", fake.now_ms + 5000), 0);
    assert_ptr_equal(top->context, &tls);
    assert_int_equal(top->send(top->context, request, sizeof(request) - 1, 1000),
                     (int)sizeof(request) - 1);
    while (got < sizeof(ok_response) - 1) {
        int n = top->recv(top->context, answer + got, sizeof(ok_response) - 1 - got, 1000);
        assert_true(n > 0);
        got += (size_t)n;
    }
    assert_memory_equal(answer, ok_response, got);
}

static void tls_handshake_ends_at_the_deadline_under_alerts(void **state)
{
    uint64_t deadline;
    (void)state;
    tls_start(PEER_FLOOD_BEFORE_HELLO);
    deadline = fake.now_ms + 1000;
    assert_int_equal(hcsms_connection_start_tls(&connection, "localhost", deadline),
                     HCSMS_ERR_TIMEOUT);
    assert_true(fake.now_ms >= deadline && fake.now_ms <= deadline + 1);
    assert_false(hcsms_connection_is_open(&connection)); /* closed on failure */
    assert_true(tls_peer_flood_reads() < FLOOD_READS);
}

static void tls_recv_ends_at_its_timeout_under_encrypted_alerts(void **state)
{
    unsigned char buf[64];
    uint64_t start;
    (void)state;
    tls_start(PEER_FLOOD_AFTER_ANSWER);
    tls_exchange();
    start = fake.now_ms;
    assert_int_equal(hcsms_tls_recv(&tls, buf, sizeof(buf), 1000), 0);
    assert_true(fake.now_ms >= start + 1000 && fake.now_ms <= start + 1001);
    assert_true(tls_peer_flood_reads() < FLOOD_READS);
}

static void tls_idle_check_gives_up_on_alerts_at_once(void **state)
{
    unsigned reads, sends;
    uint64_t start;
    (void)state;
    tls_start(PEER_FLOOD_AFTER_ANSWER);
    tls_exchange();
    reads = fake.recv_calls;
    start = fake.now_ms;
    assert_false(hcsms_connection_idle_ok(&connection));
    assert_true(fake.recv_calls - reads <= 24);
    assert_true(fake.now_ms - start <= 24);
    /* close_notify: sent without waiting, nothing read */
    reads = fake.recv_calls;
    sends = fake.send_calls;
    hcsms_connection_close(&connection);
    assert_int_equal(fake.recv_calls, reads);
    assert_true(fake.send_calls - sends >= 1 && fake.send_calls - sends <= 2);
    assert_false(hcsms_connection_is_open(&connection));
}

static void tls_idle_check_passes_a_quiet_connection(void **state)
{
    (void)state;
    tls_start(PEER_FLOOD_NONE);
    tls_exchange();
    assert_true(hcsms_connection_idle_ok(&connection));
    assert_true(hcsms_connection_idle_ok(&connection));
}

/* ---- The connection without TLS on top ------------------------------- */

/* A proxy's CONNECT goes over the connection's plain TCP transport; a
 * plain connection is idle when one read that does not wait finds nothing. */
static void plain_connection_idle_check(void **state)
{
    hcsms_connection plain;
    (void)state;
    fake_port_reset();
    hcsms_connection_init(&plain, NULL);
    assert_false(hcsms_connection_is_open(&plain));
    assert_false(hcsms_connection_idle_ok(&plain));
    assert_int_equal(
        hcsms_connection_open(&plain, "proxy", 3128, 1000, fake.now_ms + 5000, NULL, 0), 0);
    assert_true(hcsms_connection_is_open(&plain));
    assert_ptr_equal(hcsms_connection_transport(&plain)->context, &plain.socket);
    /* no TLS to start on this one */
    assert_int_equal(hcsms_connection_start_tls(&plain, "localhost", fake.now_ms + 1000),
                     HCSMS_ERR_INVALID_ARGUMENT);
    fake_port_recv_event(FAKE_TIMEOUT);
    assert_true(hcsms_connection_idle_ok(&plain));
    fake_port_recv_text("x");
    assert_false(hcsms_connection_idle_ok(&plain)); /* a byte nobody asked for */
    hcsms_connection_close(&plain);
    assert_false(hcsms_connection_is_open(&plain));
    hcsms_connection_close(&plain); /* twice is fine */
}

/* The connect gets no time once the deadline has passed; its errors stay
 * readable after the failure. */
static void connection_open_respects_the_deadline(void **state)
{
    hcsms_connection plain;
    (void)state;
    fake_port_reset();
    hcsms_connection_init(&plain, NULL);
    assert_int_equal(hcsms_connection_open(&plain, "h", 443, 1000, fake.now_ms, NULL, 0),
                     HCSMS_ERR_TIMEOUT);
    assert_int_equal(fake.connects, 0);
    fake.connect_result = HCSMS_ERR_CONNECT;
    plain.socket.os_error = 111;
    assert_int_equal(hcsms_connection_open(&plain, "h", 443, 1000, fake.now_ms + 10, NULL, 0),
                     HCSMS_ERR_CONNECT);
    assert_false(hcsms_connection_is_open(&plain));
    assert_int_equal(hcsms_connection_os_error(&plain), 111);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(big_token_through_small_buffer, setup),
        cmocka_unit_test(plain_connection_idle_check),
        cmocka_unit_test(connection_open_respects_the_deadline),
        cmocka_unit_test_setup(partial_sends, setup),
        cmocka_unit_test_setup(send_timeouts_end_at_the_deadline, setup),
        cmocka_unit_test_setup(one_send_timeout_then_progress, setup),
        cmocka_unit_test_setup(send_failure_sticks, setup),
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
        cmocka_unit_test_teardown(tls_handshake_ends_at_the_deadline_under_alerts, tls_finish),
        cmocka_unit_test_teardown(tls_recv_ends_at_its_timeout_under_encrypted_alerts, tls_finish),
        cmocka_unit_test_teardown(tls_idle_check_gives_up_on_alerts_at_once, tls_finish),
        cmocka_unit_test_teardown(tls_idle_check_passes_a_quiet_connection, tls_finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
