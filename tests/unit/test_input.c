/*
 * Unit tests of everything the user hands in before a byte is sent: task
 * ids and their path encoding, tokens, endpoints and regions, client set-up
 * and tear-down, the input path of hcsms_unlock(), error texts and classes.
 * Runs on the fake port: nothing touches the network.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hcsms.h"
#include "fake_port.h"
#include "../../src/sms/sms.h"

/* A self-signed P-256 test certificate (CN=test), only ever parsed. */
static const char test_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBcjCCARmgAwIBAgIUM6Au2tDArZZJwCxqtg3gJGmZJDIwCgYIKoZIzj0EAwIw\n"
    "DzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjcyMDUyMDJaFw0zNjExMjQyMDUyMDJa\n"
    "MA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQdVmS3\n"
    "Aly8z68eDaJaQgs7A1J5Q5OWzfQNeYO7LH3lp1KisqH7Xge5yQGQlbD22C6grp8m\n"
    "2Q8Gx6ecrA+8HIs4o1MwUTAdBgNVHQ4EFgQUo2hTHBYe+UaDFY7Z41Jxy5lrd6sw\n"
    "HwYDVR0jBBgwFoAUo2hTHBYe+UaDFY7Z41Jxy5lrd6swDwYDVR0TAQH/BAUwAwEB\n"
    "/zAKBggqhkjOPQQDAgNHADBEAiBc3dDWA88o+88fI5rxE2fQn0S8I+GVXs19lKDL\n"
    "Q1t1WwIgc2Ux+mPz9CQhVpa3eqRs/kVBmtYT2D+Hd89THi55nzA=\n"
    "-----END CERTIFICATE-----\n";

static const char *const token = "MIIT-token.value_ok~";

static hcsms_client client;
static hcsms_client wiped;   /* what a freed client must look like */
static hcsms_client_config config;
static hcsms_result result;

static int setup(void **state)
{
    (void)state;
    fake_port_reset();
    memset(&client, 0, sizeof(client));
    memset(&result, 0, sizeof(result));
    hcsms_client_config_init(&config);
    config.ca_data = (const unsigned char *)test_ca_pem;
    config.ca_data_len = strlen(test_ca_pem) + 1;
    config.auth_token = token;
    memset(&wiped, 0, sizeof(wiped));
    wiped.connection.socket.fd = -1;
    return 0;
}

/* ---- helpers ------------------------------------------------------------- */

/* A heap string of n copies of c (exactly n + 1 bytes, for ASan). */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* Free the client and check that every byte is wiped. The socket's fd is
 * left out here and checked on its own in free_leaves_the_socket_closed, so
 * that one wrong field does not fail every test of this file. */
static void free_client(void)
{
    static hcsms_client copy;

    hcsms_client_free(&client);
    memcpy(&copy, &client, sizeof(copy));
    copy.connection.socket.fd = -1;
    assert_memory_equal(&copy, &wiped, sizeof(copy));
}

static int init_endpoint(const char *endpoint)
{
    config.endpoint = endpoint;
    return hcsms_client_init(&client, &config);
}

/* ---- task ids ----------------------------------------------------------------
 * By default (HCSMS_CONFIG_STRICT_TASK_ID) 1..64 of A-Z a-z 0-9 _ -, what SMS
 * issues; built with 0, 1..255 bytes, no control bytes, not "." or "..":
 * anything else is percent-encoded. */

