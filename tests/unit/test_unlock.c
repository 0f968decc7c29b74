/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_unlock() end to end inside one process: TLS, the request bytes, the
 * response, deadlines and wiping, against an in-process mbedTLS server on
 * the fake port and its fake clock. (Keep-alive and the one retry of a dead
 * connection: test_unlock_keepalive.c; retries by policy:
 * test_unlock_retry.c.)
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include "unlock_fixture.h"

static void request_bytes_and_success(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 1, 5000);
#if HCSMS_CONFIG_STRICT_TASK_ID
    assert_int_equal(hcsms_unlock(&client, "a b/c", &result), HCSMS_ERR_INVALID_TASK_ID);
    assert_int_equal(tls_peer_requests(), 0);
#define ID "a_b-C9"
#define PATH "a_b-C9"
#else
#define ID "a b/c"
#define PATH "a%20b%2Fc"
#endif
    assert_int_equal(hcsms_unlock(&client, ID, &result), HCSMS_OK);
    assert_int_equal(result.http_status, 200);
    assert_string_equal(result.request_id, "req-1");
    assert_string_equal(tls_peer_last_request(),
                        "POST /v3/tasks/" PATH "/unlock HTTP/1.1\r\n"
                        "Host: localhost:8443\r\n"
                        "User-Agent: hcsms/" HCSMS_VERSION "\r\n"
                        "Accept: application/json\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: 0\r\n"
                        "X-Auth-Token: " TOKEN "\r\n\r\n");
#undef ID
#undef PATH
}

static void token_not_left_in_the_context(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    static const hcsms_client zero_but_fd = {.connection.socket.fd = -1};
    (void)state;
    start(steps, 1, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    /* The I/O buffer carried the header; it is wiped after sending. */
    assert_null(memmem(&client, sizeof(client), "test-token", 10));
    hcsms_client_free(&client);
    assert_memory_equal(&client, &zero_but_fd, sizeof(client));
}

/* A server echoing the token in a header: the raw response passed through
 * the I/O buffer, which is wiped once it is read (the kept error body is
 * the caller's to read, until the next call). */
static void echoed_token_not_left_in_the_context(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, "HTTP/1.1 200 OK\r\nX-Echo: " TOKEN "\r\nContent-Length: 2\r\n\r\n{}"}};
    (void)state;
    start(steps, 1, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_null(memmem(&client, sizeof(client), "test-token", 10));
}

/* An error body echoing the token stays for the caller to read, and is
 * wiped when the next call starts. */
static void echoed_body_wiped_at_the_next_call(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, "HTTP/1.1 403 Forbidden\r\nContent-Length: 85\r\n\r\n"
                       "{\"error_code\":\"X\",\"error_msg\":\"" TOKEN "\"}"},
        {PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 2, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_SERVICE);
    assert_non_null(memmem(result.body, result.body_len, "test-token", 10));
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_OK);
    assert_null(memmem(&client, sizeof(client), "test-token", 10));
}

static void silent_server_ends_at_the_deadline(void **state)
{
    static const struct peer_step steps[] = {{PEER_SILENT, NULL}};
    uint64_t started;
    (void)state;
    start(steps, 1, 7000);
    started = fake.now_ms;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_TIMEOUT);
    assert_string_equal(result.failed_step, "read response");
    assert_true(fake.now_ms - started >= 7000 && fake.now_ms - started <= 7001);
    assert_false(client.tls.connected);
    assert_int_equal(client.connection.socket.fd, -1); /* the socket too, not only TLS */
}

/* A port whose clock cannot be read says UINT64_MAX (port.h): the call ends
 * at once as a time-out, whatever the server would send, and never waits
 * on a clock that stands still. */
static void unreadable_clock_ends_the_call(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    start(steps, 1, 5000);
    fake.clock_broken = 1;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_TIMEOUT);
    assert_int_equal(tls_peer_requests(), 0);
    assert_int_equal(fake.now_ms, 1000000); /* no wait was asked for */
}

static void truncated_success_is_an_error(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND_CLOSE, "HTTP/1.1 200 OK\r\nX-Request-Id: cut\r\nContent-Length: 10\r\n\r\n{}"}};
    (void)state;
    start(steps, 1, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_HTTP_TRUNCATED);
    assert_int_equal(result.http_status, 0); /* never mistaken for a 200 */
    assert_string_equal(result.request_id, "cut"); /* still there for support */
}

/* The parser keeps X-Request-Id raw; the exchange makes it printable (it
 * reaches terminals and JSON) and says when it was cut. */
static void request_id_printable_and_cut(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND, "HTTP/1.1 200 OK\r\nX-Request-Id:  a\x80" "b\tc \r\n"
                       "X-Request-Id: second\r\nContent-Length: 0\r\n\r\n"},
        {PEER_RESPOND, "HTTP/1.1 200 OK\r\nX-Request-Id: "
                       "0123456789012345678901234567890123456789012345678901234567890123xyz\r\n"
                       "Content-Length: 0\r\n\r\n"}};
    (void)state;
    start(steps, 2, 5000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_string_equal(result.request_id, "a?b c");
    assert_false(result.truncated);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_string_equal(result.request_id,
                        "0123456789012345678901234567890123456789012345678901234567890123");
    assert_true(result.truncated);
}

static void tiny_tcp_segments_both_ways(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, forbidden_403}};
    (void)state;
    start(steps, 1, 5000);
    fake.send_slice = 3;
    fake.recv_slice = 1;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_SERVICE);
    assert_string_equal(result.error_code, "SMS.9004");
}

static void wrong_ca_fails_verification(void **state)
{
    static const char other_ca[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBfTCCASOgAwIBAgIUZ2i8W0dVxRX5pCn7kYm3ZtJv0uQwCgYIKoZIzj0EAwIw\n"
        "-----END CERTIFICATE-----\n";
    hcsms_client_config config;
    (void)state;
    fake_port_reset();
    hcsms_client_config_init(&config);
    config.endpoint = "https://localhost:8443";
    config.ca_data = (const unsigned char *)other_ca;
    config.ca_data_len = sizeof(other_ca);
    config.auth_token = TOKEN;
    /* A CA that does not even parse is refused at set-up, before any byte. */
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_CA);
    assert_int_equal(fake.connects, 0);
    tls_peer_start(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(request_bytes_and_success, finish),
        cmocka_unit_test_teardown(token_not_left_in_the_context, finish),
        cmocka_unit_test_teardown(echoed_token_not_left_in_the_context, finish),
        cmocka_unit_test_teardown(echoed_body_wiped_at_the_next_call, finish),
        cmocka_unit_test_teardown(silent_server_ends_at_the_deadline, finish),
        cmocka_unit_test_teardown(unreadable_clock_ends_the_call, finish),
        cmocka_unit_test_teardown(truncated_success_is_an_error, finish),
        cmocka_unit_test_teardown(request_id_printable_and_cut, finish),
        cmocka_unit_test_teardown(tiny_tcp_segments_both_ways, finish),
        cmocka_unit_test_teardown(wrong_ca_fails_verification, finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
