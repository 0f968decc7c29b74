/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the hcsms command's proxy room (src/cli/proxy.c): --proxy
 * as starred out of argv and split (user and password percent-decoded,
 * the copy wiped), https_proxy / HTTPS_PROXY, no_proxy, the proxy
 * password's sources, and errors that never print the user info.
 */
#define _GNU_SOURCE 1 /* dup2, mkstemp, setenv */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/cli.h"
#include "cli_capture.h"

/* ---- a run with argv -------------------------------------------------- */

static struct cli_secrets secrets;
static struct cli_run run;
static hcsms_client_config config;
static char *argv[8];
static char args[8][512];

static int setup(void **state)
{
    static const char *const names[] = {"https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
                                        "HCSMS_PROXY_PASSWORD"};
    size_t k;

    (void)state;
    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        unsetenv(names[k]);
    memset(&secrets, 0, sizeof(secrets));
    memset(&run, 0, sizeof(run));
    run.secrets = &secrets;
    cli_options_init(&run.opts);
    hcsms_client_config_init(&config);
    return 0;
}

/* "hcsms unlock" and the given arguments, starred and parsed as main
 * does. 0 or the exit status of parsing or of taking --proxy. */
static int start(const char *first, const char *second)
{
    int argc = 2, operands, rc;

    strcpy(args[0], "hcsms");
    strcpy(args[1], "unlock");
    if (first != NULL)
        strcpy(args[argc++], first);
    if (second != NULL)
        strcpy(args[argc++], second);
    for (int k = 0; k < argc; k++)
        argv[k] = args[k];
    argv[argc] = NULL;
    cli_star_argv_secrets(argc, argv, &secrets, &run.proxy_arg);
    rc = cli_parse_options(argc - 2, argv + 2, FOR_UNLOCK, &run.opts, &operands);
    return rc != 0 ? rc : cli_take_proxy_option(&run);
}

static void expect_error(int rc, const char *expected)
{
    const char *text = capture_end();

    assert_int_equal(rc, EXIT_USAGE);
    assert_non_null(strstr(text, expected));
}

/* ---- tests --------------------------------------------------------------- */

static void test_proxy_option(void **state)
{
    size_t k;

    (void)state;
    capture_begin();
    assert_int_equal(start("--proxy", "http://us%40er:p%2Fw@proxy.example:3128"), 0);
    assert_non_null(strstr(capture_end(), "hcsms: warning: a password in --proxy can be read"));
    assert_string_equal(args[3], "http://us%40er:*****@proxy.example:3128");
    assert_string_equal(run.proxy_url, "http://proxy.example:3128");
    assert_string_equal(secrets.proxy_user, "us@er");
    assert_string_equal(secrets.proxy_password, "p/w");
    for (k = 0; k < sizeof(secrets.proxy_arg_copy); k++)
        assert_int_equal(secrets.proxy_arg_copy[k], 0); /* wiped once split */
    assert_int_equal(cli_choose_proxy(&run, "https://sms.example", &config), 0);
    assert_ptr_equal(config.proxy, run.proxy_url);
    assert_string_equal(config.proxy_username, "us@er");
    assert_string_equal(config.proxy_password, "p/w");
    assert_string_equal(run.resolve_host, "proxy.example"); /* what hcsms resolves */
}

/* The environment's password beats the URL's; no_proxy bypasses it all. */
static void test_proxy_environment(void **state)
{
    (void)state;
    setenv("https_proxy", "bob@[::1]:8080", 1);
    setenv("HTTPS_PROXY", "http://ignored:1", 1);
    setenv("HCSMS_PROXY_PASSWORD", "env-pass", 1);
    assert_int_equal(start("t1", NULL), 0);
    assert_int_equal(cli_choose_proxy(&run, "https://sms.example:443", &config), 0);
    assert_string_equal(config.proxy, "http://[::1]:8080");
    assert_string_equal(config.proxy_username, "bob");
    assert_string_equal(config.proxy_password, "env-pass");
    assert_string_equal(run.resolve_host, "::1");
    setup(NULL);
    setenv("HTTPS_PROXY", "http://proxy:3128", 1);
    setenv("NO_PROXY", "example, .other", 1);
    assert_int_equal(start(NULL, NULL), 0);
    assert_int_equal(cli_choose_proxy(&run, "https://sms.example", &config), 0);
    assert_null(config.proxy);
    assert_string_equal(run.resolve_host, "sms.example");
}

