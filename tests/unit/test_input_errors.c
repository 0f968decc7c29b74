/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_strerror() names every code, and every code has its class.
 */
#include "input_checks.h"

/* ---- error texts and classes ---------------------------------------------------
 * Every code has its own non-empty text; unknown codes say so. Classes:
 * input errors -> INPUT, the service -> SERVICE, the rest -> TRANSPORT. */

static const int input_errors[] = {
    HCSMS_ERR_INVALID_ARGUMENT, HCSMS_ERR_INVALID_TASK_ID, HCSMS_ERR_INVALID_TOKEN,
    HCSMS_ERR_INVALID_ENDPOINT, HCSMS_ERR_INSECURE_ENDPOINT, HCSMS_ERR_UNKNOWN_REGION,
    HCSMS_ERR_CA, HCSMS_ERR_INVALID_CREDENTIALS, HCSMS_ERR_INVALID_PROXY, HCSMS_ERR_ABI,
    HCSMS_ERR_NOT_BUILT, HCSMS_ERR_BUFFER_TOO_SMALL, HCSMS_ERR_NO_SESSION,
};

static const int transport_errors[] = {
    HCSMS_ERR_RESOLVE, HCSMS_ERR_CONNECT, HCSMS_ERR_TIMEOUT, HCSMS_ERR_SEND, HCSMS_ERR_RECV,
    HCSMS_ERR_CLOSED, HCSMS_ERR_ENTROPY, HCSMS_ERR_TLS_VERIFY, HCSMS_ERR_TLS_HANDSHAKE,
    HCSMS_ERR_TLS, HCSMS_ERR_HTTP_STATUS_LINE, HCSMS_ERR_HTTP_HEADER,
    HCSMS_ERR_HTTP_LINE_TOO_LONG, HCSMS_ERR_HTTP_TOO_MANY_HEADERS,
    HCSMS_ERR_HTTP_HEADERS_TOO_LARGE, HCSMS_ERR_HTTP_CONTENT_LENGTH, HCSMS_ERR_HTTP_FRAMING,
    HCSMS_ERR_HTTP_CHUNK, HCSMS_ERR_HTTP_CHUNK_SIZE_TOO_LONG, HCSMS_ERR_HTTP_TOO_MANY_INTERIM,
    HCSMS_ERR_HTTP_BODY_TOO_LARGE, HCSMS_ERR_HTTP_TRUNCATED, HCSMS_ERR_HTTP_UNEXPECTED,
    HCSMS_ERR_CLOCK, HCSMS_ERR_CRYPTO, HCSMS_ERR_PROXY, HCSMS_ERR_NO_TOKEN,
};

static void strerror_names_every_code(void **state)
{
    int all[64];
    size_t n = 0, i, j;

    (void)state;
    all[n++] = HCSMS_OK;
    all[n++] = HCSMS_ERR_SERVICE;
    for (i = 0; i < sizeof(input_errors) / sizeof(input_errors[0]); i++)
        all[n++] = input_errors[i];
    for (i = 0; i < sizeof(transport_errors) / sizeof(transport_errors[0]); i++)
        all[n++] = transport_errors[i];
    assert_int_equal(n, 42); /* every value of hcsms_error in error.h */
    for (i = 0; i < n; i++) {
        const char *text = hcsms_strerror(all[i]);
        assert_non_null(text);
        assert_true(text[0] != '\0');
        assert_string_not_equal(text, "unknown error");
        for (j = 0; j < i; j++)
            assert_string_not_equal(text, hcsms_strerror(all[j]));
    }
    assert_string_equal(hcsms_strerror(-9999), "unknown error");
    assert_string_equal(hcsms_strerror(1), "unknown error");
    assert_string_equal(hcsms_strerror(-12), "unknown error");
    /* and no code with a text is missing from the lists above */
    for (i = 0; i <= 200; i++) {
        int code = -(int)i, listed = 0;

        for (j = 0; j < n; j++)
            listed |= all[j] == code;
        if (!listed)
            assert_string_equal(hcsms_strerror(code), "unknown error");
    }
}

static void error_classes(void **state)
{
    size_t i;

    (void)state;
    assert_int_equal(hcsms_error_class_of(HCSMS_OK), HCSMS_CLASS_OK);
    assert_int_equal(hcsms_error_class_of(HCSMS_ERR_SERVICE), HCSMS_CLASS_SERVICE);
    for (i = 0; i < sizeof(input_errors) / sizeof(input_errors[0]); i++)
        assert_int_equal(hcsms_error_class_of(input_errors[i]), HCSMS_CLASS_INPUT);
    for (i = 0; i < sizeof(transport_errors) / sizeof(transport_errors[0]); i++)
        assert_int_equal(hcsms_error_class_of(transport_errors[i]), HCSMS_CLASS_TRANSPORT);
    assert_int_equal(hcsms_error_class_of(-9999), HCSMS_CLASS_TRANSPORT);
}

/* hcsms_features() names the library's settings, and its behaviour agrees:
 * a lax task id is refused exactly when ids are strict; IAM answers
 * HCSMS_ERR_NOT_BUILT exactly when it is left out. */
static void features_say_what_the_library_does(void **state)
{
    unsigned built = hcsms_features();
    char out[8];
    (void)state;

    assert_int_equal(!!(built & HCSMS_FEATURE_AKSK), HCSMS_CONFIG_AKSK);
    assert_int_equal(!!(built & HCSMS_FEATURE_IAM), HCSMS_CONFIG_IAM);
    assert_int_equal(!!(built & HCSMS_FEATURE_PROXY), HCSMS_CONFIG_PROXY);
    assert_int_equal(!!(built & HCSMS_FEATURE_TLS_RESUME), HCSMS_CONFIG_TLS_RESUME);
    assert_int_equal(!!(built & HCSMS_FEATURE_TRACE), HCSMS_CONFIG_TRACE);
    assert_int_equal(!!(built & HCSMS_FEATURE_STRICT_TASK_ID), HCSMS_CONFIG_STRICT_TASK_ID);
#if HCSMS_CONFIG_CA_FILE && defined(MBEDTLS_FS_IO)
    assert_true(built & HCSMS_FEATURE_CA_FILE);
#else
    assert_false(built & HCSMS_FEATURE_CA_FILE);
#endif
    assert_int_equal(built & ~0x7fu, 0);
    assert_int_equal(hcsms_check_task_id("a.b") == HCSMS_ERR_INVALID_TASK_ID,
                     !!(built & HCSMS_FEATURE_STRICT_TASK_ID));
    assert_int_equal(hcsms_iam_get_token(NULL, NULL, out, sizeof(out), &result) ==
                         HCSMS_ERR_NOT_BUILT,
                     !(built & HCSMS_FEATURE_IAM));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(strerror_names_every_code, setup),
        cmocka_unit_test_setup(error_classes, setup),
        cmocka_unit_test(features_say_what_the_library_does),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
