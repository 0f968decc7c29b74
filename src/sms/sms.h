/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operations layer: the client, unlock and IAM, the exchange of one
 * request and its answer, retries, proxies, traces. The top of the library:
 * it implements hcsms.h.
 *
 * May call: every layer below (src/auth, src/json, src/http, src/net), the
 * port's clock and entropy (hcsms/port.h), mbedTLS's zeroize, and libc.
 * These are its private helpers, exposed for unit tests.
 */
#ifndef HCSMS_SMS_H
#define HCSMS_SMS_H

#include <stddef.h>
#include <stdint.h>

/* The sms layer is the library's: it may read hcsms_client's private fields
 * (HCSMS_PRIVATE in hcsms.h). Before any header that includes hcsms.h. */
#define HCSMS_ALLOW_PRIVATE_ACCESS 1
#include "hcsms.h"
#include "../http/http.h"
#include "../json/json.h"

/* For helpers that format trace text or hold big locals: kept out of line so
 * that their buffers are not part of the deepest stack chain (connect). */
#if defined(__GNUC__)
#define HCSMS_NOINLINE __attribute__((noinline))
#else
#define HCSMS_NOINLINE
#endif

#if HCSMS_CONFIG_TRACE
#define TRACE(client, event, text)                                          \
    do {                                                                    \
        if ((client)->trace != NULL)                                        \
            (client)->trace((client)->trace_user, (event), (text));         \
    } while (0)
#define TRACING(client) ((client)->trace != NULL)
#else
#define TRACE(client, event, text) do { } while (0)
#define TRACING(client) 0
#endif

/* The trace module (trace.c): text for the trace function, formatted out of
 * line. Callers test TRACING(client) first; with HCSMS_CONFIG_TRACE=0 these
 * are empty stubs and the calls vanish. */
#if HCSMS_CONFIG_TRACE
void hcsms_trace_connect(const hcsms_client *client, const char *host, uint16_t port,
                         uint8_t is_ipv6);
void hcsms_trace_tls(const hcsms_client *client);
void hcsms_trace_header(const hcsms_client *client, const char *a, const char *b,
                        const char *c, const char *d, const char *e);
void hcsms_trace_lines(const hcsms_client *client, const char *lines, size_t len);
void hcsms_trace_unlock_line(hcsms_client *client, const char *task_id);
void hcsms_trace_sent(const hcsms_client *client, uint64_t bytes);
void hcsms_trace_response(hcsms_client *client, int leftover);
void hcsms_trace_retry(const hcsms_client *client, int rc, long wait, unsigned retry);
#else
static inline void hcsms_trace_connect(const hcsms_client *client, const char *host,
                                       uint16_t port, uint8_t is_ipv6)
{
    (void)client, (void)host, (void)port, (void)is_ipv6;
}
static inline void hcsms_trace_tls(const hcsms_client *client) { (void)client; }
static inline void hcsms_trace_header(const hcsms_client *client, const char *a,
                                      const char *b, const char *c, const char *d,
                                      const char *e)
{
    (void)client, (void)a, (void)b, (void)c, (void)d, (void)e;
}
static inline void hcsms_trace_lines(const hcsms_client *client, const char *lines,
                                     size_t len)
{
    (void)client, (void)lines, (void)len;
}
static inline void hcsms_trace_unlock_line(hcsms_client *client, const char *task_id)
{
    (void)client, (void)task_id;
}
static inline void hcsms_trace_sent(const hcsms_client *client, uint64_t bytes)
{
    (void)client, (void)bytes;
}
static inline void hcsms_trace_response(hcsms_client *client, int leftover)
{
    (void)client, (void)leftover;
}
static inline void hcsms_trace_retry(const hcsms_client *client, int rc, long wait,
                                     unsigned retry)
{
    (void)client, (void)rc, (void)wait, (void)retry;
}
#endif

/* One request of an operation (unlock, IAM token): write() puts the whole
 * request (line, headers, blank line, body) through the writer; the
 * exchange sends it, reads the answer and fills the result. */
typedef struct hcsms_operation {
    void (*write)(hcsms_client *client, hcsms_http_writer *writer, const void *context);
    const void *context;
    hcsms_http_keep *keep;      /* more headers to keep (IAM: X-Subject-Token), a
                                 * list, or NULL; besides X-Request-Id and Retry-After */
} hcsms_operation;

/* Connect (or reuse the kept-alive connection; through the proxy if one is
 * set), send the operation's request, read the answer by deadline. A reused
 * connection that dies before any byte of the answer is retried once. Fills
 * result (which the caller zeroed). HCSMS_OK for 2xx, HCSMS_ERR_SERVICE
 * (with the error body parsed) for other statuses, or the failure. */
