/*
 * The lwIP port: lwIP's BSD-style socket API (lwip_* names, so it builds with
 * LWIP_COMPAT_SOCKETS=0), lwip_poll() for every wait, sys_now() for the
 * clock, and entropy from hcsms_port_lwip_entropy(), which the application
 * provides (see hcsms_port_lwip.h).
 *
 * lwIP reports socket errors through errno only (lwIP 2.1 keeps no error per
 * socket), so errno must be per thread when more than one thread uses
 * sockets: newlib with FreeRTOS's configUSE_NEWLIB_REENTRANT, or
 * LWIP_ERRNO_INCLUDE pointing at a per-task errno. See README.md.
 */
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
/* Not required, and what happens without them:
 *   LWIP_DNS=0:  no resolver; the host must be a numeric IPv4/IPv6 address
 *                (parsed with ipaddr_aton), a name fails with HCSMS_ERR_RESOLVE.
 *                Such a literal is also the certificate's expected name, so
 *                the server's certificate must carry it as an IP SAN.
 *   LWIP_IPV6=0: IPv6 literals and AAAA-only hosts fail with HCSMS_ERR_RESOLVE.
 *   LWIP_IPV4=0: the same for IPv4.
 * LWIP_SO_SNDTIMEO/LWIP_SO_RCVTIMEO are not used: timeouts come from poll. */

#include <limits.h>
#include <string.h>

#include "lwip/def.h"
#include "lwip/errno.h"
#include "lwip/inet.h"
#include "lwip/ip_addr.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#if LWIP_DNS
#include "lwip/netdb.h"
#endif

#include "hcsms/error.h"
#include "hcsms/port.h"
#include "hcsms_port_lwip.h"

/* Large enough for either family's text form and its NUL. */
#if LWIP_IPV6
#define ADDRESS_TEXT_MAX INET6_ADDRSTRLEN
#else
#define ADDRESS_TEXT_MAX INET_ADDRSTRLEN
#endif

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

uint64_t hcsms_port_now_ms(void)
{
    /* sys_now() is 32 bits and wraps after 49.7 days. Counting the wraps
     * here keeps the clock from stepping back, provided it is read at least
     * once per wrap period; a longer silence loses whole periods, which only
     * makes time since then look shorter, never negative. */
    static uint32_t last;
    static uint32_t wraps;
    uint32_t now;
    uint64_t result;
    SYS_ARCH_DECL_PROTECT(level);

    SYS_ARCH_PROTECT(level);
    now = sys_now();
    if (now < last)
        wraps++;
    last = now;
    result = ((uint64_t)wraps << 32) | now;
    SYS_ARCH_UNPROTECT(level);
    return result;
}

static uint32_t left_until(uint64_t deadline)
{
    uint64_t now = hcsms_port_now_ms();

    if (now >= deadline)
        return 0;
    return deadline - now > UINT32_MAX ? UINT32_MAX : (uint32_t)(deadline - now);
}

static uint64_t deadline_after(uint32_t timeout_ms)
{
    return hcsms_port_now_ms() + timeout_ms;
}

/* lwIP sets errno only on failure and never clears it, so clearing it first
 * keeps a stale value from being reported for a call that gave none. */
static int last_error(void)
{
    return errno != 0 ? errno : EIO;
}

static int would_block(int error)
{
    return error == EWOULDBLOCK || error == EAGAIN;
}

/* Wait until fd has one of events or deadline passes. lwip_poll may return
 * 0 early (woken by an event on the socket that is not the one asked for),
 * so only the clock decides that the time is up. Returns the revents, 0 on
 * timeout, or -1 with os_error set. */
static int wait_for(int fd, short events, uint64_t deadline, int *os_error)
{
    for (;;) {
        uint32_t left = left_until(deadline);
        struct pollfd pfd;
        int n;

        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        errno = 0;
        n = lwip_poll(&pfd, 1, left > (uint32_t)INT_MAX ? INT_MAX : (int)left);
        if (n > 0) {
            if (pfd.revents & POLLNVAL) {
                *os_error = EBADF;
                return -1;
            }
            return pfd.revents;
        }
        if (n < 0) {
            *os_error = last_error();
            return -1;
        }
        if (left == 0)
            return 0;
    }
}

/* After poll said "ready", the operation should not block. If it does (lwIP
 * can run out of pbufs while the send buffer has room, and then reports
 * ready again at once), yield for a tick instead of spinning: on an RTOS a
 * task that spins above the tcpip thread's priority would keep lwIP from
 * ever freeing what it waits for. */
static void back_off_if_spinning(int *ready_before)
{
    if (*ready_before) {
        sys_msleep(1);
        *ready_before = 0;
    }
}

static void put_text(char *out, size_t size, size_t *used, const char *text)
{
    while (*text != '\0' && *used + 1 < size)
        out[(*used)++] = *text++;
    out[*used] = '\0';
}

