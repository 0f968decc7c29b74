/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A test file whose subject the build leaves out (an HCSMS_CONFIG_* setting
 * of 0): HCSMS_COMPILED_OUT_MAIN(setting) is its main, one case that cmocka
 * counts as skipped and that names the setting. What the library does
 * instead (refuses the option at init) is checked where the option is
 * checked (test_input_*.c, test_aksk.c).
 */
#ifndef HCSMS_TEST_COMPILED_OUT_H
#define HCSMS_TEST_COMPILED_OUT_H

#define HCSMS_COMPILED_OUT_MAIN(setting)                                       \
    static void compiled_out(void **state)                                     \
    {                                                                          \
        (void)state;                                                           \
        print_message("skipped: built with " #setting "=0\n");                 \
        skip();                                                                \
    }                                                                          \
    int main(void)                                                             \
    {                                                                          \
        const struct CMUnitTest tests[] = {cmocka_unit_test(compiled_out)};    \
        return cmocka_run_group_tests(tests, NULL, NULL);                      \
    }

#endif
