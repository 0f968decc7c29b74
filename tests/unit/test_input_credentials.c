/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Credentials checked before a byte is sent: tokens, replacing the token
 * (the old one kept on failure), and IAM credentials.
 */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include "input_checks.h"

/* ---- tokens ----------------------------------------------------------------------
 * 1..16384 bytes of visible ASCII (0x21..0x7e). */

static void token_checks(void **state)
{
    static const char *const bad_bytes[] = {" ", "\r", "\n", "\t", "\x7f", "\x80", "\xff"};
    char *max = repeat('t', HCSMS_TOKEN_MAX + 1);
    char visible[0x7f - 0x21 + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(visible) - 1; i++)
        visible[i] = (char)(0x21 + i);
    visible[sizeof(visible) - 1] = '\0';
    assert_int_equal(hcsms_check_token("x", 1), HCSMS_OK);
    assert_int_equal(hcsms_check_token(visible, strlen(visible)), HCSMS_OK);
    assert_int_equal(hcsms_check_token(max, HCSMS_TOKEN_MAX), HCSMS_OK);
    assert_int_equal(hcsms_check_token(max, HCSMS_TOKEN_MAX + 1), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_check_token(NULL, 5), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_check_token("x", 0), HCSMS_ERR_INVALID_TOKEN);
    for (i = 0; i < sizeof(bad_bytes) / sizeof(bad_bytes[0]); i++) {
        char t[8] = "ab";
        t[2] = bad_bytes[i][0];
        t[3] = 'c';
        assert_int_equal(hcsms_check_token(t, 4), HCSMS_ERR_INVALID_TOKEN);
    }
    /* A NUL inside the given length is not visible ASCII either. */
    assert_int_equal(hcsms_check_token("ab\0c", 4), HCSMS_ERR_INVALID_TOKEN);
    free(max);
}

/* ---- replacing the token ---------------------------------------------------------
 * A bad new token is refused and the old one stays in place. */

static void set_token_keeps_the_old_one_on_failure(void **state)
{
    static const char newer[] = "refreshed-token";
    char *too_long = repeat('t', HCSMS_TOKEN_MAX + 1);
    char *unterminated = malloc(HCSMS_TOKEN_MAX + 1);

    (void)state;
    assert_non_null(unterminated);
    memset(unterminated, 'u', HCSMS_TOKEN_MAX + 1); /* no NUL anywhere */
    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);

    assert_int_equal(hcsms_client_set_token(&client, too_long), HCSMS_ERR_INVALID_TOKEN);
    assert_ptr_equal(client.token, token);
    assert_int_equal(client.token_len, strlen(token));
    /* Bounded: reads at most HCSMS_TOKEN_MAX + 1 bytes (ASan would see more). */
    assert_int_equal(hcsms_client_set_token(&client, unterminated), HCSMS_ERR_INVALID_TOKEN);
    assert_ptr_equal(client.token, token);
    assert_int_equal(hcsms_client_set_token(&client, "bad token"), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_client_set_token(&client, ""), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_client_set_token(&client, NULL), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_client_set_token(NULL, newer), HCSMS_ERR_INVALID_TOKEN);
    assert_ptr_equal(client.token, token);
    assert_int_equal(client.token_len, strlen(token));

    assert_int_equal(hcsms_client_set_token(&client, newer), HCSMS_OK);
    assert_ptr_equal(client.token, newer);
    assert_int_equal(client.token_len, strlen(newer));
    too_long[HCSMS_TOKEN_MAX] = '\0';
    assert_int_equal(hcsms_client_set_token(&client, too_long), HCSMS_OK);
    assert_int_equal(client.token_len, HCSMS_TOKEN_MAX);
    free_client();
    free(too_long);
    free(unterminated);
}

/* ---- IAM credentials ------------------------------------------------------------ */

#if HCSMS_CONFIG_IAM
static void iam_credentials_checked_before_sending(void **state)
{
    char *longest = repeat('a', HCSMS_IAM_FIELD_MAX);
    char *too_long = repeat('a', HCSMS_IAM_FIELD_MAX + 1);
    hcsms_iam_credentials c = {"user", "pw", "account", "ap-southeast-3"};
    char out[64];
    struct {
        const char **field;
        const char *value;
    } bad[5];
    size_t i;

    (void)state;
    bad[0].field = &c.user, bad[0].value = "";
    bad[1].field = &c.password, bad[1].value = NULL;
    bad[2].field = &c.account, bad[2].value = too_long;
    bad[3].field = &c.password, bad[3].value = "bad \xc3\x28 utf-8";
    bad[4].field = &c.project, bad[4].value = "\xed\xa0\x80"; /* a surrogate */
    config.auth_token = NULL;
    assert_int_equal(init_endpoint("https://iam.example.com"), HCSMS_OK);
    fake.connects = 0;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *saved = *bad[i].field;
        *bad[i].field = bad[i].value;
        strcpy(out, "old");
        assert_int_equal(hcsms_iam_get_token(&client, &c, out, sizeof(out), &result),
                         HCSMS_ERR_INVALID_CREDENTIALS);
        assert_string_equal(out, "");
        assert_string_equal(result.failed_step, "input");
        *bad[i].field = saved;
    }
    assert_int_equal(fake.connects, 0);
    assert_int_equal(hcsms_iam_get_token(&client, &c, NULL, 0, &result),
                     HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(hcsms_iam_get_token(&client, NULL, out, sizeof(out), &result),
                     HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_iam_get_token(&client, &c, out, sizeof(out), NULL),
                     HCSMS_ERR_INVALID_ARGUMENT);
    c.user = longest;
    c.password = "p\"w\\\t\xc3\xa9"; /* escaped in the body, all valid */
    c.project = NULL;
    fake.connect_result = HCSMS_ERR_CONNECT;
    assert_int_equal(hcsms_iam_get_token(&client, &c, out, sizeof(out), &result),
                     HCSMS_ERR_CONNECT); /* accepted: it got as far as connecting */
    assert_int_equal(fake.connects, 1);
    free_client();
    config.auth_token = token;
    free(longest);
    free(too_long);
}
#endif /* HCSMS_CONFIG_IAM: test_iam.c checks the refusal without it */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(token_checks, setup),
        cmocka_unit_test_setup(set_token_keeps_the_old_one_on_failure, setup),
#if HCSMS_CONFIG_IAM
        cmocka_unit_test_setup(iam_credentials_checked_before_sending, setup),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
