/* SPDX-License-Identifier: Apache-2.0 */
/* The text helpers the library gives every caller (the CLI uses them):
 * hcsms_url_host(), hcsms_utf8_char() and hcsms_iam_endpoint(). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hcsms.h"

static void test_url_host_endpoints_and_proxies(void **state)
{
    char host[HCSMS_HOST_MAX + 1];

    (void)state;
    assert_int_equal(hcsms_url_host("https://sms.example:443/", host, sizeof(host)), HCSMS_OK);
    assert_string_equal(host, "sms.example");
    assert_int_equal(hcsms_url_host("HTTPS://[fe80::1]:8443", host, sizeof(host)), HCSMS_OK);
    assert_string_equal(host, "fe80::1");
    assert_int_equal(hcsms_url_host("http://proxy.lan:3128", host, sizeof(host)), HCSMS_OK);
    assert_string_equal(host, "proxy.lan");
    assert_int_equal(hcsms_url_host("http://192.0.2.7", host, sizeof(host)), HCSMS_OK);
    assert_string_equal(host, "192.0.2.7");
}

static void test_url_host_refuses_what_init_refuses(void **state)
{
    static const char *const bad[] = {
        "sms.example",                  /* no scheme */
        "ftp://sms.example",            /* another scheme */
        "https://[::1",                 /* unclosed bracket */
        "https://sms.example/v3/x",     /* a path */
        "https://user@sms.example",     /* user info */
        "https://sms.example:0",        /* port 0 */
        "https://sms.example:65536",    /* port too large */
        "https://",                     /* no host */
        "https://a..b",                 /* empty label */
    };
    char host[HCSMS_HOST_MAX + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(host, "dirty", 6);
        assert_int_equal(hcsms_url_host(bad[i], host, sizeof(host)),
                         HCSMS_ERR_INVALID_ENDPOINT);
        assert_string_equal(host, "");
    }
    assert_int_equal(hcsms_url_host(NULL, host, sizeof(host)), HCSMS_ERR_INVALID_ENDPOINT);
}

static void test_url_host_buffer_too_small(void **state)
{
    char host[12];

    (void)state;
    assert_int_equal(hcsms_url_host("https://abcdefghijk", host, sizeof(host)), HCSMS_OK);
    assert_string_equal(host, "abcdefghijk");
    assert_int_equal(hcsms_url_host("https://abcdefghijkl", host, sizeof(host)),
                     HCSMS_ERR_INVALID_ENDPOINT);
    assert_string_equal(host, "");
    assert_int_equal(hcsms_url_host("https://a", host, 0), HCSMS_ERR_INVALID_ENDPOINT);
}

static void test_utf8_char_lengths(void **state)
{
    (void)state;
    assert_int_equal(hcsms_utf8_char("a", 1), 1);
    assert_int_equal(hcsms_utf8_char("", 1), 1); /* NUL is ASCII */
    assert_int_equal(hcsms_utf8_char("\xc2\xa9", 2), 2);         /* U+00A9 */
    assert_int_equal(hcsms_utf8_char("\xe2\x82\xac", 3), 3);     /* U+20AC */
    assert_int_equal(hcsms_utf8_char("\xf0\x9f\x98\x80", 4), 4); /* U+1F600 */
    assert_int_equal(hcsms_utf8_char("\xf4\x8f\xbf\xbf", 4), 4); /* U+10FFFF */
    assert_int_equal(hcsms_utf8_char("\xe2\x82\xac", SIZE_MAX), 3);
}

static void test_utf8_char_refusals(void **state)
{
    (void)state;
    assert_int_equal(hcsms_utf8_char("\x80", 1), 0);             /* stray continuation */
    assert_int_equal(hcsms_utf8_char("\xc0\xaf", 2), 0);         /* overlong '/' */
    assert_int_equal(hcsms_utf8_char("\xc1\xbf", 2), 0);         /* overlong */
    assert_int_equal(hcsms_utf8_char("\xe0\x80\xaf", 3), 0);     /* overlong */
    assert_int_equal(hcsms_utf8_char("\xf0\x80\x80\xaf", 4), 0); /* overlong */
    assert_int_equal(hcsms_utf8_char("\xed\xa0\x80", 3), 0);     /* surrogate U+D800 */
    assert_int_equal(hcsms_utf8_char("\xf4\x90\x80\x80", 4), 0); /* past U+10FFFF */
    assert_int_equal(hcsms_utf8_char("\xf5\x80\x80\x80", 4), 0); /* bad lead */
    assert_int_equal(hcsms_utf8_char("\xff", 1), 0);
    assert_int_equal(hcsms_utf8_char("\xe2\x82\xac", 2), 0);     /* cut by avail */
    assert_int_equal(hcsms_utf8_char("\xe2\x82", SIZE_MAX), 0);  /* cut by the NUL */
    assert_int_equal(hcsms_utf8_char("\xc2" "a", 2), 0);         /* not a continuation */
}

static void test_iam_endpoint_of_a_region(void **state)
{
    char out[HCSMS_IAM_ENDPOINT_MAX + 1];

    (void)state;
    assert_int_equal(hcsms_iam_endpoint("ap-southeast-3", out, sizeof(out)), HCSMS_OK);
    assert_string_equal(out, "https://iam.ap-southeast-3.myhuaweicloud.com");
    /* The longest region known fits HCSMS_IAM_ENDPOINT_MAX. */
    assert_int_equal(hcsms_iam_endpoint("my-kualalumpur-1", out, sizeof(out)), HCSMS_OK);
    assert_string_equal(out, "https://iam.my-kualalumpur-1.myhuaweicloud.com");
    assert_int_equal(hcsms_iam_endpoint("ru-moscow-1", out, sizeof(out)), HCSMS_OK);
    assert_string_equal(out, "https://iam.ru-moscow-1.myhuaweicloud.com");
    assert_int_equal(hcsms_iam_endpoint("xx-nowhere-9", out, sizeof(out)),
                     HCSMS_ERR_UNKNOWN_REGION);
    assert_string_equal(out, "");
    assert_int_equal(hcsms_iam_endpoint(NULL, out, sizeof(out)), HCSMS_ERR_UNKNOWN_REGION);
    /* 44 bytes and the NUL: one byte short is refused, nothing half written. */
    assert_int_equal(hcsms_iam_endpoint("ap-southeast-3", out, 45), HCSMS_OK);
    assert_int_equal(hcsms_iam_endpoint("ap-southeast-3", out, 44), HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_string_equal(out, "");
    assert_int_equal(hcsms_iam_endpoint("ap-southeast-3", NULL, 0), HCSMS_ERR_BUFFER_TOO_SMALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_host_endpoints_and_proxies),
        cmocka_unit_test(test_url_host_refuses_what_init_refuses),
        cmocka_unit_test(test_url_host_buffer_too_small),
        cmocka_unit_test(test_utf8_char_lengths),
        cmocka_unit_test(test_utf8_char_refusals),
        cmocka_unit_test(test_iam_endpoint_of_a_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
