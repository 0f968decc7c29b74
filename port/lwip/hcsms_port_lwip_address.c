/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's addresses: numeric hosts parsed with ipaddr_aton, names
 * looked up with lwip_getaddrinfo (when LWIP_DNS), and the peer's address as
 * text for traces. hcsms_port_lwip.c connects to what these give.
 */
#include "hcsms_port_lwip_private.h"

#include <string.h>

#include "lwip/def.h"
#include "lwip/inet.h"
#include "lwip/ip_addr.h"
#include "lwip/sockets.h"
#if LWIP_DNS
#include "lwip/netdb.h"
#endif

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

    if (!ipaddr_aton(host, &ip))
        return 0;
    memset(address, 0, sizeof(*address));
#if LWIP_IPV6
    if (IP_IS_V6(&ip)) {
        address->ipv6.sin6_len = sizeof(address->ipv6);
        address->ipv6.sin6_family = AF_INET6;
        inet6_addr_from_ip6addr(&address->ipv6.sin6_addr, ip_2_ip6(&ip));
        *length = sizeof(address->ipv6);
        return 1;
    }
#endif
#if LWIP_IPV4
    address->ipv4.sin_len = sizeof(address->ipv4);
    address->ipv4.sin_family = AF_INET;
    inet_addr_from_ip4addr(&address->ipv4.sin_addr, ip_2_ip4(&ip));
    *length = sizeof(address->ipv4);
    return 1;
#else
    return 0;
#endif
}

#if LWIP_DNS
/* Resolve host in one family (AF_UNSPEC: lwIP's default order). lwIP's
 * resolver answers one address per lookup, so one is all there is. */
int hcsms_lwip_resolve(hcsms_socket *sock, const char *host, int family,
                       peer_address *address, socklen_t *length)
{
    struct addrinfo hints, *list = NULL;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    /* No service text: lwIP parses it with atoi; the port is set directly. */
    rc = lwip_getaddrinfo(host, NULL, &hints, &list);
    if (rc != 0 || list == NULL) {
        sock->os_error = rc != 0 ? rc : EAI_FAIL;
        return HCSMS_ERR_RESOLVE;
    }
    *length = list->ai_addrlen < sizeof(*address) ? list->ai_addrlen : sizeof(*address);
    memset(address, 0, sizeof(*address));
    memcpy(address, list->ai_addr, *length);
    lwip_freeaddrinfo(list);
    return 0;
}
#endif
