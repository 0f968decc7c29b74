/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Task ids: which are accepted, their path-segment encoding, and the input
 * path of hcsms_unlock(), which rejects a bad task id or client before any
 * byte is sent.
 */
#include "input_checks.h"

/* ---- task ids ----------------------------------------------------------------
 * By default (HCSMS_CONFIG_STRICT_TASK_ID) 1..64 of A-Z a-z 0-9 _ -, what SMS
 * issues; built with 0, 1..255 bytes, no control bytes, not "." or "..":
 * anything else is percent-encoded. */

static void task_id_accepted(void **state)
{
    char *max = repeat('a', HCSMS_TASK_ID_MAX);

    (void)state;
    assert_int_equal(hcsms_check_task_id("7a9a9540-ff28-4869-b9e4-855fbe12e83b"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("a"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id(max), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("A_z-09"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("-"), HCSMS_OK);
#if !HCSMS_CONFIG_STRICT_TASK_ID
    assert_int_equal(hcsms_check_task_id("a b/c?d#e%f"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("\xc3\xa9"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("..."), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("./"), HCSMS_OK);
    assert_int_equal(hcsms_check_task_id("~"), HCSMS_OK);
#endif
    free(max);
}

static void task_id_rejected(void **state)
{
    static const char *const bad[] = {
        "", ".", "..", "a\x01", "\x1f", "a\177b", "a\nb", "a\rb", "a\tb", "\n",
#if HCSMS_CONFIG_STRICT_TASK_ID
        /* a gateway that decodes %2F before routing would see a path */
        "a/b", "a%2Fb", "a%2fb", "a b", "a.b", "...", "~", "a?b", "a#b", "a@b",
        "\xc3\xa9", "\342\200\256abc", "abc\xc2\x9b", "\xff",
#endif
    };
    char *too_long = repeat('a', HCSMS_TASK_ID_MAX + 1);
    size_t i;

    (void)state;
    assert_int_equal(hcsms_check_task_id(NULL), HCSMS_ERR_INVALID_TASK_ID);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(hcsms_check_task_id(bad[i]), HCSMS_ERR_INVALID_TASK_ID);
    assert_int_equal(hcsms_check_task_id(too_long), HCSMS_ERR_INVALID_TASK_ID);
    /* A control byte at the very end of a maximal id is still seen. */
    too_long[HCSMS_TASK_ID_MAX - 1] = '\x1f';
    too_long[HCSMS_TASK_ID_MAX] = '\0';
    assert_int_equal(hcsms_check_task_id(too_long), HCSMS_ERR_INVALID_TASK_ID);
    free(too_long);
}

/* ---- path segment encoding ---------------------------------------------------
 * Everything but A-Z a-z 0-9 - . _ ~ becomes %XX; the return value is the
 * full length; a short buffer gets whole pieces only and a NUL. */

static void encode_segment_values(void **state)
{
    static const char unreserved[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    char out[256];

    (void)state;
    assert_int_equal(hcsms_encode_segment("a b/c?d#e%f", out, sizeof(out)), 21);
    assert_string_equal(out, "a%20b%2Fc%3Fd%23e%25f");
    assert_int_equal(hcsms_encode_segment(unreserved, out, sizeof(out)), strlen(unreserved));
    assert_string_equal(out, unreserved);
    assert_int_equal(hcsms_encode_segment("\xc3\xa9", out, sizeof(out)), 6);
    assert_string_equal(out, "%C3%A9");
    assert_int_equal(hcsms_encode_segment("...", out, sizeof(out)), 3);
    assert_string_equal(out, "...");
    assert_int_equal(hcsms_encode_segment("+&=:@!$'()*,;\x7f\xff", out, sizeof(out)), 45);
    assert_string_equal(out, "%2B%26%3D%3A%40%21%24%27%28%29%2A%2C%3B%7F%FF");
    assert_int_equal(hcsms_encode_segment("", out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static void encode_segment_short_buffer(void **state)
{
    char out[16];

    (void)state;
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 4), 5);
    assert_string_equal(out, "%2F");
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 3), 5);
    assert_string_equal(out, "");
    assert_int_equal(out[3], '#');
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 5), 5);
    assert_string_equal(out, "%2Fa");
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("/ab", out, 6), 5);
    assert_string_equal(out, "%2Fab");
    /* An escape that does not fit is dropped, and nothing after it is
     * written even when it would fit. */
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("a/b", out, 3), 5);
    assert_string_equal(out, "a");
    assert_int_equal(out[2], '#');
    memset(out, '#', sizeof(out));
    assert_int_equal(hcsms_encode_segment("ab", out, 1), 2);
    assert_string_equal(out, "");
    assert_int_equal(out[1], '#');
    /* Size 0: only the length; nothing written. */
    assert_int_equal(hcsms_encode_segment("a b", NULL, 0), 5);
}

/* ---- the input path of hcsms_unlock ------------------------------------------
 * A bad task id, a NULL client or result, or a client that is not set up
 * fail before any connect or send; the result is cleared first. */

static void unlock_rejects_bad_task_ids_before_sending(void **state)
{
    static const char *const bad[] = {"", ".", "..", "a\nb", "a\r\nHost: evil", "\x7f"};
    char *too_long = repeat('a', HCSMS_TASK_ID_MAX + 1);
    size_t i;

    (void)state;
    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);
    for (i = 0; i <= sizeof(bad) / sizeof(bad[0]) + 1; i++) {
        const char *id = i < sizeof(bad) / sizeof(bad[0]) ? bad[i]
                         : i == sizeof(bad) / sizeof(bad[0]) ? too_long : NULL;
        memset(&result, 0x5a, sizeof(result));
        assert_int_equal(hcsms_unlock(&client, id, &result), HCSMS_ERR_INVALID_TASK_ID);
        assert_non_null(result.failed_step);
        assert_string_equal(result.failed_step, "input");
        assert_int_equal(result.http_status, 0);
        assert_int_equal(result.attempts, 0);
        assert_string_equal(result.error_code, "");
        assert_string_equal(result.request_id, "");
    }
    assert_int_equal(fake.connects, 0);
    assert_int_equal(fake.sent_len, 0);
    assert_int_equal(fake.send_calls, 0);
    assert_int_equal(fake.recv_calls, 0);
    free_client();
    free(too_long);
}

