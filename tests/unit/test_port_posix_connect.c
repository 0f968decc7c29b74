/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's connect on loopback: refused, timed out, interrupted, each
 * failure with its errno and its socket closed, and the peer named as text
 * (IPv4, and IPv6 in brackets).
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

static void connect_refused_and_unresolvable(void **state)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    hcsms_socket s;
    int listener;
    uint16_t port;
    (void)state;

    /* A port that was just free: bind, read the number, close. */
    listener = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    port = ntohs(addr.sin_port);
    close(listener);

    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(s.os_error, ECONNREFUSED);
    assert_int_equal(s.fd, -1);
    assert_int_equal(hcsms_port_connect(&s, UNASKABLE_NAME, 443, 2000, NULL, 0), HCSMS_ERR_RESOLVE);
}

static void connect_succeeds_and_names_the_peer(void **state)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    char text[64];
    hcsms_socket s;
    int listener;
    (void)state;

    listener = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 1), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", ntohs(addr.sin_port), 2000, text,
                                        sizeof(text)), 0);
    assert_true(s.fd >= 0);
    assert_true(strncmp(text, "127.0.0.1:", 10) == 0);
    hcsms_port_close(&s);
    assert_int_equal(s.fd, -1);
    hcsms_port_close(&s); /* twice is fine */
    close(listener);
}

/* Every way a connect fails before a connection: HCSMS_ERR_CONNECT with the
 * errno of that failure, fd -1, and the socket it had opened closed again. */
static void connect_failures_keep_the_errno_and_close_the_socket(void **state)
{
    hcsms_socket s;
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(socket);
    REQUIRE_WRAP(fcntl);
    REQUIRE_WRAP(connect);
    REQUIRE_WRAP(poll);
    REQUIRE_WRAP(close);
    listener = loopback_listener(&port);

    arm(&faults.socket, 0, 1, EMFILE);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(s.os_error, EMFILE);
    assert_int_equal(s.fd, -1);

    faults.fcntl_command = F_SETFL;
    arm(&faults.fcntl, 0, 1, EINVAL);
    seen.socket_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(faults.fcntl.calls, 1);
    assert_int_equal(s.os_error, EINVAL);
    assert_int_equal(s.fd, -1);
    assert_true(seen.socket_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.socket_fd);

    arm(&faults.connect, 0, 1, ENETUNREACH);
    seen.socket_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(s.os_error, ENETUNREACH);
    assert_int_equal(s.fd, -1);
    assert_true(seen.socket_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.socket_fd);

    /* The wait for a connect in progress fails. */
    faults.connect_after_real = 1;
    arm(&faults.connect, 0, 1, EINPROGRESS);
    arm(&faults.poll, 0, 1, ENOMEM);
    seen.socket_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, NULL, 0), HCSMS_ERR_CONNECT);
    assert_int_equal(faults.poll.calls, 1);
    assert_int_equal(s.os_error, ENOMEM);
    assert_int_equal(s.fd, -1);
    assert_true(seen.socket_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.socket_fd);
    close(listener);
}

/* A connect interrupted by a signal (EINTR) goes on by itself: the port waits
 * for it as for one in progress, and it connects, non-blocking, and carries
 * bytes. */
static void interrupted_connect_still_connects(void **state)
{
    char text[64], expected[64];
    unsigned char buf[4];
    hcsms_socket s;
    uint16_t port;
    int listener, accepted;
    (void)state;

    REQUIRE_WRAP(connect);
    listener = loopback_listener(&port);
    faults.connect_after_real = 1;
    arm(&faults.connect, 0, 1, EINTR);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 2000, text, sizeof(text)), 0);
    assert_int_equal(faults.connect.calls, 1);
    assert_true(s.fd >= 0);
    assert_int_equal(s.os_error, 0);
    (void)snprintf(expected, sizeof(expected), "127.0.0.1:%u", (unsigned)port);
    assert_string_equal(text, expected);
    assert_true((fcntl(s.fd, F_GETFL, 0) & O_NONBLOCK) != 0);
    accepted = accept(listener, NULL, NULL);
    assert_true(accepted >= 0);
    assert_int_equal(hcsms_port_send(&s, (const unsigned char *)"ping", 4, 1000), 4);
    assert_int_equal(read(accepted, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "ping", 4);
    close(accepted);
    hcsms_port_close(&s);
    close(listener);
}

