/*
 * The POSIX port on real sockets: the return rules of the port contract
 * (0 = timed out, never end of stream; the peer's close as its own code),
 * partial sends, waits restarted after signals, connect failures, names
 * resolved on the helper thread (and lookups abandoned at the timeout).
 *
 * The failures a healthy host never shows (no getrandom, a failing poll, no
 * thread for a lookup, a resolver that never answers, fork) are injected by
 * wrapping the system calls the port makes: see "Fault injection" below.
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

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

/* The port's defaults (port/posix/hcsms_port_posix.c); a build that changes
 * them with -D changes them here too. */
#ifndef HCSMS_POSIX_RESOLVER_THREAD
#define HCSMS_POSIX_RESOLVER_THREAD 1
#endif
#ifndef HCSMS_POSIX_RESOLVER_SLOTS
#define HCSMS_POSIX_RESOLVER_SLOTS 4
#endif

/* ---- Fault injection -------------------------------------------------------
 *
 * Linked with the Makefile's PORT_TEST_WRAPS (-Wl,--wrap=NAME for each NAME
 * below), every call to NAME from the port and from this file goes to
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

static struct {
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
} faults;

/* What the wrapped calls were asked, for the tests to check. */
static struct {
    char open_path[64];
    int open_fd, socket_fd, closed_fd;
    size_t read_asked[8];
    size_t recv_asked;
    int poll_timeout[8];
    struct timespec sleep_asked[4];
} seen;

/* 1 if this call fails (with f->error), 0 if it goes through. */
static int strikes(fault *f)
{
    f->calls++;
    if (f->pass > 0) {
        f->pass--;
        return 0;
    }
    if (f->fail > 0) {
        f->fail--;
        return 1;
    }
    return 0;
}

static void arm(fault *f, int pass, int fail, int error)
{
    f->pass = pass;
    f->fail = fail;
    f->error = error;
    f->calls = 0;
}

ssize_t __wrap_getrandom(void *buffer, size_t length, unsigned int flags)
{
    if (strikes(&faults.getrandom)) {
        errno = faults.getrandom.error;
        return -1;
    }
    if (faults.getrandom_max != 0 && length > faults.getrandom_max)
        length = faults.getrandom_max;
    return __real_getrandom(buffer, length, flags);
}

int __wrap_open(const char *path, int flags, ...)
{
    int mode = 0;

#ifdef O_TMPFILE
    if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
#else
    if ((flags & O_CREAT) != 0) {
#endif
        va_list arguments;
        va_start(arguments, flags);
        mode = va_arg(arguments, int);
        va_end(arguments);
    }
    (void)snprintf(seen.open_path, sizeof(seen.open_path), "%s", path);
    if (strikes(&faults.open)) {
        errno = faults.open.error;
        return -1;
    }
    seen.open_fd = __real_open(path, flags, mode);
    return seen.open_fd;
}

/* A read fault with error 0 is an end of file. */
ssize_t __wrap_read(int fd, void *buffer, size_t length)
{
    if (faults.read.calls < 8)
        seen.read_asked[faults.read.calls] = length;
    if (strikes(&faults.read)) {
        if (faults.read.error == 0)
            return 0;
        errno = faults.read.error;
        return -1;
    }
    if (faults.read_max != 0 && length > faults.read_max)
        length = faults.read_max;
    return __real_read(fd, buffer, length);
}

int __wrap_close(int fd)
{
    seen.closed_fd = fd;
    return __real_close(fd);
}

int __wrap_clock_gettime(clockid_t clock, struct timespec *now)
{
    fault *f = clock == CLOCK_REALTIME ? &faults.realtime
             : clock == CLOCK_MONOTONIC ? &faults.monotonic : NULL;

    if (f != NULL && strikes(f)) {
        errno = f->error;
        return -1;
    }
    if (clock == CLOCK_REALTIME && faults.fake_realtime_set) {
        now->tv_sec = faults.fake_realtime;
        now->tv_nsec = 0;
        return 0;
    }
    return __real_clock_gettime(clock, now);
}

int __wrap_nanosleep(const struct timespec *want, struct timespec *left)
{
    int call = faults.nanosleep.calls;

    if (!faults.fake_sleep)
        return __real_nanosleep(want, left);
    if (call < 4)
        seen.sleep_asked[call] = *want;
    if (strikes(&faults.nanosleep)) {
        if (left != NULL)
            *left = faults.sleep_left;
        errno = faults.nanosleep.error;
        return -1;
    }
    return 0;
}

int __wrap_poll(struct pollfd *fds, nfds_t count, int timeout_ms)
{
    if (faults.poll.calls < 8)
        seen.poll_timeout[faults.poll.calls] = timeout_ms;
    if (strikes(&faults.poll)) {
        int wait_ms = faults.poll_fails_after_ms;
        if (timeout_ms >= 0 && wait_ms > timeout_ms)
            wait_ms = timeout_ms;
        if (wait_ms > 0)
            usleep((useconds_t)wait_ms * 1000u);
        errno = faults.poll.error;
        return -1;
    }
    return __real_poll(fds, count, timeout_ms);
}

int __wrap_socket(int domain, int type, int protocol)
{
    if (strikes(&faults.socket)) {
        errno = faults.socket.error;
        return -1;
    }
    seen.socket_fd = __real_socket(domain, type, protocol);
    return seen.socket_fd;
}

/* The third argument travels as a pointer, as glibc's own fcntl reads it. */
int __wrap_fcntl(int fd, int command, ...)
{
    va_list arguments;
    void *argument;

    va_start(arguments, command);
    argument = va_arg(arguments, void *);
    va_end(arguments);
    if (command == faults.fcntl_command && strikes(&faults.fcntl)) {
        errno = faults.fcntl.error;
        return -1;
    }
    return __real_fcntl(fd, command, argument);
}

int __wrap_connect(int fd, const struct sockaddr *address, socklen_t length)
{
    int result;

    if (!faults.connect_after_real && strikes(&faults.connect)) {
        errno = faults.connect.error;
        return -1;
    }
    result = __real_connect(fd, address, length);
    if (faults.connect_after_real && (result == 0 || errno == EINPROGRESS) &&
        strikes(&faults.connect)) {
        errno = faults.connect.error;
        return -1;
    }
    return result;
}

ssize_t __wrap_send(int fd, const void *data, size_t length, int flags)
{
    if (strikes(&faults.send)) {
        errno = faults.send.error;
        return -1;
    }
    return __real_send(fd, data, length, flags);
}

