/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the hcsms command's options room (src/cli/options.c) and
 * of what runs before it: argv parsing and its errors, one reader of
 * standard input, URL user info starred out of argv (src/cli/secrets.c),
 * and the exit status of each class of error (src/cli/output.c).
 */
#define _GNU_SOURCE 1 /* dup2, mkstemp, open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/cli.h"
#include "cli_capture.h"

/* ---- helpers ------------------------------------------------------------- */

#define ARGS(...) (char *[]){__VA_ARGS__, NULL}
#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])) - 1)

static struct options opts;
static int operands;

/* Parse a NULL-terminated, writable copy of args for command. */
static int parse(int command, char **args)
{
    int argc = 0;

    while (args[argc] != NULL)
        argc++;
    cli_options_init(&opts);
    return cli_parse_options(argc, args, command, &opts, &operands);
}

/* Parse args expecting a usage error that says expected. */
static void parse_fails(int command, char **args, const char *expected)
{
    int rc;

    capture_begin();
    rc = parse(command, args);
    const char *text = capture_end();
    assert_int_equal(rc, EXIT_USAGE);
    assert_non_null(strstr(text, expected));
    assert_non_null(strstr(text, "(see hcsms --help)\n"));
    assert_int_equal(strncmp(text, "hcsms: ", 7), 0);
}

/* ---- parsing ------------------------------------------------------------- */

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(parse(FOR_UNLOCK, ARGS("abc")), 0);
    assert_int_equal(opts.connect_timeout, 10000);
    assert_int_equal(opts.timeout, 30000);
    assert_int_equal(opts.retries, 0);
    assert_int_equal(opts.verbose, 0);
    assert_int_equal(opts.json, 0);
    assert_null(opts.endpoint);
    assert_null(opts.proxy);
    assert_int_equal(operands, 1);
}

static void test_values_both_forms(void **state)
{
    char *args[] = {"--endpoint", "https://e", "--region=cn-north-4", "--cacert", "ca.pem",
                    "--token-file=-", "--auth", "aksk", "--project-id", "p1", "--from", "ids",
                    "--retries=3", "--timeout", "5000", "--connect-timeout=200",
                    "--proxy", "http://p:1", "--proxy-password-file=pw", NULL};

    (void)state;
    assert_int_equal(parse(FOR_UNLOCK, args), 0);
    assert_string_equal(opts.endpoint, "https://e");
    assert_string_equal(opts.region, "cn-north-4");
    assert_string_equal(opts.cacert, "ca.pem");
    assert_string_equal(opts.token_file, "-");
    assert_string_equal(opts.auth, "aksk");
    assert_string_equal(opts.project_id, "p1");
    assert_string_equal(opts.from, "ids");
    assert_string_equal(opts.proxy, "http://p:1");
    assert_string_equal(opts.proxy_password_file, "pw");
    assert_int_equal(opts.retries, 3);
    assert_int_equal(opts.timeout, 5000);
    assert_int_equal(opts.connect_timeout, 200);
    assert_int_equal(operands, 0);
}

static void test_token_options(void **state)
{
    char *args[] = {"--iam-endpoint=https://iam", "--user", "ops", "--account=acme",
                    "--project", "ap-southeast-3", "--password-file", "pw", "--out", "t",
                    "--domain-scope", "--strict-permissions", "-v", NULL};

    (void)state;
    assert_int_equal(parse(FOR_TOKEN, args), 0);
    assert_string_equal(opts.endpoint, "https://iam"); /* --iam-endpoint sets the endpoint */
    assert_string_equal(opts.user, "ops");
    assert_string_equal(opts.account, "acme");
    assert_string_equal(opts.project, "ap-southeast-3");
    assert_string_equal(opts.password_file, "pw");
    assert_string_equal(opts.out, "t");
    assert_int_equal(opts.domain_scope, 1);
    assert_int_equal(opts.strict_permissions, 1);
    assert_int_equal(opts.verbose, 1);
}

/* Operands move to the front of argv, in order; "-" is one, and after
 * "--" everything is one. The last of a repeated option wins. */
static void test_operands_and_double_dash(void **state)
{
    char *args[] = {"a", "--json", "b", "-", "--verbose", "--region", "r1", "--region=r2",
                    "--", "--json", "-v", NULL};

    (void)state;
    assert_int_equal(parse(FOR_UNLOCK, args), 0);
    assert_int_equal(operands, 5);
    assert_string_equal(args[0], "a");
    assert_string_equal(args[1], "b");
    assert_string_equal(args[2], "-");
    assert_string_equal(args[3], "--json");
    assert_string_equal(args[4], "-v");
    assert_int_equal(opts.json, 1);
    assert_int_equal(opts.verbose, 1);
    assert_string_equal(opts.region, "r2");
}

