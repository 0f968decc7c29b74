/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the tests of the POSIX port share (tests/unit/test_port_posix_*.c):
 * the fault injection through wrapped system calls (port_posix_faults.c) and
 * the fixtures, a socket pair, a loopback listener and a forked child
 * (port_posix_fixtures.c). The Makefile links both into every
 * test_port_posix_* binary, with PORT_TEST_WRAPS.
 *
 * Include it first, after defining _GNU_SOURCE (getrandom, SOCK_CLOEXEC).
 */
#ifndef HCSMS_TEST_PORT_POSIX_H
#define HCSMS_TEST_PORT_POSIX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hcsms/config.h"
#include "hcsms/error.h"
#include "hcsms/port.h"

/* The port's defaults (port/posix/hcsms_port_posix_resolve.c); a build that
 * changes them with -D changes them here too. */
#ifndef HCSMS_POSIX_RESOLVER_THREAD
#define HCSMS_POSIX_RESOLVER_THREAD 1
#endif
#ifndef HCSMS_POSIX_RESOLVER_SLOTS
#define HCSMS_POSIX_RESOLVER_SLOTS 4
#endif

#define SLOTS HCSMS_POSIX_RESOLVER_SLOTS

/* ---- Fault injection -------------------------------------------------------
 *
 * Linked with the Makefile's PORT_TEST_WRAPS (-Wl,--wrap=NAME for each NAME
 * below), every call to NAME from the port and from the tests goes to
 * __wrap_NAME, which calls the real function (__real_NAME) unless a test has
 * armed a fault for it. libc's calls to itself are never wrapped. Built
 * without those flags, __real_NAME is a weak undefined symbol (NULL), the
 * port calls libc directly and the tests that need a wrap skip themselves.
 *
 * Faults are armed and struck on the test's own thread; only the gate that
 * holds name lookups (a resolver that does not answer) is shared with the
 * port's helper threads, under its own lock. Every test's teardown disarms
 * everything and opens the gate. */

/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define WEAK __attribute__((weak))
extern ssize_t __real_getrandom(void *buffer, size_t length, unsigned int flags) WEAK;
extern int __real_open(const char *path, int flags, ...) WEAK;
extern ssize_t __real_read(int fd, void *buffer, size_t length) WEAK;
extern int __real_close(int fd) WEAK;
extern int __real_clock_gettime(clockid_t clock, struct timespec *now) WEAK;
extern int __real_nanosleep(const struct timespec *want, struct timespec *left) WEAK;
extern int __real_poll(struct pollfd *fds, nfds_t count, int timeout_ms) WEAK;
extern int __real_socket(int domain, int type, int protocol) WEAK;
extern int __real_fcntl(int fd, int command, ...) WEAK;
extern int __real_connect(int fd, const struct sockaddr *address, socklen_t length) WEAK;
extern ssize_t __real_send(int fd, const void *data, size_t length, int flags) WEAK;
extern ssize_t __real_recv(int fd, void *data, size_t length, int flags) WEAK;
extern int __real_getaddrinfo(const char *host, const char *service,
                              const struct addrinfo *hints, struct addrinfo **list) WEAK;
extern int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attributes,
                                 void *(*run)(void *), void *argument) WEAK;
extern int __real_pthread_condattr_init(pthread_condattr_t *attributes) WEAK;
extern int __real_pthread_condattr_setclock(pthread_condattr_t *attributes, clockid_t clock) WEAK;

ssize_t __wrap_getrandom(void *buffer, size_t length, unsigned int flags);
int __wrap_open(const char *path, int flags, ...);
ssize_t __wrap_read(int fd, void *buffer, size_t length);
int __wrap_close(int fd);
int __wrap_clock_gettime(clockid_t clock, struct timespec *now);
int __wrap_nanosleep(const struct timespec *want, struct timespec *left);
int __wrap_poll(struct pollfd *fds, nfds_t count, int timeout_ms);
int __wrap_socket(int domain, int type, int protocol);
int __wrap_fcntl(int fd, int command, ...);
int __wrap_connect(int fd, const struct sockaddr *address, socklen_t length);
ssize_t __wrap_send(int fd, const void *data, size_t length, int flags);
ssize_t __wrap_recv(int fd, void *data, size_t length, int flags);
int __wrap_getaddrinfo(const char *host, const char *service,
                       const struct addrinfo *hints, struct addrinfo **list);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attributes,
                          void *(*run)(void *), void *argument);
