/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedtls-baremetal-config.h - mbedTLS 3.6 user configuration for bare-metal
 * targets (no OS, no sockets, no file system, no wall clock), e.g. Cortex-M4
 * with arm-none-eabi-gcc and newlib.
 *
 * It is applied on top of the default include/mbedtls/mbedtls_config.h:
 *
 *   MBEDTLS_USER_CONFIG_FILE=scripts/mbedtls-baremetal-config.h \
 *     scripts/build-mbedtls.sh build/mbedtls-cm4 arm-none-eabi-gcc \
 *       -mcpu=cortex-m4 -mthumb -Os
 *
 * Code that includes the mbedTLS headers must be compiled with the same
 * -DMBEDTLS_USER_CONFIG_FILE (see OUTDIR/CONSUMER_CFLAGS), as the options
 * change structure layouts.
 *
 * The APPLICATION (the hcsms port for the board) must provide:
 *
 *   mbedtls_ms_time_t mbedtls_ms_time(void);
 *       monotonic milliseconds (e.g. from SysTick); declared in
 *       mbedtls/platform_time.h. Required by MBEDTLS_PLATFORM_MS_TIME_ALT.
 *
 *   int mbedtls_hardware_poll(void *data, unsigned char *output,
 *                             size_t len, size_t *olen);
 *       true random bytes from the MCU's TRNG; declared in
 *       mbedtls/entropy.h. Required by MBEDTLS_ENTROPY_HARDWARE_ALT.
 *       Without an entropy source psa_crypto_init() fails with
 *       PSA_ERROR_INSUFFICIENT_ENTROPY and no TLS connection is possible.
 *
 * time() is still used (MBEDTLS_HAVE_TIME: TLS session/ticket ages); with
 * newlib + nosys.specs it links against a stub that returns -1, which is
 * harmless for a client. Provide _gettimeofday() or define
 * MBEDTLS_PLATFORM_TIME_ALT and call mbedtls_platform_set_time() if a real
 * clock exists. Certificate validity dates are NOT checked
 * (MBEDTLS_HAVE_TIME_DATE is off): without a trusted wall clock the device
 * cannot check them anyway.
 */
#ifndef HCSMS_MBEDTLS_BAREMETAL_CONFIG_H
#define HCSMS_MBEDTLS_BAREMETAL_CONFIG_H

/* No BSD sockets, no timers from the OS, no stdio files. */
#undef MBEDTLS_NET_C
#undef MBEDTLS_TIMING_C
#undef MBEDTLS_FS_IO
#undef MBEDTLS_PSA_ITS_FILE_C
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C

/* No calendar time (gmtime_r): X.509 validity dates are not checked. */
#undef MBEDTLS_HAVE_TIME_DATE

/* No /dev/urandom / getrandom(): entropy comes from mbedtls_hardware_poll(). */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT

/* No clock_gettime(): mbedtls_ms_time() comes from the application
 * (otherwise library/platform_util.c stops with
 * #error "No mbedtls_ms_time available"). */
#define MBEDTLS_PLATFORM_MS_TIME_ALT

#endif /* HCSMS_MBEDTLS_BAREMETAL_CONFIG_H */
