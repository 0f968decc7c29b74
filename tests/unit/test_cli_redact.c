/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of redaction (src/cli/redact.c): every secret of struct
 * cli_secrets, found as the text reads and as raw JSON would read once
 * unescaped (\/, \", \uXXXX, surrogate pairs), in runs of 12 bytes or the
 * whole of a shorter secret; 64-hex runs (AK/SK signatures) but the empty
 * body's hash; text that never grows.
 */
#define _GNU_SOURCE 1 /* cli.h: struct timespec */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../src/cli/cli.h"

static struct cli_secrets secrets;

static int setup(void **state)
{
    (void)state;
    memset(&secrets, 0, sizeof(secrets));
    return 0;
}

/* What redaction makes of input. */
static void expect_redacted(const char *input, const char *expected)
{
    char text[1024];

    assert_true(strlen(input) < sizeof(text));
    strcpy(text, input);
    cli_redact(&secrets, text);
    assert_string_equal(text, expected);
    assert_true(strlen(text) <= strlen(input)); /* never grows */
}

#define TOKEN "MIIEtoken-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

static void test_token_echo(void **state)
{
    (void)state;
    strcpy(secrets.token, TOKEN);
    expect_redacted("", "");
    expect_redacted("nothing secret here", "nothing secret here");
    expect_redacted("bad token " TOKEN " (sorry)", "bad token (redacted) (sorry)");
    expect_redacted(TOKEN TOKEN, "(redacted)");
    /* any 12 bytes of it, anywhere in it; not 11 */
    expect_redacted("x=ABCDEFGHIJKL;", "x=(redacted);");
    expect_redacted("x=ABCDEFGHIJK;", "x=ABCDEFGHIJK;");
    expect_redacted("x=456789ABCDEFGHIJKLMN", "x=456789(redacted)");
}

/* A secret shorter than "(redacted)" becomes as many '*': never longer. */
static void test_short_secrets(void **state)
{
    (void)state;
    strcpy(secrets.password, "hunter2");
    expect_redacted("password hunter2 is wrong", "password ******* is wrong");
    expect_redacted("hunter", "hunter");
    strcpy(secrets.proxy_password, "pw");
    expect_redacted("user:pw@", "user:**@");
}

static void test_every_secret(void **state)
{
    (void)state;
    secrets.secret_key = "SK-secret-key-0123456789";
    secrets.security_token = "STS-security-token-abcdefghij";
    strcpy(secrets.password, "iam-password-that-is-long");
    strcpy(secrets.proxy_password, "proxy-password-long-enough");
    expect_redacted("sk SK-secret-key-0123456789", "sk (redacted)");
    expect_redacted("st STS-security-token-abcdefghij!", "st (redacted)!");
    expect_redacted("pw iam-password-that-is-long.", "pw (redacted).");
    expect_redacted("proxy-password-long-enough", "(redacted)");
}

/* Raw JSON: the secret as it reads once unescaped. */
static void test_json_escapes(void **state)
{
    (void)state;
    strcpy(secrets.token, "abc/def\"ghi\\jkl/mno");
    /* as the text reads: a field the library already unescaped */
    expect_redacted("t=abc/def\"ghi\\jkl/mno", "t=(redacted)");
    /* escaped the JSON way */
    expect_redacted("{\"t\":\"abc\\/def\\\"ghi\\\\jkl\\/mno\"}", "{\"t\":\"(redacted)\"}");
    /* \uXXXX, in either case */
    expect_redacted("\\u0061\\u0062\\u0063\\u002Fdef\\u0022ghi\\u005cjkl/mno", "(redacted)");
}

static void test_json_unicode(void **state)
{
    (void)state;
    /* non-ASCII: U+00E4 and U+4E2D */
    strcpy(secrets.password, "p\xc3\xa4sswort-\xe4\xb8\xad-geheim");
    expect_redacted("[p\\u00e4sswort-\\u4e2d-geheim]", "[(redacted)]");
    expect_redacted("[p\xc3\xa4sswort-\xe4\xb8\xad-geheim]", "[(redacted)]");
    /* a surrogate pair: U+1F600 */
    strcpy(secrets.password, "emoji-\xf0\x9f\x98\x80-password");
    expect_redacted("\"emoji-\\ud83d\\ude00-password\"", "\"(redacted)\"");
    /* a lone surrogate stands for nothing: left as it is */
    expect_redacted("\\ud83d-password", "\\ud83d-password");
}

static void test_signatures(void **state)
{
    static const char sig[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    char input[256], expected[256];

    (void)state;
    snprintf(input, sizeof(input), "Signature=%s, x", sig);
    expect_redacted(input, "Signature=(redacted), x");
    expect_redacted(sig, "(redacted)");
    /* 63 or 65 hex digits are not a signature */
    snprintf(input, sizeof(input), "%.63s", sig);
    expect_redacted(input, input);
    snprintf(input, sizeof(input), "%sa", sig);
    expect_redacted(input, input);
    /* upper case too; split by another character: not caught */
    snprintf(input, sizeof(input), "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");
    expect_redacted(input, "(redacted)");
    snprintf(input, sizeof(input), "%.32s-%s", sig, sig + 32);
    expect_redacted(input, input);
    /* SHA-256 of nothing is public, in either case */
    snprintf(input, sizeof(input),
             "x-sdk-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect_redacted(input, input);
    snprintf(expected, sizeof(expected),
             "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
    expect_redacted(expected, expected);
}

/* Every field of a result a server fills. */
static void test_redact_result(void **state)
{
    static hcsms_result result;

    (void)state;
    strcpy(secrets.token, TOKEN);
    memset(&result, 0, sizeof(result));
    strcpy(result.request_id, TOKEN);
    strcpy(result.error_code, "E-" TOKEN);
    strcpy(result.error_msg, "m " TOKEN);
    strcpy(result.encoded_authorization_message, TOKEN);
    result.error_param_count = 2;
    strcpy(result.error_param[0], "ok");
    strcpy(result.error_param[1], "ABCDEFGHIJKLMNOP");
    result.details_count = 1;
    strcpy(result.details[0].error_code, "XYZ012345678");
    strcpy(result.details[0].error_msg, "d " TOKEN);
    cli_redact_result(&secrets, &result);
    assert_string_equal(result.request_id, "(redacted)");
    assert_string_equal(result.error_code, "E-(redacted)");
    assert_string_equal(result.error_msg, "m (redacted)");
    assert_string_equal(result.encoded_authorization_message, "(redacted)");
    assert_string_equal(result.error_param[0], "ok");
    assert_string_equal(result.error_param[1], "(redacted)");
    assert_string_equal(result.details[0].error_code, "(redacted)");
    assert_string_equal(result.details[0].error_msg, "d (redacted)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_token_echo, setup),
        cmocka_unit_test_setup(test_short_secrets, setup),
        cmocka_unit_test_setup(test_every_secret, setup),
        cmocka_unit_test_setup(test_json_escapes, setup),
        cmocka_unit_test_setup(test_json_unicode, setup),
        cmocka_unit_test_setup(test_signatures, setup),
        cmocka_unit_test_setup(test_redact_result, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
