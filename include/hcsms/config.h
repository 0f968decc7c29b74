/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hcsms/config.h
 * @brief hcsms compile-time configuration.
 *
 * Every size and switch has a default here. Override any of them by defining
 * it on the compiler's command line, or put your overrides in a header of
 * your own and build with `-DHCSMS_CONFIG_FILE='"my_hcsms_config.h"'` (the
 * mbedTLS convention). Sizes are in bytes unless the name says otherwise.
 *
 * @note The sizes of hcsms_client and hcsms_result depend on these settings:
 * a caller built with other settings than the library gets HCSMS_ERR_ABI
 * from hcsms_client_init().
 */
#ifndef HCSMS_CONFIG_H
#define HCSMS_CONFIG_H

#ifdef HCSMS_CONFIG_FILE
#include HCSMS_CONFIG_FILE
#endif

/* ---- Buffers held in the client context (RAM) ---------------------------- */

/**
 * @brief The I/O buffer, in the client. Minimum 128.
 *
 * One buffer serves the request (written through it in pieces) and then the
 * response (read into it in pieces). A request that fits is sent with one
 * write; a larger one (a 16 KB token) is flushed in several.
 */
#ifndef HCSMS_IO_BUFFER_SIZE
#define HCSMS_IO_BUFFER_SIZE 1024
#endif

/**
 * @brief Leading bytes of an error response body kept for JSON parsing.
 * Minimum 64.
 *
 * Whatever is longer is drained and counted, and the result says it was cut
 * (hcsms_result.body_truncated).
 */
#ifndef HCSMS_BODY_KEEP_MAX
#define HCSMS_BODY_KEEP_MAX 2048
#endif

/**
 * @brief JSON tokens the error-body parser holds (jsmn, 16 bytes each).
 * Minimum 8.
 *
 * They share the I/O buffer's memory: 64 tokens fit the default 1024 bytes
 * exactly.
 */
#ifndef HCSMS_JSON_TOKENS_MAX
#define HCSMS_JSON_TOKENS_MAX 64
#endif

/**
 * @brief Bytes of one JSON token (jsmn's jsmntok_t: 16, or 20 when jsmn is
 * built with JSMN_PARENT_LINKS). src/json/json.c refuses to compile if a
 * token does not fit. A multiple of sizeof(int).
 */
#ifndef HCSMS_JSON_TOKEN_BYTES
#define HCSMS_JSON_TOKEN_BYTES 16
#endif

/** @brief Longest hcsms_client_config.user_agent, in bytes. */
#define HCSMS_USER_AGENT_MAX 64

/** @brief Longest host name accepted in an endpoint (DNS allows 253). */
#ifndef HCSMS_HOST_MAX
#define HCSMS_HOST_MAX 253
#endif

/* ---- Limits on what a server controls ------------------------------------ */

/**
 * @brief Longest status, header, chunk-size or trailer line
 * (HCSMS_ERR_HTTP_LINE_TOO_LONG).
 *
 * nginx and Apache default to 8 KB header lines; a server sending more is
 * broken or hostile.
 */
#ifndef HCSMS_HTTP_LINE_MAX
#define HCSMS_HTTP_LINE_MAX 8192
#endif

/**
 * @brief Longest header name the response parser recognises: the framing
 * headers and the ones a caller asks it to keep (longer names are never
 * matched). 17..254.
 */
#ifndef HCSMS_HTTP_NAME_MAX
#define HCSMS_HTTP_NAME_MAX 20
#endif

/**
 * @brief Most header (or trailer) lines in one response
 * (HCSMS_ERR_HTTP_TOO_MANY_HEADERS).
 */
#ifndef HCSMS_HTTP_HEADERS_MAX
#define HCSMS_HTTP_HEADERS_MAX 100
#endif

/**
 * @brief Most bytes of all header lines of one response, status line included
 * (HCSMS_ERR_HTTP_HEADERS_TOO_LARGE).
 */
#ifndef HCSMS_HTTP_HEADER_BYTES_MAX
#define HCSMS_HTTP_HEADER_BYTES_MAX 32768
#endif

/**
 * @brief Most hex digits of a chunk size (8 digits: chunks up to 4 GiB - 1);
 * 1..15 (HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG).
 */
#ifndef HCSMS_HTTP_CHUNK_DIGITS_MAX
#define HCSMS_HTTP_CHUNK_DIGITS_MAX 8
#endif

/**
 * @brief Most interim (1xx) answers skipped before the final one
 * (HCSMS_ERR_HTTP_TOO_MANY_INTERIM).
 */
