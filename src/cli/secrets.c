/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secrets: the one struct that holds them, wiped at exit; the process
 * hardened before anything is read; URLs' user info starred out of argv.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <string.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include <mbedtls/platform_util.h>

#include "cli.h"

/* The only mutable file-scope object of the command: cli_wipe_secrets()
 * runs from atexit(), which hands it nothing, on whatever path exits. */
static struct cli_secrets secrets;

struct cli_secrets *cli_secrets(void)
{
    return &secrets;
}

void cli_wipe_secrets(void)
{
    mbedtls_platform_zeroize(secrets.token, sizeof(secrets.token));
    mbedtls_platform_zeroize(secrets.password, sizeof(secrets.password));
    mbedtls_platform_zeroize(secrets.proxy_user, sizeof(secrets.proxy_user));
    mbedtls_platform_zeroize(secrets.proxy_password, sizeof(secrets.proxy_password));
    mbedtls_platform_zeroize(secrets.proxy_arg_copy, sizeof(secrets.proxy_arg_copy));
    mbedtls_platform_zeroize(secrets.proxy_password_file, sizeof(secrets.proxy_password_file));
    mbedtls_platform_zeroize(secrets.proxy_env_copy, sizeof(secrets.proxy_env_copy));
    secrets.secret_key = secrets.security_token = NULL;
    hcsms_client_free(&secrets.client);
    /* The client is gone and nothing else here uses PSA crypto: its
     * process-wide key store goes too (after the client, whose TLS state
     * still refers to it). */
    hcsms_global_cleanup();
}

/* Before anything else: no core file, and no other process of the same user
 * may read this one's memory (/proc/PID/mem, ptrace) where the token is. */
void cli_harden_process(void)
{
    struct rlimit none = {0, 0};

    (void)setrlimit(RLIMIT_CORE, &none);
#if defined(__linux__)
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

/* After the "scheme://" value starts with, or NULL: a URL's scheme is
 * ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986). */
static char *after_scheme(char *value)
{
    size_t n = strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    if (n == 0 || !((value[0] | 0x20) >= 'a' && (value[0] | 0x20) <= 'z') ||
        strncmp(value + n, "://", 3) != 0)
        return NULL;
    return value + n + 3;
}

/* A --proxy value (rest: after its scheme, or all of it): copied into
 * secrets->proxy_arg_copy, then its password starred. */
static void star_proxy_value(char *value, char *rest, struct cli_secrets *s,
                             struct cli_proxy_arg *found)
{
    char *at = strrchr(rest, '@'), *colon;
    size_t len = strlen(value);

    found->value = value;
    found->state = len < sizeof(s->proxy_arg_copy) ? 1 : 2;
    if (found->state == 1)
        memcpy(s->proxy_arg_copy, value, len + 1);
    colon = at != NULL ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
    found->had_password = colon != NULL;
    if (colon != NULL)
        memset(colon + 1, '*', (size_t)(at - colon - 1));
}

/* The first thing main does: every URL in argv loses its user info to '*'
 * (ps and /proc/PID/cmdline then show stars, as curl does), so no usage
 * error can echo it either. argv is walked as cli_parse_options walks it
 * (values of options, "--"); a --proxy value keeps its user name and is
 * copied first, the last one given being the one used. The user info ends
 * at the value's last '@' here, whatever comes before it: starring too much
 * of argv costs nothing. What another user could read between exec and
 * this point is not ours to close: hence HCSMS_PROXY_PASSWORD and
 * --proxy-password-file. */
void cli_star_argv_secrets(int argc, char **argv, struct cli_secrets *s,
                           struct cli_proxy_arg *found)
{
    int i, options_done = 0;

    for (i = 1; i < argc; i++) {
        char *value = argv[i], *rest, *at;
        int proxy = 0;

        if (!options_done && strcmp(value, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && strcmp(value, "--proxy") == 0 && i + 1 < argc) {
            value = argv[++i];
            proxy = 1;
        } else if (!options_done && strncmp(value, "--proxy=", 8) == 0) {
            value += 8;
            proxy = 1;
        } else if (!options_done && strncmp(value, "--", 2) == 0 && strchr(value, '=') != NULL) {
            value = strchr(value, '=') + 1;
        } else if (!options_done && cli_takes_next_value(value) && i + 1 < argc) {
            value = argv[++i];
        }
        rest = after_scheme(value);
        if (rest == NULL && !proxy)
            continue;
        if (rest == NULL)
            rest = value; /* a proxy URL without a scheme is http:// */
        if (proxy) {
            star_proxy_value(value, rest, s, found);
            continue;
        }
        at = strrchr(rest, '@');
        if (at != NULL)
            memset(rest, '*', (size_t)(at - rest));
    }
}
