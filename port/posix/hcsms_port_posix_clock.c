/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's clocks: CLOCK_MONOTONIC for deadlines, CLOCK_REALTIME
 * for signing, and nanosleep.
 */
/* A feature-test macro, reserved by design: clock_gettime, nanosleep. */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <time.h>

#include "hcsms/error.h"
#include "hcsms/port.h"

uint64_t hcsms_port_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return UINT64_MAX; /* every deadline has passed (port.h) */
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void hcsms_port_sleep_ms(uint32_t ms)
{
    struct timespec left, want;

    want.tv_sec = (time_t)(ms / 1000u);
    want.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&want, &left) != 0 && errno == EINTR)
        want = left;
}

int hcsms_port_utc_seconds(int64_t *seconds)
{
    struct timespec ts;

    /* Before 2020 the clock was never set (an RTC without battery, no NTP
     * yet): a signature from it would only be rejected as expired. */
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 1577836800)
        return HCSMS_ERR_CLOCK;
    *seconds = (int64_t)ts.tv_sec;
    return 0;
}
