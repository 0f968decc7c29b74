/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One request and its answer: connect (or reuse the kept-alive connection),
 * send what the operation writes, read the response under the deadline,
 * fill the result. Data walks down once (request bytes -> TLS -> TCP -> port) and
 * back up once (bytes -> parser -> result). On any failure in the middle of
 * a response the connection is closed: bytes of an answer we gave up on
 * must never be read as the answer to the next request.
 */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "sms.h"
#include "../http/http.h"
#include "../net/net.h"

static void note_failure(hcsms_client *client, hcsms_result *result, hcsms_step step)
{
    hcsms_fail_at(result, step);
    result->os_error = hcsms_connection_os_error(&client->connection);
    result->tls_error = hcsms_tls_mbedtls_error(&client->tls);
    result->tls_verify_flags = hcsms_tls_verify_flags(&client->tls);
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
        hcsms_trace_connect(client, host, port, is_ipv6);
    address[0] = '\0';
    rc = hcsms_connection_open(&client->connection, host, port, client->connect_timeout_ms,
                               deadline, address, sizeof(address));
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
        hcsms_connection_close(&client->connection);
        return rc;
    }
#endif
    rc = hcsms_connection_start_tls(&client->connection, client->host, deadline);
    if (rc != HCSMS_OK) {
        note_failure(client, result, HCSMS_STEP_TLS_HANDSHAKE);
        return rc;
    }
    if (TRACING(client))
        hcsms_trace_tls(client);
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
        hcsms_tls_offered_session(&client->tls) && hcsms_port_time_left(deadline) > 0) {
        TRACE(client, HCSMS_TRACE_RETRY,
              "the handshake resuming the last TLS session failed; a full one on a new connection");
        hcsms_fail_at(result, HCSMS_STEP_NONE);
        rc = connect_once(client, deadline, result);
    }
    return rc;
}

void hcsms_write_header_line(hcsms_client *client, hcsms_http_writer *writer, const char *name,
                             size_t name_len, const char *value)
{
    if (TRACING(client))
        hcsms_trace_header(client, name, value, "", "", "");
    hcsms_http_write(writer, name, name_len);
    hcsms_http_write_string(writer, value);
    hcsms_http_write_literal(writer, "\r\n");
}

void hcsms_write_user_agent(const hcsms_client *client, hcsms_http_writer *writer)
{
    if (client->user_agent == NULL) {
        hcsms_http_write_literal(writer, "User-Agent: hcsms/" HCSMS_VERSION "\r\n");
        return;
    }
    hcsms_http_write_literal(writer, "User-Agent: hcsms/" HCSMS_VERSION " ");
    hcsms_http_write_string(writer, client->user_agent);
    hcsms_http_write_literal(writer, "\r\n");
}

void hcsms_write_common_headers(hcsms_client *client, hcsms_http_writer *writer)
{
    hcsms_write_header(client, writer, "Host", client->host_header);
    if (TRACING(client))
        hcsms_trace_header(client, "User-Agent: hcsms/" HCSMS_VERSION,
                           client->user_agent != NULL ? " " : "",
                           client->user_agent != NULL ? client->user_agent : "", "", "");
    hcsms_write_user_agent(client, writer);
    hcsms_write_literal_lines(client, writer, "Accept: application/json\r\n");
}

void hcsms_write_lines(hcsms_client *client, hcsms_http_writer *writer, const char *lines,
                       size_t len)
{
    if (TRACING(client))
        hcsms_trace_lines(client, lines, len);
    hcsms_http_write(writer, lines, len);
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
    if (rc == HCSMS_OK && TRACING(client))
        hcsms_trace_sent(client, writer.bytes_sent);
    return rc;
}

/* Read the answer, keeping the headers every exchange keeps ahead of the
 * operation's: X-Request-Id into the result (the first one; result->truncated
 * when it did not fit), Retry-After for the retry loop (the last one counts;
 * too long to be either form: dropped, not cut). The request id is made
 * printable, whole response or not: it ends up in terminals and JSON (white
 * space becomes ' ', other bytes outside visible ASCII '?'). Out of line:
 * the entries' frame is not part of the connect chain. */
