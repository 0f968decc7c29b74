/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's clocks: sys_now() for deadlines (its wraps counted), the
 * application's wall clock for signing, and sys_msleep.
 */
#include "hcsms_port_lwip_private.h"

#include "lwip/sys.h"

#include "hcsms/error.h"
#include "hcsms/port.h"
#include "hcsms_port_lwip.h"

uint64_t hcsms_port_now_ms(void)
{
    /* sys_now() is 32 bits and wraps after 49.7 days. Counting the wraps
     * here keeps the clock from stepping back, provided it is read at least
     * once per wrap period; a longer silence loses whole periods, which only
     * makes time since then look shorter, never negative. */
    static uint32_t last;
    static uint32_t wraps;
    uint32_t now;
    uint64_t result;
    SYS_ARCH_DECL_PROTECT(level);

    SYS_ARCH_PROTECT(level);
    now = sys_now();
    if (now < last)
        wraps++;
    last = now;
    result = ((uint64_t)wraps << 32) | now;
    SYS_ARCH_UNPROTECT(level);
    return result;
}

void hcsms_port_sleep_ms(uint32_t ms)
{
    sys_msleep(ms); /* lwIP's OS layer: a task delay under an RTOS */
}

int hcsms_port_utc_seconds(int64_t *seconds)
{
    int64_t now = 0;

    if (seconds == NULL || hcsms_port_lwip_utc_time(&now) != 0 || now < 1577836800)
        return HCSMS_ERR_CLOCK; /* unset, or before 2020: never synchronised */
    *seconds = now;
    return 0;
}
