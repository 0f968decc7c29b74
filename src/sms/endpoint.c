/* SPDX-License-Identifier: Apache-2.0 */
/* Endpoints, regions and proxies: everything the user types that ends up
 * in the Host header or picks the host to connect to is checked here first
 * (task ids: task_id.c). */
#include <string.h>

#include "sms.h"

static const struct {
    const char *region;
    const char *host;
} regions[] = {
    {"ap-southeast-3", "sms.ap-southeast-3.myhuaweicloud.com"},
    {"cn-north-4", "sms.cn-north-4.myhuaweicloud.com"},
    {"ap-southeast-1", "sms.ap-southeast-1.myhuaweicloud.com"},
    {"my-kualalumpur-1", "sms.my-kualalumpur-1.myhuaweicloud.com"},
    {"ru-moscow-1", "sms-api.ru-moscow-1.myhuaweicloud.com"},
};

const char *hcsms_region_host(const char *region)
{
    size_t i;

    if (region == NULL)
        return NULL;
    for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        if (strcmp(regions[i].region, region) == 0)
            return regions[i].host;
    }
    return NULL;
}

int hcsms_iam_endpoint(const char *region, char *out, size_t out_size)
{
    static const char prefix[] = "https://iam.", suffix[] = ".myhuaweicloud.com";
    size_t len;

    if (out != NULL && out_size > 0)
        out[0] = '\0';
    if (hcsms_region_host(region) == NULL)
        return HCSMS_ERR_UNKNOWN_REGION;
    len = strlen(region);
    if (out == NULL || sizeof(prefix) - 1 + len + sizeof(suffix) > out_size)
        return HCSMS_ERR_BUFFER_TOO_SMALL;
    memcpy(out, prefix, sizeof(prefix) - 1);
    memcpy(out + sizeof(prefix) - 1, region, len);
    memcpy(out + sizeof(prefix) - 1 + len, suffix, sizeof(suffix));
    return HCSMS_OK;
}

static int same_letter(char a, char b)
{
    unsigned char x = (unsigned char)a, y = (unsigned char)b;

    if (x >= 'A' && x <= 'Z')
        x = (unsigned char)(x + ('a' - 'A'));
    if (y >= 'A' && y <= 'Z')
        y = (unsigned char)(y + ('a' - 'A'));
    return x == y;
}

static int starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++) {
        if (!same_letter(*s, *prefix))
            return 0;
    }
    return 1;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.';
}

static int is_ipv6_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
           c == ':' || c == '.';
}

/* "host[:port][/]" after the scheme: a name or a bracketed IPv6 literal. */
static int parse_authority(const char *p, char *host, size_t host_size, uint16_t *port,
                           uint8_t *is_ipv6, unsigned long value)
{
    const char *start;
    size_t len;

    *is_ipv6 = 0;
    if (*p == '[') {
        start = ++p;
        while (is_ipv6_char(*p))
            p++;
        len = (size_t)(p - start);
        if (*p != ']' || len < 2 || memchr(start, ':', len) == NULL)
            return HCSMS_ERR_INVALID_ENDPOINT;
        p++;
        *is_ipv6 = 1;
    } else {
        start = p;
        while (is_name_char(*p))
            p++;
        len = (size_t)(p - start);
        if (len == 0 || start[0] == '.' || start[0] == '-' || start[len - 1] == '-')
            return HCSMS_ERR_INVALID_ENDPOINT;
    }
    if (len >= host_size || len > HCSMS_HOST_MAX)
        return HCSMS_ERR_INVALID_ENDPOINT;
    if (!*is_ipv6) {
        size_t i;
        for (i = 0; i + 1 < len; i++) {
            if (start[i] == '.' && start[i + 1] == '.')
                return HCSMS_ERR_INVALID_ENDPOINT;
        }
    }
    if (*p == ':') {
        const char *digits = ++p;
        value = 0;
        while (*p >= '0' && *p <= '9' && p - digits < 6)
            value = value * 10 + (unsigned long)(*p++ - '0');
        if (p == digits || p - digits > 5 || value == 0 || value > 65535)
            return HCSMS_ERR_INVALID_ENDPOINT;
    }
    if (*p == '/')
        p++;
    if (*p != '\0')
        return HCSMS_ERR_INVALID_ENDPOINT; /* a path, query, user info, ... */
    memcpy(host, start, len);
    host[len] = '\0';
    *port = (uint16_t)value;
    return HCSMS_OK;
}

int hcsms_endpoint_parse(const char *url, char *host, size_t host_size,
                         uint16_t *port, uint8_t *is_ipv6)
{
    if (url == NULL || host == NULL || host_size == 0)
        return HCSMS_ERR_INVALID_ENDPOINT;
    host[0] = '\0';
    if (starts_with_nocase(url, "http://"))
        return HCSMS_ERR_INSECURE_ENDPOINT;
    if (!starts_with_nocase(url, "https://"))
        return HCSMS_ERR_INVALID_ENDPOINT;
    return parse_authority(url + 8, host, host_size, port, is_ipv6, 443);
}

int hcsms_proxy_parse(const char *url, char *host, size_t host_size, uint16_t *port,
                      uint8_t *is_ipv6)
{
    /* Only http:// proxies: the tunnel carries TLS end to end, so the proxy
     * never sees the token. User info belongs in the credential fields. */
    if (url == NULL || host == NULL || host_size == 0 || !starts_with_nocase(url, "http://"))
        return HCSMS_ERR_INVALID_PROXY;
    host[0] = '\0';
    return parse_authority(url + 7, host, host_size, port, is_ipv6, 1080) == HCSMS_OK
               ? HCSMS_OK
               : HCSMS_ERR_INVALID_PROXY;
}