static void task_id_accepted(void **state)
{
    char *max = repeat('a', HCSMS_TASK_ID_MAX);

    (void)state;
    assert_int_equal(hcsms_check_task_id("7a9a9540-ff28-4869-b9e4-855fbe12e83b"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("a"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id(max), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("A_z-09"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("-"), HCSMS_OK);
#if !HCSMS_CONFIG_STRICT_TASK_ID
    assert_int_equal(hcsms_check_task_id("a b/c?d#e%f"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("\xc3\xa9"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("..."), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("./"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("~"), HCSMS_OK);
#endif
    free(max);
}

static void task_id_rejected(void **state)
{
    static const char *const bad[] = {
        "", ".", "..", "a\x01", "\x1f", "a\177b", "a\nb", "a\rb", "a\tb", "\n",
#if HCSMS_CONFIG_STRICT_TASK_ID
        /* a gateway that decodes %2F before routing would see a path */
        "a/b", "a%2Fb", "a%2fb", "a b", "a.b", "...", "~", "a?b", "a#b", "a@b",
        "\xc3\xa9", "\342\200\256abc", "abc\xc2\x9b", "\xff",
#endif
    };
    char *too_long = repeat('a', HCSMS_TASK_ID_MAX + 1);
    size_t i;

    (void)state;
    assert_int_equal(hcsms_check_task_id(NULL), HCSMS_ERR_INVALID_TASK_ID);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(hcsms_check_task_id(bad[i]), HCSMS_ERR_INVALID_TASK_ID);
    assert_int_equal(hcsms_check_task_id(too_long), HCSMS_ERR_INVALID_TASK_ID);
    /* A control byte at the very end of a maximal id is still seen. */
    too_long[HCSMS_TASK_ID_MAX - 1] = '\x1f';
    too_long[HCSMS_TASK_ID_MAX] = '\0';
    assert_int_equal(hcsms_check_task_id(too_long), HCSMS_ERR_INVALID_TASK_ID);
    free(too_long);
}

/* ---- path segment encoding ---------------------------------------------------
 * Everything but A-Z a-z 0-9 - . _ ~ becomes %XX; the return value is the
 * full length; a short buffer gets whole pieces only and a NUL. */

static void encode_segment_values(void **state)
{
    static const char unreserved[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    char out[256];

    (void)state;
    assert_int_equal(hcsms_encode_segment("a b/c?d#e%f", out, sizeof(out)), 21);
    assert_string_equal(out, "a%20b%2Fc%3Fd%23e%25f");
    assert_int_equal(hcsms_encode_segment(unreserved, out, sizeof(out)), strlen(unreserved));
    assert_string_equal(out, unreserved);
    assert_int_equal(hcsms_encode_segment("\xc3\xa9", out, sizeof(out)), 6);
    assert_string_equal(out, "%C3%A9");
    assert_int_equal(hcsms_encode_segment("...", out, sizeof(out)), 3);
    assert_string_equal(out, "...");
    assert_int_equal(hcsms_encode_segment("+&=:@!$'()*,;\x7f\xff", out, sizeof(out)), 45);
    assert_string_equal(out, "%2B%26%3D%3A%40%21%24%27%28%29%2A%2C%3B%7F%FF");
    assert_int_equal(hcsms_encode_segment("", out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static void encode_segment_short_buffer(void **state)
{
    char out[16];

    (void)state;
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 4), 5);
    assert_string_equal(out, "%2F");
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 3), 5);
    assert_string_equal(out, "");
    assert_int_equal(out[3], '#');
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 5), 5);
    assert_string_equal(out, "%2Fa");
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 6), 5);
    assert_string_equal(out, "%2Fab");
    /* An escape that does not fit is dropped, and nothing after it is
     * written even when it would fit. */
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("a/b", out, 3), 5);
    assert_string_equal(out, "a");
    assert_int_equal(out[2], '#');
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("ab", out, 1), 2);
    assert_string_equal(out, "");
    assert_int_equal(out[1], '#');
    /* Size 0: only the length; nothing written. */
    assert_int_equal(hcsms_encode_segment("a b", NULL, 0), 5);
}

/* ---- tokens ----------------------------------------------------------------------
 * 1..16384 bytes of visible ASCII (0x21..0x7e). */