ssize_t __wrap_recv(int fd, void *data, size_t length, int flags)
{
    seen.recv_asked = length;
    if (strikes(&faults.recv)) {
        errno = faults.recv.error;
        return -1;
    }
    if (faults.recv_fake != NULL) {
        size_t n = strlen(faults.recv_fake);
        memcpy(data, faults.recv_fake, n);
        faults.recv_fake = NULL;
        return (ssize_t)n;
    }
    return __real_recv(fd, data, length, flags);
}

/* The gate: while it is closed, name lookups (not the parsing of numeric
 * hosts) wait in getaddrinfo, like lookups sent to a resolver that swallows
 * every query. They go on to the real lookup when it opens. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_changed = PTHREAD_COND_INITIALIZER;
static int gate_closed;
static int gate_waiting; /* lookups held at the gate now */

int __wrap_getaddrinfo(const char *host, const char *service,
                       const struct addrinfo *hints, struct addrinfo **list)
{
    if (hints == NULL || (hints->ai_flags & AI_NUMERICHOST) == 0) {
        (void)pthread_mutex_lock(&gate_lock);
        if (gate_closed) {
            gate_waiting++;
            (void)pthread_cond_broadcast(&gate_changed);
            while (gate_closed)
                (void)pthread_cond_wait(&gate_changed, &gate_lock);
            gate_waiting--;
            (void)pthread_cond_broadcast(&gate_changed);
        }
        (void)pthread_mutex_unlock(&gate_lock);
    }
    if (faults.lookup_delay_ms != 0)
        usleep(faults.lookup_delay_ms * 1000u);
    return __real_getaddrinfo(host, service, hints, list);
}

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attributes,
                          void *(*run)(void *), void *argument)
{
    if (strikes(&faults.thread))
        return faults.thread.error;
    return __real_pthread_create(thread, attributes, run, argument);
}

int __wrap_pthread_condattr_init(pthread_condattr_t *attributes)
{
    if (strikes(&faults.condattr_init))
        return faults.condattr_init.error;
    return __real_pthread_condattr_init(attributes);
}

int __wrap_pthread_condattr_setclock(pthread_condattr_t *attributes, clockid_t clock)
{
    if (strikes(&faults.condattr_setclock))
        return faults.condattr_setclock.error;
    return __real_pthread_condattr_setclock(attributes, clock);
}
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

/* The monotonic clock, never through a fault: the tests' own stopwatch
 * (no cmocka assertion: forked children use it too). */
static uint64_t stopwatch_ms(void)
{
    struct timespec now;

    if ((WRAPPED(clock_gettime) ? __real_clock_gettime(CLOCK_MONOTONIC, &now)
                                : clock_gettime(CLOCK_MONOTONIC, &now)) != 0)
        return 0;
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static void set_gate(int closed)
{
    (void)pthread_mutex_lock(&gate_lock);
    gate_closed = closed;
    (void)pthread_cond_broadcast(&gate_changed);
    (void)pthread_mutex_unlock(&gate_lock);
}

/* Waits (at most ms) until `count` lookups are held at the gate; returns how
 * many are. */
static int lookups_at_gate(int count, uint32_t ms)
{
    uint64_t until = stopwatch_ms() + ms;
    int waiting;

    for (;;) {
        (void)pthread_mutex_lock(&gate_lock);
        waiting = gate_waiting;
        (void)pthread_mutex_unlock(&gate_lock);
        if (waiting == count || stopwatch_ms() >= until)
            return waiting;
        usleep(2000);
    }
}

static void disarm_faults(void)
{
    memset(&faults, 0, sizeof(faults));
    faults.fcntl_command = -1;
    memset(&seen, 0, sizeof(seen));
    seen.open_fd = seen.socket_fd = seen.closed_fd = -1;
    if (WRAPPED(getaddrinfo)) {
        set_gate(0);
        (void)lookups_at_gate(0, 5000);
    }
}

static int disarm(void **state)
{
    (void)state;
    disarm_faults();
    return 0;
}

/* A name no resolver can ask about: its first label is longer than DNS
 * allows (63), so the lookup fails before any query, network or not. */
#define UNASKABLE_NAME "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.invalid"

static int pair[2];
static hcsms_socket sock;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    sock.fd = pair[0];
    sock.os_error = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    disarm_faults();
    hcsms_port_close(&sock);
    if (pair[1] >= 0)
        close(pair[1]);
    return 0;
}

static void recv_timeout_is_zero_not_eof(void **state)
{
    unsigned char buf[8];
    uint64_t start = hcsms_port_now_ms();
    (void)state;
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 50), 0);
    assert_true(hcsms_port_now_ms() - start >= 45);
    /* Zero wait: report what is there now. */
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 0), 0);
}

static void recv_data_then_peer_close(void **state)
{
    unsigned char buf[8];
    (void)state;
    assert_int_equal(write(pair[1], "abc", 3), 3);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), 3);
    assert_memory_equal(buf, "abc", 3);
    close(pair[1]);
    pair[1] = -1;
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), HCSMS_ERR_CLOSED);
}

static void partial_send_then_timeout(void **state)
{
    static unsigned char big[1 << 20];
    int small = 4096, n;
    (void)state;
    setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    n = hcsms_port_send(&sock, big, sizeof(big), 50);
    assert_true(n > 0);
    assert_true((size_t)n < sizeof(big)); /* the peer reads nothing: partial */
    while ((n = hcsms_port_send(&sock, big, sizeof(big), 20)) > 0)
        ;
    assert_int_equal(n, 0); /* full: timed out, not an error */
}

static void send_to_closed_peer(void **state)
{
    int n;
    (void)state;
    close(pair[1]);
    pair[1] = -1;
    n = hcsms_port_send(&sock, (const unsigned char *)"x", 1, 100);
    assert_true(n == HCSMS_ERR_CLOSED || n == HCSMS_ERR_SEND);
    assert_int_equal(sock.os_error, EPIPE); /* and no SIGPIPE killed us */
}

static void on_alarm(int signal_number)
{
    (void)signal_number;
}

static void *write_later(void *arg)
{
    sigset_t alarm_only;
    (void)arg;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &alarm_only, NULL);
    usleep(150 * 1000);
    if (write(pair[1], "z", 1) != 1)
        return (void *)1;
    return NULL;
}

