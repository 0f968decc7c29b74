/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's clocks: the wall clock unreadable or never set, and a
 * sleep cut short by signals (injected: see port_posix_test.h).
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

/* The wall clock: unreadable, or never set (before 2020), is HCSMS_ERR_CLOCK
 * and leaves *seconds alone; a set clock gives its seconds. */
static void utc_clock_unreadable_or_never_set(void **state)
{
    int64_t seconds = 42;
    (void)state;

    assert_int_equal(hcsms_port_utc_seconds(&seconds), 0); /* this host's clock is set */
    assert_true(seconds >= 1577836800);

    REQUIRE_WRAP(clock_gettime);
    seconds = 42;
    arm(&faults.realtime, 0, 1, EINVAL);
    assert_int_equal(hcsms_port_utc_seconds(&seconds), HCSMS_ERR_CLOCK);
    assert_int_equal(seconds, 42);

    faults.fake_realtime_set = 1;
    faults.fake_realtime = 1577836799; /* 2019-12-31 23:59:59 UTC */
    assert_int_equal(hcsms_port_utc_seconds(&seconds), HCSMS_ERR_CLOCK);
    assert_int_equal(seconds, 42);
    faults.fake_realtime = 1577836800; /* 2020-01-01 00:00:00 UTC */
    assert_int_equal(hcsms_port_utc_seconds(&seconds), 0);
    assert_int_equal(seconds, 1577836800);
}

/* A sleep cut short by a signal sleeps the rest (what nanosleep says is
 * left), not the whole time again, and not nothing. (The wrapped nanosleep
 * only records.) */
static void sleep_goes_on_after_signals(void **state)
{
    (void)state;

    REQUIRE_WRAP(nanosleep);
    faults.fake_sleep = 1;
    faults.sleep_left.tv_sec = 1;
    faults.sleep_left.tv_nsec = 250000000L;
    arm(&faults.nanosleep, 0, 1, EINTR);
    hcsms_port_sleep_ms(2500);
    assert_int_equal(faults.nanosleep.calls, 2);
    assert_int_equal(seen.sleep_asked[0].tv_sec, 2);
    assert_int_equal(seen.sleep_asked[0].tv_nsec, 500000000L);
    assert_int_equal(seen.sleep_asked[1].tv_sec, 1);
    assert_int_equal(seen.sleep_asked[1].tv_nsec, 250000000L);

    /* Any other failure ends it (no endless retry). */
    arm(&faults.nanosleep, 0, 1, EINVAL);
    hcsms_port_sleep_ms(10);
    assert_int_equal(faults.nanosleep.calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(utc_clock_unreadable_or_never_set, disarm),
        cmocka_unit_test_teardown(sleep_goes_on_after_signals, disarm),
    };

    disarm_faults();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
