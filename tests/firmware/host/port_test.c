/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's behaviour on real lwIP: lwIP 2.1.3 runs in this process
 * (Debian's pthread OS layer) and talks to itself over its loopback
 * interface. Each check is a rule of include/hcsms/port.h; the last line is
 * "N passed, N failed".
 *
 * sys_now() is shifted so that lwIP's 32-bit clock wraps 300 ms after start:
 * the first test watches the port's 64-bit clock across the wrap, and every
 * later test runs on a wrapped clock.
 *
 * This file: lwIP's set-up, the helpers, the clock test and the runner; the
 * other checks are in port_test_connect.c, port_test_dns.c and
 * port_test_io.c (port_test.h). The first line says whether lwIP runs with
 * LWIP_TCPIP_CORE_LOCKING (the Makefile runs the test with and without).
 */
#include "port_test.h"

/* Debian's sys_arch.c is built with sys_now renamed to this. */
u32_t unix_sys_now(void);

static u32_t clock_offset;

u32_t sys_now(void)
{
    return unix_sys_now() + clock_offset;
}

int entropy_fails;

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

const char *current;
int failed;

void sleep_ms(unsigned ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* ---- lwIP-side helpers: a listener and the peer's end --------------------- */

int listen_on(int family, uint16_t *port)
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
int connected_pair(hcsms_socket *sock, int *listener, int *peer)
{
    uint16_t port;
    int rc;

    *listener = listen_on(AF_INET, &port);
    rc = hcsms_port_connect(sock, "127.0.0.1", port, 2000, NULL, 0);
    *peer = lwip_accept(*listener, NULL, NULL);
    return rc == 0 && *peer >= 0;
}

void close_pair(hcsms_socket *sock, int listener, int peer)
{
    hcsms_port_close(sock);
    if (peer >= 0)
        lwip_close(peer);
    lwip_close(listener);
}

/* ---- Tests ------------------------------------------------------------------ */

void test_clock_wraps_forward(void)
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

/* In the tcpip thread (so also without LWIP_TCPIP_CORE_LOCKING): the black
 * hole 10.9.9.1/24, then main() may go on. */
static void tcpip_ready(void *arg)
{
    ip4_addr_t address, netmask, gateway;

    IP4_ADDR(&address, 10, 9, 9, 1);
    IP4_ADDR(&netmask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 0, 0, 0, 0);
    netif_add(&black_hole, &address, &netmask, &gateway, NULL, black_hole_init, tcpip_input);
    netif_set_up(&black_hole);
    netif_set_link_up(&black_hole);
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
        {"dns: cached answer", test_dns_cached_answer},
        {"dns: answer arrives later", test_dns_answer_arrives_later},
        {"dns: timeout, then the late answer", test_dns_timeout_then_late_answer},
        {"dns: all slots busy", test_dns_all_slots_busy},
        {"dns: each lookup its own answer", test_dns_answers_not_crossed},
        {"dns: the server says no", test_dns_server_says_no},
        {"dns: the second family gets half the time", test_dns_second_family_gets_half},
        {"dns: abandoned second families leave a slot",
         test_dns_abandoned_second_families_leave_a_slot},
        {"dns: no time left, no query", test_dns_no_time_left_asks_nothing},
        {"recv timeout is 0", test_recv_timeout_is_zero},
        {"recv data, then orderly close", test_recv_data_then_orderly_close},
        {"recv wakes when data arrives", test_recv_wakes_when_data_arrives},
        {"send partial, then timeout", test_send_partial_then_timeout},
        {"reset by peer", test_reset_by_peer},
        {"closed socket is an error", test_closed_socket_is_an_error},
        {"entropy fails closed", test_entropy_fails_closed},
    };
    sys_sem_t ready;
    unsigned i, passed = 0, failures = 0;

    clock_offset = 0xffffffffu - unix_sys_now() - 300u;
    srand((unsigned)time(NULL));
    sys_sem_new(&ready, 0);
    tcpip_init(tcpip_ready, &ready);
    sys_arch_sem_wait(&ready, 0);
    printf("lwIP with LWIP_TCPIP_CORE_LOCKING=%d\n", LWIP_TCPIP_CORE_LOCKING);

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
