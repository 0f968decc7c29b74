/*
 * hcsms: a small client for Huawei Cloud SMS "Unlocking a Target Server"
 * (POST /v3/tasks/{task_id}/unlock), for appliances, agents and small devices.
 *
 * Usage:
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
 *
 * No function allocates memory (mbedTLS allocates its own record buffers and
 * parsed certificates; see the README for giving it a static pool). A client
 * is used by one thread at a time.
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

#define HCSMS_VERSION "0.1.0"
/* Changes whenever a struct of these headers changes its layout for reasons
 * other than the settings (hcsms/config.h, mbedTLS's, jsmn's), which
 * hcsms_client_init() catches by comparing sizes. */
#define HCSMS_ABI_VERSION 1

/* Protocol events reported to a trace function (HCSMS_CONFIG_TRACE). The
 * text never holds a secret: request headers are reported with their values
 * except X-Auth-Token, which is reported as "(redacted)". */
typedef enum hcsms_trace_event {
    HCSMS_TRACE_CONNECT,        /* text: "host:port" about to connect */
    HCSMS_TRACE_CONNECTED,      /* text: the peer address */
    HCSMS_TRACE_TLS,            /* text: "TLSv1.2 TLS-ECDHE-..." after the handshake */
    HCSMS_TRACE_REUSE,          /* text: why a kept-alive connection is used or dropped */
    HCSMS_TRACE_REQUEST_LINE,   /* text: "POST /v3/tasks/.../unlock HTTP/1.1" */
    HCSMS_TRACE_REQUEST_HEADER, /* text: "Name: value", the token's value redacted */
    HCSMS_TRACE_REQUEST_SENT,   /* text: bytes sent */
    HCSMS_TRACE_STATUS,         /* text: "HTTP/1.1 403" */
    HCSMS_TRACE_RESPONSE_DONE,  /* text: framing and body bytes */
    HCSMS_TRACE_CLOSE,          /* text: why the connection was closed */
    HCSMS_TRACE_RETRY,          /* text: why the request is sent again */
    HCSMS_TRACE_PROXY           /* text: "via proxy h:p", "CONNECT", the proxy's answer */
} hcsms_trace_event;

typedef void (*hcsms_trace_fn)(void *user, hcsms_trace_event event, const char *text);

/* What hcsms_client_init() needs. Strings are NUL-terminated and owned by the
 * caller; see each field for how long they must live. */
typedef struct hcsms_client_config {
    /* "https://host[:port]" (an IPv6 literal in brackets); a trailing "/" is
     * allowed, any other path is not. NULL: the endpoint of region. Copied. */
    const char *endpoint;
    /* Region name, e.g. "ap-southeast-3" (the default when NULL). Copied. */
    const char *region;
    /* CA certificates: a PEM bundle path (read once by mbedTLS during init;
     * needs HCSMS_CONFIG_CA_FILE), and/or an in-memory buffer: PEM text with
     * its terminating NUL counted in ca_data_len (mbedTLS's rule), or one DER
     * certificate. Needed only during hcsms_client_init(). */
    const char *ca_file;
    const unsigned char *ca_data;
    size_t ca_data_len;
    /* The X-Auth-Token value (1..16384 visible ASCII bytes). NOT copied: it
     * must stay valid and unchanged while the client is used; the caller
     * wipes it. hcsms_client_set_token() replaces it. */
    const char *auth_token;
    /* Or AK/SK signing (SDK-HMAC-SHA256), used when auth_token is NULL and
     * both keys are set: the access key, the secret key, and for temporary
     * credentials the security token (X-Security-Token); project_id, when
     * set, is sent as X-Project-Id. Visible ASCII; NOT copied (as the token).
     * Signing needs the port's UTC clock (hcsms_port_utc_seconds). */
    const char *access_key;
    const char *secret_key;
    const char *security_token;
    const char *project_id;
    /* An HTTP proxy to tunnel through with CONNECT: "http://host[:port]"
     * (port 1080 when absent), NULL for a direct connection. Copied. With
     * proxy_username set, Basic proxy authentication is sent (user without
     * ':', each at most HCSMS_PROXY_USER_MAX bytes, no control bytes); both
     * NOT copied (as the token). Needs HCSMS_CONFIG_PROXY. */
    const char *proxy;
    const char *proxy_username;
    const char *proxy_password;
    /* TCP connect limit, and the deadline of each whole call (connect,
     * handshake, request, response). Milliseconds; 0 means the default
     * (10,000 and 30,000). */
    uint32_t connect_timeout_ms;
    uint32_t timeout_ms;
    /* Retries of one call, within its deadline: how many more attempts after
     * the first (default 0), for 429/503 answers (waiting Retry-After when
     * given) and failures before the request was sent (waiting a random time
     * up to retry_base_ms * 2^n, at most retry_max_ms; defaults 500, 8000). */
    uint8_t retries;
    uint32_t retry_base_ms;
    uint32_t retry_max_ms;
    /* Optional trace function and its argument. */
    hcsms_trace_fn trace;
    void *trace_user;
} hcsms_client_config;

