/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hcsms/port.h
 * @brief The platform port contract: what hcsms needs from the OS or network
 * stack.
 *
 * One port is linked into each build (port/posix, port/lwip, or a test fake):
 * it implements every function declared here, and hcsms calls them.
 *
 * @note All functions are called from the thread that runs the hcsms call;
 * none is called concurrently on the same socket.
 *
 * Return rules (the same for every port, tested with a fault-injecting fake):
 *   - send: the number of bytes written (> 0, may be fewer than asked: the
 *     caller sends the rest), 0 when the timeout passed with nothing written,
 *     or a negative HCSMS_ERR_* code.
 *   - recv: the number of bytes read (> 0), 0 when the timeout passed with
 *     nothing read, HCSMS_ERR_CLOSED when the peer closed the connection in
 *     order, or another negative HCSMS_ERR_* code. 0 NEVER means end of stream.
 *   - A timeout of 0 ms means "do not wait": report what is there now.
 *   - On errors the port stores the OS's own code (errno, lwIP err) in
 *     socket->os_error for the caller's diagnostics; after a failed name
 *     lookup, the resolver's EAI_* code (see hcsms_port_connect()).
 */
#ifndef HCSMS_PORT_H
#define HCSMS_PORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A connected stream socket as the port sees it. */
typedef struct hcsms_socket {
    int fd;        /**< the descriptor; -1 when closed */
    int os_error;  /**< the OS's code for the last failure, 0 if none */
} hcsms_socket;

/**
 * @brief Resolve host and connect to port, trying each address in turn until
 * one connects or timeout_ms runs out.
 *
 * timeout_ms covers the whole call, the name lookup included: a resolver
 * that never answers must not hold the call past it, and the connects get the
 * time the lookup leaves. On success the socket is set up for small writes
 * (TCP_NODELAY).
 *
 * @param[out] sock         hcsms's socket (inside the client) to connect:
 *                          fd set on success; os_error set as below.
 * @param[in]  host         A name, or an IPv4/IPv6 literal without brackets;
 *                          NUL-terminated, valid during the call only.
 * @param[in]  port         The TCP port.
 * @param[in]  timeout_ms   Limit of the whole call, lookup included.
 * @param[out] address_text If not NULL, the connected peer's address is
 *                          written there as text (at most address_size
 *                          bytes, NUL-terminated) for traces.
 * @param[in]  address_size Bytes at address_text.
 * @retval 0                 connected (os_error 0)
 * @retval HCSMS_ERR_RESOLVE the resolver says host has no address, or could
 *     not be asked. os_error is then the resolver's own code, never an errno:
 *     getaddrinfo's EAI_* on POSIX (for gai_strerror; glibc and musl make
 *     them negative, errno values are positive), lwIP's EAI_* (200..204) on
 *     lwIP; 0 when the port has no resolver (numeric hosts only).
 * @retval HCSMS_ERR_TIMEOUT timeout_ms ran out. os_error is ETIMEDOUT when a
 *     connect was waiting or the lookup left no time for one, and the
 *     resolver's EAI_AGAIN when the lookup itself had not ended (lwIP, which
 *     has no EAI_AGAIN: ETIMEDOUT then too).
 * @retval HCSMS_ERR_CONNECT no address connected; os_error is the errno of the
 *     last failure.
 *
 * @note Bounding the lookup: numeric hosts are parsed, never looked up. A
 * resolver call that blocks until it gives up by itself (POSIX getaddrinfo:
 * resolv.conf timeout x attempts x nameservers; lwIP's lwip_getaddrinfo and
 * netconn_gethostbyname: DNS_MAX_RETRIES rounds of DNS_TMR_INTERVAL ticks per
 * server, about 7 s per server with lwIP's defaults) must run where the
 * caller can stop waiting for it: on an RTOS, dns_gethostbyname() called in
 * the tcpip thread with a callback that posts a semaphore, waited for with
 * sys_arch_sem_wait(sem, time left). A lookup that is given up cannot be
 * cancelled and ends later: everything its thread or callback touches then
 * (the request, the answer) must belong to it, not to the caller's stack,
 * and be freed by it.
 *
 * @note port/posix starts one short-lived thread per name looked up (all signals
 * blocked in it; at most HCSMS_POSIX_RESOLVER_SLOTS = 4 at once, in static
 * storage: the port itself allocates nothing). It is joined when the answer
 * comes in time; when it does not, it is detached and finishes alone, alive
 * for up to the resolver's own timeouts after the call returned.
 * port/lwip asks lwIP's DNS client that way, from at most
 * HCSMS_LWIP_RESOLVER_SLOTS static request slots (default DNS_TABLE_SIZE),
 * abandoned lookups included: with every slot taken a lookup fails at once
 * (HCSMS_ERR_RESOLVE, EAI_MEMORY). Asking for both families, it gives the
 * second at most half the time left. See port/lwip/README.md.
 */
