/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where requests go: endpoints accepted and rejected (plain HTTP refused),
 * host lengths, region hosts, and proxy URLs, credentials and NO_PROXY
 * lists.
 */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include "input_checks.h"

/* ---- endpoints -----------------------------------------------------------------
 * "https://host[:port][/]" only; http:// is refused as insecure. */

static void endpoint_accepted(void **state)
{
    static const struct {
        const char *url, *host;
        uint16_t port;
        uint8_t ipv6;
    } good[] = {
        {"https://sms.ap-southeast-3.myhuaweicloud.com", "sms.ap-southeast-3.myhuaweicloud.com", 443, 0},
        {"https://localhost:8443", "localhost", 8443, 0},
        {"HTTPS://Example.COM/", "Example.COM", 443, 0},
        {"https://[::1]:8443", "::1", 8443, 1},
        {"https://[2001:db8::1]", "2001:db8::1", 443, 1},
        {"https://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", 443, 1},
        {"https://127.0.0.1:1", "127.0.0.1", 1, 0},
        {"https://x:65535/", "x", 65535, 0},
        {"hTTpS://a-b.c", "a-b.c", 443, 0},
    };
    char host[HCSMS_HOST_MAX + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        uint16_t port = 1234;
        uint8_t ipv6 = 7;
        assert_int_equal(hcsms_endpoint_parse(good[i].url, host, sizeof(host), &port, &ipv6),
                         HCSMS_OK);
        assert_string_equal(host, good[i].host);
        assert_int_equal(port, good[i].port);
        assert_int_equal(ipv6, good[i].ipv6);
    }
}

static void endpoint_rejected(void **state)
{
    static const char *const invalid[] = {
        "", "x", "ftp://x", "https://", "https://:443", "https://x:0", "https://x:65536",
        "https://x:123456", "https://x:", "https://x/path", "https://x?q", "https://x#f",
        "https://user@x", "https://x y", "https://[::1", "https://[zz::1]", "https://[1]",
        "https://-x", "https://x-", "https://a..b", "https://x:80a", "https:/x", "https:x",
        " https://x", "https://x//", "https://[::1]x", "https://[]", "https://[:]",
        "https://[1.2.3.4]", "https://.x", "https://x:-1", "https://x:+443",
        "https://x\r\nHost: y",
    };
    char host[HCSMS_HOST_MAX + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        uint16_t port = 0;
        uint8_t ipv6 = 0;
        memset(host, 'z', sizeof(host));
        if (hcsms_endpoint_parse(invalid[i], host, sizeof(host), &port, &ipv6) !=
            HCSMS_ERR_INVALID_ENDPOINT)
            fail_msg("accepted or misclassified: \"%s\"", invalid[i]);
        assert_string_equal(host, "");
    }
    assert_int_equal(hcsms_endpoint_parse(NULL, host, sizeof(host), NULL, NULL),
                     HCSMS_ERR_INVALID_ENDPOINT);
}

static void endpoint_insecure(void **state)
{
    static const char *const insecure[] = {"http://x", "HTTP://x", "http://x:443/", "Http://[::1]"};
    char host[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(insecure) / sizeof(insecure[0]); i++) {
        uint16_t port = 0;
        uint8_t ipv6 = 0;
        assert_int_equal(hcsms_endpoint_parse(insecure[i], host, sizeof(host), &port, &ipv6),
                         HCSMS_ERR_INSECURE_ENDPOINT);
    }
}

/* Host length: 253 fits, 254 does not; host_size is respected. */
static void endpoint_host_lengths(void **state)
{
    char url[300], host[HCSMS_HOST_MAX + 2];
    uint16_t port;
    uint8_t ipv6;

    (void)state;
    memcpy(url, "https://", 8);
    memset(url + 8, 'h', HCSMS_HOST_MAX);
    url[8 + HCSMS_HOST_MAX] = '\0';
    assert_int_equal(hcsms_endpoint_parse(url, host, sizeof(host), &port, &ipv6), HCSMS_OK);
    assert_int_equal(strlen(host), HCSMS_HOST_MAX);
    url[8 + HCSMS_HOST_MAX] = 'h';
    url[9 + HCSMS_HOST_MAX] = '\0';
    assert_int_equal(hcsms_endpoint_parse(url, host, sizeof(host), &port, &ipv6),
                     HCSMS_ERR_INVALID_ENDPOINT);

    /* "example.com" is 11 bytes: needs host_size 12. */
    memset(host, 'z', sizeof(host));
    assert_int_equal(hcsms_endpoint_parse("https://example.com", host, 11, &port, &ipv6),
                     HCSMS_ERR_INVALID_ENDPOINT);
    assert_string_equal(host, "");
    assert_int_equal((unsigned char)host[11], 'z');
    assert_int_equal(hcsms_endpoint_parse("https://example.com", host, 12, &port, &ipv6), HCSMS_OK);
    assert_string_equal(host, "example.com");
    assert_int_equal(hcsms_endpoint_parse("https://[::1]", host, 3, &port, &ipv6),
                     HCSMS_ERR_INVALID_ENDPOINT);
    assert_int_equal(hcsms_endpoint_parse("https://[::1]", host, 4, &port, &ipv6), HCSMS_OK);
    assert_string_equal(host, "::1");
    assert_int_equal(hcsms_endpoint_parse("https://x", host, 0, &port, &ipv6),
                     HCSMS_ERR_INVALID_ENDPOINT);
}