/* "a.b.c.d:port" or "[v6]:port" for traces, cut to fit like snprintf. */
static void format_address(const peer_address *address, uint16_t port, char *out,
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

/* Connect to one address with a non-blocking connect and a poll for the
 * result. Returns 0, HCSMS_ERR_CONNECT or HCSMS_ERR_TIMEOUT; on failure the
 * socket is closed and os_error holds lwIP's errno. */
static int connect_address(hcsms_socket *sock, peer_address *address, socklen_t length,
                           uint16_t port, uint64_t deadline, char *address_text,
                           size_t address_size)
{
    int fd, one = 1, so_error = 0, revents;
    socklen_t so_error_size = sizeof(so_error);

#if LWIP_IPV6
    if (address->generic.sa_family == AF_INET6)
        address->ipv6.sin6_port = lwip_htons(port);
#endif
#if LWIP_IPV4
    if (address->generic.sa_family == AF_INET)
        address->ipv4.sin_port = lwip_htons(port);
#endif
    errno = 0;
    fd = lwip_socket(address->generic.sa_family, SOCK_STREAM, IPPROTO_TCP);
    if (fd < 0) {
        sock->os_error = last_error();
        return HCSMS_ERR_CONNECT;
    }
    /* FIONBIO rather than fcntl(O_NONBLOCK): lwIP and the C library may
     * disagree on O_NONBLOCK's value, depending on which header came first. */
    errno = 0;
    if (lwip_ioctl(fd, (long)FIONBIO, &one) != 0) {
        sock->os_error = last_error();
        (void)lwip_close(fd);
        return HCSMS_ERR_CONNECT;
    }
    errno = 0;
    if (lwip_connect(fd, &address->generic, length) != 0) {
        if (errno != EINPROGRESS) {
            sock->os_error = last_error();
            (void)lwip_close(fd);
            return HCSMS_ERR_CONNECT;
        }
        revents = wait_for(fd, POLLOUT, deadline, &sock->os_error);
        if (revents == 0) {
            sock->os_error = ETIMEDOUT;
            (void)lwip_close(fd);
            return HCSMS_ERR_TIMEOUT;
        }
        /* A failed connect wakes poll too (lwIP signals every event on an
         * error); SO_ERROR tells the two apart, and lwIP clears it on read. */
        if (revents < 0 ||
            lwip_getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_error_size) != 0 ||
            so_error != 0) {
            if (revents >= 0)
                sock->os_error = so_error != 0 ? so_error : last_error();
            (void)lwip_close(fd);
            return HCSMS_ERR_CONNECT;
        }
    }
    /* Requests go out in a few writes; do not let Nagle hold the last one. */
    (void)lwip_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sock->fd = fd;
    sock->os_error = 0;
    format_address(address, port, address_text, address_size);
    return 0;
}

/* 1 if host is a numeric address (a name would need the resolver). */
static int parse_numeric(const char *host, peer_address *address, socklen_t *length)
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
static int resolve(hcsms_socket *sock, const char *host, int family, peer_address *address,
                   socklen_t *length)
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

int hcsms_port_connect(hcsms_socket *sock, const char *host, uint16_t port,
                       uint32_t timeout_ms, char *address_text,
                       size_t address_size)
{
    uint64_t deadline = deadline_after(timeout_ms);
    peer_address address[2];
    socklen_t length[2] = {0, 0};

    sock->fd = -1;
    sock->os_error = 0;
    if (host == NULL)
        return HCSMS_ERR_RESOLVE;
    if (parse_numeric(host, &address[0], &length[0]))
        return connect_address(sock, &address[0], length[0], port, deadline, address_text,
                               address_size);
#if LWIP_DNS
    {
        int count = 1, i, err, first_err = 0, first_os_error = 0;

        /* Not bounded by timeout_ms (port.h asks that it be): lwip_getaddrinfo
         * blocks until lwIP's DNS answers or gives up on its own schedule
         * (DNS_MAX_RETRIES rounds of DNS_TMR_INTERVAL ticks per server, about
         * 7 s per server with the defaults), and there are two lookups. A
         * bounded one: dns_gethostbyname_addrtype() in the tcpip thread, its
         * callback posting a semaphore waited for with the time left, the
         * request in storage the callback owns. See README.md. */
        err = resolve(sock, host, AF_UNSPEC, &address[0], &length[0]);
        if (err != 0)
            return err;
#if LWIP_IPV4 && LWIP_IPV6
        /* "Each resolved address": lwIP gives one per family (IPv4 first),
         * so ask for the other family too, as getaddrinfo does on POSIX. */
        if (resolve(sock, host, address[0].generic.sa_family == AF_INET ? AF_INET6 : AF_INET,
                    &address[1], &length[1]) == 0)
            count = 2;
        sock->os_error = 0;
#endif
        for (i = 0; i < count; i++) {
            uint32_t left = left_until(deadline);

            if (left == 0) {
                err = HCSMS_ERR_TIMEOUT;
                sock->os_error = ETIMEDOUT;
            } else {
                /* Share the time: an address that swallows SYNs (a dead
                 * IPv6 route) must not use up the time of the one after it. */
                err = connect_address(sock, &address[i], length[i], port,
                                      hcsms_port_now_ms() + left / (uint32_t)(count - i),
                                      address_text, address_size);
                if (err == 0)
                    return 0;
            }
            if (i == 0) {
                first_err = err;
                first_os_error = sock->os_error;
            }
            if (left == 0)
                break;
        }
        /* The preferred family's failure says more than the fallback's. */
        sock->os_error = first_os_error;
        return first_err;
    }
#else
    /* No resolver in this lwIP: only numeric addresses can work (os_error 0:
     * there is no resolver code, and an errno would not be one). */
    return HCSMS_ERR_RESOLVE;
#endif
}

