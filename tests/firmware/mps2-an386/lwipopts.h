/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP options for the mps2-an386 test board: a small Ethernet device
 * (Cortex-M4, 128 KB RAM budget) that makes one HTTPS connection at a time. What the
 * hcsms lwIP port needs is marked "port"; the rest is kept small.
 */
#ifndef HCSMS_MPS2_LWIPOPTS_H
#define HCSMS_MPS2_LWIPOPTS_H

/* ---- OS and APIs ---------------------------------------------------------- */
#define NO_SYS                      0   /* port: sockets need the RTOS layer */
#define LWIP_SOCKET                 1   /* port */
#define LWIP_NETCONN                1   /* the socket API is built on it */
#define LWIP_COMPAT_SOCKETS         0   /* port uses lwip_* names only */
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_POLL            1   /* port: every wait is lwip_poll() */
#define LWIP_SOCKET_SELECT          0   /* not used by the port: saves flash */
#define LWIP_TCPIP_CORE_LOCKING     1
#define LWIP_NETIF_API              0
#define LWIP_ERRNO_STDINCLUDE       1   /* newlib's errno (per task with reent) */

/* ---- Protocols ------------------------------------------------------------ */
#define LWIP_IPV4                   1
#define LWIP_IPV6                   1
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_TCP                    1   /* port */
#define LWIP_UDP                    1   /* DNS */
#define LWIP_DNS                    1   /* port: names, not only numeric hosts */
#define LWIP_RAW                    0
#define LWIP_IGMP                   0
#define LWIP_DHCP                   0   /* a real device would likely want it */
#define LWIP_AUTOIP                 0
#define LWIP_IPV6_DHCP6             0
#define LWIP_IPV6_MLD               1   /* needed for ND on most networks */
#define LWIP_IPV6_AUTOCONFIG        1
#define LWIP_IPV6_NUM_ADDRESSES     3
#define IP_REASSEMBLY               0
#define IP_FRAG                     0
#define LWIP_IPV6_REASS             0
#define LWIP_IPV6_FRAG              0

/* ---- Memory: one TLS connection, a DNS lookup, a little slack ------------- */
#define MEM_ALIGNMENT               4
#define MEM_SIZE                    (10 * 1024)
#define MEMP_NUM_PBUF               8
#define MEMP_NUM_RAW_PCB            0
#define MEMP_NUM_UDP_PCB            2
#define MEMP_NUM_TCP_PCB            3
#define MEMP_NUM_TCP_PCB_LISTEN     1
#define MEMP_NUM_TCP_SEG            12
#define MEMP_NUM_NETBUF             4
#define MEMP_NUM_NETCONN            4
#define MEMP_NUM_NETDB              1
#define MEMP_NUM_SYS_TIMEOUT        (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)
#define PBUF_POOL_SIZE              8
#define TCP_MSS                     1460
#define TCP_WND                     (4 * TCP_MSS)
#define TCP_SND_BUF                 (2 * TCP_MSS)
#define TCP_SND_QUEUELEN            ((4 * TCP_SND_BUF) / TCP_MSS)
#define DNS_TABLE_SIZE              2
#define DNS_MAX_NAME_LENGTH         256
#define DNS_MAX_SERVERS             2

/* ---- Threads and mailboxes ------------------------------------------------- */
#define TCPIP_THREAD_NAME           "tcpip"
#define TCPIP_THREAD_STACKSIZE      4096
#define TCPIP_THREAD_PRIO           3
#define TCPIP_MBOX_SIZE             8
#define DEFAULT_TCP_RECVMBOX_SIZE   8
#define DEFAULT_UDP_RECVMBOX_SIZE   4
#define DEFAULT_ACCEPTMBOX_SIZE     2
#define DEFAULT_THREAD_STACKSIZE    1024

/* ---- Release build: no statistics, no debug output, no asserts ------------ */
#define LWIP_STATS                  0
#define LWIP_NOASSERT               1
/* LWIP_DEBUG stays undefined: lwIP tests it with #ifdef, so even 0 enables it. */
#define LWIP_CHECKSUM_ON_COPY       1

#endif /* HCSMS_MPS2_LWIPOPTS_H */