int hcsms_url_host(const char *url, char *host, size_t host_size)
{
    uint16_t port;
    uint8_t is_ipv6;

    if (hcsms_proxy_parse(url, host, host_size, &port, &is_ipv6) == HCSMS_OK)
        return HCSMS_OK;
    return hcsms_endpoint_parse(url, host, host_size, &port, &is_ipv6) == HCSMS_OK
               ? HCSMS_OK
               : HCSMS_ERR_INVALID_ENDPOINT;
}

static int proxy_credential_ok(const char *text, size_t min, int colon_allowed)
{
    size_t i;

    for (i = 0; text[i] != '\0'; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i >= HCSMS_PROXY_USER_MAX || c < 0x20 || c == 0x7f || (c == ':' && !colon_allowed))
            return 0;
    }
    return i >= min;
}

int hcsms_check_proxy(const char *proxy, const char *username, const char *password)
{
    char host[HCSMS_HOST_MAX + 1];
    uint16_t port;
    uint8_t is_ipv6;

    if (hcsms_proxy_parse(proxy, host, sizeof(host), &port, &is_ipv6) != HCSMS_OK)
        return HCSMS_ERR_INVALID_PROXY;
    return hcsms_check_proxy_credentials(username, password);
}

int hcsms_check_proxy_credentials(const char *username, const char *password)
{
    if (username == NULL)
        return password == NULL ? HCSMS_OK : HCSMS_ERR_INVALID_PROXY;
    /* RFC 7617: the user id cannot hold ':'; the password can. */
    if (!proxy_credential_ok(username, 1, 0) ||
        (password != NULL && !proxy_credential_ok(password, 0, 1)))
        return HCSMS_ERR_INVALID_PROXY;
    return HCSMS_OK;
}

/* An IPv4 address in dotted-quad form (exactly four decimal parts), into
 * *out; len bytes of text. */
static int parse_ipv4(const char *text, size_t len, uint32_t *out)
{
    uint32_t value = 0;
    unsigned parts = 0, part = 0, digits = 0;
    size_t i;

    for (i = 0; i <= len; i++) {
        if (i == len || text[i] == '.') {
            if (digits == 0 || part > 255 || ++parts > 4)
                return 0;
            value = value << 8 | part;
            part = digits = 0;
        } else if (text[i] >= '0' && text[i] <= '9' && digits < 3) {
            part = part * 10 + (unsigned)(text[i] - '0');
            digits++;
        } else {
            return 0;
        }
    }
    *out = value;
    return parts == 4;
}

static int is_ip_literal(const char *host, size_t len, uint32_t *ipv4)
{
    return parse_ipv4(host, len, ipv4) || memchr(host, ':', len) != NULL;
}

/* Does entry (len bytes) name host or a domain above it? An IP address
 * matches only itself, or an IPv4 entry "a.b.c.d/bits" its range. */
static int no_proxy_entry_matches(const char *entry, size_t len, const char *host)
{
    size_t host_len = strlen(host), i;
    uint32_t host_ip = 0, entry_ip;
    const char *slash;

    while (host_len > 0 && host[host_len - 1] == '.')
        host_len--; /* "example.com." is example.com */
    if (len > 0 && entry[0] == '[') {
        /* "[::1]" or "[::1]:port" */
        const char *close = memchr(entry, ']', len);
        if (close == NULL)
            return 0;
        entry++;
        len = (size_t)(close - entry);
    } else {
        const char *colon = memchr(entry, ':', len);
        /* One ':' is a port; more make an IPv6 literal without brackets. */
        if (colon != NULL && memchr(colon + 1, ':', len - (size_t)(colon + 1 - entry)) == NULL)
            len = (size_t)(colon - entry);
    }
    slash = memchr(entry, '/', len);
    if (is_ip_literal(host, host_len, &host_ip)) {
        if (slash != NULL) {
            /* IPv4 CIDR; IPv6 ranges are not matched. */
            unsigned bits = 0;
            size_t k;
            for (k = (size_t)(slash + 1 - entry); k < len && bits <= 32; k++) {
                if (entry[k] < '0' || entry[k] > '9')
                    return 0;
                bits = bits * 10 + (unsigned)(entry[k] - '0');
            }
            if (k == (size_t)(slash + 1 - entry) || bits > 32 ||
                !parse_ipv4(entry, (size_t)(slash - entry), &entry_ip) ||
                !parse_ipv4(host, host_len, &host_ip))
                return 0;
            return bits == 0 || ((entry_ip ^ host_ip) >> (32 - bits)) == 0;
        }
        if (len != host_len)
            return 0;
        for (i = 0; i < len; i++) {
            if (!same_letter(entry[i], host[i]))
                return 0;
        }
        return 1;
    }
    if (slash != NULL)
        return 0; /* a range never matches a name */
    if (len > 0 && entry[0] == '.') {
        entry++;
        len--;
    }
    while (len > 0 && entry[len - 1] == '.')
        len--;
    if (len == 0 || len > host_len)
        return 0;
    for (i = 0; i < len; i++) {
        if (!same_letter(entry[i], host[host_len - len + i]))
            return 0;
    }
    return len == host_len || host[host_len - len - 1] == '.';
}

int hcsms_no_proxy_match(const char *no_proxy, const char *host)
{
    const char *p = no_proxy;

    if (no_proxy == NULL || host == NULL || host[0] == '\0')
        return 0;
    while (*p != '\0') {
        size_t len;

        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        len = strcspn(p, ", \t");
        if (len == 1 && p[0] == '*')
            return 1;
        if (len > 0 && no_proxy_entry_matches(p, len, host))
            return 1;
        p += len;
    }
    return 0;
}
