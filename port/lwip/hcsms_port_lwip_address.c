/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's addresses: numeric hosts parsed with ipaddr_aton, lwIP's
 * addresses as socket addresses, and the peer's address as text for traces.
 * hcsms_port_lwip.c connects to what these (and the lookups of
 * hcsms_port_lwip_resolve.c) give.
 */
#include "hcsms_port_lwip_private.h"

#include <string.h>

#include "lwip/def.h"
#include "lwip/inet.h"
#include "lwip/ip_addr.h"
#include "lwip/sockets.h"

#include "hcsms/error.h"
#include "hcsms/port.h"

/* Large enough for either family's text form and its NUL. */
#if LWIP_IPV6
#define ADDRESS_TEXT_MAX INET6_ADDRSTRLEN
#else
#define ADDRESS_TEXT_MAX INET_ADDRSTRLEN
#endif

static void put_text(char *out, size_t size, size_t *used, const char *text)
{
    while (*text != '\0' && *used + 1 < size)
        out[(*used)++] = *text++;
    out[*used] = '\0';
}

/* "a.b.c.d:port" or "[v6]:port" for traces, cut to fit like snprintf. */
void hcsms_lwip_format_address(const peer_address *address, uint16_t port, char *out,
                               size_t size)
{
    char ip[ADDRESS_TEXT_MAX] = "?";
    char digits[6];
    size_t used = 0, n = sizeof(digits) - 1;
    int ipv6 = 0;

    if (out == NULL || size == 0)
        return;
#if LWIP_IPV6
    if (address->generic.sa_family == AF_INET6) {
        ipv6 = 1;
        (void)lwip_inet_ntop(AF_INET6, &address->ipv6.sin6_addr, ip, sizeof(ip));
    }
#endif
#if LWIP_IPV4
    if (address->generic.sa_family == AF_INET)
        (void)lwip_inet_ntop(AF_INET, &address->ipv4.sin_addr, ip, sizeof(ip));
#endif
    digits[n] = '\0';
    do {
        digits[--n] = (char)('0' + port % 10u);
        port = (uint16_t)(port / 10u);
    } while (port != 0);

    out[0] = '\0';
    put_text(out, size, &used, ipv6 ? "[" : "");
    put_text(out, size, &used, ip);
    put_text(out, size, &used, ipv6 ? "]:" : ":");
    put_text(out, size, &used, digits + n);
}

/* 1 if host is a numeric address (a name would need the resolver). */
int hcsms_lwip_parse_numeric(const char *host, peer_address *address, socklen_t *length)
{
    ip_addr_t ip;

    return ipaddr_aton(host, &ip) && hcsms_lwip_address_from_ip(&ip, address, length);
}

/* 1 with *address (port 0) for ip, 0 for a family without a socket address. */
int hcsms_lwip_address_from_ip(const ip_addr_t *ip, peer_address *address, socklen_t *length)
{
    memset(address, 0, sizeof(*address));
#if LWIP_IPV6
    if (IP_IS_V6(ip)) {
        address->ipv6.sin6_len = sizeof(address->ipv6);
        address->ipv6.sin6_family = AF_INET6;
        inet6_addr_from_ip6addr(&address->ipv6.sin6_addr, ip_2_ip6(ip));
        *length = sizeof(address->ipv6);
        return 1;
    }
#endif
#if LWIP_IPV4
    address->ipv4.sin_len = sizeof(address->ipv4);
    address->ipv4.sin_family = AF_INET;
    inet_addr_from_ip4addr(&address->ipv4.sin_addr, ip_2_ip4(ip));
    *length = sizeof(address->ipv4);
    return 1;
#else
    return 0;
#endif
}
