/*
 * The POSIX port: BSD sockets, poll(2) for every wait, CLOCK_MONOTONIC, and
 * getrandom(2) or /dev/urandom. Used on Linux targets and by the host tests.
 * Host names are resolved on a helper thread so that the lookup, too, ends
 * with the caller's timeout (see "Name resolution" below).
 */
/* A feature-test macro, reserved by design: getaddrinfo, getrandom, SOCK_CLOEXEC. */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/random.h>
#endif

#include "hcsms/config.h"
#include "hcsms/error.h"
#include "hcsms/port.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SO_NOSIGPIPE is set on the socket instead */
#endif
/* Sockets from hcsms_port_connect are non-blocking already; MSG_DONTWAIT
 * keeps a wait from ever escaping poll's time limit on any other socket. */
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0
#endif

uint64_t hcsms_port_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void hcsms_port_sleep_ms(uint32_t ms)
{
    struct timespec left, want;

    want.tv_sec = (time_t)(ms / 1000u);
    want.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&want, &left) != 0 && errno == EINTR)
        want = left;
}

int hcsms_port_utc_seconds(int64_t *seconds)
{
    struct timespec ts;

    /* Before 2020 the clock was never set (an RTC without battery, no NTP
     * yet): a signature from it would only be rejected as expired. */
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 1577836800)
        return HCSMS_ERR_CLOCK;
    *seconds = (int64_t)ts.tv_sec;
    return 0;
}

static uint32_t left_until(uint64_t deadline)
{
    uint64_t now = hcsms_port_now_ms();
    return now >= deadline ? 0 : (uint32_t)(deadline - now);
}

/* Wait for events on fd for at most timeout_ms, restarting after signals
 * with the time that is left. Returns the revents (0 on timeout) or -1. */
