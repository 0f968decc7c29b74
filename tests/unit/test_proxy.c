/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CONNECT tunnel: the exact request the proxy sees (authority form,
 * Basic credentials per RFC 7617), TLS to the server through it, keep-alive
 * inside one tunnel, and refusals reported as proxy errors, never as the
 * service's answer. The in-process peer plays the proxy, then the server.
 * (Proxy URLs and their user info: test_proxy_url.c.)
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <mbedtls/base64.h>

#include "hcsms.h"
#include "fake_port.h"
#include "tls_peer.h"
#include "compiled_out.h"

#if HCSMS_CONFIG_PROXY

#define TOKEN "MIIZ-test-token-0123456789"
#define ESTABLISHED "HTTP/1.1 200 Connection established\r\n\r\n"

static hcsms_client client;
static hcsms_result result;
static char traced[8192];

static const char ok_200[] =
    "HTTP/1.1 200 OK\r\nX-Request-Id: req-1\r\nContent-Length: 2\r\n\r\n{}";

static void trace(void *user, hcsms_trace_event event, const char *text)
{
    size_t used = strlen(traced);
    (void)user;
    snprintf(traced + used, sizeof(traced) - used, "%d %s\n", (int)event, text);
}

static void start(const char *endpoint, const char *user, const char *password,
                  const char *proxy_answer, const struct peer_step *steps, size_t count)
{
    hcsms_client_config config;

    fake_port_reset();
    tls_peer_start(steps, count);
    tls_peer_proxy(proxy_answer);
    traced[0] = '\0';
    hcsms_client_config_init(&config);
    config.endpoint = endpoint;
    config.proxy = "http://proxy.corp:3128";
    config.proxy_username = user;
    config.proxy_password = password;
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.auth_token = TOKEN;
    config.timeout_ms = 5000;
    config.trace = trace;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
}

static int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

static void tunnel_with_basic_credentials(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}, {PEER_RESPOND, ok_200}};
    (void)state;
    /* RFC 7617's own example: Aladdin / open sesame. */
    start("https://localhost:8443", "Aladdin", "open sesame", ESTABLISHED, steps, 2);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_string_equal(fake.connect_host, "proxy.corp");
    assert_int_equal(fake.connect_port, 3128);
    assert_string_equal(tls_peer_proxy_request(),
                        "CONNECT localhost:8443 HTTP/1.1\r\n"
                        "Host: localhost:8443\r\n"
                        "User-Agent: hcsms/" HCSMS_VERSION "\r\n"
                        "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
    /* The server sees the usual request (SNI and Host are the server's). */
    assert_non_null(strstr(tls_peer_last_request(), "Host: localhost:8443\r\n"));
    assert_null(strstr(tls_peer_last_request(), "Proxy-Authorization"));
    /* The kept-alive tunnel carries the next task: no second CONNECT. */
    assert_int_equal(hcsms_unlock(&client, "t2", &result), HCSMS_OK);
    assert_int_equal(fake.connects, 1);
    assert_int_equal(tls_peer_handshakes(), 1);
    /* Neither the password nor its encoding is traced or left behind. */
    assert_null(strstr(traced, "open sesame"));
    assert_null(strstr(traced, "QWxhZGRpbjpvcGVuIHNlc2FtZQ"));
#if HCSMS_CONFIG_TRACE
    assert_non_null(strstr(traced, "via proxy proxy.corp:3128"));
    assert_non_null(strstr(traced, "answered HTTP/1.1 200"));
#endif
    assert_null(memmem(&client, sizeof(client), "QWxhZGRpbjpvcGVuIHNlc2FtZQ", 26));
}

static void basic_encoding_of_every_length(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    char user[8], password[8], joined[20], header[96];
    unsigned char encoded[40];
    size_t user_len, password_len, olen;

    (void)state;
    /* Every remainder of the 3-byte groups, split anywhere between the two. */
    for (user_len = 1; user_len <= 4; user_len++) {
        for (password_len = 0; password_len <= 4; password_len++) {
            memcpy(user, "uvwx", user_len);
            user[user_len] = '\0';
            memcpy(password, "p:\xc3\xa9", password_len);
            password[password_len] = '\0';
            snprintf(joined, sizeof(joined), "%s:%s", user, password);
            assert_int_equal(mbedtls_base64_encode(encoded, sizeof(encoded), &olen,
                                                   (const unsigned char *)joined,
                                                   strlen(joined)), 0);
            snprintf(header, sizeof(header), "Proxy-Authorization: Basic %s\r\n", encoded);
            start("https://localhost:8443", user, password, ESTABLISHED, steps, 1);
            assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
            if (strstr(tls_peer_proxy_request(), header) == NULL)
                fail_msg("user '%s' password '%s': %s", user, password, tls_peer_proxy_request());
            finish(NULL);
        }
    }
}

