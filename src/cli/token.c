/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms token: get a user token from IAM with a password and print it, or
 * write it to --out FILE.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "cli.h"

/* The password from --password-file, else HCSMS_PASSWORD, into the
 * secrets. 0 or an exit status. */
static int read_password(const struct cli_run *run)
{
    const struct options *opts = &run->opts;
    char *buffer = run->secrets->password;
    size_t size = sizeof(run->secrets->password);
    const char *password;

    if (opts->password_file != NULL) {
        long len = cli_read_secret_file(opts->password_file, "password", buffer, size,
                                        opts->strict_permissions);
        if (len < 0)
            return EXIT_USAGE;
        if (memchr(buffer, '\0', (size_t)len) != NULL)
            return cli_usage_error("the password in %s holds a NUL byte", opts->password_file);
    } else if ((password = getenv("HCSMS_PASSWORD")) != NULL) {
        if (strlen(password) >= size)
            return cli_usage_error("HCSMS_PASSWORD is longer than %d bytes", HCSMS_IAM_FIELD_MAX);
        memcpy(buffer, password, strlen(password) + 1);
    } else {
        return cli_usage_error("no password: use --password-file FILE or HCSMS_PASSWORD");
    }
    return 0;
}

/* --iam-endpoint, else HCSMS_IAM_ENDPOINT or HUAWEICLOUD_SDK_IAM_ENDPOINT
 * unless --region is given, else
 * IAM's endpoint of the region (written into endpoint, size bytes). 0 or an
 * exit status. */
static int choose_iam_endpoint(const struct options *opts, hcsms_client_config *config,
                               char *endpoint, size_t size)
{
    config->endpoint = opts->endpoint;
    if (config->endpoint == NULL && (config->endpoint = getenv("HCSMS_IAM_ENDPOINT")) == NULL)
        config->endpoint = getenv("HUAWEICLOUD_SDK_IAM_ENDPOINT"); /* the SDKs' name */
    if (opts->endpoint == NULL && (opts->region != NULL || config->endpoint == NULL)) {
        const char *region = opts->region != NULL ? opts->region : "ap-southeast-3";
        if (hcsms_iam_endpoint(region, endpoint, size) != HCSMS_OK) {
            fputs("hcsms: unknown region '", stderr);
            cli_put_safe(stderr, region);
            fputs("'\n", stderr);
            return EXIT_USAGE;
        }
        config->endpoint = endpoint;
    }
    return 0;
}

/* What token needs besides the password. 0 or an exit status. */
static int check_token_options(const struct options *opts, int operands, char **argv)
{
    if (operands > 0)
        return cli_usage_error("token takes no operands ('%s')", argv[0]);
    if (opts->user == NULL || opts->account == NULL)
        return cli_usage_error("token needs --user NAME and --account NAME");
    if ((opts->project != NULL) == (opts->domain_scope != 0))
        return cli_usage_error("token needs one of --project NAME or --domain-scope");
    return cli_one_reader_of_stdin(opts);
}

/* Ask IAM, then print or write the token. The exit status. */
static int get_token(struct cli_run *run, const hcsms_iam_credentials *credentials)
{
    char *token = run->secrets->token;
    hcsms_result result;
    int rc;

    rc = hcsms_iam_get_token(&run->secrets->client, credentials, token,
                             sizeof(run->secrets->token), &result);
    if (rc == HCSMS_ERR_INVALID_CREDENTIALS) {
        fprintf(stderr, "hcsms: %s (user, password, account and project: 1 to %d bytes of "
                        "UTF-8 each)\n", hcsms_strerror(rc), HCSMS_IAM_FIELD_MAX);
        return EXIT_USAGE;
    }
    if (rc != HCSMS_OK) {
        cli_redact_result(run->secrets, &result);
        cli_report(run, "IAM", rc, &result, 0);
        mbedtls_platform_zeroize(&result, sizeof(result));
        return cli_exit_status_of(rc);
    }
    mbedtls_platform_zeroize(&result, sizeof(result));
    if (run->opts.verbose)
        fprintf(stderr, "[%6ldms] * got a token of %lu bytes\n", cli_elapsed_ms(run),
                (unsigned long)strlen(token));
    return cli_write_private_file(run->opts.out != NULL ? run->opts.out : "-", "token", token,
                                  strlen(token), "\n");
}

int cli_run_token(struct cli_run *run, int argc, char **argv)
{
    const struct options *opts = &run->opts;
    hcsms_client_config config;
    hcsms_iam_credentials credentials;
    char endpoint[HCSMS_IAM_ENDPOINT_MAX + 1];
    int operands, rc;

    cli_options_init(&run->opts);
    rc = cli_parse_options(argc, argv, FOR_TOKEN, &run->opts, &operands);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (!(hcsms_features() & HCSMS_FEATURE_IAM)) {
        fprintf(stderr, "hcsms: token: IAM tokens are %s\n", CLI_NOT_BUILT);
        return EXIT_USAGE;
    }
    if ((rc = cli_take_proxy_option(run)) != 0)
        return rc;
    if ((rc = check_token_options(opts, operands, argv)) != 0)
        return rc;
    if ((rc = read_password(run)) != 0)
        return rc;
    credentials.user = opts->user;
    credentials.password = run->secrets->password;
    credentials.account = opts->account;
    credentials.project = opts->project;

    hcsms_client_config_init(&config);
    if ((rc = choose_iam_endpoint(opts, &config, endpoint, sizeof(endpoint))) != 0)
        return rc;
    if ((rc = cli_check_output_path("--out", opts->out)) != 0)
        return rc;
    if ((rc = cli_start_client(run, &config)) != 0)
        return rc;
    return get_token(run, &credentials);
}
