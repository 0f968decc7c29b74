/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the host test of the lwIP port shares among its files: port_test.c
 * (lwIP's set-up, the helpers, the clock test and the runner),
 * port_test_connect.c (connect and resolve), port_test_dns.c (lookups
 * against a DNS server on lwIP's loopback) and port_test_io.c (send, recv,
 * close and entropy).
 */
#ifndef HCSMS_PORT_TEST_H
#define HCSMS_PORT_TEST_H

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

/* The test that runs now (for CHECK's message), and whether it failed. */
extern const char *current;
extern int failed;

/* Non-zero: the application's entropy source fails. */
extern int entropy_fails;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: %s: failed: %s\n", __FILE__, __LINE__, current, #cond); \
            failed = 1;                                                                 \
        }                                                                               \
    } while (0)

void sleep_ms(unsigned ms);

/* ---- lwIP-side helpers: a listener and the peer's end (port_test.c) ------- */

/* A listener on lwIP's loopback (127.0.0.1 or ::1) and its port; exits the
 * test if lwIP refuses. */
int listen_on(int family, uint16_t *port);
/* A connected pair: sock (the port's) and *peer (lwIP's accepted end). */
int connected_pair(hcsms_socket *sock, int *listener, int *peer);
void close_pair(hcsms_socket *sock, int listener, int peer);

/* ---- The tests, in the order main() runs them ---------------------------- */

void test_clock_wraps_forward(void);

/* port_test_connect.c */
void test_connect_numeric_ipv4(void);
void test_connect_numeric_ipv6(void);
void test_connect_by_name(void);
void test_connect_falls_back_to_other_family(void);
void test_connect_shares_time_with_second_address(void);
void test_connect_reports_first_failure(void);
void test_connect_refused(void);
void test_connect_no_route(void);
void test_connect_times_out(void);
void test_resolve_fails(void);

/* port_test_dns.c */
void test_dns_cached_answer(void);
void test_dns_answer_arrives_later(void);
void test_dns_timeout_then_late_answer(void);
void test_dns_all_slots_busy(void);
void test_dns_answers_not_crossed(void);
void test_dns_server_says_no(void);
void test_dns_second_family_gets_half(void);
void test_dns_abandoned_second_families_leave_a_slot(void);
void test_dns_no_time_left_asks_nothing(void);

/* port_test_io.c */
void test_recv_timeout_is_zero(void);
void test_recv_data_then_orderly_close(void);
void test_recv_wakes_when_data_arrives(void);
void test_send_partial_then_timeout(void);
void test_reset_by_peer(void);
void test_closed_socket_is_an_error(void);
void test_entropy_fails_closed(void);

#endif /* HCSMS_PORT_TEST_H */
