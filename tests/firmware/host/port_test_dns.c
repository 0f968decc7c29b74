/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's name lookups on real lwIP (see port_test.c): lwIP's own DNS
 * client asks a small DNS server that this file runs on lwIP's loopback
 * (127.0.0.1:53, a thread of its own), which answers by the name's first
 * label:
 *   now-*    at once: A 127.0.0.1, AAAA ::1 (connectable)
 *   late-*   the same, dns_late_ms later
 *   slow6-*  A at once, AAAA dns_late_ms later
 *   id-*     at once, an address of the name's own (A 10.x.y.z, AAAA fd00::x:y:z
 *            from a hash of the whole name, expected_ipv4()): an answer handed
 *            to the wrong lookup is seen
 *   lateid-* the same, dns_late_ms later
 *   nx-*     NXDOMAIN at once
 *   other    never
 * Checked: an answer from lwIP's cache, one that comes later, none before the
 * deadline (a timeout in time, and the late answer writes nothing of the
 * caller's and frees the slot), every slot busy, each lookup getting its own
 * name's answer while others are abandoned, answered late and their slots
 * reused, the server's "no", and the second family's half of the time.
 */
#include "port_test.h"

#include "lwip/dns.h"

#include "hcsms_port_lwip_private.h"

#define PENDING_MAX 16

struct pending {
    int used;
    uint64_t due;
    struct sockaddr_storage to;
    socklen_t to_length;
    unsigned char bytes[600];
    int length;
};

static pthread_mutex_t server_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned dns_late_ms = 300; /* under server_lock, like the two below */
static unsigned dns_queries;
static struct pending pending[PENDING_MAX];
static int server_fd = -1;

static void set_late_ms(unsigned ms)
{
    pthread_mutex_lock(&server_lock);
    dns_late_ms = ms;
    pthread_mutex_unlock(&server_lock);
}

static unsigned queries(void)
{
    unsigned n;

    pthread_mutex_lock(&server_lock);
    n = dns_queries;
    pthread_mutex_unlock(&server_lock);
    return n;
}

/* The query's name as text, and the offset of its QTYPE; 0 if malformed. */
static int query_name(const unsigned char *q, int length, char *name, size_t size)
{
    int at = 12;
    size_t used = 0;

    while (at < length && q[at] != 0) {
        int label = q[at++];

        if (label > 63 || at + label > length || used + (size_t)label + 2 > size)
            return 0;
        if (used > 0)
            name[used++] = '.';
        memcpy(name + used, q + at, (size_t)label);
        used += (size_t)label;
        at += label;
    }
    name[used] = '\0';
    return at + 5 <= length ? at + 1 : 0;
}

/* The id-* names' addresses: 10.x.y.z and fd00::x:y:z, xyz 24 bits of the
 * FNV-1a hash of the whole name (never 0.0.0: 1 then). */
static uint32_t name_id(const char *name)
{
    uint32_t h = 2166136261u;

    while (*name != '\0')
        h = (h ^ (unsigned char)*name++) * 16777619u;
    h &= 0xffffffu;
    return h != 0 ? h : 1;
}

static void expected_ipv4(const char *name, unsigned char out[4])
{
    uint32_t id = name_id(name);

    out[0] = 10;
    out[1] = (unsigned char)(id >> 16);
    out[2] = (unsigned char)(id >> 8);
    out[3] = (unsigned char)id;
}

static void expected_ipv6(const char *name, unsigned char out[16])
{
    memset(out, 0, 16);
    out[0] = 0xfd;
    expected_ipv4(name, out + 12);
    out[12] = 0;
}

/* The answer to query q (the question copied, one record or NXDOMAIN) into
 * p, due after delay_ms: the loopback address, or with own_name the name's
 * own (expected_ipv4/6). */
static void answer(const unsigned char *q, int qtype_at, int nxdomain, unsigned delay_ms,
                   const char *own_name, const struct sockaddr_storage *from,
                   socklen_t from_length)
{
    unsigned char ipv4[4] = {127, 0, 0, 1};
    unsigned char ipv6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    int aaaa = q[qtype_at] == 0 && q[qtype_at + 1] == 28;
    struct pending *p = NULL;
    unsigned char *out;
    int i, n = qtype_at + 4;

    if (own_name != NULL) {
        expected_ipv4(own_name, ipv4);
        expected_ipv6(own_name, ipv6);
    }
    for (i = 0; i < PENDING_MAX && p == NULL; i++)
        if (!pending[i].used)
            p = &pending[i];
    if (p == NULL)
        return; /* dropped: the test asked too much at once */
    out = p->bytes;
    memcpy(out, q, (size_t)n);
    out[2] = (unsigned char)(0x80 | (q[2] & 0x01)); /* a response, RD copied */
    out[3] = (unsigned char)(0x80 | (nxdomain ? 3 : 0));
    out[6] = 0;
    out[7] = nxdomain ? 0 : 1; /* answers */
    memset(out + 8, 0, 4);
    if (!nxdomain) {
        static const unsigned char head[] = {0xc0, 0x0c}; /* the question's name */
        memcpy(out + n, head, 2);
        out[n + 2] = 0;
        out[n + 3] = aaaa ? 28 : 1;
        out[n + 4] = 0;
        out[n + 5] = 1;                                  /* IN */
        memset(out + n + 6, 0, 3);
        out[n + 9] = 60;                                 /* TTL */
        out[n + 10] = 0;
        out[n + 11] = aaaa ? 16 : 4;
        memcpy(out + n + 12, aaaa ? ipv6 : ipv4, aaaa ? 16 : 4);
        n += 12 + (aaaa ? 16 : 4);
    }
    p->length = n;
    p->to = *from;
    p->to_length = from_length;
    p->due = hcsms_port_now_ms() + delay_ms;
    p->used = 1;
}

static void handle(const unsigned char *q, int length, const struct sockaddr_storage *from,
                   socklen_t from_length)
{
    char name[256];
    int qtype_at, aaaa;

    if (length < 12 || (q[2] & 0x80) != 0 || (qtype_at = query_name(q, length, name, sizeof(name))) == 0 ||
        qtype_at + 4 + 12 + 16 > (int)sizeof(pending[0].bytes))
        return;
    aaaa = q[qtype_at] == 0 && q[qtype_at + 1] == 28;
    pthread_mutex_lock(&server_lock);
    dns_queries++;
    if (strncmp(name, "now-", 4) == 0)
        answer(q, qtype_at, 0, 0, NULL, from, from_length);
    else if (strncmp(name, "late-", 5) == 0)
        answer(q, qtype_at, 0, dns_late_ms, NULL, from, from_length);
    else if (strncmp(name, "slow6-", 6) == 0)
        answer(q, qtype_at, 0, aaaa ? dns_late_ms : 0, NULL, from, from_length);
    else if (strncmp(name, "id-", 3) == 0)
        answer(q, qtype_at, 0, 0, name, from, from_length);
    else if (strncmp(name, "lateid-", 7) == 0)
        answer(q, qtype_at, 0, dns_late_ms, name, from, from_length);
    else if (strncmp(name, "nx-", 3) == 0)
        answer(q, qtype_at, 1, 0, NULL, from, from_length);
    pthread_mutex_unlock(&server_lock);
}

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned char q[600];
        struct sockaddr_storage from;
        socklen_t from_length = sizeof(from);
        struct pollfd pfd;
        uint64_t now = hcsms_port_now_ms();
        int wait = 50, i, n;

        pthread_mutex_lock(&server_lock);
        for (i = 0; i < PENDING_MAX; i++) {
            if (!pending[i].used)
                continue;
            if (pending[i].due <= now) {
                lwip_sendto(server_fd, pending[i].bytes, (size_t)pending[i].length, 0,
                            (struct sockaddr *)&pending[i].to, pending[i].to_length);
                pending[i].used = 0;
            } else if (pending[i].due - now < (uint64_t)wait) {
                wait = (int)(pending[i].due - now);
            }
        }
        pthread_mutex_unlock(&server_lock);
        pfd.fd = server_fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (lwip_poll(&pfd, 1, wait > 0 ? wait : 1) <= 0)
            continue;
        n = (int)lwip_recvfrom(server_fd, q, sizeof(q), MSG_DONTWAIT, (struct sockaddr *)&from,
                               &from_length);
        if (n > 0)
            handle(q, n, &from, from_length);
    }
    return NULL;
}

