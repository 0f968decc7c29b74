/*
 * The unlock operation: one request, one deadline, one kept-alive connection.
 *
 * Data walks down once (task id -> request bytes -> TLS -> port) and back up
 * once (bytes -> parser -> result). On any failure in the middle of a
 * response the connection is closed: bytes of an answer we gave up on must
 * never be read as the answer to the next request.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "hcsms.h"
#include "sms.h"
#include "../auth/auth.h"
#include "../http/http.h"
#include "../net/net.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define DEFAULT_TIMEOUT_MS 30000u


void hcsms_client_config_init(hcsms_client_config *config)
{
    memset(config, 0, sizeof(*config));
}

int hcsms_client_set_token(hcsms_client *client, const char *token)
{
    size_t len;
    int rc;

    if (client == NULL || token == NULL)
        return HCSMS_ERR_INVALID_TOKEN;
    /* Bounded: never read past the longest valid token plus one byte. */
    for (len = 0; len <= HCSMS_TOKEN_MAX && token[len] != '\0'; len++)
        ;
    if ((rc = hcsms_check_token(token, len)) != HCSMS_OK)
        return rc;
    client->token = token;
    client->token_len = len;
    return HCSMS_OK;
}

int hcsms_client_init_abi(hcsms_client *client, const hcsms_client_config *config,
                          unsigned abi_version, size_t client_size, size_t result_size)
{
    int rc;

    if (client == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;
    if (abi_version != HCSMS_ABI_VERSION || client_size != sizeof(*client) ||
        result_size != sizeof(hcsms_result)) {
        /* The caller's struct is client_size bytes, whatever ours is: zero
         * exactly that, so that its hcsms_client_free() finds nothing set up. */
        memset(client, 0, client_size);
        return HCSMS_ERR_ABI;
    }
    memset(client, 0, sizeof(*client));
    client->tls.socket.fd = -1;
    if (config == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;

    if (config->endpoint != NULL) {
        rc = hcsms_endpoint_parse(config->endpoint, client->host, sizeof(client->host),
                                  &client->port, &client->host_is_ipv6);
        if (rc != HCSMS_OK)
            return rc;
    } else {
        const char *endpoint_host = hcsms_region_host(config->region != NULL ? config->region
                                                                 : "ap-southeast-3");
        if (endpoint_host == NULL)
            return HCSMS_ERR_UNKNOWN_REGION;
        memcpy(client->host, endpoint_host, strlen(endpoint_host) + 1);
        client->port = 443;
    }
    /* "host", "[v6]", with ":port" unless it is 443; fits: host is <= 253. */
    snprintf(client->host_header, sizeof(client->host_header),
             client->host_is_ipv6 ? "[%s]" : "%s", client->host);
    if (client->port != 443) {
        size_t used = strlen(client->host_header);
        snprintf(client->host_header + used, sizeof(client->host_header) - used, ":%u",
                 (unsigned)client->port);
    }
    if (config->auth_token != NULL) {
        if ((rc = hcsms_client_set_token(client, config->auth_token)) != HCSMS_OK)
            return rc;
    } else if (config->access_key != NULL || config->secret_key != NULL) {
#if !HCSMS_CONFIG_AKSK
        return HCSMS_ERR_INVALID_CREDENTIALS; /* built without AK/SK signing */
#endif
        rc = hcsms_check_credentials(config->access_key, config->secret_key,
                                     config->security_token, config->project_id);
        if (rc != HCSMS_OK)
            return rc;
        client->access_key = config->access_key;
        client->secret_key = config->secret_key;
        client->security_token = config->security_token;
        client->project_id = config->project_id;
    }
    /* else no credentials: enough to get a token from IAM. */
    if (config->proxy != NULL) {
#if HCSMS_CONFIG_PROXY
        if ((rc = hcsms_proxy_parse(config->proxy, client->proxy_host, sizeof(client->proxy_host),
                                    &client->proxy_port, &client->proxy_is_ipv6)) != HCSMS_OK ||
            (rc = hcsms_check_proxy_credentials(config->proxy_username,
                                                config->proxy_password)) != HCSMS_OK) {
            client->proxy_host[0] = '\0';
            return rc;
        }
        client->proxy_username = config->proxy_username;
        client->proxy_password = config->proxy_password;
#else
        return HCSMS_ERR_INVALID_PROXY; /* built without proxy support */
#endif
    }
    client->connect_timeout_ms = config->connect_timeout_ms ? config->connect_timeout_ms
                                                            : DEFAULT_CONNECT_TIMEOUT_MS;
    client->timeout_ms = config->timeout_ms ? config->timeout_ms : DEFAULT_TIMEOUT_MS;
    client->trace = config->trace;
    client->trace_user = config->trace_user;
    client->retries = config->retries;
    client->retry_base_ms = config->retry_base_ms ? config->retry_base_ms : 500u;
    client->retry_max_ms = config->retry_max_ms ? config->retry_max_ms : 8000u;
    if (client->retry_max_ms < client->retry_base_ms)
        client->retry_max_ms = client->retry_base_ms;

    rc = hcsms_tls_setup(&client->tls, config->ca_data, config->ca_data_len, config->ca_file);
    if (rc != HCSMS_OK)
        return rc;
    client->initialised = 1;
    return HCSMS_OK;
}

void hcsms_client_free_abi(hcsms_client *client, size_t client_size)
{
    if (client == NULL)
        return;
    if (client_size != sizeof(*client)) {
        /* Never set up (init refused it): the caller's bytes only. */
        mbedtls_platform_zeroize(client, client_size);
        return;
    }
    hcsms_tls_free(&client->tls);
    mbedtls_platform_zeroize(client, sizeof(*client));
    client->tls.socket.fd = -1; /* 0 would be a descriptor (stdin) */
}

void hcsms_global_cleanup(void)
{
    hcsms_tls_global_free();
}

static void note_failure(hcsms_client *client, hcsms_result *result, hcsms_step step)
{
    hcsms_fail_at(result, step);
    result->os_error = client->tls.socket.os_error;
    result->tls_error = client->tls.mbedtls_error;
    result->tls_verify_flags = client->tls.verify_flags;
}

static HCSMS_NOINLINE void trace_connect(const hcsms_client *client, const char *host,
                                          uint16_t port, uint8_t is_ipv6)
{
#if HCSMS_CONFIG_TRACE
    if (client->trace != NULL) {
        char text[HCSMS_HOST_MAX + 32];
        snprintf(text, sizeof(text), client->host_is_ipv6 ? "[%s]:%u" : "%s:%u", client->host,
                 (unsigned)client->port);
        TRACE(client, HCSMS_TRACE_CONNECT, text);
        if (host != client->host) {
            snprintf(text, sizeof(text), is_ipv6 ? "via proxy [%s]:%u" : "via proxy %s:%u", host,
                     (unsigned)port);
            TRACE(client, HCSMS_TRACE_PROXY, text);
        }
    }
#else
    (void)client;
    (void)host;
    (void)port;
    (void)is_ipv6;
#endif
}

static HCSMS_NOINLINE void trace_tls(const hcsms_client *client)
{
#if HCSMS_CONFIG_TRACE
    if (client->trace != NULL) {
        char text[96];
        snprintf(text, sizeof(text), "%s %s", hcsms_tls_protocol(&client->tls),
                 hcsms_tls_ciphersuite(&client->tls));
        TRACE(client, HCSMS_TRACE_TLS, text);
    }
#else
    (void)client;
#endif
}

/* One connection: TCP to the server or the proxy, the tunnel, TLS. */
static int connect_once(hcsms_client *client, uint64_t deadline, hcsms_result *result)
{
    const char *host = client->host;
    uint16_t port = client->port;
    uint8_t is_ipv6 = client->host_is_ipv6;
    char address[64];
    int rc;

#if HCSMS_CONFIG_PROXY
    if (client->proxy_host[0] != '\0') {
        host = client->proxy_host;
        port = client->proxy_port;
        is_ipv6 = client->proxy_is_ipv6;
    }
#endif
    if (TRACING(client))
        trace_connect(client, host, port, is_ipv6);
    address[0] = '\0';
    rc = hcsms_tls_open(&client->tls, host, port, client->connect_timeout_ms, deadline, address,
                        sizeof(address));
    if (address[0] != '\0')
        TRACE(client, HCSMS_TRACE_CONNECTED, address);
    if (rc != HCSMS_OK) {
        note_failure(client, result,
                     host != client->host ? HCSMS_STEP_PROXY_CONNECT : HCSMS_STEP_CONNECT);
        return rc;
    }
#if HCSMS_CONFIG_PROXY
    if (host != client->host && (rc = hcsms_proxy_tunnel(client, deadline, result)) != HCSMS_OK) {
        note_failure(client, result, HCSMS_STEP_PROXY_TUNNEL);
        hcsms_tls_close(&client->tls);
        return rc;
    }
#endif
    rc = hcsms_tls_handshake(&client->tls, client->host, deadline);
    if (rc != HCSMS_OK) {
        note_failure(client, result, HCSMS_STEP_TLS_HANDSHAKE);
        return rc;
    }
    if (TRACING(client))
        trace_tls(client);
    return HCSMS_OK;
}

static int connect_server(hcsms_client *client, uint64_t deadline, hcsms_result *result)
{
    int rc = connect_once(client, deadline, result);

    /* A handshake that offered the saved session and failed (other than
     * in the certificate check or for time) gets one full handshake on a
     * new connection: resuming pins the TLS version, and the server behind
     * the name may have changed. Nothing of the request was sent. */
    if (rc != HCSMS_OK && rc != HCSMS_ERR_TLS_VERIFY && rc != HCSMS_ERR_TIMEOUT &&
        hcsms_tls_offered_session(&client->tls) && hcsms_time_left(deadline) > 0) {
        TRACE(client, HCSMS_TRACE_RETRY,
              "the handshake resuming the last TLS session failed; a full one on a new connection");
        hcsms_fail_at(result, HCSMS_STEP_NONE);
        rc = connect_once(client, deadline, result);
    }
    return rc;
}

/* A request header line to the trace, from pieces, out of line (see
 * HCSMS_NOINLINE): its buffer is not on the stack while the request is
 * written. */
static HCSMS_NOINLINE void trace_header(const hcsms_client *client, const char *a,
                                        const char *b, const char *c, const char *d,
                                        const char *e)
{
#if HCSMS_CONFIG_TRACE
    if (client->trace != NULL) {
        char text[HCSMS_HOST_MAX + 96];
        snprintf(text, sizeof(text), "%s%s%s%s%s", a, b, c, d, e);
        TRACE(client, HCSMS_TRACE_REQUEST_HEADER, text);
    }
#else
    (void)client;
    (void)a;
    (void)b;
    (void)c;
    (void)d;
    (void)e;
#endif
}

void hcsms_write_header(hcsms_client *client, hcsms_http_writer *writer, const char *name,
                        const char *value)
{
    if (TRACING(client))
        trace_header(client, name, ": ", value, "", "");
    hcsms_http_write_string(writer, name);
    hcsms_http_write_string(writer, ": ");
    hcsms_http_write_string(writer, value);
    hcsms_http_write_string(writer, "\r\n");
}

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
        trace_header(client, "Authorization: SDK-HMAC-SHA256 Access=", client->access_key,
                     ", SignedHeaders=", names, ", Signature=(redacted)");
}
#endif /* HCSMS_CONFIG_AKSK */

void hcsms_write_common_headers(hcsms_client *client, hcsms_http_writer *writer)
{
    hcsms_write_header(client, writer, "Host", client->host_header);
    hcsms_write_header(client, writer, "User-Agent", "hcsms/" HCSMS_VERSION);
    hcsms_write_header(client, writer, "Accept", "application/json");
}

/* The unlock request: line, headers, no body. */
typedef struct unlock_request {
    const char *task_id;
    request_signature sig; /* cppcheck-suppress unusedStructMember */
} unlock_request;

static void write_unlock_request(hcsms_client *client, hcsms_http_writer *writer,
                                 const void *context)
{
    const unlock_request *request = context;

#if HCSMS_CONFIG_TRACE
    if (client->trace != NULL) {
        /* The body buffer is free until the response arrives. */
        char *line = (char *)client->body;
        size_t used, size = sizeof(client->body) - 17;
        memcpy(line, "POST /v3/tasks/", 16);
        used = 15 + hcsms_encode_segment(request->task_id, line + 15, size - 15);
        memcpy(line + (used < size ? used : size - 1), "/unlock HTTP/1.1", 17);
        TRACE(client, HCSMS_TRACE_REQUEST_LINE, line);
    }
#endif
    hcsms_http_write_string(writer, "POST /v3/tasks/");
    hcsms_write_segment(writer_sink, writer, request->task_id);
    hcsms_http_write_string(writer, "/unlock HTTP/1.1\r\n");
    hcsms_write_common_headers(client, writer);
    hcsms_write_header(client, writer, "Content-Type", "application/json");
    hcsms_write_header(client, writer, "Content-Length", "0");
    if (client->token != NULL) {
        TRACE(client, HCSMS_TRACE_REQUEST_HEADER, "X-Auth-Token: (redacted)");
        hcsms_auth_write_token_header(writer, client->token, client->token_len);
    } else {
#if HCSMS_CONFIG_AKSK
        write_aksk_headers(client, writer, &request->sig);
#endif
    }
    hcsms_http_write_string(writer, "\r\n");
}

static int send_request(hcsms_client *client, const hcsms_transport *transport,
                        const hcsms_operation *operation, uint64_t deadline)
{
    hcsms_http_writer writer;
    int rc;

    hcsms_http_writer_init(&writer, transport, client->scratch.io, sizeof(client->scratch.io),
                           deadline);
    operation->write(client, &writer, operation->context);
    rc = hcsms_http_writer_flush(&writer);
    /* The buffer held pieces of the token, the security token or a password. */
    mbedtls_platform_zeroize(client->scratch.io, sizeof(client->scratch.io));
#if HCSMS_CONFIG_TRACE
    if (rc == HCSMS_OK && client->trace != NULL) {
        char text[32];
        snprintf(text, sizeof(text), "%lu bytes", (unsigned long)writer.bytes_sent);
        TRACE(client, HCSMS_TRACE_REQUEST_SENT, text);
    }
#endif
    return rc;
}

static HCSMS_NOINLINE void trace_response(hcsms_client *client, int leftover)
{
#if HCSMS_CONFIG_TRACE
    const hcsms_http_response *response = &client->response;
    char text[96];

    if (client->trace == NULL)
        return;
    snprintf(text, sizeof(text), "HTTP/1.%u %d", (unsigned)response->http_minor,
             response->status);
    TRACE(client, HCSMS_TRACE_STATUS, text);
    /* %lu, not %llu: newlib-nano's printf has no long long (it printed
     * "lu bytes" on the Cortex-M board). The body is bounded by
     * HCSMS_HTTP_BODY_MAX, far below 2^32 by default; clamp all the same. */
    snprintf(text, sizeof(text), "%s body, %lu bytes%s%s",
             response->chunked ? "chunked"
                               : (response->has_content_length ? "Content-Length" : "close-delimited"),
             response->body_bytes > ULONG_MAX ? ULONG_MAX : (unsigned long)response->body_bytes,
             response->keep_alive ? ", keep-alive" : "",
             leftover ? ", extra bytes after the response" : "");
    TRACE(client, HCSMS_TRACE_RESPONSE_DONE, text);
#else
    (void)client;
    (void)leftover;
#endif
}

int hcsms_exchange(hcsms_client *client, const hcsms_operation *operation, uint64_t deadline,
                   hcsms_result *result)
{
    const hcsms_transport transport = {hcsms_tls_send, hcsms_tls_recv, &client->tls};
    const hcsms_http_response *response;
    int attempt, leftover = 0;

    /* The last call's kept error body (its result pointed at it until now)
     * may echo a secret: gone before anything else is read into it. */
    mbedtls_platform_zeroize(client->body, client->response.body_kept);
    for (attempt = 0;; attempt++) {
        int rc, died_early = 0, reused = 0;

        if (client->tls.connected) {
            if (hcsms_tls_idle_ok(&client->tls)) {
                reused = 1;
                TRACE(client, HCSMS_TRACE_REUSE, "reusing the kept-alive connection");
            } else {
                TRACE(client, HCSMS_TRACE_REUSE,
                      "kept-alive connection closed by the server or out of step; reconnecting");
                hcsms_tls_close(&client->tls);
            }
        }
        if (!reused && (rc = connect_server(client, deadline, result)) != HCSMS_OK)
            return rc;

        result->attempts++;
        rc = send_request(client, &transport, operation, deadline);
        if (rc != HCSMS_OK) {
            died_early = rc == HCSMS_ERR_CLOSED;
            note_failure(client, result, HCSMS_STEP_SEND);
        } else {
            hcsms_http_response_init(&client->response, result->request_id,
                                     sizeof(result->request_id), client->body,
                                     sizeof(client->body));
            if (operation->subject_token != NULL)
                hcsms_http_response_keep_subject_token(&client->response,
                                                       operation->subject_token,
                                                       operation->subject_token_size);
            rc = hcsms_http_read_response(&transport, client->scratch.io, sizeof(client->scratch.io),
                                          &client->response, deadline, &died_early, &leftover);
            /* The raw response may echo a secret; what is kept is in body. */
            mbedtls_platform_zeroize(client->scratch.io, sizeof(client->scratch.io));
            if (rc != HCSMS_OK)
                note_failure(client, result, HCSMS_STEP_RECEIVE);
        }
        if (rc == HCSMS_OK)
            break;
        hcsms_tls_close(&client->tls);
        TRACE(client, HCSMS_TRACE_CLOSE, hcsms_strerror(rc));
        /* A kept-alive connection the server dropped while it was idle: the
         * request was not answered, so sending it again is safe, once. */
        if (!(reused && died_early && attempt == 0 && hcsms_time_left(deadline) > 0))
            return rc;
        TRACE(client, HCSMS_TRACE_RETRY,
              "on a new connection: the kept-alive one died before any response byte");
        memset(result, 0, sizeof(*result));
        result->attempts = 1;
    }

    response = &client->response;
    if (TRACING(client))
        trace_response(client, leftover);
    result->http_status = response->status;
    result->body_bytes = response->body_bytes;
    result->body_truncated = response->body_truncated;
    result->truncated = response->request_id_truncated;
    if (!response->keep_alive || leftover) {
        TRACE(client, HCSMS_TRACE_CLOSE,
              leftover ? "bytes after the response: the connection is out of step"
                       : "the server does not keep the connection open");
        hcsms_tls_close(&client->tls);
    }
    if (response->status >= 200 && response->status < 300)
        return HCSMS_OK;
    hcsms_parse_error_body(client->body, response->body_kept, client->scratch.json_tokens,
                           HCSMS_JSON_TOKENS_MAX, result);
    result->body = client->body;
    result->body_len = response->body_kept;
    return HCSMS_ERR_SERVICE;
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

static HCSMS_NOINLINE void trace_retry(const hcsms_client *client, int rc, long wait,
                                       unsigned retry)
{
#if HCSMS_CONFIG_TRACE
    if (client->trace != NULL) {
        char text[96];
        snprintf(text, sizeof(text), "%s; waiting %ld ms (attempt %u of %u)",
                 rc == HCSMS_ERR_SERVICE ? "the service asked to come back" : hcsms_strerror(rc),
                 wait, retry + 2, client->retries + 1u);
        TRACE(client, HCSMS_TRACE_RETRY, text);
    }
#else
    (void)client;
    (void)rc;
    (void)wait;
    (void)retry;
#endif
}

int hcsms_run(hcsms_client *client, hcsms_attempt_fn attempt, const void *context,
              hcsms_result *result)
{
    uint64_t deadline;
    unsigned retry, attempts = 0;

    /* One deadline for every attempt of this call together. */
    deadline = hcsms_port_now_ms() + client->timeout_ms;
    for (retry = 0;; retry++) {
        long wait;
        int rc = attempt(client, context, deadline, result);

        attempts += result->attempts;
        result->attempts = attempts;
        if (rc == HCSMS_OK || retry >= client->retries)
            return rc;
        wait = hcsms_retry_wait_ms(client, rc, result,
                                   rc == HCSMS_ERR_SERVICE ? client->response.retry_after : NULL,
                                   retry);
        if (wait < 0 || (uint64_t)wait >= hcsms_time_left(deadline))
            return rc; /* not safe to repeat, or no time left to wait */
        if (TRACING(client))
            trace_retry(client, rc, wait, retry);
        hcsms_port_sleep_ms((uint32_t)wait);
    }
}

int hcsms_unlock(hcsms_client *client, const char *task_id, hcsms_result *result)
{
    int rc;

    if (result == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;
    memset(result, 0, sizeof(*result));
    if (client == NULL || !client->initialised) {
        hcsms_fail_at(result, HCSMS_STEP_SETUP);
        return HCSMS_ERR_INVALID_ARGUMENT;
    }
    if ((rc = hcsms_check_task_id(task_id)) != HCSMS_OK) {
        hcsms_fail_at(result, HCSMS_STEP_INPUT);
        return rc;
    }
    if (client->token == NULL && client->access_key == NULL) {
        hcsms_fail_at(result, HCSMS_STEP_INPUT);
        return HCSMS_ERR_INVALID_CREDENTIALS; /* a client made for IAM only */
    }
    return hcsms_run(client, unlock_once, task_id, result);
}
