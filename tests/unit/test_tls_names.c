/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The names a server certificate must carry (src/net/tls_names.c): hcsms's rules
 * on top of mbedTLS's own check, and the IP literals that are matched
 * against iPAddress SANs instead of being sent as SNI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../src/net/net.h"

struct name_case {
    const char *pattern, *host;
    int matches;
};

static void check_names(const struct name_case *cases, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
        int got = hcsms_tls_name_matches(cases[i].pattern, strlen(cases[i].pattern), cases[i].host);
        if (got != cases[i].matches)
            fail_msg("pattern \"%s\", host \"%s\": %d, expected %d", cases[i].pattern, cases[i].host,
                     got, cases[i].matches);
    }
}

static void wildcards_cover_one_label_under_two(void **state)
{
    static const struct name_case cases[] = {
        {"*.com", "myhuaweicloud.com", 0}, /* mbedTLS 2.28 and 3.6 accept this one */
        {"*.myhuaweicloud.com", "sms.myhuaweicloud.com", 1},
        {"*.myhuaweicloud.com", "a.b.myhuaweicloud.com", 0},
        {"*.myhuaweicloud.com", "myhuaweicloud.com", 0},
        {"*.myhuaweicloud.com", ".myhuaweicloud.com", 0},
        {"*.cn-north-4.myhuaweicloud.com", "sms.cn-north-4.myhuaweicloud.com", 1},
        {"*.cn-north-4.myhuaweicloud.com", "sms.ap-southeast-1.myhuaweicloud.com", 0},
        {"sms.*.com", "sms.myhuaweicloud.com", 0},
        {"*x.example.com", "ax.example.com", 0},
        {"x*.example.com", "xa.example.com", 0},
        {"*.*.example.com", "a.b.example.com", 0},
        {"*", "localhost", 0},
        {"*.", "com.", 0},
        {"**.example.com", "a.example.com", 0},
        {"*.example..com", "a.example..com", 0},
        {"*.example.com", "a.example.com.evil.net", 0},
    };
    (void)state;
    check_names(cases, sizeof(cases) / sizeof(cases[0]));
}

static void exact_names_ignore_case_and_the_root_dot(void **state)
{
    static const struct name_case cases[] = {
        {"sms.myhuaweicloud.com", "sms.myhuaweicloud.com", 1},
        {"SMS.MyHuaweiCloud.COM", "sms.myhuaweicloud.com", 1},
        {"sms.myhuaweicloud.com", "SMS.myhuaweicloud.com", 1},
        {"sms.myhuaweicloud.com", "sms.myhuaweicloud.com.", 1},
        {"sms.myhuaweicloud.com.", "sms.myhuaweicloud.com", 1},
        {"*.MYHUAWEICLOUD.com", "Sms.myhuaweicloud.COM.", 1},
        {"*.myhuaweicloud.com.", "sms.myhuaweicloud.com", 1},
        {"sms.myhuaweicloud.com", "sms.myhuaweicloud.com..", 0},
        {"sms.myhuaweicloud.com", "sms.myhuaweicloud.co", 0},
        {"sms.myhuaweicloud.co", "sms.myhuaweicloud.com", 0},
        {"localhost", "localhost", 1},
        {"localhost", "localhost.", 1},
        {"", "localhost", 0},
        {"localhost", "", 0},
        {".", ".", 0},
    };
    (void)state;
    check_names(cases, sizeof(cases) / sizeof(cases[0]));
}

static void a_nul_inside_the_certificate_name_never_matches(void **state)
{
    static const char pattern[] = "sms.myhuaweicloud.com\0.evil.net";
    static const char wildcard[] = "*.myhuaweicloud.com\0.evil.net";
    (void)state;
    assert_false(hcsms_tls_name_matches(pattern, sizeof(pattern) - 1, "sms.myhuaweicloud.com"));
    assert_false(hcsms_tls_name_matches(wildcard, sizeof(wildcard) - 1, "sms.myhuaweicloud.com"));
    /* the length counts, not the NUL */
    assert_true(hcsms_tls_name_matches(pattern, 21, "sms.myhuaweicloud.com"));
    assert_false(hcsms_tls_name_matches(NULL, 0, "a.b"));
    assert_false(hcsms_tls_name_matches("a.b", 3, NULL));
}

struct ip_case {
    const char *text;
    size_t len;
    unsigned char bytes[16];
};

static void ip_literals_parse_as_inet_pton_does(void **state)
{
    static const struct ip_case cases[] = {
        {"127.0.0.1", 4, {127, 0, 0, 1}},
        {"0.0.0.0", 4, {0}},
        {"255.255.255.255", 4, {255, 255, 255, 255}},
        {"::1", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"::", 16, {0}},
        {"2001:db8::1", 16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"2001:DB8:0:0:0:0:0:1", 16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"fe80::", 16, {0xfe, 0x80}},
        {"1::2:3", 16, {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 3}},
        {"::ffff:192.0.2.1", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}},
        {"1:2:3:4:5:6:7:8", 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
        {"1:2:3:4:5:6:7::", 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0}},
        {"1:2:3:4:5:6:1.2.3.4", 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}},
    };
    static const char *const not_ip[] = {
        "localhost", "127.1", "127.0.0.1.", "010.0.0.1", "1.2.3.256", "1.2.3.4.5", "1..2.3",
        "0x7f.0.0.1", "", ".", ":", ":1", "1:", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
        "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3", "g::1", "1.2.3.4::",
    };
    unsigned char out[16];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = hcsms_tls_parse_ip(cases[i].text, out);
        if (len != cases[i].len)
            fail_msg("\"%s\": %u bytes, expected %u", cases[i].text, (unsigned)len,
                     (unsigned)cases[i].len);
        assert_memory_equal(out, cases[i].bytes, len);
    }
    for (i = 0; i < sizeof(not_ip) / sizeof(not_ip[0]); i++) {
        if (hcsms_tls_parse_ip(not_ip[i], out) != 0)
            fail_msg("\"%s\" taken for an IP literal", not_ip[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wildcards_cover_one_label_under_two),
        cmocka_unit_test(exact_names_ignore_case_and_the_root_dot),
        cmocka_unit_test(a_nul_inside_the_certificate_name_never_matches),
        cmocka_unit_test(ip_literals_parse_as_inet_pton_does),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
