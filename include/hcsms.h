/**
 * @file hcsms.h
 * @brief hcsms: a small client for Huawei Cloud SMS "Unlocking a Target Server"
 * (`POST /v3/tasks/{task_id}/unlock`), for appliances, agents and small devices.
 *
 * Usage:
 * @code{.c}
 *     static hcsms_client client;             // caller-owned, fixed size
 *     hcsms_client_config cfg;
 *     hcsms_result result;
 *     hcsms_client_config_init(&cfg);
 *     cfg.region = "ap-southeast-3";
 *     cfg.ca_file = "/etc/ssl/certs/ca-certificates.crt";
 *     cfg.auth_token = token;                 // caller-owned, see below
 *     if (hcsms_client_init(&client, &cfg) == HCSMS_OK) {
 *         int rc = hcsms_unlock(&client, "7a9a9540-ff28-4869-b9e4-855fbe12e83b", &result);
 *         ...                                  // rc == HCSMS_OK: unlocked
 *     }
 *     hcsms_client_free(&client);
 * @endcode
 *
 * @note No function allocates memory (mbedTLS allocates its own record buffers
 * and parsed certificates; see the README for giving it a static pool). A
 * client is used by one thread at a time.
 */
#ifndef HCSMS_H
#define HCSMS_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/config.h"
#include "hcsms/error.h"
#include "hcsms/port.h"
#include "hcsms/private.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief The library's version (hcsms_version() gives it with the name). */
#define HCSMS_VERSION "0.1.0"
/**
 * @brief The version of the structs' layouts, passed by hcsms_client_init().
 *
 * Changes whenever a struct of these headers changes its layout for reasons
 * other than the settings (hcsms/config.h, mbedTLS's, jsmn's), which
 * hcsms_client_init() catches by comparing sizes.
 */
#define HCSMS_ABI_VERSION 1

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
    HCSMS_TRACE_PROXY           /**< text: "via proxy h:p", "CONNECT", the proxy's answer */
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
     * certificate. Needed only during hcsms_client_init().
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

/**
 * @struct hcsms_client
 * @brief The client: caller-owned, its size fixed at compile time.
 *
 * The fields are private (see hcsms/private.h): they may change in any
 * release; use the functions here.
 */
/** @cond HCSMS_PRIVATE_LAYOUT */
typedef struct hcsms_client {
    char host[HCSMS_HOST_MAX + 1]; /* without brackets */
    char host_header[HCSMS_HOST_MAX + 9]; /* the Host header's value */
    uint16_t port;
    uint8_t host_is_ipv6;
    uint8_t initialised;
    const char *token;
    size_t token_len;
    const char *access_key;     /* AK/SK when token is NULL */
    const char *secret_key;
    const char *security_token;
    const char *project_id;
#if HCSMS_CONFIG_PROXY
    char proxy_host[HCSMS_HOST_MAX + 1]; /* "" for none; without brackets */
    uint16_t proxy_port;
    uint8_t proxy_is_ipv6;
    const char *proxy_username;
    const char *proxy_password;
#endif
    uint32_t connect_timeout_ms;
    uint32_t timeout_ms;
    uint8_t retries;
    uint32_t retry_base_ms;
    uint32_t retry_max_ms;
    hcsms_trace_fn trace;
    void *trace_user;
    hcsms_tls tls;
    hcsms_connection connection; /* its TLS is tls */
    hcsms_http_response response;
    char retry_after[32];   /* the last answer's Retry-After, "" if none or too long */
    unsigned char body[HCSMS_BODY_KEEP_MAX];
    hcsms_scratch scratch;
} hcsms_client;
/** @endcond */

/**
 * @brief Fill config with the defaults (everything NULL/0).
 *
 * @param[out] config The caller's config to fill; not NULL.
 */
void hcsms_client_config_init(hcsms_client_config *config);

