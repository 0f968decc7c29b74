/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS session resumption from one connection to the next, also when the
 * server behind the name changed TLS version in between (a load balancer
 * whose backends differ, a rolling upgrade): hcsms_unlock() against the
 * in-process peer, which issues tickets, closes after each answer (so each
 * task is a new connection) and is switched between TLS 1.2 and 1.3.
 *
 * mbedTLS 3.6 offers only the saved session's version when it resumes
 * (ssl_client.c, ssl_prepare_client_hello(): min and max become the
 * session's), so a saved 1.2 session sends a 1.2-only ClientHello and a
 * 1.3 ticket a 1.3-only one. What must hold: the call succeeds, within its
 * deadline, with the request sent exactly once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <mbedtls/ssl.h>
#include <mbedtls/version.h>

#include "hcsms.h"
#include "fake_port.h"
#include "tls_peer.h"

#define TOKEN "MIIZ-test-token-resume"

static hcsms_client client;
static hcsms_result result;

static const char ok_200[] = "HTTP/1.1 200 OK\r\nX-Request-Id: r\r\nContent-Length: 2\r\n\r\n{}";

/* The peer answers each request and closes: every task connects anew. */
static void start(uint32_t timeout_ms)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200},
        {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200}};
    hcsms_client_config config;

    fake_port_reset();
    tls_peer_start(steps, sizeof(steps) / sizeof(steps[0]));
    if (!tls_peer_tickets()) {
        print_message("skipped: mbedTLS built without MBEDTLS_SSL_SESSION_TICKETS\n");
        skip();
    }
    hcsms_client_config_init(&config);
    config.endpoint = "https://localhost:8443";
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.auth_token = TOKEN;
    config.timeout_ms = timeout_ms;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
}

static int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

/* The peer speaks only version (PEER_TLS12/13) from the next connection on. */
static void server_now(int version)
{
    assert_true(tls_peer_versions(version, version));
}

static void unlock_ok(const char *task)
{
    unsigned requests = tls_peer_requests();

    assert_int_equal(hcsms_unlock(&client, task, &result), HCSMS_OK);
    assert_int_equal(result.http_status, 200);
    assert_int_equal(result.attempts, 1);
    assert_int_equal(tls_peer_requests(), requests + 1); /* sent once */
}

/* ---- The version stays: resumed ----------------------------------------- */

static void tls12_session_resumed_by_a_tls12_server(void **state)
{
    (void)state;
    tls_peer_need_resumption(0);
    start(5000);
    server_now(PEER_TLS12);
    unlock_ok("t1");
    unlock_ok("t2");
    unlock_ok("t3");
    assert_string_equal(tls_peer_history(), "1.2 1.2r 1.2r");
    assert_int_equal(tls_peer_failed_handshakes(), 0);
    assert_int_equal(fake.connects, 3);
}

static void tls13_ticket_resumed_by_a_tls13_server(void **state)
{
    (void)state;
    tls_peer_need_resumption(1);
    start(5000);
    server_now(PEER_TLS13);
    unlock_ok("t1");
    unlock_ok("t2");
    unlock_ok("t3");
    /* Each resumed connection brings a new ticket; a used one is not
     * offered again. */
    assert_string_equal(tls_peer_history(), "1.3 1.3r 1.3r");
    assert_int_equal(tls_peer_failed_handshakes(), 0);
    assert_int_equal(fake.connects, 3);
}

/* ---- A ticket too long to offer ------------------------------------------ */

/* mbedTLS takes a ticket of any length (up to 64 KB) but builds the
 * ClientHello that offers it in its output buffer: a ticket that does not
 * fit there would fail every resuming handshake before a byte is sent. Such
 * a session is not offered: each connection is a full handshake, none fails,
 * no connection is wasted. The peer can send a ticket of its own output
 * buffer's size, less the NewSessionTicket's other fields. */
static void too_long_a_ticket_is_not_offered(int version, const char *history)
{
    start(5000);
    server_now(version);
    tls_peer_ticket_size(MBEDTLS_SSL_OUT_CONTENT_LEN - 64);
    unlock_ok("t1");
    unlock_ok("t2");
    unlock_ok("t3");
    assert_string_equal(tls_peer_history(), history);
    assert_int_equal(tls_peer_failed_handshakes(), 0);
    assert_int_equal(fake.connects, 3);
}

static void tls12_ticket_too_long_to_offer(void **state)
{
    (void)state;
    tls_peer_need_resumption(0);
    too_long_a_ticket_is_not_offered(PEER_TLS12, "1.2 1.2 1.2");
}

static void tls13_ticket_too_long_to_offer(void **state)
{
    (void)state;
    tls_peer_need_resumption(1);
    too_long_a_ticket_is_not_offered(PEER_TLS13, "1.3 1.3 1.3");
}

/* ---- The version changed behind the name ---------------------------------- */