static int wait_for(int fd, short events, uint32_t timeout_ms, int *os_error)
{
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;
    struct pollfd pfd;

    for (;;) {
        uint32_t left = left_until(deadline);
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
        revents = wait_for(fd, POLLOUT, left_until(deadline), &sock->os_error);
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

/* ---- Name resolution --------------------------------------------------------
 *
 * getaddrinfo() takes as long as the resolver likes: resolv.conf's timeout x
 * attempts x nameservers, 30 s and more when the servers swallow queries. So
 * a name is looked up on a helper thread, and the caller waits for the answer
 * on a condition variable with the time it has left. When that runs out the
 * lookup is abandoned, not cancelled (getaddrinfo cannot be): it runs on,
 * owns everything it touches (a slot of static storage, never the caller's
 * stack), frees its own answer when it comes and gives the slot back. The
 * caller returns at once and never waits for it again.
 *
 * A numeric address is only parsed (AI_NUMERICHOST does no I/O): no thread.
 * At most HCSMS_POSIX_RESOLVER_SLOTS lookups exist at a time, abandoned ones
 * included, so a resolver that swallows every query costs that many threads,
 * not one per call; a caller that finds every slot taken waits for one, within
 * its own timeout. The helper threads block every signal, so the program's
 * signals go to its own threads.
 *
 * A program that exits while an abandoned lookup still runs ends it with
 * the process. LeakSanitizer reports nothing then; valgrind calls that live
 * thread's TLS block (from pthread_create) "possibly lost" and glibc's
 * resolver state in it "still reachable" (tests/hostile suppresses exactly
 * these for its blackholed-resolver case). A lookup that ends in time is
 * joined: nothing is left at exit.
 *
 * What a system needs for this: POSIX threads and a condition variable timed
 * on CLOCK_MONOTONIC (pthread_condattr_setclock: glibc, musl, uClibc-ng, the
 * BSDs; macOS lacks it). glibc before 2.34 links threads with -pthread, glibc
 * 2.34 and later and musl need no flag. Without threads, build with
 * -DHCSMS_POSIX_RESOLVER_THREAD=0: getaddrinfo is then called directly and
 * ends only when the resolver's own timeouts say so. */
#ifndef HCSMS_POSIX_RESOLVER_THREAD
#define HCSMS_POSIX_RESOLVER_THREAD 1
#endif
#ifndef HCSMS_POSIX_RESOLVER_SLOTS
#define HCSMS_POSIX_RESOLVER_SLOTS 4
#endif

static void address_hints(struct addrinfo *hints, int flags)
{
    memset(hints, 0, sizeof(*hints));
    hints->ai_family = AF_UNSPEC;
    hints->ai_socktype = SOCK_STREAM;
    /* No AI_ADDRCONFIG: it hides loopback-only set-ups; an address of an
     * unusable family just fails fast and the next one is tried. */
    hints->ai_flags = AI_NUMERICSERV | flags;
}

/* getaddrinfo's answer as the port's: 0 with the list, or HCSMS_ERR_RESOLVE
 * with the EAI_* code in os_error (EAI_SYSTEM's errno is not kept: os_error
 * holds resolver codes only after HCSMS_ERR_RESOLVE). */
static int resolved(hcsms_socket *sock, int result, const struct addrinfo *list)
{
    if (result == 0 && list != NULL)
        return 0;
    sock->os_error = result != 0 ? result : EAI_NONAME;
    return HCSMS_ERR_RESOLVE;
}

#if HCSMS_POSIX_RESOLVER_THREAD

enum lookup_state { LOOKUP_FREE, LOOKUP_RUNNING, LOOKUP_DONE, LOOKUP_ABANDONED };

/* One lookup. state, result and list are guarded by lookup_lock; host and
 * service are written before the helper starts and only read by it. */
typedef struct lookup {
    enum lookup_state state;
    int result;             /* getaddrinfo's return, once DONE */
    struct addrinfo *list;  /* its answer, once DONE; the waiting caller takes it */
    char host[HCSMS_HOST_MAX + 1];
    char service[8];
} lookup;

static lookup lookups[HCSMS_POSIX_RESOLVER_SLOTS];
static pthread_mutex_t lookup_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lookup_changed; /* on CLOCK_MONOTONIC: set up once */
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;
static int lookup_ready;

/* fork(): the lock is not held across it, and in the child, where no helper
 * and no other caller lives on, every slot is free again. */
static void lookup_fork_prepare(void)
{
    (void)pthread_mutex_lock(&lookup_lock);
}

static void lookup_fork_parent(void)
{
    (void)pthread_mutex_unlock(&lookup_lock);
}

/* A condition variable for lookups, on the monotonic clock (deadlines). */
static int lookup_cond_init(void)
{
    pthread_condattr_t attr;
    int rc;

    if (pthread_condattr_init(&attr) != 0)
        return -1;
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
                 pthread_cond_init(&lookup_changed, &attr) == 0
             ? 0
             : -1;
    (void)pthread_condattr_destroy(&attr);
    return rc;
}

static void lookup_fork_child(void)
{
    size_t i;

    for (i = 0; i < HCSMS_POSIX_RESOLVER_SLOTS; i++) {
        lookups[i].list = NULL; /* a parent's answer: dropped, not freed here */
        lookups[i].state = LOOKUP_FREE;
    }
    /* A parent's thread waiting on the condition variable when it forked
     * is copied into its state (glibc), and no thread of the child will
     * ever leave that wait: the child's first broadcast would block for
     * good. A fresh one has no waiters. */
    if (lookup_cond_init() != 0)
        lookup_ready = 0; /* names then fail at once, never hang */
    (void)pthread_mutex_unlock(&lookup_lock);
}

static void lookup_setup(void)
{
    if (lookup_cond_init() != 0)
        return;
    lookup_ready = 1;
    (void)pthread_atfork(lookup_fork_prepare, lookup_fork_parent, lookup_fork_child);
}

static void *lookup_run(void *arg)
{
    lookup *slot = arg;
    struct addrinfo hints, *list = NULL;
    int result;

    address_hints(&hints, 0);
    result = getaddrinfo(slot->host, slot->service, &hints, &list);
    if (result != 0)
        list = NULL;
    (void)pthread_mutex_lock(&lookup_lock);
    if (slot->state == LOOKUP_ABANDONED) {
        /* Nobody waits for this answer any more. */
        if (list != NULL)
            freeaddrinfo(list);
        slot->state = LOOKUP_FREE;
    } else {
        slot->result = result;
        slot->list = list;
        slot->state = LOOKUP_DONE;
    }
    (void)pthread_cond_broadcast(&lookup_changed);
    (void)pthread_mutex_unlock(&lookup_lock);
    return NULL;
}

/* Wait (lookup_lock held) for a change until deadline: 0, or non-zero when
 * the time is up. */
static int lookup_wait(uint64_t deadline)
{
    struct timespec until;

    until.tv_sec = (time_t)(deadline / 1000u);
    until.tv_nsec = (long)(deadline % 1000u) * 1000000L;
    return pthread_cond_timedwait(&lookup_changed, &lookup_lock, &until);
}

static lookup *free_lookup(void)
{
    size_t i;

    for (i = 0; i < HCSMS_POSIX_RESOLVER_SLOTS; i++)
        if (lookups[i].state == LOOKUP_FREE)
            return &lookups[i];
    return NULL;
}

/* Resolve host by deadline: 0 with *list (free it with freeaddrinfo), or
 * HCSMS_ERR_RESOLVE (EAI_* in os_error), or HCSMS_ERR_TIMEOUT with EAI_AGAIN
 * in os_error when the lookup had not ended. */
static int resolve(hcsms_socket *sock, const char *host, const char *service,
                   uint64_t deadline, struct addrinfo **list)
{
    struct addrinfo hints;
    sigset_t all, old;
    pthread_t thread;
    lookup *slot;
    size_t length;
    int result;

    if (host == NULL) {
        sock->os_error = EAI_NONAME;
        return HCSMS_ERR_RESOLVE;
    }
    address_hints(&hints, AI_NUMERICHOST);
    result = getaddrinfo(host, service, &hints, list);
    if (result != EAI_NONAME)
        return resolved(sock, result, *list);
    length = strlen(host);
    if (length >= sizeof(lookups[0].host)) {
        sock->os_error = EAI_NONAME; /* longer than any DNS name */
        return HCSMS_ERR_RESOLVE;
    }
    if (pthread_once(&lookup_once, lookup_setup) != 0 || !lookup_ready) {
        sock->os_error = EAI_SYSTEM;
        return HCSMS_ERR_RESOLVE;
    }

    (void)pthread_mutex_lock(&lookup_lock);
    /* Every slot taken (abandoned lookups that a silent resolver keeps
     * busy, or other threads' lookups): wait for one, in our time. */
    while ((slot = free_lookup()) == NULL)
        if (lookup_wait(deadline) != 0)
            break;
    if (slot == NULL && (slot = free_lookup()) == NULL) {
        (void)pthread_mutex_unlock(&lookup_lock);
        sock->os_error = EAI_AGAIN;
        return HCSMS_ERR_TIMEOUT;
    }
    memcpy(slot->host, host, length + 1);
    memcpy(slot->service, service, strlen(service) + 1);
    slot->result = 0;
    slot->list = NULL;
    slot->state = LOOKUP_RUNNING;
    /* The helper inherits this mask: all signals blocked in it. */
    (void)sigfillset(&all);
    (void)pthread_sigmask(SIG_SETMASK, &all, &old);
    result = pthread_create(&thread, NULL, lookup_run, slot);
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (result != 0) {
        slot->state = LOOKUP_FREE;
        (void)pthread_mutex_unlock(&lookup_lock);
        sock->os_error = EAI_SYSTEM; /* no thread (EAGAIN): no lookup */
        return HCSMS_ERR_RESOLVE;
    }
    while (slot->state == LOOKUP_RUNNING)
        if (lookup_wait(deadline) != 0)
            break;
    if (slot->state == LOOKUP_DONE) {
        result = slot->result;
        *list = slot->list;
        slot->list = NULL;
        slot->state = LOOKUP_FREE;
        (void)pthread_cond_broadcast(&lookup_changed); /* for a caller waiting for a slot */
        (void)pthread_mutex_unlock(&lookup_lock);
        (void)pthread_join(thread, NULL); /* it has only to return */
        return resolved(sock, result, *list);
    }
    /* Still running: it frees its answer and the slot when it ends. */
    slot->state = LOOKUP_ABANDONED;
    (void)pthread_mutex_unlock(&lookup_lock);
    (void)pthread_detach(thread);
    sock->os_error = EAI_AGAIN;
    return HCSMS_ERR_TIMEOUT;
}

#else /* !HCSMS_POSIX_RESOLVER_THREAD */

static int resolve(hcsms_socket *sock, const char *host, const char *service,
                   uint64_t deadline, struct addrinfo **list)
{
    struct addrinfo hints;
    int result;

    (void)deadline; /* not bounded: see above */
    address_hints(&hints, 0);
    result = getaddrinfo(host, service, &hints, list);
    return resolved(sock, result, *list);
}

#endif /* HCSMS_POSIX_RESOLVER_THREAD */

int hcsms_port_connect(hcsms_socket *sock, const char *host, uint16_t port,
                       uint32_t timeout_ms, char *address_text,
                       size_t address_size)
{
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;
    struct addrinfo *list = NULL, *ai;
    char service[8];
    int err;
    unsigned remaining = 0;

    sock->fd = -1;
    sock->os_error = 0;
    snprintf(service, sizeof(service), "%u", (unsigned)port);
    /* The lookup's time counts: the connects get what it leaves. */
    err = resolve(sock, host, service, deadline, &list);
    if (err != 0)
        return err;
    err = HCSMS_ERR_CONNECT;
    for (ai = list; ai != NULL; ai = ai->ai_next)
        remaining++;
    for (ai = list; ai != NULL; ai = ai->ai_next, remaining--) {
        uint32_t left = left_until(deadline);
        if (left == 0) {
            if (sock->os_error == 0)
                sock->os_error = ETIMEDOUT; /* the lookup left no time */
            err = HCSMS_ERR_TIMEOUT;
            break;
        }
        /* Share the time out: an address that swallows SYNs (a dead IPv6
         * route) must not use up the time of the ones after it. */
        err = connect_one(sock, ai, hcsms_port_now_ms() + left / remaining);
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

int hcsms_port_send(hcsms_socket *sock, const unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;

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
        revents = wait_for(sock->fd, POLLOUT, left_until(deadline), &sock->os_error);
        if (revents == 0)
            return 0;
        if (revents < 0)
            return HCSMS_ERR_SEND;
    }
}

int hcsms_port_recv(hcsms_socket *sock, unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;

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
        revents = wait_for(sock->fd, POLLIN, left_until(deadline), &sock->os_error);
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

int hcsms_port_entropy(unsigned char *out, size_t len)
{
    size_t done = 0;

#if defined(__linux__)
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; /* ENOSYS on old kernels: try the device */
        }
        done += (size_t)n;
    }
    if (done == len)
        return 0;
#endif
    {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return HCSMS_ERR_ENTROPY;
        while (done < len) {
            ssize_t n = read(fd, out + done, len - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close(fd);
                return HCSMS_ERR_ENTROPY;
            }
            done += (size_t)n;
        }
        close(fd);
    }
    return 0;
}
