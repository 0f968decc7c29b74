/*
 * What mbedTLS's bare-metal configuration (scripts/mbedtls-baremetal-config.h)
 * asks the application for, answered from the same sources as the hcsms
 * port, so that there is one clock and one entropy source on the device.
 */
#include <stddef.h>

#include <mbedtls/build_info.h>

#include "hcsms/port.h"
#include "hcsms_port_lwip.h"

#if defined(MBEDTLS_ENTROPY_HARDWARE_ALT)
#include <mbedtls/entropy.h>

/* PSA's entropy source. Fails whenever the TRNG does, like the port.
 * mbedTLS declares it only in a private header (library/entropy_poll.h). */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    if (hcsms_port_lwip_entropy(output, len) != 0)
        return -1;
    *olen = len;
    return 0;
}
#endif

#if defined(MBEDTLS_PLATFORM_MS_TIME_ALT)
#include <mbedtls/platform_time.h>

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)hcsms_port_now_ms();
}
#endif
