/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's name lookups, bounded by the caller's deadline (port.h:
 * timeout_ms covers the lookup too).
 *
 * lwip_getaddrinfo and netconn_gethostbyname block until lwIP's DNS client
 * answers or gives up on its own schedule (DNS_MAX_RETRIES rounds per
 * server, about 7 s each with the defaults), whatever the caller's time. So
 * the port asks the DNS client itself: dns_gethostbyname_addrtype() in
 * lwIP's core (under LOCK_TCPIP_CORE, or in the tcpip thread by
 * tcpip_try_callback without LWIP_TCPIP_CORE_LOCKING), with a callback that
 * records the answer and posts a semaphore, which the caller waits for with
 * the time it has left. ERR_OK at call time is an answer from lwIP's cache
 * or local host list: no wait.
 *
 * lwIP cannot cancel a query: its callback comes, with the answer or with
 * lwIP's own timeout, however long the caller has been gone. So a request
 * lives in a static slot (hcsms allocates nothing), never on the caller's
 * stack, and its state (FREE, ASKING, ANSWERED, ABANDONED) changes only
 * under SYS_ARCH_PROTECT: a caller whose time runs out marks its slot
 * ABANDONED and returns; the late callback then frees the slot instead of
 * answering anyone. The slots' semaphores are made on first use and kept,
 * so a late post can never reach a freed one; a post left over from a race
 * only makes the next user of the slot look at its state once more.
 *
 * HCSMS_LWIP_RESOLVER_SLOTS (hcsms_port_lwip_private.h, default
 * DNS_TABLE_SIZE, as many queries as lwIP can have at once) bounds the
 * lookups in flight, abandoned ones included. With every slot taken a
 * lookup fails at once (HCSMS_ERR_RESOLVE, EAI_MEMORY) rather than wait.
 */
#include "hcsms_port_lwip_private.h"

#if LWIP_DNS

#include <string.h>

#include "lwip/dns.h"
#include "lwip/errno.h"
#include "lwip/netdb.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "hcsms/error.h"
#include "hcsms/port.h"

enum slot_state { SLOT_FREE, SLOT_ASKING, SLOT_ANSWERED, SLOT_ABANDONED };

typedef struct resolver_slot {
    volatile unsigned char state; /* enum slot_state, under SYS_ARCH_PROTECT */
    unsigned char type;           /* LWIP_DNS_ADDRTYPE_* asked for */
    err_t err;                    /* once ANSWERED: ERR_OK with address, or lwIP's failure */
    ip_addr_t address;
    unsigned char made;           /* answered exists (sys_sem_new succeeded) */
    sys_sem_t answered;           /* posted when ANSWERED; made on first use, kept */
#if !LWIP_TCPIP_CORE_LOCKING
    /* The tcpip thread reads the name after the caller may have gone. */
    char host[DNS_MAX_NAME_LENGTH];
#endif
} resolver_slot;

static resolver_slot slots[HCSMS_LWIP_RESOLVER_SLOTS];

static void free_slot(resolver_slot *slot)
{
    SYS_ARCH_DECL_PROTECT(old);

    SYS_ARCH_PROTECT(old);
    slot->state = SLOT_FREE;
    SYS_ARCH_UNPROTECT(old);
}

/* A free slot, taken (ASKING) with its semaphore ready, or NULL; an
 * optional lookup only while another slot stays free. */
static resolver_slot *take_slot(int optional)
{
    resolver_slot *slot = NULL;
    size_t i, free_slots = 0;
    SYS_ARCH_DECL_PROTECT(old);

    SYS_ARCH_PROTECT(old);
    for (i = 0; i < HCSMS_LWIP_RESOLVER_SLOTS; i++) {
        if (slots[i].state == SLOT_FREE && free_slots++ == 0)
            slot = &slots[i];
    }
    if (slot != NULL && optional && free_slots < 2)
        slot = NULL;
    if (slot != NULL)
        slot->state = SLOT_ASKING;
    SYS_ARCH_UNPROTECT(old);
    /* Whether the semaphore exists is the slot's own flag: lwIP does not
     * promise that zeroed storage is an invalid sys_sem_t. Only the owner
     * of an ASKING slot gets here before it asks: nothing else touches the
     * semaphore yet. */
    if (slot != NULL && !slot->made) {
        if (sys_sem_new(&slot->answered, 0) != ERR_OK) {
            free_slot(slot);
            return NULL;
        }
        slot->made = 1;
    }
    return slot;
}

/* lwIP's answer (or failure) into the slot, in lwIP's core: wake the caller,
 * or free the slot when the caller has given up on it. */
static void record(resolver_slot *slot, err_t err, const ip_addr_t *address)
{
    int wake = 0;
    SYS_ARCH_DECL_PROTECT(old);

    SYS_ARCH_PROTECT(old);
    if (slot->state == SLOT_ABANDONED) {
        slot->state = SLOT_FREE;
    } else if (slot->state == SLOT_ASKING) {
        slot->err = err;
        if (err == ERR_OK)
            ip_addr_copy(slot->address, *address);
        slot->state = SLOT_ANSWERED;
        wake = 1;
    }
    SYS_ARCH_UNPROTECT(old);
    if (wake)
        sys_sem_signal(&slot->answered);
}

