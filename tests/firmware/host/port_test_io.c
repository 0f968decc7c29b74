/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's recv, send and close on real lwIP (see port_test.c): 0 for
 * a time out, the orderly close and the reset as HCSMS_ERR_CLOSED, partial
 * sends, a closed socket, and entropy that fails closed.
 */
#include "port_test.h"

void test_recv_timeout_is_zero(void)
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

void test_recv_data_then_orderly_close(void)
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

void test_recv_wakes_when_data_arrives(void)
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

void test_send_partial_then_timeout(void)
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

void test_reset_by_peer(void)
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

void test_closed_socket_is_an_error(void)
{
    hcsms_socket sock = {-1, 0};
    unsigned char buf[4] = {0};

    CHECK(hcsms_port_send(&sock, buf, sizeof(buf), 10) == HCSMS_ERR_SEND);
    CHECK(hcsms_port_recv(&sock, buf, sizeof(buf), 10) == HCSMS_ERR_RECV);
}

void test_entropy_fails_closed(void)
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
