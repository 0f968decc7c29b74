/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unlock one task's target server on POSIX: the smallest complete program.
 *
 *     unlock ENDPOINT CA_FILE TASK_ID      (the token in HCSMS_AUTH_TOKEN)
 *
 * Build against an installed hcsms:
 *     cc unlock.c $(pkg-config --static --cflags --libs hcsms) -o unlock
 * Exit status: 0 unlocked, 1 the service refused, 2 usage, 3 any other failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include <hcsms.h>

static hcsms_client client; /* caller-owned: static, on the stack or in a struct */

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
    hcsms_client_config_init(&config);
    config.endpoint = argv[1];   /* "https://sms.ap-southeast-3.myhuaweicloud.com", or .region */
    config.ca_file = argv[2];
    config.auth_token = token;   /* used in place until hcsms_client_free() */
    config.timeout_ms = 30000;   /* one deadline for the whole call */

    rc = hcsms_client_init(&client, &config);
    if (rc != HCSMS_OK) { /* the result is not written: nothing was tried */
        printf("set-up failed: %s\n", hcsms_strerror(rc));
        hcsms_client_free(&client);
        return rc == HCSMS_ERR_ABI ? 3 : 2;
    }
    rc = hcsms_unlock(&client, argv[3], &result);
    if (rc == HCSMS_OK) {
        printf("unlocked %s (HTTP %d, request id %s)\n", argv[3], result.http_status,
               result.request_id);
    } else if (rc == HCSMS_ERR_SERVICE) {
        printf("refused: HTTP %d %s: %s (request id %s)\n", result.http_status,
               result.error_code, result.error_msg, result.request_id);
    } else {
        printf("failed: %s during %s\n", hcsms_strerror(rc),
               result.failed_step != NULL ? result.failed_step : "the call");
    }
    hcsms_client_free(&client); /* closes, frees mbedTLS's state, wipes the context */
    hcsms_global_cleanup();     /* mbedTLS's process-wide state (PSA), once at exit */
    return rc == HCSMS_OK ? 0 : rc == HCSMS_ERR_SERVICE ? 1 : 3;
}
