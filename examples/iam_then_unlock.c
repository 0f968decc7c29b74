/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A token from IAM, then the unlock with it: two clients, one per endpoint.
 *
 *     iam_then_unlock IAM_ENDPOINT SMS_ENDPOINT CA_FILE USER ACCOUNT PROJECT TASK_ID
 *     (the password in HCSMS_PASSWORD)
 *
 * hcsms_iam_endpoint() gives IAM's endpoint of a region, for real use:
 *     char iam_url[HCSMS_IAM_ENDPOINT_MAX + 1];
 *     hcsms_iam_endpoint("ap-southeast-3", iam_url, sizeof(iam_url));
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hcsms.h>

static hcsms_client iam, sms;
static char token[HCSMS_TOKEN_MAX + 1]; /* large: 16 KB; not on a small stack */

static int get_token(const char *endpoint, const char *ca_file, char **argv)
{
    hcsms_client_config config;
    hcsms_iam_credentials user;
    hcsms_result result;
    int rc;

    hcsms_client_config_init(&config);
    config.endpoint = endpoint; /* no credentials of its own */
    config.ca_file = ca_file;
    memset(&user, 0, sizeof(user));
    user.user = argv[0];
    user.account = argv[1];
    user.project = argv[2];     /* NULL: a token for the whole account */
    user.password = getenv("HCSMS_PASSWORD");
    if (user.password == NULL)
        return HCSMS_ERR_INVALID_CREDENTIALS;
    rc = hcsms_client_init(&iam, &config);
    if (rc == HCSMS_OK)
        rc = hcsms_iam_get_token(&iam, &user, token, sizeof(token), &result);
    if (rc == HCSMS_ERR_SERVICE)
        printf("IAM refused: HTTP %d %s: %s\n", result.http_status, result.error_code,
               result.error_msg);
    hcsms_client_free(&iam);
    return rc;
}

int main(int argc, char **argv)
{
    hcsms_client_config config;
    hcsms_result result;
    int rc;

    if (argc != 8) {
        fprintf(stderr, "usage: HCSMS_PASSWORD=... %s IAM_ENDPOINT SMS_ENDPOINT CA_FILE USER "
                        "ACCOUNT PROJECT TASK_ID\n", argv[0]);
        return 2;
    }
    if ((rc = get_token(argv[1], argv[3], argv + 4)) != HCSMS_OK) {
        printf("no token: %s\n", hcsms_strerror(rc));
        return 1;
    }
    hcsms_client_config_init(&config);
    config.endpoint = argv[2];
    config.ca_file = argv[3];
    config.auth_token = token;
    if ((rc = hcsms_client_init(&sms, &config)) == HCSMS_OK) {
        rc = hcsms_unlock(&sms, argv[7], &result);
        printf("%s: %s\n", argv[7], rc == HCSMS_OK ? "unlocked" : hcsms_strerror(rc));
    }
    hcsms_client_free(&sms);
    memset(token, 0, sizeof(token)); /* the caller wipes its own copy of the token */
    hcsms_global_cleanup();
    return rc == HCSMS_OK ? 0 : 1;
}
