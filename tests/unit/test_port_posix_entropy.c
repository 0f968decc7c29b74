/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's entropy (and the monotonic clock it is tested with):
 * getrandom asked again when interrupted or short, /dev/urandom when there is
 * no getrandom, and an error, never a weaker source, when there is neither
 * (injected: see port_posix_test.h).
 */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier) */

#include "port_posix_test.h"

static void entropy_and_clock(void **state)
{
    unsigned char a[32], b[32];
    uint64_t t1, t2;
    (void)state;
    assert_int_equal(hcsms_port_entropy(a, sizeof(a)), 0);
    assert_int_equal(hcsms_port_entropy(b, sizeof(b)), 0);
    assert_memory_not_equal(a, b, sizeof(a));
    t1 = hcsms_port_now_ms();
    t2 = hcsms_port_now_ms();
    assert_true(t2 >= t1);
}

static int all_zero(const unsigned char *bytes, size_t length)
{
    size_t i;

    for (i = 0; i < length; i++)
        if (bytes[i] != 0)
            return 0;
    return 1;
}

/* getrandom interrupted by a signal, or giving fewer bytes than asked, is
 * asked again for the rest: no fall back to the device for that. */
static void entropy_asks_getrandom_again(void **state)
{
    unsigned char out[32];
    (void)state;

    REQUIRE_WRAP(getrandom);
    REQUIRE_WRAP(open);
    memset(out, 0, sizeof(out));
    arm(&faults.getrandom, 0, 2, EINTR);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), 0);
    assert_int_equal(faults.getrandom.calls, 3);
    assert_false(all_zero(out + 24, 8));

    memset(out, 0, sizeof(out));
    faults.getrandom_max = 5;
    arm(&faults.getrandom, 0, 0, 0);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), 0);
    assert_int_equal(faults.getrandom.calls, 7); /* 6 x 5 + 2 */
    assert_false(all_zero(out + 27, 5));
    assert_int_equal(faults.open.calls, 0);
}

/* Without getrandom (ENOSYS: a kernel before 3.17) the rest comes from
 * /dev/urandom: the bytes getrandom gave are kept, short and interrupted
 * reads go on, and the device is closed. */
static void entropy_falls_back_to_urandom(void **state)
{
    unsigned char out[32];
    (void)state;

    REQUIRE_WRAP(getrandom);
    REQUIRE_WRAP(open);
    REQUIRE_WRAP(read);
    REQUIRE_WRAP(close);
    memset(out, 0, sizeof(out));
    faults.getrandom_max = 5;
    arm(&faults.getrandom, 1, 1, ENOSYS); /* 5 bytes, then ENOSYS */
    faults.read_max = 10;
    arm(&faults.read, 0, 1, EINTR);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), 0);
    assert_int_equal(faults.getrandom.calls, 2);
    assert_string_equal(seen.open_path, "/dev/urandom");
    assert_int_equal(faults.read.calls, 4);
    assert_int_equal(seen.read_asked[0], 27); /* interrupted */
    assert_int_equal(seen.read_asked[1], 27);
    assert_int_equal(seen.read_asked[2], 17);
    assert_int_equal(seen.read_asked[3], 7);
    assert_true(seen.open_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.open_fd);
    assert_false(all_zero(out + 27, 5));
}

/* No getrandom and no device (a chroot without /dev), or a device that ends
 * or fails: HCSMS_ERR_ENTROPY, never a weaker source, the device closed. */
static void entropy_without_a_source_is_an_error(void **state)
{
    unsigned char out[32];
    (void)state;

    REQUIRE_WRAP(getrandom);
    REQUIRE_WRAP(open);
    REQUIRE_WRAP(read);
    REQUIRE_WRAP(close);
    arm(&faults.getrandom, 0, 1000, ENOSYS);
    arm(&faults.open, 0, 1, ENOENT);
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), HCSMS_ERR_ENTROPY);
    assert_int_equal(faults.open.calls, 1);
    assert_string_equal(seen.open_path, "/dev/urandom");

    arm(&faults.read, 0, 1, 0); /* end of file */
    seen.open_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), HCSMS_ERR_ENTROPY);
    assert_true(seen.open_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.open_fd);

    faults.read_max = 8;
    arm(&faults.read, 1, 1, EIO); /* 8 bytes, then an error */
    seen.open_fd = seen.closed_fd = -1;
    assert_int_equal(hcsms_port_entropy(out, sizeof(out)), HCSMS_ERR_ENTROPY);
    assert_int_equal(faults.read.calls, 2);
    assert_true(seen.open_fd >= 0);
    assert_int_equal(seen.closed_fd, seen.open_fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entropy_and_clock),
        cmocka_unit_test_teardown(entropy_asks_getrandom_again, disarm),
        cmocka_unit_test_teardown(entropy_falls_back_to_urandom, disarm),
        cmocka_unit_test_teardown(entropy_without_a_source_is_an_error, disarm),
    };

    disarm_faults();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
