/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared parts of the input tests: see input_checks.h.
 */
/* This test looks inside the client (the library's private fields). */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include "input_checks.h"

const char test_ca_pem[sizeof(TEST_CA_PEM)] = TEST_CA_PEM;

const char *const token = "MIIT-token.value_ok~";

hcsms_client client;
hcsms_client wiped;   /* what a freed client must look like */
hcsms_client_config config;
hcsms_result result;

int setup(void **state)
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

/* A heap string of n copies of c (exactly n + 1 bytes, for ASan). */
char *repeat(char c, size_t n)
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
void free_client(void)
{
    static hcsms_client copy;

    hcsms_client_free(&client);
    memcpy(&copy, &client, sizeof(copy));
    copy.connection.socket.fd = -1;
    assert_memory_equal(&copy, &wiped, sizeof(copy));
}

int init_endpoint(const char *endpoint)
{
    config.endpoint = endpoint;
    return hcsms_client_init(&client, &config);
}
