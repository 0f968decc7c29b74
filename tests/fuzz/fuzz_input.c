/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what users type (endpoint URLs, task ids and their
 * percent-encoding: an accepted task id must encode to exactly one path
 * segment that decodes back to itself), proxy URLs and NO_PROXY lists, and
 * a server's Retry-After value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sms/sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : (c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1);
}

/* A NO_PROXY entry that is a host name as it stands. */
static int plain_name(const char *s)
{
    size_t len = strlen(s);

    return len > 0 && strcspn(s, ", \t:[/") == len && s[0] != '.' && s[len - 1] != '.';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[1024], host[HCSMS_HOST_MAX + 1], encoded[3 * 1024 + 1], decoded[1024];
    uint16_t port = 0;
    uint8_t ipv6 = 0;
    size_t need, i, j;

    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    if (hcsms_endpoint_parse(text, host, sizeof(host), &port, &ipv6) == HCSMS_OK) {
        if (host[0] == '\0' || port == 0 || strlen(host) > HCSMS_HOST_MAX)
            abort();
        for (i = 0; host[i] != '\0'; i++) {
            if (strchr("/?#@ \r\n\t", host[i]) != NULL)
                abort();
        }
    }

    if (hcsms_proxy_parse(text, host, sizeof(host), &port, &ipv6) == HCSMS_OK) {
        if (host[0] == '\0' || port == 0 || strlen(host) > HCSMS_HOST_MAX ||
            strchr(host, '@') != NULL || strchr(host, '/') != NULL || strchr(host, ' ') != NULL)
            abort();
    }
    {
        /* The list against a host taken from its own second half; "*" and a
         * plain name (one entry, nothing to strip) always match. */
        const char *half = text + size / 2;
        int match = hcsms_no_proxy_match(text, half);
        if (match != 0 && match != 1)
            abort();
        if (half[0] != '\0' && hcsms_no_proxy_match("*", half) != 1)
            abort();
        if (plain_name(half) && hcsms_no_proxy_match(half, half) != 1)
            abort();
    }

    if (hcsms_check_task_id(text) == HCSMS_OK) {
        need = hcsms_encode_segment(text, encoded, sizeof(encoded));
        if (need != strlen(encoded) || strcmp(text, ".") == 0 || strcmp(text, "..") == 0)
            abort();
        for (i = 0, j = 0; encoded[i] != '\0'; j++) {
            char c = encoded[i];
            if (c == '/' || c == '?' || c == '#' || c == ' ' || (unsigned char)c < 0x21 ||
                (unsigned char)c > 0x7e)
                abort();
            if (c == '%') {
                if (hex(encoded[i + 1]) < 0 || hex(encoded[i + 2]) < 0)
                    abort();
                decoded[j] = (char)(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2]));
                i += 3;
            } else {
                decoded[j] = c;
                i++;
            }
        }
        decoded[j] = '\0';
        if (strcmp(decoded, text) != 0)
            abort();
    }
    (void)hcsms_check_token(text, size);
    {
        /* Retry-After: seconds (at most 5 digits) or an HTTP date at most a day ahead. */
        long wait = hcsms_retry_after_ms(text, 1795780800);
        if (wait < -1 || wait > 99999000L)
            abort();
    }
    return 0;
}
