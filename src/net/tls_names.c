/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a server certificate must name, for mbedTLS's verify callback: the
 * host name rules hcsms adds to mbedTLS's own check (hcsms_tls_name_matches),
 * IP literals matched against iPAddress SANs only (hcsms_tls_parse_ip), and
 * the SNI. Part of the TLS object (tls.c).
 */
#include <string.h>

#include <mbedtls/oid.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls_internal.h"

static int same_text_nocase(const char *a, const char *b, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + ('a' - 'A'));
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + ('a' - 'A'));
        if (x != y)
            return 0;
    }
    return 1;
}

/* "example.com." is the same name as "example.com". */
static size_t without_root_dot(const char *name, size_t len)
{
    return len > 1 && name[len - 1] == '.' ? len - 1 : len;
}

/* Dot-separated labels, none empty; no '*' and no NUL (a NUL inside a
 * certificate's name is the old trick to make "good.com\0.evil.com" look
 * like good.com). */
static int plain_labels(const char *name, size_t len)
{
    size_t i, label = 0;

    for (i = 0; i < len; i++) {
        if (name[i] == '\0' || name[i] == '*')
            return 0;
        if (name[i] != '.')
            label++;
        else if (label == 0)
            return 0;
        else
            label = 0;
    }
    return label > 0;
}

int hcsms_tls_name_matches(const char *pattern, size_t pattern_len, const char *host)
{
    size_t host_len;

    if (pattern == NULL || host == NULL)
        return 0;
    host_len = without_root_dot(host, strlen(host));
    pattern_len = without_root_dot(pattern, pattern_len);
    if (!plain_labels(host, host_len))
        return 0;
    if (pattern_len > 2 && pattern[0] == '*' && pattern[1] == '.') {
        /* "*." and at least two labels: "*.com" covers no one's name. The
         * '*' stands for exactly one whole, non-empty label of host. */
        const char *base = pattern + 2, *dot = memchr(host, '.', host_len);
        size_t base_len = pattern_len - 2;

        if (!plain_labels(base, base_len) || memchr(base, '.', base_len) == NULL ||
            dot == NULL || dot == host)
            return 0;
        host_len -= (size_t)(dot + 1 - host);
        return host_len == base_len && same_text_nocase(dot + 1, base, base_len);
    }
    return plain_labels(pattern, pattern_len) && pattern_len == host_len &&
           same_text_nocase(pattern, host, host_len);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Dotted-quad IPv4, as inet_pton takes it: four parts 0..255, no leading
 * zeros (a resolver may read "010" as octal: that is not an IP literal
 * here, so it is checked, and fails, as a name). */
static int parse_ipv4(const char *text, size_t len, unsigned char out[4])
{
    size_t i, parts = 0, digits = 0;
    unsigned part = 0;

    for (i = 0; i <= len; i++) {
        if (i == len || text[i] == '.') {
            if (digits == 0 || parts == 4)
                return 0;
            out[parts++] = (unsigned char)part;
            part = 0;
            digits = 0;
        } else if (text[i] >= '0' && text[i] <= '9' && !(digits == 1 && part == 0)) {
            part = part * 10 + (unsigned)(text[i] - '0');
            if (++digits > 3 || part > 255)
                return 0;
        } else {
            return 0;
        }
    }
    return parts == 4;
}

/* RFC 4291 text: up to eight groups of 1..4 hex digits, one "::" for a run
 * of zero groups, and an IPv4 dotted quad for the last 32 bits. */
static int parse_ipv6(const char *text, size_t len, unsigned char out[16])
{
    size_t i = 0, groups = 0, gap = 16;

    memset(out, 0, 16);
    if (len >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        i = 2;
    } else if (len >= 1 && text[0] == ':') {
        return 0;
    }
    while (i < len) {
        size_t start = i;
        unsigned value = 0;
        int h;

        while (i < len && i - start < 5 && (h = hex_value(text[i])) >= 0) {
            value = value << 4 | (unsigned)h;
            i++;
        }
        if (i < len && text[i] == '.') {
            /* the last 32 bits as IPv4 */
            if (groups > 6 || !parse_ipv4(text + start, len - start, out + groups * 2))
                return 0;
            groups += 2;
            break;
        }
        if (i == start || i - start > 4 || groups == 8)
            return 0;
        out[groups * 2] = (unsigned char)(value >> 8);
        out[groups * 2 + 1] = (unsigned char)value;
        groups++;
        if (i == len)
            break;
        if (text[i] != ':' || ++i == len)
            return 0; /* a trailing single ':' */
        if (text[i] == ':') {
            if (gap != 16)
                return 0; /* a second "::" */
            gap = groups;
            if (++i == len)
                break;
        }
    }
    if (gap == 16)
        return groups == 8;
    if (groups > 7)
        return 0; /* "::" must stand for at least one group */
    memmove(out + 16 - (groups - gap) * 2, out + gap * 2, (groups - gap) * 2);
    memset(out + gap * 2, 0, (8 - groups) * 2);
    return 1;
}

size_t hcsms_tls_parse_ip(const char *text, unsigned char out[16])
{
    size_t len = strlen(text);

    if (memchr(text, ':', len) != NULL)
        return parse_ipv6(text, len, out) ? 16 : 0;
    return parse_ipv4(text, len, out) ? 4 : 0;
}

#define SAN_DNS_NAME (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)  /* dNSName [2] */
#define SAN_IP_ADDRESS (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) /* iPAddress [7] */


/* Our rules: an IP only in an iPAddress SAN; a name in the dNSName SANs,
 * or when there is none, in the subject's CN. */
static int certificate_names(const mbedtls_x509_crt *crt, const hcsms_tls_expected_name *want)
{
    const mbedtls_x509_sequence *san;
    const mbedtls_x509_name *name;
    int have_dns_name = 0;

    for (san = &crt->subject_alt_names; san != NULL; san = san->next) {
        if (san->buf.p == NULL)
            continue; /* the empty list of a certificate without SANs */
        if (san->buf.tag == SAN_DNS_NAME) {
            have_dns_name = 1;
            if (want->ip_len == 0 &&
                hcsms_tls_name_matches((const char *)san->buf.p, san->buf.len, want->host))
                return 1;
        } else if (san->buf.tag == SAN_IP_ADDRESS && want->ip_len != 0 &&
                   san->buf.len == want->ip_len &&
                   memcmp(san->buf.p, want->ip, want->ip_len) == 0) {
            return 1;
        }
    }
    if (want->ip_len != 0 || have_dns_name)
        return 0;
    for (name = &crt->subject; name != NULL; name = name->next) {
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &name->oid) == 0 &&
            hcsms_tls_name_matches((const char *)name->val.p, name->val.len, want->host))
            return 1;
    }
    return 0;
}

