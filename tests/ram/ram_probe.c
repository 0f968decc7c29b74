/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RAM probe: one full unlock (init, TLS handshake, request, response, free)
 * against a local endpoint, measuring
 *   - sizeof(hcsms_client) and sizeof(hcsms_result);
 *   - mbedTLS's heap: peak bytes and number of allocations, counted through
 *     mbedtls_platform_set_calloc_free() where mbedTLS has
 *     MBEDTLS_PLATFORM_MEMORY, else by linking mbedTLS statically with
 *     -Wl,--wrap=calloc,--wrap=free (mbedTLS allocates with calloc only);
 *   - the whole call chain's stack (hcsms + mbedTLS + libc), by running it
 *     on a thread whose stack was painted with a pattern;
 * or, with --pool BYTES, runs the same unlock with mbedTLS allocating from
 * a static pool (MBEDTLS_MEMORY_BUFFER_ALLOC_C) and reports its peak.
 *
 * usage: ram_probe ENDPOINT CA_FILE TOKEN TASK_ID [--pool BYTES]
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform.h>
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
#include <mbedtls/memory_buffer_alloc.h>
#endif

#include "hcsms.h"

#define STACK_SIZE (256 * 1024)
#define PAINT 0xA5

static const char *endpoint, *ca_file, *token, *task_id;
static int unlock_rc, init_rc;

/* The probe is always linked with --wrap=calloc,--wrap=free (see the
 * Makefile); the wrappers count only where mbedTLS cannot be told. */
void *__real_calloc(size_t n, size_t size); /* NOLINT(bugprone-reserved-identifier) */
void __real_free(void *block);               /* NOLINT(bugprone-reserved-identifier) */
void *__wrap_calloc(size_t n, size_t size);  /* NOLINT(bugprone-reserved-identifier) */
void __wrap_free(void *block);               /* NOLINT(bugprone-reserved-identifier) */
#define calloc __real_calloc
#define free __real_free

/* Counting allocator: a header before each block keeps its size. */
static size_t heap_now, heap_peak, allocations;
#define HEADER 16

static void *counting_calloc(size_t n, size_t size)
{
    unsigned char *p;
    size_t bytes;

    if (size != 0 && n > (SIZE_MAX - HEADER) / size)
        return NULL;
    bytes = n * size;
    p = calloc(1, bytes + HEADER);
    if (p == NULL)
        return NULL;
    memcpy(p, &bytes, sizeof(bytes));
    heap_now += bytes;
    allocations++;
    if (heap_now > heap_peak)
        heap_peak = heap_now;
    return p + HEADER;
}

static void counting_free(void *block)
{
    unsigned char *p = block;
    size_t bytes;

    if (p == NULL)
        return;
    p -= HEADER;
    memcpy(&bytes, p, sizeof(bytes));
    heap_now -= bytes;
    free(p);
}

#if !defined(MBEDTLS_PLATFORM_MEMORY)
void *__wrap_calloc(size_t n, size_t size)
{
    return counting_calloc(n, size);
}

void __wrap_free(void *block)
{
    counting_free(block);
}
#else
void *__wrap_calloc(size_t n, size_t size)
{
    return __real_calloc(n, size);
}

void __wrap_free(void *block)
{
    __real_free(block);
}
#endif

static void *run_unlock(void *unused)
{
    static hcsms_client client;
    hcsms_client_config config;
    hcsms_result result;

    (void)unused;
    hcsms_client_config_init(&config);
    config.endpoint = endpoint;
    config.ca_file = ca_file;
    config.auth_token = token;
    init_rc = hcsms_client_init(&client, &config);
    if (init_rc == HCSMS_OK)
        unlock_rc = hcsms_unlock(&client, task_id, &result);
    hcsms_client_free(&client);
    /* PSA's key store (mbedTLS 3.x) is the process's, not the client's:
     * given back here, so "still held" below is what would leak. */
    hcsms_global_cleanup();
    return NULL;
}

int main(int argc, char **argv)
{
    static unsigned char stack[STACK_SIZE] __attribute__((aligned(64)));
    pthread_attr_t attr;
    pthread_t thread;
    size_t used;
    long pool = 0;

    if (argc < 5) {
        fprintf(stderr, "usage: ram_probe ENDPOINT CA_FILE TOKEN TASK_ID [--pool BYTES]\n");
        return 2;
    }
    endpoint = argv[1];
    ca_file = argv[2];
    token = argv[3];
    task_id = argv[4];
    if (argc == 7 && strcmp(argv[5], "--pool") == 0)
        pool = strtol(argv[6], NULL, 10);

    printf("%s\nsizeof(hcsms_client) %zu\nsizeof(hcsms_result) %zu\n", hcsms_tls_version(),
           sizeof(hcsms_client), sizeof(hcsms_result));
    if (pool > 0) {
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
        static unsigned char heap[1024 * 1024];
        if ((size_t)pool > sizeof(heap))
            pool = (long)sizeof(heap);
        mbedtls_memory_buffer_alloc_init(heap, (size_t)pool);
        run_unlock(NULL);
#if defined(MBEDTLS_MEMORY_DEBUG)
        {
            size_t max_used, max_blocks;
            mbedtls_memory_buffer_alloc_max_get(&max_used, &max_blocks);
            printf("static pool %ld bytes: init %d unlock %d, peak %zu bytes in %zu blocks\n",
                   pool, init_rc, unlock_rc, max_used, max_blocks);
        }
#else
        printf("static pool %ld bytes: init %d, unlock %d (%s)\n", pool, init_rc, unlock_rc,
               hcsms_strerror(unlock_rc != 0 ? unlock_rc : init_rc));
#endif
        mbedtls_memory_buffer_alloc_free();
        return init_rc == HCSMS_OK && unlock_rc == HCSMS_OK ? 0 : 1;
#else
        fprintf(stderr, "ram_probe: mbedTLS was built without MBEDTLS_MEMORY_BUFFER_ALLOC_C\n");
        return 2;
#endif
    }

#if defined(MBEDTLS_PLATFORM_MEMORY)
    mbedtls_platform_set_calloc_free(counting_calloc, counting_free);
#endif
    memset(stack, PAINT, sizeof(stack));
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, sizeof(stack));
    if (pthread_create(&thread, &attr, run_unlock, NULL) != 0)
        return 2;
    pthread_join(thread, NULL);
    for (used = 0; used < sizeof(stack) && stack[used] == PAINT; used++)
        ;
    printf("init %d, unlock %d (%s)\n", init_rc, unlock_rc, hcsms_strerror(unlock_rc));
    printf("stack, whole call chain (painted): %zu bytes\n", sizeof(stack) - used);
    printf("mbedTLS heap: peak %zu bytes, %zu allocations, %zu bytes still held (%s)\n",
           heap_peak, allocations, heap_now,
#if defined(MBEDTLS_PLATFORM_MEMORY)
           "mbedtls_platform_set_calloc_free"
#else
           "calloc/free wrapped at link time"
#endif
    );
    return init_rc == HCSMS_OK && unlock_rc == HCSMS_OK ? 0 : 1;
}