/**
 * @brief Set up client from config (the ABI-checked function behind
 * hcsms_client_init(); call it through that macro).
 *
 * Parse the endpoint, seed the DRBG from the port, load the CA certificates.
 * Nothing is sent. Call hcsms_client_free() in every case. A config without a
 * token or keys is valid: such a client can get a token from IAM
 * (hcsms_iam_get_token()), and hcsms_unlock() on it returns
 * HCSMS_ERR_INVALID_CREDENTIALS until hcsms_client_set_token().
 *
 * The ABI guard (zlib's idiom): the macro passes this header's version and
 * the caller's sizes of hcsms_client and hcsms_result, which depend on
 * hcsms/config.h's and mbedTLS's settings. Built with other settings than
 * the library, the caller gets HCSMS_ERR_ABI (client zeroed over the
 * caller's size, nothing else touched) instead of a library writing past the
 * end of its structs; then call nothing but hcsms_client_free().
 *
 * @param[out] client      The caller-owned client to set up (static, on the
 *                         stack or inside the caller's struct); wiped first.
 *                         It must stay in place until hcsms_client_free().
 * @param[in]  config      The settings. The struct itself is needed only
 *                         during the call; each string field is copied or
 *                         must outlive the client as its field says
 *                         (hcsms_client_config).
 * @param[in]  abi_version HCSMS_ABI_VERSION of the caller's header.
 * @param[in]  client_size sizeof(hcsms_client) in the caller's build.
 * @param[in]  result_size sizeof(hcsms_result) in the caller's build.
 * @return HCSMS_OK or an error; in every case call hcsms_client_free().
 * @retval HCSMS_OK                      set up; nothing was sent
 * @retval HCSMS_ERR_INVALID_ARGUMENT    client or config is NULL
 * @retval HCSMS_ERR_ABI                 abi_version or a size differs from the
 *                                       library's (client zeroed over client_size)
 * @retval HCSMS_ERR_INVALID_ENDPOINT    endpoint is not "https://host[:port][/]"
 * @retval HCSMS_ERR_INSECURE_ENDPOINT   endpoint is http://
 * @retval HCSMS_ERR_UNKNOWN_REGION      no endpoint, and region is not in the table
 * @retval HCSMS_ERR_INVALID_TOKEN       auth_token is not 1..16384 visible ASCII bytes
 * @retval HCSMS_ERR_INVALID_CREDENTIALS malformed AK/SK credentials, or AK/SK
 *                                       without HCSMS_CONFIG_AKSK
 * @retval HCSMS_ERR_INVALID_PROXY       a malformed proxy or proxy credentials, or a
 *                                       proxy without HCSMS_CONFIG_PROXY
 * @retval HCSMS_ERR_CA                  no usable CA certificate could be loaded
 * @retval HCSMS_ERR_ENTROPY             the port gave no entropy
 * @retval HCSMS_ERR_TLS                 mbedTLS's set-up failed
 * @note Allocates nothing itself; mbedTLS allocates the parsed certificates.
 */
int hcsms_client_init_abi(hcsms_client *client, const hcsms_client_config *config,
                          unsigned abi_version, size_t client_size, size_t result_size);
/**
 * @brief Set up client from config, with the ABI guard: see
 * hcsms_client_init_abi(), which it calls with this header's
 * HCSMS_ABI_VERSION and the caller's sizeof(hcsms_client) and
 * sizeof(hcsms_result).
 *
 * @param[out] client The caller-owned hcsms_client to set up.
 * @param[in]  config The hcsms_client_config to set it up from.
 * @return What hcsms_client_init_abi() returns: HCSMS_OK or an error
 *         (HCSMS_ERR_ABI when built with other settings than the library).
 */
#define hcsms_client_init(client, config)                                                      \
    hcsms_client_init_abi((client), (config), HCSMS_ABI_VERSION, sizeof(hcsms_client),        \
                          sizeof(hcsms_result))

/**
 * @brief Replace the token (e.g. a refreshed one). Same rules as
 * hcsms_client_config.auth_token.
 *
 * @param[in,out] client A client set up by hcsms_client_init().
 * @param[in]     token  The new X-Auth-Token value, NUL-terminated (1..16384
 *                       visible ASCII bytes). NOT copied: it must stay valid
 *                       and unchanged while the client is used; the caller
 *                       wipes it.
 * @retval HCSMS_OK                the client uses token from now on
 * @retval HCSMS_ERR_INVALID_TOKEN client or token is NULL, or token is not
 *                                 1..16384 visible ASCII bytes (the old
 *                                 token stays)
 */
