/* SPDX-License-Identifier: Apache-2.0 */
#include "net.h"

uint32_t hcsms_time_left(uint64_t deadline_ms)
{
    uint64_t now = hcsms_port_now_ms();

    if (now >= deadline_ms)
        return 0;
    if (deadline_ms - now > UINT32_MAX)
        return UINT32_MAX;
    return (uint32_t)(deadline_ms - now);
}