/* "--name=" gives an empty value; a value may start with '-'. */
static void test_empty_and_dash_values(void **state)
{
    (void)state;
    assert_int_equal(parse(FOR_UNLOCK, ARGS("--proxy=", "--endpoint", "-x", "t")), 0);
    assert_string_equal(opts.proxy, "");
    assert_string_equal(opts.endpoint, "-x");
    assert_int_equal(operands, 1);
}

static void test_errors(void **state)
{
    (void)state;
    parse_fails(FOR_UNLOCK, ARGS("--bogus"), "unknown option '--bogus'");
    parse_fails(FOR_UNLOCK, ARGS("-x"), "unknown option '-x'");
    /* the options of the other command */
    parse_fails(FOR_TOKEN, ARGS("--json"), "unknown option '--json'");
    parse_fails(FOR_TOKEN, ARGS("--token-file", "f"), "unknown option '--token-file'");
    parse_fails(FOR_UNLOCK, ARGS("--user", "u"), "unknown option '--user'");
    parse_fails(FOR_UNLOCK, ARGS("--domain-scope"), "unknown option '--domain-scope'");
    parse_fails(FOR_UNLOCK, ARGS("--iam-endpoint=x"), "unknown option '--iam-endpoint=x'");
    /* a prefix is not the option; a flag takes no value */
    parse_fails(FOR_UNLOCK, ARGS("--end=x"), "unknown option '--end=x'");
    parse_fails(FOR_UNLOCK, ARGS("--json=1"), "unknown option '--json=1'");
    parse_fails(FOR_UNLOCK, ARGS("t", "--region"), "--region needs a value");
    parse_fails(FOR_TOKEN, ARGS("--out"), "--out needs a value");
}

static void test_number_errors(void **state)
{
    (void)state;
    parse_fails(FOR_UNLOCK, ARGS("--retries", "10"), "--retries takes 0 to 9, not '10'");
    parse_fails(FOR_UNLOCK, ARGS("--retries=x"), "--retries takes 0 to 9, not 'x'");
    parse_fails(FOR_UNLOCK, ARGS("--retries="), "--retries takes 0 to 9, not ''");
    parse_fails(FOR_UNLOCK, ARGS("--timeout", "0"),
                "--timeout takes milliseconds from 1 to 86400000, not '0'");
    parse_fails(FOR_UNLOCK, ARGS("--timeout=86400001"), "not '86400001'");
    parse_fails(FOR_UNLOCK, ARGS("--timeout=-5"), "not '-5'");
    parse_fails(FOR_UNLOCK, ARGS("--timeout=+5"), "not '+5'");
    parse_fails(FOR_UNLOCK, ARGS("--timeout= 5"), "not ' 5'");
    parse_fails(FOR_UNLOCK, ARGS("--connect-timeout=12abc"),
                "--connect-timeout takes milliseconds from 1 to 86400000, not '12abc'");
    parse_fails(FOR_TOKEN, ARGS("--connect-timeout=99999999999999999999999"), "not '9999");
    assert_int_equal(parse(FOR_UNLOCK, ARGS("--timeout=86400000", "--retries=9")), 0);
    assert_int_equal(opts.timeout, 86400000);
    assert_int_equal(opts.retries, 9);
}

/* --help prints the usage on stdout and asks for exit status 0 (-1). */
static void test_help(void **state)
{
    int saved, fd;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    (void)state;
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    fd = open("/dev/null", O_WRONLY);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    assert_int_equal(parse(FOR_UNLOCK, ARGS("--help", "--bogus")), -1);
    assert_int_equal(parse(FOR_TOKEN, ARGS("-h")), -1);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    /* the text names every option of both commands */
    cli_usage_text(out);
    fclose(out);
    assert_non_null(strstr(text, "usage: hcsms unlock [options] TASK_ID... | --from FILE\n"));
    assert_non_null(strstr(text, "--proxy-password-file FILE"));
    assert_non_null(strstr(text, "--domain-scope"));
    assert_non_null(strstr(text, "(several tasks: the highest).\n"));
    free(text);
}

static void test_takes_next_value(void **state)
{
    (void)state;
    assert_true(cli_takes_next_value("--proxy"));
    assert_true(cli_takes_next_value("--user"));
    assert_true(cli_takes_next_value("--timeout"));
    assert_true(cli_takes_next_value("--iam-endpoint"));
    assert_false(cli_takes_next_value("--json"));
    assert_false(cli_takes_next_value("-v"));
    assert_false(cli_takes_next_value("--proxy=x"));
    assert_false(cli_takes_next_value("--prox"));
}

static void test_one_reader_of_stdin(void **state)
{
    const char *text;

    (void)state;
    cli_options_init(&opts);
    opts.from = "-";
    opts.token_file = "t";
    opts.password_file = "-x";
    assert_int_equal(cli_one_reader_of_stdin(&opts), 0);
    opts.proxy_password_file = "-";
    capture_begin();
    assert_int_equal(cli_one_reader_of_stdin(&opts), EXIT_USAGE);
    text = capture_end();
    assert_non_null(strstr(text, "--from - and --proxy-password-file - cannot both read "
                                 "standard input"));
}

