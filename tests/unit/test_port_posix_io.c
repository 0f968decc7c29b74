/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's send and recv on a real socket pair: the return rules of
 * the port contract (0 = timed out, never end of stream; the peer's close as
 * its own code), partial sends, waits restarted after signals with the time
 * that is left, and the failures injected through the wrapped calls (see
 * port_posix_test.h).
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

static void recv_timeout_is_zero_not_eof(void **state)
{
    unsigned char buf[8];
    uint64_t start = hcsms_port_now_ms();
    (void)state;
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 50), 0);
    assert_true(hcsms_port_now_ms() - start >= 45);
    /* Zero wait: report what is there now. */
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 0), 0);
}

static void recv_data_then_peer_close(void **state)
{
    unsigned char buf[8];
    (void)state;
    assert_int_equal(write(pair[1], "abc", 3), 3);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), 3);
    assert_memory_equal(buf, "abc", 3);
    close(pair[1]);
    pair[1] = -1;
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), HCSMS_ERR_CLOSED);
}

static void partial_send_then_timeout(void **state)
{
    static unsigned char big[1 << 20];
    int small = 4096, n;
    (void)state;
    setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    n = hcsms_port_send(&sock, big, sizeof(big), 50);
    assert_true(n > 0);
    assert_true((size_t)n < sizeof(big)); /* the peer reads nothing: partial */
    while ((n = hcsms_port_send(&sock, big, sizeof(big), 20)) > 0)
        ;
    assert_int_equal(n, 0); /* full: timed out, not an error */
}

static void send_to_closed_peer(void **state)
{
    int n;
    (void)state;
    close(pair[1]);
    pair[1] = -1;
    n = hcsms_port_send(&sock, (const unsigned char *)"x", 1, 100);
    assert_true(n == HCSMS_ERR_CLOSED || n == HCSMS_ERR_SEND);
    assert_int_equal(sock.os_error, EPIPE); /* and no SIGPIPE killed us */
}

static void on_alarm(int signal_number)
{
    (void)signal_number;
}

static void *write_later(void *arg)
{
    sigset_t alarm_only;
    (void)arg;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &alarm_only, NULL);
    usleep(150 * 1000);
    if (write(pair[1], "z", 1) != 1)
        return (void *)1;
    return NULL;
}

static void signals_do_not_cut_waits(void **state)
{
    struct sigaction sa;
    struct itimerval every_10ms;
    unsigned char buf[4];
    pthread_t writer;
    (void)state;

    /* qemu-user (armhf runs) crashes on SIGALRM storms in threaded
     * programs, even a ten-line one with no hcsms code: skip there. */
    if (getenv("HCSMS_TEST_EMULATED") != NULL)
        skip();

    /* The writer thread exists before the signals start (and blocks them),
     * so only the waiting thread is interrupted. */
    assert_int_equal(pthread_create(&writer, NULL, write_later, NULL), 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART: poll fails with EINTR */
    sigaction(SIGALRM, &sa, NULL);
    memset(&every_10ms, 0, sizeof(every_10ms));
    every_10ms.it_interval.tv_usec = 10000;
    every_10ms.it_value.tv_usec = 10000;
    setitimer(ITIMER_REAL, &every_10ms, NULL);

    /* Interrupted many times, it still waits its time out and says 0. */
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 100), 0);
    /* And it still gets data that arrives between the signals (at 150 ms). */
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 5000), 1);
    assert_int_equal(buf[0], 'z');
    pthread_join(writer, NULL);

    memset(&every_10ms, 0, sizeof(every_10ms));
    setitimer(ITIMER_REAL, &every_10ms, NULL);
}

/* send and recv interrupted by signals are called again: the bytes go
 * through, and no error is reported. */
static void send_and_recv_go_on_after_eintr(void **state)
{
    unsigned char buf[8];
    (void)state;

    REQUIRE_WRAP(send);
    REQUIRE_WRAP(recv);
    arm(&faults.send, 0, 2, EINTR);
    assert_int_equal(hcsms_port_send(&sock, (const unsigned char *)"hello", 5, 1000), 5);
    assert_int_equal(faults.send.calls, 3);
    assert_int_equal(read(pair[1], buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "hello", 5);

    assert_int_equal(write(pair[1], "world", 5), 5);
    arm(&faults.recv, 0, 2, EINTR);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), 5);
    assert_int_equal(faults.recv.calls, 3);
    assert_memory_equal(buf, "world", 5);
    assert_int_equal(sock.os_error, 0);
}

