/* SPDX-License-Identifier: Apache-2.0 */
/*
 * No heap: mbedTLS's allocations come from a static pool, so the unlock's
 * whole RAM is known at link time. hcsms itself never allocates. Needs an
 * mbedTLS built with MBEDTLS_MEMORY_BUFFER_ALLOC_C and MBEDTLS_PLATFORM_MEMORY
 * (configs/mbedtls-hcsms.h has both); size the pool from `make ram`'s
 * measurement (docs/ram.md) plus a margin.
 *
 *     static_pool ENDPOINT CA_FILE TASK_ID      (the token in HCSMS_AUTH_TOKEN)
 */
#include <stdio.h>
#include <stdlib.h>

#include <mbedtls/build_info.h>
#include <mbedtls/memory_buffer_alloc.h>

#include <hcsms.h>

#if !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C) || !defined(MBEDTLS_PLATFORM_MEMORY)
#error "this example needs mbedTLS with MBEDTLS_MEMORY_BUFFER_ALLOC_C and MBEDTLS_PLATFORM_MEMORY"
#endif

static hcsms_client client;
static unsigned char tls_pool[48 * 1024];

int main(int argc, char **argv)
{
    hcsms_client_config config;
    hcsms_result result;
    const char *token = getenv("HCSMS_AUTH_TOKEN");
    int rc;

    if (argc != 4 || token == NULL) {
        fprintf(stderr, "usage: HCSMS_AUTH_TOKEN=... %s ENDPOINT CA_FILE TASK_ID\n", argv[0]);
        return 2;
    }
    /* Before anything of mbedTLS's runs (hcsms_client_init() seeds the DRBG). */
    mbedtls_memory_buffer_alloc_init(tls_pool, sizeof(tls_pool));
    hcsms_client_config_init(&config);
    config.endpoint = argv[1];
    config.ca_file = argv[2];
    config.auth_token = token;
    if ((rc = hcsms_client_init(&client, &config)) == HCSMS_OK) {
        rc = hcsms_unlock(&client, argv[3], &result);
        printf("%s: %s\n", argv[3], rc == HCSMS_OK ? "unlocked" : hcsms_strerror(rc));
    }
    hcsms_client_free(&client);
    hcsms_global_cleanup();
    mbedtls_memory_buffer_alloc_free();
    return rc == HCSMS_OK ? 0 : 1;
}