static void token_checks(void **state)
{
    static const char *const bad_bytes[] = {" ", "\r", "\n", "\t", "\x7f", "\x80", "\xff"};
    char *max = repeat('t', HCSMS_TOKEN_MAX + 1);
    char visible[0x7f - 0x21 + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(visible) - 1; i++)
        visible[i] = (char)(0x21 + i);
    visible[sizeof(visible) - 1] = '\0';
    assert_int_equal(hcsms_check_token("x", 1), HCSMS_OK);
    assert_int_equal(hcsms_check_token(visible, strlen(visible)), HCSMS_OK);
    assert_int_equal(hcsms_check_token(max, HCSMS_TOKEN_MAX), HCSMS_OK);
    assert_int_equal(hcsms_check_token(max, HCSMS_TOKEN_MAX + 1), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_check_token(NULL, 5), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_check_token("x", 0), HCSMS_ERR_INVALID_TOKEN);
    for (i = 0; i < sizeof(bad_bytes) / sizeof(bad_bytes[0]); i++) {
        char t[8] = "ab";
        t[2] = bad_bytes[i][0];
        t[3] = 'c';
        assert_int_equal(hcsms_check_token(t, 4), HCSMS_ERR_INVALID_TOKEN);
    }
    /* A NUL inside the given length is not visible ASCII either. */
    assert_int_equal(hcsms_check_token("ab\0c", 4), HCSMS_ERR_INVALID_TOKEN);
    free(max);
}

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

/* ---- client set-up ---------------------------------------------------------------
 * init parses the endpoint (or the region's), checks the token, seeds the
 * DRBG from the port and loads the CA; each failure has its own code. */

static void init_with_endpoint(void **state)
{
    (void)state;
    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);
    assert_string_equal(client.host, "localhost");
    assert_int_equal(client.port, 8443);
    assert_int_equal(client.host_is_ipv6, 0);
    assert_string_equal(client.host_header, "localhost:8443");
    assert_int_equal(client.initialised, 1);
    assert_ptr_equal(client.token, token);
    assert_int_equal(client.token_len, strlen(token));
    assert_int_equal(client.connect_timeout_ms, 10000);
    assert_int_equal(client.timeout_ms, 30000);
    assert_int_equal(client.connection.socket.fd, -1);
    /* Nothing was sent, nothing connected. */
    assert_int_equal(fake.connects, 0);
    assert_int_equal(fake.sent_len, 0);
    free_client();
}

static void init_default_region(void **state)
{
    (void)state;
    config.connect_timeout_ms = 5;
    config.timeout_ms = 7;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
    assert_string_equal(client.host, "sms.ap-southeast-3.myhuaweicloud.com");
    assert_string_equal(client.host_header, "sms.ap-southeast-3.myhuaweicloud.com");
    assert_int_equal(client.port, 443);
    assert_int_equal(client.host_is_ipv6, 0);
    assert_int_equal(client.connect_timeout_ms, 5);
    assert_int_equal(client.timeout_ms, 7);
    free_client();

    config.region = "ru-moscow-1";
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
    assert_string_equal(client.host, "sms-api.ru-moscow-1.myhuaweicloud.com");
    assert_int_equal(client.port, 443);
    free_client();
}

static void init_endpoint_wins_over_region(void **state)
{
    (void)state;
    config.region = "ru-moscow-1";
    assert_int_equal(init_endpoint("https://example.com"), HCSMS_OK);
    assert_string_equal(client.host, "example.com");
    assert_string_equal(client.host_header, "example.com");
    assert_int_equal(client.port, 443);
    free_client();

    /* Even an unknown region does not matter when the endpoint is given. */
    config.region = "nowhere-1";
    assert_int_equal(init_endpoint("https://example.com"), HCSMS_OK);
    free_client();
}

static void init_host_header(void **state)
{
    char url[300], expected[300];

    (void)state;
    assert_int_equal(init_endpoint("https://[::1]:8443"), HCSMS_OK);
    assert_string_equal(client.host, "::1");
    assert_int_equal(client.host_is_ipv6, 1);
    assert_string_equal(client.host_header, "[::1]:8443");
    free_client();

    assert_int_equal(init_endpoint("https://[2001:db8::1]/"), HCSMS_OK);
    assert_string_equal(client.host_header, "[2001:db8::1]");
    free_client();

    assert_int_equal(init_endpoint("https://example.com:443"), HCSMS_OK);
    assert_string_equal(client.host_header, "example.com");
    free_client();

    /* The longest host with the longest port still fits whole. */
    memcpy(url, "https://", 8);
    memset(url + 8, 'h', HCSMS_HOST_MAX);
    memcpy(url + 8 + HCSMS_HOST_MAX, ":65535", 7);
    memset(expected, 'h', HCSMS_HOST_MAX);
    memcpy(expected + HCSMS_HOST_MAX, ":65535", 7);
    assert_int_equal(init_endpoint(url), HCSMS_OK);
    assert_string_equal(client.host_header, expected);
    free_client();
}

