/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixtures for the tests of the POSIX port (see port_posix_test.h): a
 * connected socket pair, a loopback listener, a test body in a forked child,
 * and every lookup slot held by a lookup that does not end.
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

int pair[2];
hcsms_socket sock;

int setup(void **state)
{
    (void)state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    sock.fd = pair[0];
    sock.os_error = 0;
    return 0;
}

int teardown(void **state)
{
    (void)state;
    disarm_faults();
    hcsms_port_close(&sock);
    if (pair[1] >= 0)
        close(pair[1]);
    return 0;
}

int loopback_listener(uint16_t *port)
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

int in_child(int (*body)(uint16_t), uint16_t port)
{
    pid_t pid;
    int status = 0;

    (void)fflush(NULL); /* nothing buffered is written twice */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        (void)signal(SIGALRM, SIG_DFL);
        (void)alarm(30);
        exit(body(port));
    }
    if (waitpid(pid, &status, 0) != pid)
        return 255;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#if HCSMS_POSIX_RESOLVER_THREAD

void occupy_every_lookup_slot(uint16_t port)
{
    hcsms_socket s;
    int i;

    set_gate(1);
    for (i = 0; i < 100 && lookups_at_gate(SLOTS, 0) < SLOTS; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 20, NULL, 0), HCSMS_ERR_TIMEOUT);
        assert_int_equal(s.os_error, EAI_AGAIN); /* the lookup had not ended */
        assert_int_equal(s.fd, -1);
        (void)lookups_at_gate(i + 1 < SLOTS ? i + 1 : SLOTS, 500);
    }
    assert_int_equal(lookups_at_gate(SLOTS, 0), SLOTS);
}

#endif /* HCSMS_POSIX_RESOLVER_THREAD */