#ifndef HCSMS_HTTP_INTERIM_MAX
#define HCSMS_HTTP_INTERIM_MAX 8
#endif

/**
 * @brief Most body bytes read (kept or drained) before the response is
 * refused (HCSMS_ERR_HTTP_BODY_TOO_LARGE).
 *
 * The unlock answer is "{}" or a small error; megabytes mean a broken server.
 */
#ifndef HCSMS_HTTP_BODY_MAX
#define HCSMS_HTTP_BODY_MAX (16UL * 1024UL * 1024UL)
#endif

/* ---- Result fields (caller-owned hcsms_result) --------------------------- */

/** @brief Bytes kept of hcsms_result.request_id (without its NUL). */
#ifndef HCSMS_REQUEST_ID_MAX
#define HCSMS_REQUEST_ID_MAX 64
#endif
/**
 * @brief Bytes kept of hcsms_result.error_code and of each details item's
 * error_code (without the NUL).
 */
#ifndef HCSMS_ERROR_CODE_MAX
#define HCSMS_ERROR_CODE_MAX 64
#endif
/** @brief Bytes kept of hcsms_result.error_msg (without its NUL). */
#ifndef HCSMS_ERROR_MSG_MAX
#define HCSMS_ERROR_MSG_MAX 256
#endif
/**
 * @brief Bytes kept of hcsms_result.encoded_authorization_message (without
 * its NUL).
 */
#ifndef HCSMS_ENCODED_AUTH_MAX
#define HCSMS_ENCODED_AUTH_MAX 256
#endif
/** @brief hcsms_result.error_param[]: how many items are kept. */
#ifndef HCSMS_ERROR_PARAMS_MAX
#define HCSMS_ERROR_PARAMS_MAX 4
#endif
/** @brief hcsms_result.error_param[]: the bytes kept of each (without its NUL). */
#ifndef HCSMS_ERROR_PARAM_MAX
#define HCSMS_ERROR_PARAM_MAX 64
#endif
/**
 * @brief hcsms_result.details[]: how many items are kept; each keeps
 * error_code and error_msg.
 */
#ifndef HCSMS_DETAILS_MAX
#define HCSMS_DETAILS_MAX 4
#endif
/** @brief Bytes kept of each details item's error_msg (without its NUL). */
#ifndef HCSMS_DETAIL_MSG_MAX
#define HCSMS_DETAIL_MSG_MAX 128
#endif

/* ---- Switches ------------------------------------------------------------ */

/**
 * @brief 1: the response parser reads a status or header line that arrived
 * whole in tight loops (a few instructions a byte). 0: every byte goes
 * through the byte-at-a-time state machine, which also handles lines split
 * across reads; the same answers, about 0.9 KB less flash on Cortex-M, about
 * 3.5x the parser's instructions (make bench, docs/sizes.md).
 */
#ifndef HCSMS_CONFIG_FAST_PARSE
#define HCSMS_CONFIG_FAST_PARSE 1
#endif

/**
 * @brief 1: the library reports protocol events (connect, request line,
 * header names, status) to a caller-supplied trace function
 * (hcsms_client_config.trace). 0: compiled out.
 */
#ifndef HCSMS_CONFIG_TRACE
#define HCSMS_CONFIG_TRACE 1
#endif

/**
 * @brief 1: AK/SK request signing (SDK-HMAC-SHA256) is compiled in (about
 * 2.5 KB of flash on Cortex-M4). 0: token authentication only (AK/SK
 * credentials give HCSMS_ERR_NOT_BUILT).
 */
#ifndef HCSMS_CONFIG_AKSK
#define HCSMS_CONFIG_AKSK 1
#endif

/**
 * @brief 1: hcsms_client_config.ca_file is supported (mbedTLS reads the file;
 * needs MBEDTLS_FS_IO). 0: only in-memory CA buffers, for targets without
 * files (a ca_file gives HCSMS_ERR_NOT_BUILT).
 */
#ifndef HCSMS_CONFIG_CA_FILE
#define HCSMS_CONFIG_CA_FILE 1
#endif

/**
 * @brief 1: a reconnect resumes the last TLS session. 0: every connection is
 * a full handshake.
 *
 * Resumption uses the TLS 1.2 session id or ticket, or a TLS 1.3 ticket
 * where mbedTLS has MBEDTLS_SSL_SESSION_TICKETS, skipping the certificate
 * and key exchange work of a full handshake.
 *
 * @note Costs the session struct in the context and mbedTLS's heap copy of
 * the session (the ticket; with MBEDTLS_SSL_KEEP_PEER_CERTIFICATE the
 * server's certificate too) between connections.
 */
