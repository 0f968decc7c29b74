/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's connect on real lwIP (see port_test.c): numeric IPv4 and
 * IPv6, by name, the fall back to the other family and the time shared with
 * it, refused, no route, timed out, and a name that does not resolve.
 */
#include "port_test.h"

void test_connect_numeric_ipv4(void)
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

void test_connect_numeric_ipv6(void)
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

void test_connect_by_name(void)
{
    hcsms_socket sock;
    uint16_t port;
    int listener = listen_on(AF_INET, &port);

    CHECK(hcsms_port_connect(&sock, "localhost", port, 2000, NULL, 0) == 0);
    close_pair(&sock, listener, lwip_accept(listener, NULL, NULL));
}

void test_connect_falls_back_to_other_family(void)
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

void test_connect_shares_time_with_second_address(void)
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

void test_connect_reports_first_failure(void)
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

void test_connect_refused(void)
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

void test_connect_no_route(void)
{
    hcsms_socket sock;

    CHECK(hcsms_port_connect(&sock, "192.0.2.1", 443, 2000, NULL, 0) == HCSMS_ERR_CONNECT);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error == EHOSTUNREACH);
}

void test_connect_times_out(void)
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

void test_resolve_fails(void)
{
    hcsms_socket sock;

    uint64_t start = hcsms_port_now_ms();

    CHECK(hcsms_port_connect(&sock, "host.invalid", 443, 2000, NULL, 0) == HCSMS_ERR_RESOLVE);
    CHECK(sock.fd == -1);
    CHECK(sock.os_error != 0);
    printf("     (no DNS server: EAI code %d after %u ms)\n", sock.os_error,
           (unsigned)(hcsms_port_now_ms() - start));
}
