/*
 * The platform port contract: what hcsms needs from the OS or network stack.
 *
 * One port is linked into each build (port/posix, port/lwip, or a test fake).
 * All functions are called from the thread that runs the hcsms call; none is
 * called concurrently on the same socket.
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
 *     socket->os_error for the caller's diagnostics.
 */
#ifndef HCSMS_PORT_H
#define HCSMS_PORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A connected stream socket as the port sees it. */
typedef struct hcsms_socket {
    int fd;        /* the descriptor; -1 when closed */
    int os_error;  /* the OS's code for the last failure, 0 if none */
} hcsms_socket;

/* Resolve host (a name, or an IPv4/IPv6 literal without brackets) and connect
 * to port, trying each address in turn until one connects or timeout_ms runs
 * out. Returns 0, or HCSMS_ERR_RESOLVE, HCSMS_ERR_CONNECT, HCSMS_ERR_TIMEOUT.
 * On success the socket is set up for small writes (TCP_NODELAY). If
 * address_text is not NULL, the connected peer's address is written there as
 * text (at most address_size bytes, NUL-terminated) for traces. */
int hcsms_port_connect(hcsms_socket *sock, const char *host, uint16_t port,
                       uint32_t timeout_ms, char *address_text,
                       size_t address_size);

/* Send up to len bytes, waiting at most timeout_ms for the socket to accept
 * any. Returns as described above. */
int hcsms_port_send(hcsms_socket *sock, const unsigned char *data, size_t len,
                    uint32_t timeout_ms);

/* Receive up to len bytes, waiting at most timeout_ms for any to arrive.
 * Returns as described above. */
int hcsms_port_recv(hcsms_socket *sock, unsigned char *data, size_t len,
                    uint32_t timeout_ms);

/* Close the socket if it is open; sets fd to -1. Safe to call twice. */
void hcsms_port_close(hcsms_socket *sock);

/* Milliseconds from a monotonic clock (never steps back; the epoch is
 * arbitrary). Deadlines are computed from it. */
uint64_t hcsms_port_now_ms(void);

/* The wall clock: seconds since 1970-01-01 UTC, for signing requests with
 * AK/SK (the service rejects signatures more than ~15 minutes off). Returns
 * 0, or HCSMS_ERR_CLOCK when the device has no trustworthy time (never
 * synchronised). Only AK/SK signing calls it. */
int hcsms_port_utc_seconds(int64_t *seconds);

/* Wait ms milliseconds (between retries). A port without a way to sleep may
 * return at once; hcsms then retries without waiting, still within its
 * deadline. */
void hcsms_port_sleep_ms(uint32_t ms);

/* Fill out with len bytes from a cryptographically strong source. Returns 0,
 * or HCSMS_ERR_ENTROPY; there is no weak fallback. */
int hcsms_port_entropy(unsigned char *out, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_PORT_H */
