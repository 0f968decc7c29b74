/*
 * The lwIP port's behaviour on real lwIP: lwIP 2.1.3 runs in this process
 * (Debian's pthread OS layer) and talks to itself over its loopback
 * interface. Each check is a rule of include/hcsms/port.h; the last line is
 * "N passed, N failed".
 *
 * sys_now() is shifted so that lwIP's 32-bit clock wraps 300 ms after start:
 * the first test watches the port's 64-bit clock across the wrap, and every
 * later test runs on a wrapped clock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/ip_addr.h"
#include "lwip/netdb.h"
#include "lwip/netif.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "hcsms/error.h"
#include "hcsms/port.h"
#include "hcsms_port_lwip.h"

/* Debian's sys_arch.c is built with sys_now renamed to this. */
u32_t unix_sys_now(void);

static u32_t clock_offset;

u32_t sys_now(void)
{
    return unix_sys_now() + clock_offset;
}

static int entropy_fails;

int hcsms_port_lwip_utc_time(int64_t *seconds)
{
    *seconds = 1780000000; /* 2026 */
    return 0;
}

int hcsms_port_lwip_entropy(unsigned char *out, size_t len)
{
    size_t i;

    if (entropy_fails)
        return -1;
    for (i = 0; i < len; i++)
        out[i] = (unsigned char)rand(); /* a test: the device uses its TRNG */
    return 0;
}

static const char *current;
static int failed;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: %s: failed: %s\n", __FILE__, __LINE__, current, #cond); \
            failed = 1;                                                                 \
        }                                                                               \
    } while (0)

static void sleep_ms(unsigned ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* ---- lwIP-side helpers: a listener and the peer's end --------------------- */

static int listen_on(int family, uint16_t *port)
{
    int fd = lwip_socket(family, SOCK_STREAM, 0);
    struct sockaddr_storage storage;
    socklen_t len = sizeof(storage);

    memset(&storage, 0, sizeof(storage));
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&storage;
        a->sin6_len = sizeof(*a);
        a->sin6_family = AF_INET6;
        a->sin6_addr.un.u8_addr[15] = 1; /* ::1 */
        len = sizeof(*a);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&storage;
        a->sin_len = sizeof(*a);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = PP_HTONL(INADDR_LOOPBACK);
        len = sizeof(*a);
    }
    if (fd < 0 || lwip_bind(fd, (struct sockaddr *)&storage, len) != 0 || lwip_listen(fd, 4) != 0) {
        fprintf(stderr, "listen_on: lwIP refused (errno %d)\n", errno);
        exit(2);
    }
    len = sizeof(storage);
    lwip_getsockname(fd, (struct sockaddr *)&storage, &len);
    *port = lwip_ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&storage)->sin6_port
                                          : ((struct sockaddr_in *)&storage)->sin_port);
    return fd;
}

/* A connected pair: sock (the port's) and *peer (lwIP's accepted end). */
static int connected_pair(hcsms_socket *sock, int *listener, int *peer)
{
    uint16_t port;
    int rc;

    *listener = listen_on(AF_INET, &port);
    rc = hcsms_port_connect(sock, "127.0.0.1", port, 2000, NULL, 0);
    *peer = lwip_accept(*listener, NULL, NULL);
    return rc == 0 && *peer >= 0;
}

static void close_pair(hcsms_socket *sock, int listener, int peer)
{
    hcsms_port_close(sock);
    if (peer >= 0)
        lwip_close(peer);
    lwip_close(listener);
}

/* ---- Tests ------------------------------------------------------------------ */

static void test_clock_wraps_forward(void)
{
    uint64_t previous = hcsms_port_now_ms(), now = previous;
    int steps_back = 0, i;

    CHECK(previous < ((uint64_t)1 << 32));
    for (i = 0; i < 700; i++) {
        sleep_ms(1);
        now = hcsms_port_now_ms();
        if (now < previous)
            steps_back++;
        previous = now;
    }
    CHECK(steps_back == 0);
    CHECK(now >= ((uint64_t)1 << 32)); /* sys_now wrapped, the port did not */
    CHECK(sys_now() < 100000u);
}

