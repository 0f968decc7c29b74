/*
 * Authentication headers. Today: X-Auth-Token. The value is written straight
 * from the caller's buffer through the request writer, never copied or
 * logged.
 */
#ifndef HCSMS_AUTH_H
#define HCSMS_AUTH_H

#include <stddef.h>

#include "../http/http.h"

/* Write "X-Auth-Token: <token>\r\n". The token was checked at set-up. */
void hcsms_auth_write_token_header(hcsms_http_writer *writer, const char *token,
                                   size_t token_len);

#endif /* HCSMS_AUTH_H */
