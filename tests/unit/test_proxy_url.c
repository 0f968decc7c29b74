/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proxy URLs as environments write them (http_proxy, HTTPS_PROXY):
 * hcsms_proxy_url_split() splits the user info off, percent-decoded; the
 * forms accepted, the default port, the refusals (credentials wiped) and the
 * caller's buffers. (The CONNECT tunnel itself: test_proxy.c.)
 */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier) */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hcsms.h"
#include "tls_peer.h"

#define TOKEN "MIIZ-test-token-0123456789"

static hcsms_client client;

/* ---- proxy URLs as environments write them ------------------------------- */

static char url_proxy[HCSMS_PROXY_URL_MAX + 1], url_user[HCSMS_PROXY_USER_MAX + 1],
    url_password[HCSMS_PROXY_USER_MAX + 1];

static int split(const char *url)
{
    memset(url_proxy, 'X', sizeof(url_proxy));
    memset(url_user, 'X', sizeof(url_user));
    memset(url_password, 'X', sizeof(url_password));
    return hcsms_proxy_url_split(url, url_proxy, sizeof(url_proxy), url_user, sizeof(url_user),
                                 url_password, sizeof(url_password));
}

static int all_zero(const char *buffer, size_t size)
{
    size_t i;

    for (i = 0; i < size; i++) {
        if (buffer[i] != '\0')
            return 0;
    }
    return 1;
}

static void proxy_url_forms(void **state)
{
    static const struct {
        const char *url, *proxy, *user, *password;
    } cases[] = {
        {"http://proxy:3128", "http://proxy:3128", "", ""},
        {"HTTP://proxy.corp/", "http://proxy.corp/", "", ""},
        {"proxy:3128", "http://proxy:3128", "", ""}, /* no scheme: http:// */
        {"http://bob@proxy:3128", "http://proxy:3128", "bob", ""},
        {"http://bob:@proxy:3128", "http://proxy:3128", "bob", ""},
        {"bob:secret@proxy:3128", "http://proxy:3128", "bob", "secret"},
        {"http://us%40er:p%3Aw%2f%2F@proxy:3128", "http://proxy:3128", "us@er", "p:w//"},
        {"http://%4a%4A:%7e%25@h:1", "http://h:1", "JJ", "~%"},
        {"http://u:p@ss:x@[::1]:3128", "http://[::1]:3128", "u", "p@ss:x"},
        {"http://u:p w\xc3\xa9@10.0.0.1:8080/", "http://10.0.0.1:8080/", "u", "p w\xc3\xa9"},
    };
    char longest[4 * HCSMS_PROXY_USER_MAX + 16], *p = longest;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (split(cases[i].url) != HCSMS_OK)
            fail_msg("%s: refused", cases[i].url);
        assert_string_equal(url_proxy, cases[i].proxy);
        assert_string_equal(url_user, cases[i].user);
        assert_string_equal(url_password, cases[i].password);
        /* what the config takes: no user is NULL credentials */
        assert_int_equal(hcsms_check_proxy(url_proxy, url_user[0] != '\0' ? url_user : NULL,
                                           url_user[0] != '\0' ? url_password : NULL),
                         HCSMS_OK);
    }
    /* HCSMS_PROXY_USER_MAX bytes each, escaped or not */
    p += sprintf(p, "http://");
    for (i = 0; i < HCSMS_PROXY_USER_MAX; i++)
        p += sprintf(p, "%%41");
    p += sprintf(p, ":%0*d@h", HCSMS_PROXY_USER_MAX, 0);
    assert_int_equal(split(longest), HCSMS_OK);
    assert_int_equal(strlen(url_user), HCSMS_PROXY_USER_MAX);
    assert_int_equal(strlen(url_password), HCSMS_PROXY_USER_MAX);
}

/* The default port is config.proxy's: 1080, as curl. */
static void proxy_url_default_port(void **state)
{
    hcsms_client_config config;

    (void)state;
    assert_int_equal(split("http://u:p@proxy.corp"), HCSMS_OK);
    hcsms_client_config_init(&config);
    config.endpoint = "https://sms.example.com";
    config.auth_token = TOKEN;
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.proxy = url_proxy;
    config.proxy_username = url_user;
    config.proxy_password = url_password;
#if HCSMS_CONFIG_PROXY
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
    assert_string_equal(client.proxy_host, "proxy.corp");
    assert_int_equal(client.proxy_port, 1080);
#else
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_NOT_BUILT);
#endif
    hcsms_client_free(&client);
}

