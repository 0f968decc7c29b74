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
    hcsms_http_write_string(writer, "X-Auth-Token: ");
    hcsms_http_write(writer, token, token_len);
    hcsms_http_write_string(writer, "\r\n");
}