int hcsms_port_send(hcsms_socket *sock, const unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    uint64_t deadline = deadline_after(timeout_ms);
    int ready_before = 0;

    if (sock->fd < 0)
        return HCSMS_ERR_SEND;
    if (len == 0)
        return 0;
    if (len > INT_MAX)
        len = INT_MAX;
    for (;;) {
        ssize_t n;
        int error, revents;

        errno = 0;
        /* MSG_DONTWAIT: a socket made elsewhere may be blocking; the wait
         * belongs to poll, which knows the time left. */
        n = lwip_send(sock->fd, data, len, MSG_DONTWAIT);
        if (n > 0)
            return (int)n;
        error = n < 0 ? last_error() : EWOULDBLOCK;
        if (!would_block(error)) {
            sock->os_error = error;
            /* ENOTCONN: lwIP's answer once a reset has torn the pcb down. */
            return (error == EPIPE || error == ECONNRESET || error == ENOTCONN)
                ? HCSMS_ERR_CLOSED : HCSMS_ERR_SEND;
        }
        if (left_until(deadline) == 0)
            return 0;
        back_off_if_spinning(&ready_before);
        revents = wait_for(sock->fd, POLLOUT, deadline, &sock->os_error);
        if (revents == 0)
            return 0;
        if (revents < 0)
            return HCSMS_ERR_SEND;
        ready_before = 1;
    }
}

int hcsms_port_recv(hcsms_socket *sock, unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    uint64_t deadline = deadline_after(timeout_ms);
    int ready_before = 0;

    if (sock->fd < 0)
        return HCSMS_ERR_RECV;
    if (len == 0)
        return 0;
    if (len > INT_MAX)
        len = INT_MAX;
    for (;;) {
        ssize_t n;
        int error, revents;

        errno = 0;
        n = lwip_recv(sock->fd, data, len, MSG_DONTWAIT);
        if (n > 0)
            return (int)n;
        if (n == 0)
            return HCSMS_ERR_CLOSED; /* the FIN, reported once by lwIP */
        error = last_error();
        if (!would_block(error)) {
            sock->os_error = error;
            /* lwIP reports the FIN as 0 only once; every later recv fails
             * with ENOTCONN, which is the same orderly close. */
            return (error == ECONNRESET || error == ENOTCONN) ? HCSMS_ERR_CLOSED
                                                               : HCSMS_ERR_RECV;
        }
        if (left_until(deadline) == 0)
            return 0;
        back_off_if_spinning(&ready_before);
        revents = wait_for(sock->fd, POLLIN, deadline, &sock->os_error);
        if (revents == 0)
            return 0;
        if (revents < 0)
            return HCSMS_ERR_RECV;
        ready_before = 1;
    }
}

void hcsms_port_close(hcsms_socket *sock)
{
    if (sock->fd >= 0) {
        (void)lwip_close(sock->fd);
        sock->fd = -1;
    }
}

void hcsms_port_sleep_ms(uint32_t ms)
{
    sys_msleep(ms); /* lwIP's OS layer: a task delay under an RTOS */
}

int hcsms_port_utc_seconds(int64_t *seconds)
{
    int64_t now = 0;

    if (seconds == NULL || hcsms_port_lwip_utc_time(&now) != 0 || now < 1577836800)
        return HCSMS_ERR_CLOCK; /* unset, or before 2020: never synchronised */
    *seconds = now;
    return 0;
}

int hcsms_port_entropy(unsigned char *out, size_t len)
{
    if (len == 0)
        return 0;
    if (out == NULL)
        return HCSMS_ERR_ENTROPY;
    return hcsms_port_lwip_entropy(out, len) == 0 ? 0 : HCSMS_ERR_ENTROPY;
}