/* Fields are NUL-terminated; a *_truncated flag says a value was cut to fit
 * (never in the middle of a UTF-8 sequence). */
typedef struct hcsms_result {
    int http_status;           /* 0 when no answer was received */
    char request_id[HCSMS_REQUEST_ID_MAX + 1];
    /* From a JSON error body (4xx/5xx); empty when absent. */
    char error_code[HCSMS_ERROR_CODE_MAX + 1];
    char error_msg[HCSMS_ERROR_MSG_MAX + 1];
    char encoded_authorization_message[HCSMS_ENCODED_AUTH_MAX + 1];
    unsigned error_param_count;
    char error_param[HCSMS_ERROR_PARAMS_MAX][HCSMS_ERROR_PARAM_MAX + 1];
    unsigned details_count;
    struct {
        char error_code[HCSMS_ERROR_CODE_MAX + 1];
        char error_msg[HCSMS_DETAIL_MSG_MAX + 1];
    } details[HCSMS_DETAILS_MAX];
    uint8_t truncated;         /* some field or list was cut to fit */
    uint8_t body_is_json;      /* the error body parsed as a JSON object */
    uint8_t body_truncated;    /* the body was longer than HCSMS_BODY_KEEP_MAX */
    uint64_t body_bytes;       /* body bytes received */
    /* The kept start of an error answer's body (at most HCSMS_BODY_KEEP_MAX
     * bytes, not NUL-terminated), inside the client: valid until the next
     * call on that client or its free. NULL for 2xx and failures. */
    const unsigned char *body;
    size_t body_len;
    /* Failure detail: where it failed (what retries decide by) and the same
     * as text for reports. */
    uint8_t step;              /* an hcsms_step; HCSMS_STEP_NONE on success */
    const char *failed_step;   /* static text of step: "connect", "TLS handshake", ...; NULL
                                  with HCSMS_STEP_NONE */
    int proxy_status;          /* the proxy's status on HCSMS_ERR_PROXY, else 0 */
    int os_error;              /* errno or the stack's code, 0 if none */
    int tls_error;             /* mbedTLS's (negative) code, 0 if none */
    uint32_t tls_verify_flags; /* MBEDTLS_X509_BADCERT_* bits on HCSMS_ERR_TLS_VERIFY */
    unsigned attempts;         /* requests sent (a dead kept-alive connection adds one) */
} hcsms_result;

/* The step a call failed in (hcsms_result.step). Before HCSMS_STEP_SEND
 * nothing of the request has left. */
typedef enum hcsms_step {
    HCSMS_STEP_NONE = 0,
    HCSMS_STEP_SETUP,         /* "set-up": the client is not usable */
    HCSMS_STEP_INPUT,         /* "input": a bad argument, nothing was done */
    HCSMS_STEP_SIGNING,       /* "signing": AK/SK signing (no clock) */
    HCSMS_STEP_CONNECT,       /* "connect": resolve and TCP to the endpoint */
    HCSMS_STEP_PROXY_CONNECT, /* "connect to proxy": resolve and TCP to the proxy */
    HCSMS_STEP_PROXY_TUNNEL,  /* "proxy CONNECT": the tunnel request and answer */
    HCSMS_STEP_TLS_HANDSHAKE, /* "TLS handshake" */
    HCSMS_STEP_SEND,          /* "send request" */
    HCSMS_STEP_RECEIVE        /* "read response" */
} hcsms_step;

/* The client: caller-owned, its size fixed at compile time. The fields are
 * private (see hcsms/private.h). */
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
    hcsms_http_response response;
    char retry_after[32];   /* the last answer's Retry-After, "" if none or too long */
    unsigned char body[HCSMS_BODY_KEEP_MAX];
    hcsms_scratch scratch;
} hcsms_client;

/* Fill config with the defaults (everything NULL/0). */
void hcsms_client_config_init(hcsms_client_config *config);

