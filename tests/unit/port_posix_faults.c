/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault injection for the tests of the POSIX port: the wrapped system calls
 * (see "Fault injection" in port_posix_test.h), what they were asked, and
 * the gate that holds name lookups like a resolver that never answers.
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

injected_faults faults;
seen_calls seen;

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

void arm(fault *f, int pass, int fail, int error)
{
    f->pass = pass;
    f->fail = fail;
    f->error = error;
    f->calls = 0;
}

/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
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

uint64_t stopwatch_ms(void)
{
    struct timespec now;

    if ((WRAPPED(clock_gettime) ? __real_clock_gettime(CLOCK_MONOTONIC, &now)
                                : clock_gettime(CLOCK_MONOTONIC, &now)) != 0)
        return 0;
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

void set_gate(int closed)
{
    (void)pthread_mutex_lock(&gate_lock);
    gate_closed = closed;
    (void)pthread_cond_broadcast(&gate_changed);
    (void)pthread_mutex_unlock(&gate_lock);
}

int lookups_at_gate(int count, uint32_t ms)
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

void reset_gate_after_fork(void)
{
    (void)pthread_mutex_init(&gate_lock, NULL);
    (void)pthread_cond_init(&gate_changed, NULL);
    gate_closed = 0;
    gate_waiting = 0;
}

void disarm_faults(void)
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

int disarm(void **state)
{
    (void)state;
    disarm_faults();
    return 0;
}
