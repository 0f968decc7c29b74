/* SPDX-License-Identifier: Apache-2.0 */
#include "sms.h"
#include "../net/net.h"

const char *hcsms_strerror(int error)
{
    switch (error) {
    case HCSMS_OK: return "success";
    case HCSMS_ERR_INVALID_ARGUMENT: return "invalid argument";
#if HCSMS_CONFIG_STRICT_TASK_ID
    case HCSMS_ERR_INVALID_TASK_ID: return "invalid task id (1 to 64 of A-Z a-z 0-9 _ -)";
#else
    case HCSMS_ERR_INVALID_TASK_ID: return "invalid task id (1 to 255 bytes, no control characters, not . or ..)";
#endif
    case HCSMS_ERR_INVALID_TOKEN: return "invalid token (1 to 16384 visible ASCII characters)";
    case HCSMS_ERR_INVALID_ENDPOINT: return "invalid endpoint (expected https://host[:port])";
    case HCSMS_ERR_INSECURE_ENDPOINT: return "refused http:// endpoint: tokens are only sent over https";
    case HCSMS_ERR_UNKNOWN_REGION: return "unknown region";
    case HCSMS_ERR_CA: return "no usable CA certificate";
    case HCSMS_ERR_INVALID_CREDENTIALS: return "missing or malformed credentials";
    case HCSMS_ERR_INVALID_PROXY: return "invalid proxy (expected http://host[:port]) or proxy credentials";
    case HCSMS_ERR_ABI: return "built with other hcsms/mbedTLS settings than the library";
    case HCSMS_ERR_NOT_BUILT: return "not in this build (a part its settings left out)";
    case HCSMS_ERR_PROXY: return "the proxy refused the tunnel";
    case HCSMS_ERR_NO_TOKEN: return "no valid X-Subject-Token in IAM's answer";
    case HCSMS_ERR_CLOCK: return "no trustworthy UTC time to sign the request with";
    case HCSMS_ERR_CRYPTO: return "hashing failed";
    case HCSMS_ERR_RESOLVE: return "host name did not resolve";
    case HCSMS_ERR_CONNECT: return "connection failed";
    case HCSMS_ERR_TIMEOUT: return "timed out";
    case HCSMS_ERR_SEND: return "send failed";
    case HCSMS_ERR_RECV: return "receive failed";
    case HCSMS_ERR_CLOSED: return "connection closed by the server";
    case HCSMS_ERR_ENTROPY: return "no entropy for TLS";
    case HCSMS_ERR_TLS_VERIFY: return "server certificate not verified (chain or host name)";
    case HCSMS_ERR_TLS_HANDSHAKE: return "TLS handshake failed";
    case HCSMS_ERR_TLS: return "TLS error";
    case HCSMS_ERR_HTTP_STATUS_LINE: return "malformed HTTP status line";
    case HCSMS_ERR_HTTP_HEADER: return "malformed HTTP header";
    case HCSMS_ERR_HTTP_LINE_TOO_LONG: return "HTTP line too long";
    case HCSMS_ERR_HTTP_TOO_MANY_HEADERS: return "too many HTTP headers";
    case HCSMS_ERR_HTTP_HEADERS_TOO_LARGE: return "HTTP headers too large";
    case HCSMS_ERR_HTTP_CONTENT_LENGTH: return "malformed or conflicting Content-Length";
    case HCSMS_ERR_HTTP_FRAMING: return "unsupported or conflicting HTTP body framing";
    case HCSMS_ERR_HTTP_CHUNK: return "malformed chunked body";
    case HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG: return "chunk size has too many digits";
    case HCSMS_ERR_HTTP_TOO_MANY_INTERIM: return "too many 1xx interim responses";
    case HCSMS_ERR_HTTP_BODY_TOO_LARGE: return "HTTP body too large";
    case HCSMS_ERR_HTTP_TRUNCATED: return "response truncated: connection closed early";
    case HCSMS_ERR_HTTP_UNEXPECTED: return "unexpected HTTP response";
    case HCSMS_ERR_SERVICE: return "the service answered with an error status";
    case HCSMS_ERR_BUFFER_TOO_SMALL: return "buffer too small";
    case HCSMS_ERR_NO_SESSION: return "no TLS session to save";
    default: return "unknown error";
    }
}

hcsms_error_class hcsms_error_class_of(int error)
{
    switch (error) {
    case HCSMS_OK:
        return HCSMS_CLASS_OK;
    case HCSMS_ERR_SERVICE:
        return HCSMS_CLASS_SERVICE;
    case HCSMS_ERR_INVALID_ARGUMENT:
    case HCSMS_ERR_INVALID_TASK_ID:
    case HCSMS_ERR_INVALID_TOKEN:
    case HCSMS_ERR_INVALID_ENDPOINT:
    case HCSMS_ERR_INSECURE_ENDPOINT:
    case HCSMS_ERR_UNKNOWN_REGION:
    case HCSMS_ERR_CA:
    case HCSMS_ERR_INVALID_CREDENTIALS:
    case HCSMS_ERR_INVALID_PROXY:
    case HCSMS_ERR_ABI:
    case HCSMS_ERR_NOT_BUILT:
    case HCSMS_ERR_BUFFER_TOO_SMALL:
    case HCSMS_ERR_NO_SESSION:
        return HCSMS_CLASS_INPUT;
    default:
        return HCSMS_CLASS_TRANSPORT;
    }
}

void hcsms_fail_at(hcsms_result *result, hcsms_step step)
{
    static const char *const text[] = {
        [HCSMS_STEP_NONE] = NULL,
        [HCSMS_STEP_SETUP] = "set-up",
        [HCSMS_STEP_INPUT] = "input",
        [HCSMS_STEP_SIGNING] = "signing",
        [HCSMS_STEP_CONNECT] = "connect",
        [HCSMS_STEP_PROXY_CONNECT] = "connect to proxy",
        [HCSMS_STEP_PROXY_TUNNEL] = "proxy CONNECT",
        [HCSMS_STEP_TLS_HANDSHAKE] = "TLS handshake",
        [HCSMS_STEP_SEND] = "send request",
        [HCSMS_STEP_RECEIVE] = "read response",
    };

    result->step = (uint8_t)step;
    result->failed_step = (unsigned)step < sizeof(text) / sizeof(text[0]) ? text[step] : NULL;
}

unsigned hcsms_features(void)
{
    return (HCSMS_CONFIG_AKSK ? HCSMS_FEATURE_AKSK : 0u) |
#if HCSMS_TLS_READS_CA_FILE
           HCSMS_FEATURE_CA_FILE |
#endif
           (HCSMS_CONFIG_IAM ? HCSMS_FEATURE_IAM : 0u) |
           (HCSMS_CONFIG_PROXY ? HCSMS_FEATURE_PROXY : 0u) |
           (HCSMS_CONFIG_TLS_RESUME ? HCSMS_FEATURE_TLS_RESUME : 0u) |
           (HCSMS_CONFIG_TRACE ? HCSMS_FEATURE_TRACE : 0u) |
           (HCSMS_CONFIG_STRICT_TASK_ID ? HCSMS_FEATURE_STRICT_TASK_ID : 0u);
}

const char *hcsms_version(void)
{
    return "hcsms " HCSMS_VERSION;
}
