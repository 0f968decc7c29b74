/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AK/SK request signing, "SDK-HMAC-SHA256" (Huawei Cloud's API gateway, as
 * the official SDKs do it).
 *
 *   canonical request = METHOD \n canonical URI (ends with /) \n query \n
 *                       name:value\n ... \n signed;names \n hex(SHA-256(body))
 *   string to sign    = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(SHA-256(canonical))
 *   signature         = hex(HMAC-SHA256(SK, string to sign))
 *
 * The canonical request is hashed as it is produced, so the signer needs no
 * buffer for it, whatever the length of the path or the headers.
 */
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>

#include "auth.h"

#if HCSMS_CONFIG_AKSK

static const char algorithm[] = "SDK-HMAC-SHA256";

static void to_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

void hcsms_aksk_update(void *signer, const void *data, size_t len)
{
    hcsms_aksk_signer *s = signer;

    if (s->error == 0 && len > 0) {
        if (mbedtls_md_update(&s->md, data, len) != 0)
            s->error = HCSMS_ERR_CRYPTO;
        s->last = ((const unsigned char *)data)[len - 1];
    }
}

static void update_string(hcsms_aksk_signer *s, const char *text)
{
    hcsms_aksk_update(s, text, strlen(text));
}

int hcsms_aksk_begin(hcsms_aksk_signer *s, const char *method)
{
    memset(s, 0, sizeof(*s));
    mbedtls_md_init(&s->md);
    if (mbedtls_md_setup(&s->md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 0) != 0 ||
        mbedtls_md_starts(&s->md) != 0) {
        mbedtls_md_free(&s->md);
        s->error = HCSMS_ERR_CRYPTO;
        return s->error;
    }
    s->started = 1;
    update_string(s, method);
    update_string(s, "\n");
    return s->error;
}

static int sha256_hex(const unsigned char *data, size_t len, char hex[65])
{
    unsigned char digest[32];

    if (mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), data, len, digest) != 0)
        return HCSMS_ERR_CRYPTO;
    to_hex(digest, sizeof(digest), hex);
    return 0;
}

int hcsms_aksk_finish(hcsms_aksk_signer *s, const char *query,
                      const hcsms_signed_header *headers, size_t count,
                      const unsigned char *body, size_t body_len, const char *sdk_date,
                      const char *secret_key, size_t secret_key_len, char signature[65])
{
    unsigned char digest[32];
    char hex[65];
    size_t i;
    int rc;

    signature[0] = '\0';
    if (!s->started)
        return HCSMS_ERR_CRYPTO;
    /* The canonical URI always ends with a slash; the request line does not. */
    if (s->last != '/')
        update_string(s, "/");
    update_string(s, "\n");
    update_string(s, query != NULL ? query : "");
    update_string(s, "\n");
    for (i = 0; i < count; i++) {
        update_string(s, headers[i].name);
        update_string(s, ":");
        update_string(s, headers[i].value);
        update_string(s, "\n");
    }
    update_string(s, "\n");
    for (i = 0; i < count; i++) {
        if (i > 0)
            update_string(s, ";");
        update_string(s, headers[i].name);
    }
    update_string(s, "\n");
    if ((rc = sha256_hex(body, body_len, hex)) != 0) {
        hcsms_aksk_abort(s);
        return rc;
    }
    update_string(s, hex);
    if (s->error == 0 && mbedtls_md_finish(&s->md, digest) != 0)
        s->error = HCSMS_ERR_CRYPTO;
    mbedtls_md_free(&s->md);
    s->started = 0;
    if (s->error != 0)
        return s->error;
    to_hex(digest, sizeof(digest), hex);

    /* HMAC over the string to sign, fed in its three pieces. */
    mbedtls_md_init(&s->md);
    rc = mbedtls_md_setup(&s->md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
    if (rc == 0)
        rc = mbedtls_md_hmac_starts(&s->md, (const unsigned char *)secret_key, secret_key_len);
    if (rc == 0)
        rc = mbedtls_md_hmac_update(&s->md, (const unsigned char *)algorithm, sizeof(algorithm) - 1);
    if (rc == 0)
        rc = mbedtls_md_hmac_update(&s->md, (const unsigned char *)"\n", 1);
    if (rc == 0)
        rc = mbedtls_md_hmac_update(&s->md, (const unsigned char *)sdk_date, strlen(sdk_date));
    if (rc == 0)
        rc = mbedtls_md_hmac_update(&s->md, (const unsigned char *)"\n", 1);
    if (rc == 0)
        rc = mbedtls_md_hmac_update(&s->md, (const unsigned char *)hex, 64);
    if (rc == 0)
        rc = mbedtls_md_hmac_finish(&s->md, digest);
    mbedtls_md_free(&s->md); /* frees (and wipes) the HMAC key pads */
    if (rc != 0)
        return HCSMS_ERR_CRYPTO;
    to_hex(digest, sizeof(digest), signature);
    mbedtls_platform_zeroize(digest, sizeof(digest));
    return 0;
}

void hcsms_aksk_abort(hcsms_aksk_signer *s)
{
    if (s->started)
        mbedtls_md_free(&s->md);
    s->started = 0;
}

int hcsms_sdk_date(int64_t seconds, char out[17])
{
    /* Civil date from days since 1970-01-01 (H. Hinnant's algorithm): no
     * gmtime(), which small C libraries may lack or make thread-unsafe. */
    int64_t days = seconds / 86400, rest = seconds % 86400, era, doe, yoe, doy, mp, y, m, d;
    int i;
    int64_t parts[6];

    if (seconds < 0 || seconds > 253402300799LL) /* 9999-12-31T23:59:59Z */
        return HCSMS_ERR_CLOCK;
    days += 719468;
    era = days / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    parts[0] = y;
    parts[1] = m;
    parts[2] = d;
    parts[3] = rest / 3600;
    parts[4] = rest / 60 % 60;
    parts[5] = rest % 60;
    /* YYYYMMDDTHHMMSSZ */
    out[0] = (char)('0' + parts[0] / 1000);
    out[1] = (char)('0' + parts[0] / 100 % 10);
    out[2] = (char)('0' + parts[0] / 10 % 10);
    out[3] = (char)('0' + parts[0] % 10);
    for (i = 1; i < 6; i++) {
        char *p = out + 4 + 2 * (size_t)(i - 1) + (i >= 3 ? 1 : 0);
        p[0] = (char)('0' + parts[i] / 10);
        p[1] = (char)('0' + parts[i] % 10);
    }
    out[8] = 'T';
    out[15] = 'Z';
    out[16] = '\0';
    return 0;
}

#endif /* HCSMS_CONFIG_AKSK */
