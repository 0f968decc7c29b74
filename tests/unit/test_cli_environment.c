/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the hcsms command's environment room
 * (src/cli/environment.c) with a fake environment: the AK/SK family chosen
 * (HCSMS_* when any of its three is set, else HUAWEICLOUD_SDK_*, never a
 * mix), and the credentials chosen (--auth, a token from the environment
 * or a file, AK/SK) with their errors.
 */
#define _GNU_SOURCE 1 /* dup2, mkstemp, mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/cli/cli.h"
#include "cli_capture.h"

/* ---- a fake environment -------------------------------------------------- */

static const char *fake_names[8], *fake_values[8];
static unsigned fake_count;

static void fake_env(const char *name, const char *value)
{
    fake_names[fake_count] = name;
    fake_values[fake_count++] = value;
}

static char *fake_getenv(const char *name)
{
    unsigned k;

    for (k = 0; k < fake_count; k++) {
        if (strcmp(fake_names[k], name) == 0)
            return (char *)fake_values[k];
    }
    return NULL;
}

static struct cli_secrets secrets;
static struct options opts;
static hcsms_client_config config;
static struct cli_key_family family;

static int setup(void **state)
{
    (void)state;
    fake_count = 0;
    memset(&secrets, 0, sizeof(secrets));
    memset(&family, 0, sizeof(family));
    cli_options_init(&opts);
    hcsms_client_config_init(&config);
    return 0;
}

/* cli_choose_credentials expecting an error that says expected. */
static void choose_fails(const char *expected)
{
    int rc;

    capture_begin();
    rc = cli_choose_credentials(&opts, &secrets, fake_getenv, &config);
    const char *text = capture_end();
    assert_int_equal(rc, EXIT_USAGE);
    assert_non_null(strstr(text, expected));
}

/* ---- families ------------------------------------------------------------ */

static void test_family_ours_wins_whole(void **state)
{
    (void)state;
    fake_env("HCSMS_AK", "ak1");
    fake_env("HUAWEICLOUD_SDK_AK", "sdk-ak");
    fake_env("HUAWEICLOUD_SDK_SK", "sdk-sk");
    fake_env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "sdk-st");
    cli_key_family_of(fake_getenv, &family);
    assert_string_equal(family.prefix, "HCSMS_");
    assert_string_equal(family.ak, "ak1");
    assert_null(family.sk); /* never the SDK's secret with our key */
    assert_null(family.security_token);
}

static void test_family_sdk(void **state)
{
    (void)state;
    fake_env("HUAWEICLOUD_SDK_AK", "sdk-ak");
    fake_env("HUAWEICLOUD_SDK_SK", "sdk-sk");
    fake_env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "sdk-st");
    fake_env("HCSMS_AUTH_TOKEN", "not a key");
    cli_key_family_of(fake_getenv, &family);
    assert_string_equal(family.prefix, "HUAWEICLOUD_SDK_");
    assert_string_equal(family.ak, "sdk-ak");
    assert_string_equal(family.sk, "sdk-sk");
    assert_string_equal(family.security_token, "sdk-st");
}

/* A security token alone makes the family ours: a stale one is never
 * sent with the SDK's permanent keys. */
static void test_family_security_token_alone(void **state)
{
    (void)state;
    fake_env("HCSMS_SECURITY_TOKEN", "st");
    fake_env("HUAWEICLOUD_SDK_AK", "sdk-ak");
    fake_env("HUAWEICLOUD_SDK_SK", "sdk-sk");
    cli_key_family_of(fake_getenv, &family);
    assert_string_equal(family.prefix, "HCSMS_");
    assert_null(family.ak);
    assert_null(family.sk);
    assert_string_equal(family.security_token, "st");
}

/* "export HCSMS_SK=" is not set. */
static void test_family_empty_is_unset(void **state)
{
    (void)state;
    fake_env("HCSMS_AK", "");
    fake_env("HCSMS_SK", "");
    fake_env("HUAWEICLOUD_SDK_AK", "sdk-ak");
    fake_env("HUAWEICLOUD_SDK_SK", "");
    cli_key_family_of(fake_getenv, &family);
    assert_string_equal(family.prefix, "HUAWEICLOUD_SDK_");
    assert_string_equal(family.ak, "sdk-ak");
    assert_null(family.sk);
    assert_null(family.security_token);
}

/* ---- credentials --------------------------------------------------------- */

static void test_token_from_environment(void **state)
{
    (void)state;
    fake_env("HCSMS_AUTH_TOKEN", "MIIT-token.value_ok~");
    fake_env("HCSMS_AK", "ak1");
    fake_env("HCSMS_SK", "sk1");
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_ptr_equal(config.auth_token, secrets.token); /* a copy, wiped at exit */
    assert_string_equal(secrets.token, "MIIT-token.value_ok~");
    assert_null(config.access_key);
    assert_null(secrets.secret_key);
}

