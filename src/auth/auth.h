/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authentication: X-Auth-Token, AK/SK signing, Basic proxy credentials and
 * the IAM password request body. The token is written straight
 * from the caller's buffer through the request writer, never copied or
 * logged.
 *
 * May call: src/http (the request writer), src/json (the JSON writer),
 * mbedTLS's hashes, HMAC, base64 and zeroize, and libc; it includes
 * hcsms/config.h, hcsms/error.h and hcsms/private.h, never hcsms.h.
 */
#ifndef HCSMS_AUTH_H
#define HCSMS_AUTH_H

#include <stddef.h>

#include <stdint.h>

#include <mbedtls/md.h>

#include "hcsms/config.h"
#include "hcsms/error.h"
#include "../http/http.h"

/* Write "X-Auth-Token: <token>\r\n". The token was checked at set-up. */
void hcsms_auth_write_token_header(hcsms_http_writer *writer, const char *token,
                                   size_t token_len);

/* Write "<header>: Basic base64(user:password)\r\n" (password may be NULL
 * for ""); checked at set-up. Nothing is left on the stack. */
void hcsms_auth_write_basic(hcsms_http_writer *writer, const char *header, const char *user,
                            const char *password);

/* The public checks this layer implements (declared in hcsms.h too; a file
 * that includes both gets a compiler error if the two ever differ). */
int hcsms_check_token(const char *token, size_t len);
int hcsms_check_credentials(const char *access_key, const char *secret_key,
                            const char *security_token, const char *project_id);

/* IAM password credentials as this layer sees them (src/sms/iam.c fills it
 * from the caller's hcsms_iam_credentials): each field 1..HCSMS_IAM_FIELD_MAX
 * bytes of UTF-8, project may be NULL. */
typedef struct hcsms_iam_fields {
    const char *user;
    const char *password;
    const char *account;
    const char *project;
} hcsms_iam_fields;

/* HCSMS_OK or HCSMS_ERR_INVALID_CREDENTIALS. */
int hcsms_iam_check_credentials(const hcsms_iam_fields *credentials);

/* The JSON body of POST /v3/auth/tokens for credentials (checked), to sink
 * in pieces: scope project when credentials->project is set, else domain. */
void hcsms_iam_write_body(void (*sink)(void *context, const void *data, size_t len),
                          void *context, const hcsms_iam_fields *credentials);

/* A header to sign: lower-case name, value as sent (already trimmed). The
 * signer takes them in the order given, which must be sorted by name. */
typedef struct hcsms_signed_header {
    const char *name;
    const char *value;
} hcsms_signed_header;

/* The SDK-HMAC-SHA256 signer: begin(method), then the request path through
 * hcsms_aksk_update() (percent-encoded as sent, keeping only A-Za-z0-9-_.~;
 * a usable sink for hcsms_write_segment-style encoders), then finish() with
 * the canonical query ("" for none), the signed headers, the body, the
 * X-Sdk-Date value and the SK. Writes the lower-hex signature (64 + NUL).
 * Returns 0 or HCSMS_ERR_CRYPTO. mbedTLS allocates its hash state. */
typedef struct hcsms_aksk_signer {
    mbedtls_md_context_t md;
    int error;
    unsigned char last;   /* last path byte: the canonical URI ends with '/' */
    unsigned char started;
} hcsms_aksk_signer;

int hcsms_aksk_begin(hcsms_aksk_signer *signer, const char *method);
void hcsms_aksk_update(void *signer, const void *data, size_t len);
int hcsms_aksk_finish(hcsms_aksk_signer *signer, const char *query,
                      const hcsms_signed_header *headers, size_t count,
                      const unsigned char *body, size_t body_len, const char *sdk_date,
                      const char *secret_key, size_t secret_key_len, char signature[65]);
/* Release the hash state of a signer that will not be finished. */
void hcsms_aksk_abort(hcsms_aksk_signer *signer);

/* Unix seconds as X-Sdk-Date, "YYYYMMDDTHHMMSSZ" (16 characters + NUL).
 * Returns 0, or HCSMS_ERR_CLOCK for a time outside years 1970..9999. */
int hcsms_sdk_date(int64_t seconds, char out[17]);

#endif /* HCSMS_AUTH_H */