int hcsms_client_set_token(hcsms_client *client, const char *token);

/**
 * @brief Unlock the target server of task_id.
 *
 * Connects, or reuses the kept-alive connection, within one deadline
 * (timeout_ms). result (caller owned) is filled, unless client is NULL or not
 * set up (then nothing is written to it: after HCSMS_ERR_ABI it is not the
 * library's size).
 *
 * @param[in,out] client  A client set up by hcsms_client_init(), with a
 *                        token or AK/SK keys.
 * @param[in]     task_id The task id, NUL-terminated: 1..255 bytes, no
 *                        control bytes, not "." or ".." (sent percent-encoded
 *                        as one path segment); with HCSMS_CONFIG_STRICT_TASK_ID
 *                        (the default) 1..64 bytes of A-Za-z0-9_- only. Used
 *                        only during the call.
 * @param[out]    result  Caller-owned; filled (see above). Its body points
 *                        into the client until the next call on it or its free.
 * @return HCSMS_OK for a 2xx answer, HCSMS_ERR_SERVICE for any other status
 *         (details in result), or another HCSMS_ERR_* when no valid answer
 *         was received.
 * @retval HCSMS_OK                      a 2xx answer: unlocked
 * @retval HCSMS_ERR_SERVICE             any other status; details in result
 * @retval HCSMS_ERR_INVALID_ARGUMENT    client or result is NULL, or client is
 *                                       not set up (result not written)
 * @retval HCSMS_ERR_INVALID_TASK_ID     task_id refused; nothing was sent
 * @retval HCSMS_ERR_INVALID_CREDENTIALS the client has neither a token nor
 *                                       AK/SK keys; nothing was sent
 * @retval HCSMS_ERR_CLOCK               AK/SK signing had no trustworthy UTC time
 * @retval HCSMS_ERR_CRYPTO              AK/SK signing: a hash or HMAC failed
 * @retval HCSMS_ERR_TIMEOUT             the connect timeout or the call's deadline passed
 * @retval HCSMS_ERR_TLS_VERIFY          certificate chain or host name not verified
 * @retval HCSMS_ERR_PROXY               the proxy refused the tunnel
 *                                       (result.proxy_status)
 * @return Any other network, TLS or HTTP code of hcsms/error.h
 *         (hcsms_error_class_of() gives HCSMS_CLASS_TRANSPORT); result.step
 *         says where it failed.
 * @note Not thread-safe on one client: a client is used by one thread at a time.
 */
int hcsms_unlock(hcsms_client *client, const char *task_id, hcsms_result *result);

/**
 * @brief A user's password credentials for IAM ("obtain a user token").
 *
 * Strings are NUL-terminated UTF-8, 1..HCSMS_IAM_FIELD_MAX bytes,
 * caller-owned (needed only during hcsms_iam_get_token()).
 */
typedef struct hcsms_iam_credentials {
    const char *user;      /**< the IAM user name */
    const char *password;  /**< the user's password */
    const char *account;   /**< the account (domain) name the user belongs to */
    const char *project;   /**< project name to scope the token to, e.g. the region
                            * "ap-southeast-3"; NULL: the whole account (domain) */
} hcsms_iam_credentials;

