/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_unlock() over a kept-alive connection, against the in-process
 * mbedTLS server on the fake port: one handshake for several calls, the
 * one retry of a kept-alive connection that died before answering (never
 * of a fresh one), stale bytes, stray empty lines, a close after the answer.
 */
#include "unlock_fixture.h"

static void keep_alive_across_calls(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, ok_200}, {PEER_RESPOND, forbidden_403}, {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 3, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_ERR_SERVICE);
    assert_int_equal(result.http_status, 403);
    assert_string_equal(result.error_code, "SMS.9004");
    assert_string_equal(result.error_msg, "no permission");
    assert_int_equal(result.error_param_count, 1);
    assert_int_equal(result.details_count, 1);
    assert_string_equal(result.request_id, "req-403");
    assert_int_equal(hcsms_unlock(&client, "t3", &result), HCSMS_OK);
    assert_int_equal(fake.connects, 1);
    assert_int_equal(tls_peer_handshakes(), 1);
}

static void dead_kept_alive_connection_is_retried_once(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, ok_200}, {PEER_DROP, NULL}, {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 3, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_OK);
    assert_int_equal(result.attempts, 2);
    assert_int_equal(fake.connects, 2);
    assert_int_equal(tls_peer_requests(), 3);
}

static void retried_only_once(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, ok_200}, {PEER_DROP, NULL}, {PEER_DROP, NULL}, {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 4, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_ERR_CLOSED);
    assert_int_equal(result.http_status, 0);
    assert_int_equal(fake.connects, 2);
    assert_int_equal(tls_peer_requests(), 3);
}

static void fresh_connection_is_not_retried(void **state)
{
    static const struct peer_step steps[] = {{PEER_DROP, NULL}, {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 2, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_CLOSED);
    assert_int_equal(fake.connects, 1);
    assert_int_equal(tls_peer_requests(), 1);
}

static void stale_bytes_close_the_connection(void **state)
{
    static const char ok_and_stale[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
        "HTTP/1.1 200 OK\r\nX-Request-Id: stale\r\nContent-Length: 2\r\n\r\n{}";
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_and_stale}, {PEER_RESPOND, forbidden_403}};
    (void)state;
    start(steps, 2, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_ERR_SERVICE);
    assert_string_equal(result.request_id, "req-403");
    assert_int_equal(fake.connects, 2);
}

/* A stray CRLF ahead of the next answer on the kept-alive connection (a
 * server that ends its bodies with one, come after the idle check): it is
 * skipped and the connection kept. */
static void stray_empty_line_before_the_next_answer(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, ok_200},
        {PEER_RESPOND, "\r\nHTTP/1.1 200 OK\r\nX-Request-Id: req-2\r\nContent-Length: 2\r\n\r\n{}"},
        {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 3, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_OK);
    assert_string_equal(result.request_id, "req-2");
    assert_int_equal(hcsms_unlock(&client, "t3", &result), HCSMS_OK);
    assert_int_equal(fake.connects, 1);
    assert_int_equal(tls_peer_handshakes(), 1);
}

/* The stray CRLF and then the close: no byte of an answer came, so this is
 * the kept-alive connection that died before answering, retried once. */
static void stray_empty_line_then_close_is_retried_once(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, ok_200}, {PEER_RESPOND_CLOSE, "\r\n"}, {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 3, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_OK);
    assert_int_equal(result.attempts, 2);
    assert_int_equal(fake.connects, 2);
    assert_int_equal(tls_peer_requests(), 3);
}

static void close_after_response_reconnects(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 2, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_OK);
    assert_int_equal(result.attempts, 1); /* found dead while idle: no retry needed */
    assert_int_equal(fake.connects, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(keep_alive_across_calls, finish),
        cmocka_unit_test_teardown(dead_kept_alive_connection_is_retried_once, finish),
        cmocka_unit_test_teardown(retried_only_once, finish),
        cmocka_unit_test_teardown(fresh_connection_is_not_retried, finish),
        cmocka_unit_test_teardown(stale_bytes_close_the_connection, finish),
        cmocka_unit_test_teardown(stray_empty_line_before_the_next_answer, finish),
        cmocka_unit_test_teardown(stray_empty_line_then_close_is_retried_once, finish),
        cmocka_unit_test_teardown(close_after_response_reconnects, finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
