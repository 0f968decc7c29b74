/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hcsms/iam.h
 * @brief IAM user tokens: hcsms_iam_get_token() and IAM's endpoint of a
 * region (HCSMS_CONFIG_IAM).
 *
 * Included by hcsms.h; include that.
 */
#ifndef HCSMS_IAM_H
#define HCSMS_IAM_H

#include "hcsms.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 *                                       0, or client not set up
 * @retval HCSMS_ERR_NOT_BUILT           built without HCSMS_CONFIG_IAM; nothing sent
 * @return Or a transport error, as hcsms_unlock().
 * @note Not thread-safe on one client: a client is used by one thread at a time.
 */
int hcsms_iam_get_token(hcsms_client *client, const hcsms_iam_credentials *credentials,
                        char *token, size_t token_size, hcsms_result *result);

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

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_IAM_H */