/**
 * @brief Get a user token from IAM: `POST /v3/auth/tokens?nocatalog=true`
 * with the password method.
 *
 * On a client initialised with config.endpoint = IAM's endpoint (e.g.
 * "https://iam.ap-southeast-3.myhuaweicloud.com", see hcsms_iam_endpoint();
 * the client's own credentials are not used). The token (the X-Subject-Token
 * header, up to HCSMS_TOKEN_MAX bytes) is written NUL-terminated to token;
 * of the large body only the first HCSMS_BODY_KEEP_MAX bytes are kept (for
 * IAM's error), the rest is drained. The password goes only into the request
 * body and is wiped from the I/O buffer after sending.
 *
 * @param[in,out] client      A client set up by hcsms_client_init() for IAM's
 *                            endpoint.
 * @param[in]     credentials The user's credentials; used only during the call.
 * @param[out]    token       Caller-owned buffer of token_size bytes: the token,
 *                            NUL-terminated. "" (wiped) on a failure other
 *                            than HCSMS_ERR_INVALID_ARGUMENT, which may leave
 *                            it untouched.
 * @param[in]     token_size  Bytes at token (HCSMS_TOKEN_MAX + 1 always fits).
 * @param[out]    result      Caller-owned; filled as by hcsms_unlock().
 * @retval HCSMS_OK                      token holds the token
 * @retval HCSMS_ERR_SERVICE             IAM's error in result
 * @retval HCSMS_ERR_INVALID_CREDENTIALS credentials NULL or malformed; nothing sent
 * @retval HCSMS_ERR_BUFFER_TOO_SMALL    the token does not fit token_size
 * @retval HCSMS_ERR_NO_TOKEN            a 2xx without one valid token
 * @retval HCSMS_ERR_INVALID_ARGUMENT    client, result or token NULL, token_size
 *                                       0, client not set up, or built without
 *                                       HCSMS_CONFIG_IAM
 * @return Or a transport error, as hcsms_unlock().
 * @note Not thread-safe on one client: a client is used by one thread at a time.
 */
int hcsms_iam_get_token(hcsms_client *client, const hcsms_iam_credentials *credentials,
                        char *token, size_t token_size, hcsms_result *result);

/**
 * @brief Whether host should bypass the proxy by a NO_PROXY-style list.
 *
 * Entries are separated by commas and/or white space, each a host name
 * (matching it and its subdomains; a leading '.' is ignored), an IP literal
 * (IPv6 with or without brackets) matching only that address, an IPv4 range
 * ("10.0.0.0/8"), or "*" for every host. Case-insensitive; a ":port" after
 * an entry is ignored.
 *
 * @param[in] no_proxy The list, NUL-terminated (e.g. getenv("no_proxy")); NULL:
 *                     an empty list.
 * @param[in] host     The host, NUL-terminated (e.g. from hcsms_url_host()).
 * @retval 1 bypass the proxy
 * @retval 0 use the proxy
 */
int hcsms_no_proxy_match(const char *no_proxy, const char *host);

/**
 * @brief The host of an endpoint or proxy URL as hcsms_client_init() reads
 * it, e.g. for hcsms_no_proxy_match() before the client exists.
 *
 * @param[in]  url       An endpoint ("https://host[:port][/]") or proxy
 *                       ("http://host[:port][/]") URL, NUL-terminated.
 * @param[out] host      Caller-owned buffer of host_size bytes: the host
 *                       without an IPv6 literal's brackets, NUL-terminated;
 *                       "" on failure.
 * @param[in]  host_size Bytes at host.
 * @retval HCSMS_OK                   host holds the host
 * @retval HCSMS_ERR_INVALID_ENDPOINT another scheme, user info, a path, a bad
 *                                    host or port, or host_size too small
 */
int hcsms_url_host(const char *url, char *host, size_t host_size);

/**
 * @brief Bytes of the valid UTF-8 character at text (at most avail of them),
 * or 0 when the bytes there are not one.
 *
 * Not one: a stray continuation byte, a bad or cut lead byte, an overlong
 * form, a surrogate or a code point past U+10FFFF. ASCII (NUL too) is 1. For
 * NUL-terminated text avail may be SIZE_MAX: a NUL is never a continuation
 * byte, so nothing past it is read. The check the library applies to every
 * text it sends or keeps as UTF-8.
 *
 * @param[in] text  The bytes to check; not NULL.
 * @param[in] avail How many bytes may be read at text.
 * @return The character's length, 1 to 4, or 0 when not valid UTF-8.
 */
size_t hcsms_utf8_char(const char *text, size_t avail);

/**
 * @brief The longest proxy URL hcsms_proxy_url_split() writes, without its
 * NUL: "http://[" HCSMS_HOST_MAX bytes "]:65535/".
 */
#define HCSMS_PROXY_URL_MAX (HCSMS_HOST_MAX + 16)