static void init_errors(void **state)
{
    static const unsigned char garbage[] = "this is not a certificate at all";
    char *too_long = repeat('t', HCSMS_TOKEN_MAX + 1);

    (void)state;
    config.region = "xx-nowhere-9";
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_UNKNOWN_REGION);
    assert_int_equal(client.initialised, 0);
    free_client();
    config.region = NULL;

    assert_int_equal(init_endpoint("http://localhost:8443"), HCSMS_ERR_INSECURE_ENDPOINT);
    free_client();
    assert_int_equal(init_endpoint("https://x/path"), HCSMS_ERR_INVALID_ENDPOINT);
    free_client();
    config.endpoint = NULL;

    /* No credentials at all: a client for IAM; unlock refuses before sending. */
    config.auth_token = NULL;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
    fake.connects = 0;
    assert_int_equal(hcsms_unlock(&client, "t1", &result), HCSMS_ERR_INVALID_CREDENTIALS);
    assert_string_equal(result.failed_step, "input");
    assert_int_equal(fake.connects, 0);
    free_client();
    config.auth_token = "";
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_INVALID_TOKEN);
    free_client();
    config.auth_token = "has space";
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_INVALID_TOKEN);
    free_client();
    config.auth_token = "line\r\nX-Evil: 1";
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_INVALID_TOKEN);
    free_client();
    config.auth_token = too_long;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_INVALID_TOKEN);
    free_client();
    too_long[HCSMS_TOKEN_MAX] = '\0';
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
    assert_int_equal(client.token_len, HCSMS_TOKEN_MAX);
    free_client();
    config.auth_token = token;

    /* No CA at all. */
    config.ca_data = NULL;
    config.ca_data_len = 0;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_CA);
    assert_int_equal(client.initialised, 0);
    free_client();
    /* Garbage CA bytes. */
    config.ca_data = garbage;
    config.ca_data_len = sizeof(garbage);
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_CA);
    free_client();
    /* A PEM whose body is damaged. */
    {
        static char broken[sizeof(test_ca_pem)];
        memcpy(broken, test_ca_pem, sizeof(broken));
        broken[100] = broken[100] == 'A' ? 'B' : 'A';
        broken[101] = '*';
        config.ca_data = (const unsigned char *)broken;
        config.ca_data_len = sizeof(broken);
        assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_CA);
        free_client();
    }
    /* A missing CA file. */
    config.ca_data = NULL;
    config.ca_data_len = 0;
    config.ca_file = "/nonexistent/hcsms-test-ca.pem";
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_CA);
    free_client();
    config.ca_file = NULL;
    config.ca_data = (const unsigned char *)test_ca_pem;
    config.ca_data_len = strlen(test_ca_pem) + 1;

    /* The port has no entropy: TLS refuses to start. */
    fake.entropy_fails = 1;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_ENTROPY);
    assert_int_equal(client.initialised, 0);
    free_client();
    fake.entropy_fails = 0;

    /* NULL arguments. */
    assert_int_equal(hcsms_client_init(NULL, &config), HCSMS_ERR_INVALID_ARGUMENT);
    memset(&client, 0x5a, sizeof(client));
    assert_int_equal(hcsms_client_init(&client, NULL), HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(client.initialised, 0);
    assert_int_equal(client.connection.socket.fd, -1);
    free_client();
    hcsms_client_free(NULL);
    free(too_long);
}

/* ---- tear-down ---------------------------------------------------------------------
 * After hcsms_client_free() the whole context is zero except the socket,
 * which reads as closed (fd -1, port.h's rule) - after a successful init,
 * after a failed one, and after a second free. */

static void free_leaves_the_socket_closed(void **state)
{
    (void)state;
    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);
    hcsms_client_free(&client);
    assert_int_equal(client.connection.socket.fd, -1);
    assert_memory_equal(&client, &wiped, sizeof(client));
    hcsms_client_free(&client);
    assert_memory_equal(&client, &wiped, sizeof(client));
}

