/*
 * The POSIX port on real sockets: the return rules of the port contract
 * (0 = timed out, never end of stream; the peer's close as its own code),
 * partial sends, waits restarted after signals, connect failures.
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "hcsms/error.h"
#include "hcsms/port.h"

static int pair[2];
static hcsms_socket sock;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    sock.fd = pair[0];
    sock.os_error = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hcsms_port_close(&sock);
    if (pair[1] >= 0)
        close(pair[1]);
    return 0;
}

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
    assert_int_equal(hcsms_port_connect(&s, "host.invalid", 443, 2000, NULL, 0), HCSMS_ERR_RESOLVE);
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

static void entropy_and_clock(void **state)
{
    unsigned char a[32], b[32];
    uint64_t t1, t2;
    (void)state;
    assert_int_equal(hcsms_port_entropy(a, sizeof(a)), 0);
    assert_int_equal(hcsms_port_entropy(b, sizeof(b)), 0);
    assert_memory_not_equal(a, b, sizeof(a));
    t1 = hcsms_port_now_ms();
    t2 = hcsms_port_now_ms();
    assert_true(t2 >= t1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(recv_timeout_is_zero_not_eof, setup, teardown),
        cmocka_unit_test_setup_teardown(recv_data_then_peer_close, setup, teardown),
        cmocka_unit_test_setup_teardown(partial_send_then_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(send_to_closed_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(signals_do_not_cut_waits, setup, teardown),
        cmocka_unit_test(connect_refused_and_unresolvable),
        cmocka_unit_test(connect_succeeds_and_names_the_peer),
        cmocka_unit_test(entropy_and_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