static void signals_do_not_cut_waits(void **state)
{
    struct sigaction sa;
    struct itimerval every_10ms;
    unsigned char buf[4];
    pthread_t writer;
    (void)state;

    /* qemu-user (armhf runs) crashes on SIGALRM storms in threaded
     * programs, even a ten-line one with no hcsms code: skip there. */
    if (getenv("HCSMS_TEST_EMULATED") != NULL)
        skip();

    /* The writer thread exists before the signals start (and blocks them),
     * so only the waiting thread is interrupted. */
    assert_int_equal(pthread_create(&writer, NULL, write_later, NULL), 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART: poll fails with EINTR */
    sigaction(SIGALRM, &sa, NULL);
    memset(&every_10ms, 0, sizeof(every_10ms));
    every_10ms.it_interval.tv_usec = 10000;
    every_10ms.it_value.tv_usec = 10000;
    setitimer(ITIMER_REAL, &every_10ms, NULL);

    /* Interrupted many times, it still waits its time out and says 0. */
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 100), 0);
    /* And it still gets data that arrives between the signals (at 150 ms). */
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 5000), 1);
    assert_int_equal(buf[0], 'z');
    pthread_join(writer, NULL);

    memset(&every_10ms, 0, sizeof(every_10ms));
    setitimer(ITIMER_REAL, &every_10ms, NULL);
}

static void connect_refused_and_unresolvable(void **state)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    hcsms_socket s;
    int listener;
    uint16_t port;
    (void)state;

    /* A port that was just free: bind, read the number, close. */
    listener = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    port = ntohs(addr.sin_port);
    close(listener);

    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(s.os_error, ECONNREFUSED);
    assert_int_equal(s.fd, -1);
    assert_int_equal(hcsms_port_connect(&s, UNASKABLE_NAME, 443, 2000, NULL, 0), HCSMS_ERR_RESOLVE);
}

/* A failed lookup is HCSMS_ERR_RESOLVE with getaddrinfo's EAI_* code, not an
 * errno (glibc and musl: negative; errno values are positive), at once. */
static void unresolvable_name_gives_the_eai_code(void **state)
{
    static char too_long[HCSMS_HOST_MAX + 2];
    uint64_t start = hcsms_port_now_ms();
    hcsms_socket s;
    (void)state;

    assert_int_equal(hcsms_port_connect(&s, UNASKABLE_NAME, 443, 5000, NULL, 0), HCSMS_ERR_RESOLVE);
    assert_true(s.os_error == EAI_NONAME || s.os_error == EAI_FAIL);
#if EAI_NONAME < 0
    assert_true(s.os_error < 0);
#endif
    assert_int_equal(s.fd, -1);
    assert_true(hcsms_port_now_ms() - start < 2500); /* it did not wait for the time out */

    memset(too_long, 'a', sizeof(too_long) - 1);
    assert_int_equal(hcsms_port_connect(&s, too_long, 443, 5000, NULL, 0), HCSMS_ERR_RESOLVE);
    assert_int_equal(s.os_error, EAI_NONAME);
}

static int loopback_listener(uint16_t *port)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    int listener = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(listener >= 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 64), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    *port = ntohs(addr.sin_port);
    return listener;
}

/* "localhost" is a name: looked up on the helper thread (from /etc/hosts),
 * then connected (if it gives ::1 first, that is refused and 127.0.0.1 is
 * tried next). */
static void connect_by_name(void **state)
{
    char text[64];
    hcsms_socket s;
    uint16_t port;
    int listener = loopback_listener(&port), i;
    (void)state;

    for (i = 0; i < 3; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 5000, text, sizeof(text)), 0);
        assert_true(s.fd >= 0);
        assert_int_equal(s.os_error, 0);
        assert_true(strncmp(text, "127.0.0.1:", 10) == 0);
        hcsms_port_close(&s);
    }
    close(listener);
}

/* With no time at all the lookup is abandoned (HCSMS_ERR_TIMEOUT; EAI_AGAIN
 * while it was still running, ETIMEDOUT if it ended with no time left for a
 * connect): it frees its own answer (LeakSanitizer and valgrind check that
 * at exit) and gives its slot back. More abandoned calls than there are slots
 * must not block, and the next call with time waits for a slot and works. */
static void abandoned_lookups_clean_up_after_themselves(void **state)
{
    uint64_t start;
    hcsms_socket s;
    uint16_t port;
    int listener = loopback_listener(&port), i;
    (void)state;

    start = hcsms_port_now_ms();
    for (i = 0; i < 20; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 0, NULL, 0), HCSMS_ERR_TIMEOUT);
        assert_true(s.os_error == EAI_AGAIN || s.os_error == ETIMEDOUT);
        assert_int_equal(s.fd, -1);
    }
    assert_true(hcsms_port_now_ms() - start < 5000); /* never waited for a lookup */
    for (i = 0; i < 6; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 5000, NULL, 0), 0);
        hcsms_port_close(&s);
    }
    usleep(200 * 1000); /* any lookup still running ends: nothing left at exit */
    close(listener);
}

static void connect_succeeds_and_names_the_peer(void **state)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    char text[64];
    hcsms_socket s;
    int listener;
    (void)state;

    listener = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 1), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", ntohs(addr.sin_port), 2000, text,
                                        sizeof(text)), 0);
    assert_true(s.fd >= 0);
    assert_true(strncmp(text, "127.0.0.1:", 10) == 0);
    hcsms_port_close(&s);
    assert_int_equal(s.fd, -1);
    hcsms_port_close(&s); /* twice is fine */
    close(listener);
}

static void entropy_and_clock(void **state)
{
    unsigned char a[32], b[32];
    uint64_t t1, t2;
    (void)state;
    assert_int_equal(hcsms_port_entropy(a, sizeof(a)), 0);
    assert_int_equal(hcsms_port_entropy(b, sizeof(b)), 0);
    assert_memory_not_equal(a, b, sizeof(a));
    t1 = hcsms_port_now_ms();
    t2 = hcsms_port_now_ms();
    assert_true(t2 >= t1);
}

/* ---- Failures injected through the wraps ----------------------------------- */

/* Runs body in a forked child and returns its exit code (0: success), or
 * 128 + the signal that ended it (a child that hangs is ended by its own
 * alarm: 128 + SIGALRM). The child uses no cmocka assertion (a failure
 * there would jump back into the parent's test runner, in the child). It
 * ends with exit(), not _exit(), so that a coverage build writes the
 * child's counters too. */
static int in_child(int (*body)(uint16_t), uint16_t port)
{
    pid_t pid;
    int status = 0;

    (void)fflush(NULL); /* nothing buffered is written twice */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        (void)signal(SIGALRM, SIG_DFL);
        (void)alarm(30);
        exit(body(port));
    }
    if (waitpid(pid, &status, 0) != pid)
        return 255;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#if HCSMS_POSIX_RESOLVER_THREAD