/**
 * @brief Split a proxy URL as environments write it (HTTPS_PROXY, curl's -x)
 * into what the config takes.
 *
 * The URL is `[http://][user[:password]@]host[:port][/]` (the scheme in any
 * case; none is http://). proxy gets the URL without its user info
 * ("http://host[:port][/]" as written; the port is 1080 when absent, as in
 * config.proxy), user and password the user info percent-decoded (RFC 3986:
 * `%40` is '@', `%3A` ':', `%2F` '/', either hex case), "" when absent. The
 * user info ends at the last '@' before the first '/', '?' or '#': a password
 * may hold '@', a '/' must be `%2F`.
 *
 * Then config.proxy = proxy and, when user is not "", config.proxy_username =
 * user, config.proxy_password = password (an absent password and an empty
 * one are the same to Basic); wipe the password when done. Reading the
 * environment stays with the caller:
 * @code
 *     url = getenv("https_proxy"), else getenv("HTTPS_PROXY");
 *     if url and !hcsms_no_proxy_match(getenv("no_proxy"), endpoint_host)
 *         hcsms_proxy_url_split(url, ...)
 * @endcode
 *
 * @param[in]  url           The proxy URL, NUL-terminated.
 * @param[out] proxy         Caller-owned buffer of proxy_size bytes,
 *                           NUL-terminated (HCSMS_PROXY_URL_MAX + 1 fit any
 *                           valid URL).
 * @param[in]  proxy_size    Bytes at proxy.
 * @param[out] user          Caller-owned buffer of user_size bytes,
 *                           NUL-terminated (HCSMS_PROXY_USER_MAX + 1 fit).
 * @param[in]  user_size     Bytes at user.
 * @param[out] password      Caller-owned buffer of password_size bytes,
 *                           NUL-terminated (HCSMS_PROXY_USER_MAX + 1 fit);
 *                           the caller wipes it when done.
 * @param[in]  password_size Bytes at password.
 * @retval HCSMS_OK                   proxy, user and password hold the parts
 * @retval HCSMS_ERR_INVALID_PROXY    a scheme other than http://, a bad escape
 *                                    (`%G1`, `%4`, a trailing '%') or `%00`, a
 *                                    decoded field longer than
 *                                    HCSMS_PROXY_USER_MAX, or what
 *                                    hcsms_check_proxy() refuses (the host
 *                                    part, an empty user, ':' or a control byte
 *                                    in the user, ...)
 * @retval HCSMS_ERR_BUFFER_TOO_SMALL an output (NULL or size 0 included) too
 *                                    small for a URL whose scheme and user
 *                                    info are well formed
 * @note On any failure user and password are wiped to ""; proxy is "" too,
 *       except on HCSMS_ERR_INVALID_PROXY after well-formed user info: it then
 *       holds the refused URL without its user info, for a message (print it
 *       only without '@': a password's unescaped '/' ends the user info early).
 */
int hcsms_proxy_url_split(const char *url, char *proxy, size_t proxy_size, char *user,
                          size_t user_size, char *password, size_t password_size);

/**
 * @brief Close the connection (if any), free mbedTLS's state and wipe the
 * context (the function behind hcsms_client_free(); call it through that
 * macro).
 *
 * Safe on a client whose init failed, and twice. The macro passes the
 * caller's size: after HCSMS_ERR_ABI only those bytes are wiped.
 *
 * @param[in,out] client      The client to free; NULL: nothing is done.
 * @param[in]     client_size sizeof(hcsms_client) in the caller's build.
 */
void hcsms_client_free_abi(hcsms_client *client, size_t client_size);
/**
 * @brief Close the connection (if any), free mbedTLS's state and wipe the
 * context: hcsms_client_free_abi() with the caller's sizeof(hcsms_client).
 *
 * @param[in,out] client The client to free (see hcsms_client_free_abi()).
 */
#define hcsms_client_free(client) hcsms_client_free_abi((client), sizeof(hcsms_client))

/**
 * @brief Give back what mbedTLS keeps for the whole process rather than for a
 * client.
 *
 * With mbedTLS 3.x, PSA crypto's key store (about 3 KB of heap, allocated by
 * the first hcsms_client_init() and the first TLS 1.3 key share). Optional:
 * call it once, when no client is left, and only if nothing else in the
 * process uses mbedTLS's PSA crypto (it is shared). A later
 * hcsms_client_init() sets PSA up again. A no-op with mbedTLS 2.28.
 *
 * @note Process-wide state: call it only when no client is left, and no
 * other user of mbedTLS's PSA crypto remains.
 */
