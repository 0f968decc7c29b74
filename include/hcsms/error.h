/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hcsms/error.h
 * @brief hcsms error codes: one enum of negative values, 0 for success.
 *
 * hcsms_strerror() names each one; hcsms_error_class_of() sorts them into the
 * four outcomes a caller acts on (hcsms_error_class).
 */
#ifndef HCSMS_ERROR_H
#define HCSMS_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief hcsms's return codes: HCSMS_OK (0) or a negative HCSMS_ERR_*.
 *
 * By range: -1..-10 the caller's input, nothing was sent; -20..-32 the
 * network and TLS; -40..-53 the HTTP response; -60 the service answered with
 * a status outside 2xx; -70 an output buffer of the caller's is too small.
 */
typedef enum hcsms_error {
    HCSMS_OK = 0, /**< success */

    /* The caller's input; nothing was sent. */
    HCSMS_ERR_INVALID_ARGUMENT = -1,   /**< NULL pointer, zero timeout, misuse */
    HCSMS_ERR_INVALID_TASK_ID = -2,    /**< not 1..64 of A-Za-z0-9_- (HCSMS_CONFIG_STRICT_TASK_ID) */
    HCSMS_ERR_INVALID_TOKEN = -3,      /**< empty, > 16384 bytes, not visible ASCII */
    HCSMS_ERR_INVALID_ENDPOINT = -4,   /**< not https://host[:port][/] */
    HCSMS_ERR_INSECURE_ENDPOINT = -5,  /**< http:// : tokens never travel in clear */
    HCSMS_ERR_UNKNOWN_REGION = -6,     /**< region name not in the table */
    HCSMS_ERR_CA = -7,                 /**< no usable CA certificate could be loaded */
    HCSMS_ERR_INVALID_CREDENTIALS = -8, /**< no or malformed credentials (AK/SK, IAM user) */
    HCSMS_ERR_INVALID_PROXY = -9,      /**< not http://host[:port], or malformed proxy credentials */
    HCSMS_ERR_ABI = -10,               /**< the caller was built with other hcsms/mbedTLS settings (struct sizes differ) */
    HCSMS_ERR_NOT_BUILT = -11,         /**< asked for a part this build left out (AK/SK, proxy, CA file, IAM) */

    /* The network and TLS. */
    HCSMS_ERR_RESOLVE = -20,           /**< host name did not resolve */
    HCSMS_ERR_CONNECT = -21,           /**< no address accepted the connection */
    HCSMS_ERR_TIMEOUT = -22,           /**< the connect timeout or the call's deadline passed */
    HCSMS_ERR_SEND = -23,              /**< the socket failed while sending */
    HCSMS_ERR_RECV = -24,              /**< the socket failed while receiving */
    HCSMS_ERR_CLOSED = -25,            /**< the peer closed the connection */
    HCSMS_ERR_ENTROPY = -26,           /**< the port gave no entropy: TLS refuses to start */
    HCSMS_ERR_TLS_VERIFY = -27,        /**< certificate chain or host name not verified */
    HCSMS_ERR_TLS_HANDSHAKE = -28,     /**< handshake failed for another reason */
    HCSMS_ERR_TLS = -29,               /**< TLS record layer or set-up error */
    HCSMS_ERR_CLOCK = -30,             /**< no trustworthy UTC time to sign with */
    HCSMS_ERR_CRYPTO = -31,            /**< a hash or HMAC failed (mbedTLS) */
    HCSMS_ERR_PROXY = -32,             /**< the proxy refused the tunnel (result.proxy_status) */

    /* The HTTP response. */
    HCSMS_ERR_HTTP_STATUS_LINE = -40,  /**< not "HTTP/1.x NNN ..." */
    HCSMS_ERR_HTTP_HEADER = -41,       /**< malformed header line */
    HCSMS_ERR_HTTP_LINE_TOO_LONG = -42,    /**< a line over HCSMS_HTTP_LINE_MAX */
    HCSMS_ERR_HTTP_TOO_MANY_HEADERS = -43, /**< over HCSMS_HTTP_HEADERS_MAX */
    HCSMS_ERR_HTTP_HEADERS_TOO_LARGE = -44,/**< over HCSMS_HTTP_HEADER_BYTES_MAX */
    HCSMS_ERR_HTTP_CONTENT_LENGTH = -45,   /**< malformed, conflicting or overflowing */
    HCSMS_ERR_HTTP_FRAMING = -46,      /**< Transfer-Encoding with Content-Length, or unsupported coding */
    HCSMS_ERR_HTTP_CHUNK = -47,        /**< malformed chunked body */
    HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG = -48, /**< over HCSMS_HTTP_CHUNK_DIGITS_MAX digits */
    HCSMS_ERR_HTTP_TOO_MANY_INTERIM = -49, /**< over HCSMS_HTTP_INTERIM_MAX 1xx answers */
    HCSMS_ERR_HTTP_BODY_TOO_LARGE = -50,   /**< over HCSMS_HTTP_BODY_MAX body bytes */
    HCSMS_ERR_HTTP_TRUNCATED = -51,    /**< the connection ended inside the response */
    HCSMS_ERR_HTTP_UNEXPECTED = -52,   /**< 101 Switching Protocols, or bytes before a request */
    HCSMS_ERR_NO_TOKEN = -53,          /**< IAM's 2xx without one valid X-Subject-Token */

    /** The service answered, with a status outside 2xx; see hcsms_result. */
    HCSMS_ERR_SERVICE = -60,

    HCSMS_ERR_BUFFER_TOO_SMALL = -70,  /**< an output buffer of the caller's is too small */
    HCSMS_ERR_NO_SESSION = -71         /**< no TLS session to save (none yet, or resumption not built in) */
} hcsms_error;

/**
 * @brief What a caller does about an error (hcsms_error_class_of()): the
 * CLI's exit statuses follow this.
 */
typedef enum hcsms_error_class {
    HCSMS_CLASS_OK = 0,        /**< success */
    HCSMS_CLASS_SERVICE = 1,   /**< the service answered with an error status */
    HCSMS_CLASS_INPUT = 2,     /**< bad input or configuration; nothing was sent */
    HCSMS_CLASS_TRANSPORT = 3  /**< network, TLS, timeout or protocol failure */
} hcsms_error_class;

/**
 * @brief A short English text for an error code.
 *
 * @param[in] error An hcsms_error code (any value; unknown ones get
 *                  "unknown error").
 * @return The text; never NULL, static storage.
 */
const char *hcsms_strerror(int error);

/**
 * @brief The class of an error code.
 *
 * @param[in] error An hcsms_error code (any value).
 * @retval HCSMS_CLASS_OK        error is HCSMS_OK
 * @retval HCSMS_CLASS_SERVICE   error is HCSMS_ERR_SERVICE
 * @retval HCSMS_CLASS_INPUT     an input error (HCSMS_ERR_INVALID_ARGUMENT ..
 *                               HCSMS_ERR_NOT_BUILT, HCSMS_ERR_BUFFER_TOO_SMALL,
 *                               HCSMS_ERR_NO_SESSION)
 * @retval HCSMS_CLASS_TRANSPORT any other value, unknown ones included
 */
hcsms_error_class hcsms_error_class_of(int error);

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_ERROR_H */
