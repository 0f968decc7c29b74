/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's name resolution: getaddrinfo on a helper thread, waited
 * for with the caller's time (hcsms_port_posix.c connects to the answer).
 */
/* A feature-test macro, reserved by design: getaddrinfo, EAI_SYSTEM. */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "hcsms/config.h"
#include "hcsms/error.h"
#include "hcsms/port.h"
#include "hcsms_port_posix_private.h"

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
int hcsms_posix_resolve(hcsms_socket *sock, const char *host, const char *service,
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

int hcsms_posix_resolve(hcsms_socket *sock, const char *host, const char *service,
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