#define SLOTS HCSMS_POSIX_RESOLVER_SLOTS
#define SETUP_ALREADY_DONE 77

/* In a child whose resolver set-up fails (f armed): a name is
 * HCSMS_ERR_RESOLVE with EAI_SYSTEM ("could not be asked"), at once, fd -1;
 * a numeric host, which needs no lookup, still connects. */
static int resolve_without_set_up(const fault *f, uint16_t port)
{
    uint64_t start = stopwatch_ms();
    hcsms_socket s;
    int err = hcsms_port_connect(&s, "localhost", port, 5000, NULL, 0);

    if (f->calls == 0)
        return SETUP_ALREADY_DONE;
    if (err != HCSMS_ERR_RESOLVE)
        return 2;
    if (s.os_error != EAI_SYSTEM)
        return 3;
    if (s.fd != -1)
        return 4;
    if (stopwatch_ms() - start > 2500)
        return 5;
    if (hcsms_port_connect(&s, "127.0.0.1", port, 5000, NULL, 0) != 0)
        return 6;
    hcsms_port_close(&s);
    return 0;
}

static int child_condattr_init_fails(uint16_t port)
{
    arm(&faults.condattr_init, 0, 1, ENOMEM);
    return resolve_without_set_up(&faults.condattr_init, port);
}

/* A libc whose condition variables cannot wait on CLOCK_MONOTONIC. */
static int child_setclock_fails(uint16_t port)
{
    arm(&faults.condattr_setclock, 0, 1, EINVAL);
    return resolve_without_set_up(&faults.condattr_setclock, port);
}

static void check_child(int code)
{
    if (code == SETUP_ALREADY_DONE)
        fail_msg("the resolver was set up before this test: it must run before any name lookup");
    if (code != 0)
        fail_msg("child failed check %d (128 + N: signal N)", code);
}

/* The port sets its resolver up once per process, at the first name looked
 * up; so each case runs in a child forked before this process looked up any
 * name (this test comes first). */
static void resolver_that_cannot_be_set_up(void **state)
{
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(pthread_condattr_init);
    REQUIRE_WRAP(pthread_condattr_setclock);
    listener = loopback_listener(&port);
    check_child(in_child(child_condattr_init_fails, port));
    check_child(in_child(child_setclock_fails, port));
    close(listener);
}

/* No thread for the lookup (pthread_create: EAGAIN): HCSMS_ERR_RESOLVE with
 * EAI_SYSTEM at once, and the slot is given back: more failures than there
 * are slots, then a lookup that works. */
static void lookup_without_a_thread(void **state)
{
    uint64_t start;
    hcsms_socket s;
    uint16_t port;
    int listener, i;
    (void)state;

    REQUIRE_WRAP(pthread_create);
    listener = loopback_listener(&port);
    arm(&faults.thread, 0, SLOTS + 1, EAGAIN);
    start = stopwatch_ms();
    for (i = 0; i < SLOTS + 1; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 3000, NULL, 0), HCSMS_ERR_RESOLVE);
        assert_int_equal(s.os_error, EAI_SYSTEM);
        assert_int_equal(s.fd, -1);
    }
    assert_int_equal(faults.thread.calls, SLOTS + 1);
    assert_true(stopwatch_ms() - start < 2500);
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 5000, NULL, 0), 0);
    assert_true(s.fd >= 0);
    hcsms_port_close(&s);
    close(listener);
}

static void no_host_is_a_resolve_error(void **state)
{
    hcsms_socket s;
    (void)state;

    s.fd = 99;
    s.os_error = 0;
    assert_int_equal(hcsms_port_connect(&s, NULL, 443, 1000, NULL, 0), HCSMS_ERR_RESOLVE);
    assert_int_equal(s.os_error, EAI_NONAME);
    assert_int_equal(s.fd, -1);
}

/* Close the gate and abandon lookups until every slot holds one that waits
 * there, as a resolver that swallows every query leaves them. */
static void occupy_every_lookup_slot(uint16_t port)
{
    hcsms_socket s;
    int i;

    set_gate(1);
    for (i = 0; i < 100 && lookups_at_gate(SLOTS, 0) < SLOTS; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 20, NULL, 0), HCSMS_ERR_TIMEOUT);
        assert_int_equal(s.os_error, EAI_AGAIN); /* the lookup had not ended */
        assert_int_equal(s.fd, -1);
        (void)lookups_at_gate(i + 1 < SLOTS ? i + 1 : SLOTS, 500);
    }
    assert_int_equal(lookups_at_gate(SLOTS, 0), SLOTS);
}

static void *open_gate_later(void *argument)
{
    (void)argument;
    usleep(100 * 1000);
    set_gate(0);
    return NULL;
}

/* Every slot held by a lookup that does not end: a call waits for a slot for
 * its whole time and no longer (HCSMS_ERR_TIMEOUT, EAI_AGAIN), starting no
 * lookup; a call that is still waiting when the lookups end takes a slot
 * and connects. */
static void lookups_wait_for_a_free_slot_in_their_time(void **state)
{
    uint64_t start, elapsed;
    pthread_t opener;
    hcsms_socket s;
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    listener = loopback_listener(&port);
    occupy_every_lookup_slot(port);

    start = stopwatch_ms();
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 150, NULL, 0), HCSMS_ERR_TIMEOUT);
    elapsed = stopwatch_ms() - start;
    assert_int_equal(s.os_error, EAI_AGAIN);
    assert_int_equal(s.fd, -1);
    assert_true(elapsed >= 140);
    assert_true(elapsed < 2000);
    assert_int_equal(lookups_at_gate(SLOTS, 0), SLOTS); /* none started */

    assert_int_equal(pthread_create(&opener, NULL, open_gate_later, NULL), 0);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 10000, NULL, 0), 0);
    elapsed = stopwatch_ms() - start;
    assert_true(s.fd >= 0);
    assert_true(elapsed >= 80); /* not before the gate opened */
    assert_true(elapsed < 5000);
    hcsms_port_close(&s);
    assert_int_equal(pthread_join(opener, NULL), 0);
    close(listener);
}

/* In a child forked while every slot held an abandoned lookup (whose thread
 * lives on in the parent only), every slot is free: names resolve there,
 * more of them than there are slots. */
