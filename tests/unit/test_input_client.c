/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client set-up and tear-down: endpoint, region and Host header, every
 * init error, the socket closed and every byte wiped by free, and the ABI
 * guard (a caller's struct of another size refused, only its bytes written).
 */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include "input_checks.h"

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

/* init_errors' CA cases: none, garbage, a damaged PEM, a missing file; the
 * test CA is given back after them. */
static void init_errors_in_the_ca(void)
{
    static const unsigned char garbage[] = "this is not a certificate at all";

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
    /* A missing CA file; built without file reading, any file is refused. */
    config.ca_data = NULL;
    config.ca_data_len = 0;
    config.ca_file = "/nonexistent/hcsms-test-ca.pem";
#if HCSMS_CONFIG_CA_FILE && defined(MBEDTLS_FS_IO)
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_CA);
#else
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_NOT_BUILT);
    free_client();
    config.ca_data = (const unsigned char *)test_ca_pem; /* even with usable data */
    config.ca_data_len = strlen(test_ca_pem) + 1;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_NOT_BUILT);
    free_client();
    config.ca_data = garbage; /* or with data that is not a certificate */
    config.ca_data_len = sizeof(garbage);
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_ERR_NOT_BUILT);
#endif
    free_client();
    config.ca_file = NULL;
    config.ca_data = (const unsigned char *)test_ca_pem;
    config.ca_data_len = strlen(test_ca_pem) + 1;
}

static void init_errors(void **state)
{
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

    init_errors_in_the_ca();

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(init_with_endpoint, setup),
        cmocka_unit_test_setup(init_default_region, setup),
        cmocka_unit_test_setup(init_endpoint_wins_over_region, setup),
        cmocka_unit_test_setup(init_host_header, setup),
        cmocka_unit_test_setup(init_errors, setup),
        cmocka_unit_test_setup(free_leaves_the_socket_closed, setup),
        cmocka_unit_test_setup(free_after_failed_init_leaves_the_socket_closed, setup),
        cmocka_unit_test_setup(abi_mismatch_refused_and_only_the_callers_bytes_written, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