static void test_connect_numeric_ipv4(void)
{
    hcsms_socket sock;
    char text[64], expected[64];
    uint16_t port;
    int listener = listen_on(AF_INET, &port), peer;

    CHECK(hcsms_port_connect(&sock, "127.0.0.1", port, 2000, text, sizeof(text)) == 0);
    CHECK(sock.fd >= 0);
    CHECK(sock.os_error == 0);
    snprintf(expected, sizeof(expected), "127.0.0.1:%u", (unsigned)port);
    CHECK(strcmp(text, expected) == 0);
    peer = lwip_accept(listener, NULL, NULL);
    CHECK(peer >= 0);
    {
        int nodelay = 0;
        socklen_t len = sizeof(nodelay);
        CHECK(lwip_getsockopt(sock.fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) == 0);
        CHECK(nodelay != 0);
    }
    close_pair(&sock, listener, peer);
    CHECK(sock.fd == -1);
    hcsms_port_close(&sock); /* twice is fine */
    CHECK(sock.fd == -1);
}

static void test_connect_numeric_ipv6(void)
{
    hcsms_socket sock;
    char text[64], expected[64];
    uint16_t port;
    int listener = listen_on(AF_INET6, &port);

    CHECK(hcsms_port_connect(&sock, "::1", port, 2000, text, sizeof(text)) == 0);
    snprintf(expected, sizeof(expected), "[::1]:%u", (unsigned)port);
    CHECK(strcmp(text, expected) == 0);
    close_pair(&sock, listener, lwip_accept(listener, NULL, NULL));
}

static void test_connect_by_name(void)
{
    hcsms_socket sock;
    uint16_t port;
    int listener = listen_on(AF_INET, &port);

    CHECK(hcsms_port_connect(&sock, "localhost", port, 2000, NULL, 0) == 0);
    close_pair(&sock, listener, lwip_accept(listener, NULL, NULL));
}

static void test_connect_falls_back_to_other_family(void)
{
    hcsms_socket sock;
    char text[64], expected[64];
    uint16_t port;
    /* dual.test resolves to 127.0.0.1 first; only ::1 listens on the port. */
    int listener = listen_on(AF_INET6, &port);
    struct addrinfo hints, *first = NULL;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    CHECK(lwip_getaddrinfo("dual.test", NULL, &hints, &first) == 0);
    CHECK(first != NULL && first->ai_family == AF_INET && first->ai_next == NULL);
    if (first != NULL)
        lwip_freeaddrinfo(first);

    CHECK(hcsms_port_connect(&sock, "dual.test", port, 2000, text, sizeof(text)) == 0);
    snprintf(expected, sizeof(expected), "[::1]:%u", (unsigned)port);
    CHECK(strcmp(text, expected) == 0);
    close_pair(&sock, listener, lwip_accept(listener, NULL, NULL));
}

static void test_connect_shares_time_with_second_address(void)
{
    hcsms_socket sock;
    uint16_t port;
    int listener = listen_on(AF_INET6, &port);
    uint64_t start = hcsms_port_now_ms(), took;

    /* blackhole.test: 10.9.9.2 first (nothing answers), then ::1. */
    CHECK(hcsms_port_connect(&sock, "blackhole.test", port, 1000, NULL, 0) == 0);
    took = hcsms_port_now_ms() - start;
    CHECK(took >= 450 && took < 1000); /* half the time each */
    close_pair(&sock, listener, lwip_accept(listener, NULL, NULL));
}

static void test_connect_reports_first_failure(void)
{
    hcsms_socket sock;
    uint16_t port;
    int listener = listen_on(AF_INET, &port);

    lwip_close(listener);
    /* dual.test: 127.0.0.1 refuses, ::1 refuses too; the first one is told. */
    CHECK(hcsms_port_connect(&sock, "dual.test", port, 2000, NULL, 0) == HCSMS_ERR_CONNECT);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error == ECONNRESET || sock.os_error == ECONNREFUSED);
}

static void test_connect_refused(void)
{
    hcsms_socket sock;
    char text[64] = "";
    uint16_t port;
    int listener = listen_on(AF_INET, &port);

    lwip_close(listener); /* nothing listens there now */
    CHECK(hcsms_port_connect(&sock, "127.0.0.1", port, 2000, text, sizeof(text)) ==
          HCSMS_ERR_CONNECT);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error == ECONNRESET || sock.os_error == ECONNREFUSED);
    printf("     (lwIP reports a refused connect as errno %d)\n", sock.os_error);
    CHECK(text[0] == '\0'); /* the caller tells "connect" from "TLS" by it */
}