/* A failing send or recv gives its errno in os_error; a reset connection is
 * HCSMS_ERR_CLOSED, anything else HCSMS_ERR_SEND / HCSMS_ERR_RECV. */
static void send_and_recv_errors_keep_the_errno(void **state)
{
    unsigned char buf[8];
    (void)state;

    REQUIRE_WRAP(send);
    REQUIRE_WRAP(recv);
    arm(&faults.send, 0, 1, ENOBUFS);
    assert_int_equal(hcsms_port_send(&sock, (const unsigned char *)"x", 1, 1000), HCSMS_ERR_SEND);
    assert_int_equal(sock.os_error, ENOBUFS);
    arm(&faults.send, 0, 1, ECONNRESET);
    assert_int_equal(hcsms_port_send(&sock, (const unsigned char *)"x", 1, 1000), HCSMS_ERR_CLOSED);
    assert_int_equal(sock.os_error, ECONNRESET);

    arm(&faults.recv, 0, 1, EIO);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), HCSMS_ERR_RECV);
    assert_int_equal(sock.os_error, EIO);
    arm(&faults.recv, 0, 1, ECONNRESET);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 1000), HCSMS_ERR_CLOSED);
    assert_int_equal(sock.os_error, ECONNRESET);
}

/* A wait (poll) that fails is an error with its errno, at once: never 0,
 * which would say "timed out" and be waited for again. */
static void failed_waits_are_errors_not_timeouts(void **state)
{
    static unsigned char big[1 << 16];
    unsigned char buf[8];
    uint64_t start;
    int small = 4096;
    (void)state;

    REQUIRE_WRAP(poll);
    arm(&faults.poll, 0, 1, ENOMEM);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 5000), HCSMS_ERR_RECV);
    assert_int_equal(sock.os_error, ENOMEM);
    assert_int_equal(faults.poll.calls, 1);
    assert_true(stopwatch_ms() - start < 2500);

    /* Fill the socket (the peer reads nothing), then wait for room. */
    setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    while (hcsms_port_send(&sock, big, sizeof(big), 0) > 0)
        ;
    sock.os_error = 0;
    arm(&faults.poll, 0, 1, ENOMEM);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_send(&sock, big, sizeof(big), 5000), HCSMS_ERR_SEND);
    assert_int_equal(sock.os_error, ENOMEM);
    assert_int_equal(faults.poll.calls, 1);
    assert_true(stopwatch_ms() - start < 2500);
}

/* A wait interrupted by signals (each 30 ms into the wait; without a signal
 * storm, which qemu-user cannot take: see signals_do_not_cut_waits) goes on
 * with the time that is left, not its whole time again: it ends at its time
 * out with 0. */
static void interrupted_waits_go_on_with_the_time_left(void **state)
{
    unsigned char buf[8];
    uint64_t start, elapsed;
    int i;
    (void)state;

    REQUIRE_WRAP(poll);
    faults.poll_fails_after_ms = 30;
    arm(&faults.poll, 0, 3, EINTR);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 100), 0);
    elapsed = stopwatch_ms() - start;
    assert_int_equal(faults.poll.calls, 4);
    assert_true(elapsed >= 90);
    assert_true(elapsed < 1500);
    for (i = 0; i < 4; i++) {
        assert_true(seen.poll_timeout[i] >= 0);
        assert_true(seen.poll_timeout[i] <= 100 - 30 * i); /* at least 30 ms less each time */
    }
}