static int child_resolves_names(uint16_t port)
{
    hcsms_socket s;
    int i, err;

    /* First without threads: with pthread_create failing, a lookup that
     * finds a free slot fails at once with EAI_SYSTEM; one that finds none
     * waits its time out (HCSMS_ERR_TIMEOUT, EAI_AGAIN). */
    arm(&faults.thread, 0, SLOTS + 1, EAGAIN);
    for (i = 0; i < SLOTS + 1; i++) {
        err = hcsms_port_connect(&s, "localhost", port, 1000, NULL, 0);
        if (err != HCSMS_ERR_RESOLVE || s.os_error != EAI_SYSTEM)
            return 10 + i;
    }
    /* qemu-user cannot start a thread in the child of a threaded program
     * (it aborts): there, that is all. */
    if (getenv("HCSMS_TEST_EMULATED") != NULL)
        return 0;
    /* Then for real. The gate's lock and condition are copies of the
     * parent's: start them afresh. */
    (void)pthread_mutex_init(&gate_lock, NULL);
    (void)pthread_cond_init(&gate_changed, NULL);
    gate_closed = 0;
    gate_waiting = 0;
    for (i = 0; i < SLOTS + 1; i++) {
        if (hcsms_port_connect(&s, "localhost", port, 3000, NULL, 0) != 0)
            return 20 + i;
        hcsms_port_close(&s);
    }
    return 0;
}

/* The fork handlers: the child starts with free slots and a free lock, the
 * parent keeps its lookups and its lock is released after the fork. */
static void fork_leaves_the_child_free_lookup_slots(void **state)
{
    hcsms_socket s;
    uint16_t port;
    int listener, code;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    listener = loopback_listener(&port);
    occupy_every_lookup_slot(port);
    code = in_child(child_resolves_names, port);
    if (code >= 10 && code < 20)
        fail_msg("in the child, with no thread for it, lookup %d of %d did not find a free slot",
                 code - 9, SLOTS + 1);
    if (code >= 20 && code < 30)
        fail_msg("in the child, name lookup %d of %d failed", code - 19, SLOTS + 1);
    if (code != 0)
        fail_msg("the child failed: exit %d (128 + N: signal N)", code);
    assert_int_equal(lookups_at_gate(SLOTS, 0), SLOTS); /* the parent's are still there */

    /* A parent whose lock stayed taken would hang here: the alarm ends it. */
    (void)signal(SIGALRM, SIG_DFL);
    (void)alarm(60);
    set_gate(0);
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 10000, NULL, 0), 0);
    (void)alarm(0);
    hcsms_port_close(&s);
    close(listener);
}

/* A caller that waits for its (held) lookup in the parent. */
static uint16_t waiting_port;
static int waiting_result;
static void *wait_for_a_lookup(void *argument)
{
    hcsms_socket s;
    (void)argument;

    waiting_result = hcsms_port_connect(&s, "localhost", waiting_port, 20000, NULL, 0);
    if (waiting_result == 0)
        hcsms_port_close(&s);
    return NULL;
}

static int child_resolves_names_one_by_one(uint16_t port)
{
    hcsms_socket s;
    int i;

    (void)pthread_mutex_init(&gate_lock, NULL);
    (void)pthread_cond_init(&gate_changed, NULL);
    gate_closed = 0;
    gate_waiting = 0;
    (void)alarm(10);
    for (i = 0; i < 3; i++) {
        if (hcsms_port_connect(&s, "localhost", port, 3000, NULL, 0) != 0)
            return 20 + i;
        hcsms_port_close(&s);
    }
    return 0;
}

/* fork() while another thread of the parent waits for its lookup (in
 * pthread_cond_timedwait on the port's condition variable): in the child,
 * names still resolve, each within its time out. (glibc copies that wait
 * into the child as a reference to the condition variable that no thread
 * there will drop; a broadcast in the child then waits for it for ever,
 * holding the port's lock, unless the child's fork handler starts the
 * condition variable afresh.) */
static void fork_while_a_caller_waits_for_its_lookup(void **state)
{
    pthread_t caller;
    uint16_t port;
    int listener, code;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    if (getenv("HCSMS_TEST_EMULATED") != NULL)
        skip(); /* qemu-user: no threads in a forked child */
    listener = loopback_listener(&port);
    waiting_port = port;
    waiting_result = -1;
    set_gate(1);
    assert_int_equal(pthread_create(&caller, NULL, wait_for_a_lookup, NULL), 0);
    assert_int_equal(lookups_at_gate(1, 5000), 1);
    usleep(100 * 1000); /* the caller sleeps in its wait by now */
    code = in_child(child_resolves_names_one_by_one, port);
    set_gate(0);
    assert_int_equal(pthread_join(caller, NULL), 0); /* before anything can fail */
    close(listener);
    if (code == 128 + SIGALRM)
        fail_msg("in the child, a name lookup hung past its time out");
    if (code != 0)
        fail_msg("in the child, name lookup %d of 3 failed (exit %d)", code - 19, code);
    assert_int_equal(waiting_result, 0);
}

#endif /* HCSMS_POSIX_RESOLVER_THREAD */

/* Every way a connect fails before a connection: HCSMS_ERR_CONNECT with the
 * errno of that failure, fd -1, and the socket it had opened closed again. */
static void connect_failures_keep_the_errno_and_close_the_socket(void **state)
{
    hcsms_socket s;
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(socket);
    REQUIRE_WRAP(fcntl);
    REQUIRE_WRAP(connect);
    REQUIRE_WRAP(poll);
    REQUIRE_WRAP(close);
    listener = loopback_listener(&port);

    arm(&faults.socket, 0, 1, EMFILE);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(s.os_error, EMFILE);
    assert_int_equal(s.fd, -1);

    faults.fcntl_command = F_SETFL;
    arm(&faults.fcntl, 0, 1, EINVAL);
    seen.socket_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(faults.fcntl.calls, 1);
    assert_int_equal(s.os_error, EINVAL);
    assert_int_equal(s.fd, -1);
    assert_true(seen.socket_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.socket_fd);

    arm(&faults.connect, 0, 1, ENETUNREACH);
    seen.socket_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(s.os_error, ENETUNREACH);
    assert_int_equal(s.fd, -1);
    assert_true(seen.socket_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.socket_fd);

    /* The wait for a connect in progress fails. */
    faults.connect_after_real = 1;
    arm(&faults.connect, 0, 1, EINPROGRESS);
    arm(&faults.poll, 0, 1, ENOMEM);
    seen.socket_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(faults.poll.calls, 1);
    assert_int_equal(s.os_error, ENOMEM);
    assert_int_equal(s.fd, -1);
    assert_true(seen.socket_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.socket_fd);
    close(listener);
}

