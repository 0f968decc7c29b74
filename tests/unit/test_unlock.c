/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_unlock() end to end inside one process: TLS, the request bytes, the
 * response, keep-alive, the one retry, deadlines and wiping, against an
 * in-process mbedTLS server on the fake port and its fake clock.
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hcsms.h"
#include "fake_port.h"
#include "tls_peer.h"
#include "../../src/sms/sms.h"

#define TOKEN "MIIZ-test-token-0123456789abcdefghijklmnopqrstuvwxyz"

static hcsms_client client;
static hcsms_result result;

static const char ok_200[] =
    "HTTP/1.1 200 OK\r\nX-Request-Id: req-1\r\nContent-Type: application/json\r\n"
    "Content-Length: 2\r\n\r\n{}";
static const char forbidden_403[] =
    "HTTP/1.1 403 Forbidden\r\nX-Request-Id: req-403\r\nContent-Length: 128\r\n\r\n"
    "{\"error_code\":\"SMS.9004\",\"error_msg\":\"no permission\",\"error_param\":[\"task_id\"],"
    "\"details\":[{\"error_code\":\"X.1\",\"error_msg\":\"d\"}]}";

static uint8_t retries; /* for the next start() */

static void start(const struct peer_step *steps, size_t count, uint32_t timeout_ms)
{
    hcsms_client_config config;

    fake_port_reset();
    tls_peer_start(steps, count);
    hcsms_client_config_init(&config);
    config.endpoint = "https://localhost:8443";
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.auth_token = TOKEN;
    config.timeout_ms = timeout_ms;
    config.retries = retries;
    retries = 0;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
}

static int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

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

/* ---- Retries: only what is safe, never past the deadline -------------- */

static const char throttled_2s[] =
    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 2\r\n\r\n{}";
static const char unavailable[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";

static void retry_after_is_honoured(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, throttled_2s}, {PEER_RESPOND, ok_200}};
    (void)state;
    retries = 2;
    start(steps, 2, 10000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(fake.slept_ms, 2000);
    assert_int_equal(result.attempts, 2);
    assert_int_equal(tls_peer_requests(), 2);
}

static void backoff_without_retry_after(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, unavailable}, {PEER_RESPOND, ok_200}};
    (void)state;
    retries = 1;
    start(steps, 2, 10000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_true(fake.slept_ms <= 500); /* full jitter under the first cap */
}

/* The last Retry-After counts; one too long to be either form is dropped,
 * not cut to a prefix that would parse ("1" out of "1   ...   0"). */
static void retry_after_last_counts_too_long_dropped(void **state)
{
    static const struct peer_step last[] = {
        {PEER_RESPOND, "HTTP/1.1 429 x\r\nRetry-After: 9\r\nRetry-After: 2\r\n"
                       "Content-Length: 0\r\n\r\n"},
        {PEER_RESPOND, ok_200}};
    static const struct peer_step too_long[] = {
        {PEER_RESPOND, "HTTP/1.1 429 x\r\nRetry-After: 1                                    0\r\n"
                       "Content-Length: 0\r\n\r\n"},
        {PEER_RESPOND, ok_200}};
    (void)state;
    retries = 1;
    start(last, 2, 20000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_int_equal(fake.slept_ms, 2000);
    finish(NULL);
    retries = 1;
    start(too_long, 2, 20000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_true(fake.slept_ms <= 500); /* full jitter under the first cap */
    assert_string_equal(client.retry_after, "");
}

static void no_wait_past_the_deadline(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, throttled_2s}, {PEER_RESPOND, ok_200}};
    (void)state;
    retries = 3;
    start(steps, 2, 1500); /* less time left than Retry-After asks */
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_SERVICE);
    assert_int_equal(result.http_status, 429);
    assert_int_equal(fake.slept_ms, 0);
    assert_int_equal(tls_peer_requests(), 1);
}

