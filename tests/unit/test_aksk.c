/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AK/SK signing (SDK-HMAC-SHA256): the public vectors of the official SDKs,
 * vectors of our own for the unlock request (computed independently with
 * Python's hashlib/hmac from the spec's rules), X-Sdk-Date formatting, and
 * the signed unlock end to end against the in-process TLS server.
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../src/auth/auth.h"
#include "hcsms.h"
#include "fake_port.h"
#include "tls_peer.h"

#if HCSMS_CONFIG_AKSK
static const char date_2020[] = "20200608T023900Z";

static void sign_vector(const char *method, const char *body, const char *expected)
{
    const hcsms_signed_header headers[] = {
        {"host", "service.endpoint.myhuaweicloud.com"},
        {"x-sdk-date", date_2020},
    };
    hcsms_aksk_signer signer;
    char signature[65];

    assert_int_equal(hcsms_aksk_begin(&signer, method), 0);
    hcsms_aksk_update(&signer, "/resources", 10);
    assert_int_equal(hcsms_aksk_finish(&signer, "size=1", headers, 2, (const unsigned char *)body,
                                       strlen(body), date_2020, "SecretKey", 9, signature),
                     0);
    assert_string_equal(signature, expected);
}

/* The spec's public vectors (GET and POST of /resources?size=1). */
static void public_vectors(void **state)
{
    (void)state;
    sign_vector("GET", "", "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842");
    sign_vector("POST", "{\"name\":\"test\",\"id\":1}",
                "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f");
}

static void unlock_vector_with_all_headers(void **state)
{
    const hcsms_signed_header headers[] = {
        {"content-type", "application/json"},
        {"host", "localhost:8443"},
        {"x-project-id", "0123456789abcdef"},
        {"x-sdk-date", "20261127T120000Z"},
        {"x-security-token", "TmpSecToken"},
    };
    hcsms_aksk_signer signer;
    char signature[65];
    (void)state;

    assert_int_equal(hcsms_aksk_begin(&signer, "POST"), 0);
    hcsms_aksk_update(&signer, "/v3/tasks/a%20b%2Fc/unlock", 26);
    assert_int_equal(hcsms_aksk_finish(&signer, "", headers, 5, (const unsigned char *)"", 0,
                                       "20261127T120000Z", "SecretKey", 9, signature),
                     0);
    assert_string_equal(signature, "5f81ee04d93aedfafa5f99de0ba247e9b2d24dda13d0e290ad22f1f75f663958");
}

static void sdk_dates(void **state)
{
    char out[17];
    (void)state;
    assert_int_equal(hcsms_sdk_date(0, out), 0);
    assert_string_equal(out, "19700101T000000Z");
    assert_int_equal(hcsms_sdk_date(951868799, out), 0);
    assert_string_equal(out, "20000229T235959Z");
    assert_int_equal(hcsms_sdk_date(1795780800, out), 0);
    assert_string_equal(out, "20261127T120000Z");
    assert_int_equal(hcsms_sdk_date(4107542400LL, out), 0);
    assert_string_equal(out, "21000301T000000Z");
    assert_int_equal(hcsms_sdk_date(253402300799LL, out), 0);
    assert_string_equal(out, "99991231T235959Z");
    assert_int_equal(hcsms_sdk_date(-1, out), HCSMS_ERR_CLOCK);
    assert_int_equal(hcsms_sdk_date(253402300800LL, out), HCSMS_ERR_CLOCK);
}

#endif /* HCSMS_CONFIG_AKSK */

static void credential_checks(void **state)
{
    (void)state;
    assert_int_equal(hcsms_check_credentials("AKID", "secret", NULL, NULL), HCSMS_OK);
    assert_int_equal(hcsms_check_credentials("AKID", "secret", "tok", "0123"), HCSMS_OK);
    assert_int_equal(hcsms_check_credentials(NULL, "secret", NULL, NULL), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_check_credentials("AKID", NULL, NULL, NULL), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_check_credentials("", "secret", NULL, NULL), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_check_credentials("AK,ID", "secret", NULL, NULL), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_check_credentials("AK ID", "secret", NULL, NULL), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_check_credentials("AKID", "sec\r\nret", NULL, NULL), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_check_credentials("AKID", "secret", "to\nk", NULL), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_check_credentials("AKID", "secret", NULL, "p\x01"), HCSMS_ERR_INVALID_CREDENTIALS);
}

/* ---- The signed unlock, end to end in-process ------------------------- */