/* A connect interrupted by a signal (EINTR) goes on by itself: the port waits
 * for it as for one in progress, and it connects, non-blocking, and carries
 * bytes. */
static void interrupted_connect_still_connects(void **state)
{
    char text[64], expected[64];
    unsigned char buf[4];
    hcsms_socket s;
    uint16_t port;
    int listener, accepted;
    (void)state;

    REQUIRE_WRAP(connect);
    listener = loopback_listener(&port);
    faults.connect_after_real = 1;
    arm(&faults.connect, 0, 1, EINTR);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, text, sizeof(text)), 0);
    assert_int_equal(faults.connect.calls, 1);
    assert_true(s.fd >= 0);
    assert_int_equal(s.os_error, 0);
    (void)snprintf(expected, sizeof(expected), "127.0.0.1:%u", (unsigned)port);
    assert_string_equal(text, expected);
    assert_true((fcntl(s.fd, F_GETFL, 0) & O_NONBLOCK) != 0);
    accepted = accept(listener, NULL, NULL);
    assert_true(accepted >= 0);
    assert_int_equal(hcsms_port_send(&s, (const unsigned char *)"ping", 4, 1000), 4);
    assert_int_equal(read(accepted, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "ping", 4);
    close(accepted);
    hcsms_port_close(&s);
    close(listener);
}

/* A connect that nobody answers (the listener's accept queue is full, so the
 * kernel drops its SYNs) ends at the deadline: HCSMS_ERR_TIMEOUT with
 * ETIMEDOUT, fd -1. */
static void unanswered_connect_times_out(void **state)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    hcsms_socket held[9];
    uint64_t start, elapsed = 0;
    int listener, i, n = 0, err = 0;
    uint16_t port;
    (void)state;

    listener = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(listener >= 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 0), 0); /* one connection fills it */
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    port = ntohs(addr.sin_port);
    for (i = 0; i < 8; i++) {
        start = stopwatch_ms();
        err = hcsms_port_connect(&held[n], "127.0.0.1", port, 200, NULL, 0);
        elapsed = stopwatch_ms() - start;
        if (err != 0)
            break;
        n++;
    }
    assert_int_equal(err, HCSMS_ERR_TIMEOUT);
    assert_int_equal(held[n].os_error, ETIMEDOUT);
    assert_int_equal(held[n].fd, -1);
    assert_true(elapsed >= 190);
    assert_true(elapsed < 2000);
    for (i = 0; i < n; i++)
        hcsms_port_close(&held[i]);
    close(listener);
}

/* The lookup's time counts: when it ends with no time left, no connect is
 * tried and the call is HCSMS_ERR_TIMEOUT with ETIMEDOUT. (A numeric host
 * parsed slowly stands in for a lookup that ends just at the deadline: a
 * name lookup still running then is abandoned, with EAI_AGAIN.) */
static void lookup_that_uses_up_the_time_leaves_no_connect(void **state)
{
    hcsms_socket s;
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    REQUIRE_WRAP(socket);
    listener = loopback_listener(&port);
    faults.lookup_delay_ms = 60;
    arm(&faults.socket, 0, 0, 0);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 30, NULL, 0), HCSMS_ERR_TIMEOUT);
    assert_int_equal(s.os_error, ETIMEDOUT);
    assert_int_equal(s.fd, -1);
    assert_int_equal(faults.socket.calls, 0);
    close(listener);
}

/* An IPv6 peer is named in brackets, "[::1]:port" (skipped where the host
 * has no IPv6 loopback). */
static void connect_ipv6_names_the_peer_in_brackets(void **state)
{
    struct sockaddr_in6 addr;
    socklen_t len = sizeof(addr);
    char text[64], expected[64];
    hcsms_socket s;
    int listener;
    (void)state;

    listener = socket(AF_INET6, SOCK_STREAM, 0);
    if (listener < 0)
        skip();
    memset(&addr, 0, sizeof(addr));
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(listener);
        skip();
    }
    assert_int_equal(listen(listener, 4), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    assert_int_equal(hcsms_port_connect(&s, "::1", ntohs(addr.sin6_port), 2000, text, sizeof(text)), 0);
    assert_true(s.fd >= 0);
    (void)snprintf(expected, sizeof(expected), "[::1]:%u", (unsigned)ntohs(addr.sin6_port));
    assert_string_equal(text, expected);
    hcsms_port_close(&s);
    close(listener);
}

/* send and recv interrupted by signals are called again: the bytes go
 * through, and no error is reported. */
static void send_and_recv_go_on_after_eintr(void **state)
{
    unsigned char buf[8];
    (void)state;

    REQUIRE_WRAP(send);
    REQUIRE_WRAP(recv);
    arm(&faults.send, 0, 2, EINTR);
    assert_int_equal(hcsms_port_send(&sock, (const unsigned char *)"hello", 5, 1000), 5);
    assert_int_equal(faults.send.calls, 3);
    assert_int_equal(read(pair[1], buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "hello", 5);

    assert_int_equal(write(pair[1], "world", 5), 5);
    arm(&faults.recv, 0, 2, EINTR);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), 5);
    assert_int_equal(faults.recv.calls, 3);
    assert_memory_equal(buf, "world", 5);
    assert_int_equal(sock.os_error, 0);
}

/* A failing send or recv gives its errno in os_error; a reset connection is
 * HCSMS_ERR_CLOSED, anything else HCSMS_ERR_SEND / HCSMS_ERR_RECV. */
static void send_and_recv_errors_keep_the_errno(void **state)
{
    unsigned char buf[8];
    (void)state;

    REQUIRE_WRAP(send);
    REQUIRE_WRAP(recv);
    arm(&faults.send, 0, 1, ENOBUFS);
    assert_int_equal(hcsms_port_send(&sock, (const unsigned char *)"x", 1, 1000), HCSMS_ERR_SEND);
    assert_int_equal(sock.os_error, ENOBUFS);
    arm(&faults.send, 0, 1, ECONNRESET);
    assert_int_equal(hcsms_port_send(&sock, (const unsigned char *)"x", 1, 1000), HCSMS_ERR_CLOSED);
    assert_int_equal(sock.os_error, ECONNRESET);

    arm(&faults.recv, 0, 1, EIO);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), HCSMS_ERR_RECV);
    assert_int_equal(sock.os_error, EIO);
    arm(&faults.recv, 0, 1, ECONNRESET);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), HCSMS_ERR_CLOSED);
    assert_int_equal(sock.os_error, ECONNRESET);
}