static void free_after_failed_init_leaves_the_socket_closed(void **state)
{
    (void)state;
    config.ca_data = NULL;
    config.ca_data_len = 0;
    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_ERR_CA);
    hcsms_client_free(&client);
    assert_int_equal(client.connection.socket.fd, -1);
    assert_memory_equal(&client, &wiped, sizeof(client));
}

/* ---- the ABI guard ------------------------------------------------------------
 * A caller built with other settings than the library (another
 * HCSMS_BODY_KEEP_MAX, mbedTLS configuration, jsmn option) has other struct
 * sizes: init refuses with HCSMS_ERR_ABI and writes only the caller's bytes,
 * and free wipes only those. */

#define SHORTER 40
static union {
    hcsms_client client;
    unsigned char bytes[sizeof(hcsms_client) + SHORTER];
} area;

static void expect_area(size_t zeroed)
{
    size_t i;

    for (i = 0; i < sizeof(area.bytes); i++)
        if (area.bytes[i] != (i < zeroed ? 0 : 0xa5))
            fail_msg("byte %zu of the caller's area: 0x%02x (zeroed up to %zu)", i,
                     area.bytes[i], zeroed);
}

static void abi_mismatch_refused_and_only_the_callers_bytes_written(void **state)
{
    const size_t smaller = sizeof(hcsms_client) - SHORTER;

    (void)state;
    config.endpoint = "https://localhost:8443";
    /* A caller whose hcsms_client is smaller than the library's. */
    memset(area.bytes, 0xa5, sizeof(area.bytes));
    assert_int_equal(hcsms_client_init_abi(&area.client, &config, HCSMS_ABI_VERSION, smaller,
                                           sizeof(hcsms_result)),
                     HCSMS_ERR_ABI);
    expect_area(smaller);
    memset(area.bytes, 0xa5, sizeof(area.bytes));
    hcsms_client_free_abi(&area.client, smaller);
    expect_area(smaller);
    /* Larger: still refused, and its size is what is zeroed. */
    memset(area.bytes, 0xa5, sizeof(area.bytes));
    assert_int_equal(hcsms_client_init_abi(&area.client, &config, HCSMS_ABI_VERSION,
                                           sizeof(area.bytes), sizeof(hcsms_result)),
                     HCSMS_ERR_ABI);
    expect_area(sizeof(area.bytes));
    /* Another hcsms_result (it is written by every call), another version. */
    assert_int_equal(hcsms_client_init_abi(&client, &config, HCSMS_ABI_VERSION,
                                           sizeof(hcsms_client), sizeof(hcsms_result) - 8),
                     HCSMS_ERR_ABI);
    assert_int_equal(client.initialised, 0);
    assert_int_equal(hcsms_client_init_abi(&client, &config, HCSMS_ABI_VERSION + 1,
                                           sizeof(hcsms_client), sizeof(hcsms_result)),
                     HCSMS_ERR_ABI);
    assert_int_equal(client.initialised, 0);
    hcsms_client_free(&client); /* the same size: nothing was set up, nothing to free */
    assert_memory_equal(&client, &wiped, sizeof(client));
    /* The macro passes this build's own: accepted. */
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
    assert_string_equal(hcsms_strerror(HCSMS_ERR_ABI),
                        "built with other hcsms/mbedTLS settings than the library");
    free_client();
}

/* ---- the input path of hcsms_unlock ------------------------------------------
 * A bad task id, a NULL client or result, or a client that is not set up
 * fail before any connect or send; the result is cleared first. */

