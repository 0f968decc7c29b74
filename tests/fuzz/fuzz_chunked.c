/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the chunked decoder. The input is the body of a
 * response that declared Transfer-Encoding: chunked, fed in slices.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/http/http.h"
#include "hcsms/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    hcsms_http_response r;
    unsigned char body[32];
    size_t pos = 0, used;
    uint32_t seed = 0x2545f491u;
    int rc;

    hcsms_http_response_init(&r, body, sizeof(body));
    rc = hcsms_http_response_feed(&r, (const unsigned char *)head, sizeof(head) - 1, &used);
    if (rc != HCSMS_HTTP_MORE || used != sizeof(head) - 1 || !r.chunked)
        abort();
    while (pos < size && rc == HCSMS_HTTP_MORE) {
        size_t n;
        seed = seed * 1103515245u + 12345u;
        n = 1 + (seed >> 16) % 16;
        if (n > size - pos)
            n = size - pos;
        rc = hcsms_http_response_feed(&r, data + pos, n, &used);
        pos += used;
    }
    if (rc == HCSMS_HTTP_MORE)
        rc = hcsms_http_response_eof(&r);
    if (rc > 0 || r.body_kept > sizeof(body) || r.body_kept > r.body_bytes)
        abort();
    /* The decoded body can never be longer than the encoded one. */
    if (r.body_bytes > size)
        abort();
    return 0;
}