static hcsms_client client;
static hcsms_result result;
static const char ok_200[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

static int start_aksk(const char *token, const char *security_token, const char *project_id)
{
    static const struct peer_step steps[] = {{PEER_RESPOND, ok_200}, {PEER_RESPOND, ok_200}};
    hcsms_client_config config;

    fake_port_reset();
    tls_peer_start(steps, 2);
    hcsms_client_config_init(&config);
    config.endpoint = "https://localhost:8443";
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.auth_token = token;
    config.access_key = "AKID";
    config.secret_key = "SecretKey";
    config.security_token = security_token;
    config.project_id = project_id;
    return hcsms_client_init(&client, &config);
}

static int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

#if HCSMS_CONFIG_AKSK
static void signed_unlock_request(void **state)
{
    (void)state;
    assert_int_equal(start_aksk(NULL, NULL, NULL), HCSMS_OK);
    fake.utc_seconds = 1795780800; /* 2026-11-27T12:00:00Z */
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_string_equal(tls_peer_last_request(),
                        "POST /v3/tasks/t1/unlock HTTP/1.1\r\n"
                        "Host: localhost:8443\r\n"
                        "User-Agent: hcsms/" HCSMS_VERSION "\r\n"
                        "Accept: application/json\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: 0\r\n"
                        "X-Sdk-Date: 20261127T120000Z\r\n"
                        "Authorization: SDK-HMAC-SHA256 Access=AKID, "
                        "SignedHeaders=content-type;host;x-sdk-date, "
                        "Signature=2dd6631fdd9afe13002d13ea1b799fe4352ee63913d3b8482dc8b50322954c35\r\n\r\n");
}

static void signed_with_temporary_credentials_and_project(void **state)
{
    (void)state;
    assert_int_equal(start_aksk(NULL, "TmpSecToken", "0123456789abcdef"), HCSMS_OK);
    fake.utc_seconds = 1795780800;
    /* Expected signatures from tests/servers/aksk_verify.py (the Python
     * signer the e2e server checks with); a lax build signs an encoded path. */
#if HCSMS_CONFIG_STRICT_TASK_ID
    assert_int_equal(hcsms_unlock(&client, "a_b-C9", &result), HCSMS_OK);
#define SIGNATURE "376b31806e0bcdf9ecc47dbb6816d383243f1862a66ad367dbb8dd881ce2822d"
#else
    assert_int_equal(hcsms_unlock(&client, "a b/c", &result), HCSMS_OK);
#define SIGNATURE "5f81ee04d93aedfafa5f99de0ba247e9b2d24dda13d0e290ad22f1f75f663958"
#endif
    assert_non_null(strstr(tls_peer_last_request(), "X-Project-Id: 0123456789abcdef\r\n"));
    assert_non_null(strstr(tls_peer_last_request(), "X-Security-Token: TmpSecToken\r\n"));
    assert_non_null(strstr(tls_peer_last_request(),
                           "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, "
                           "Signature=" SIGNATURE "\r\n"));
#undef SIGNATURE
    /* The security token is wiped from the I/O buffer too. */
    assert_null(memmem(&client, sizeof(client), "TmpSecToken", 11));
}

static void no_clock_no_request(void **state)
{
    (void)state;
    assert_int_equal(start_aksk(NULL, NULL, NULL), HCSMS_OK);
    fake.utc_seconds = 0; /* the port has no time */
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_CLOCK);
    assert_string_equal(result.failed_step, "signing");
    assert_int_equal(fake.connects, 0);
}

#else
/* Built without AK/SK signing: a key pair is refused at init, never sent
 * unsigned. */
static void aksk_compiled_out(void **state)
{
    (void)state;
    assert_int_equal(start_aksk(NULL, NULL, NULL), HCSMS_ERR_NOT_BUILT);
    assert_int_equal(fake.connects, 0);
}
#endif /* HCSMS_CONFIG_AKSK */

static void token_wins_over_aksk(void **state)
{
    (void)state;
    assert_int_equal(start_aksk("a-token", NULL, NULL), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_OK);
    assert_non_null(strstr(tls_peer_last_request(), "X-Auth-Token: a-token\r\n"));
    assert_null(strstr(tls_peer_last_request(), "Authorization:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(credential_checks),
#if HCSMS_CONFIG_AKSK
        cmocka_unit_test(public_vectors),
        cmocka_unit_test(unlock_vector_with_all_headers),
        cmocka_unit_test(sdk_dates),
        cmocka_unit_test_teardown(signed_unlock_request, finish),
        cmocka_unit_test_teardown(signed_with_temporary_credentials_and_project, finish),
        cmocka_unit_test_teardown(no_clock_no_request, finish),
#else
        cmocka_unit_test_teardown(aksk_compiled_out, finish),
#endif
        cmocka_unit_test_teardown(token_wins_over_aksk, finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
