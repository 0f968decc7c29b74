/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's name resolution: names looked up on the helper thread,
 * failed lookups with their EAI_* code, lookups abandoned at the time out
 * that clean up after themselves, and a resolver that cannot be set up or
 * gets no thread (injected: see port_posix_test.h).
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

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

#if HCSMS_POSIX_RESOLVER_THREAD

#define SETUP_ALREADY_DONE 77

/* In a child whose resolver set-up fails (f armed): a name is
 * HCSMS_ERR_RESOLVE with EAI_SYSTEM ("could not be asked"), at once, fd -1;
 * a numeric host, which needs no lookup, still connects. */
static int resolve_without_set_up(const fault *f, uint16_t port)
{
    uint64_t start = stopwatch_ms();
    hcsms_socket s;
    int err = hcsms_port_connect(&s, "localhost", port, 5000, NULL, 0);

    if (f->calls == 0)
        return SETUP_ALREADY_DONE;
    if (err != HCSMS_ERR_RESOLVE)
        return 2;
    if (s.os_error != EAI_SYSTEM)
        return 3;
    if (s.fd != -1)
        return 4;
    if (stopwatch_ms() - start > 2500)
        return 5;
    if (hcsms_port_connect(&s, "127.0.0.1", port, 5000, NULL, 0) != 0)
        return 6;
    hcsms_port_close(&s);
    return 0;
}

static int child_condattr_init_fails(uint16_t port)
{
    arm(&faults.condattr_init, 0, 1, ENOMEM);
    return resolve_without_set_up(&faults.condattr_init, port);
}

/* A libc whose condition variables cannot wait on CLOCK_MONOTONIC. */
static int child_setclock_fails(uint16_t port)
{
    arm(&faults.condattr_setclock, 0, 1, EINVAL);
    return resolve_without_set_up(&faults.condattr_setclock, port);
}

static void check_child(int code)
{
    if (code == SETUP_ALREADY_DONE)
        fail_msg("the resolver was set up before this test: it must run before any name lookup");
    if (code != 0)
        fail_msg("child failed check %d (128 + N: signal N)", code);
}

/* The port sets its resolver up once per process, at the first name looked
 * up; so each case runs in a child forked before this process looked up any
 * name (this test comes first). */
static void resolver_that_cannot_be_set_up(void **state)
{
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(pthread_condattr_init);
    REQUIRE_WRAP(pthread_condattr_setclock);
    listener = loopback_listener(&port);
    check_child(in_child(child_condattr_init_fails, port));
    check_child(in_child(child_setclock_fails, port));
    close(listener);
}

/* No thread for the lookup (pthread_create: EAGAIN): HCSMS_ERR_RESOLVE with
 * EAI_SYSTEM at once, and the slot is given back: more failures than there
 * are slots, then a lookup that works. */
static void lookup_without_a_thread(void **state)
{
    uint64_t start;
    hcsms_socket s;
    uint16_t port;
    int listener, i;
    (void)state;

    REQUIRE_WRAP(pthread_create);
    listener = loopback_listener(&port);
    arm(&faults.thread, 0, SLOTS + 1, EAGAIN);
    start = stopwatch_ms();
    for (i = 0; i < SLOTS + 1; i++) {
        assert_int_equal(hcsms_port_connect(&s, "localhost", port, 3000, NULL, 0), HCSMS_ERR_RESOLVE);
        assert_int_equal(s.os_error, EAI_SYSTEM);
        assert_int_equal(s.fd, -1);
    }
    assert_int_equal(faults.thread.calls, SLOTS + 1);
    assert_true(stopwatch_ms() - start < 2500);
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 5000, NULL, 0), 0);
    assert_true(s.fd >= 0);
    hcsms_port_close(&s);
    close(listener);
}

static void no_host_is_a_resolve_error(void **state)
{
    hcsms_socket s;
    (void)state;

    s.fd = 99;
    s.os_error = 0;
    assert_int_equal(hcsms_port_connect(&s, NULL, 443, 1000, NULL, 0), HCSMS_ERR_RESOLVE);
    assert_int_equal(s.os_error, EAI_NONAME);
    assert_int_equal(s.fd, -1);
}

#endif /* HCSMS_POSIX_RESOLVER_THREAD */

int main(void)
{
    const struct CMUnitTest tests[] = {
#if HCSMS_POSIX_RESOLVER_THREAD
        /* First: it needs a process that has not looked up a name yet. */
        cmocka_unit_test_teardown(resolver_that_cannot_be_set_up, disarm),
#endif
        cmocka_unit_test(unresolvable_name_gives_the_eai_code),
        cmocka_unit_test(connect_by_name),
        cmocka_unit_test(abandoned_lookups_clean_up_after_themselves),
#if HCSMS_POSIX_RESOLVER_THREAD
        cmocka_unit_test_teardown(lookup_without_a_thread, disarm),
        cmocka_unit_test_teardown(no_host_is_a_resolve_error, disarm),
#endif
    };

    disarm_faults();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
