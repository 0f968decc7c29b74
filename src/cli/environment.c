/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The environment: which credentials (a token, or AK/SK keys of one family
 * of variables) and which CA bundle.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *const system_ca_bundles[] = {
    "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Alpine, Arch */
    "/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL, CentOS */
    "/etc/ssl/ca-bundle.pem",             /* openSUSE */
    "/etc/pki/tls/cacert.pem",            /* OpenELEC */
    "/etc/ssl/cert.pem",                  /* macOS, FreeBSD, OpenBSD */
};

/* A variable set to "" counts as not set (a shell's "export HCSMS_SK="). */
static const char *env_value(cli_getenv_fn get, const char *name)
{
    const char *value = get(name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

/* AK/SK credentials come from one family of variables: HCSMS_* when any of
 * them is set, else HUAWEICLOUD_SDK_*; never a key of one with a secret or
 * a security token of the other (a stale HCSMS_AK signed with the SDK's
 * SK, or a stale security token sent with permanent keys). */
void cli_key_family_of(cli_getenv_fn get, struct cli_key_family *f)
{
    int ours = env_value(get, "HCSMS_AK") != NULL || env_value(get, "HCSMS_SK") != NULL ||
               env_value(get, "HCSMS_SECURITY_TOKEN") != NULL;

    f->prefix = ours ? "HCSMS_" : "HUAWEICLOUD_SDK_";
    f->ak = env_value(get, ours ? "HCSMS_AK" : "HUAWEICLOUD_SDK_AK");
    f->sk = env_value(get, ours ? "HCSMS_SK" : "HUAWEICLOUD_SDK_SK");
    f->security_token =
        env_value(get, ours ? "HCSMS_SECURITY_TOKEN" : "HUAWEICLOUD_SDK_SECURITY_TOKEN");
}

/* The token from --token-file, else HCSMS_AUTH_TOKEN (env_token). */
static int use_token(const struct options *opts, const char *env_token,
                     struct cli_secrets *secrets, hcsms_client_config *config)
{
    if (opts->project_id != NULL)
        return cli_usage_error("--project-id is signed with AK/SK; a token carries its "
                               "own project");
    if (opts->token_file != NULL) {
        int rc = cli_read_token_file(opts->token_file, secrets->token, sizeof(secrets->token),
                                     opts->strict_permissions);
        config->auth_token = secrets->token;
        return rc;
    }
    if (env_token == NULL)
        return cli_usage_error("no credentials: use --token-file FILE or HCSMS_AUTH_TOKEN, "
                               "or HCSMS_AK and HCSMS_SK for AK/SK signing");
    if (hcsms_check_token(env_token, strlen(env_token)) != HCSMS_OK) {
        fprintf(stderr, "hcsms: HCSMS_AUTH_TOKEN is invalid: %s\n",
                hcsms_strerror(HCSMS_ERR_INVALID_TOKEN));
        return EXIT_USAGE;
    }
    memcpy(secrets->token, env_token, strlen(env_token) + 1);
    config->auth_token = secrets->token;
    return 0;
}

/* AK/SK signing with the keys of one family; project_id from --project-id,
 * else HCSMS_PROJECT_ID, else HUAWEICLOUD_SDK_PROJECT_ID (the SDKs' name). */
static int use_keys(const char *project_id, const struct cli_key_family *keys,
                    struct cli_secrets *secrets, hcsms_client_config *config)
{
    if (keys->ak == NULL || keys->sk == NULL)
        return cli_usage_error("AK/SK signing needs both %sAK and %sSK; %s%s is not set (the "
                               "keys are read from HCSMS_* when any is set, else "
                               "HUAWEICLOUD_SDK_*)", keys->prefix, keys->prefix, keys->prefix,
                               keys->ak == NULL ? "AK" : "SK");
    config->access_key = keys->ak;
    config->secret_key = keys->sk;
    config->security_token = keys->security_token;
    config->project_id = project_id;
    if (hcsms_check_credentials(keys->ak, keys->sk, keys->security_token, project_id) !=
        HCSMS_OK) {
        fprintf(stderr, "hcsms: %s (all visible ASCII; the AK without , = ; or quotes)\n",
                hcsms_strerror(HCSMS_ERR_INVALID_CREDENTIALS));
        return EXIT_USAGE;
    }
    secrets->secret_key = keys->sk;
    secrets->security_token = keys->security_token;
    return 0;
}

int cli_choose_credentials(const struct options *opts, struct cli_secrets *secrets,
                           cli_getenv_fn get, hcsms_client_config *config)
{
    const char *env_token = get("HCSMS_AUTH_TOKEN"), *auth = opts->auth, *project_id;
    struct cli_key_family keys;
    int token;

    cli_key_family_of(get, &keys);
    if (auth != NULL && strcmp(auth, "token") != 0 && strcmp(auth, "aksk") != 0)
        return cli_usage_error("--auth takes token or aksk, not '%s'", auth);
    token = auth != NULL ? strcmp(auth, "token") == 0
                         : (opts->token_file != NULL || env_token != NULL ||
                            (keys.ak == NULL && keys.sk == NULL && keys.security_token == NULL));
    if (token)
        return use_token(opts, env_token, secrets, config);
    project_id = opts->project_id;
    if (project_id == NULL && (project_id = env_value(get, "HCSMS_PROJECT_ID")) == NULL)
        project_id = env_value(get, "HUAWEICLOUD_SDK_PROJECT_ID");
    return use_keys(project_id, &keys, secrets, config);
}

int cli_choose_ca_file(const struct options *opts, hcsms_client_config *config)
{
    config->ca_file = opts->cacert != NULL ? opts->cacert : getenv("HCSMS_CACERT");
    if (config->ca_file == NULL) {
        size_t k;
        for (k = 0; k < sizeof(system_ca_bundles) / sizeof(system_ca_bundles[0]); k++) {
            if (access(system_ca_bundles[k], R_OK) == 0) {
                config->ca_file = system_ca_bundles[k];
                break;
            }
        }
        if (config->ca_file == NULL)
            return cli_usage_error("no system CA bundle found; use --cacert FILE");
    } else {
        /* mbedTLS opens it with fopen: a FIFO would block there for ever. */
        struct stat st;
        if (stat(config->ca_file, &st) == 0 && !S_ISREG(st.st_mode))
            return cli_usage_error("CA bundle %s is not a regular file", config->ca_file);
    }
    return 0;
}
