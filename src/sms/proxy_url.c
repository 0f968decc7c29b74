/* SPDX-License-Identifier: Apache-2.0 */
/* Proxy URLs as environments write them (HTTPS_PROXY, curl's -x): the user
 * info split off and percent-decoded here, once, so that no caller that
 * honours HTTPS_PROXY writes its own decoder. No allocation: the caller's
 * buffers, sized before a byte is written. */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "sms.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode len bytes of percent-encoded text into out, when not NULL (the
 * caller has made sure it fits). The decoded length, or -1 for a bad
 * escape or %00 (a NUL would cut the field short). */
static long percent_decode(const char *text, size_t len, char *out)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++, n++) {
        char c = text[i];
        if (c == '%') {
            int high = len - i >= 3 ? hex_digit(text[i + 1]) : -1;
            int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
            if (low < 0 || (high | low) == 0)
                return -1;
            c = (char)(high << 4 | low);
            i += 2;
        }
        if (out != NULL)
            out[n] = c;
    }
    if (out != NULL)
        out[n] = '\0';
    return (long)n;
}

/* What follows "http://" (or the whole URL without a scheme); NULL for any
 * other scheme. */
static const char *after_scheme(const char *url)
{
    const char *scheme_end = strstr(url, "://");
    size_t i;

    if (scheme_end == NULL)
        return url; /* as curl reads HTTPS_PROXY: http:// */
    if (scheme_end - url != 4)
        return NULL;
    for (i = 0; i < 4; i++) {
        if ((url[i] | 0x20) != "http"[i])
            return NULL;
    }
    return scheme_end + 3;
}

/* The user info of rest: up to the last '@' before the first '/', '?' or
 * '#' (a password may hold '@'). Sets *at (NULL: none) and *colon (the
 * first ':' before it, or NULL). */
static void find_user_info(const char *rest, const char **at, const char **colon)
{
    const char *end = rest + strcspn(rest, "/?#"), *p;

    *at = *colon = NULL;
    for (p = rest; p < end; p++) {
        if (*p == '@')
            *at = p;
    }
    if (*at != NULL)
        *colon = memchr(rest, ':', (size_t)(*at - rest));
}

static void wipe_credentials(char *user, size_t user_size, char *password, size_t password_size)
{
    mbedtls_platform_zeroize(user, user_size);
    mbedtls_platform_zeroize(password, password_size);
}

int hcsms_proxy_url_split(const char *url, char *proxy, size_t proxy_size, char *user,
                          size_t user_size, char *password, size_t password_size)
{
    const char *info, *at, *colon, *rest;
    long user_len = 0, password_len = 0;
    size_t rest_len;
    int rc;

    if (proxy == NULL || proxy_size == 0 || user == NULL || user_size == 0 ||
        password == NULL || password_size == 0)
        return HCSMS_ERR_BUFFER_TOO_SMALL;
    proxy[0] = user[0] = password[0] = '\0';
    if (url == NULL || (info = after_scheme(url)) == NULL)
        return HCSMS_ERR_INVALID_PROXY;
    find_user_info(info, &at, &colon);
    rest = info;
    if (at != NULL) {
        user_len = percent_decode(info, (size_t)((colon != NULL ? colon : at) - info), NULL);
        if (colon != NULL)
            password_len = percent_decode(colon + 1, (size_t)(at - colon - 1), NULL);
        if (user_len < 0 || password_len < 0 || user_len > HCSMS_PROXY_USER_MAX ||
            password_len > HCSMS_PROXY_USER_MAX)
            return HCSMS_ERR_INVALID_PROXY;
        rest = at + 1;
    }
    /* Every size before any byte: a failure leaves nothing half written. */
    rest_len = strlen(rest);
    if (rest_len + 8 > proxy_size || (size_t)user_len >= user_size ||
        (size_t)password_len >= password_size)
        return HCSMS_ERR_BUFFER_TOO_SMALL;
    memcpy(proxy, "http://", 8);
    memcpy(proxy + 7, rest, rest_len + 1);
    if (at != NULL) {
        (void)percent_decode(info, (size_t)((colon != NULL ? colon : at) - info), user);
        if (colon != NULL)
            (void)percent_decode(colon + 1, (size_t)(at - colon - 1), password);
    }
    /* What init would refuse is refused here; proxy stays, to be named. */
    rc = hcsms_check_proxy(proxy, at != NULL ? user : NULL, colon != NULL ? password : NULL);
    if (rc != HCSMS_OK)
        wipe_credentials(user, user_size, password, password_size);
    return rc;
}
