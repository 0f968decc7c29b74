/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's lookup slots: every slot held by a lookup that does not
 * end (the gate in port_posix_faults.c), a call waits for a slot within its
 * time; and fork(), in the middle of that or while a caller waits for its
 * lookup, leaves the child free slots and a lock and condition it can use.
 * Only with the resolver thread (HCSMS_POSIX_RESOLVER_THREAD, the default).
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

#if HCSMS_POSIX_RESOLVER_THREAD

static void *open_gate_later(void *argument)
{
    (void)argument;
    usleep(100 * 1000);
    set_gate(0);
    return NULL;
}

/* Every slot held by a lookup that does not end: a call waits for a slot for
 * its whole time and no longer (HCSMS_ERR_TIMEOUT, EAI_AGAIN), starting no
 * lookup; a call that is still waiting when the lookups end takes a slot
 * and connects. */
static void lookups_wait_for_a_free_slot_in_their_time(void **state)
{
    uint64_t start, elapsed;
    pthread_t opener;
    hcsms_socket s;
    uint16_t port;
    int listener;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    listener = loopback_listener(&port);
    occupy_every_lookup_slot(port);

    start = stopwatch_ms();
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 150, NULL, 0), HCSMS_ERR_TIMEOUT);
    elapsed = stopwatch_ms() - start;
    assert_int_equal(s.os_error, EAI_AGAIN);
    assert_int_equal(s.fd, -1);
    assert_true(elapsed >= 140);
    assert_true(elapsed < 2000);
    assert_int_equal(lookups_at_gate(SLOTS, 0), SLOTS); /* none started */

    assert_int_equal(pthread_create(&opener, NULL, open_gate_later, NULL), 0);
    start = stopwatch_ms();
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 10000, NULL, 0), 0);
    elapsed = stopwatch_ms() - start;
    assert_true(s.fd >= 0);
    assert_true(elapsed >= 80); /* not before the gate opened */
    assert_true(elapsed < 5000);
    hcsms_port_close(&s);
    assert_int_equal(pthread_join(opener, NULL), 0);
    close(listener);
}

/* In a child forked while every slot held an abandoned lookup (whose thread
 * lives on in the parent only), every slot is free: names resolve there,
 * more of them than there are slots. */
static int child_resolves_names(uint16_t port)
{
    hcsms_socket s;
    int i, err;

    /* First without threads: with pthread_create failing, a lookup that
     * finds a free slot fails at once with EAI_SYSTEM; one that finds none
     * waits its time out (HCSMS_ERR_TIMEOUT, EAI_AGAIN). */
    arm(&faults.thread, 0, SLOTS + 1, EAGAIN);
    for (i = 0; i < SLOTS + 1; i++) {
        err = hcsms_port_connect(&s, "localhost", port, 1000, NULL, 0);
        if (err != HCSMS_ERR_RESOLVE || s.os_error != EAI_SYSTEM)
            return 10 + i;
    }
    /* qemu-user cannot start a thread in the child of a threaded program
     * (it aborts): there, that is all. */
    if (getenv("HCSMS_TEST_EMULATED") != NULL)
        return 0;
    /* Then for real. The gate's lock and condition are copies of the
     * parent's: start them afresh. */
    reset_gate_after_fork();
    for (i = 0; i < SLOTS + 1; i++) {
        if (hcsms_port_connect(&s, "localhost", port, 3000, NULL, 0) != 0)
            return 20 + i;
        hcsms_port_close(&s);
    }
    return 0;
}

/* The fork handlers: the child starts with free slots and a free lock, the
 * parent keeps its lookups and its lock is released after the fork. */
static void fork_leaves_the_child_free_lookup_slots(void **state)
{
    hcsms_socket s;
    uint16_t port;
    int listener, code;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    listener = loopback_listener(&port);
    occupy_every_lookup_slot(port);
    code = in_child(child_resolves_names, port);
    if (code >= 10 && code < 20)
        fail_msg("in the child, with no thread for it, lookup %d of %d did not find a free slot",
                 code - 9, SLOTS + 1);
    if (code >= 20 && code < 30)
        fail_msg("in the child, name lookup %d of %d failed", code - 19, SLOTS + 1);
    if (code != 0)
        fail_msg("the child failed: exit %d (128 + N: signal N)", code);
    assert_int_equal(lookups_at_gate(SLOTS, 0), SLOTS); /* the parent's are still there */

    /* A parent whose lock stayed taken would hang here: the alarm ends it. */
    (void)signal(SIGALRM, SIG_DFL);
    (void)alarm(60);
    set_gate(0);
    assert_int_equal(hcsms_port_connect(&s, "localhost", port, 10000, NULL, 0), 0);
    (void)alarm(0);
    hcsms_port_close(&s);
    close(listener);
}

/* A caller that waits for its (held) lookup in the parent. */
static uint16_t waiting_port;
static int waiting_result;
static void *wait_for_a_lookup(void *argument)
{
    hcsms_socket s;
    (void)argument;

    waiting_result = hcsms_port_connect(&s, "localhost", waiting_port, 20000, NULL, 0);
    if (waiting_result == 0)
        hcsms_port_close(&s);
    return NULL;
}

static int child_resolves_names_one_by_one(uint16_t port)
{
    hcsms_socket s;
    int i;

    reset_gate_after_fork();
    (void)alarm(10);
    for (i = 0; i < 3; i++) {
        if (hcsms_port_connect(&s, "localhost", port, 3000, NULL, 0) != 0)
            return 20 + i;
        hcsms_port_close(&s);
    }
    return 0;
}

/* fork() while another thread of the parent waits for its lookup (in
 * pthread_cond_timedwait on the port's condition variable): in the child,
 * names still resolve, each within its time out. (glibc copies that wait
 * into the child as a reference to the condition variable that no thread
 * there will drop; a broadcast in the child then waits for it for ever,
 * holding the port's lock, unless the child's fork handler starts the
 * condition variable afresh.) */
static void fork_while_a_caller_waits_for_its_lookup(void **state)
{
    pthread_t caller;
    uint16_t port;
    int listener, code;
    (void)state;

    REQUIRE_WRAP(getaddrinfo);
    if (getenv("HCSMS_TEST_EMULATED") != NULL)
        skip(); /* qemu-user: no threads in a forked child */
    listener = loopback_listener(&port);
    waiting_port = port;
    waiting_result = -1;
    set_gate(1);
    assert_int_equal(pthread_create(&caller, NULL, wait_for_a_lookup, NULL), 0);
    assert_int_equal(lookups_at_gate(1, 5000), 1);
    usleep(100 * 1000); /* the caller sleeps in its wait by now */
    code = in_child(child_resolves_names_one_by_one, port);
    set_gate(0);
    assert_int_equal(pthread_join(caller, NULL), 0); /* before anything can fail */
    close(listener);
    if (code == 128 + SIGALRM)
        fail_msg("in the child, a name lookup hung past its time out");
    if (code != 0)
        fail_msg("in the child, name lookup %d of 3 failed (exit %d)", code - 19, code);
    assert_int_equal(waiting_result, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(lookups_wait_for_a_free_slot_in_their_time, disarm),
        cmocka_unit_test_teardown(fork_leaves_the_child_free_lookup_slots, disarm),
        cmocka_unit_test_teardown(fork_while_a_caller_waits_for_its_lookup, disarm),
    };

    disarm_faults();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* !HCSMS_POSIX_RESOLVER_THREAD */

int main(void)
{
    print_message("built with HCSMS_POSIX_RESOLVER_THREAD=0: no lookup slots to test\n");
    return 0;
}

#endif /* HCSMS_POSIX_RESOLVER_THREAD */
