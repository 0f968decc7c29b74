/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Getting a token from IAM: the exact request (body escaped, its length
 * right), the 16 KB X-Subject-Token kept while a large body is drained
 * through the small I/O buffer, IAM's errors, and answers that must not be
 * taken for a token. The in-process peer plays IAM.
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcsms.h"
#include "fake_port.h"
#include "tls_peer.h"
#include "../../src/json/json.h"

static hcsms_client client;
static hcsms_result result;
static char token[HCSMS_TOKEN_MAX + 1];
#define PASSWORD "pa\"ss\\w\tord \xc3\xa9"

static void start(const struct peer_step *steps, size_t count)
{
    hcsms_client_config config;

    fake_port_reset();
    tls_peer_start(steps, count);
    hcsms_client_config_init(&config);
    config.endpoint = "https://localhost:8443";
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.timeout_ms = 5000;
    /* No token, no keys: an IAM client. */
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
}

static int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

#if HCSMS_CONFIG_IAM
static char answer[60000];

/* A 201 with an X-Subject-Token of token_len bytes and a chunked body of
 * body_len bytes (a stand-in for IAM's catalog). */
static const char *iam_201(size_t token_len, size_t body_len)
{
    size_t n, i;

    n = (size_t)snprintf(answer, sizeof(answer),
                         "HTTP/1.1 201 Created\r\nX-Request-Id: iam-1\r\nX-Subject-Token: ");
    for (i = 0; i < token_len; i++)
        answer[n++] = "MIIdeTokenBase64+/=-_"[i % 21];
    n += (size_t)snprintf(answer + n, sizeof(answer) - n,
                          "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    while (body_len > 0) {
        size_t chunk = body_len < 4000 ? body_len : 4000;
        n += (size_t)snprintf(answer + n, sizeof(answer) - n, "%zx\r\n", chunk);
        memset(answer + n, 'c', chunk);
        n += chunk;
        memcpy(answer + n, "\r\n", 2);
        n += 2;
        body_len -= chunk;
    }
    snprintf(answer + n, sizeof(answer) - n, "0\r\n\r\n");
    return answer;
}

static void token_of_16384_bytes_and_the_exact_request(void **state)
{
    static struct peer_step steps[1];
    const hcsms_iam_credentials credentials = {"ops-user", PASSWORD, "acme", "ap-southeast-3"};
    static const char body[] =
        "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":"
        "{\"name\":\"ops-user\",\"password\":\"pa\\\"ss\\\\w\\u0009ord \xc3\xa9\","
        "\"domain\":{\"name\":\"acme\"}}}},\"scope\":{\"project\":{\"name\":\"ap-southeast-3\"}}}}";
    char expected[1024];
    size_t i;

    (void)state;
    steps[0].action = PEER_RESPOND;
    steps[0].response = iam_201(HCSMS_TOKEN_MAX, 30000);
    start(steps, 1);
    assert_int_equal(hcsms_iam_get_token(&client, &credentials, token, sizeof(token), &result),
                     HCSMS_OK);
    assert_int_equal(result.http_status, 201);
    assert_string_equal(result.request_id, "iam-1");
    assert_int_equal(strlen(token), HCSMS_TOKEN_MAX);
    for (i = 0; i < HCSMS_TOKEN_MAX; i++)
        assert_int_equal(token[i], "MIIdeTokenBase64+/=-_"[i % 21]);
    assert_int_equal(result.body_bytes, 30000); /* drained, counted */
    snprintf(expected, sizeof(expected),
             "POST /v3/auth/tokens?nocatalog=true HTTP/1.1\r\n"
             "Host: localhost:8443\r\n"
             "User-Agent: hcsms/" HCSMS_VERSION "\r\n"
             "Accept: application/json\r\n"
             "Content-Type: application/json;charset=utf8\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             sizeof(body) - 1, body);
    assert_string_equal(tls_peer_last_request(), expected);
    /* The password went out and is gone from the context. */
    assert_null(memmem(&client, sizeof(client), "pa\\\"ss", 6));
    assert_null(memmem(&client, sizeof(client), "ops-user", 8));
    /* The client can now unlock with the token it got. */
    assert_int_equal(hcsms_client_set_token(&client, token), HCSMS_OK);
}

static void domain_scope(void **state)
{
    static struct peer_step steps[1];
    const hcsms_iam_credentials credentials = {"u", "p", "acme", NULL};
    (void)state;
    steps[0].action = PEER_RESPOND;
    steps[0].response = iam_201(100, 10);
    start(steps, 1);
    assert_int_equal(hcsms_iam_get_token(&client, &credentials, token, sizeof(token), &result),
                     HCSMS_OK);
    assert_non_null(strstr(tls_peer_last_request(),
                           ",\"scope\":{\"domain\":{\"name\":\"acme\"}}}}"));
}

static void wrong_password_is_iam_answer(void **state)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND,
         "HTTP/1.1 401 Unauthorized\r\nX-Request-Id: iam-401\r\nContent-Length: 92\r\n\r\n"
         "{\"error\":{\"code\":401,\"message\":\"The username or password is wrong.\","
         "\"title\":\"Unauthorized\"}}"}};
    const hcsms_iam_credentials credentials = {"u", "wrong", "acme", "ap-southeast-3"};
    (void)state;
    start(steps, 1);
    strcpy(token, "stale");
    assert_int_equal(hcsms_iam_get_token(&client, &credentials, token, sizeof(token), &result),
                     HCSMS_ERR_SERVICE);
    assert_int_equal(result.http_status, 401);
    assert_string_equal(result.error_code, "401");
    assert_string_equal(result.error_msg, "The username or password is wrong.");
    assert_string_equal(result.request_id, "iam-401");
    assert_string_equal(token, "");
}

