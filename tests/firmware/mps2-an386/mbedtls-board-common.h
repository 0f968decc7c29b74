/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the mps2-an386 test board adds to either mbedTLS configuration.
 *
 * No libc heap: mbedTLS allocates from a static pool that board.c hands to
 * mbedtls_memory_buffer_alloc_init() (MBEDTLS_MEMORY_BUFFER_ALLOC_C), so the
 * peak it used can be read after a run.
 *
 * A wall clock: this board gets UTC from the host (semihosting SYS_TIME, see
 * board.c); a product gets it from an RTC set by SNTP. With it, X.509
 * validity dates are checked (MBEDTLS_HAVE_TIME_DATE, newlib's gmtime_r) and
 * TLS session tickets have an age (MBEDTLS_HAVE_TIME). mbedtls_ms_time()
 * comes from the board's millisecond tick.
 */
#ifndef HCSMS_MPS2_MBEDTLS_BOARD_COMMON_H
#define HCSMS_MPS2_MBEDTLS_BOARD_COMMON_H

#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_MS_TIME_ALT
/* mbedTLS falls back to gmtime() where it does not know gmtime_r, and
 * newlib's gmtime() allocates its result: board.c maps it to gmtime_r. */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT

#endif