/* A closed socket (fd -1) is an error for send and recv, never 0. */
static void closed_socket_is_an_error_not_a_timeout(void **state)
{
    unsigned char buf[4];
    hcsms_socket closed;
    (void)state;

    closed.fd = -1;
    closed.os_error = 0;
    assert_int_equal(hcsms_port_send(&closed, (const unsigned char *)"x", 1, 100), HCSMS_ERR_SEND);
    assert_int_equal(hcsms_port_recv(&closed, buf, sizeof(buf), 100), HCSMS_ERR_RECV);
    assert_int_equal(hcsms_port_recv(&closed, buf, 0, 0), HCSMS_ERR_RECV);
}

/* A length over INT_MAX is asked for as INT_MAX: the count read always fits
 * the int that recv returns. (The wrapped recv only pretends to read.) */
static void recv_length_is_cut_to_int_max(void **state)
{
    unsigned char buf[8];
    (void)state;

    REQUIRE_WRAP(recv);
    faults.recv_fake = "abc";
    assert_int_equal(hcsms_port_recv(&sock, buf, (size_t)0x80000000u + 16u, 1000), 3);
    assert_int_equal(seen.recv_asked, 0x7fffffff);
    assert_memory_equal(buf, "abc", 3);
}

/* A monotonic clock that cannot be read must not make a wait endless: the
 * clock says UINT64_MAX (port.h), every deadline has passed, and a wait
 * ends at once as a time out. */
static void waits_end_when_the_clock_cannot_be_read(void **state)
{
    unsigned char buf[8];
    (void)state;

    REQUIRE_WRAP(clock_gettime);
    REQUIRE_WRAP(poll);
    arm(&faults.monotonic, 0, 1000000, EINVAL);
    assert_true(hcsms_port_now_ms() == UINT64_MAX);
    assert_int_equal(hcsms_port_recv(&sock, buf, sizeof(buf), 60000), 0);
    assert_true(faults.monotonic.calls > 1);
    assert_true(faults.poll.calls <= 1); /* at most one look, without waiting */
    if (faults.poll.calls == 1)
        assert_int_equal(seen.poll_timeout[0], 0);
}

/* One read of the clock fails, the next ones work: the deadline made from
 * the failed read has passed (port.h's hcsms_port_deadline_after), it does
 * not lie 24 days ahead. A send on a full socket that must wait shows it:
 * its poll is asked for no time (the poll then fails, so that a regression
 * fails the case instead of hanging it). */
static void a_deadline_from_a_failed_clock_read_has_passed(void **state)
{
    static unsigned char big[1 << 20];
    int small = 4096;
    (void)state;

    REQUIRE_WRAP(clock_gettime);
    REQUIRE_WRAP(poll);
    setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    while (hcsms_port_send(&sock, big, sizeof(big), 20) > 0)
        ; /* full */
    arm(&faults.monotonic, 0, 1, EINVAL);
    arm(&faults.poll, 0, 1, EINVAL);
    (void)hcsms_port_send(&sock, big, sizeof(big), 0);
    assert_int_equal(faults.monotonic.calls, 2); /* the failed read, then one that worked */
    assert_int_equal(faults.poll.calls, 1);
    assert_int_equal(seen.poll_timeout[0], 0);

    assert_true(hcsms_port_deadline_after(0) != 0); /* a working clock */
    arm(&faults.monotonic, 0, 1, EINVAL);
    assert_true(hcsms_port_deadline_after(60000) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(recv_timeout_is_zero_not_eof, setup, teardown),
        cmocka_unit_test_setup_teardown(recv_data_then_peer_close, setup, teardown),
        cmocka_unit_test_setup_teardown(partial_send_then_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(a_deadline_from_a_failed_clock_read_has_passed, setup, teardown),
        cmocka_unit_test_setup_teardown(send_to_closed_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(signals_do_not_cut_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(send_and_recv_go_on_after_eintr, setup, teardown),
        cmocka_unit_test_setup_teardown(send_and_recv_errors_keep_the_errno, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_waits_are_errors_not_timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(interrupted_waits_go_on_with_the_time_left, setup, teardown),
        cmocka_unit_test(closed_socket_is_an_error_not_a_timeout),
        cmocka_unit_test_setup_teardown(recv_length_is_cut_to_int_max, setup, teardown),
        cmocka_unit_test_setup_teardown(waits_end_when_the_clock_cannot_be_read, setup, teardown),
    };

    disarm_faults();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