/* Set up client from config: parse the endpoint, seed the DRBG from the port,
 * load the CA certificates. Nothing is sent. Returns HCSMS_OK or an error
 * (HCSMS_ERR_INVALID_ENDPOINT, _INSECURE_ENDPOINT, _UNKNOWN_REGION,
 * _INVALID_TOKEN, _INVALID_PROXY, _CA, _ENTROPY, ...). Call hcsms_client_free()
 * in every case. A config without a token or keys is valid: such a client
 * can get a token from IAM (hcsms_iam_get_token), and hcsms_unlock() on it
 * returns HCSMS_ERR_INVALID_CREDENTIALS until hcsms_client_set_token().
 *
 * The ABI guard (zlib's idiom): the macro passes this header's version and
 * the caller's sizes of hcsms_client and hcsms_result, which depend on
 * hcsms/config.h's and mbedTLS's settings. Built with other settings than
 * the library, the caller gets HCSMS_ERR_ABI (client zeroed over the
 * caller's size, nothing else touched) instead of a library writing past the
 * end of its structs; then call nothing but hcsms_client_free(). */
int hcsms_client_init_abi(hcsms_client *client, const hcsms_client_config *config,
                          unsigned abi_version, size_t client_size, size_t result_size);
#define hcsms_client_init(client, config)                                                      \
    hcsms_client_init_abi((client), (config), HCSMS_ABI_VERSION, sizeof(hcsms_client),        \
                          sizeof(hcsms_result))

/* Replace the token (e.g. a refreshed one). Same rules as config.auth_token. */
int hcsms_client_set_token(hcsms_client *client, const char *token);

/* Unlock the target server of task_id (1..255 bytes, no control bytes, not
 * "." or ".."; sent percent-encoded as one path segment). Connects, or reuses
 * the kept-alive connection, within one deadline (timeout_ms). result (caller
 * owned) is filled, unless client is NULL or not set up (then nothing is
 * written to it: after HCSMS_ERR_ABI it is not the library's size). Returns HCSMS_OK for a 2xx answer,
 * HCSMS_ERR_SERVICE for any other status (details in result), or another
 * HCSMS_ERR_* when no valid answer was received. */
int hcsms_unlock(hcsms_client *client, const char *task_id, hcsms_result *result);

/* A user's password credentials for IAM ("obtain a user token"). Strings are
 * NUL-terminated UTF-8, 1..HCSMS_IAM_FIELD_MAX bytes, caller-owned. */
typedef struct hcsms_iam_credentials {
    const char *user;      /* the IAM user name */
    const char *password;
    const char *account;   /* the account (domain) name the user belongs to */
    const char *project;   /* project name to scope the token to, e.g. the region
                            * "ap-southeast-3"; NULL: the whole account (domain) */
} hcsms_iam_credentials;

/* Get a user token from IAM: POST /v3/auth/tokens?nocatalog=true with the
 * password method, on a client initialised with config.endpoint = IAM's
 * endpoint (e.g. "https://iam.ap-southeast-3.myhuaweicloud.com"; the
 * client's own credentials are not used). The token (the X-Subject-Token
 * header, up to HCSMS_TOKEN_MAX bytes) is written NUL-terminated to token,
 * token_size bytes, caller-owned; of the large body only the first
 * HCSMS_BODY_KEEP_MAX bytes are kept (for IAM's error), the rest is drained.
 * The password goes only into the request body and is wiped from the I/O
 * buffer after sending. Returns HCSMS_OK, HCSMS_ERR_SERVICE (IAM's error in
 * result), HCSMS_ERR_INVALID_CREDENTIALS, HCSMS_ERR_BUFFER_TOO_SMALL (token
 * does not fit token_size; HCSMS_TOKEN_MAX + 1 always fits),
 * HCSMS_ERR_NO_TOKEN (a 2xx without one valid token) or a transport error. */
int hcsms_iam_get_token(hcsms_client *client, const hcsms_iam_credentials *credentials,
                        char *token, size_t token_size, hcsms_result *result);

/* Whether host should bypass the proxy by a NO_PROXY-style list: entries
 * separated by commas and/or white space, each a host name (matching it and
 * its subdomains; a leading '.' is ignored), an IP literal (IPv6 with or
 * without brackets) matching only that address, an IPv4 range
 * ("10.0.0.0/8"), or "*" for every host. Case-insensitive; a ":port" after
 * an entry is ignored. Returns 1 to bypass, 0 to use the proxy. */
int hcsms_no_proxy_match(const char *no_proxy, const char *host);

/* The longest proxy URL hcsms_proxy_url_split() writes, without its NUL:
 * "http://[" HCSMS_HOST_MAX bytes "]:65535/". */
#define HCSMS_PROXY_URL_MAX (HCSMS_HOST_MAX + 16)

