/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port: BSD sockets, poll(2) for every wait, CLOCK_MONOTONIC, and
 * getrandom(2) or /dev/urandom. Used on Linux targets and by the host tests.
 * Host names are resolved on a helper thread so that the lookup, too, ends
 * with the caller's timeout (hcsms_port_posix_resolve.c).
 *
 * This file: connect, send, recv and close. The others in port/posix: name
 * resolution (hcsms_port_posix_resolve.c), the clocks and sleep
 * (hcsms_port_posix_clock.c), entropy (hcsms_port_posix_entropy.c).
 */
/* A feature-test macro, reserved by design: getaddrinfo, SOCK_CLOEXEC. */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "hcsms/error.h"
#include "hcsms/port.h"
#include "hcsms_port_posix_private.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SO_NOSIGPIPE is set on the socket instead */
#endif
/* Sockets from hcsms_port_connect are non-blocking already; MSG_DONTWAIT
 * keeps a wait from ever escaping poll's time limit on any other socket. */
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0
#endif

/* Wait for events on fd until deadline (monotonic ms), restarting after
 * signals with the time that is left. Returns the revents (0 on timeout) or -1. */
static int wait_for(int fd, short events, uint64_t deadline, int *os_error)
{
    struct pollfd pfd;

    for (;;) {
        uint32_t left = hcsms_port_time_left(deadline);
        int n;

        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        n = poll(&pfd, 1, left > (uint32_t)0x7fffffff ? 0x7fffffff : (int)left);
        if (n > 0)
            return pfd.revents;
        if (n == 0)
            return 0;
        if (errno != EINTR) {
            *os_error = errno;
            return -1;
        }
    }
}

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Start a non-blocking connect and wait for it. Returns 0, or the error and
 * the OS code. */
static int connect_one(hcsms_socket *sock, const struct addrinfo *ai, uint64_t deadline)
{
    int fd, one = 1, so_error = 0, revents;
    socklen_t len = sizeof(so_error);

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        sock->os_error = errno;
        return HCSMS_ERR_CONNECT;
    }
#ifdef SO_NOSIGPIPE
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
    if (set_nonblocking(fd) != 0) {
        sock->os_error = errno;
        close(fd);
        return HCSMS_ERR_CONNECT;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS && errno != EINTR) {
            sock->os_error = errno;
            close(fd);
            return HCSMS_ERR_CONNECT;
        }
        revents = wait_for(fd, POLLOUT, deadline, &sock->os_error);
        if (revents == 0) {
            sock->os_error = ETIMEDOUT;
            close(fd);
            return HCSMS_ERR_TIMEOUT;
        }
        if (revents < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 ||
            so_error != 0) {
            sock->os_error = revents < 0 ? sock->os_error : (so_error ? so_error : errno);
            close(fd);
            return HCSMS_ERR_CONNECT;
        }
    }
    /* Requests go out in a few writes; do not let Nagle hold the last one. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sock->fd = fd;
    sock->os_error = 0;
    return 0;
}

int hcsms_port_connect(hcsms_socket *sock, const char *host, uint16_t port,
                       uint32_t timeout_ms, char *address_text,
                       size_t address_size)
{
    uint64_t deadline = hcsms_port_deadline_after(timeout_ms);
    struct addrinfo *list = NULL, *ai;
    char service[8];
    int err;
    unsigned remaining = 0;

    sock->fd = -1;
    sock->os_error = 0;
    snprintf(service, sizeof(service), "%u", (unsigned)port);
    /* The lookup's time counts: the connects get what it leaves. */
    err = hcsms_posix_resolve(sock, host, service, deadline, &list);
    if (err != 0)
        return err;
    err = HCSMS_ERR_CONNECT;
    for (ai = list; ai != NULL; ai = ai->ai_next)
        remaining++;
    for (ai = list; ai != NULL; ai = ai->ai_next, remaining--) {
        uint32_t left = hcsms_port_time_left(deadline);
        if (left == 0) {
            if (sock->os_error == 0)
                sock->os_error = ETIMEDOUT; /* the lookup left no time */
            err = HCSMS_ERR_TIMEOUT;
            break;
        }
        /* Share the time out: an address that swallows SYNs (a dead IPv6
         * route) must not use up the time of the ones after it. */
        err = connect_one(sock, ai, hcsms_port_deadline_after(left / remaining));
        if (err == 0) {
            if (address_text != NULL && address_size > 0) {
                char ip[INET6_ADDRSTRLEN] = "?";
                const void *addr = ai->ai_family == AF_INET6
                    ? (const void *)&((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr
                    : (const void *)&((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr;
                (void)inet_ntop(ai->ai_family, addr, ip, sizeof(ip));
                snprintf(address_text, address_size, ai->ai_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
                         ip, (unsigned)port);
            }
            break;
        }
    }
    freeaddrinfo(list);
    return err;
}

/* The deadline of a send or receive that has to wait: the clock is read
 * at the first wait only, so a call whose bytes move at once reads none
 * (the clock was read about five times a task, measured). */
static uint64_t deadline_at_wait(uint64_t *deadline, uint32_t timeout_ms)
{
    if (*deadline == 0) /* never 0 then: port.h's deadlines are below UINT64_MAX */
        *deadline = hcsms_port_deadline_after(timeout_ms) + 1u;
    return *deadline - 1u;
}

int hcsms_port_send(hcsms_socket *sock, const unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    uint64_t deadline = 0; /* 0: not read yet */

    if (sock->fd < 0)
        return HCSMS_ERR_SEND;
    for (;;) {
        ssize_t n = send(sock->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        int revents;

        if (n >= 0)
            return n > 0x7fffffff ? 0x7fffffff : (int)n;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            sock->os_error = errno;
            return (errno == EPIPE || errno == ECONNRESET) ? HCSMS_ERR_CLOSED : HCSMS_ERR_SEND;
        }
        revents = wait_for(sock->fd, POLLOUT, deadline_at_wait(&deadline, timeout_ms),
                           &sock->os_error);
        if (revents == 0)
            return 0;
        if (revents < 0)
            return HCSMS_ERR_SEND;
    }
}

int hcsms_port_recv(hcsms_socket *sock, unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    uint64_t deadline = 0; /* 0: not read yet */

    if (sock->fd < 0)
        return HCSMS_ERR_RECV;
    if (len > 0x7fffffff)
        len = 0x7fffffff;
    for (;;) {
        ssize_t n = recv(sock->fd, data, len, MSG_DONTWAIT);
        int revents;

        if (n > 0)
            return (int)n;
        if (n == 0)
            return len == 0 ? 0 : HCSMS_ERR_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            sock->os_error = errno;
            return errno == ECONNRESET ? HCSMS_ERR_CLOSED : HCSMS_ERR_RECV;
        }
        if (timeout_ms == 0)
            return 0; /* "do not wait": nothing is there now (no poll needed) */
        revents = wait_for(sock->fd, POLLIN, deadline_at_wait(&deadline, timeout_ms),
                           &sock->os_error);
        if (revents == 0)
            return 0;
        if (revents < 0)
            return HCSMS_ERR_RECV;
    }
}

void hcsms_port_close(hcsms_socket *sock)
{
    if (sock->fd >= 0) {
        close(sock->fd);
        sock->fd = -1;
    }
}
