/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trace: what a client's trace function is told, formatted here. The
 * whole file is compiled out with HCSMS_CONFIG_TRACE=0 (sms.h then has empty
 * stubs). Each function is only called while a trace function is set and
 * lives out of line, in this file, so its text buffer is never on the stack
 * of an untraced call. No text holds a secret: the token, the security token
 * and the signature are written by the callers as "(redacted)".
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sms.h"
#include "../net/net.h"

#if HCSMS_CONFIG_TRACE

void hcsms_trace_connect(const hcsms_client *client, const char *host, uint16_t port,
                         uint8_t is_ipv6)
{
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
}

void hcsms_trace_tls(const hcsms_client *client)
{
    if (client->trace != NULL) {
        char text[96];
        snprintf(text, sizeof(text), "%s %s", hcsms_tls_protocol(&client->tls),
                 hcsms_tls_ciphersuite(&client->tls));
        TRACE(client, HCSMS_TRACE_TLS, text);
    }
}

/* A request header line, from pieces. */
void hcsms_trace_header(const hcsms_client *client, const char *a, const char *b,
                        const char *c, const char *d, const char *e)
{
    if (client->trace != NULL) {
        char text[HCSMS_HOST_MAX + 96];
        snprintf(text, sizeof(text), "%s%s%s%s%s", a, b, c, d, e);
        TRACE(client, HCSMS_TRACE_REQUEST_HEADER, text);
    }
}

/* Header lines written at once ("Name: value\r\n" each), one event a line. */
void hcsms_trace_lines(const hcsms_client *client, const char *lines, size_t len)
{
    while (client->trace != NULL && len > 0) {
        const char *cr = memchr(lines, '\r', len);
        size_t line = cr != NULL ? (size_t)(cr - lines) : len;
        size_t next = cr != NULL && line + 2 <= len ? line + 2 : len;
        char text[96];

        if (line >= sizeof(text))
            line = sizeof(text) - 1; /* constants of ours: never */
        memcpy(text, lines, line);
        text[line] = '\0';
        TRACE(client, HCSMS_TRACE_REQUEST_HEADER, text);
        lines += next;
        len -= next;
    }
}

void hcsms_trace_response(hcsms_client *client, int leftover)
{
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
}

void hcsms_trace_retry(const hcsms_client *client, int rc, long wait, unsigned retry)
{
    if (client->trace != NULL) {
        char text[96];
        snprintf(text, sizeof(text), "%s; waiting %ld ms (attempt %u of %u)",
                 rc == HCSMS_ERR_SERVICE ? "the service asked to come back" : hcsms_strerror(rc),
                 wait, retry + 2, client->retries + 1u);
        TRACE(client, HCSMS_TRACE_RETRY, text);
    }
}

/* "POST /v3/tasks/<id, encoded>/unlock HTTP/1.1", in the body buffer, which
 * is free until the response arrives. */
void hcsms_trace_unlock_line(hcsms_client *client, const char *task_id)
{
    char *line = (char *)client->body;
    size_t used, size = sizeof(client->body) - 17;

    if (client->trace == NULL)
        return;
    memcpy(line, "POST /v3/tasks/", 16);
    used = 15 + hcsms_encode_segment(task_id, line + 15, size - 15);
    memcpy(line + (used < size ? used : size - 1), "/unlock HTTP/1.1", 17);
    TRACE(client, HCSMS_TRACE_REQUEST_LINE, line);
}

void hcsms_trace_sent(const hcsms_client *client, uint64_t bytes)
{
    char text[32];

    if (client->trace == NULL)
        return;
    snprintf(text, sizeof(text), "%lu bytes", (unsigned long)bytes);
    TRACE(client, HCSMS_TRACE_REQUEST_SENT, text);
}

#endif /* HCSMS_CONFIG_TRACE */
