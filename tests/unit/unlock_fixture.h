/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the test_unlock*.c files share: one client set up against the
 * in-process TLS peer (tls_peer.c) on the fake port, its result, the usual
 * answers, and start()/finish(). Header only: each file gets its own copy.
 * A file whose tests look inside the client defines HCSMS_ALLOW_PRIVATE_ACCESS
 * before including it.
 */
#ifndef HCSMS_TEST_UNLOCK_FIXTURE_H
#define HCSMS_TEST_UNLOCK_FIXTURE_H

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

/* Not every file uses every part. */
#define FIXTURE static __attribute__((unused))

FIXTURE hcsms_client client;
FIXTURE hcsms_result result;

FIXTURE const char ok_200[] =
    "HTTP/1.1 200 OK\r\nX-Request-Id: req-1\r\nContent-Type: application/json\r\n"
    "Content-Length: 2\r\n\r\n{}";
FIXTURE const char forbidden_403[] =
    "HTTP/1.1 403 Forbidden\r\nX-Request-Id: req-403\r\nContent-Length: 128\r\n\r\n"
    "{\"error_code\":\"SMS.9004\",\"error_msg\":\"no permission\",\"error_param\":[\"task_id\"],"
    "\"details\":[{\"error_code\":\"X.1\",\"error_msg\":\"d\"}]}";

FIXTURE uint8_t retries; /* for the next start() */

FIXTURE void start(const struct peer_step *steps, size_t count, uint32_t timeout_ms)
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

FIXTURE int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

#endif /* HCSMS_TEST_UNLOCK_FIXTURE_H */
