/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of the lwIP port share among themselves: not part of the
 * port contract (include/hcsms/port.h), not for anything outside port/lwip.
 * Every file of the port includes it first, so each one stops the build on
 * an lwIP the port cannot work with.
 */
#ifndef HCSMS_PORT_LWIP_PRIVATE_H
#define HCSMS_PORT_LWIP_PRIVATE_H

#include "lwip/opt.h"
#include "lwip/init.h"

/* Stop here, with the reason, rather than deep inside lwIP's headers or at
 * link time: these are what the port cannot work without. */
#if LWIP_VERSION < 0x02010000UL
#error "hcsms port/lwip needs lwIP 2.1.0 or newer: it waits with lwip_poll() and sends/receives with MSG_DONTWAIT"
#endif
#if NO_SYS
#error "hcsms port/lwip needs NO_SYS=0 in lwipopts.h: the socket API runs on an RTOS (tcpip thread, semaphores, mailboxes)"
#endif
#if !LWIP_SOCKET
#error "hcsms port/lwip needs LWIP_SOCKET=1 in lwipopts.h: it is written on lwIP's socket API"
#endif
#if !LWIP_TCP
#error "hcsms port/lwip needs LWIP_TCP=1 in lwipopts.h: HTTPS runs over TCP"
#endif
#if !LWIP_SOCKET_POLL
#error "hcsms port/lwip needs LWIP_SOCKET_POLL=1 in lwipopts.h: every wait (connect, send, recv) is lwip_poll() with the time left; LWIP_SOCKET_SELECT may be 0"
#endif
#if LWIP_DNS && !SYS_LIGHTWEIGHT_PROT
#error "hcsms port/lwip needs SYS_LIGHTWEIGHT_PROT=1 in lwipopts.h with LWIP_DNS=1: its name lookups hand their slots between the caller and lwIP's DNS callback under SYS_ARCH_PROTECT"
#endif

/* Name lookups in flight at once, abandoned ones included (a lookup whose
 * caller's time ran out keeps its slot until lwIP's DNS answers or gives
 * up). With every slot taken a lookup fails at once. Default: as many as
 * lwIP's DNS table can ask at once. Set with -D or in the hcsms
 * configuration file (HCSMS_CONFIG_FILE, read by hcsms/config.h). */
#include "hcsms/config.h"
#if LWIP_DNS && !defined(HCSMS_LWIP_RESOLVER_SLOTS)
#define HCSMS_LWIP_RESOLVER_SLOTS DNS_TABLE_SIZE
#endif
/* Not required, and what happens without them:
 *   LWIP_DNS=0:  no resolver; the host must be a numeric IPv4/IPv6 address
 *                (parsed with ipaddr_aton), a name fails with HCSMS_ERR_RESOLVE.
 *                Such a literal is also the certificate's expected name, so
 *                the server's certificate must carry it as an IP SAN.
 *   LWIP_IPV6=0: IPv6 literals and AAAA-only hosts fail with HCSMS_ERR_RESOLVE.
 *   LWIP_IPV4=0: the same for IPv4.
 * LWIP_SO_SNDTIMEO/LWIP_SO_RCVTIMEO are not used: timeouts come from poll. */

#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"
#include "lwip/sockets.h"

#include "hcsms/port.h"

/* Room for any socket address this lwIP can produce. */
typedef union peer_address {
    struct sockaddr generic;
#if LWIP_IPV4
    struct sockaddr_in ipv4;
#endif
#if LWIP_IPV6
    struct sockaddr_in6 ipv6;
#endif
} peer_address;

/* "a.b.c.d:port" or "[v6]:port" for traces, cut to fit like snprintf; out
 * may be NULL (or size 0): nothing is written. In
 * hcsms_port_lwip_address.c, like the two below. */
void hcsms_lwip_format_address(const peer_address *address, uint16_t port, char *out,
                               size_t size);

/* 1 with *address (port 0) if host is a numeric address, 0 if it is not (a
 * name would need the resolver). */
int hcsms_lwip_parse_numeric(const char *host, peer_address *address, socklen_t *length);

/* 1 with *address (port 0) for ip, 0 if ip is of a family this lwIP has
 * no socket address for. */
int hcsms_lwip_address_from_ip(const ip_addr_t *ip, peer_address *address, socklen_t *length);

#if LWIP_DNS
/* Look host up in one family (AF_UNSPEC: lwIP's default order, IPv4
 * first) by deadline into *address (port 0). Returns 0; HCSMS_ERR_RESOLVE
 * with lwIP's EAI_* code in os_error (EAI_FAIL: lwIP's DNS said no or gave
 * up; EAI_MEMORY: every slot, lwIP's DNS table or the tcpip mailbox was
 * full); or HCSMS_ERR_TIMEOUT with ETIMEDOUT when deadline passed first.
 * An optional lookup (the second family of a connect) takes a slot only
 * while another stays free: the lookups a deadline abandons hold their
 * slots until lwIP gives up (about 7 s a DNS server), and must not leave
 * the next connect's first lookup none, even for a name lwIP has cached.
 * In hcsms_port_lwip_resolve.c. */
int hcsms_lwip_resolve(hcsms_socket *sock, const char *host, int family, int optional,
                       uint64_t deadline, peer_address *address, socklen_t *length);
#endif

#endif /* HCSMS_PORT_LWIP_PRIVATE_H */