static void unlock_rejects_bad_task_ids_before_sending(void **state)
{
    static const char *const bad[] = {"", ".", "..", "a\nb", "a\r\nHost: evil", "\x7f"};
    char *too_long = repeat('a', HCSMS_TASK_ID_MAX + 1);
    size_t i;

    (void)state;
    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);
    for (i = 0; i <= sizeof(bad) / sizeof(bad[0]) + 1; i++) {
        const char *id = i < sizeof(bad) / sizeof(bad[0]) ? bad[i]
                         : i == sizeof(bad) / sizeof(bad[0]) ? too_long : NULL;
        memset(&result, 0x5a, sizeof(result));
        assert_int_equal(hcsms_unlock(&client, id, &result), HCSMS_ERR_INVALID_TASK_ID);
        assert_non_null(result.failed_step);
        assert_string_equal(result.failed_step, "input");
        assert_int_equal(result.http_status, 0);
        assert_int_equal(result.attempts, 0);
        assert_string_equal(result.error_code, "");
        assert_string_equal(result.request_id, "");
    }
    assert_int_equal(fake.connects, 0);
    assert_int_equal(fake.sent_len, 0);
    assert_int_equal(fake.send_calls, 0);
    assert_int_equal(fake.recv_calls, 0);
    free_client();
    free(too_long);
}

static void unlock_rejects_null_and_unready_clients(void **state)
{
    static hcsms_result untouched;

    (void)state;
    /* Not set up (it may be a client init refused with HCSMS_ERR_ABI, whose
     * result is not the library's size): the result is not written. */
    memset(&result, 0x5a, sizeof(result));
    memset(&untouched, 0x5a, sizeof(untouched));
    assert_int_equal(hcsms_unlock(NULL, "task", &result), HCSMS_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&result, &untouched, sizeof(result));

    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "task", NULL), HCSMS_ERR_INVALID_ARGUMENT);
    free_client();

    /* A client whose init failed, and a freed client. */
    assert_int_equal(init_endpoint("http://localhost"), HCSMS_ERR_INSECURE_ENDPOINT);
    assert_int_equal(hcsms_unlock(&client, "task", &result), HCSMS_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&result, &untouched, sizeof(result));
    free_client();
    assert_int_equal(hcsms_unlock(&client, "task", &result), HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(fake.connects, 0);
    assert_int_equal(fake.sent_len, 0);
}

/* ---- replacing the token ---------------------------------------------------------
 * A bad new token is refused and the old one stays in place. */

static void set_token_keeps_the_old_one_on_failure(void **state)
{
    static const char newer[] = "refreshed-token";
    char *too_long = repeat('t', HCSMS_TOKEN_MAX + 1);
    char *unterminated = malloc(HCSMS_TOKEN_MAX + 1);

    (void)state;
    assert_non_null(unterminated);
    memset(unterminated, 'u', HCSMS_TOKEN_MAX + 1); /* no NUL anywhere */
    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);

    assert_int_equal(hcsms_client_set_token(&client, too_long), HCSMS_ERR_INVALID_TOKEN);
    assert_ptr_equal(client.token, token);
    assert_int_equal(client.token_len, strlen(token));
    /* Bounded: reads at most HCSMS_TOKEN_MAX + 1 bytes (ASan would see more). */
    assert_int_equal(hcsms_client_set_token(&client, unterminated), HCSMS_ERR_INVALID_TOKEN);
    assert_ptr_equal(client.token, token);
    assert_int_equal(hcsms_client_set_token(&client, "bad token"), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_client_set_token(&client, ""), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_client_set_token(&client, NULL), HCSMS_ERR_INVALID_TOKEN);
    assert_int_equal(hcsms_client_set_token(NULL, newer), HCSMS_ERR_INVALID_TOKEN);
    assert_ptr_equal(client.token, token);
    assert_int_equal(client.token_len, strlen(token));

    assert_int_equal(hcsms_client_set_token(&client, newer), HCSMS_OK);
    assert_ptr_equal(client.token, newer);
    assert_int_equal(client.token_len, strlen(newer));
    too_long[HCSMS_TOKEN_MAX] = '\0';
    assert_int_equal(hcsms_client_set_token(&client, too_long), HCSMS_OK);
    assert_int_equal(client.token_len, HCSMS_TOKEN_MAX);
    free_client();
    free(too_long);
    free(unterminated);
}

/* ---- error texts and classes ---------------------------------------------------
 * Every code has its own non-empty text; unknown codes say so. Classes:
 * input errors -> INPUT, the service -> SERVICE, the rest -> TRANSPORT. */

