/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A trace hook: every protocol event of one unlock, with milliseconds since
 * the start, on standard error. The library redacts the token's value in
 * the header events; the hook sees nothing secret.
 *
 *     trace ENDPOINT CA_FILE TASK_ID      (the token in HCSMS_AUTH_TOKEN)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <hcsms.h>

static hcsms_client client;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Called from inside hcsms_unlock(), on the caller's thread; text is valid
 * only during the call. */
static void on_trace(void *user, hcsms_trace_event event, const char *text)
{
    const long *start = user;
    fprintf(stderr, "[%5ld ms] event %2d: %s\n", now_ms() - *start, (int)event, text);
}

int main(int argc, char **argv)
{
    hcsms_client_config config;
    hcsms_result result;
    const char *token = getenv("HCSMS_AUTH_TOKEN");
    long start = now_ms();
    int rc;

    if (argc != 4 || token == NULL) {
        fprintf(stderr, "usage: HCSMS_AUTH_TOKEN=... %s ENDPOINT CA_FILE TASK_ID\n", argv[0]);
        return 2;
    }
    hcsms_client_config_init(&config);
    config.endpoint = argv[1];
    config.ca_file = argv[2];
    config.auth_token = token;
    config.trace = on_trace;      /* compiled out with HCSMS_CONFIG_TRACE=0 */
    config.trace_user = &start;
    if ((rc = hcsms_client_init(&client, &config)) == HCSMS_OK) {
        rc = hcsms_unlock(&client, argv[3], &result);
        printf("%s: %s\n", argv[3], rc == HCSMS_OK ? "unlocked" : hcsms_strerror(rc));
    }
    hcsms_client_free(&client);
    hcsms_global_cleanup();
    return rc == HCSMS_OK ? 0 : 1;
}
