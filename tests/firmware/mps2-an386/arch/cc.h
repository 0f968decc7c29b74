/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP compiler/platform glue for the mps2-an386 test board:
 * arm-none-eabi-gcc with newlib-nano on a Cortex-M4.
 */
#ifndef HCSMS_MPS2_ARCH_CC_H
#define HCSMS_MPS2_ARCH_CC_H

#include <stdint.h>
#include <sys/time.h>

/* newlib defines struct timeval; lwIP must not define it a second time. */
#define LWIP_TIMEVAL_PRIVATE 0
#define BYTE_ORDER LITTLE_ENDIAN

#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) board_lwip_assert_failed(x)
void board_lwip_assert_failed(const char *message) __attribute__((noreturn));

/* DNS transaction ids, source ports, initial sequence numbers: from the
 * board's entropy source, not rand(). */
#define LWIP_RAND() board_lwip_rand()
uint32_t board_lwip_rand(void);

#endif