static void no_credentials_no_header(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    start("https://localhost:8443", NULL, NULL, "HTTP/1.0 200 OK\r\n\r\n", steps, 1);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_null(strstr(tls_peer_proxy_request(), "Proxy-Authorization"));
}

static void authority_form_always_has_the_port(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    /* The certificate is for localhost: these fail verification after the
     * CONNECT, which is all this test looks at. */
    start("https://[::1]:8443", NULL, NULL, ESTABLISHED, steps, 1);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_TLS_VERIFY);
    assert_memory_equal(tls_peer_proxy_request(), "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n", 47);
    finish(NULL);
    start("https://sms.example.com", NULL, NULL, ESTABLISHED, steps, 1);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_TLS_VERIFY);
    assert_memory_equal(tls_peer_proxy_request(), "CONNECT sms.example.com:443 HTTP/1.1\r\n", 38);
}

static void refusals_are_proxy_errors(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    static const struct {
        const char *answer;
        int status;
    } refusals[] = {
        {"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
         "Content-Length: 10\r\n\r\n0123456789", 407},
        {"HTTP/1.0 403 Access violation\r\nContent-Type: text/html\r\n\r\n<html>", 403},
        {"HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n", 502},
        {"HTTP/1.1 301 Moved\r\nLocation: http://elsewhere/\r\n\r\n", 301},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        start("https://localhost:8443", "user", "pw", refusals[i].answer, steps, 1);
        assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_PROXY);
        assert_int_equal(result.proxy_status, refusals[i].status);
        assert_int_equal(result.http_status, 0); /* not the service's answer */
        assert_string_equal(result.failed_step, "proxy CONNECT");
        assert_int_equal(tls_peer_handshakes(), 0);
        assert_int_equal(tls_peer_requests(), 0);
        assert_int_equal(hcsms_error_class_of(HCSMS_ERR_PROXY), HCSMS_CLASS_TRANSPORT);
        finish(NULL);
    }
}

static void garbage_from_the_proxy(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    start("https://localhost:8443", NULL, NULL, "SSH-2.0-OpenSSH_9.2\r\n\r\n", steps, 1);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_HTTP_STATUS_LINE);
    assert_string_equal(result.failed_step, "proxy CONNECT");
    assert_int_equal(tls_peer_handshakes(), 0);
}

static void bytes_before_the_handshake_are_refused(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    /* A "server hello" the server cannot have sent yet. */
    start("https://localhost:8443", NULL, NULL, ESTABLISHED "\x16\x03\x03\x00\x10", steps, 1);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_HTTP_UNEXPECTED);
    assert_int_equal(tls_peer_handshakes(), 0);
}

static void unreachable_proxy(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    start("https://localhost:8443", NULL, NULL, ESTABLISHED, steps, 1);
    fake.connect_result = HCSMS_ERR_CONNECT;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_CONNECT);
    assert_string_equal(result.failed_step, "connect to proxy");
}

/* Typed steps, not text: a connect that timed out is retried as often
 * through a proxy as directly (the retry policy compared failed_step with
 * "connect", and the proxy path said "connect to proxy"). */
static void connect_timeouts_retried_through_a_proxy_too(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    unsigned through_proxy;
    (void)state;
    start("https://localhost:8443", NULL, NULL, ESTABLISHED, steps, 1);
    client.retries = 3;
    client.timeout_ms = 600000; /* room for every backoff wait on the fake clock */
    fake.connect_result = HCSMS_ERR_TIMEOUT;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_TIMEOUT);
    assert_int_equal(result.step, HCSMS_STEP_PROXY_CONNECT);
    assert_string_equal(result.failed_step, "connect to proxy");
    through_proxy = fake.connects;
    hcsms_client_free(&client);
    tls_peer_stop();

    start("https://localhost:8443", NULL, NULL, ESTABLISHED, steps, 1);
    client.proxy_host[0] = '\0'; /* the same client, direct */
    client.retries = 3;
    client.timeout_ms = 600000;
    fake.connect_result = HCSMS_ERR_TIMEOUT;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_TIMEOUT);
    assert_int_equal(result.step, HCSMS_STEP_CONNECT);
    assert_int_equal(fake.connects, 4);
    assert_int_equal(through_proxy, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(tunnel_with_basic_credentials, finish),
        cmocka_unit_test_teardown(connect_timeouts_retried_through_a_proxy_too, finish),
        cmocka_unit_test(basic_encoding_of_every_length),
        cmocka_unit_test_teardown(no_credentials_no_header, finish),
        cmocka_unit_test_teardown(authority_form_always_has_the_port, finish),
        cmocka_unit_test(refusals_are_proxy_errors),
        cmocka_unit_test_teardown(garbage_from_the_proxy, finish),
        cmocka_unit_test_teardown(bytes_before_the_handshake_are_refused, finish),
        cmocka_unit_test_teardown(unreachable_proxy, finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
HCSMS_COMPILED_OUT_MAIN(HCSMS_CONFIG_PROXY)
#endif /* HCSMS_CONFIG_PROXY */