struct set_server {
    const ip_addr_t *server; /* NULL: none */
    sys_sem_t done;
};

static void set_server_in_core(void *arg)
{
    struct set_server *call = arg;

    dns_setserver(0, call->server);
    sys_sem_signal(&call->done);
}

/* lwIP's DNS server: ours (started once), or none (NULL). */
static void use_server(int ours)
{
    static pthread_t thread;
    ip_addr_t loopback;
    struct set_server call;

    if (ours && server_fd < 0) {
        struct sockaddr_in a;

        memset(&a, 0, sizeof(a));
        a.sin_len = sizeof(a);
        a.sin_family = AF_INET;
        a.sin_port = PP_HTONS(53);
        a.sin_addr.s_addr = PP_HTONL(INADDR_LOOPBACK);
        server_fd = lwip_socket(AF_INET, SOCK_DGRAM, 0);
        if (server_fd < 0 || lwip_bind(server_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
            pthread_create(&thread, NULL, serve, NULL) != 0) {
            fprintf(stderr, "use_server: no DNS server on lwIP (errno %d)\n", errno);
            exit(2);
        }
    }
    IP_ADDR4(&loopback, 127, 0, 0, 1);
    call.server = ours ? &loopback : NULL;
    sys_sem_new(&call.done, 0);
    tcpip_callback(set_server_in_core, &call);
    sys_arch_sem_wait(&call.done, 0);
    sys_sem_free(&call.done);
}

static uint64_t after(unsigned ms)
{
    return hcsms_port_now_ms() + ms;
}

/* The pair's end: accepted only when the port connected (lwip_accept would
 * wait for ever otherwise). */
static void end_pair(hcsms_socket *sock, int listener, int connected)
{
    close_pair(sock, listener, connected ? lwip_accept(listener, NULL, NULL) : -1);
}

/* The address is the id-* or lateid-* name's own (and IPv4). */
static int is_answer_for(const char *name, const peer_address *a, socklen_t length)
{
    unsigned char want[4];

    expected_ipv4(name, want);
    return length == sizeof(a->ipv4) && a->generic.sa_family == AF_INET &&
           memcmp(&a->ipv4.sin_addr.s_addr, want, 4) == 0;
}

static int is_loopback_ipv4(const peer_address *a, socklen_t length)
{
    return length == sizeof(a->ipv4) && a->generic.sa_family == AF_INET &&
           a->ipv4.sin_addr.s_addr == PP_HTONL(INADDR_LOOPBACK);
}

void test_dns_cached_answer(void)
{
    hcsms_socket sock = {-1, 0};
    peer_address a;
    socklen_t length = 0;
    unsigned before;
    uint64_t start;

    use_server(1);
    before = queries();
    CHECK(hcsms_lwip_resolve(&sock, "now-cached.test", AF_INET, 0, after(2000), &a, &length) == 0);
    CHECK(is_loopback_ipv4(&a, length));
    CHECK(queries() == before + 1);
    /* Again: lwIP's cache answers at call time (ERR_OK), nothing is asked. */
    start = hcsms_port_now_ms();
    length = 0;
    CHECK(hcsms_lwip_resolve(&sock, "now-cached.test", AF_INET, 0, after(2000), &a, &length) == 0);
    CHECK(is_loopback_ipv4(&a, length));
    CHECK(hcsms_port_now_ms() - start < 50);
    CHECK(queries() == before + 1);
    use_server(0);
}

void test_dns_answer_arrives_later(void)
{
    hcsms_socket sock = {-1, 0};
    peer_address a;
    socklen_t length = 0;
    uint16_t port;
    int listener, rc;
    uint64_t start, took;

    use_server(1);
    set_late_ms(200);
    start = hcsms_port_now_ms();
    CHECK(hcsms_lwip_resolve(&sock, "late-later.test", AF_INET, 0, after(2000), &a, &length) == 0);
    took = hcsms_port_now_ms() - start;
    CHECK(took >= 190 && took < 1000);
    CHECK(is_loopback_ipv4(&a, length));

    /* The whole connect: A after 200 ms, AAAA after 200 more, then 127.0.0.1. */
    listener = listen_on(AF_INET, &port);
    start = hcsms_port_now_ms();
    rc = hcsms_port_connect(&sock, "late-connect.test", port, 3000, NULL, 0);
    CHECK(rc == 0);
    took = hcsms_port_now_ms() - start;
    CHECK(took >= 380 && took < 2000);
    end_pair(&sock, listener, rc == 0);
    use_server(0);
}

void test_dns_timeout_then_late_answer(void)
{
    hcsms_socket sock = {-1, 0};
    peer_address a, untouched;
    socklen_t length = 0x5a5a;
    uint64_t start, took;

    use_server(1);
    set_late_ms(400);
    memset(&a, 0xa5, sizeof(a));
    memcpy(&untouched, &a, sizeof(a));
    start = hcsms_port_now_ms();
    CHECK(hcsms_lwip_resolve(&sock, "late-abandoned.test", AF_INET, 0, after(100), &a, &length) ==
          HCSMS_ERR_TIMEOUT);
    took = hcsms_port_now_ms() - start;
    CHECK(took >= 95 && took < 300);
    CHECK(sock.os_error == ETIMEDOUT);
    CHECK(memcmp(&a, &untouched, sizeof(a)) == 0 && length == 0x5a5a);
    sleep_ms(500); /* the answer comes now: lwIP calls back into the abandoned slot */
    CHECK(memcmp(&a, &untouched, sizeof(a)) == 0 && length == 0x5a5a);
    /* lwIP kept the late answer: it now comes from the cache. */
    start = hcsms_port_now_ms();
    CHECK(hcsms_lwip_resolve(&sock, "late-abandoned.test", AF_INET, 0, after(2000), &a, &length) == 0);
    CHECK(is_loopback_ipv4(&a, length));
    CHECK(hcsms_port_now_ms() - start < 50);

    /* Through connect: the lookup's timeout is the call's, in time. */
    start = hcsms_port_now_ms();
    CHECK(hcsms_port_connect(&sock, "late-connect-timeout.test", 443, 150, NULL, 0) ==
          HCSMS_ERR_TIMEOUT);
    took = hcsms_port_now_ms() - start;
    CHECK(took >= 145 && took < 400);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error == ETIMEDOUT);
    sleep_ms(400); /* its late answer frees the slot */
    use_server(0);
}