int hcsms_exchange(hcsms_client *client, const hcsms_operation *operation, uint64_t deadline,
                   hcsms_result *result);

/* One attempt of a call, and the retry loop around it: attempts until one
 * succeeds, the retry policy says no, or the call's one deadline is near. */
typedef int (*hcsms_attempt_fn)(hcsms_client *client, const void *context, uint64_t deadline,
                                hcsms_result *result);
int hcsms_run(hcsms_client *client, hcsms_attempt_fn attempt, const void *context,
              hcsms_result *result);

/* "Name: value\r\n" (traced with its value: never for secrets), and the
 * headers every request carries (Host, User-Agent, Accept). */
void hcsms_write_header_line(hcsms_client *client, hcsms_http_writer *writer, const char *name,
                             size_t name_len, const char *value);
/* hcsms_write_header(client, writer, "Name", value): name a string literal,
 * written with its ": " as one piece. */
#define hcsms_write_header(client, writer, name, value) \
    hcsms_write_header_line((client), (writer), "" name ": ", sizeof(name ": ") - 1, (value))
void hcsms_write_common_headers(hcsms_client *client, hcsms_http_writer *writer);
/* Constant header lines ("Name: value\r\n" each) in one write, each traced
 * as hcsms_write_header() traces it; a string literal. */
void hcsms_write_lines(hcsms_client *client, hcsms_http_writer *writer, const char *lines,
                       size_t len);
#define hcsms_write_literal_lines(client, writer, text) \
    hcsms_write_lines((client), (writer), "" text, sizeof(text) - 1)
/* "User-Agent: hcsms/<version>[ <config.user_agent>]\r\n" (not traced). */
void hcsms_write_user_agent(const hcsms_client *client, hcsms_http_writer *writer);

/* Parse "https://host[:port][/]" into host (without brackets, NUL-terminated,
 * host_size bytes), port (443 when absent) and *is_ipv6. Returns HCSMS_OK,
 * HCSMS_ERR_INSECURE_ENDPOINT for http://, or HCSMS_ERR_INVALID_ENDPOINT. */
int hcsms_endpoint_parse(const char *url, char *host, size_t host_size,
                         uint16_t *port, uint8_t *is_ipv6);

/* Parse a proxy "http://host[:port][/]" (port 1080 when absent) like
 * hcsms_endpoint_parse(). Returns HCSMS_OK or HCSMS_ERR_INVALID_PROXY. */
int hcsms_proxy_parse(const char *url, char *host, size_t host_size, uint16_t *port,
                      uint8_t *is_ipv6);

/* The proxy credentials part of hcsms_check_proxy(). */
int hcsms_check_proxy_credentials(const char *username, const char *password);

/* Turn the client's open connection to its proxy into a tunnel to the
 * server (CONNECT host:port), by deadline. Returns HCSMS_OK, HCSMS_ERR_PROXY
 * (result->proxy_status says the proxy's status) or a transport/HTTP error. */
int hcsms_proxy_tunnel(hcsms_client *client, uint64_t deadline, hcsms_result *result);

/* Percent-encode task_id as one path segment: every byte but A-Z a-z 0-9
 * - . _ ~ becomes %XX (upper-case hex). Writes at most out_size - 1 bytes and
 * a NUL; returns the length the whole encoding needs (without the NUL). */
size_t hcsms_encode_segment(const char *task_id, char *out, size_t out_size);

/* Hand task_id percent-encoded, as above, to sink in pieces (the request
 * writer, or the AK/SK signer: both see exactly the same bytes). task_id
 * must have passed hcsms_check_task_id(): with HCSMS_CONFIG_STRICT_TASK_ID it
 * has nothing to encode and goes out as it is. */
void hcsms_write_segment(void (*sink)(void *context, const void *data, size_t len),
                         void *context, const char *task_id);

/* Record where a call failed: result->step and its text (failed_step). */
void hcsms_fail_at(hcsms_result *result, hcsms_step step);

/* Retry-After ("120" seconds, or an HTTP date compared with now_utc) in
 * milliseconds (an HTTP date at most a day ahead), or -1 if it is neither. */
long hcsms_retry_after_ms(const char *value, int64_t now_utc);

/* How long to wait before trying again after rc/result (the retry_index-th
 * retry, from 0), or -1 when it must not be retried. retry_after: the
 * response's Retry-After value or NULL. */
long hcsms_retry_wait_ms(const hcsms_client *client, int rc, const hcsms_result *result,
                         const char *retry_after, unsigned retry_index);

/* Fill result's error fields from a JSON error body, parsing it into
 * tokens[max_tokens] (caller-owned scratch). */
void hcsms_parse_error_body(const unsigned char *body, size_t len, jsmntok_t *tokens,
                            unsigned max_tokens, hcsms_result *result);

#endif /* HCSMS_SMS_H */