static HCSMS_NOINLINE int receive(hcsms_client *client, const hcsms_transport *transport,
                                  const hcsms_operation *operation, uint64_t deadline,
                                  hcsms_result *result, int *died_early, int *leftover)
{
    hcsms_http_keep kept[2];
    char *c;
    int rc;

    hcsms_http_response_init(&client->response, client->body, sizeof(client->body));
    memset(kept, 0, sizeof(kept));
    kept[0].next = &kept[1];
    kept[0].name = "x-request-id";
    kept[0].value = result->request_id;
    kept[0].size = sizeof(result->request_id);
    kept[1].next = operation->keep;
    kept[1].name = "retry-after";
    kept[1].value = client->retry_after;
    kept[1].size = sizeof(client->retry_after);
    kept[1].replace = 1;
    hcsms_http_response_keep(&client->response, kept);
    rc = hcsms_http_read_response(transport, client->scratch.io, sizeof(client->scratch.io),
                                  &client->response, deadline, died_early, leftover);
    for (c = result->request_id; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e)
            *c = (*c == ' ' || *c == '\t') ? ' ' : '?';
    }
    if (kept[1].truncated)
        client->retry_after[0] = '\0';
    result->truncated = kept[0].truncated;
    return rc;
}

/* A whole response arrived: the result from it; the connection kept only
 * if the server keeps it and nothing followed the response. */
static int answered(hcsms_client *client, int leftover, hcsms_result *result)
{
    const hcsms_http_response *response = &client->response;

    if (TRACING(client))
        hcsms_trace_response(client, leftover);
    result->http_status = response->status;
    result->body_bytes = response->body_bytes;
    result->body_truncated = response->body_truncated;
    if (!response->keep_alive || leftover) {
        TRACE(client, HCSMS_TRACE_CLOSE,
              leftover ? "bytes after the response: the connection is out of step"
                       : "the server does not keep the connection open");
        hcsms_connection_close(&client->connection);
    }
    if (response->status >= 200 && response->status < 300)
        return HCSMS_OK;
    hcsms_parse_error_body(client->body, response->body_kept,
                           (jsmntok_t *)(void *)client->scratch.json_tokens, HCSMS_JSON_TOKENS_MAX,
                           result);
    result->body = client->body;
    result->body_len = response->body_kept;
    return HCSMS_ERR_SERVICE;
}

int hcsms_exchange(hcsms_client *client, const hcsms_operation *operation, uint64_t deadline,
                   hcsms_result *result)
{
    const hcsms_transport *transport = hcsms_connection_transport(&client->connection);
    int attempt, leftover = 0;

    /* The last call's kept error body (its result pointed at it until now)
     * may echo a secret: gone before anything else is read into it. */
    mbedtls_platform_zeroize(client->body, client->response.body_kept);
    for (attempt = 0;; attempt++) {
        int rc, died_early = 0, reused = 0;

        if (hcsms_connection_is_open(&client->connection)) {
            if (hcsms_connection_idle_ok(&client->connection)) {
                reused = 1;
                TRACE(client, HCSMS_TRACE_REUSE, "reusing the kept-alive connection");
            } else {
                TRACE(client, HCSMS_TRACE_REUSE,
                      "kept-alive connection closed by the server or out of step; reconnecting");
                hcsms_connection_close(&client->connection);
            }
        }
        if (!reused && (rc = connect_server(client, deadline, result)) != HCSMS_OK)
            return rc;

        result->attempts++;
        rc = send_request(client, transport, operation, deadline);
        if (rc != HCSMS_OK) {
            died_early = rc == HCSMS_ERR_CLOSED;
            note_failure(client, result, HCSMS_STEP_SEND);
        } else {
            rc = receive(client, transport, operation, deadline, result, &died_early, &leftover);
            /* The raw response may echo a secret; what is kept is in body. */
            mbedtls_platform_zeroize(client->scratch.io, sizeof(client->scratch.io));
            if (rc != HCSMS_OK)
                note_failure(client, result, HCSMS_STEP_RECEIVE);
        }
        if (rc == HCSMS_OK)
            break;
        hcsms_connection_close(&client->connection);
        TRACE(client, HCSMS_TRACE_CLOSE, hcsms_strerror(rc));
        /* A kept-alive connection the server dropped while it was idle: the
         * request was not answered, so sending it again is safe, once. */
        if (!(reused && died_early && attempt == 0 && hcsms_port_time_left(deadline) > 0))
            return rc;
        TRACE(client, HCSMS_TRACE_RETRY,
              "on a new connection: the kept-alive one died before any response byte");
        memset(result, 0, sizeof(*result));
        result->attempts = 1;
    }

    return answered(client, leftover, result);
}
