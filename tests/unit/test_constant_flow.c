/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant flow of the X25519 code as this build compiled it: Everest's
 * scalar multiplication (which hcsms's Makefile builds at -O3 with gcc on the
 * build machine, docs/crypto-choices.md) and hcsms's PSA driver around it take
 * no branch and read no address that depends on the private key.
 *
 * The method is mbedTLS's own (MBEDTLS_TEST_CONSTANT_FLOW_VALGRIND): under
 * valgrind memcheck the key is marked undefined, and memcheck then reports
 * every conditional jump and every memory address computed from it; the
 * results are marked defined again before they are compared. Each case counts
 * the reports its call made (VALGRIND_COUNT_ERRORS). The first case checks the
 * instrument: a branch and a table index on the key are both reported.
 *
 * Run natively, the program runs itself again under valgrind (found on PATH).
 * Where that cannot work (an emulator runs the tests, a sanitizer build, no
 * valgrind) the cases say so and skip; with HCSMS_REQUIRE_ALL=1, a missing
 * valgrind fails them instead. Without Everest in the mbedTLS build there is
 * nothing to check.
 */
#define _POSIX_C_SOURCE 200809L /* readlink, execlp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <valgrind/memcheck.h>

#include "mbedtls/version.h" /* 3.x: build_info.h; 2.28: config.h */
#include "../../configs/psa-driver/hcsms_x25519_driver.h"
#include "rfc7748.h"

#if defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED)
/* As Everest's own x25519.c does: where the compiler has no __int128, its
 * headers take the verified 128-bit type in C. */
#if !(defined(__SIZEOF_INT128__) && (__SIZEOF_INT128__ == 16))
#define KRML_VERIFIED_UINT128
#endif
#include "everest/Hacl_Curve25519.h"
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif
#ifndef SANITIZER_BUILD
#define SANITIZER_BUILD 0
#endif

/* Why this run cannot check anything, or NULL when it can. */
static const char *why_not;

static void need_memcheck(void)
{
    const char *require_all = getenv("HCSMS_REQUIRE_ALL");

    if (RUNNING_ON_VALGRIND)
        return;
    if (why_not == NULL)
        why_not = "not running under valgrind";
    if (require_all != NULL && strcmp(require_all, "1") == 0 &&
        getenv("HCSMS_TEST_EMULATED") == NULL && !SANITIZER_BUILD)
        fail_msg("%s, and HCSMS_REQUIRE_ALL=1 (install valgrind)", why_not);
    print_message("skipped: %s\n", why_not);
    skip();
}

/* memcheck's reports of the calls in between. */
static unsigned reports_before;

static void count_from_here(void)
{
    reports_before = (unsigned)VALGRIND_COUNT_ERRORS;
}

static unsigned reports_since(void)
{
    return (unsigned)VALGRIND_COUNT_ERRORS - reports_before;
}

static void secret(void *p, size_t n)
{
    (void)VALGRIND_MAKE_MEM_UNDEFINED(p, n);
}

