/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the hcsms command's output room (src/cli/output.c): server
 * text through cli_put_safe (control bytes, C1 and bidi controls, invalid
 * UTF-8) and cli_put_json_string, and each form of cli_report: JSON Lines,
 * a success, a service error (with -v's details and redacted body), a
 * failure without an answer.
 */
#define _GNU_SOURCE 1 /* open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/cli.h"

/* ---- helpers ------------------------------------------------------------- */

static char *text;
static size_t text_len;

static FILE *open_text(void)
{
    FILE *out = open_memstream(&text, &text_len);
    assert_non_null(out);
    return out;
}

/* What put (cli_put_safe or cli_put_json_string) makes of input. */
static void expect_put(void (*put)(FILE *, const char *), const char *input,
                       const char *expected)
{
    FILE *out = open_text();

    put(out, input);
    fclose(out);
    assert_string_equal(text, expected);
    free(text);
    text = NULL;
}

static struct cli_secrets secrets;
static struct cli_run run;
static hcsms_result result;
static char *out_text, *err_text;
static size_t out_len, err_len;

static int setup(void **state)
{
    (void)state;
    memset(&secrets, 0, sizeof(secrets));
    memset(&run, 0, sizeof(run));
    memset(&result, 0, sizeof(result));
    cli_options_init(&run.opts);
    run.secrets = &secrets;
    run.out = open_memstream(&out_text, &out_len);
    run.err = open_memstream(&err_text, &err_len);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (run.out != NULL)
        fclose(run.out);
    if (run.err != NULL)
        fclose(run.err);
    free(out_text);
    free(err_text);
    out_text = err_text = NULL;
    run.out = run.err = NULL;
    return 0;
}

/* Report, then close the streams: out_text and err_text hold the output. */
static void report(const char *task_id, int rc, int json)
{
    cli_report(&run, task_id, rc, &result, json);
    fclose(run.out);
    fclose(run.err);
    run.out = run.err = NULL;
}

/* ---- put_safe ------------------------------------------------------------ */

static void test_put_safe_plain(void **state)
{
    (void)state;
    expect_put(cli_put_safe, "", "");
    expect_put(cli_put_safe, "SMS.9004: The task does not exist", "SMS.9004: The task does not exist");
    /* valid non-ASCII stays: 2, 3 and 4 bytes */
    expect_put(cli_put_safe, "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80");
    /* U+00A0, just past C1; U+200D (a joiner, not a bidi control); U+202F */
    expect_put(cli_put_safe, "\xc2\xa0\xe2\x80\x8d\xe2\x80\xaf", "\xc2\xa0\xe2\x80\x8d\xe2\x80\xaf");
}

static void test_put_safe_controls(void **state)
{
    (void)state;
    /* a newline or a tab becomes a space, any other control byte a '?' */
    expect_put(cli_put_safe, "a\nb\tc", "a b c");
    expect_put(cli_put_safe, "\x1b[31mred\x1b[0m", "?[31mred?[0m");
    expect_put(cli_put_safe, "a\rb\x01\x7f" "c\x08", "a?b??c?");
    /* C1 controls (8-bit CSI U+009B, U+0080, U+009F): one '?' each */
    expect_put(cli_put_safe, "x\xc2\x9b" "31my", "x?31my");
    expect_put(cli_put_safe, "\xc2\x80\xc2\x9f", "??");
}

static void test_put_safe_bidi(void **state)
{
    (void)state;
    /* U+202E RIGHT-TO-LEFT OVERRIDE and the rest of the bidi controls */
    expect_put(cli_put_safe, "ab\xe2\x80\xae" "cd", "ab?cd");
    expect_put(cli_put_safe, "\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", "???");
    expect_put(cli_put_safe, "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "????");
    expect_put(cli_put_safe, "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "????");
    /* neighbours that are not controls */
    expect_put(cli_put_safe, "\xe2\x80\xa9\xe2\x81\xa5\xe2\x81\xaa", "\xe2\x80\xa9\xe2\x81\xa5\xe2\x81\xaa");
}

static void test_put_safe_invalid_utf8(void **state)
{
    (void)state;
    expect_put(cli_put_safe, "a\xff" "b", "a?b");
    expect_put(cli_put_safe, "\xc0\xaf", "??");           /* overlong '/' */
    expect_put(cli_put_safe, "\xe0\x80\xaf", "???");      /* overlong, 3 bytes */
    expect_put(cli_put_safe, "\xed\xa0\x80", "???");      /* a UTF-16 surrogate */
    expect_put(cli_put_safe, "\xf4\x90\x80\x80", "????"); /* past U+10FFFF */
    expect_put(cli_put_safe, "\xf5\x80\x80\x80", "????");
    expect_put(cli_put_safe, "ok\xe2\x82", "ok??");       /* cut at the end */
    expect_put(cli_put_safe, "\x80" "a", "?a");           /* a lone continuation */
    expect_put(cli_put_safe, "\xc3" "A", "?A");           /* a lead without its continuation */
}

/* ---- JSON strings -------------------------------------------------------- */

static void test_put_json_string(void **state)
{
    (void)state;
    expect_put(cli_put_json_string, "", "\"\"");
    expect_put(cli_put_json_string, "a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
    expect_put(cli_put_json_string, "\n\r\t", "\"\\n\\r\\t\"");
    expect_put(cli_put_json_string, "\x01\x1b\x7f", "\"\\u0001\\u001b\\u007f\"");
    expect_put(cli_put_json_string, "\xc2\x9b\xc2\x80", "\"\\u009b\\u0080\"");
    expect_put(cli_put_json_string, "x\xe2\x80\xaey\xd8\x9c\xe2\x81\xa9", "\"x\\u202ey\\u061c\\u2069\"");
    expect_put(cli_put_json_string, "caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
    expect_put(cli_put_json_string, "a\xff\xed\xa0\x80", "\"a\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

/* ---- reports ------------------------------------------------------------- */

static void fill_service_error(void)
{
    result.http_status = 403;
    strcpy(result.request_id, "rid-1");
    strcpy(result.error_code, "SMS.9004");
    strcpy(result.error_msg, "No \"access\"\n");
    result.error_param_count = 2;
    strcpy(result.error_param[0], "p1");
    strcpy(result.error_param[1], "p\xe2\x80\xae");
    result.details_count = 1;
    strcpy(result.details[0].error_code, "D.1");
    strcpy(result.details[0].error_msg, "detail\x1b");
}

static void test_report_json_service(void **state)
{
    (void)state;
    fill_service_error();
    result.truncated = 1;
    report("task-1", HCSMS_ERR_SERVICE, 1);
    assert_string_equal(out_text,
                        "{\"task_id\":\"task-1\",\"ok\":false,\"http_status\":403,"
                        "\"request_id\":\"rid-1\",\"error_code\":\"SMS.9004\","
                        "\"error_msg\":\"No \\\"access\\\"\\n\","
                        "\"error_param\":[\"p1\",\"p\\u202e\"],"
                        "\"details\":[{\"error_code\":\"D.1\",\"error_msg\":\"detail\\u001b\"}],"
                        "\"truncated\":true}\n");
    assert_string_equal(err_text, "");
}

static void test_report_json_ok_and_failure(void **state)
{
    char expected[512];

    (void)state;
    result.http_status = 200;
    strcpy(result.request_id, "r");
    cli_report(&run, "t1", HCSMS_OK, &result, 1);
    memset(&result, 0, sizeof(result));
    result.failed_step = "connect";
    result.proxy_status = 407;
    report("t2", HCSMS_ERR_PROXY, 1);
    snprintf(expected, sizeof(expected),
             "{\"task_id\":\"t1\",\"ok\":true,\"http_status\":200,\"request_id\":\"r\"}\n"
             "{\"task_id\":\"t2\",\"ok\":false,\"proxy_status\":407,\"error\":\"%s during connect\"}\n",
             hcsms_strerror(HCSMS_ERR_PROXY));
    assert_string_equal(out_text, expected);
}

static void test_report_human_ok(void **state)
{
    (void)state;
    run.task_ids_are_safe = 1;
    report("7a9a9540-ff28", HCSMS_OK, 0);
    assert_string_equal(out_text, "unlocked 7a9a9540-ff28\n");
    assert_string_equal(err_text, "");
}

/* The success line prints the id as it is only when the library linked in
 * is known to take nothing else (run.task_ids_are_safe, from
 * hcsms_features()). */
static void test_report_human_ok_task_ids(void **state)
{
    (void)state;
    run.task_ids_are_safe = 0; /* not known, or a lax library */
    report("a\x1b]0;owned\x07" "b\xe2\x80\xae" "c", HCSMS_OK, 0);
    assert_string_equal(out_text, "unlocked a?]0;owned?b?c\n");
    assert_string_equal(err_text, "");
}

static void test_report_human_service(void **state)
{
    (void)state;
    fill_service_error();
    result.truncated = 1;
    report("task-1", HCSMS_ERR_SERVICE, 0);
    assert_string_equal(out_text, "");
    assert_string_equal(err_text, "hcsms: task-1: HTTP 403 SMS.9004: No \"access\"  (request id "
                                  "rid-1) [cut to fit; -v shows the body]\n");
}

/* IAM's code is often the status again: said once; no request id: "none". */
static void test_report_human_iam(void **state)
{
    (void)state;
    result.http_status = 401;
    strcpy(result.error_code, "401");
    strcpy(result.error_msg, "The username or password is wrong.");
    report("IAM", HCSMS_ERR_SERVICE, 0);
    assert_string_equal(err_text, "hcsms: IAM: HTTP 401: The username or password is wrong. "
                                  "(request id none)\n");
}

/* -v adds details, error_param, the authorization message and the body,
 * the body redacted (and its NULs shown as '?'). */
static void test_report_verbose_body(void **state)
{
    static const unsigned char body[] = "{\"token\":\"MIIToken-0123456789abcdef\"}\0tail";

    (void)state;
    strcpy(secrets.token, "MIIToken-0123456789abcdef");
    run.opts.verbose = 1;
    fill_service_error();
    strcpy(result.encoded_authorization_message, "enc\xc2\x9b");
    result.body = body;
    result.body_len = sizeof(body) - 1;
    result.body_bytes = 5000;
    result.body_truncated = 1;
    report("t", HCSMS_ERR_SERVICE, 0);
    assert_string_equal(err_text,
                        "hcsms: t: HTTP 403 SMS.9004: No \"access\"  (request id rid-1)\n"
                        "  detail: D.1: detail?\n"
                        "  error_param: p1\n"
                        "  error_param: p?\n"
                        "  encoded_authorization_message: enc?\n"
                        "  body (5000 bytes, cut): {\"token\":\"(redacted)\"}?tail\n");
}

static void test_report_human_failure(void **state)
{
    char expected[512];

    (void)state;
    strcpy(run.resolve_host, "sms.example");
    result.failed_step = "resolve";
    result.os_error = EAI_NONAME;
    strcpy(result.request_id, "r\x1b");
    report("t", HCSMS_ERR_RESOLVE, 0);
    snprintf(expected, sizeof(expected), "hcsms: t: %s during resolve (cannot resolve "
             "sms.example: %s) (request id r?)\n", hcsms_strerror(HCSMS_ERR_RESOLVE),
             gai_strerror(EAI_NONAME));
    assert_string_equal(err_text, expected);
    assert_string_equal(out_text, "");
}

static void test_report_human_proxy_refusal(void **state)
{
    char expected[512];

    (void)state;
    result.failed_step = "proxy CONNECT";
    result.proxy_status = 407;
    report("t", HCSMS_ERR_PROXY, 0);
    snprintf(expected, sizeof(expected), "hcsms: t: %s during proxy CONNECT: the proxy answered "
             "407 (Proxy Authentication Required: check the proxy user and password)\n",
             hcsms_strerror(HCSMS_ERR_PROXY));
    assert_string_equal(err_text, expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_safe_plain),
        cmocka_unit_test(test_put_safe_controls),
        cmocka_unit_test(test_put_safe_bidi),
        cmocka_unit_test(test_put_safe_invalid_utf8),
        cmocka_unit_test(test_put_json_string),
        cmocka_unit_test_setup_teardown(test_report_json_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_json_ok_and_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_human_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_human_ok_task_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_human_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_human_iam, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_verbose_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_human_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_human_proxy_refusal, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
