/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the HTTP response parser. The first two bytes seed the
 * slice sizes, so the fuzzer also explores where the input is cut; two bits
 * of the first choose the modes: the answer to CONNECT, and keeping
 * X-Subject-Token (in a small buffer, so cutting it is explored too) besides
 * X-Request-Id (first one) and Retry-After (last one), as the sms layer does.
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
    hcsms_http_response r;
    char request_id[17];
    unsigned char body[64];
    char subject[24];
    char retry_after[8];
    hcsms_http_keep keep[3];
    int tunnel, keep_subject;
    uint32_t seed;
    size_t pos = 0;
    int rc = HCSMS_HTTP_MORE;

    if (size < 2)
        return 0;
    seed = (uint32_t)data[0] << 8 | data[1];
    tunnel = data[0] & 1;
    keep_subject = (data[0] >> 1) & 1;
    data += 2;
    size -= 2;
    memset(keep, 0, sizeof(keep));
    keep[0].next = &keep[1];
    keep[0].name = "x-request-id";
    keep[0].value = request_id;
    keep[0].size = sizeof(request_id);
    keep[1].next = keep_subject ? &keep[2] : NULL;
    keep[1].name = "retry-after";
    keep[1].value = retry_after;
    keep[1].size = sizeof(retry_after);
    keep[1].replace = 1;
    keep[2].name = "x-subject-token";
    keep[2].value = subject;
    keep[2].size = sizeof(subject);
    keep[2].line_max = HCSMS_HTTP_LINE_MAX + 64; /* explore the longer line too */
    hcsms_http_response_init(&r, body, sizeof(body));
    hcsms_http_response_keep(&r, keep);
    if (tunnel)
        hcsms_http_response_expect_tunnel(&r);
    while (pos < size && rc == HCSMS_HTTP_MORE) {
        size_t n, used = 0;
        seed = seed * 1103515245u + 12345u;
        n = 1 + (seed >> 16) % 64;
        if (n > size - pos)
            n = size - pos;
        rc = hcsms_http_response_feed(&r, data + pos, n, &used);
        if (used > n)
            abort();
        if (rc == HCSMS_HTTP_MORE && used != n)
            abort();
        pos += used;
    }
    if (rc == HCSMS_HTTP_MORE)
        rc = hcsms_http_response_eof(&r);
    if (rc > 0)
        abort();
    if (r.body_kept > sizeof(body) || memchr(request_id, '\0', sizeof(request_id)) == NULL)
        abort();
    if (rc == 0 && (r.status < 200 || r.status > 599))
        abort(); /* a completed response is always a final one */
    if (rc == 0 && !tunnel && r.has_content_length && !r.chunked &&
        r.body_bytes != r.content_length && r.status != 204 && r.status != 304)
        abort(); /* framing honoured exactly */
    if (tunnel && r.body_bytes != 0)
        abort(); /* the answer to CONNECT ends at its headers */
    for (pos = 0; pos < (keep_subject ? 3u : 2u); pos++) {
        if (memchr(keep[pos].value, '\0', keep[pos].size) == NULL ||
            strlen(keep[pos].value) != keep[pos].len || keep[pos].len >= keep[pos].size)
            abort(); /* always terminated, len its length, within the buffer */
    }
    return 0;
}
