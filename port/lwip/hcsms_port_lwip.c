/* SPDX-License-Identifier: Apache-2.0 */
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
 *
 * This file: connect, send, recv and close. The others in port/lwip: numeric
 * addresses and the peer's name for traces (hcsms_port_lwip_address.c),
 * name lookups bounded by the caller's time (hcsms_port_lwip_resolve.c),
 * the clocks and sleep (hcsms_port_lwip_clock.c),
 * entropy (hcsms_port_lwip_entropy.c); what they share, and the checks that
 * stop a build on an lwIP the port cannot work with, in
 * hcsms_port_lwip_private.h.
 */
#include "hcsms_port_lwip_private.h"

#include <limits.h>

#include "lwip/errno.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"

#include "hcsms/error.h"
#include "hcsms/port.h"

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
        uint32_t left = hcsms_port_time_left(deadline);
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
    hcsms_lwip_format_address(address, port, address_text, address_size);
    return 0;
}

int hcsms_port_connect(hcsms_socket *sock, const char *host, uint16_t port,
                       uint32_t timeout_ms, char *address_text,
                       size_t address_size)
{
    uint64_t deadline = hcsms_port_deadline_after(timeout_ms);
    peer_address address[2];
    socklen_t length[2] = {0, 0};

    sock->fd = -1;
    sock->os_error = 0;
    if (host == NULL)
        return HCSMS_ERR_RESOLVE;
    if (hcsms_lwip_parse_numeric(host, &address[0], &length[0]))
        return connect_address(sock, &address[0], length[0], port, deadline, address_text,
                               address_size);
#if LWIP_DNS
    {
        int count = 1, i, err, first_err = 0, first_os_error = 0;

        /* The lookups count against timeout_ms like the connects: they
         * wait for lwIP's DNS only as long as the caller's time lasts. */
        err = hcsms_lwip_resolve(sock, host, AF_UNSPEC, 0, deadline, &address[0], &length[0]);
        if (err != 0)
            return err;
#if LWIP_IPV4 && LWIP_IPV6
        {
            /* "Each resolved address": lwIP gives one per family (IPv4
             * first), so ask for the other family too, as getaddrinfo does
             * on POSIX; with at most half the time left, so that a family
             * the DNS servers never answer cannot use up the deadline the
             * first address needs for its connect. */
            uint32_t half = hcsms_port_time_left(deadline) / 2u;

            if (half > 0 &&
                hcsms_lwip_resolve(sock, host,
                                   address[0].generic.sa_family == AF_INET ? AF_INET6 : AF_INET,
                                   1, hcsms_port_deadline_after(half), &address[1], &length[1]) == 0)
                count = 2;
            sock->os_error = 0;
        }
#endif
        for (i = 0; i < count; i++) {
            uint32_t left = hcsms_port_time_left(deadline);

            if (left == 0) {
                err = HCSMS_ERR_TIMEOUT;
                sock->os_error = ETIMEDOUT;
            } else {
                /* Share the time: an address that swallows SYNs (a dead
                 * IPv6 route) must not use up the time of the one after it. */
                err = connect_address(sock, &address[i], length[i], port,
                                      hcsms_port_deadline_after(left / (uint32_t)(count - i)),
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
    uint64_t deadline = hcsms_port_deadline_after(timeout_ms);
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
        if (hcsms_port_time_left(deadline) == 0)
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
    uint64_t deadline = hcsms_port_deadline_after(timeout_ms);
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
        if (hcsms_port_time_left(deadline) == 0)
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
