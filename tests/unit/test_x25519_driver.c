/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hcsms_x25519 PSA driver (configs/psa-driver/): X25519 public keys through
 * Everest give the bytes RFC 7748 and mbedTLS's own ladder give, and whatever
 * the driver does not do is left to mbedTLS's built-in code. Without PSA or
 * X25519 in the mbedTLS build there is nothing to test; without the driver
 * (no Everest) only the PSA path is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../configs/psa-driver/hcsms_x25519_driver.h"
#include "rfc7748.h"

#if MBEDTLS_VERSION_NUMBER >= 0x03060000 && defined(MBEDTLS_PSA_CRYPTO_C) && \
    defined(PSA_WANT_ECC_MONTGOMERY_255)
#define X25519_THROUGH_PSA
#include "psa/crypto.h"
#endif
#if defined(HCSMS_X25519_DRIVER_ENABLED)
#include "mbedtls/ecp.h"
#include "mbedtls/psa_util.h"
#endif

#if defined(X25519_THROUGH_PSA)

#if defined(HCSMS_X25519_DRIVER_ENABLED)
/* The Makefile links this test with
 * -Wl,--wrap=hcsms_x25519_transparent_export_public_key: every call of the
 * driver, mbedTLS's dispatch code's included, goes through here and is
 * counted, which shows PSA reaching the driver. */
psa_status_t __real_hcsms_x25519_transparent_export_public_key(
    const psa_key_attributes_t *attributes, const uint8_t *key_buffer, size_t key_buffer_size,
    uint8_t *data, size_t data_size, size_t *data_length);
psa_status_t __wrap_hcsms_x25519_transparent_export_public_key(
    const psa_key_attributes_t *attributes, const uint8_t *key_buffer, size_t key_buffer_size,
    uint8_t *data, size_t data_size, size_t *data_length);
static unsigned driver_calls;

psa_status_t __wrap_hcsms_x25519_transparent_export_public_key(
    const psa_key_attributes_t *attributes, const uint8_t *key_buffer, size_t key_buffer_size,
    uint8_t *data, size_t data_size, size_t *data_length)
{
    driver_calls++;
    return __real_hcsms_x25519_transparent_export_public_key(attributes, key_buffer, key_buffer_size,
                                                             data, data_size, data_length);
}
#endif

static int psa_up(void **state)
{
    (void)state;
    return psa_crypto_init() == PSA_SUCCESS ? 0 : -1;
}

static int psa_down(void **state)
{
    (void)state;
    mbedtls_psa_crypto_free();
    return 0;
}

static void set_x25519_pair(psa_key_attributes_t *attributes)
{
    *attributes = psa_key_attributes_init();
    psa_set_key_type(attributes, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY));
    psa_set_key_bits(attributes, 255);
    psa_set_key_usage_flags(attributes, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(attributes, PSA_ALG_ECDH);
}

static void check_public_through_psa(const uint8_t private_key[32], const uint8_t expected[32])
{
    psa_key_attributes_t attributes;
    psa_key_id_t key = 0;
    uint8_t got[PSA_EXPORT_PUBLIC_KEY_MAX_SIZE];
    size_t got_length = 0;

#if defined(HCSMS_X25519_DRIVER_ENABLED)
    unsigned calls = driver_calls;
#endif

    set_x25519_pair(&attributes);
    assert_int_equal(psa_import_key(&attributes, private_key, 32, &key), PSA_SUCCESS);
    assert_int_equal(psa_export_public_key(key, got, sizeof(got), &got_length), PSA_SUCCESS);
    assert_int_equal(got_length, 32);
    assert_memory_equal(got, expected, 32);
#if defined(HCSMS_X25519_DRIVER_ENABLED)
    assert_int_equal(driver_calls, calls + 1);  /* it was the driver's answer */
#endif
    /* Too little room is refused the way mbedTLS refuses it. */
    assert_int_equal(psa_export_public_key(key, got, 31, &got_length), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_destroy_key(key), PSA_SUCCESS);
}

/* Whatever computes it, the public key of a PSA X25519 key is RFC 7748's. */
static void rfc7748_public_keys_through_psa(void **state)
{
    (void)state;
    check_public_through_psa(rfc7748.alice_private, rfc7748.alice_public);
    check_public_through_psa(rfc7748.bob_private, rfc7748.bob_public);
}

#if defined(HCSMS_X25519_DRIVER_ENABLED)

