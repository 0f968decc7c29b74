/* SPDX-License-Identifier: Apache-2.0 */
/* Basic authentication (RFC 7617) for the proxy: "user:password" in base64,
 * encoded three bytes at a time straight into the request writer, so the
 * credentials are never assembled in one buffer. */
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/platform_util.h>

#include "auth.h"

typedef struct basic_encoder {
    hcsms_http_writer *writer;
    unsigned char group[3];
    size_t used;
} basic_encoder;

static void encode_group(basic_encoder *encoder)
{
    unsigned char out[5];
    size_t written = 0;

    /* 1..3 bytes always fit 4 characters and a NUL: it cannot fail. */
    (void)mbedtls_base64_encode(out, sizeof(out), &written, encoder->group, encoder->used);
    hcsms_http_write(encoder->writer, out, written);
    mbedtls_platform_zeroize(out, sizeof(out));
    encoder->used = 0;
}

static void encode_text(basic_encoder *encoder, const char *text)
{
    for (; *text != '\0'; text++) {
        encoder->group[encoder->used++] = (unsigned char)*text;
        if (encoder->used == sizeof(encoder->group))
            encode_group(encoder);
    }
}

void hcsms_auth_write_basic(hcsms_http_writer *writer, const char *header, const char *user,
                            const char *password)
{
    basic_encoder encoder;

    encoder.writer = writer;
    encoder.used = 0;
    hcsms_http_write_string(writer, header);
    hcsms_http_write_string(writer, ": Basic ");
    encode_text(&encoder, user);
    encode_text(&encoder, ":");
    encode_text(&encoder, password != NULL ? password : "");
    if (encoder.used > 0)
        encode_group(&encoder);
    hcsms_http_write_string(writer, "\r\n");
    mbedtls_platform_zeroize(&encoder, sizeof(encoder));
}
