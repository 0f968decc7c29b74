/* SPDX-License-Identifier: Apache-2.0 */
/* Getting a user token from IAM (password method): the request is written
 * by auth (its body holds the password, so it is counted, sent and wiped,
 * never traced); the answer's X-Subject-Token is kept by the parser in the
 * caller's buffer while the large body is drained, and judged here. */
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "sms.h"
#include "../auth/auth.h"

#if HCSMS_CONFIG_IAM

#define IAM_REQUEST_LINE "POST /v3/auth/tokens?nocatalog=true HTTP/1.1"

typedef struct iam_request {
    hcsms_iam_fields credentials;
    char body_length[24];
    hcsms_http_keep *subject_token; /* X-Subject-Token, into the caller's token */
} iam_request;

static void count_bytes(void *context, const void *data, size_t len)
{
    (void)data;
    *(size_t *)context += len;
}

static void write_bytes(void *writer, const void *data, size_t len)
{
    hcsms_http_write(writer, data, len);
}

static void write_iam_request(hcsms_client *client, hcsms_http_writer *writer,
                              const void *context)
{
    const iam_request *request = context;

    TRACE(client, HCSMS_TRACE_REQUEST_LINE, IAM_REQUEST_LINE);
    hcsms_http_write_string(writer, IAM_REQUEST_LINE "\r\n");
    hcsms_write_common_headers(client, writer);
    hcsms_write_header(client, writer, "Content-Type", "application/json;charset=utf8");
    hcsms_write_header(client, writer, "Content-Length", request->body_length);
    hcsms_http_write_string(writer, "\r\n");
    hcsms_iam_write_body(write_bytes, writer, &request->credentials);
}

static int iam_once(hcsms_client *client, const void *context, uint64_t deadline,
                    hcsms_result *result)
{
    const iam_request *request = context;
    hcsms_operation operation;

    memset(result, 0, sizeof(*result));
    operation.write = write_iam_request;
    operation.context = request;
    operation.keep = request->subject_token;
    return hcsms_exchange(client, &operation, deadline, result);
}

/* The kept X-Subject-Token, judged: one header (two: neither can be trusted
 * to be the one), whole, a valid token. The parser keeps white space inside
 * a value: a token has none, so that is no token, cut or not. (One change
 * from when the parser judged tokens itself: a value cut by a caller buffer
 * under HCSMS_TOKEN_MAX + 1 bytes with white space only after the cut is
 * HCSMS_ERR_BUFFER_TOO_SMALL, where it was HCSMS_ERR_NO_TOKEN.) */
static int check_subject_token(const hcsms_http_keep *kept)
{
    if (kept->seen != 1 || strpbrk(kept->value, " \t") != NULL)
        return HCSMS_ERR_NO_TOKEN;
    if (kept->truncated)
        return kept->size > HCSMS_TOKEN_MAX ? HCSMS_ERR_NO_TOKEN : HCSMS_ERR_BUFFER_TOO_SMALL;
    return hcsms_check_token(kept->value, kept->len) == HCSMS_OK ? HCSMS_OK : HCSMS_ERR_NO_TOKEN;
}

int hcsms_iam_get_token(hcsms_client *client, const hcsms_iam_credentials *credentials,
                        char *token, size_t token_size, hcsms_result *result)
{
    iam_request request;
    hcsms_http_keep subject_token;
    size_t body_length = 0;
    int rc;

    /* Not set up may mean refused with HCSMS_ERR_ABI: result untouched. */
    if (result == NULL || client == NULL || !client->initialised)
        return HCSMS_ERR_INVALID_ARGUMENT;
    memset(result, 0, sizeof(*result));
    if (token == NULL || token_size == 0) {
        hcsms_fail_at(result, HCSMS_STEP_SETUP);
        return HCSMS_ERR_INVALID_ARGUMENT;
    }
    token[0] = '\0';
    if (credentials != NULL) {
        request.credentials.user = credentials->user;
        request.credentials.password = credentials->password;
        request.credentials.account = credentials->account;
        request.credentials.project = credentials->project;
    }
    if (credentials == NULL ||
        hcsms_iam_check_credentials(&request.credentials) != HCSMS_OK) {
        hcsms_fail_at(result, HCSMS_STEP_INPUT);
        return HCSMS_ERR_INVALID_CREDENTIALS;
    }
    hcsms_iam_write_body(count_bytes, &body_length, &request.credentials);
    snprintf(request.body_length, sizeof(request.body_length), "%lu",
             (unsigned long)body_length);
    memset(&subject_token, 0, sizeof(subject_token));
    subject_token.name = "x-subject-token";
    subject_token.value = token;
    subject_token.size = token_size;
    subject_token.line_max = HCSMS_TOKEN_MAX + 64; /* the longest token IAM issues */
    request.subject_token = &subject_token;

    rc = hcsms_run(client, iam_once, &request, result);
    if (rc == HCSMS_OK && (rc = check_subject_token(&subject_token)) != HCSMS_OK)
        hcsms_fail_at(result, HCSMS_STEP_RECEIVE);
    if (rc != HCSMS_OK)
        mbedtls_platform_zeroize(token, token_size);
    /* The answer's head, the token in it, passed through the I/O buffer. */
    mbedtls_platform_zeroize(client->scratch.io, sizeof(client->scratch.io));
    return rc;
}

#else

int hcsms_iam_get_token(hcsms_client *client, const hcsms_iam_credentials *credentials,
                        char *token, size_t token_size, hcsms_result *result)
{
    (void)client;
    (void)credentials;
    if (token != NULL && token_size > 0)
        token[0] = '\0';
    if (result != NULL) {
        memset(result, 0, sizeof(*result));
        hcsms_fail_at(result, HCSMS_STEP_SETUP);
    }
    return HCSMS_ERR_NOT_BUILT; /* HCSMS_CONFIG_IAM 0 */
}

#endif /* HCSMS_CONFIG_IAM */
