/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hcsms/types.h
 * @brief What a caller fills in and gets back: the client configuration,
 * the result of a call, the failure steps and the trace events.
 *
 * Included by hcsms.h; include that.
 */
#ifndef HCSMS_TYPES_H
#define HCSMS_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Protocol events reported to a trace function (HCSMS_CONFIG_TRACE).
 *
 * The text never holds a secret: request headers are reported with their
 * values except X-Auth-Token, which is reported as "(redacted)".
 */
typedef enum hcsms_trace_event {
    HCSMS_TRACE_CONNECT,        /**< text: "host:port" about to connect */
    HCSMS_TRACE_CONNECTED,      /**< text: the peer address */
    HCSMS_TRACE_TLS,            /**< text: "TLSv1.2 TLS-ECDHE-..." after the handshake */
    HCSMS_TRACE_REUSE,          /**< text: why a kept-alive connection is used or dropped */
    HCSMS_TRACE_REQUEST_LINE,   /**< text: "POST /v3/tasks/.../unlock HTTP/1.1" */
    HCSMS_TRACE_REQUEST_HEADER, /**< text: "Name: value", the token's value redacted */
    HCSMS_TRACE_REQUEST_SENT,   /**< text: bytes sent */
    HCSMS_TRACE_STATUS,         /**< text: "HTTP/1.1 403" */
    HCSMS_TRACE_RESPONSE_DONE,  /**< text: framing and body bytes */
    HCSMS_TRACE_CLOSE,          /**< text: why the connection was closed */
    HCSMS_TRACE_RETRY,          /**< text: why the request is sent again */
    HCSMS_TRACE_PROXY,          /**< text: "via proxy h:p", "CONNECT", the proxy's answer */
    HCSMS_TRACE_SESSION         /**< text: a saved TLS session taken, or why it was ignored */
} hcsms_trace_event;

/**
 * @brief A trace function (hcsms_client_config.trace).
 *
 * @param[in] user  hcsms_client_config.trace_user, as given.
 * @param[in] event What happened.
 * @param[in] text  NUL-terminated text of the event (see hcsms_trace_event);
 *                  never holds a secret. The library's buffer, valid only
 *                  during the call: copy it to keep it.
 * @note Called from inside the hcsms call being traced, on its thread.
 *       Compiled out with HCSMS_CONFIG_TRACE = 0.
 */
typedef void (*hcsms_trace_fn)(void *user, hcsms_trace_event event, const char *text);

/**
 * @brief What hcsms_client_init() needs.
 *
 * Strings are NUL-terminated and owned by the caller; see each field for how
 * long they must live. hcsms_client_config_init() sets the defaults.
 */
typedef struct hcsms_client_config {
    /**
     * "https://host[:port]" (an IPv6 literal in brackets); a trailing "/" is
     * allowed, any other path is not. NULL: the endpoint of region. Copied.
     */
    const char *endpoint;
    /** Region name, e.g. "ap-southeast-3" (the default when NULL). Copied. */
    const char *region;
    /**
     * CA certificates: a PEM bundle path (read once by mbedTLS during init;
     * needs HCSMS_CONFIG_CA_FILE), and/or the in-memory buffer ca_data.
     * Needed only during hcsms_client_init().
     */
    const char *ca_file;
    /**
     * CA certificates in memory (and/or ca_file): PEM text with its
     * terminating NUL counted in ca_data_len (mbedTLS's rule), or one DER
     * certificate. Needed only during hcsms_client_init(). DER is smaller
     * and skips mbedTLS's constant-time base64 decoding (about 0.5M
     * instructions for an RSA-4096 root: docs/crypto-choices.md).
     */
    const unsigned char *ca_data;
    /** Bytes at ca_data (PEM: its terminating NUL counted). */
    size_t ca_data_len;
    /**
     * The X-Auth-Token value (1..16384 visible ASCII bytes). NOT copied: it
     * must stay valid and unchanged while the client is used; the caller
     * wipes it. hcsms_client_set_token() replaces it.
     */
    const char *auth_token;
    /**
     * Or AK/SK signing (SDK-HMAC-SHA256), used when auth_token is NULL and
     * both keys are set: the access key. Visible ASCII; NOT copied (as the
     * token). Signing needs the port's UTC clock (hcsms_port_utc_seconds()).
     */
    const char *access_key;
    /** AK/SK signing: the secret key. Visible ASCII; NOT copied (as the token). */
    const char *secret_key;
    /**
     * AK/SK signing: for temporary credentials the security token
     * (X-Security-Token), else NULL. Visible ASCII; NOT copied (as the token).
     */
    const char *security_token;
    /**
     * AK/SK signing: when set, sent as X-Project-Id. Visible ASCII; NOT
     * copied (as the token).
     */
    const char *project_id;
    /**
     * An HTTP proxy to tunnel through with CONNECT: "http://host[:port]"
     * (port 1080 when absent), NULL for a direct connection. Copied. Needs
     * HCSMS_CONFIG_PROXY.
     */
    const char *proxy;
    /**
     * With proxy_username set, Basic proxy authentication is sent (user
     * without ':', each at most HCSMS_PROXY_USER_MAX bytes, no control
     * bytes). NOT copied (as the token).
     */
    const char *proxy_username;
    /**
     * The password sent with proxy_username (at most HCSMS_PROXY_USER_MAX
     * bytes, no control bytes), or NULL. NOT copied (as the token).
     */
    const char *proxy_password;
    /** TCP connect limit. Milliseconds; 0 means the default (10,000). */
    uint32_t connect_timeout_ms;
    /**
     * The deadline of each whole call (connect, handshake, request,
     * response). Milliseconds; 0 means the default (30,000).
     */
    uint32_t timeout_ms;
    /**
     * Retries of one call, within its deadline: how many more attempts after
     * the first (default 0), for 429/503 answers (waiting Retry-After when
     * given) and failures before the request was sent (waiting a random time
     * up to retry_base_ms * 2^n, at most retry_max_ms).
     */
    uint8_t retries;
    /** Base of the wait between retries, in ms; 0 means the default (500). */
    uint32_t retry_base_ms;
    /** Longest wait between retries, in ms; 0 means the default (8000). */
    uint32_t retry_max_ms;
    /** Optional trace function (NULL: none); see hcsms_trace_fn. */
    hcsms_trace_fn trace;
    /** The trace function's argument, passed to it as given. */
    void *trace_user;
    /**
     * @brief A product token for the User-Agent header, after hcsms's own:
     * "acme-agent/3.1" sends "User-Agent: hcsms/<version> acme-agent/3.1"
     * (the official SDKs' user-agent suffix); NULL for none.
     *
     * 1..HCSMS_USER_AGENT_MAX bytes of visible ASCII and spaces, not
     * starting or ending with a space (else init returns
     * HCSMS_ERR_INVALID_ARGUMENT). NOT copied (as the token).
     */
    const char *user_agent;
} hcsms_client_config;

