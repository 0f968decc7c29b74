/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: AK/SK canonicalisation and signing. The input is split
 * into method, path, query, header values, body and secret key; the request
 * path is fed to the streaming signer in one piece and again in fuzzer-
 * chosen pieces, and both signatures must agree (the canonical request is
 * hashed as it streams, so cutting it anywhere must not change it). Task ids
 * go through the same percent-encoder as the request line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/auth/auth.h"
#include "../../src/sms/sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Next NUL-free field of the input, up to a 0x00 byte. */
static const char *field(const uint8_t **data, size_t *size, char *out, size_t cap)
{
    size_t n = 0;
    while (*size > 0 && **data != 0 && n + 1 < cap) {
        out[n++] = (char)**data;
        (*data)++;
        (*size)--;
    }
    if (*size > 0) {
        (*data)++;
        (*size)--;
    }
    out[n] = '\0';
    return out;
}

static void sign(const char *method, const char *task_id, const char *query,
                 const hcsms_signed_header *headers, const uint8_t *body, size_t body_len,
                 const char *sk, unsigned cut, char signature[65])
{
    hcsms_aksk_signer signer;
    char encoded[3 * 256 + 1];
    size_t len, at;

    if (hcsms_aksk_begin(&signer, method) != 0)
        abort();
    hcsms_aksk_update(&signer, "/v3/tasks/", 10);
    len = hcsms_encode_segment(task_id, encoded, sizeof(encoded));
    if (len >= sizeof(encoded))
        abort();
    for (at = 0; at < len;) {
        size_t n = cut == 0 ? len - at : 1 + (at * 7 + cut) % cut;
        if (n > len - at)
            n = len - at;
        hcsms_aksk_update(&signer, encoded + at, n);
        at += n;
    }
    hcsms_aksk_update(&signer, "/unlock", 7);
    if (hcsms_aksk_finish(&signer, query, headers, 3, body, body_len, headers[2].value, sk,
                          strlen(sk), signature) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char method[16], task_id[256], query[128], host[128], date[32], sk[64];
    char one[65], pieces[65];
    hcsms_signed_header headers[3];
    unsigned cut;
    size_t i;

    if (size < 1)
        return 0;
    cut = 1 + data[0] % 13;
    data++;
    size--;
    field(&data, &size, method, sizeof(method));
    field(&data, &size, task_id, sizeof(task_id));
    field(&data, &size, query, sizeof(query));
    field(&data, &size, host, sizeof(host));
    field(&data, &size, date, sizeof(date));
    field(&data, &size, sk, sizeof(sk));
    if (hcsms_check_task_id(task_id) != HCSMS_OK)
        return 0;
    headers[0].name = "content-type";
    headers[0].value = "application/json";
    headers[1].name = "host";
    headers[1].value = host;
    headers[2].name = "x-sdk-date";
    headers[2].value = date;
    sign(method, task_id, query, headers, data, size, sk, 0, one);
    sign(method, task_id, query, headers, data, size, sk, cut, pieces);
    if (strcmp(one, pieces) != 0 || strlen(one) != 64)
        abort();
    for (i = 0; i < 64; i++) {
        if (!((one[i] >= '0' && one[i] <= '9') || (one[i] >= 'a' && one[i] <= 'f')))
            abort();
    }
    return 0;
}
