/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The proxy: --proxy (as copied before argv was starred), else https_proxy
 * or HTTPS_PROXY; no_proxy / NO_PROXY; the proxy user's password from
 * --proxy-password-file, HCSMS_PROXY_PASSWORD or the URL. The library
 * splits and decodes the URL (hcsms_proxy_url_split); what is left here is
 * the command's: where the URL and password come from, and the messages,
 * which never print anything of a URL's user info.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/platform_util.h>

#include "cli.h"

/* The first of the environment variables that is set, or NULL. */
static const char *env_either(const char *name, const char *other)
{
    const char *value = getenv(name);
    return value != NULL ? value : getenv(other);
}

/* The proxy URL (without user info) is refused by the library. */
static int invalid_proxy(const char *origin, const char *url)
{
    fputs("hcsms: ", stderr);
    fputs(origin, stderr);
    fputs(": ", stderr);
    fputs(hcsms_strerror(HCSMS_ERR_INVALID_PROXY), stderr);
    /* Shown only when no '@' is left in it: a password with a '/' in it
     * would otherwise look like a path, and be printed. */
    if (strchr(url, '@') == NULL) {
        fputs(" '", stderr);
        cli_put_safe(stderr, url);
        fputc('\'', stderr);
    }
    fputc('\n', stderr);
    return EXIT_USAGE;
}

/* Split a proxy URL, [http://][user[:password]@]host[:port][/], with the
 * library into run->proxy_url (the same without the user info) and the
 * percent-decoded proxy user and password of the secrets. Sets
 * run->proxy_has_user and run->proxy_has_password; 0 or an exit status. */
static int split_proxy_url(struct cli_run *run, const char *url, const char *origin)
{
    struct cli_secrets *s = run->secrets;
    const char *scheme_end = strstr(url, "://");
    size_t scheme_len = scheme_end != NULL ? (size_t)(scheme_end - url) : 0;
    int rc;

    run->proxy_has_user = run->proxy_has_password = 0;
    if (scheme_end != NULL && !(scheme_len == 4 && strncasecmp(url, "http", 4) == 0)) {
        /* Name the scheme only when it is one (not a piece of a password). */
        if (scheme_len > 0 && scheme_len < 16 &&
            strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") ==
                scheme_len)
            return cli_usage_error("%s: only http:// proxies are supported, not '%.*s://'",
                                   origin, (int)scheme_len, url);
        return cli_usage_error("%s: malformed proxy URL", origin);
    }
    rc = hcsms_proxy_url_split(url, run->proxy_url, sizeof(run->proxy_url), s->proxy_user,
                               sizeof(s->proxy_user), s->proxy_password,
                               sizeof(s->proxy_password));
    if (rc == HCSMS_ERR_BUFFER_TOO_SMALL) /* the user and password always fit */
        return cli_usage_error("%s: proxy host too long", origin);
    /* Refused: "" when the user info is malformed, else the URL without it. */
    if (rc != HCSMS_OK && run->proxy_url[0] == '\0')
        return cli_usage_error("%s: malformed user or password in the proxy URL", origin);
    if (rc != HCSMS_OK) {
        rc = invalid_proxy(origin, run->proxy_url);
        /* It may hold a password whose unescaped '/' ended the user info. */
        mbedtls_platform_zeroize(run->proxy_url, sizeof(run->proxy_url));
        return rc;
    }
    /* No password is the empty one to Basic ("user:"). */
    run->proxy_has_user = run->proxy_has_password = s->proxy_user[0] != '\0';
    return 0;
}

int cli_take_proxy_option(struct cli_run *run)
{
    const struct options *opts = &run->opts;
    int rc;

    if (opts->proxy == NULL || opts->proxy[0] == '\0')
        return 0;
    if (run->proxy_arg.value != opts->proxy) /* never: both walk argv alike */
        return cli_usage_error("--proxy: cannot tell which argument is the proxy URL");
    if (run->proxy_arg.state != 1)
        return cli_usage_error("--proxy: proxy URL too long");
    /* Warned, not refused: by now it has been readable in argv since exec,
     * and refusing would only break the scripts that do it. */
    if (run->proxy_arg.had_password)
        fputs("hcsms: warning: a password in --proxy can be read by other users of this "
              "machine (ps); use --proxy-password-file FILE or HCSMS_PROXY_PASSWORD\n",
              stderr);
    run->proxy_option_split = 1;
    rc = split_proxy_url(run, run->secrets->proxy_arg_copy, "--proxy");
    mbedtls_platform_zeroize(run->secrets->proxy_arg_copy, sizeof(run->secrets->proxy_arg_copy));
    return rc;
}