/* ---- argv starring ------------------------------------------------------- */

static struct cli_secrets secrets;

static void test_star_argv(void **state)
{
    char a0[] = "hcsms", a1[] = "unlock", a2[] = "--endpoint", a3[] = "https://user:pw@host",
         a4[] = "--cacert=ftp://x:y@z/ca", a5[] = "--proxy", a6[] = "http://bob:s3cr@t@proxy:3128",
         a7[] = "t1", a8[] = "--", a9[] = "https://op:erand@x", a10[] = "--proxy=http://a@b";
    char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, NULL};
    struct cli_proxy_arg found = {NULL, 0, 0};

    (void)state;
    memset(&secrets, 0, sizeof(secrets));
    cli_star_argv_secrets(COUNT(argv), argv, &secrets, &found);
    assert_string_equal(argv[3], "https://*******@host");
    assert_string_equal(argv[4], "--cacert=ftp://***@z/ca");
    /* the proxy keeps its user name; the password ends at the last '@' */
    assert_string_equal(argv[6], "http://bob:******@proxy:3128");
    assert_string_equal(argv[7], "t1");
    /* after "--" an operand URL is starred too, and "--proxy=" is a URL */
    assert_string_equal(argv[9], "https://********@x");
    assert_string_equal(argv[10], "--proxy=http://a@b");
    /* the last --proxy is the one copied */
    assert_ptr_equal(found.value, argv[6]);
    assert_int_equal(found.state, 1);
    assert_int_equal(found.had_password, 1);
    assert_string_equal(secrets.proxy_arg_copy, "http://bob:s3cr@t@proxy:3128");
}

static void test_star_argv_proxy_forms(void **state)
{
    char a0[] = "hcsms", a1[] = "token", a2[] = "--proxy=u:p@host:8080", a3[] = "--user",
         a4[] = "--proxy";
    char *argv[] = {a0, a1, a2, a3, a4, NULL};
    static char long_url[sizeof(secrets.proxy_arg_copy) + 8];
    char b0[] = "hcsms", b1[] = "unlock", b2[] = "--proxy";
    char *argv2[] = {b0, b1, b2, long_url, NULL};
    struct cli_proxy_arg found = {NULL, 0, 0};

    (void)state;
    memset(&secrets, 0, sizeof(secrets));
    /* without a scheme a proxy URL is still one; "--user --proxy": the
     * value of --user, not a proxy */
    cli_star_argv_secrets(COUNT(argv), argv, &secrets, &found);
    assert_string_equal(argv[2], "--proxy=u:*@host:8080");
    assert_string_equal(argv[4], "--proxy");
    assert_ptr_equal(found.value, argv[2] + 8);
    assert_string_equal(secrets.proxy_arg_copy, "u:p@host:8080");
    /* too long to copy: noted, still starred */
    memset(long_url, 'a', sizeof(long_url) - 1);
    memcpy(long_url, "http://u:pw@", 12);
    memset(&found, 0, sizeof(found));
    cli_star_argv_secrets(COUNT(argv2), argv2, &secrets, &found);
    assert_int_equal(found.state, 2);
    assert_int_equal(found.had_password, 1);
    assert_int_equal(memcmp(long_url, "http://u:**@", 12), 0);
}

/* ---- exit statuses ------------------------------------------------------- */

static void test_exit_status_of(void **state)
{
    (void)state;
    assert_int_equal(cli_exit_status_of(HCSMS_OK), 0);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_SERVICE), EXIT_SERVICE);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_INVALID_TASK_ID), EXIT_USAGE);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_INVALID_TOKEN), EXIT_USAGE);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_INVALID_ENDPOINT), EXIT_USAGE);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_INVALID_PROXY), EXIT_USAGE);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_CA), EXIT_USAGE);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_RESOLVE), EXIT_TRANSPORT);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_TIMEOUT), EXIT_TRANSPORT);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_TLS_VERIFY), EXIT_TRANSPORT);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_PROXY), EXIT_TRANSPORT);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_HTTP_CHUNK), EXIT_TRANSPORT);
    assert_int_equal(cli_exit_status_of(HCSMS_ERR_NO_TOKEN), EXIT_TRANSPORT);
    assert_int_equal(cli_exit_status_of(-12345), EXIT_TRANSPORT); /* unknown: the worst */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values_both_forms),
        cmocka_unit_test(test_token_options),
        cmocka_unit_test(test_operands_and_double_dash),
        cmocka_unit_test(test_empty_and_dash_values),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_number_errors),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_takes_next_value),
        cmocka_unit_test(test_one_reader_of_stdin),
        cmocka_unit_test(test_star_argv),
        cmocka_unit_test(test_star_argv_proxy_forms),
        cmocka_unit_test(test_exit_status_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