/**
 * @brief What a call (hcsms_unlock(), hcsms_iam_get_token()) got, in a
 * caller-owned struct.
 *
 * Fields are NUL-terminated; a *_truncated flag says a value was cut to fit
 * (never in the middle of a UTF-8 sequence).
 */
typedef struct hcsms_result {
    int http_status;           /**< 0 when no answer was received */
    /** The X-Request-Id header (or an error body's request_id); empty when absent. */
    char request_id[HCSMS_REQUEST_ID_MAX + 1];
    /** From a JSON error body (4xx/5xx): error_code; empty when absent. */
    char error_code[HCSMS_ERROR_CODE_MAX + 1];
    /** From a JSON error body (4xx/5xx): error_msg; empty when absent. */
    char error_msg[HCSMS_ERROR_MSG_MAX + 1];
    /** From a JSON error body (4xx/5xx); empty when absent. */
    char encoded_authorization_message[HCSMS_ENCODED_AUTH_MAX + 1];
    /** Items in error_param. */
    unsigned error_param_count;
    /** From a JSON error body (4xx/5xx): the error_param list's strings. */
    char error_param[HCSMS_ERROR_PARAMS_MAX][HCSMS_ERROR_PARAM_MAX + 1];
    /** Items in details. */
    unsigned details_count;
    /** From a JSON error body (4xx/5xx): the details list's objects. */
    struct {
        char error_code[HCSMS_ERROR_CODE_MAX + 1]; /**< the item's error_code */
        char error_msg[HCSMS_DETAIL_MSG_MAX + 1];  /**< the item's error_msg */
    } details[HCSMS_DETAILS_MAX];
    uint8_t truncated;         /**< some field or list was cut to fit */
    uint8_t body_is_json;      /**< the error body parsed as a JSON object */
    uint8_t body_truncated;    /**< the body was longer than HCSMS_BODY_KEEP_MAX */
    uint64_t body_bytes;       /**< body bytes received */
    /**
     * The kept start of an error answer's body (at most HCSMS_BODY_KEEP_MAX
     * bytes, not NUL-terminated), inside the client: valid until the next
     * call on that client or its free. NULL for 2xx and failures.
     */
    const unsigned char *body;
    size_t body_len;           /**< bytes at body */
    /**
     * Failure detail: where it failed (what retries decide by), an
     * hcsms_step; HCSMS_STEP_NONE on success.
     */
    uint8_t step;
    /**
     * Failure detail: step as text for reports, static: "connect", "TLS
     * handshake", ...; NULL with HCSMS_STEP_NONE.
     */
    const char *failed_step;
    int proxy_status;          /**< the proxy's status on HCSMS_ERR_PROXY, else 0 */
    int os_error;              /**< errno or the stack's code, 0 if none */
    int tls_error;             /**< mbedTLS's (negative) code, 0 if none */
    uint32_t tls_verify_flags; /**< MBEDTLS_X509_BADCERT_* bits on HCSMS_ERR_TLS_VERIFY */
    unsigned attempts;         /**< requests sent (a dead kept-alive connection adds one) */
} hcsms_result;

/**
 * @brief The step a call failed in (hcsms_result.step).
 *
 * Before HCSMS_STEP_SEND nothing of the request has left.
 */
typedef enum hcsms_step {
    HCSMS_STEP_NONE = 0,      /**< no failure */
    HCSMS_STEP_SETUP,         /**< "set-up": the client is not usable */
    HCSMS_STEP_INPUT,         /**< "input": a bad argument, nothing was done */
    HCSMS_STEP_SIGNING,       /**< "signing": AK/SK signing (no clock) */
    HCSMS_STEP_CONNECT,       /**< "connect": resolve and TCP to the endpoint */
    HCSMS_STEP_PROXY_CONNECT, /**< "connect to proxy": resolve and TCP to the proxy */
    HCSMS_STEP_PROXY_TUNNEL,  /**< "proxy CONNECT": the tunnel request and answer */
    HCSMS_STEP_TLS_HANDSHAKE, /**< "TLS handshake" */
    HCSMS_STEP_SEND,          /**< "send request" */
    HCSMS_STEP_RECEIVE        /**< "read response" */
} hcsms_step;

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_TYPES_H */
