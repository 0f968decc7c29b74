/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.user_agent: the caller's product token after hcsms's own in the
 * User-Agent header (the SDKs' user-agent suffix), and what init refuses,
 * against the in-process mbedTLS server on the fake port.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hcsms.h"
#include "fake_port.h"
#include "tls_peer.h"

#define TOKEN "MIIZ-test-token-0123456789abcdefghijklmnopqrstuvwxyz"

static hcsms_client client;
static hcsms_result result;

static const char ok_200[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

static int init_with(const char *user_agent)
{
    hcsms_client_config config;

    hcsms_client_config_init(&config);
    config.endpoint = "https://localhost:8443";
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.auth_token = TOKEN;
    config.timeout_ms = 5000;
    config.user_agent = user_agent;
    return hcsms_client_init(&client, &config);
}

static int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

static void user_agent_follows_hcsms_own(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    fake_port_reset();
    tls_peer_start(steps, 1);
    assert_int_equal(init_with("acme-agent/3.1 (linux; arm)"), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_non_null(strstr(tls_peer_last_request(),
                           "\r\nUser-Agent: hcsms/" HCSMS_VERSION " acme-agent/3.1 (linux; arm)\r\n"));
}

static void no_user_agent_is_hcsms_alone(void **state)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}};
    (void)state;
    fake_port_reset();
    tls_peer_start(steps, 1);
    assert_int_equal(init_with(NULL), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_non_null(strstr(tls_peer_last_request(), "\r\nUser-Agent: hcsms/" HCSMS_VERSION "\r\n"));
}

static void bad_user_agents_refused_at_init(void **state)
{
    static const char *const bad[] = {
        "",                       /* empty */
        " acme/1",                /* leading space */
        "acme/1 ",                /* trailing space */
        "acme/1\r\nX-Auth-Token: x", /* a header of its own */
        "acme/1\n",
        "acme\t1",                /* a control byte */
        "acme/\x7f",
        "acm\xc3\xa9/1",          /* not ASCII */
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 65 bytes */
    };
    size_t i;

    (void)state;
    fake_port_reset();
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(init_with(bad[i]), HCSMS_ERR_INVALID_ARGUMENT);
        hcsms_client_free(&client);
    }
    /* HCSMS_USER_AGENT_MAX bytes exactly are fine. */
    assert_int_equal(strlen(bad[8]) - 1, HCSMS_USER_AGENT_MAX);
    assert_int_equal(init_with(bad[8] + 1), HCSMS_OK);
    assert_int_equal(fake.connects, 0); /* nothing was sent, ever */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(user_agent_follows_hcsms_own, finish),
        cmocka_unit_test_teardown(no_user_agent_is_hcsms_alone, finish),
        cmocka_unit_test_teardown(bad_user_agents_refused_at_init, finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