/* A connect that nobody answers (the listener's accept queue is full, so the
 * kernel drops its SYNs) ends at the deadline: HCSMS_ERR_TIMEOUT with
 * ETIMEDOUT, fd -1. */
static void unanswered_connect_times_out(void **state)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    hcsms_socket held[9];
    uint64_t start, elapsed = 0;
    int listener, i, n = 0, err = 0;
    uint16_t port;
    (void)state;

    listener = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(listener >= 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 0), 0); /* one connection fills it */
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    port = ntohs(addr.sin_port);
    for (i = 0; i < 8; i++) {
        start = stopwatch_ms();
        err = hcsms_port_connect(&held[n], "127.0.0.1", port, 200, NULL, 0);
        elapsed = stopwatch_ms() - start;
        if (err != 0)
            break;
        n++;
    }
    assert_int_equal(err, HCSMS_ERR_TIMEOUT);
    assert_int_equal(held[n].os_error, ETIMEDOUT);
    assert_int_equal(held[n].fd, -1);
    assert_true(elapsed >= 190);
    assert_true(elapsed < 2000);
    for (i = 0; i < n; i++)
        hcsms_port_close(&held[i]);
    close(listener);
}

/* The lookup's time counts: when it ends with no time left, no connect is
 * tried and the call is HCSMS_ERR_TIMEOUT with ETIMEDOUT. (A numeric host
 * parsed slowly stands in for a lookup that ends just at the deadline: a
 * name lookup still running then is abandoned, with EAI_AGAIN.) */
static void lookup_that_uses_up_the_time_leaves_no_connect(void **state)
{
    hcsms_socket s;
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    REQUIRE_WRAP(socket);
    listener = loopback_listener(&port);
    faults.lookup_delay_ms = 60;
    arm(&faults.socket, 0, 0, 0);
    assert_int_equal(hcsms_port_connect(&s, "127.0.0.1", port, 30, NULL, 0), HCSMS_ERR_TIMEOUT);
    assert_int_equal(s.os_error, ETIMEDOUT);
    assert_int_equal(s.fd, -1);
    assert_int_equal(faults.socket.calls, 0);
    close(listener);
}

/* An IPv6 peer is named in brackets, "[::1]:port" (skipped where the host
 * has no IPv6 loopback). */
static void connect_ipv6_names_the_peer_in_brackets(void **state)
{
    struct sockaddr_in6 addr;
    socklen_t len = sizeof(addr);
    char text[64], expected[64];
    hcsms_socket s;
    int listener;
    (void)state;

    listener = socket(AF_INET6, SOCK_STREAM, 0);
    if (listener < 0)
        skip();
    memset(&addr, 0, sizeof(addr));
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(listener);
        skip();
    }
    assert_int_equal(listen(listener, 4), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    assert_int_equal(hcsms_port_connect(&s, "::1", ntohs(addr.sin6_port), 2000, text, sizeof(text)), 0);
    assert_true(s.fd >= 0);
    (void)snprintf(expected, sizeof(expected), "[::1]:%u", (unsigned)ntohs(addr.sin6_port));
    assert_string_equal(text, expected);
    hcsms_port_close(&s);
    close(listener);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_refused_and_unresolvable),
        cmocka_unit_test(connect_succeeds_and_names_the_peer),
        cmocka_unit_test_teardown(connect_failures_keep_the_errno_and_close_the_socket, disarm),
        cmocka_unit_test_teardown(interrupted_connect_still_connects, disarm),
        cmocka_unit_test(unanswered_connect_times_out),
        cmocka_unit_test_teardown(lookup_that_uses_up_the_time_leaves_no_connect, disarm),
        cmocka_unit_test(connect_ipv6_names_the_peer_in_brackets),
    };

    disarm_faults();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