static void public(void *p, size_t n)
{
    (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
}

/* The instrument sees what it must: a branch on the key and a table read at an
 * index taken from it are each reported; the same selection made with a mask
 * is not. Kept out of line so the compiler cannot fold them away. */
static volatile unsigned sink;
static unsigned char lookup[256] = {1, 2, 3};

__attribute__((noinline)) static void branch_on(const unsigned char *key)
{
    if (key[0] & 1)
        sink = 1;
}

__attribute__((noinline)) static void index_with(const unsigned char *key)
{
    sink = lookup[key[1]];
}

__attribute__((noinline)) static void select_by_mask(const unsigned char *key)
{
    unsigned mask = 0u - (unsigned)(key[2] & 1);
    sink = (mask & 7u) | (~mask & 9u);
}

static void the_instrument_reports_key_dependent_flow(void **state)
{
    unsigned char key[32];
    (void)state;
    need_memcheck();

    memset(key, 0x35, sizeof(key));
    secret(key, sizeof(key));
    print_message("expected: memcheck reports the next two (a branch, then a read, on the key)\n");
    count_from_here();
    branch_on(key);
    assert_int_equal(reports_since(), 1);
    count_from_here();
    index_with(key);
    assert_int_equal(reports_since(), 1);
    count_from_here();
    select_by_mask(key);
    assert_int_equal(reports_since(), 0);
    public(key, sizeof(key));
}

#if defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED)

/* One scalar multiplication with the key secret: no report, the RFC's bytes. */
static void check_scalarmult(const uint8_t point[32], const uint8_t expected[32])
{
    uint8_t key[32], in[32], out[32];

    memcpy(key, rfc7748.alice_private, sizeof(key));
    memcpy(in, point, sizeof(in));
    secret(key, sizeof(key));
    count_from_here();
    Hacl_Curve25519_crypto_scalarmult(out, key, in);
    assert_int_equal(reports_since(), 0);
    public(out, sizeof(out));
    public(key, sizeof(key));
    assert_memory_equal(out, expected, sizeof(out));
}

/* The public key (the base point, as the key share computes it) and the
 * shared secret (a peer's point, as the key exchange does). */
static void everest_scalar_multiplication_is_constant_flow(void **state)
{
    static const uint8_t base[32] = {9};
    (void)state;
    need_memcheck();

    check_scalarmult(base, rfc7748.alice_public);
    check_scalarmult(rfc7748.bob_public, rfc7748.shared);
}

#if defined(HCSMS_X25519_DRIVER_ENABLED)
/* hcsms's PSA driver: the copy of the key, the multiplication, the wipe. */
static void the_psa_drivers_public_key_is_constant_flow(void **state)
{
    psa_key_attributes_t attributes = psa_key_attributes_init();
    uint8_t key[32], out[32];
    size_t length = 0;
    psa_status_t status;
    (void)state;
    need_memcheck();

    psa_set_key_type(&attributes, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY));
    psa_set_key_bits(&attributes, 255);
    memcpy(key, rfc7748.alice_private, sizeof(key));
    secret(key, sizeof(key));
    count_from_here();
    status = hcsms_x25519_transparent_export_public_key(&attributes, key, sizeof(key), out,
                                                        sizeof(out), &length);
    assert_int_equal(reports_since(), 0);
    public(out, sizeof(out));
    public(key, sizeof(key));
    assert_int_equal(status, PSA_SUCCESS);
    assert_int_equal(length, 32);
    assert_memory_equal(out, rfc7748.alice_public, sizeof(out));
}
#endif

#else /* no Everest in this mbedTLS */

static void not_in_this_mbedtls(void **state)
{
    (void)state;
    print_message("skipped: this mbedTLS build has no Everest X25519\n");
    skip();
}

#endif

/* Natively, run again under valgrind, the cases then check; where that cannot
 * work, why_not says why and the cases skip. */
static void run_under_memcheck(void)
{
    char self[4096];
    ssize_t n;

    if (RUNNING_ON_VALGRIND)
        return;
    if (getenv("HCSMS_TEST_EMULATED") != NULL) {
        why_not = "an emulator runs the tests (valgrind cannot run it)";
        return;
    }
    if (SANITIZER_BUILD) {
        why_not = "a sanitizer build (valgrind cannot run it)";
        return;
    }
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0 || (size_t)n >= sizeof(self) - 1) {
        why_not = "cannot find this program's path (/proc/self/exe)";
        return;
    }
    self[n] = '\0';
    fflush(stdout);
    /* The first case's reports are meant: no exit code for them, whatever a
     * ~/.valgrindrc or VALGRIND_OPTS says. */
    execlp("valgrind", "valgrind", "-q", "--tool=memcheck", "--error-exitcode=0", self,
           (char *)NULL);
    why_not = "valgrind is not installed (not on PATH)";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_instrument_reports_key_dependent_flow),
#if defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED)
        cmocka_unit_test(everest_scalar_multiplication_is_constant_flow),
#if defined(HCSMS_X25519_DRIVER_ENABLED)
        cmocka_unit_test(the_psa_drivers_public_key_is_constant_flow),
#endif
#else
        cmocka_unit_test(not_in_this_mbedtls),
#endif
    };

    run_under_memcheck();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