void test_dns_all_slots_busy(void)
{
    hcsms_socket sock = {-1, 0};
    peer_address a;
    socklen_t length = 0;
    char name[64];
    uint64_t start;
    int i;

    use_server(1);
    set_late_ms(500);
    /* Every slot held by a lookup given up on (its answer still to come). */
    for (i = 0; i < HCSMS_LWIP_RESOLVER_SLOTS; i++) {
        snprintf(name, sizeof(name), "lateid-busy-%d.test", i);
        CHECK(hcsms_lwip_resolve(&sock, name, AF_INET, 0, after(20), &a, &length) ==
              HCSMS_ERR_TIMEOUT);
    }
    start = hcsms_port_now_ms();
    CHECK(hcsms_lwip_resolve(&sock, "now-extra.test", AF_INET, 0, after(2000), &a, &length) ==
          HCSMS_ERR_RESOLVE);
    CHECK(sock.os_error == EAI_MEMORY);
    CHECK(hcsms_port_connect(&sock, "now-extra.test", 443, 2000, NULL, 0) == HCSMS_ERR_RESOLVE);
    CHECK(sock.os_error == EAI_MEMORY);
    CHECK(hcsms_port_now_ms() - start < 20); /* no wait for a slot */

    /* The late answers free every slot: as many lookups get one again. */
    sleep_ms(700);
    for (i = 0; i < HCSMS_LWIP_RESOLVER_SLOTS; i++) {
        snprintf(name, sizeof(name), "id-again-%d.test", i);
        CHECK(hcsms_lwip_resolve(&sock, name, AF_INET, 0, after(2000), &a, &length) == 0);
        CHECK(is_answer_for(name, &a, length));
    }
    for (i = 0; i < HCSMS_LWIP_RESOLVER_SLOTS; i++) {
        snprintf(name, sizeof(name), "late-again-%d.test", i);
        CHECK(hcsms_lwip_resolve(&sock, name, AF_INET, 0, after(20), &a, &length) ==
              HCSMS_ERR_TIMEOUT);
    }
    sleep_ms(700);
    use_server(0);
}

