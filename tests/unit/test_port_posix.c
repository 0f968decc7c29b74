/*
 * The POSIX port on real sockets: the return rules of the port contract
 * (0 = timed out, never end of stream; the peer's close as its own code),
 * partial sends, waits restarted after signals, connect failures, names
 * resolved on the helper thread (and lookups abandoned at the timeout).
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "hcsms/config.h"
#include "hcsms/error.h"
#include "hcsms/port.h"

/* A name no resolver can ask about: its first label is longer than DNS
 * allows (63), so the lookup fails before any query, network or not. */
#define UNASKABLE_NAME "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.invalid"

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
    assert_int_equal(hcsms_port_connect(&s, UNASKABLE_NAME, 443, 2000, NULL, 0), HCSMS_ERR_RESOLVE);
}

/* A failed lookup is HCSMS_ERR_RESOLVE with getaddrinfo's EAI_* code, not an
 * errno (glibc and musl: negative; errno values are positive), at once. */
static void unresolvable_name_gives_the_eai_code(void **state)
{
    static char too_long[HCSMS_HOST_MAX + 2];
    uint64_t start = hcsms_port_now_ms();
    hcsms_socket s;
    (void)state;

    assert_int_equal(hcsms_port_connect(&s, UNASKABLE_NAME, 443, 5000, NULL, 0), HCSMS_ERR_RESOLVE);
    assert_true(s.os_error == EAI_NONAME || s.os_error == EAI_FAIL);
#if EAI_NONAME < 0
    assert_true(s.os_error < 0);
#endif
    assert_int_equal(s.fd, -1);
    assert_true(hcsms_port_now_ms() - start < 2500); /* it did not wait for the time out */

    memset(too_long, 'a', sizeof(too_long) - 1);
    assert_int_equal(hcsms_port_connect(&s, too_long, 443, 5000, NULL, 0), HCSMS_ERR_RESOLVE);
    assert_int_equal(s.os_error, EAI_NONAME);
}

static int loopback_listener(uint16_t *port)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    int listener = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(listener >= 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 64), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
    *port = ntohs(addr.sin_port);
    return listener;
}

/* "localhost" is a name: looked up on the helper thread (from /etc/hosts),
 * then connected (if it gives ::1 first, that is refused and 127.0.0.1 is
 * tried next). */
static void connect_by_name(void **state)
{
    char text[64];
    hcsms_socket s;
    uint16_t port;
    int listener = loopback_listener(&port), i;
    (void)state;

    for (i = 0; i < 3; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 5000, text, sizeof(text)), 0);
        assert_true(s.fd >= 0);
        assert_int_equal(s.os_error, 0);
        assert_true(strncmp(text, "127.0.0.1:", 10) == 0);
        hcsms_port_close(&s);
    }
    close(listener);
}

/* With no time at all the lookup is abandoned (HCSMS_ERR_TIMEOUT; EAI_AGAIN
 * while it was still running, ETIMEDOUT if it ended with no time left for a
 * connect): it frees its own answer (LeakSanitizer and valgrind check that
 * at exit) and gives its slot back. More abandoned calls than there are slots
 * must not block, and the next call with time waits for a slot and works. */
static void abandoned_lookups_clean_up_after_themselves(void **state)
{
    uint64_t start;
    hcsms_socket s;
    uint16_t port;
    int listener = loopback_listener(&port), i;
    (void)state;

    start = hcsms_port_now_ms();
    for (i = 0; i < 20; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 0, NULL, 0), HCSMS_ERR_TIMEOUT);
        assert_true(s.os_error == EAI_AGAIN || s.os_error == ETIMEDOUT);
        assert_int_equal(s.fd, -1);
    }
    assert_true(hcsms_port_now_ms() - start < 5000); /* never waited for a lookup */
    for (i = 0; i < 6; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 5000, NULL, 0), 0);
        hcsms_port_close(&s);
    }
    usleep(200 * 1000); /* any lookup still running ends: nothing left at exit */
    close(listener);
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
        cmocka_unit_test(unresolvable_name_gives_the_eai_code),
        cmocka_unit_test(connect_by_name),
        cmocka_unit_test(abandoned_lookups_clean_up_after_themselves),
        cmocka_unit_test(entropy_and_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