static void errors_are_not_retried(void **state)
{
    static const char forbidden[] = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
    static const struct peer_step steps[] = {{PEER_RESPOND, forbidden}, {PEER_RESPOND, ok_200}};
    (void)state;
    retries = 3;
    start(steps, 2, 10000);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_SERVICE);
    assert_int_equal(tls_peer_requests(), 1);
    /* nor a truncated answer: the request may have been acted on */
    tls_peer_stop();
    hcsms_client_free(&client);
    {
        static const struct peer_step cut[] = {
            {PEER_RESPOND_CLOSE, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}"}, {PEER_RESPOND, ok_200}};
        retries = 3;
        start(cut, 2, 10000);
        assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_ERR_HTTP_TRUNCATED);
        assert_int_equal(tls_peer_requests(), 1);
    }
}

static void refused_connects_are_retried(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    retries = 2;
    start(steps, 1, 60000);
    fake.connect_result = HCSMS_ERR_CONNECT;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_CONNECT);
    assert_int_equal(fake.connects, 3);
}

static void retry_after_values(void **state)
{
    (void)state;
    assert_int_equal(hcsms_retry_after_ms("120", 0), 120000);
    assert_int_equal(hcsms_retry_after_ms("0", 0), 0);
    /* 784111777 is Sun, 06 Nov 1994 08:49:37 GMT */
    assert_int_equal(hcsms_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 5), 5000);
    assert_int_equal(hcsms_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 5), 0);
    assert_int_equal(hcsms_retry_after_ms("Fri, 27 Nov 2026 12:00:10 GMT", 1795780800), 10000);
    assert_int_equal(hcsms_retry_after_ms("-1", 0), -1);
    assert_int_equal(hcsms_retry_after_ms("1.5", 0), -1);
    assert_int_equal(hcsms_retry_after_ms("", 0), -1);
    assert_int_equal(hcsms_retry_after_ms("Sun, 06 Foo 1994 08:49:37 GMT", 0), -1);
    assert_int_equal(hcsms_retry_after_ms("Sunday, 06-Nov-94 08:49:37 GMT", 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(request_bytes_and_success, finish),
        cmocka_unit_test_teardown(token_not_left_in_the_context, finish),
        cmocka_unit_test_teardown(echoed_token_not_left_in_the_context, finish),
        cmocka_unit_test_teardown(echoed_body_wiped_at_the_next_call, finish),
        cmocka_unit_test_teardown(keep_alive_across_calls, finish),
        cmocka_unit_test_teardown(dead_kept_alive_connection_is_retried_once, finish),
        cmocka_unit_test_teardown(retried_only_once, finish),
        cmocka_unit_test_teardown(fresh_connection_is_not_retried, finish),
        cmocka_unit_test_teardown(stale_bytes_close_the_connection, finish),
        cmocka_unit_test_teardown(stray_empty_line_before_the_next_answer, finish),
        cmocka_unit_test_teardown(stray_empty_line_then_close_is_retried_once, finish),
        cmocka_unit_test_teardown(close_after_response_reconnects, finish),
        cmocka_unit_test_teardown(silent_server_ends_at_the_deadline, finish),
        cmocka_unit_test_teardown(truncated_success_is_an_error, finish),
        cmocka_unit_test_teardown(request_id_printable_and_cut, finish),
        cmocka_unit_test_teardown(tiny_tcp_segments_both_ways, finish),
        cmocka_unit_test_teardown(wrong_ca_fails_verification, finish),
        cmocka_unit_test_teardown(retry_after_is_honoured, finish),
        cmocka_unit_test_teardown(backoff_without_retry_after, finish),
        cmocka_unit_test_teardown(retry_after_last_counts_too_long_dropped, finish),
        cmocka_unit_test_teardown(no_wait_past_the_deadline, finish),
        cmocka_unit_test_teardown(errors_are_not_retried, finish),
        cmocka_unit_test_teardown(refused_connects_are_retried, finish),
        cmocka_unit_test(retry_after_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