/* A wait (poll) that fails is an error with its errno, at once: never 0,
 * which would say "timed out" and be waited for again. */
static void failed_waits_are_errors_not_timeouts(void **state)
{
    static unsigned char big[1 << 16];
    unsigned char buf[8];
    uint64_t start;
    int small = 4096;
    (void)state;

    REQUIRE_WRAP(poll);
    arm(&faults.poll, 0, 1, ENOMEM);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 5000), HCSMS_ERR_RECV);
    assert_int_equal(sock.os_error, ENOMEM);
    assert_int_equal(faults.poll.calls, 1);
    assert_true(stopwatch_ms() - start < 2500);

    /* Fill the socket (the peer reads nothing), then wait for room. */
    setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    while (hcsms_port_send(&sock, big, sizeof(big), 0) > 0)
        ;
    sock.os_error = 0;
    arm(&faults.poll, 0, 1, ENOMEM);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_send(&sock, big, sizeof(big), 5000), HCSMS_ERR_SEND);
    assert_int_equal(sock.os_error, ENOMEM);
    assert_int_equal(faults.poll.calls, 1);
    assert_true(stopwatch_ms() - start < 2500);
}

/* A wait interrupted by signals (each 30 ms into the wait; without a signal
 * storm, which qemu-user cannot take: see signals_do_not_cut_waits) goes on
 * with the time that is left, not its whole time again: it ends at its time
 * out with 0. */
static void interrupted_waits_go_on_with_the_time_left(void **state)
{
    unsigned char buf[8];
    uint64_t start, elapsed;
    int i;
    (void)state;

    REQUIRE_WRAP(poll);
    faults.poll_fails_after_ms = 30;
    arm(&faults.poll, 0, 3, EINTR);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 100), 0);
    elapsed = stopwatch_ms() - start;
    assert_int_equal(faults.poll.calls, 4);
    assert_true(elapsed >= 90);
    assert_true(elapsed < 1500);
    for (i = 0; i < 4; i++) {
        assert_true(seen.poll_timeout[i] >= 0);
        assert_true(seen.poll_timeout[i] <= 100 - 30 * i); /* at least 30 ms less each time */
    }
}

/* A closed socket (fd -1) is an error for send and recv, never 0. */
static void closed_socket_is_an_error_not_a_timeout(void **state)
{
    unsigned char buf[4];
    hcsms_socket closed;
    (void)state;

    closed.fd = -1;
    closed.os_error = 0;
    assert_int_equal(hcsms_port_send(&closed, (const unsigned char *)"x", 1, 100), HCSMS_ERR_SEND);
    assert_int_equal(hcsms_port_recv(&closed, buf, sizeof(buf), 100), HCSMS_ERR_RECV);
    assert_int_equal(hcsms_port_recv(&closed, buf, 0, 0), HCSMS_ERR_RECV);
}

/* A length over INT_MAX is asked for as INT_MAX: the count read always fits
 * the int that recv returns. (The wrapped recv only pretends to read.) */
static void recv_length_is_cut_to_int_max(void **state)
{
    unsigned char buf[8];
    (void)state;

    REQUIRE_WRAP(recv);
    faults.recv_fake = "abc";
    assert_int_equal(hcsms_port_recv(&sock, buf, (size_t)0x80000000u + 16u, 1000), 3);
    assert_int_equal(seen.recv_asked, 0x7fffffff);
    assert_memory_equal(buf, "abc", 3);
}

/* The wall clock: unreadable, or never set (before 2020), is HCSMS_ERR_CLOCK
 * and leaves *seconds alone; a set clock gives its seconds. */
static void utc_clock_unreadable_or_never_set(void **state)
{
    int64_t seconds = 42;
    (void)state;

    assert_int_equal(hcsms_port_utc_seconds(&seconds), 0); /* this host's clock is set */
    assert_true(seconds >= 1577836800);

    REQUIRE_WRAP(clock_gettime);
    seconds = 42;
    arm(&faults.realtime, 0, 1, EINVAL);
    assert_int_equal(hcsms_port_utc_seconds(&seconds), HCSMS_ERR_CLOCK);
    assert_int_equal(seconds, 42);

    faults.fake_realtime_set = 1;
    faults.fake_realtime = 1577836799; /* 2019-12-31 23:59:59 UTC */
    assert_int_equal(hcsms_port_utc_seconds(&seconds), HCSMS_ERR_CLOCK);
    assert_int_equal(seconds, 42);
    faults.fake_realtime = 1577836800; /* 2020-01-01 00:00:00 UTC */
    assert_int_equal(hcsms_port_utc_seconds(&seconds), 0);
    assert_int_equal(seconds, 1577836800);
}

/* A monotonic clock that cannot be read must not make a wait endless: it
 * still ends after its own time out. */
static void waits_end_when_the_clock_cannot_be_read(void **state)
{
    unsigned char buf[8];
    uint64_t start, elapsed;
    (void)state;

    REQUIRE_WRAP(clock_gettime);
    arm(&faults.monotonic, 0, 1000000, EINVAL);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 50), 0);
    elapsed = stopwatch_ms() - start;
    assert_true(faults.monotonic.calls > 0);
    assert_true(elapsed >= 45);
    assert_true(elapsed < 1500);
}

/* A sleep cut short by a signal sleeps the rest (what nanosleep says is
 * left), not the whole time again, and not nothing. (The wrapped nanosleep
 * only records.) */
static void sleep_goes_on_after_signals(void **state)
{
    (void)state;

    REQUIRE_WRAP(nanosleep);
    faults.fake_sleep = 1;
    faults.sleep_left.tv_sec = 1;
    faults.sleep_left.tv_nsec = 250000000L;
    arm(&faults.nanosleep, 0, 1, EINTR);
    hcsms_port_sleep_ms(2500);
    assert_int_equal(faults.nanosleep.calls, 2);
    assert_int_equal(seen.sleep_asked[0].tv_sec, 2);
    assert_int_equal(seen.sleep_asked[0].tv_nsec, 500000000L);
    assert_int_equal(seen.sleep_asked[1].tv_sec, 1);
    assert_int_equal(seen.sleep_asked[1].tv_nsec, 250000000L);

    /* Any other failure ends it (no endless retry). */
    arm(&faults.nanosleep, 0, 1, EINVAL);
    hcsms_port_sleep_ms(10);
    assert_int_equal(faults.nanosleep.calls, 1);
}