/* Split a proxy URL as environments write it (HTTPS_PROXY, curl's -x),
 * "[http://][user[:password]@]host[:port][/]" (the scheme in any case; none
 * is http://), into what the config takes: proxy gets the URL without its
 * user info ("http://host[:port][/]" as written; the port is 1080 when
 * absent, as in config.proxy), user and password the user info
 * percent-decoded (RFC 3986: "%40" is '@', "%3A" ':', "%2F" '/', either
 * hex case), "" when absent. The user info ends at the last '@' before the
 * first '/', '?' or '#': a password may hold '@', a '/' must be "%2F".
 * Buffers caller-owned, NUL-terminated: proxy_size bytes (HCSMS_PROXY_URL_MAX
 * + 1 fit any valid URL), user_size and password_size (HCSMS_PROXY_USER_MAX
 * + 1 fit). Then config.proxy = proxy and, when user is not "",
 * config.proxy_username = user, config.proxy_password = password (an absent
 * password and an empty one are the same to Basic); wipe the password when
 * done. Reading the environment stays with the caller:
 *     url = getenv("https_proxy"), else getenv("HTTPS_PROXY");
 *     if url and !hcsms_no_proxy_match(getenv("no_proxy"), endpoint_host)
 *         hcsms_proxy_url_split(url, ...)
 * Returns HCSMS_OK; HCSMS_ERR_INVALID_PROXY: a scheme other than http://, a
 * bad escape ("%G1", "%4", a trailing '%') or "%00", a decoded field longer
 * than HCSMS_PROXY_USER_MAX, or what hcsms_check_proxy() refuses (the host
 * part, an empty user, ':' or a control byte in the user, ...);
 * HCSMS_ERR_BUFFER_TOO_SMALL: an output (NULL or size 0 included) too small
 * for a URL whose scheme and user info are well formed. On any failure
 * user and password are wiped to ""; proxy is "" too, except on
 * HCSMS_ERR_INVALID_PROXY after well-formed user info: it then holds the
 * refused URL without its user info, for a message (print it only without
 * '@': a password's unescaped '/' ends the user info early). */
int hcsms_proxy_url_split(const char *url, char *proxy, size_t proxy_size, char *user,
                          size_t user_size, char *password, size_t password_size);

/* Close the connection (if any), free mbedTLS's state and wipe the context.
 * Safe on a client whose init failed, and twice. The macro passes the
 * caller's size: after HCSMS_ERR_ABI only those bytes are wiped. */
void hcsms_client_free_abi(hcsms_client *client, size_t client_size);
#define hcsms_client_free(client) hcsms_client_free_abi((client), sizeof(hcsms_client))

/* Give back what mbedTLS keeps for the whole process rather than for a
 * client: with mbedTLS 3.x, PSA crypto's key store (about 3 KB of heap,
 * allocated by the first hcsms_client_init() and the first TLS 1.3 key
 * share). Optional: call it once, when no client is left, and only if
 * nothing else in the process uses mbedTLS's PSA crypto (it is shared). A
 * later hcsms_client_init() sets PSA up again. A no-op with mbedTLS 2.28. */
void hcsms_global_cleanup(void);

/* Check a task id / token as hcsms_unlock() / init would: HCSMS_OK,
 * HCSMS_ERR_INVALID_TASK_ID or HCSMS_ERR_INVALID_TOKEN. */
int hcsms_check_task_id(const char *task_id);
int hcsms_check_token(const char *token, size_t len);

/* Check a proxy URL and credentials as init does (username and password
 * may be NULL): HCSMS_OK or HCSMS_ERR_INVALID_PROXY. */
int hcsms_check_proxy(const char *proxy, const char *username, const char *password);

/* Check AK/SK credentials as init does (security_token and project_id may be
 * NULL): HCSMS_OK or HCSMS_ERR_INVALID_CREDENTIALS. */
int hcsms_check_credentials(const char *access_key, const char *secret_key,
                            const char *security_token, const char *project_id);

/* The endpoint host of a region ("sms.<region>.myhuaweicloud.com", with the
 * exceptions of the spec), or NULL for an unknown region. Static storage. */
const char *hcsms_region_host(const char *region);

/* Describe a result's tls_error and tls_verify_flags in words (mbedTLS's
 * texts), into out (size bytes, NUL-terminated; "" when both are 0). */
void hcsms_tls_error_text(int tls_error, uint32_t verify_flags, char *out, size_t size);

/* "hcsms 0.1.0" and the mbedTLS version built against. Static storage. */
const char *hcsms_version(void);
const char *hcsms_tls_version(void);

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_H */