int __wrap_pthread_condattr_init(pthread_condattr_t *attributes);
int __wrap_pthread_condattr_setclock(pthread_condattr_t *attributes, clockid_t clock);
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

/* A test that injects into NAME skips when the binary was linked without
 * -Wl,--wrap=NAME. */
#define WRAPPED(name) (__real_##name != NULL)
#define REQUIRE_WRAP(name)                                                             \
    do {                                                                               \
        if (!WRAPPED(name)) {                                                          \
            print_message("built without -Wl,--wrap=" #name " (PORT_TEST_WRAPS): skipped\n"); \
            skip();                                                                    \
        }                                                                              \
    } while (0)

/* One function's fault: let `pass` calls through, then fail `fail` calls
 * with `error` (an errno, or the return code of a pthread function). */
typedef struct fault {
    int pass;
    int fail;
    int error;
    int calls; /* calls seen since the last disarm */
} fault;

typedef struct injected_faults {
    fault getrandom, open, read, realtime, monotonic, nanosleep, poll, socket, fcntl,
        connect, send, recv, thread, condattr_init, condattr_setclock;
    size_t getrandom_max;    /* non-zero: getrandom gives at most this many bytes a call */
    size_t read_max;         /* the same for read */
    int fcntl_command;       /* the fcntl command the fcntl fault applies to */
    int connect_after_real;  /* connect for real, then report the fault's error
                              * (a connect interrupted, or still pending) */
    int fake_sleep;          /* nanosleep records what it was asked and returns */
    struct timespec sleep_left; /* what an interrupted nanosleep says is left */
    int fake_realtime_set;
    time_t fake_realtime;    /* CLOCK_REALTIME reads this */
    const char *recv_fake;   /* recv returns this text without reading */
    unsigned lookup_delay_ms; /* getaddrinfo takes this long first */
    int poll_fails_after_ms;  /* a failing poll waits this long first (at
                               * most its timeout): a signal that comes late */
} injected_faults;
extern injected_faults faults;

/* What the wrapped calls were asked, for the tests to check. */
typedef struct seen_calls {
    char open_path[64];
    int open_fd, socket_fd, closed_fd;
    size_t read_asked[8];
    size_t recv_asked;
    int poll_timeout[8];
    struct timespec sleep_asked[4];
} seen_calls;
extern seen_calls seen;

/* Arm f: let `pass` calls through, then fail `fail` calls with `error`. */
void arm(fault *f, int pass, int fail, int error);

/* Disarm every fault, forget what was seen and open the gate (for name
 * lookups: see port_posix_faults.c); disarm() is that as a cmocka teardown. */
void disarm_faults(void);
int disarm(void **state);

/* The monotonic clock, never through a fault: the tests' own stopwatch
 * (no cmocka assertion: forked children use it too). */
uint64_t stopwatch_ms(void);

/* Close (1) or open (0) the gate that holds name lookups in getaddrinfo. */
void set_gate(int closed);

/* Waits (at most ms) until `count` lookups are held at the gate; returns how
 * many are. */
int lookups_at_gate(int count, uint32_t ms);

/* In a forked child: the gate's lock and condition are copies of the
 * parent's; start them afresh, the gate open and nobody waiting. */
void reset_gate_after_fork(void);

/* A name no resolver can ask about: its first label is longer than DNS
 * allows (63), so the lookup fails before any query, network or not. */
#define UNASKABLE_NAME "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.invalid"

/* setup()/teardown(): sock (the port's socket) on pair[0], the peer on pair[1]. */
extern int pair[2];
extern hcsms_socket sock;
int setup(void **state);
int teardown(void **state);

/* A listening TCP socket on 127.0.0.1 (backlog 64) and its port. */
int loopback_listener(uint16_t *port);

/* Runs body in a forked child and returns its exit code (0: success), or
 * 128 + the signal that ended it (a child that hangs is ended by its own
 * alarm: 128 + SIGALRM). The child uses no cmocka assertion (a failure
 * there would jump back into the parent's test runner, in the child). It
 * ends with exit(), not _exit(), so that a coverage build writes the
 * child's counters too. */
int in_child(int (*body)(uint16_t), uint16_t port);

#if HCSMS_POSIX_RESOLVER_THREAD
/* Close the gate and abandon lookups until every slot holds one that waits
 * there, as a resolver that swallows every query leaves them. */
void occupy_every_lookup_slot(uint16_t port);
#endif

#endif /* HCSMS_TEST_PORT_POSIX_H */