static int all_zero(const unsigned char *bytes, size_t length)
{
    size_t i;

    for (i = 0; i < length; i++)
        if (bytes[i] != 0)
            return 0;
    return 1;
}

/* getrandom interrupted by a signal, or giving fewer bytes than asked, is
 * asked again for the rest: no fall back to the device for that. */
static void entropy_asks_getrandom_again(void **state)
{
    unsigned char out[32];
    (void)state;

    REQUIRE_WRAP(getrandom);
    REQUIRE_WRAP(open);
    memset(out, 0, sizeof(out));
    arm(&faults.getrandom, 0, 2, EINTR);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), 0);
    assert_int_equal(faults.getrandom.calls, 3);
    assert_false(all_zero(out + 24, 8));

    memset(out, 0, sizeof(out));
    faults.getrandom_max = 5;
    arm(&faults.getrandom, 0, 0, 0);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), 0);
    assert_int_equal(faults.getrandom.calls, 7); /* 6 x 5 + 2 */
    assert_false(all_zero(out + 27, 5));
    assert_int_equal(faults.open.calls, 0);
}

/* Without getrandom (ENOSYS: a kernel before 3.17) the rest comes from
 * /dev/urandom: the bytes getrandom gave are kept, short and interrupted
 * reads go on, and the device is closed. */
static void entropy_falls_back_to_urandom(void **state)
{
    unsigned char out[32];
    (void)state;

    REQUIRE_WRAP(getrandom);
    REQUIRE_WRAP(open);
    REQUIRE_WRAP(read);
    REQUIRE_WRAP(close);
    memset(out, 0, sizeof(out));
    faults.getrandom_max = 5;
    arm(&faults.getrandom, 1, 1, ENOSYS); /* 5 bytes, then ENOSYS */
    faults.read_max = 10;
    arm(&faults.read, 0, 1, EINTR);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), 0);
    assert_int_equal(faults.getrandom.calls, 2);
    assert_string_equal(seen.open_path, "/dev/urandom");
    assert_int_equal(faults.read.calls, 4);
    assert_int_equal(seen.read_asked[0], 27); /* interrupted */
    assert_int_equal(seen.read_asked[1], 27);
    assert_int_equal(seen.read_asked[2], 17);
    assert_int_equal(seen.read_asked[3], 7);
    assert_true(seen.open_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.open_fd);
    assert_false(all_zero(out + 27, 5));
}

/* No getrandom and no device (a chroot without /dev), or a device that ends
 * or fails: HCSMS_ERR_ENTROPY, never a weaker source, the device closed. */
static void entropy_without_a_source_is_an_error(void **state)
{
    unsigned char out[32];
    (void)state;

    REQUIRE_WRAP(getrandom);
    REQUIRE_WRAP(open);
    REQUIRE_WRAP(read);
    REQUIRE_WRAP(close);
    arm(&faults.getrandom, 0, 1000, ENOSYS);
    arm(&faults.open, 0, 1, ENOENT);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), HCSMS_ERR_ENTROPY);
    assert_int_equal(faults.open.calls, 1);
    assert_string_equal(seen.open_path, "/dev/urandom");

    arm(&faults.read, 0, 1, 0); /* end of file */
    seen.open_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), HCSMS_ERR_ENTROPY);
    assert_true(seen.open_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.open_fd);

    faults.read_max = 8;
    arm(&faults.read, 1, 1, EIO); /* 8 bytes, then an error */
    seen.open_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), HCSMS_ERR_ENTROPY);
    assert_int_equal(faults.read.calls, 2);
    assert_true(seen.open_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.open_fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#if HCSMS_POSIX_RESOLVER_THREAD
        /* First: it needs a process that has not looked up a name yet. */
        cmocka_unit_test_teardown(resolver_that_cannot_be_set_up, disarm),
#endif
        cmocka_unit_test_setup_teardown(recv_timeout_is_zero_not_eof, setup, teardown),
        cmocka_unit_test_setup_teardown(recv_data_then_peer_close, setup, teardown),
        cmocka_unit_test_setup_teardown(partial_send_then_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(send_to_closed_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(signals_do_not_cut_waits, setup, teardown),
        cmocka_unit_test(connect_refused_and_unresolvable),
        cmocka_unit_test(connect_succeeds_and_names_the_peer),
        cmocka_unit_test(unresolvable_name_gives_the_eai_code),
        cmocka_unit_test(connect_by_name),
        cmocka_unit_test(abandoned_lookups_clean_up_after_themselves),
        cmocka_unit_test(entropy_and_clock),
#if HCSMS_POSIX_RESOLVER_THREAD
        cmocka_unit_test_teardown(lookup_without_a_thread, disarm),
        cmocka_unit_test_teardown(no_host_is_a_resolve_error, disarm),
        cmocka_unit_test_teardown(lookups_wait_for_a_free_slot_in_their_time, disarm),
        cmocka_unit_test_teardown(fork_leaves_the_child_free_lookup_slots, disarm),
        cmocka_unit_test_teardown(fork_while_a_caller_waits_for_its_lookup, disarm),
#endif
        cmocka_unit_test_teardown(connect_failures_keep_the_errno_and_close_the_socket, disarm),
        cmocka_unit_test_teardown(interrupted_connect_still_connects, disarm),
        cmocka_unit_test(unanswered_connect_times_out),
        cmocka_unit_test_teardown(lookup_that_uses_up_the_time_leaves_no_connect, disarm),
        cmocka_unit_test(connect_ipv6_names_the_peer_in_brackets),
        cmocka_unit_test_setup_teardown(send_and_recv_go_on_after_eintr, setup, teardown),
        cmocka_unit_test_setup_teardown(send_and_recv_errors_keep_the_errno, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_waits_are_errors_not_timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(interrupted_waits_go_on_with_the_time_left, setup, teardown),
        cmocka_unit_test(closed_socket_is_an_error_not_a_timeout),
        cmocka_unit_test_setup_teardown(recv_length_is_cut_to_int_max, setup, teardown),
        cmocka_unit_test_teardown(utc_clock_unreadable_or_never_set, disarm),
        cmocka_unit_test_setup_teardown(waits_end_when_the_clock_cannot_be_read, setup, teardown),
        cmocka_unit_test_teardown(sleep_goes_on_after_signals, disarm),
        cmocka_unit_test_teardown(entropy_asks_getrandom_again, disarm),
        cmocka_unit_test_teardown(entropy_falls_back_to_urandom, disarm),
        cmocka_unit_test_teardown(entropy_without_a_source_is_an_error, disarm),
    };

    disarm_faults();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