static void test_proxy_errors(void **state)
{
    int rc;

    (void)state;
    capture_begin();
    expect_error(start("--proxy=socks5://u:secret@h:1080", NULL),
                 "hcsms: --proxy: only http:// proxies are supported, not 'socks5://'");
    assert_null(strstr(capture_text(), "secret"));
    setup(NULL);
    capture_begin();
    expect_error(start("--proxy", "http://u:%zz@h"),
                 "--proxy: malformed user or password in the proxy URL");
    setup(NULL);
    setenv("https_proxy", "https://h:1", 1);
    assert_int_equal(start(NULL, NULL), 0);
    capture_begin();
    rc = cli_choose_proxy(&run, "https://sms.example", &config);
    expect_error(rc, "https_proxy: only http:// proxies are supported, not 'https://'");
}

static void test_password_needs_user(void **state)
{
    int rc;

    (void)state;
    setenv("HCSMS_PROXY_PASSWORD", "pw", 1);
    assert_int_equal(start("--proxy", "http://proxy:3128"), 0);
    capture_begin();
    rc = cli_choose_proxy(&run, "https://sms.example", &config);
    expect_error(rc, "a proxy password needs a user name in the proxy URL");
    /* a password file without any proxy */
    setup(NULL);
    assert_int_equal(start("--proxy-password-file=pw", NULL), 0);
    capture_begin();
    rc = cli_choose_proxy(&run, "https://sms.example", &config);
    expect_error(rc, "--proxy-password-file without a proxy");
}

/* An invalid proxy is named without its user info. */
static void test_invalid_proxy_hides_user_info(void **state)
{
    int rc;

    (void)state;
    capture_begin();
    rc = start("--proxy", "http://u:pa/ss@h:99999");
    expect_error(rc, "hcsms: --proxy: ");
    assert_null(strstr(capture_text(), "pa/ss"));
    assert_null(strstr(capture_text(), "@h"));
}

/* The library splits; the messages stay the command's, without user info. */
static void test_split_messages(void **state)
{
    char url[512];

    (void)state;
    capture_begin();
    expect_error(start("--proxy", "http://u%00:secret@h:1"),
                 "hcsms: --proxy: malformed user or password in the proxy URL");
    setup(NULL);
    (void)snprintf(url, sizeof(url), "http://%0*d:secret@h:1", HCSMS_PROXY_USER_MAX + 1, 0);
    capture_begin();
    expect_error(start("--proxy", url), "--proxy: malformed user or password in the proxy URL");
    setup(NULL);
    (void)snprintf(url, sizeof(url), "http://%0*d:1", HCSMS_HOST_MAX + 32, 0);
    capture_begin();
    expect_error(start("--proxy", url), "hcsms: --proxy: proxy host too long");
    setup(NULL);
    capture_begin();
    expect_error(start("--proxy", "http://u%3Aser:secret@h:99999"),
                 "proxy credentials 'http://h:99999'\n");
    assert_null(strstr(capture_text(), "secret"));
    /* a user without a password, and an empty password: both "" to Basic */
    setup(NULL);
    assert_int_equal(start("--proxy", "http://bob@h:1"), 0);
    assert_int_equal(cli_choose_proxy(&run, "https://sms.example", &config), 0);
    assert_string_equal(config.proxy, "http://h:1");
    assert_string_equal(config.proxy_username, "bob");
    assert_string_equal(config.proxy_password, "");
    setup(NULL);
    assert_int_equal(start("--proxy", "http://proxy/"), 0);
    assert_int_equal(cli_choose_proxy(&run, "https://sms.example", &config), 0);
    assert_string_equal(config.proxy, "http://proxy/");
    assert_null(config.proxy_username);
    assert_null(config.proxy_password);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_proxy_option, setup),
        cmocka_unit_test_setup(test_proxy_environment, setup),
        cmocka_unit_test_setup(test_proxy_errors, setup),
        cmocka_unit_test_setup(test_password_needs_user, setup),
        cmocka_unit_test_setup(test_invalid_proxy_hides_user_info, setup),
        cmocka_unit_test_setup(test_split_messages, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
