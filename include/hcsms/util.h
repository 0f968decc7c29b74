/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hcsms/util.h
 * @brief Helpers every caller may need: the checks init applies, URLs and
 * proxies as environments write them, regions, UTF-8 and TLS error texts.
 *
 * Included by hcsms.h; include that.
 */
#ifndef HCSMS_UTIL_H
#define HCSMS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/config.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_UTIL_H */