/* Each lookup gets its own name's answer, while an abandoned lookup's late
 * answer comes in between and its slot is taken again. */
void test_dns_answers_not_crossed(void)
{
    hcsms_socket sock = {-1, 0};
    peer_address a;
    socklen_t length = 0;

    use_server(1);
    set_late_ms(300);
    /* Slot A: abandoned; its answer comes 300 ms after the question. */
    CHECK(hcsms_lwip_resolve(&sock, "lateid-first.test", AF_INET, 0, after(50), &a, &length) ==
          HCSMS_ERR_TIMEOUT);
    /* Another slot, while A waits for its answer. */
    CHECK(hcsms_lwip_resolve(&sock, "id-second.test", AF_INET, 0, after(2000), &a, &length) == 0);
    CHECK(is_answer_for("id-second.test", &a, length));
    /* A lookup that is still waiting when A's answer comes. */
    CHECK(hcsms_lwip_resolve(&sock, "lateid-third.test", AF_INET, 0, after(2000), &a, &length) ==
          0);
    CHECK(is_answer_for("lateid-third.test", &a, length));
    sleep_ms(400); /* every answer in: A's freed its slot */
    CHECK(hcsms_lwip_resolve(&sock, "id-fourth.test", AF_INET, 0, after(2000), &a, &length) == 0);
    CHECK(is_answer_for("id-fourth.test", &a, length));
    /* And the abandoned name from lwIP's cache, its own answer. */
    CHECK(hcsms_lwip_resolve(&sock, "lateid-first.test", AF_INET, 0, after(2000), &a, &length) ==
          0);
    CHECK(is_answer_for("lateid-first.test", &a, length));
    CHECK(!is_answer_for("id-fourth.test", &a, length));
    use_server(0);
}

