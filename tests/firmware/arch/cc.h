/*
 * lwIP compiler/platform glue for the firmware link test: arm-none-eabi-gcc
 * with newlib(-nano) on a Cortex-M4.
 */
#ifndef HCSMS_FIRMWARE_ARCH_CC_H
#define HCSMS_FIRMWARE_ARCH_CC_H

#include <stdint.h>
#include <sys/time.h>

/* newlib defines struct timeval; lwIP must not define it a second time. */
#define LWIP_TIMEVAL_PRIVATE 0

#define BYTE_ORDER LITTLE_ENDIAN

/* lwIP's defaults print with printf; this image has no console, and pulling
 * printf's machinery into the lwIP figure would overstate it. */
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) firmware_lwip_assert_failed()
void firmware_lwip_assert_failed(void);

/* DNS transaction ids and source ports, initial TCP ports: lwIP's default is
 * rand(), which is predictable. A real device takes these from its TRNG. */
#define LWIP_RAND() firmware_lwip_rand()
uint32_t firmware_lwip_rand(void);

#endif /* HCSMS_FIRMWARE_ARCH_CC_H */