int hcsms_port_connect(hcsms_socket *sock, const char *host, uint16_t port,
                       uint32_t timeout_ms, char *address_text,
                       size_t address_size);

/**
 * @brief Send up to len bytes, waiting at most timeout_ms for the socket to
 * accept any.
 *
 * @param[in,out] sock       A socket hcsms_port_connect() connected;
 *                           os_error set on errors.
 * @param[in]     data       The bytes to send (hcsms's buffer, valid during
 *                           the call only).
 * @param[in]     len        Bytes at data.
 * @param[in]     timeout_ms Longest wait; 0: do not wait.
 * @return As described in the return rules (hcsms/port.h): the number of
 *         bytes written (> 0, may be fewer than len), 0 when the timeout
 *         passed with nothing written, or a negative HCSMS_ERR_* code.
 */
int hcsms_port_send(hcsms_socket *sock, const unsigned char *data, size_t len,
                    uint32_t timeout_ms);

/**
 * @brief Receive up to len bytes, waiting at most timeout_ms for any to
 * arrive.
 *
 * @param[in,out] sock       A socket hcsms_port_connect() connected;
 *                           os_error set on errors.
 * @param[out]    data       hcsms's buffer of len bytes for what arrives.
 * @param[in]     len        Bytes at data.
 * @param[in]     timeout_ms Longest wait; 0: do not wait.
 * @return As described in the return rules (hcsms/port.h): the number of
 *         bytes read (> 0), 0 when the timeout passed with nothing read (0
 *         NEVER means end of stream), or a negative HCSMS_ERR_* code.
 * @retval HCSMS_ERR_CLOSED the peer closed the connection in order
 */
int hcsms_port_recv(hcsms_socket *sock, unsigned char *data, size_t len,
                    uint32_t timeout_ms);

/**
 * @brief Close the socket if it is open; sets fd to -1. Safe to call twice.
 *
 * @param[in,out] sock The socket to close.
 */
void hcsms_port_close(hcsms_socket *sock);

/**
 * @brief Milliseconds from a monotonic clock (never steps back; the epoch is
 * arbitrary). Deadlines are computed from it.
 *
 * A port whose clock cannot be read returns UINT64_MAX: every deadline has
 * then passed, so a call ends at once with HCSMS_ERR_TIMEOUT. (A clock that
 * stood still instead would let a server that trickles bytes hold a call
 * for ever.)
 *
 * @return The clock's value in milliseconds, or UINT64_MAX if it failed.
 */
uint64_t hcsms_port_now_ms(void);

/**
 * @brief The deadline timeout_ms from now on hcsms_port_now_ms(), as hcsms
 * and its ports compute every deadline: 0, a time that has always passed,
 * when the clock cannot be read (or the sum would wrap), so that a clock
 * that works again later never makes it lie far ahead.
 *
 * @param[in] timeout_ms Milliseconds from now.
 * @return The deadline, or 0.
 */
static inline uint64_t hcsms_port_deadline_after(uint32_t timeout_ms)
{
    uint64_t now = hcsms_port_now_ms();

    return now >= UINT64_MAX - timeout_ms ? 0 : now + timeout_ms;
}

/**
 * @brief Milliseconds from now until deadline_ms (made by
 * hcsms_port_deadline_after()), 0 once it has passed, at most UINT32_MAX.
 *
 * @param[in] deadline_ms The deadline, on hcsms_port_now_ms()'s clock.
 * @return The time left.
 */
static inline uint32_t hcsms_port_time_left(uint64_t deadline_ms)
{
    uint64_t now = hcsms_port_now_ms();

    if (now >= deadline_ms)
        return 0;
    return deadline_ms - now > UINT32_MAX ? UINT32_MAX : (uint32_t)(deadline_ms - now);
}

/**
 * @brief The wall clock: seconds since 1970-01-01 UTC, for signing requests
 * with AK/SK (the service rejects signatures more than ~15 minutes off).
 *
 * Only AK/SK signing calls it.
 *
 * @param[out] seconds Where to write the time (hcsms's variable).
 * @retval 0               seconds holds the time
 * @retval HCSMS_ERR_CLOCK the device has no trustworthy time (never
 *                         synchronised)
 */
int hcsms_port_utc_seconds(int64_t *seconds);

/**
 * @brief Wait ms milliseconds (between retries).
 *
 * A port without a way to sleep may return at once; hcsms then retries
 * without waiting, still within its deadline.
 *
 * @param[in] ms How long to wait, in milliseconds.
 */
void hcsms_port_sleep_ms(uint32_t ms);

/**
 * @brief Fill out with len bytes from a cryptographically strong source.
 *
 * @param[out] out hcsms's buffer of len bytes to fill.
 * @param[in]  len Bytes to write at out.
 * @retval 0                 out is filled
 * @retval HCSMS_ERR_ENTROPY no strong source; there is no weak fallback
 */
int hcsms_port_entropy(unsigned char *out, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_PORT_H */