/* ---- regions ----------------------------------------------------------------------
 * The five regions of the spec, exactly; anything else is unknown. */

static void region_hosts(void **state)
{
    (void)state;
    assert_string_equal(hcsms_region_host("ap-southeast-3"), "sms.ap-southeast-3.myhuaweicloud.com");
    assert_string_equal(hcsms_region_host("cn-north-4"), "sms.cn-north-4.myhuaweicloud.com");
    assert_string_equal(hcsms_region_host("ap-southeast-1"), "sms.ap-southeast-1.myhuaweicloud.com");
    assert_string_equal(hcsms_region_host("my-kualalumpur-1"),
                        "sms.my-kualalumpur-1.myhuaweicloud.com");
    assert_string_equal(hcsms_region_host("ru-moscow-1"), "sms-api.ru-moscow-1.myhuaweicloud.com");
    assert_null(hcsms_region_host("eu-west-0"));
    assert_null(hcsms_region_host(""));
    assert_null(hcsms_region_host("ap-southeast-30"));
    assert_null(hcsms_region_host("ap-southeast"));
    assert_null(hcsms_region_host(NULL));
}

/* ---- proxies ---------------------------------------------------------------- */

static void proxy_urls(void **state)
{
    char host[HCSMS_HOST_MAX + 1];
    uint16_t port;
    uint8_t is_ipv6;
    static const char *const bad[] = {
        "https://proxy:3128",        /* only http:// proxies */
        "socks5://proxy:1080",
        "proxy:3128",                /* no scheme */
        "http://",
        "http://user:pw@proxy:3128", /* credentials go in their own fields */
        "http://proxy:3128/path",
        "http://proxy:0",
        "http://proxy:65536",
        "http://pro xy:3128",
        "http://proxy:3128\r\nX: 1",
        "http://[::1:3128",
        NULL,
    };
    size_t i;

    (void)state;
    assert_int_equal(hcsms_proxy_parse("http://proxy.corp:3128", host, sizeof(host), &port,
                                       &is_ipv6), HCSMS_OK);
    assert_string_equal(host, "proxy.corp");
    assert_int_equal(port, 3128);
    assert_int_equal(is_ipv6, 0);
    assert_int_equal(hcsms_proxy_parse("HTTP://proxy/", host, sizeof(host), &port, &is_ipv6),
                     HCSMS_OK);
    assert_int_equal(port, 1080); /* curl's default proxy port */
    assert_int_equal(hcsms_proxy_parse("http://[::1]:8888", host, sizeof(host), &port,
                                       &is_ipv6), HCSMS_OK);
    assert_string_equal(host, "::1");
    assert_int_equal(is_ipv6, 1);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(hcsms_proxy_parse(bad[i], host, sizeof(host), &port, &is_ipv6),
                         HCSMS_ERR_INVALID_PROXY);
        assert_int_equal(hcsms_check_proxy(bad[i], NULL, NULL), HCSMS_ERR_INVALID_PROXY);
    }
}

