/* SPDX-License-Identifier: Apache-2.0 */
/* The credential checks init and callers share (whatever is compiled in),
 * and the X-Auth-Token header. */
#include <string.h>

#include "auth.h"

int hcsms_check_token(const char *token, size_t len)
{
    size_t i;

    if (token == NULL || len == 0 || len > HCSMS_TOKEN_MAX)
        return HCSMS_ERR_INVALID_TOKEN;
    /* Visible ASCII only: no CR/LF to split the header, no NUL, no space. */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)token[i];
        if (c < 0x21 || c > 0x7e)
            return HCSMS_ERR_INVALID_TOKEN;
    }
    return HCSMS_OK;
}

void hcsms_auth_write_token_header(hcsms_http_writer *writer, const char *token,
                                   size_t token_len)
{
    hcsms_http_write_literal(writer, "X-Auth-Token: ");
    hcsms_http_write(writer, token, token_len);
    hcsms_http_write_literal(writer, "\r\n");
}

/* Credentials go into a header ("Access=<AK>") or are a key: visible ASCII,
 * and the AK without the characters that would break the header's syntax. */
static int visible(const char *text, size_t max, const char *forbidden)
{
    size_t i;

    if (text == NULL || text[0] == '\0')
        return 0;
    for (i = 0; text[i] != '\0'; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i >= max || c < 0x21 || c > 0x7e || (forbidden != NULL && strchr(forbidden, c) != NULL))
            return 0;
    }
    return 1;
}

int hcsms_check_credentials(const char *access_key, const char *secret_key,
                            const char *security_token, const char *project_id)
{
    if (!visible(access_key, 128, ",=;\"") || !visible(secret_key, 256, NULL))
        return HCSMS_ERR_INVALID_CREDENTIALS;
    if (security_token != NULL && !visible(security_token, 16384, NULL))
        return HCSMS_ERR_INVALID_CREDENTIALS;
    if (project_id != NULL && !visible(project_id, 64, NULL))
        return HCSMS_ERR_INVALID_CREDENTIALS;
    return HCSMS_OK;
}
