/* SPDX-License-Identifier: Apache-2.0 */
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
#include "hcsms/types.h"


#ifdef __cplusplus
extern "C" {
#endif

/** @brief The library's version (hcsms_version() gives it with the name). */
#define HCSMS_VERSION "0.2.0"
/**
 * @brief The version of the structs' layouts, passed by hcsms_client_init().
 *
 * Changes whenever a struct of these headers changes its layout for reasons
 * other than the settings (hcsms/config.h, mbedTLS's, jsmn's), which
 * hcsms_client_init() catches by comparing sizes.
 */
#define HCSMS_ABI_VERSION 3

/**
 * @struct hcsms_client
 * @brief The client: caller-owned, its size fixed at compile time.
 *
 * The fields are private (see hcsms/private.h): they may change in any
 * release; use the functions here.
 */
/** @cond HCSMS_PRIVATE_LAYOUT */
/* Private fields, marked as mbedTLS marks its own (MBEDTLS_PRIVATE): only the
 * library's sources define HCSMS_ALLOW_PRIVATE_ACCESS; anywhere else each
 * field is named private_<name>, so code that reaches into the client does
 * not compile by accident. The layout is the same either way. */
#if defined(HCSMS_ALLOW_PRIVATE_ACCESS)
#define HCSMS_PRIVATE(member) member
#else
#define HCSMS_PRIVATE(member) private_##member
#endif
typedef struct hcsms_client {
    char HCSMS_PRIVATE(host)[HCSMS_HOST_MAX + 1]; /* without brackets */
    char HCSMS_PRIVATE(host_header)[HCSMS_HOST_MAX + 9]; /* the Host header's value */
    uint16_t HCSMS_PRIVATE(port);
    uint8_t HCSMS_PRIVATE(host_is_ipv6);
    uint8_t HCSMS_PRIVATE(initialised);
    const char *HCSMS_PRIVATE(token);
    size_t HCSMS_PRIVATE(token_len);
    const char *HCSMS_PRIVATE(access_key);     /* AK/SK when token is NULL */
    const char *HCSMS_PRIVATE(secret_key);
    const char *HCSMS_PRIVATE(security_token);
    const char *HCSMS_PRIVATE(project_id);
#if HCSMS_CONFIG_PROXY
    char HCSMS_PRIVATE(proxy_host)[HCSMS_HOST_MAX + 1]; /* "" for none; without brackets */
    uint16_t HCSMS_PRIVATE(proxy_port);
    uint8_t HCSMS_PRIVATE(proxy_is_ipv6);
    const char *HCSMS_PRIVATE(proxy_username);
    const char *HCSMS_PRIVATE(proxy_password);
#endif
    uint32_t HCSMS_PRIVATE(connect_timeout_ms);
    uint32_t HCSMS_PRIVATE(timeout_ms);
    uint8_t HCSMS_PRIVATE(retries);
    uint32_t HCSMS_PRIVATE(retry_base_ms);
    uint32_t HCSMS_PRIVATE(retry_max_ms);
    hcsms_trace_fn HCSMS_PRIVATE(trace);
    void *HCSMS_PRIVATE(trace_user);
    const char *HCSMS_PRIVATE(user_agent); /* NULL, or the caller's product token */
    hcsms_tls HCSMS_PRIVATE(tls);
    hcsms_connection HCSMS_PRIVATE(connection); /* its TLS is tls */
    hcsms_http_response HCSMS_PRIVATE(response);
    char HCSMS_PRIVATE(retry_after)[32];   /* the last answer's Retry-After, "" if none or too long */
    unsigned char HCSMS_PRIVATE(body)[HCSMS_BODY_KEEP_MAX];
    hcsms_scratch HCSMS_PRIVATE(scratch);
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
 * @retval HCSMS_ERR_INVALID_CREDENTIALS malformed AK/SK credentials
 * @retval HCSMS_ERR_INVALID_PROXY       a malformed proxy or proxy credentials
 * @retval HCSMS_ERR_NOT_BUILT           AK/SK without HCSMS_CONFIG_AKSK, a proxy
 *                                       without HCSMS_CONFIG_PROXY, or ca_file
 *                                       without HCSMS_CONFIG_CA_FILE (or without
 *                                       mbedTLS's MBEDTLS_FS_IO)
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
 * @brief Save the TLS session of the client's connections, for a later run
 * to resume with hcsms_session_load() instead of a full handshake.
 *
 * The blob holds the session's master secret in clear: keep it as secret
 * as a token (the hcsms command writes it mode 0600). It is bound to the
 * client's endpoint (host, port) and CA certificates, and carries its
 * expiry: the ticket's lifetime, the server certificate's notAfter and
 * HCSMS_TLS_SESSION_MAX_AGE_S, whichever comes first. Its size depends on
 * the ticket and the server certificate (1-3 KB is typical); call with
 * buf NULL to learn it.
 *
 * @param[in]  client A client set up by hcsms_client_init(), after a call
 *                    that connected (a TLS 1.3 server's ticket arrives
 *                    after the handshake, with the first answer).
 * @param[out] buf    Where to write the blob (NULL: only the size).
 * @param[in]  size   Bytes at buf.
 * @param[out] len    The blob's length; with HCSMS_ERR_BUFFER_TOO_SMALL the
 *                    size needed.
 * @retval HCSMS_OK                   len bytes written
 * @retval HCSMS_ERR_NO_SESSION       no session to save (no connection
 *                                    yet, the server gave none, the last one
 *                                    failed, or HCSMS_CONFIG_TLS_RESUME 0)
 * @retval HCSMS_ERR_BUFFER_TOO_SMALL size is less than len
 * @retval HCSMS_ERR_CLOCK            no trustworthy UTC time to date it
 * @retval HCSMS_ERR_INVALID_ARGUMENT client not set up, or len NULL
 */
int hcsms_session_save(hcsms_client *client, unsigned char *buf, size_t size, size_t *len);

/**
 * @brief Offer a session saved by hcsms_session_save() on the client's next
 * handshake.
 *
 * Never a reason to fail: a blob that is damaged, made for another endpoint
 * or CA set, expired (judged by the port's UTC clock; none, and it is
 * ignored) or unreadable by this mbedTLS build is ignored, and the next
 * handshake is a full one, certificate check included. A server that no
 * longer knows the session does a full handshake too. The trace says why
 * a blob was ignored (HCSMS_TRACE_SESSION). The blob is copied: the caller
 * may wipe it on return.
 *
 * @param[in,out] client A client set up by hcsms_client_init().
 * @param[in]     blob   The bytes hcsms_session_save() wrote.
 * @param[in]     len    Their number.
 * @retval HCSMS_OK                   taken: offered on the next handshake
 * @retval HCSMS_ERR_NO_SESSION       ignored (see the trace for why)
 * @retval HCSMS_ERR_INVALID_ARGUMENT client not set up, or blob NULL
 */
int hcsms_session_load(hcsms_client *client, const unsigned char *blob, size_t len);

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
 * @brief The library's name and version.
 *
 * @return "hcsms 0.2.0" (HCSMS_VERSION), in static storage.
 */
const char *hcsms_version(void);

/** @brief hcsms_features(): AK/SK signing (HCSMS_CONFIG_AKSK). */
#define HCSMS_FEATURE_AKSK 0x01u
/** @brief hcsms_features(): ca_file is read (HCSMS_CONFIG_CA_FILE and MBEDTLS_FS_IO). */
#define HCSMS_FEATURE_CA_FILE 0x02u
/** @brief hcsms_features(): hcsms_iam_get_token() (HCSMS_CONFIG_IAM). */
#define HCSMS_FEATURE_IAM 0x04u
/** @brief hcsms_features(): HTTP proxies (HCSMS_CONFIG_PROXY). */
#define HCSMS_FEATURE_PROXY 0x08u
/** @brief hcsms_features(): TLS session resumption (HCSMS_CONFIG_TLS_RESUME). */
#define HCSMS_FEATURE_TLS_RESUME 0x10u
/** @brief hcsms_features(): trace events (HCSMS_CONFIG_TRACE). */
#define HCSMS_FEATURE_TRACE 0x20u
/**
 * @brief hcsms_features(): task ids are A-Z a-z 0-9 _ - only
 * (HCSMS_CONFIG_STRICT_TASK_ID).
 */
#define HCSMS_FEATURE_STRICT_TASK_ID 0x40u

/**
 * @brief What the library was built with: HCSMS_FEATURE_* bits. A part
 * left out is refused with HCSMS_ERR_NOT_BUILT when asked for.
 *
 * For a program linked with a library built elsewhere (a shared library,
 * a vendor's build): the library's settings, not the caller's headers'.
 *
 * @return The bits of the optional parts and settings built in.
 */
unsigned hcsms_features(void);
/**
 * @brief The mbedTLS version built against.
 *
 * @return mbedTLS's full version string, in static storage.
 */
const char *hcsms_tls_version(void);

#ifdef __cplusplus
}
#endif

#include "hcsms/iam.h"  /* IAM tokens */
#include "hcsms/util.h" /* checks, URLs, proxies, regions, texts */

#endif /* HCSMS_H */