static void proxy_credentials(void **state)
{
    char *longest = repeat('u', HCSMS_PROXY_USER_MAX);
    char *too_long = repeat('u', HCSMS_PROXY_USER_MAX + 1);

    (void)state;
    assert_int_equal(hcsms_check_proxy("http://p:1", NULL, NULL), HCSMS_OK);
    assert_int_equal(hcsms_check_proxy("http://p:1", "user", "pa:ss word"), HCSMS_OK);
    assert_int_equal(hcsms_check_proxy("http://p:1", "user", NULL), HCSMS_OK);
    assert_int_equal(hcsms_check_proxy("http://p:1", "user", ""), HCSMS_OK);
    assert_int_equal(hcsms_check_proxy("http://p:1", longest, longest), HCSMS_OK);
    assert_int_equal(hcsms_check_proxy("http://p:1", too_long, "x"), HCSMS_ERR_INVALID_PROXY);
    assert_int_equal(hcsms_check_proxy("http://p:1", "u", too_long), HCSMS_ERR_INVALID_PROXY);
    assert_int_equal(hcsms_check_proxy("http://p:1", "", "x"), HCSMS_ERR_INVALID_PROXY);
    assert_int_equal(hcsms_check_proxy("http://p:1", "us:er", "x"), HCSMS_ERR_INVALID_PROXY);
    assert_int_equal(hcsms_check_proxy("http://p:1", "user\r\n", "x"), HCSMS_ERR_INVALID_PROXY);
    assert_int_equal(hcsms_check_proxy("http://p:1", "user", "p\nw"), HCSMS_ERR_INVALID_PROXY);
    assert_int_equal(hcsms_check_proxy("http://p:1", NULL, "pw"), HCSMS_ERR_INVALID_PROXY);

    /* init checks the same, and keeps the proxy apart from the endpoint */
    config.proxy = "http://[::1]:3128";
    config.proxy_username = "user";
    config.proxy_password = "pw";
#if HCSMS_CONFIG_PROXY
    assert_int_equal(init_endpoint("https://sms.example.com"), HCSMS_OK);
    assert_string_equal(client.proxy_host, "::1");
    assert_int_equal(client.proxy_port, 3128);
    assert_string_equal(client.host, "sms.example.com");
    free_client();
    config.proxy_username = "us:er";
    assert_int_equal(init_endpoint("https://sms.example.com"), HCSMS_ERR_INVALID_PROXY);
    free_client();
    config.proxy = "https://p:1";
    config.proxy_username = NULL;
    config.proxy_password = NULL;
    assert_int_equal(init_endpoint("https://sms.example.com"), HCSMS_ERR_INVALID_PROXY);
    free_client();
#else
    /* built without proxies, any proxy is refused at init, never bypassed */
    assert_int_equal(init_endpoint("https://sms.example.com"), HCSMS_ERR_NOT_BUILT);
    free_client();
    config.proxy = "https://p:1";
    assert_int_equal(init_endpoint("https://sms.example.com"), HCSMS_ERR_NOT_BUILT);
    free_client();
#endif
    config.proxy = NULL;
    free(longest);
    free(too_long);
}

static void no_proxy_lists(void **state)
{
    static const struct {
        const char *list, *host;
        int bypass;
    } cases[] = {
        {"localhost", "localhost", 1},
        {"LOCALHOST", "localhost", 1},
        {"example.com", "sms.example.com", 1},
        {".example.com", "sms.example.com", 1},
        {".example.com", "example.com", 1},
        {"example.com", "badexample.com", 0},
        {"sms.example.com", "example.com", 0},
        {"a.com, b.com ,c.com", "x.c.com", 1},
        {"a.com,,b.com", "b.com", 1},
        {"a.com b.com", "b.com", 1},
        {"*", "anything.example", 1},
        {"*.example.com", "sms.example.com", 0}, /* no globbing, as curl */
        {"127.0.0.1", "127.0.0.1", 1},
        {"127.0.0.1", "127.0.0.10", 0},
        {"10.0.0.1", "110.0.0.1", 0},
        {"::1", "::1", 1},
        {"[::1]", "::1", 1},
        {"[::1]:8443", "::1", 1},
        {"localhost:8443", "localhost", 1},
        {"example.com.", "sms.example.com", 1},
        {"example.com", "sms.example.com.", 1},
        /* IP addresses match only themselves, or an IPv4 range */
        {"168.0.1", "192.168.0.1", 0},
        {"0.1", "192.168.0.1", 0},
        {"1", "10.0.0.1", 0},
        {"10.0.0.0/8", "10.1.2.3", 1},
        {"10.0.0.0/8", "11.1.2.3", 0},
        {"192.168.1.0/24", "192.168.1.77", 1},
        {"192.168.1.0/24", "192.168.2.77", 0},
        {"0.0.0.0/0", "8.8.8.8", 1},
        {"10.0.0.1/32", "10.0.0.1", 1},
        {"10.0.0.1/33", "10.0.0.1", 0},
        {"10.0.0.0/8", "ten.example", 0},
        {"::1", "0:0::1", 0},
        {"FE80::1", "fe80::1", 1},
        {"1.2.3.4.5", "2.3.4.5", 0},
        {"", "localhost", 0},
        {" , ", "localhost", 0},
        {"host", "", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (hcsms_no_proxy_match(cases[i].list, cases[i].host) != cases[i].bypass)
            fail_msg("NO_PROXY '%s' for '%s': want %d", cases[i].list, cases[i].host,
                     cases[i].bypass);
    }
    assert_int_equal(hcsms_no_proxy_match(NULL, "localhost"), 0);
    assert_int_equal(hcsms_no_proxy_match("localhost", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(endpoint_accepted, setup),
        cmocka_unit_test_setup(endpoint_rejected, setup),
        cmocka_unit_test_setup(endpoint_insecure, setup),
        cmocka_unit_test_setup(endpoint_host_lengths, setup),
        cmocka_unit_test_setup(region_hosts, setup),
        cmocka_unit_test_setup(proxy_urls, setup),
        cmocka_unit_test_setup(proxy_credentials, setup),
        cmocka_unit_test_setup(no_proxy_lists, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