static void unlock_rejects_null_and_unready_clients(void **state)
{
    static hcsms_result untouched;

    (void)state;
    /* Not set up (it may be a client init refused with HCSMS_ERR_ABI, whose
     * result is not the library's size): the result is not written. */
    memset(&result, 0x5a, sizeof(result));
    memset(&untouched, 0x5a, sizeof(untouched));
    assert_int_equal(hcsms_unlock(NULL, "task", &result), HCSMS_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&result, &untouched, sizeof(result));

    assert_int_equal(init_endpoint("https://localhost:8443"), HCSMS_OK);
    assert_int_equal(hcsms_unlock(&client, "task", NULL), HCSMS_ERR_INVALID_ARGUMENT);
    free_client();

    /* A client whose init failed, and a freed client. */
    assert_int_equal(init_endpoint("http://localhost"), HCSMS_ERR_INSECURE_ENDPOINT);
    assert_int_equal(hcsms_unlock(&client, "task", &result), HCSMS_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&result, &untouched, sizeof(result));
    free_client();
    assert_int_equal(hcsms_unlock(&client, "task", &result), HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(fake.connects, 0);
    assert_int_equal(fake.sent_len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(task_id_accepted, setup),
        cmocka_unit_test_setup(task_id_rejected, setup),
        cmocka_unit_test_setup(encode_segment_values, setup),
        cmocka_unit_test_setup(encode_segment_short_buffer, setup),
        cmocka_unit_test_setup(unlock_rejects_bad_task_ids_before_sending, setup),
        cmocka_unit_test_setup(unlock_rejects_null_and_unready_clients, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