static psa_status_t driver_export(psa_key_type_t type, size_t bits, const uint8_t *key,
                                  size_t key_size, uint8_t *out, size_t out_size, size_t *out_length)
{
    psa_key_attributes_t attributes = psa_key_attributes_init();
    psa_set_key_type(&attributes, type);
    psa_set_key_bits(&attributes, bits);
    return hcsms_x25519_transparent_export_public_key(&attributes, key, key_size, out, out_size,
                                                      out_length);
}

/* The public key by mbedTLS's generic ECP ladder, the code the driver replaces. */
static void ladder_public(const uint8_t private_key[32], uint8_t public_key[32])
{
    mbedtls_ecp_keypair pair;
    size_t length = 0;

    mbedtls_ecp_keypair_init(&pair);
    assert_int_equal(mbedtls_ecp_read_key(MBEDTLS_ECP_DP_CURVE25519, &pair, private_key, 32), 0);
    assert_int_equal(mbedtls_ecp_mul(&pair.MBEDTLS_PRIVATE(grp), &pair.MBEDTLS_PRIVATE(Q),
                                     &pair.MBEDTLS_PRIVATE(d), &pair.MBEDTLS_PRIVATE(grp).G,
                                     mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE),
                     0);
    assert_int_equal(mbedtls_ecp_point_write_binary(&pair.MBEDTLS_PRIVATE(grp),
                                                    &pair.MBEDTLS_PRIVATE(Q),
                                                    MBEDTLS_ECP_PF_UNCOMPRESSED, &length,
                                                    public_key, 32),
                     0);
    assert_int_equal(length, 32);
    mbedtls_ecp_keypair_free(&pair);
}

/* The driver itself on the RFC's keys, and on random ones, unclamped as they
 * come (both sides clamp), against the ladder. */
static void the_driver_gives_the_ladders_bytes(void **state)
{
    const psa_key_type_t pair = PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY);
    uint8_t key[32], got[33], want[32];
    size_t length = 0;
    int i;
    (void)state;

    assert_int_equal(driver_export(pair, 255, rfc7748.alice_private, 32, got, 32, &length), PSA_SUCCESS);
    assert_int_equal(length, 32);
    assert_memory_equal(got, rfc7748.alice_public, 32);
    for (i = 0; i < 64; i++) {
        assert_int_equal(psa_generate_random(key, sizeof(key)), PSA_SUCCESS);
        if (i == 0)
            memset(key, 0xff, sizeof(key));  /* every bit the clamping clears, set */
        if (i == 1)
            memset(key, 0x00, sizeof(key));  /* and none of them */
        ladder_public(key, want);
        memset(got, 0x5a, sizeof(got));
        length = 0;
        assert_int_equal(driver_export(pair, 255, key, 32, got, sizeof(got), &length), PSA_SUCCESS);
        assert_int_equal(length, 32);
        assert_memory_equal(got, want, 32);
        assert_int_equal(got[32], 0x5a);  /* 32 bytes written, not the room given */
    }
}

/* Everything else goes back to mbedTLS untouched: NOT_SUPPORTED, nothing written. */
static void the_driver_declines_everything_else(void **state)
{
    static const struct {
        psa_key_type_t type;
        size_t bits, key_size, out_size;
    } cases[] = {
        {PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_MONTGOMERY), 255, 32, 32},
        {PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY), 448, 32, 64},
        {PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1), 256, 32, 65},
        {PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY), 255, 31, 32},
        {PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY), 255, 33, 32},
        {PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY), 255, 32, 31},
        {PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY), 255, 32, 0},
    };
    uint8_t key[33], out[65];
    size_t i, length;
    (void)state;

    memcpy(key, rfc7748.alice_private, 32);
    key[32] = 0;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(out, 0xa5, sizeof(out));
        length = 1234;
        if (driver_export(cases[i].type, cases[i].bits, key, cases[i].key_size, out,
                          cases[i].out_size, &length) != PSA_ERROR_NOT_SUPPORTED)
            fail_msg("case %u: not declined", (unsigned)i);
        assert_int_equal(length, 1234);
        assert_int_equal(out[0], 0xa5);
    }
}

#endif /* HCSMS_X25519_DRIVER_ENABLED */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc7748_public_keys_through_psa),
#if defined(HCSMS_X25519_DRIVER_ENABLED)
        cmocka_unit_test(the_driver_gives_the_ladders_bytes),
        cmocka_unit_test(the_driver_declines_everything_else),
#endif
    };
    return cmocka_run_group_tests(tests, psa_up, psa_down);
}

#else /* no X25519 through PSA in this mbedTLS */

static void not_in_this_mbedtls(void **state)
{
    (void)state;
    print_message("skipped: this mbedTLS build has no X25519 through PSA\n");
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(not_in_this_mbedtls)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