void test_dns_server_says_no(void)
{
    hcsms_socket sock = {-1, 0};
    uint64_t start = hcsms_port_now_ms();

    use_server(1);
    CHECK(hcsms_port_connect(&sock, "nx-nothing.test", 443, 2000, NULL, 0) == HCSMS_ERR_RESOLVE);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error == EAI_FAIL);
    CHECK(hcsms_port_now_ms() - start < 500);
    use_server(0);
}

void test_dns_second_family_gets_half(void)
{
    hcsms_socket sock = {-1, 0};
    char text[64], expected[64];
    uint16_t port;
    int listener = listen_on(AF_INET, &port), rc;
    uint64_t start, took;

    use_server(1);
    set_late_ms(1200);
    /* A at once; AAAA only after the deadline: its lookup may take half of
     * the 1000 ms, and the connect to 127.0.0.1 the rest. */
    start = hcsms_port_now_ms();
    rc = hcsms_port_connect(&sock, "slow6-half.test", port, 1000, text, sizeof(text));
    CHECK(rc == 0);
    took = hcsms_port_now_ms() - start;
    CHECK(took >= 450 && took < 800);
    snprintf(expected, sizeof(expected), "127.0.0.1:%u", (unsigned)port);
    CHECK(rc != 0 || strcmp(text, expected) == 0);
    end_pair(&sock, listener, rc == 0);
    sleep_ms(900); /* the AAAA answer frees its slot */
    use_server(0);
}

/* The second family's lookups that a deadline abandons keep their slots
 * until lwIP gives up; they never take the last one, so every connect still
 * gets its first lookup (here from lwIP's cache), and an optional lookup
 * fails at once while one slot is left. */
void test_dns_abandoned_second_families_leave_a_slot(void)
{
    hcsms_socket sock = {-1, 0};
    peer_address a;
    socklen_t length = 0;
    uint16_t port;
    int i;

    use_server(1);
    set_late_ms(1500);
    /* A at once, AAAA long after each connect's deadline of 400 ms. */
    for (i = 0; i < HCSMS_LWIP_RESOLVER_SLOTS + 1; i++) {
        int listener = listen_on(AF_INET, &port);
        int rc = hcsms_port_connect(&sock, "slow6-many.test", port, 400, NULL, 0);

        CHECK(rc == 0);
        end_pair(&sock, listener, rc == 0);
    }
    CHECK(hcsms_lwip_resolve(&sock, "now-optional.test", AF_INET, 1, after(2000), &a, &length) ==
          HCSMS_ERR_RESOLVE);
    CHECK(sock.os_error == EAI_MEMORY);
    CHECK(hcsms_lwip_resolve(&sock, "now-required.test", AF_INET, 0, after(2000), &a, &length) ==
          0);
    sleep_ms(1700); /* the AAAA answers free their slots */
    use_server(0);
}

/* A lookup with no time left asks nothing and holds no slot. */
void test_dns_no_time_left_asks_nothing(void)
{
    hcsms_socket sock = {-1, 0};
    peer_address a;
    socklen_t length = 0;
    unsigned before;

    use_server(1);
    before = queries();
    CHECK(hcsms_lwip_resolve(&sock, "now-too-late.test", AF_INET, 0, hcsms_port_now_ms(), &a,
                             &length) == HCSMS_ERR_TIMEOUT);
    CHECK(sock.os_error == ETIMEDOUT);
    sleep_ms(50);
    CHECK(queries() == before);
    use_server(0);
}