static void proxy_url_refused(void **state)
{
    /* The scheme or the user info at fault: nothing written. */
    static const char *const malformed[] = {
        "https://u:p@h:1", "socks5://h:1080", "socks5h://u:p@h", "HTTPS://h", "ftp://h",
        "http://u:%G1@h:1", "http://u:%4@h:1", "http://u:p%@h:1", "http://u%@h:1",
        "http://u%00:p@h:1", "http://u:%00@h:1", "http://%zz@h", "http://u:%0g@h:1"};
    /* The rest refused: the URL without user info is kept, to be named. */
    static const struct {
        const char *url, *proxy;
    } refused[] = {
        {"http://u%3Aser:secret@h:1", "http://h:1"}, /* ':' in the user */
        {"http://:secret@h:1", "http://h:1"},        /* empty user */
        {"http://@h:1", "http://h:1"},
        {"http://u%0A:secret@h:1", "http://h:1"}, /* control byte */
        {"http://u:se%0Dcret@h:1", "http://h:1"},
        {"http://u:secret@", "http://"},
        {"http://u:secret@h:99999", "http://h:99999"},
        {"http://u:secret@h:1/path", "http://h:1/path"},
        {"http://u:secret@[::1", "http://[::1"},
        {"http://h:1\r\nX: 1", "http://h:1\r\nX: 1"},
    };
    char too_long[HCSMS_PROXY_USER_MAX + 16];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        if (split(malformed[i]) != HCSMS_ERR_INVALID_PROXY)
            fail_msg("%s: accepted", malformed[i]);
        assert_string_equal(url_proxy, "");
        assert_string_equal(url_user, "");
        assert_string_equal(url_password, "");
    }
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        if (split(refused[i].url) != HCSMS_ERR_INVALID_PROXY)
            fail_msg("%s: accepted", refused[i].url);
        assert_string_equal(url_proxy, refused[i].proxy);
        assert_true(all_zero(url_user, sizeof(url_user)));
        assert_true(all_zero(url_password, sizeof(url_password))); /* wiped */
    }
    assert_int_equal(split(NULL), HCSMS_ERR_INVALID_PROXY);
    /* a decoded field longer than HCSMS_PROXY_USER_MAX */
    (void)snprintf(too_long, sizeof(too_long), "http://%0*d@h", HCSMS_PROXY_USER_MAX + 1, 0);
    assert_int_equal(split(too_long), HCSMS_ERR_INVALID_PROXY);
    (void)snprintf(too_long, sizeof(too_long), "http://u:%0*d@h", HCSMS_PROXY_USER_MAX + 1, 0);
    assert_int_equal(split(too_long), HCSMS_ERR_INVALID_PROXY);
    assert_string_equal(url_proxy, "");
}

static void proxy_url_buffers(void **state)
{
    char proxy[18], user[4], password[7], longest[HCSMS_PROXY_URL_MAX + 2];
    const char *url = "http://bob:secret@proxy:3128"; /* "http://proxy:3128": 18 bytes */
    size_t i;

    (void)state;
    assert_int_equal(hcsms_proxy_url_split(url, proxy, 18, user, 4, password, 7), HCSMS_OK);
    assert_string_equal(proxy, "http://proxy:3128");
    assert_string_equal(password, "secret");
    memset(password, 'X', sizeof(password));
    assert_int_equal(hcsms_proxy_url_split(url, proxy, 17, user, 4, password, 7),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_string_equal(proxy, "");
    assert_string_equal(user, "");
    assert_null(memmem(password, sizeof(password), "secret", 6)); /* never written */
    assert_string_equal(password, "");
    assert_int_equal(hcsms_proxy_url_split(url, proxy, 18, user, 3, password, 7),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(hcsms_proxy_url_split(url, proxy, 18, user, 4, password, 6),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_null(memmem(password, sizeof(password), "secret", 6));
    assert_int_equal(hcsms_proxy_url_split(url, NULL, 18, user, 4, password, 7),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(hcsms_proxy_url_split(url, proxy, 18, user, 4, password, 0),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
    /* a malformed URL is named so, whatever the buffers */
    assert_int_equal(hcsms_proxy_url_split("http://u:%4@h", proxy, 1, user, 1, password, 1),
                     HCSMS_ERR_INVALID_PROXY);
    /* HCSMS_PROXY_URL_MAX: "http://[" 253 bytes "]:65535/" */
    i = (size_t)sprintf(longest, "http://[");
    for (; i < 8 + HCSMS_HOST_MAX; i++)
        longest[i] = (i & 1) != 0 ? ':' : '1';
    (void)sprintf(longest + i, "]:65535/");
    assert_int_equal(strlen(longest), HCSMS_PROXY_URL_MAX);
    assert_int_equal(split(longest), HCSMS_OK);
    assert_string_equal(url_proxy, longest);
    assert_int_equal(hcsms_proxy_url_split(longest, url_proxy, HCSMS_PROXY_URL_MAX, url_user,
                                           sizeof(url_user), url_password,
                                           sizeof(url_password)),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proxy_url_forms),
        cmocka_unit_test(proxy_url_default_port),
        cmocka_unit_test(proxy_url_refused),
        cmocka_unit_test(proxy_url_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
