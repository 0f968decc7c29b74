/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP options for the host test of port/lwip (port-test): lwIP 2.1.3 in a
 * Linux process on Debian's pthread OS layer, talking to itself over its
 * loopback interface, plus a "black hole" interface that swallows packets
 * (for connect timeouts). The port's requirements are as on the device.
 */
#ifndef HCSMS_PORT_TEST_LWIPOPTS_H
#define HCSMS_PORT_TEST_LWIPOPTS_H

#define NO_SYS                      0
#define LWIP_SOCKET                 1
#define LWIP_NETCONN                1
#define LWIP_COMPAT_SOCKETS         0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_POLL            1
#define LWIP_SOCKET_SELECT          0
/* The port asks lwIP's DNS under the core lock, or without it in the tcpip
 * thread: the Makefile's port-test runs the test both ways
 * (-DLWIP_TCPIP_CORE_LOCKING=0 for the second). */
#ifndef LWIP_TCPIP_CORE_LOCKING
#define LWIP_TCPIP_CORE_LOCKING     1
#endif
#if LWIP_TCPIP_CORE_LOCKING
#define LOCK_TCPIP_CORE()           sys_lock_tcpip_core()
#define UNLOCK_TCPIP_CORE()         sys_unlock_tcpip_core()
void sys_lock_tcpip_core(void);
void sys_unlock_tcpip_core(void);
#endif
#define LWIP_ASSERT_CORE_LOCKED()   sys_check_core_locking()
#define LWIP_MARK_TCPIP_THREAD()    sys_mark_tcpip_thread()
void sys_check_core_locking(void);
void sys_mark_tcpip_thread(void);

#define LWIP_IPV4                   1
#define LWIP_IPV6                   1
#define LWIP_TCP                    1
#define LWIP_UDP                    1
#define LWIP_DNS                    1
/* lwIP's DNS client and port_test_dns.c's DNS server (a random source port
 * per query, DNS_TABLE_SIZE 4 of them, and the server's). */
#define MEMP_NUM_UDP_PCB            8
#define LWIP_RAW                    0
#define LWIP_ARP                    0
#define LWIP_ETHERNET               0
#define LWIP_IPV6_MLD               0
#define LWIP_IPV6_AUTOCONFIG        0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 0
#define LWIP_NETIF_LOOPBACK         1
#define LWIP_HAVE_LOOPIF            1
#define LWIP_LOOPBACK_MAX_PBUFS     0

/* Names without a DNS server (port_test_dns.c runs one for its own names). "dual.test" and "blackhole.test" have both
 * families, IPv4 first, for the port's use of the second address: the IPv4
 * one of dual.test refuses, that of blackhole.test swallows SYNs. */
#define DNS_LOCAL_HOSTLIST          1
#define DNS_LOCAL_HOSTLIST_INIT { \
    DNS_LOCAL_HOSTLIST_ELEM("localhost", IPADDR4_INIT_BYTES(127, 0, 0, 1)), \
    DNS_LOCAL_HOSTLIST_ELEM("dual.test", IPADDR4_INIT_BYTES(127, 0, 0, 1)), \
    DNS_LOCAL_HOSTLIST_ELEM("dual.test", IPADDR6_INIT_HOST(0, 0, 0, 1)), \
    DNS_LOCAL_HOSTLIST_ELEM("blackhole.test", IPADDR4_INIT_BYTES(10, 9, 9, 2)), \
    DNS_LOCAL_HOSTLIST_ELEM("blackhole.test", IPADDR6_INIT_HOST(0, 0, 0, 1)) }

/* A small send buffer so that "the peer reads nothing" fills it quickly. */
#define TCP_MSS                     536
#define TCP_WND                     (4 * TCP_MSS)
#define TCP_SND_BUF                 (4 * TCP_MSS)
#define TCP_SND_QUEUELEN            (4 * TCP_SND_BUF / TCP_MSS)
#define MEM_SIZE                    (256 * 1024)
#define MEMP_NUM_NETCONN            32
#define MEMP_NUM_TCP_PCB            32
#define MEMP_NUM_TCP_SEG            64
#define MEMP_NUM_NETBUF             16
#define PBUF_POOL_SIZE              64
#define MEM_ALIGNMENT               8
#define TCPIP_MBOX_SIZE             64
#define DEFAULT_TCP_RECVMBOX_SIZE   32
#define DEFAULT_UDP_RECVMBOX_SIZE   8
#define DEFAULT_ACCEPTMBOX_SIZE     8
#define LWIP_STATS                  0
#define LWIP_SO_LINGER              1

#endif /* HCSMS_PORT_TEST_LWIPOPTS_H */