static void test_connect_no_route(void)
{
    hcsms_socket sock;

    CHECK(hcsms_port_connect(&sock, "192.0.2.1", 443, 2000, NULL, 0) == HCSMS_ERR_CONNECT);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error == EHOSTUNREACH);
}

static void test_connect_times_out(void)
{
    hcsms_socket sock;
    uint64_t start = hcsms_port_now_ms(), took;

    /* 10.9.9.0/24 is the black hole: SYNs go out and nothing comes back. */
    CHECK(hcsms_port_connect(&sock, "10.9.9.2", 443, 300, NULL, 0) == HCSMS_ERR_TIMEOUT);
    took = hcsms_port_now_ms() - start;
    CHECK(took >= 290 && took < 1500);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error == ETIMEDOUT);
}

static void test_resolve_fails(void)
{
    hcsms_socket sock;

    uint64_t start = hcsms_port_now_ms();

    CHECK(hcsms_port_connect(&sock, "host.invalid", 443, 2000, NULL, 0) == HCSMS_ERR_RESOLVE);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error != 0);
    printf("     (no DNS server: EAI code %d after %u ms)\n", sock.os_error,
           (unsigned)(hcsms_port_now_ms() - start));
}

static void test_recv_timeout_is_zero(void)
{
    hcsms_socket sock;
    unsigned char buf[16];
    int listener, peer;
    uint64_t start;

    CHECK(connected_pair(&sock, &listener, &peer));
    start = hcsms_port_now_ms();
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 100) == 0);
    CHECK(hcsms_port_now_ms() - start >= 95);
    start = hcsms_port_now_ms();
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 0) == 0); /* do not wait */
    CHECK(hcsms_port_now_ms() - start < 50);
    close_pair(&sock, listener, peer);
}

static void test_recv_data_then_orderly_close(void)
{
    hcsms_socket sock;
    unsigned char buf[16];
    int listener, peer;

    CHECK(connected_pair(&sock, &listener, &peer));
    CHECK(lwip_send(peer, "abc", 3, 0) == 3);
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 1000) == 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    lwip_close(peer);
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 1000) == HCSMS_ERR_CLOSED);
    /* lwIP says "closed" with 0 once and ENOTCONN after: still CLOSED. */
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 1000) == HCSMS_ERR_CLOSED);
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 0) == HCSMS_ERR_CLOSED);
    close_pair(&sock, listener, -1);
}

struct later {
    int fd;
    unsigned delay_ms;
};

static void *send_later(void *arg)
{
    struct later *later = arg;

    sleep_ms(later->delay_ms);
    lwip_send(later->fd, "z", 1, 0);
    return NULL;
}

static void test_recv_wakes_when_data_arrives(void)
{
    hcsms_socket sock;
    unsigned char buf[16];
    int listener, peer;
    pthread_t writer;
    struct later later;
    uint64_t start;

    CHECK(connected_pair(&sock, &listener, &peer));
    later.fd = peer;
    later.delay_ms = 150;
    pthread_create(&writer, NULL, send_later, &later);
    start = hcsms_port_now_ms();
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 5000) == 1);
    CHECK(buf[0] == 'z');
    CHECK(hcsms_port_now_ms() - start < 2000);
    pthread_join(writer, NULL);
    close_pair(&sock, listener, peer);
}

static void test_send_partial_then_timeout(void)
{
    static unsigned char big[64 * 1024];
    hcsms_socket sock;
    int listener, peer, n, i, partial = 0, timed_out = 0;
    uint64_t start;

    CHECK(connected_pair(&sock, &listener, &peer));
    /* The peer reads nothing: the window and the send buffer fill up. */
    for (i = 0; i < 50 && !timed_out; i++) {
        n = hcsms_port_send(&sock, big, sizeof(big), 200);
        CHECK(n >= 0);
        if (n > 0 && (size_t)n < sizeof(big))
            partial = 1;
        if (n == 0)
            timed_out = 1;
    }
    CHECK(partial);
    CHECK(timed_out);
    start = hcsms_port_now_ms();
    CHECK(hcsms_port_send(&sock, big, sizeof(big), 0) == 0); /* full: no wait */
    CHECK(hcsms_port_now_ms() - start < 50);
    close_pair(&sock, listener, peer);
}