static void test_keys_by_default(void **state)
{
    (void)state;
    fake_env("HUAWEICLOUD_SDK_AK", "AKEXAMPLE");
    fake_env("HUAWEICLOUD_SDK_SK", "sk-secret");
    fake_env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "st-token");
    opts.project_id = "p1";
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_null(config.auth_token);
    assert_string_equal(config.access_key, "AKEXAMPLE");
    assert_string_equal(config.secret_key, "sk-secret");
    assert_string_equal(config.security_token, "st-token");
    assert_string_equal(config.project_id, "p1");
    /* what redaction looks for */
    assert_string_equal(secrets.secret_key, "sk-secret");
    assert_string_equal(secrets.security_token, "st-token");
}

/* The SDKs' HUAWEICLOUD_SDK_PROJECT_ID next to HCSMS_PROJECT_ID, which wins;
 * the option wins over both; with a token neither is an error (they may be
 * set for other tools), and neither is sent. */
static void test_project_id_from_the_environment(void **state)
{
    (void)state;
    fake_env("HCSMS_AK", "ak1");
    fake_env("HCSMS_SK", "sk1");
    fake_env("HUAWEICLOUD_SDK_PROJECT_ID", "sdk-project");
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_string_equal(config.project_id, "sdk-project");
    fake_env("HCSMS_PROJECT_ID", "our-project");
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_string_equal(config.project_id, "our-project");
    opts.project_id = "option-project";
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_string_equal(config.project_id, "option-project");
    opts.project_id = NULL;
    hcsms_client_config_init(&config);
    fake_env("HCSMS_AUTH_TOKEN", "MIIT-token.value_ok~");
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_null(config.project_id);
    fake_count = 0;
    fake_env("HCSMS_AK", "ak1");
    fake_env("HCSMS_SK", "sk1");
    fake_env("HCSMS_PROJECT_ID", "bad project");
    choose_fails("(all visible ASCII; the AK without , = ; or quotes)");
}

static void test_auth_forces(void **state)
{
    (void)state;
    fake_env("HCSMS_AUTH_TOKEN", "tok");
    fake_env("HCSMS_AK", "ak1");
    fake_env("HCSMS_SK", "sk1");
    opts.auth = "aksk";
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_null(config.auth_token);
    assert_string_equal(config.access_key, "ak1");
    hcsms_client_config_init(&config);
    opts.auth = "token";
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_string_equal(config.auth_token, "tok");
    assert_null(config.access_key);
}

static void test_credential_errors(void **state)
{
    (void)state;
    choose_fails("no credentials: use --token-file FILE or HCSMS_AUTH_TOKEN");
    opts.auth = "basic";
    choose_fails("--auth takes token or aksk, not 'basic'");
    opts.auth = "aksk";
    choose_fails("AK/SK signing needs both HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK; "
                 "HUAWEICLOUD_SDK_AK is not set");
    fake_env("HCSMS_AK", "ak1");
    fake_env("HUAWEICLOUD_SDK_SK", "sdk-sk");
    choose_fails("HCSMS_SK is not set (the keys are read from HCSMS_* when any is set");
    fake_env("HCSMS_SK", "sk1");
    fake_env("HCSMS_AUTH_TOKEN", "tok");
    opts.auth = NULL;
    opts.project_id = "p1";
    choose_fails("--project-id is signed with AK/SK; a token carries its own project");
}

static void test_invalid_values(void **state)
{
    (void)state;
    fake_env("HCSMS_AUTH_TOKEN", "tok en");
    choose_fails("hcsms: HCSMS_AUTH_TOKEN is invalid: ");
    fake_count = 0;
    fake_env("HCSMS_AK", "ak,1");
    fake_env("HCSMS_SK", "sk1");
    choose_fails("(all visible ASCII; the AK without , = ; or quotes)");
    assert_null(secrets.secret_key); /* not taken */
}

/* --token-file: one trailing newline dropped; its mode checked. */
static void test_token_file(void **state)
{
    char dir[] = "/tmp/hcsms-test-cli-XXXXXX", path[64];
    int fd;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/token", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "tok-from-file\r\n", 15), 15);
    close(fd);
    fake_env("HCSMS_AUTH_TOKEN", "from-env");
    opts.token_file = path;
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_string_equal(config.auth_token, "tok-from-file");
    /* others may read it: a warning, or a refusal */
    assert_int_equal(chmod(path, 0644), 0);
    capture_begin();
    assert_int_equal(cli_choose_credentials(&opts, &secrets, fake_getenv, &config), 0);
    assert_non_null(strstr(capture_end(), "hcsms: warning: token file "));
    opts.strict_permissions = 1;
    choose_fails("can be read or changed by others (mode 0644; chmod go= it) (refused: "
                 "--strict-permissions)");
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_family_ours_wins_whole, setup),
        cmocka_unit_test_setup(test_family_sdk, setup),
        cmocka_unit_test_setup(test_family_security_token_alone, setup),
        cmocka_unit_test_setup(test_family_empty_is_unset, setup),
        cmocka_unit_test_setup(test_token_from_environment, setup),
        cmocka_unit_test_setup(test_keys_by_default, setup),
        cmocka_unit_test_setup(test_auth_forces, setup),
        cmocka_unit_test_setup(test_project_id_from_the_environment, setup),
        cmocka_unit_test_setup(test_credential_errors, setup),
        cmocka_unit_test_setup(test_invalid_values, setup),
        cmocka_unit_test_setup(test_token_file, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
