/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The connection (hcsms_connection): TLS with an in-process peer that
 * floods records mbedTLS skips (issue 11), the deadlines and the idle check
 * under that flood; then the plain connection with no TLS on top, as a
 * proxy's CONNECT uses it.
 */
#include "exchange_fixture.h"

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
        cmocka_unit_test(plain_connection_idle_check),
        cmocka_unit_test(connection_open_respects_the_deadline),
        cmocka_unit_test_teardown(tls_handshake_ends_at_the_deadline_under_alerts, tls_finish),
        cmocka_unit_test_teardown(tls_recv_ends_at_its_timeout_under_encrypted_alerts, tls_finish),
        cmocka_unit_test_teardown(tls_idle_check_gives_up_on_alerts_at_once, tls_finish),
        cmocka_unit_test_teardown(tls_idle_check_passes_a_quiet_connection, tls_finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