static void test_reset_by_peer(void)
{
    hcsms_socket sock;
    unsigned char buf[16];
    int listener, peer, n;

    CHECK(connected_pair(&sock, &listener, &peer));
    CHECK(hcsms_port_send(&sock, (const unsigned char *)"unread", 6, 1000) == 6);
    sleep_ms(50);
    lwip_close(peer); /* closing with unread data: lwIP answers with RST */
    n = hcsms_port_recv(&sock, buf, sizeof(buf), 1000);
    CHECK(n == HCSMS_ERR_CLOSED);
    CHECK(sock.os_error == ECONNRESET);
    n = hcsms_port_send(&sock, (const unsigned char *)"x", 1, 1000);
    CHECK(n == HCSMS_ERR_CLOSED || n == HCSMS_ERR_SEND);
    CHECK(sock.os_error != 0);
    close_pair(&sock, listener, -1);
}

static void test_closed_socket_is_an_error(void)
{
    hcsms_socket sock = {-1, 0};
    unsigned char buf[4] = {0};

    CHECK(hcsms_port_send(&sock, buf, sizeof(buf), 10) == HCSMS_ERR_SEND);
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 10) == HCSMS_ERR_RECV);
}

static void test_entropy_fails_closed(void)
{
    unsigned char a[32], b[32];

    entropy_fails = 0;
    CHECK(hcsms_port_entropy(a, sizeof(a)) == 0);
    CHECK(hcsms_port_entropy(b, sizeof(b)) == 0);
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    entropy_fails = 1;
    CHECK(hcsms_port_entropy(a, sizeof(a)) == HCSMS_ERR_ENTROPY);
    entropy_fails = 0;
}

/* ---- Set-up and runner ------------------------------------------------------ */

static struct netif black_hole;

static err_t swallow(struct netif *netif, struct pbuf *p, const ip4_addr_t *next_hop)
{
    (void)netif;
    (void)p;
    (void)next_hop;
    return ERR_OK;
}

static err_t black_hole_init(struct netif *netif)
{
    netif->name[0] = 'b';
    netif->name[1] = 'h';
    netif->output = swallow;
    netif->mtu = 1500;
    return ERR_OK;
}

static void tcpip_ready(void *arg)
{
    sys_sem_signal((sys_sem_t *)arg);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } tests[] = {
        {"clock wraps forward", test_clock_wraps_forward},
        {"connect numeric IPv4", test_connect_numeric_ipv4},
        {"connect numeric IPv6", test_connect_numeric_ipv6},
        {"connect by name", test_connect_by_name},
        {"connect falls back to the other family", test_connect_falls_back_to_other_family},
        {"connect shares its time with the second address",
         test_connect_shares_time_with_second_address},
        {"connect reports the first address's failure", test_connect_reports_first_failure},
        {"connect refused", test_connect_refused},
        {"connect without a route", test_connect_no_route},
        {"connect times out", test_connect_times_out},
        {"resolve fails", test_resolve_fails},
        {"recv timeout is 0", test_recv_timeout_is_zero},
        {"recv data, then orderly close", test_recv_data_then_orderly_close},
        {"recv wakes when data arrives", test_recv_wakes_when_data_arrives},
        {"send partial, then timeout", test_send_partial_then_timeout},
        {"reset by peer", test_reset_by_peer},
        {"closed socket is an error", test_closed_socket_is_an_error},
        {"entropy fails closed", test_entropy_fails_closed},
    };
    sys_sem_t ready;
    ip4_addr_t address, netmask, gateway;
    unsigned i, passed = 0, failures = 0;

    clock_offset = 0xffffffffu - unix_sys_now() - 300u;
    srand((unsigned)time(NULL));
    sys_sem_new(&ready, 0);
    tcpip_init(tcpip_ready, &ready);
    sys_arch_sem_wait(&ready, 0);

    IP4_ADDR(&address, 10, 9, 9, 1);
    IP4_ADDR(&netmask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 0, 0, 0, 0);
    LOCK_TCPIP_CORE();
    netif_add(&black_hole, &address, &netmask, &gateway, NULL, black_hole_init, tcpip_input);
    netif_set_up(&black_hole);
    netif_set_link_up(&black_hole);
    UNLOCK_TCPIP_CORE();

    for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        current = tests[i].name;
        failed = 0;
        tests[i].run();
        printf("%s %s\n", failed ? "FAIL" : "ok  ", current);
        if (failed)
            failures++;
        else
            passed++;
    }
    printf("%u passed, %u failed\n", passed, failures);
    return failures == 0 ? 0 : 1;
}