#ifndef HCSMS_CONFIG_TLS_RESUME
#define HCSMS_CONFIG_TLS_RESUME 1
#endif

/**
 * @brief The longest a saved TLS session (hcsms_session_save()) is offered,
 * in seconds after it was saved; a shorter ticket lifetime or the server
 * certificate's notAfter end it earlier. RFC 8446 allows tickets 7 days.
 *
 * A resumed handshake presents no certificate: the session carries the trust
 * decision of the full handshake that made it. A day bounds how long that
 * decision is reused after a restart.
 */
#ifndef HCSMS_TLS_SESSION_MAX_AGE_S
#define HCSMS_TLS_SESSION_MAX_AGE_S 86400
#endif

/**
 * @brief 1: HTTP proxies (CONNECT tunnel, Basic proxy auth) are compiled in.
 * 0: hcsms_client_config.proxy must be NULL (else HCSMS_ERR_NOT_BUILT).
 */
#ifndef HCSMS_CONFIG_PROXY
#define HCSMS_CONFIG_PROXY 1
#endif

/**
 * @brief 1: hcsms_iam_get_token() (a token from IAM with a user's password)
 * is compiled in. 0: it returns HCSMS_ERR_NOT_BUILT.
 */
#ifndef HCSMS_CONFIG_IAM
#define HCSMS_CONFIG_IAM 1
#endif

/**
 * @brief 1: task ids are what SMS issues, 1 to 64 bytes of A-Z a-z 0-9 _ -
 * (its task ids are UUIDs). 0: any 1 to 255 bytes without control bytes,
 * except "." and "..", sent percent-encoded.
 *
 * With 1, anything else is refused before it is sent, whatever a gateway on
 * the way might decode. 0 is for a service whose ids are not of that shape
 * (none is known).
 */
#ifndef HCSMS_CONFIG_STRICT_TASK_ID
#define HCSMS_CONFIG_STRICT_TASK_ID 1
#endif

/* ---- Sanity checks -------------------------------------------------------- */

#if HCSMS_IO_BUFFER_SIZE < 128
#error "HCSMS_IO_BUFFER_SIZE must be at least 128"
#endif
/* The body buffer also holds the traced request line before the response
 * arrives ("POST /v3/tasks/" ... "/unlock HTTP/1.1" takes 32 bytes). */
#if HCSMS_BODY_KEEP_MAX < 64
#error "HCSMS_BODY_KEEP_MAX must be at least 64"
#endif
#if HCSMS_HTTP_NAME_MAX < 17 || HCSMS_HTTP_NAME_MAX > 254
#error "HCSMS_HTTP_NAME_MAX must be 17..254 (\"transfer-encoding\" is 17)"
#endif
#if HCSMS_HTTP_CHUNK_DIGITS_MAX < 1 || HCSMS_HTTP_CHUNK_DIGITS_MAX > 15
#error "HCSMS_HTTP_CHUNK_DIGITS_MAX must be 1..15"
#endif
/* Fixed limits of the inputs (not settings). */
#if HCSMS_CONFIG_STRICT_TASK_ID
/**
 * @brief Longest task id, in bytes: 64 of A-Z a-z 0-9 _ - (255 with
 * HCSMS_CONFIG_STRICT_TASK_ID 0).
 */
#define HCSMS_TASK_ID_MAX 64    /* bytes of A-Z a-z 0-9 _ - */
#else
/**
 * @brief Longest task id, in bytes: 255 (64 of A-Z a-z 0-9 _ - with
 * HCSMS_CONFIG_STRICT_TASK_ID 1).
 */
#define HCSMS_TASK_ID_MAX 255   /* bytes */
#endif
/** @brief Longest token (auth_token, an IAM token), in bytes. */
#define HCSMS_TOKEN_MAX 16384   /* bytes */
/** @brief Longest proxy user name and password, in bytes, each. */
#define HCSMS_PROXY_USER_MAX 255     /* bytes, each of user name and password */
/**
 * @brief Longest hcsms_iam_credentials field, in bytes, each of user,
 * password, account, project.
 */
#define HCSMS_IAM_FIELD_MAX 255      /* bytes, each of user, password, account, project */

#if HCSMS_JSON_TOKENS_MAX < 8
#error "HCSMS_JSON_TOKENS_MAX must be at least 8"
#endif

#endif /* HCSMS_CONFIG_H */