/* dns_found_callback: lwIP's answer, or NULL when it gave up (its own
 * retries ran out, the server said no). */
static void answered(const char *name, const ip_addr_t *address, void *arg)
{
    (void)name;
    record((resolver_slot *)arg, address != NULL ? ERR_OK : ERR_VAL, address);
}

#if !LWIP_TCPIP_CORE_LOCKING
/* In the tcpip thread: ask, unless the caller has already gone. */
static void ask_in_tcpip_thread(void *arg)
{
    resolver_slot *slot = (resolver_slot *)arg;
    ip_addr_t address;
    err_t err;
    int gone;
    SYS_ARCH_DECL_PROTECT(old);

    SYS_ARCH_PROTECT(old);
    gone = slot->state == SLOT_ABANDONED;
    if (gone)
        slot->state = SLOT_FREE;
    SYS_ARCH_UNPROTECT(old);
    if (gone)
        return;
    ip_addr_set_zero(&address);
    err = dns_gethostbyname_addrtype(slot->host, &address, answered, slot, slot->type);
    if (err != ERR_INPROGRESS)
        record(slot, err, &address); /* from the cache, or a refusal: no callback comes */
}
#endif

static unsigned char address_type(int family)
{
#if LWIP_IPV4 && LWIP_IPV6
    if (family == AF_INET)
        return LWIP_DNS_ADDRTYPE_IPV4;
    if (family == AF_INET6)
        return LWIP_DNS_ADDRTYPE_IPV6;
#else
    (void)family;
#endif
    return LWIP_DNS_ADDRTYPE_DEFAULT;
}

/* lwIP's result as the port's: lwIP's failures are EAI_FAIL, as
 * lwip_getaddrinfo reports them, except what ran out (ERR_MEM: lwIP's DNS
 * table was full), which is EAI_MEMORY. */
static int finish(hcsms_socket *sock, err_t err, const ip_addr_t *ip, peer_address *address,
                  socklen_t *length)
{
    if (err == ERR_OK && hcsms_lwip_address_from_ip(ip, address, length))
        return 0;
    sock->os_error = err == ERR_MEM ? EAI_MEMORY : EAI_FAIL;
    return HCSMS_ERR_RESOLVE;
}

int hcsms_lwip_resolve(hcsms_socket *sock, const char *host, int family, int optional,
                       uint64_t deadline, peer_address *address, socklen_t *length)
{
    resolver_slot *slot;
    ip_addr_t ip;
    err_t err;
    SYS_ARCH_DECL_PROTECT(old);

    if (strlen(host) >= DNS_MAX_NAME_LENGTH) {
        sock->os_error = EAI_FAIL; /* lwIP refuses it (ERR_ARG) */
        return HCSMS_ERR_RESOLVE;
    }
    if (hcsms_port_time_left(deadline) == 0) {
        sock->os_error = ETIMEDOUT; /* no slot, no query that would only be abandoned */
        return HCSMS_ERR_TIMEOUT;
    }
    slot = take_slot(optional);
    if (slot == NULL) {
        sock->os_error = EAI_MEMORY; /* every slot busy: fail now, never wait for one */
        return HCSMS_ERR_RESOLVE;
    }
    slot->type = address_type(family);
    ip_addr_set_zero(&ip);
#if LWIP_TCPIP_CORE_LOCKING
    LOCK_TCPIP_CORE();
    err = dns_gethostbyname_addrtype(host, &ip, answered, slot, slot->type);
    UNLOCK_TCPIP_CORE();
    if (err != ERR_INPROGRESS) {
        /* Answered from the cache, or refused: no callback will come. */
        free_slot(slot);
        return finish(sock, err, &ip, address, length);
    }
#else
    memcpy(slot->host, host, strlen(host) + 1);
    if (tcpip_try_callback(ask_in_tcpip_thread, slot) != ERR_OK) {
        free_slot(slot); /* the tcpip thread's mailbox is full: nothing was asked */
        sock->os_error = EAI_MEMORY;
        return HCSMS_ERR_RESOLVE;
    }
#endif
    for (;;) {
        uint32_t left = hcsms_port_time_left(deadline);
        int state;

        SYS_ARCH_PROTECT(old);
        state = slot->state;
        if (state == SLOT_ANSWERED) {
            err = slot->err;
            ip_addr_copy(ip, slot->address);
            slot->state = SLOT_FREE;
        } else if (left == 0) {
            slot->state = SLOT_ABANDONED; /* the late callback frees it */
        }
        SYS_ARCH_UNPROTECT(old);
        if (state == SLOT_ANSWERED)
            return finish(sock, err, &ip, address, length);
        if (left == 0) {
            sock->os_error = ETIMEDOUT; /* lwIP has no EAI_AGAIN */
            return HCSMS_ERR_TIMEOUT;
        }
        /* Never 0 here: to sys_arch_sem_wait that means "for ever". */
        (void)sys_arch_sem_wait(&slot->answered, left);
    }
}

#else /* !LWIP_DNS */

/* ISO C wants something in a translation unit. */
typedef int hcsms_lwip_resolve_needs_lwip_dns;

#endif /* LWIP_DNS */