static const int input_errors[] = {
    HCSMS_ERR_INVALID_ARGUMENT, HCSMS_ERR_INVALID_TASK_ID, HCSMS_ERR_INVALID_TOKEN,
    HCSMS_ERR_INVALID_ENDPOINT, HCSMS_ERR_INSECURE_ENDPOINT, HCSMS_ERR_UNKNOWN_REGION,
    HCSMS_ERR_CA, HCSMS_ERR_INVALID_CREDENTIALS, HCSMS_ERR_INVALID_PROXY, HCSMS_ERR_ABI,
};

static const int transport_errors[] = {
    HCSMS_ERR_RESOLVE, HCSMS_ERR_CONNECT, HCSMS_ERR_TIMEOUT, HCSMS_ERR_SEND, HCSMS_ERR_RECV,
    HCSMS_ERR_CLOSED, HCSMS_ERR_ENTROPY, HCSMS_ERR_TLS_VERIFY, HCSMS_ERR_TLS_HANDSHAKE,
    HCSMS_ERR_TLS, HCSMS_ERR_HTTP_STATUS_LINE, HCSMS_ERR_HTTP_HEADER,
    HCSMS_ERR_HTTP_LINE_TOO_LONG, HCSMS_ERR_HTTP_TOO_MANY_HEADERS,
    HCSMS_ERR_HTTP_HEADERS_TOO_LARGE, HCSMS_ERR_HTTP_CONTENT_LENGTH, HCSMS_ERR_HTTP_FRAMING,
    HCSMS_ERR_HTTP_CHUNK, HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG, HCSMS_ERR_HTTP_TOO_MANY_INTERIM,
    HCSMS_ERR_HTTP_BODY_TOO_LARGE, HCSMS_ERR_HTTP_TRUNCATED, HCSMS_ERR_HTTP_UNEXPECTED,
    HCSMS_ERR_CLOCK, HCSMS_ERR_CRYPTO, HCSMS_ERR_PROXY, HCSMS_ERR_NO_TOKEN,
};

static void strerror_names_every_code(void **state)
{
    int all[64];
    size_t n = 0, i, j;

    (void)state;
    all[n++] = HCSMS_OK;
    all[n++] = HCSMS_ERR_SERVICE;
    all[n++] = HCSMS_ERR_BUFFER_TOO_SMALL;
    for (i = 0; i < sizeof(input_errors) / sizeof(input_errors[0]); i++)
        all[n++] = input_errors[i];
    for (i = 0; i < sizeof(transport_errors) / sizeof(transport_errors[0]); i++)
        all[n++] = transport_errors[i];
    assert_int_equal(n, 40); /* every value of hcsms_error in error.h */
    for (i = 0; i < n; i++) {
        const char *text = hcsms_strerror(all[i]);
        assert_non_null(text);
        assert_true(text[0] != '\0');
        assert_string_not_equal(text, "unknown error");
        for (j = 0; j < i; j++)
            assert_string_not_equal(text, hcsms_strerror(all[j]));
    }
    assert_string_equal(hcsms_strerror(-9999), "unknown error");
    assert_string_equal(hcsms_strerror(1), "unknown error");
    assert_string_equal(hcsms_strerror(-11), "unknown error");
}