static void answers_that_are_not_a_token(void **state)
{
    static struct peer_step steps[1];
    static const char *const answers[] = {
        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 201 Created\r\nX-Subject-Token:\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 201 Created\r\nX-Subject-Token: MIIa\r\nX-Subject-Token: MIIb\r\n"
        "Content-Length: 0\r\n\r\n",
        "HTTP/1.1 201 Created\r\nX-Subject-Token: MII a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Subject-Token: MII\xc3\xa9\r\nContent-Length: 0\r\n\r\n",
        NULL, /* one byte over the longest token */
    };
    const hcsms_iam_credentials credentials = {"u", "p", "acme", NULL};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        steps[0].action = PEER_RESPOND;
        steps[0].response = answers[i] != NULL ? answers[i] : iam_201(HCSMS_TOKEN_MAX + 1, 0);
        start(steps, 1);
        memset(token, 'x', sizeof(token));
        assert_int_equal(hcsms_iam_get_token(&client, &credentials, token, sizeof(token),
                                             &result), HCSMS_ERR_NO_TOKEN);
        assert_string_equal(result.failed_step, "read response");
        assert_int_equal(token[0], '\0');
        assert_null(memchr(token, 'M', sizeof(token))); /* no piece of it left */
        finish(NULL);
    }
}

static void caller_buffer_too_small(void **state)
{
    static struct peer_step steps[1];
    const hcsms_iam_credentials credentials = {"u", "p", "acme", NULL};
    char small[100];
    (void)state;
    steps[0].action = PEER_RESPOND;
    steps[0].response = iam_201(100, 0);
    start(steps, 1);
    assert_int_equal(hcsms_iam_get_token(&client, &credentials, small, sizeof(small), &result),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(small[0], '\0');
    finish(NULL);
    /* Cut, but white space in what was kept: not a token at all. */
    steps[0].response = "HTTP/1.1 201 Created\r\nX-Subject-Token: MII abc"
                        "0123456789012345678901234567890123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789\r\nContent-Length: 0\r\n\r\n";
    start(steps, 1);
    assert_int_equal(hcsms_iam_get_token(&client, &credentials, small, sizeof(small), &result),
                     HCSMS_ERR_NO_TOKEN);
    assert_int_equal(small[0], '\0');
}

#else
/* Built without IAM: refused before anything is sent, the caller's buffer
 * emptied as on every failure. */
static void iam_compiled_out(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, "HTTP/1.1 500 x\r\n\r\n"}};
    const hcsms_iam_credentials c = {"user", PASSWORD, "account", "ap-southeast-3"};

    (void)state;
    start(steps, 1);
    strcpy(token, "old");
    assert_int_equal(hcsms_iam_get_token(&client, &c, token, sizeof(token), &result),
                     HCSMS_ERR_NOT_BUILT);
    assert_string_equal(token, "");
    assert_int_equal(result.step, HCSMS_STEP_SETUP);
    assert_int_equal(fake.connects, 0);
}
#endif /* HCSMS_CONFIG_IAM */

/* The JSON writer against the JSON reader: what one escapes the other
 * reads back byte for byte, for every byte value that may be sent. */
static void collect(void *context, const void *data, size_t len)
{
    char *out = context;
    size_t used = strlen(out);
    memcpy(out + used, data, len);
    out[used + len] = '\0';
}

static void json_strings_round_trip(void **state)
{
    char text[300], json[2000], copy[300];
    jsmntok_t tokens[4];
    hcsms_json doc;
    int truncated = 0;
    size_t n = 0;
    unsigned c;

    (void)state;
    for (c = 1; c < 0x80; c++)
        text[n++] = (char)c;
    memcpy(text + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
    text[n + 9] = '\0';
    assert_int_equal(hcsms_json_text_ok(text, sizeof(text)), 1);
    strcpy(json, "{\"k\":");
    hcsms_json_write_string(collect, json, text);
    strcat(json, "}");
    assert_true(hcsms_json_parse(&doc, json, strlen(json), tokens, 4) > 0);
    assert_int_equal(doc.complete, 1);
    assert_int_equal(hcsms_json_copy_string(&doc, hcsms_json_get(&doc, 0, "k"), copy,
                                            sizeof(copy), &truncated), 0);
    assert_string_equal(copy, text);
    assert_int_equal(hcsms_json_text_ok("\xc3", 10), 0);
    assert_int_equal(hcsms_json_text_ok("abc", 2), 0);
    assert_int_equal(hcsms_json_text_ok("", 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#if HCSMS_CONFIG_IAM
        cmocka_unit_test_teardown(token_of_16384_bytes_and_the_exact_request, finish),
        cmocka_unit_test_teardown(domain_scope, finish),
        cmocka_unit_test_teardown(wrong_password_is_iam_answer, finish),
        cmocka_unit_test(answers_that_are_not_a_token),
        cmocka_unit_test_teardown(caller_buffer_too_small, finish),
#else
        cmocka_unit_test_teardown(iam_compiled_out, finish),
#endif
        cmocka_unit_test(json_strings_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
