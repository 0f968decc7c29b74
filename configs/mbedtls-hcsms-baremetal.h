/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedtls-hcsms-baremetal.h - mbedTLS 3.6 configuration for hcsms on a bare-metal
 * target (no OS, no file system, no wall clock, no OS entropy), e.g. a
 * Cortex-M4 with arm-none-eabi-gcc and newlib: configs/mbedtls-hcsms.h minus
 * its host-only lines ([host] there).
 *
 *   CC=arm-none-eabi-gcc \
 *   CFLAGS="-mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections" \
 *   MBEDTLS_CONFIG_FILE=configs/mbedtls-hcsms-baremetal.h \
 *     bash scripts/build-mbedtls.sh build/mbedtls-cm4-hcsms
 *
 * It #includes "mbedtls-hcsms.h" from its own folder: a build that copies only
 * this file (build-mbedtls.sh installs it as include/mbedtls-config.h) must
 * also put configs/ on the include path. Compile hcsms with the same
 * -DMBEDTLS_CONFIG_FILE, and with HCSMS_CONFIG_CA_FILE=0 (there are no files:
 * give the CA bundle as ca_data).
 *
 * The APPLICATION (the board's hcsms port) must provide:
 *
 *   int mbedtls_hardware_poll(void *data, unsigned char *output,
 *                             size_t len, size_t *olen);
 *       true random bytes from the MCU's TRNG (declared in
 *       mbedtls/entropy_poll.h). PSA (psa_crypto_init(), which TLS 1.3
 *       needs) draws its randomness from it; without it no connection can
 *       be made. (hcsms's own DRBG is seeded from hcsms_port_entropy(),
 *       which the port may implement with the same TRNG.)
 *
 * Nothing else: with MBEDTLS_HAVE_TIME off the library calls neither time()
 * nor mbedtls_ms_time(), so MBEDTLS_PLATFORM_MS_TIME_ALT (which
 * scripts/mbedtls-baremetal-config.h needs for the default configuration) is
 * not needed here. Consequences of having no clock: X.509 validity dates are
 * not checked (a device without a trusted clock cannot check them anyway),
 * and the TLS 1.2 ClientHello random is 32 random bytes instead of a 4-byte
 * time stamp and 28 random bytes (RFC 8446 recommends the former).
 *
 * Rebuild note: the build stamps (the Makefile's prerequisite and
 * build-mbedtls.sh's BUILDINFO) only see THIS file, not mbedtls-hcsms.h
 * that it includes: after editing mbedtls-hcsms.h, remove the output folder
 * of this configuration's mbedTLS build to force a rebuild.
 */
#ifndef HCSMS_MBEDTLS_BAREMETAL_CONFIG_H
#define HCSMS_MBEDTLS_BAREMETAL_CONFIG_H

#include "mbedtls-hcsms.h"

/* No wall clock: no validity-date checks (gmtime_r) ... */
#undef MBEDTLS_HAVE_TIME_DATE
/* ... and no time() at all (a client that never resumes sessions needs none). */
#undef MBEDTLS_HAVE_TIME
/* No file system: CA bundles come as memory (ca_data), not files. */
#undef MBEDTLS_FS_IO
/* No BSD sockets (already off in mbedtls-hcsms.h; hcsms uses its own port). */
#undef MBEDTLS_NET_C
/* No OS timers (already off in mbedtls-hcsms.h; only DTLS would use them). */
#undef MBEDTLS_TIMING_C
/* No persistent PSA keys (already off in mbedtls-hcsms.h). */
#undef MBEDTLS_PSA_ITS_FILE_C
/* No persistent PSA key storage (already off in mbedtls-hcsms.h). */
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C
/* x86-64 AES-NI is meaningless on an MCU. */
#undef MBEDTLS_AESNI_C

/* No /dev/urandom or getrandom(): do not compile the OS entropy source. */
#define MBEDTLS_NO_PLATFORM_ENTROPY
/* Entropy from the application's mbedtls_hardware_poll() (the MCU's TRNG). */
#define MBEDTLS_ENTROPY_HARDWARE_ALT

#endif /* HCSMS_MBEDTLS_BAREMETAL_CONFIG_H */