static void error_classes(void **state)
{
    size_t i;

    (void)state;
    assert_int_equal(hcsms_error_class_of(HCSMS_OK), HCSMS_CLASS_OK);
    assert_int_equal(hcsms_error_class_of(HCSMS_ERR_SERVICE), HCSMS_CLASS_SERVICE);
    for (i = 0; i < sizeof(input_errors) / sizeof(input_errors[0]); i++)
        assert_int_equal(hcsms_error_class_of(input_errors[i]), HCSMS_CLASS_INPUT);
    for (i = 0; i < sizeof(transport_errors) / sizeof(transport_errors[0]); i++)
        assert_int_equal(hcsms_error_class_of(transport_errors[i]), HCSMS_CLASS_TRANSPORT);
    assert_int_equal(hcsms_error_class_of(-9999), HCSMS_CLASS_TRANSPORT);
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

/* ---- IAM credentials ------------------------------------------------------------ */

static void iam_credentials_checked_before_sending(void **state)
{
    char *longest = repeat('a', HCSMS_IAM_FIELD_MAX);
    char *too_long = repeat('a', HCSMS_IAM_FIELD_MAX + 1);
    hcsms_iam_credentials c = {"user", "pw", "account", "ap-southeast-3"};
    char out[64];
    struct {
        const char **field;
        const char *value;
    } bad[5];
    size_t i;

    (void)state;
    bad[0].field = &c.user, bad[0].value = "";
    bad[1].field = &c.password, bad[1].value = NULL;
    bad[2].field = &c.account, bad[2].value = too_long;
    bad[3].field = &c.password, bad[3].value = "bad \xc3\x28 utf-8";
    bad[4].field = &c.project, bad[4].value = "\xed\xa0\x80"; /* a surrogate */
    config.auth_token = NULL;
    assert_int_equal(init_endpoint("https://iam.example.com"), HCSMS_OK);
    fake.connects = 0;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *saved = *bad[i].field;
        *bad[i].field = bad[i].value;
        strcpy(out, "old");
        assert_int_equal(hcsms_iam_get_token(&client, &c, out, sizeof(out), &result),
                         HCSMS_ERR_INVALID_CREDENTIALS);
        assert_string_equal(out, "");
        assert_string_equal(result.failed_step, "input");
        *bad[i].field = saved;
    }
    assert_int_equal(fake.connects, 0);
    assert_int_equal(hcsms_iam_get_token(&client, &c, NULL, 0, &result),
                     HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(hcsms_iam_get_token(&client, NULL, out, sizeof(out), &result),
                     HCSMS_ERR_INVALID_CREDENTIALS);
    assert_int_equal(hcsms_iam_get_token(&client, &c, out, sizeof(out), NULL),
                     HCSMS_ERR_INVALID_ARGUMENT);
    c.user = longest;
    c.password = "p\"w\\\t\xc3\xa9"; /* escaped in the body, all valid */
    c.project = NULL;
    fake.connect_result = HCSMS_ERR_CONNECT;
    assert_int_equal(hcsms_iam_get_token(&client, &c, out, sizeof(out), &result),
                     HCSMS_ERR_CONNECT); /* accepted: it got as far as connecting */
    assert_int_equal(fake.connects, 1);
    free_client();
    config.auth_token = token;
    free(longest);
    free(too_long);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(task_id_accepted, setup),
        cmocka_unit_test_setup(task_id_rejected, setup),
        cmocka_unit_test_setup(encode_segment_values, setup),
        cmocka_unit_test_setup(encode_segment_short_buffer, setup),
        cmocka_unit_test_setup(token_checks, setup),
        cmocka_unit_test_setup(endpoint_accepted, setup),
        cmocka_unit_test_setup(endpoint_rejected, setup),
        cmocka_unit_test_setup(endpoint_insecure, setup),
        cmocka_unit_test_setup(endpoint_host_lengths, setup),
        cmocka_unit_test_setup(region_hosts, setup),
        cmocka_unit_test_setup(init_with_endpoint, setup),
        cmocka_unit_test_setup(init_default_region, setup),
        cmocka_unit_test_setup(init_endpoint_wins_over_region, setup),
        cmocka_unit_test_setup(init_host_header, setup),
        cmocka_unit_test_setup(init_errors, setup),
        cmocka_unit_test_setup(free_leaves_the_socket_closed, setup),
        cmocka_unit_test_setup(free_after_failed_init_leaves_the_socket_closed, setup),
        cmocka_unit_test_setup(abi_mismatch_refused_and_only_the_callers_bytes_written, setup),
        cmocka_unit_test_setup(unlock_rejects_bad_task_ids_before_sending, setup),
        cmocka_unit_test_setup(unlock_rejects_null_and_unready_clients, setup),
        cmocka_unit_test_setup(set_token_keeps_the_old_one_on_failure, setup),
        cmocka_unit_test_setup(strerror_names_every_code, setup),
        cmocka_unit_test_setup(error_classes, setup),
        cmocka_unit_test_setup(proxy_urls, setup),
        cmocka_unit_test_setup(proxy_credentials, setup),
        cmocka_unit_test_setup(no_proxy_lists, setup),
        cmocka_unit_test_setup(iam_credentials_checked_before_sending, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