/* The proxy password from --proxy-password-file, else HCSMS_PROXY_PASSWORD,
 * else the one in the proxy URL. 0 or an exit status. */
static int proxy_password_source(struct cli_run *run)
{
    const struct options *opts = &run->opts;
    struct cli_secrets *s = run->secrets;
    const char *env = getenv("HCSMS_PROXY_PASSWORD");
    size_t len;

    if (opts->proxy_password_file != NULL) {
        long read = cli_read_secret_file(opts->proxy_password_file, "proxy password",
                                         s->proxy_password_file, sizeof(s->proxy_password_file),
                                         opts->strict_permissions);
        if (read < 0)
            return EXIT_USAGE;
        len = (size_t)read;
        env = s->proxy_password_file;
    } else if (env != NULL) {
        len = strlen(env);
    } else {
        return 0;
    }
    if (!run->proxy_has_user)
        return cli_usage_error("a proxy password needs a user name in the proxy URL "
                               "(http://USER@host:port)");
    if (len == 0 || len > HCSMS_PROXY_USER_MAX || memchr(env, '\0', len) != NULL)
        return cli_usage_error("the proxy password must be 1 to %d bytes without NUL",
                               HCSMS_PROXY_USER_MAX);
    memcpy(s->proxy_password, env, len);
    s->proxy_password[len] = '\0';
    run->proxy_has_password = 1;
    mbedtls_platform_zeroize(s->proxy_password_file, sizeof(s->proxy_password_file));
    return 0;
}

/* https_proxy, else HTTPS_PROXY, split (when --proxy was not). 0, -1 when
 * neither is set, or an exit status. */
static int take_proxy_environment(struct cli_run *run)
{
    struct cli_secrets *s = run->secrets;
    char *env = getenv("https_proxy");
    const char *origin = "https_proxy";
    int rc;

    if (env == NULL) {
        env = getenv("HTTPS_PROXY");
        origin = "HTTPS_PROXY";
    }
    if (env == NULL || env[0] == '\0') {
        if (run->opts.proxy_password_file != NULL)
            return cli_usage_error("--proxy-password-file without a proxy");
        return -1;
    }
    /* Split a copy: the environment's string is not starred. */
    if (strlen(env) >= sizeof(s->proxy_env_copy))
        return cli_usage_error("%s: proxy URL too long", origin);
    memcpy(s->proxy_env_copy, env, strlen(env) + 1);
    rc = split_proxy_url(run, s->proxy_env_copy, origin);
    mbedtls_platform_zeroize(s->proxy_env_copy, sizeof(s->proxy_env_copy));
    return rc;
}

int cli_choose_proxy(struct cli_run *run, const char *endpoint_url, hcsms_client_config *config)
{
    char host[HCSMS_HOST_MAX + 1];
    int rc;

    (void)hcsms_url_host(endpoint_url, run->resolve_host, sizeof(run->resolve_host));
    if (!run->proxy_option_split && (rc = take_proxy_environment(run)) != 0)
        return rc < 0 ? 0 : rc;
    (void)hcsms_url_host(endpoint_url, host, sizeof(host));
    if (hcsms_no_proxy_match(env_either("no_proxy", "NO_PROXY"), host)) {
        if (run->opts.verbose)
            fprintf(stderr, "[%6ldms] * not using the proxy for %s (no_proxy)\n",
                    cli_elapsed_ms(run), host);
        return 0;
    }
    if ((rc = proxy_password_source(run)) != 0)
        return rc;
    (void)hcsms_url_host(run->proxy_url, run->resolve_host, sizeof(run->resolve_host));
    config->proxy = run->proxy_url;
    config->proxy_username = run->proxy_has_user ? run->secrets->proxy_user : NULL;
    config->proxy_password = run->proxy_has_password ? run->secrets->proxy_password : NULL;
    return 0;
}
