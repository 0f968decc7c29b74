/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_x25519_driver.c - X25519 public keys through Everest for mbedTLS's PSA
 * core (see hcsms_x25519_driver.h). Compiled into libmbedcrypto.a by
 * scripts/build-mbedtls.sh with mbedTLS's include paths and flags.
 */
#include "hcsms_x25519_driver.h"

#if defined(HCSMS_X25519_DRIVER_ENABLED)

#include <string.h>

/* As Everest's own x25519.c does: where the compiler has no __int128, its
 * headers take the verified 128-bit type in C. */
#if !(defined(__SIZEOF_INT128__) && (__SIZEOF_INT128__ == 16))
#define KRML_VERIFIED_UINT128
#endif
#include "everest/Hacl_Curve25519.h"
#include "mbedtls/platform_util.h"

#define X25519_BYTES 32u

psa_status_t hcsms_x25519_transparent_export_public_key(
    const psa_key_attributes_t *attributes,
    const uint8_t *key_buffer, size_t key_buffer_size,
    uint8_t *data, size_t data_size, size_t *data_length)
{
    /* Everest takes non-const buffers: the private key goes through a copy
     * of ours, wiped after, and the base point u = 9 is built on the stack.
     * Everest's own copies on its stack are left as they are, as on mbedTLS's
     * Everest path for the shared secret. */
    uint8_t secret[X25519_BYTES];
    uint8_t base[X25519_BYTES] = { 9 };

    if (psa_get_key_type(attributes) != PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY) ||
        psa_get_key_bits(attributes) != 255 ||
        key_buffer_size != X25519_BYTES || data_size < X25519_BYTES) {
        return PSA_ERROR_NOT_SUPPORTED;  /* the built-in code decides */
    }
    memcpy(secret, key_buffer, X25519_BYTES);
    Hacl_Curve25519_crypto_scalarmult(data, secret, base);  /* clamps as RFC 7748 */
    mbedtls_platform_zeroize(secret, sizeof(secret));
    *data_length = X25519_BYTES;
    return PSA_SUCCESS;
}

#endif /* HCSMS_X25519_DRIVER_ENABLED */
