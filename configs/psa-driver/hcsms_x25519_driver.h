/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_x25519_driver.h - a PSA transparent driver for mbedTLS 3.6 that computes
 * X25519 public keys with Project Everest's verified Curve25519 (HACL*).
 *
 * Why: mbedTLS 3.6 computes the public key of the TLS 1.3 key share
 * (psa_export_public_key) with its generic ECP Montgomery ladder, about 5.4M
 * instructions on x86-64, while Everest, which a build with
 * MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED already carries for the shared secret,
 * does the same multiplication in about 1M (0.5M where gcc builds it at -O3,
 * as hcsms's host build does). A client pays it on every full TLS 1.3
 * handshake and every psk_dhe_ke resumption, and on TLS 1.2 connections too, since
 * its ClientHello offers TLS 1.3 with a key share (docs/crypto-choices.md).
 *
 * How it is built in: scripts/build-mbedtls.sh, when the configuration defines
 * HCSMS_X25519_DRIVER_ENABLED below, regenerates mbedTLS's driver dispatch code
 * (library/psa_crypto_driver_wrappers.h, psa_crypto_driver_wrappers_no_static.c)
 * with mbedTLS's own scripts/generate_driver_wrappers.py from the upstream driver
 * descriptions plus hcsms_x25519_driver.json, and adds hcsms_x25519_driver.c to
 * libmbedcrypto.a. That is how mbedTLS 3.6 documents integrating a driver for the
 * export_public_key entry point (docs/psa-driver-example-and-guide.md, "Process
 * for Entry Points where auto-generation is implemented"); no mbedTLS source file
 * is edited.
 *
 * What it does: export_public_key of a 255-bit Montgomery key pair (X25519) held
 * in local storage, 32 bytes in and at least 32 bytes of room out. Anything else
 * returns PSA_ERROR_NOT_SUPPORTED, and mbedTLS's built-in code runs with its own
 * checks and errors. Both clamp the private key as RFC 7748 says, so the result is
 * the same bytes (tests/unit/test_x25519_driver.c).
 */
#ifndef HCSMS_X25519_DRIVER_H
#define HCSMS_X25519_DRIVER_H

#include "mbedtls/version.h" /* 3.x: build_info.h; 2.28: config.h */

#if MBEDTLS_VERSION_NUMBER >= 0x03060000 && defined(MBEDTLS_PSA_CRYPTO_C) && \
    defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED) && defined(PSA_WANT_ECC_MONTGOMERY_255)
#define HCSMS_X25519_DRIVER_ENABLED

/* Turns on the dispatch to accelerator drivers in the generated wrappers. */
#ifndef PSA_CRYPTO_ACCELERATOR_DRIVER_PRESENT
#define PSA_CRYPTO_ACCELERATOR_DRIVER_PRESENT
#endif

#include "psa/crypto.h"

/* The export_public_key entry point of the "hcsms_x25519" transparent driver
 * (the PSA driver interface's signature). */
psa_status_t hcsms_x25519_transparent_export_public_key(
    const psa_key_attributes_t *attributes,
    const uint8_t *key_buffer, size_t key_buffer_size,
    uint8_t *data, size_t data_size, size_t *data_length);

#endif
#endif /* HCSMS_X25519_DRIVER_H */
