/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unlock call: POST /v3/tasks/{task_id}/unlock with the token, or signed
 * with AK/SK afresh for each attempt, through the exchange, retried by
 * hcsms_run() as the policy allows, under one deadline.
 */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "sms.h"
#include "../auth/auth.h"
#include "../http/http.h"

/* AK/SK: the date and signature of one request, made before anything is
 * sent (a device without a clock must fail before it connects). */
typedef struct request_signature {
    /* Only read with HCSMS_CONFIG_AKSK; cppcheck also checks the build
     * without it. */
    char date[17];  /* cppcheck-suppress unusedStructMember */
    char value[65]; /* cppcheck-suppress unusedStructMember */
} request_signature;

static void writer_sink(void *writer, const void *data, size_t len)
{
    hcsms_http_write(writer, data, len);
}

#if HCSMS_CONFIG_AKSK

/* The headers that are signed, sorted by name, as they are sent. */
static size_t signed_headers(const hcsms_client *client, const char *date,
                             hcsms_signed_header headers[5])
{
    size_t n = 0;

    headers[n].name = "content-type";
    headers[n++].value = "application/json";
    headers[n].name = "host";
    headers[n++].value = client->host_header;
    if (client->project_id != NULL) {
        headers[n].name = "x-project-id";
        headers[n++].value = client->project_id;
    }
    headers[n].name = "x-sdk-date";
    headers[n++].value = date;
    if (client->security_token != NULL) {
        headers[n].name = "x-security-token";
        headers[n++].value = client->security_token;
    }
    return n;
}

static HCSMS_NOINLINE int sign_request(const hcsms_client *client, const char *task_id, request_signature *sig)
{
    hcsms_signed_header headers[5];
    hcsms_aksk_signer signer;
    int64_t now;
    int rc;

    if ((rc = hcsms_port_utc_seconds(&now)) != HCSMS_OK ||
        (rc = hcsms_sdk_date(now, sig->date)) != HCSMS_OK)
        return rc;
    if ((rc = hcsms_aksk_begin(&signer, "POST")) != HCSMS_OK)
        return rc;
    hcsms_aksk_update(&signer, "/v3/tasks/", 10);
    hcsms_write_segment(hcsms_aksk_update, &signer, task_id);
    hcsms_aksk_update(&signer, "/unlock", 7);
    return hcsms_aksk_finish(&signer, "", headers, signed_headers(client, sig->date, headers),
                             (const unsigned char *)"", 0, sig->date, client->secret_key,
                             strlen(client->secret_key), sig->value);
}

static void write_aksk_headers(hcsms_client *client, hcsms_http_writer *writer,
                               const request_signature *sig)
{
    hcsms_signed_header headers[5];
    size_t n = signed_headers(client, sig->date, headers), i, used = 0;
    char names[64]; /* "content-type;host;x-project-id;x-sdk-date;x-security-token" */

    for (i = 0; i < n; i++) {
        size_t len = strlen(headers[i].name);
        if (i > 0)
            names[used++] = ';';
        memcpy(names + used, headers[i].name, len);
        used += len;
    }
    names[used] = '\0';

    hcsms_write_header(client, writer, "X-Sdk-Date", sig->date);
    if (client->project_id != NULL)
        hcsms_write_header(client, writer, "X-Project-Id", client->project_id);
    if (client->security_token != NULL) {
        TRACE(client, HCSMS_TRACE_REQUEST_HEADER, "X-Security-Token: (redacted)");
        hcsms_http_write_string(writer, "X-Security-Token: ");
        hcsms_http_write_string(writer, client->security_token);
        hcsms_http_write_string(writer, "\r\n");
    }
    hcsms_http_write_string(writer, "Authorization: SDK-HMAC-SHA256 Access=");
    hcsms_http_write_string(writer, client->access_key);
    hcsms_http_write_string(writer, ", SignedHeaders=");
    hcsms_http_write_string(writer, names);
    hcsms_http_write_string(writer, ", Signature=");
    hcsms_http_write_string(writer, sig->value);
    hcsms_http_write_string(writer, "\r\n");
    if (TRACING(client))
        hcsms_trace_header(client, "Authorization: SDK-HMAC-SHA256 Access=", client->access_key,
                     ", SignedHeaders=", names, ", Signature=(redacted)");
}
#endif /* HCSMS_CONFIG_AKSK */

/* The unlock request: line, headers, no body. */
typedef struct unlock_request {
    const char *task_id;
    request_signature sig; /* cppcheck-suppress unusedStructMember */
} unlock_request;

static void write_unlock_request(hcsms_client *client, hcsms_http_writer *writer,
                                 const void *context)
{
    const unlock_request *request = context;

    if (TRACING(client))
        hcsms_trace_unlock_line(client, request->task_id);
    hcsms_http_write_literal(writer, "POST /v3/tasks/");
    hcsms_write_segment(writer_sink, writer, request->task_id);
    hcsms_http_write_literal(writer, "/unlock HTTP/1.1\r\n");
    hcsms_write_common_headers(client, writer);
    /* One write for both (the writer's cost is per call). */
    hcsms_write_literal_lines(client, writer, "Content-Type: application/json\r\n"
                                              "Content-Length: 0\r\n");
    if (client->token != NULL) {
        TRACE(client, HCSMS_TRACE_REQUEST_HEADER, "X-Auth-Token: (redacted)");
        hcsms_auth_write_token_header(writer, client->token, client->token_len);
    } else {
#if HCSMS_CONFIG_AKSK
        write_aksk_headers(client, writer, &request->sig);
#endif
    }
    hcsms_http_write_literal(writer, "\r\n");
}

/* One attempt of an unlock, signed afresh (X-Sdk-Date must stay fresh
 * across retries). */
static int unlock_once(hcsms_client *client, const void *context, uint64_t deadline,
                       hcsms_result *result)
{
    unlock_request request;
    hcsms_operation operation;
    int rc;

    memset(result, 0, sizeof(*result));
    request.task_id = context;
#if HCSMS_CONFIG_AKSK
    if (client->token == NULL) {
        rc = sign_request(client, request.task_id, &request.sig);
        if (rc != HCSMS_OK) {
            mbedtls_platform_zeroize(&request, sizeof(request));
            hcsms_fail_at(result, HCSMS_STEP_SIGNING);
            return rc;
        }
    }
#endif
    memset(&operation, 0, sizeof(operation));
    operation.write = write_unlock_request;
    operation.context = &request;
    rc = hcsms_exchange(client, &operation, deadline, result);
    /* The signature authorises this request until X-Sdk-Date is stale. */
    mbedtls_platform_zeroize(&request, sizeof(request));
    return rc;
}

int hcsms_unlock(hcsms_client *client, const char *task_id, hcsms_result *result)
{
    int rc;

    /* A client that is not set up may be one init refused with
     * HCSMS_ERR_ABI: then the caller's result is not our size, so it is
     * not touched at all. */
    if (result == NULL || client == NULL || !client->initialised)
        return HCSMS_ERR_INVALID_ARGUMENT;
    rc = hcsms_check_task_id(task_id);
    if (rc == HCSMS_OK && client->token == NULL && client->access_key == NULL)
        rc = HCSMS_ERR_INVALID_CREDENTIALS; /* a client made for IAM only */
    if (rc != HCSMS_OK) {
        memset(result, 0, sizeof(*result));
        hcsms_fail_at(result, HCSMS_STEP_INPUT);
        return rc;
    }
    /* Each attempt clears the result (unlock_once): not cleared here first
     * as well (the whole struct twice cost 230 instructions a task). */
    return hcsms_run(client, unlock_once, task_id, result);
}
