/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedtls-default-user.h - what the default build (make, MBEDTLS=3.6 without
 * MBEDTLS_CONFIG) adds to mbedTLS's stock configuration.
 *
 * It is applied AFTER include/mbedtls/mbedtls_config.h
 * (MBEDTLS_USER_CONFIG_FILE): the Makefile builds the pinned mbedTLS with it
 * and compiles hcsms with the same -DMBEDTLS_USER_CONFIG_FILE; make install
 * makes the installed copy's mbedtls_config.h include it, so consumers need
 * no flag. Another build system compiles mbedTLS AND every file including
 * its headers with
 *   -DMBEDTLS_USER_CONFIG_FILE='"mbedtls-default-user.h"'
 *
 * The stock configuration already has what the host build wants for the
 * NIST curves (MBEDTLS_ECP_WINDOW_SIZE 4, MBEDTLS_ECP_FIXED_POINT_OPTIM 1,
 * MBEDTLS_ECP_NIST_OPTIM); the numbers are in docs/crypto-choices.md.
 */

/* Project Everest's verified X25519 for the ECDH work of X25519, the first
 * group hcsms offers (src/net/tls_setup.c): TLS 1.2's ECDHE (key pair and
 * shared secret) and TLS 1.3's shared secret. Measured on x86-64, one cold
 * unlock: -22% with an RSA chain, -12% with a P-256 one (docs/crypto-choices.md,
 * make bench). Apache-2.0 only: with it, mbedTLS cannot be taken under its
 * GPL-2.0-or-later option (NOTICE). Its headers are installed next to
 * include/mbedtls by scripts/build-mbedtls.sh. */
#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED

/* Outgoing records of 4096 bytes instead of the stock 16384: the peak heap
 * of one unlock went from 59,463 to 37,777 bytes (make ram, docs/ram.md; the
 * output buffer is allocated at its full size for the connection's life).
 * A client sends little: the
 * ClientHello (about 210 bytes for "localhost", and a ticket when resuming)
 * and the request, which hcsms writes through its I/O buffer
 * (HCSMS_IO_BUFFER_SIZE) in pieces of at most that size, looping on partial
 * writes; a 16 KB token goes out in more records. Incoming records stay at
 * the TLS maximum: servers do not negotiate smaller ones. The recommended
 * device configuration uses 2048 (configs/mbedtls-hcsms.h). */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
