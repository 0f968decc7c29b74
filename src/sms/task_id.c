/* SPDX-License-Identifier: Apache-2.0 */
/* Task ids: checked, then percent-encoded as one path segment of the
 * request line (hcsms_write_segment feeds the request writer and the AK/SK
 * signer the same bytes). */
#include <string.h>

#include "sms.h"

/* The class of each ASCII byte (0x80 and up are in neither): one look-up
 * a byte, no comparisons, since every byte of every task id passes here
 * twice (checked, then encoded); measured on a UUID: 490 instructions with
 * bitmaps, 160 with a table of all 256 bytes, which costs 128 bytes more
 * flash than this one. */
#define UNRESERVED 1u /* RFC 3986: ALPHA DIGIT - . _ ~ */
#define STRICT 2u     /* HCSMS_CONFIG_STRICT_TASK_ID: ALPHA DIGIT - _ */
#define U UNRESERVED
#define S (UNRESERVED | STRICT)
static const unsigned char ascii_class[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, S, U, 0,
    S, S, S, S, S, S, S, S, S, S, 0, 0, 0, 0, 0, 0,
    0, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, S, S, S, S, 0, 0, 0, 0, S,
    0, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, S, S, S, S, 0, 0, 0, U, 0,
};
#undef S
#undef U

static unsigned byte_class(unsigned char c)
{
    return c < 0x80 ? ascii_class[c] : 0u;
}

int hcsms_check_task_id(const char *task_id)
{
    size_t i;

    if (task_id == NULL || task_id[0] == '\0')
        return HCSMS_ERR_INVALID_TASK_ID;
#if HCSMS_CONFIG_STRICT_TASK_ID
    /* Nothing to encode: no '/', '%', '.', or byte a gateway could decode
     * into a path step before routing. */
    for (i = 0; i <= HCSMS_TASK_ID_MAX && (byte_class((unsigned char)task_id[i]) & STRICT); i++)
        ; /* NUL is in no class: the loop stops at the end, or one past the longest */
    if (i > HCSMS_TASK_ID_MAX || task_id[i] != '\0')
        return HCSMS_ERR_INVALID_TASK_ID;
#else
    /* "." and ".." would be path steps, even encoded once servers normalise. */
    if (strcmp(task_id, ".") == 0 || strcmp(task_id, "..") == 0)
        return HCSMS_ERR_INVALID_TASK_ID;
    for (i = 0; task_id[i] != '\0'; i++) {
        unsigned char c = (unsigned char)task_id[i];
        if (i >= HCSMS_TASK_ID_MAX || c < 0x20 || c == 0x7f)
            return HCSMS_ERR_INVALID_TASK_ID;
    }
#endif
    return HCSMS_OK;
}

static int is_unreserved(unsigned char c)
{
    return (byte_class(c) & UNRESERVED) != 0;
}

/* The encoding of one byte of a path segment; returns its length (1 or 3). */
static size_t encode_byte(unsigned char c, char piece[3])
{
    static const char hex[] = "0123456789ABCDEF";

    if (is_unreserved(c)) {
        piece[0] = (char)c;
        return 1;
    }
    piece[0] = '%';
    piece[1] = hex[c >> 4];
    piece[2] = hex[c & 15];
    return 3;
}

size_t hcsms_encode_segment(const char *task_id, char *out, size_t out_size)
{
    size_t need = 0;

    for (; *task_id != '\0'; task_id++) {
        char piece[3];
        size_t n = encode_byte((unsigned char)*task_id, piece);

        /* Whole pieces only: a cut never leaves half an escape. */
        if (out_size > 0 && need + n < out_size)
            memcpy(out + need, piece, n);
        else if (out_size > 0 && need < out_size)
            out_size = need + 1; /* stop writing; keep counting */
        need += n;
    }
    if (out_size > 0)
        out[need < out_size ? need : out_size - 1] = '\0';
    return need;
}

void hcsms_write_segment(void (*sink)(void *context, const void *data, size_t len),
                         void *context, const char *task_id)
{
#if HCSMS_CONFIG_STRICT_TASK_ID
    /* Checked by hcsms_check_task_id (the callers' contract): unreserved
     * bytes only, nothing to encode: one piece, no second pass over it. */
    sink(context, task_id, strlen(task_id));
#else
    while (*task_id != '\0') {
        size_t run = 0;
        char piece[3];

        /* Runs of unreserved bytes go out in one piece (a UUID: one call). */
        while (is_unreserved((unsigned char)task_id[run])) /* never NUL */
            run++;
        if (run > 0) {
            sink(context, task_id, run);
            task_id += run;
            continue;
        }
        sink(context, piece, encode_byte((unsigned char)*task_id, piece));
        task_id++;
    }
#endif
}