/* mbedTLS's verify callback, called for each certificate of the chain after
 * mbedTLS's own checks: it can only add failures. Outside a handshake the
 * context is NULL and every certificate fails. */
int hcsms_tls_verify_names(void *context, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    hcsms_tls_expected_name *want = context;

    if (depth == 0 && (want == NULL || !certificate_names(crt, want)))
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
#if HCSMS_TLS_RESUME
    /* A session resumed later carries this check's decision: no longer
     * than the chain it trusted (tls_session_blob.c). */
    if (want != NULL) {
        const mbedtls_x509_time *t = &crt->valid_to;
        int64_t not_after = hcsms_utc_from_civil(t->year, t->mon, t->day, t->hour, t->min, t->sec);

        if (!want->checked || not_after < want->not_after)
            want->not_after = not_after;
        want->checked = 1;
    }
#endif
    return 0;
}

/* Tell mbedTLS and hcsms_tls_verify_names what the certificate must name. A host
 * name is also the SNI, without its trailing dot (RFC 6066). An IP literal
 * must not be sent as SNI (RFC 6066 again), but mbedTLS sends whatever
 * mbedtls_ssl_set_hostname() gets (2.28 and 3.6 alike) and 2.28 would only
 * compare the text with the DNS names and CN: so mbedTLS gets NULL (3.6:
 * "checked by the caller") and hcsms_tls_verify_names alone matches the address
 * against the certificate's iPAddress SANs, on every mbedTLS version. */
int hcsms_tls_expect_name(hcsms_tls *tls, const char *server_name, char *copy, size_t copy_size,
                          hcsms_tls_expected_name *want)
{
    size_t len = server_name != NULL ? strlen(server_name) : 0;

    memset(want, 0, sizeof(*want));
    if (len == 0)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    want->ip_len = hcsms_tls_parse_ip(server_name, want->ip);
    if (want->ip_len == 0 && memchr(server_name, ':', len) != NULL)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA; /* neither a name nor an address */
    if (want->ip_len != 0)
        return mbedtls_ssl_set_hostname(&tls->ssl, NULL);
    len = without_root_dot(server_name, len);
    if (len >= copy_size)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    memcpy(copy, server_name, len);
    copy[len] = '\0';
    want->host = copy;
    return mbedtls_ssl_set_hostname(&tls->ssl, copy);
}