/* The saved 1.2 session pins the ClientHello to 1.2: the 1.3-only server
 * refuses it, the session is dropped (src/net/tls.c) and one full
 * handshake on a new connection follows (src/sms/exchange.c,
 * connect_server()), before any byte of the request: one connection more,
 * the request sent once, the call's deadline for both. */
static void tls12_session_then_a_tls13_only_server(void **state)
{
    (void)state;
    tls_peer_need_resumption(1);
    start(5000);
    server_now(PEER_TLS12);
    unlock_ok("t1");
    server_now(PEER_TLS13);
    unlock_ok("t2");
    unlock_ok("t3");
    assert_string_equal(tls_peer_history(), "1.2 1.3 1.3r");
    assert_int_equal(tls_peer_failed_handshakes(), 1);
    assert_int_equal(fake.connects, 4);
    assert_int_equal(tls_peer_requests(), 3);
}

/* The same the other way: a 1.3 ticket pins the ClientHello to 1.3. */
static void tls13_ticket_then_a_tls12_only_server(void **state)
{
    (void)state;
    tls_peer_need_resumption(1);
    start(5000);
    server_now(PEER_TLS13);
    unlock_ok("t1");
    server_now(PEER_TLS12);
    unlock_ok("t2");
    unlock_ok("t3");
    assert_string_equal(tls_peer_history(), "1.3 1.2 1.2r");
    assert_int_equal(tls_peer_failed_handshakes(), 1);
    assert_int_equal(fake.connects, 4);
    assert_int_equal(tls_peer_requests(), 3);
}

/* A server that now does both: resumed at the saved version, no failure.
 * (A 1.2 session keeps the connections on 1.2 while it resumes: see the
 * note in src/net/tls_session.c, hcsms_tls_session_after_handshake().) */
static void saved_version_resumed_by_a_server_doing_both(void **state)
{
    (void)state;
    tls_peer_need_resumption(1);
    start(5000);
    server_now(PEER_TLS12);
    unlock_ok("t1");
    assert_true(tls_peer_versions(PEER_TLS12, PEER_TLS13));
    unlock_ok("t2");
    assert_string_equal(tls_peer_history(), "1.2 1.2r");
    finish(NULL);
    start(5000);
    server_now(PEER_TLS13);
    unlock_ok("t1");
    assert_true(tls_peer_versions(PEER_TLS12, PEER_TLS13));
    unlock_ok("t2");
    assert_string_equal(tls_peer_history(), "1.3 1.3r");
    assert_int_equal(tls_peer_failed_handshakes(), 0);
}

/* The one full handshake after a failed resumption is only tried while
 * the deadline allows: a resuming handshake that ran out of time (a peer
 * that floods records mbedTLS skips instead of answering) ends the call at
 * its deadline, with no second connection. */
static void failed_resumption_not_retried_past_the_deadline(void **state)
{
    uint64_t started;
    (void)state;
    tls_peer_need_resumption(0);
    start(3000);
    server_now(PEER_TLS12);
    unlock_ok("t1");
    tls_peer_flood(PEER_FLOOD_BEFORE_HELLO, 100000);
    started = fake.now_ms;
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_ERR_TIMEOUT);
    assert_true(fake.now_ms - started >= 3000 && fake.now_ms - started <= 3001);
    assert_int_equal(fake.connects, 2);
    assert_int_equal(tls_peer_requests(), 1);
}

/* ---- hcsms_global_cleanup() -------------------------------------------- */

/* PSA's key store given back (what valgrind saw still reachable at exit
 * with 3.6) and set up again by the next client: a TLS 1.3 unlock (all its
 * crypto through PSA) works before and after. */
static void tls13_unlock_after_global_cleanup(void **state)
{
    (void)state;
    tls_peer_need_resumption(1);
    start(5000);
    server_now(PEER_TLS13);
    unlock_ok("t1");
    hcsms_client_free(&client);
    tls_peer_stop();
    hcsms_global_cleanup();
    start(5000);
    server_now(PEER_TLS13);
    unlock_ok("t2");
    assert_string_equal(tls_peer_history(), "1.3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(tls12_session_resumed_by_a_tls12_server, finish),
        cmocka_unit_test_teardown(tls13_ticket_resumed_by_a_tls13_server, finish),
        cmocka_unit_test_teardown(tls12_ticket_too_long_to_offer, finish),
        cmocka_unit_test_teardown(tls13_ticket_too_long_to_offer, finish),
        cmocka_unit_test_teardown(tls12_session_then_a_tls13_only_server, finish),
        cmocka_unit_test_teardown(tls13_ticket_then_a_tls12_only_server, finish),
        cmocka_unit_test_teardown(saved_version_resumed_by_a_server_doing_both, finish),
        cmocka_unit_test_teardown(failed_resumption_not_retried_past_the_deadline, finish),
        cmocka_unit_test_teardown(tls13_unlock_after_global_cleanup, finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