void hcsms_global_cleanup(void);

/**
 * @brief Check a task id as hcsms_unlock() would.
 *
 * @param[in] task_id The task id, NUL-terminated (NULL is refused).
 * @retval HCSMS_OK                  hcsms_unlock() accepts it
 * @retval HCSMS_ERR_INVALID_TASK_ID it refuses it
 */
int hcsms_check_task_id(const char *task_id);
/**
 * @brief Check a token as init would.
 *
 * @param[in] token The token's bytes (NUL not needed; NULL is refused).
 * @param[in] len   Bytes of token.
 * @retval HCSMS_OK                it is 1..16384 visible ASCII bytes
 * @retval HCSMS_ERR_INVALID_TOKEN it is not
 */
int hcsms_check_token(const char *token, size_t len);

/**
 * @brief Check a proxy URL and credentials as init does.
 *
 * @param[in] proxy    The proxy URL, NUL-terminated.
 * @param[in] username The proxy user name, or NULL.
 * @param[in] password The proxy password, or NULL.
 * @retval HCSMS_OK                init accepts them
 * @retval HCSMS_ERR_INVALID_PROXY init refuses them
 */
int hcsms_check_proxy(const char *proxy, const char *username, const char *password);

/**
 * @brief Check AK/SK credentials as init does.
 *
 * @param[in] access_key     The access key, NUL-terminated.
 * @param[in] secret_key     The secret key, NUL-terminated.
 * @param[in] security_token The security token, or NULL.
 * @param[in] project_id     The project id, or NULL.
 * @retval HCSMS_OK                      init accepts them
 * @retval HCSMS_ERR_INVALID_CREDENTIALS init refuses them
 */
int hcsms_check_credentials(const char *access_key, const char *secret_key,
                            const char *security_token, const char *project_id);

/**
 * @brief The endpoint host of a region.
 *
 * @param[in] region The region name, NUL-terminated (NULL: unknown).
 * @return "sms.<region>.myhuaweicloud.com", with the exceptions of the spec,
 *         in static storage; or NULL for an unknown region.
 */
const char *hcsms_region_host(const char *region);

/**
 * @brief A bound on the URL hcsms_iam_endpoint() writes, without its NUL: an
 * out of HCSMS_IAM_ENDPOINT_MAX + 1 bytes always fits.
 */
#define HCSMS_IAM_ENDPOINT_MAX 64
/**
 * @brief IAM's endpoint URL for a region hcsms_region_host() knows,
 * "https://iam.<region>.myhuaweicloud.com", for config.endpoint before
 * hcsms_iam_get_token().
 *
 * @param[in]  region   The region name, NUL-terminated.
 * @param[out] out      Caller-owned buffer of out_size bytes: the URL,
 *                      NUL-terminated; "" on failure.
 * @param[in]  out_size Bytes at out (HCSMS_IAM_ENDPOINT_MAX + 1 always fits).
 * @retval HCSMS_OK                   out holds the URL
 * @retval HCSMS_ERR_UNKNOWN_REGION   hcsms_region_host() does not know region
 * @retval HCSMS_ERR_BUFFER_TOO_SMALL out is NULL or out_size too small
 */
int hcsms_iam_endpoint(const char *region, char *out, size_t out_size);

/**
 * @brief Describe a result's tls_error and tls_verify_flags in words
 * (mbedTLS's texts).
 *
 * @param[in]  tls_error    hcsms_result.tls_error.
 * @param[in]  verify_flags hcsms_result.tls_verify_flags.
 * @param[out] out          Caller-owned buffer of size bytes: the text,
 *                          NUL-terminated; "" when both are 0.
 * @param[in]  size         Bytes at out (NULL or 0: nothing is written).
 */
void hcsms_tls_error_text(int tls_error, uint32_t verify_flags, char *out, size_t size);

/**
 * @brief The library's name and version.
 *
 * @return "hcsms 0.1.0" (HCSMS_VERSION), in static storage.
 */
const char *hcsms_version(void);
/**
 * @brief The mbedTLS version built against.
 *
 * @return mbedTLS's full version string, in static storage.
 */
const char *hcsms_tls_version(void);

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_H */
