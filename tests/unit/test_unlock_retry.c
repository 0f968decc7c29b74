/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_unlock()'s retries, against the in-process mbedTLS server on the
 * fake port and its fake clock: only what is safe to send again, after
 * Retry-After or a backoff, never past the deadline; and Retry-After's
 * values.
 */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include "unlock_fixture.h"

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
