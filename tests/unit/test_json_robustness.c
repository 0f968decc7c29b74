/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bodies the parser must survive: every prefix of the documented body, not
 * JSON at all, wrong types, keys without values, and random mutations.
 */
#include "json_checks.h"

/* ---- bodies cut short -------------------------------------------------------
 * Every prefix of the documented body: a string field is set exactly when
 * its closing quote arrived; a details entry counts once its "{" arrived
 * (with whichever of its fields were complete); a cut body is not JSON and
 * is marked truncated. */

static size_t closing_quote(const char *body, size_t from, const char *key_colon_quote)
{
    const char *k = strstr(body + from, key_colon_quote);
    const char *q;

    assert_non_null(k);
    q = strchr(k + strlen(key_colon_quote), '"');
    assert_non_null(q);
    return (size_t)(q - body);
}

static void every_prefix_yields_the_complete_fields(void **state)
{
    const size_t len = strlen(doc_body);
    size_t code_end, msg_end, enc_end, param_end[2], det_open[2], dcode_end[2], dmsg_end[2];
    size_t p, n;
    int i;

    (void)state;
    code_end = closing_quote(doc_body, 0, "\"error_code\":\"");
    msg_end = closing_quote(doc_body, 0, "\"error_msg\":\"");
    enc_end = closing_quote(doc_body, 0, "\"encoded_authorization_message\":\"");
    p = (size_t)(strstr(doc_body, "\"error_param\":[") - doc_body) + 15;
    for (i = 0; i < 2; i++) {
        p = (size_t)(strchr(doc_body + p, '"') - doc_body) + 1; /* opening quote */
        param_end[i] = (size_t)(strchr(doc_body + p, '"') - doc_body);
        p = param_end[i] + 1;
    }
    p = (size_t)(strstr(doc_body, "\"details\":[") - doc_body);
    for (i = 0; i < 2; i++) {
        det_open[i] = (size_t)(strchr(doc_body + p, '{') - doc_body);
        dcode_end[i] = closing_quote(doc_body, det_open[i], "\"error_code\":\"");
        dmsg_end[i] = closing_quote(doc_body, det_open[i], "\"error_msg\":\"");
        p = dmsg_end[i] + 1;
    }

    for (n = 0; n <= len; n++) {
        unsigned want_details = (n > det_open[0]) + (n > det_open[1]);
        unsigned want_params = (n > param_end[0]) + (n > param_end[1]);

        memset(&result, 0, sizeof(result));
        parse_bytes_into(doc_body, n, &result);
        assert_result_bounded(&result);
        assert_string_equal(result.error_code, n > code_end ? "SMS.9004" : "");
        assert_string_equal(result.error_msg,
                            n > msg_end ? "You do not have permission to perform action "
                                          "sms:server:unlock." : "");
        assert_string_equal(result.encoded_authorization_message,
                            n > enc_end ? "QUJDREVGRw==" : "");
        assert_int_equal(result.error_param_count, want_params);
        assert_string_equal(result.error_param[0], n > param_end[0] ? "a" : "");
        assert_string_equal(result.error_param[1], n > param_end[1] ? "b" : "");
        assert_int_equal(result.details_count, want_details);
        assert_string_equal(result.details[0].error_code, n > dcode_end[0] ? "X.1" : "");
        assert_string_equal(result.details[0].error_msg, n > dmsg_end[0] ? "m1" : "");
        assert_string_equal(result.details[1].error_code, n > dcode_end[1] ? "X.2" : "");
        assert_string_equal(result.details[1].error_msg, n > dmsg_end[1] ? "m2" : "");
        assert_string_equal(result.request_id, "");
        assert_int_equal(result.body_is_json, n == len);
        assert_int_equal(result.truncated, n > 0 && n < len);
    }
}

/* ---- not JSON, wrong types, odd shapes -------------------------------------
 * Anything but a JSON object fills nothing; values of the wrong type leave
 * their fields empty; a key without a value is no key. */

static void not_json_fills_nothing(void **state)
{
    static const char *const bodies[] = {
        "<html><head><title>403 Forbidden</title></head><body>nginx</body></html>",
        "",
        "[]",
        "[{\"error_code\":\"E\"}]",
        "\"str\"",
        "null",
        "123",
        "true",
        " \t\r\n ",
        "Forbidden",
        "}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse(bodies[i]);
        assert_no_fields(&result);
        assert_int_equal(result.body_is_json, 0);
        assert_int_equal(result.truncated, 0);
    }
}

static void wrong_types_leave_fields_empty(void **state)
{
    (void)state;
    parse("{\"error_code\":123,\"error_msg\":null,\"encoded_authorization_message\":true,"
          "\"request_id\":[\"r\"],\"error_param\":\"notarray\",\"details\":{}}");
    assert_no_fields(&result);
    assert_int_equal(result.body_is_json, 1);
    assert_int_equal(result.truncated, 0);

    parse("{\"error_code\":{\"error_code\":\"x\"},\"error_param\":{\"a\":\"b\"},"
          "\"details\":{\"error_code\":\"X\",\"error_msg\":\"m\"}}");
    assert_no_fields(&result);
    assert_int_equal(result.body_is_json, 1);
}

static void key_without_value(void **state)
{
    (void)state;
    parse("{\"a\"}");
    assert_no_fields(&result);
    parse("{\"error_code\"}");
    assert_no_fields(&result);
    parse("{\"error_code\":}");
    assert_no_fields(&result);
    /* The walk carries on past a key without value. */
    parse("{\"error_code\",\"error_msg\":\"m\"}");
    assert_string_equal(result.error_code, "");
    assert_string_equal(result.error_msg, "m");
    parse("{\"details\":[{\"error_code\"}],\"error_param\"}");
    assert_int_equal(result.details_count, 1);
    assert_string_equal(result.details[0].error_code, "");
    assert_int_equal(result.error_param_count, 0);
    parse("{");
    assert_no_fields(&result);
    assert_int_equal(result.body_is_json, 0);
}

/* ---- random mutations ---------------------------------------------------------
 * 2,000 seeded mutations of the documented body: every string stays
 * terminated inside its array, counts stay in range, unused entries stay
 * zero, nothing is written around the result, and parsing is repeatable. */

static uint32_t lcg_state;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

static unsigned char random_byte(void)
{
    static const char interesting[] = "{}[]\",:\\u0123456789abcdefABCDEFntrfl -.e";

    if (lcg() % 4 == 0)
        return (unsigned char)(lcg() & 0xff);
    return (unsigned char)interesting[lcg() % (sizeof(interesting) - 1)];
}

static struct {
    unsigned char before[64];
    hcsms_result r;
    unsigned char after[64];
} guarded, again;

static void random_mutations(void **state)
{
    unsigned char body[512];
    size_t len;
    int iteration;
    static const hcsms_result zero;

    (void)state;
    lcg_state = 20240601u;
    for (iteration = 0; iteration < 2000; iteration++) {
        unsigned edits = 1 + lcg() % 6, e, i;

        len = strlen(doc_body);
        memcpy(body, doc_body, len);
        for (e = 0; e < edits; e++) {
            size_t at = len ? lcg() % len : 0;
            switch (lcg() % 3) {
            case 0: /* flip */
                if (len)
                    body[at] = random_byte();
                break;
            case 1: /* insert */
                if (len < sizeof(body)) {
                    memmove(body + at + 1, body + at, len - at);
                    body[at] = random_byte();
                    len++;
                }
                break;
            default: /* delete */
                if (len) {
                    memmove(body + at, body + at + 1, len - at - 1);
                    len--;
                }
                break;
            }
        }
        if (lcg() % 8 == 0) /* sometimes cut as well */
            len = lcg() % (len + 1);

        memset(&guarded, 0xa5, sizeof(guarded));
        memset(&guarded.r, 0, sizeof(guarded.r));
        parse_bytes_into(body, len, &guarded.r);
        for (i = 0; i < sizeof(guarded.before); i++) {
            assert_int_equal(guarded.before[i], 0xa5);
            assert_int_equal(guarded.after[i], 0xa5);
        }
        assert_result_bounded(&guarded.r);
        for (i = guarded.r.error_param_count; i < HCSMS_ERROR_PARAMS_MAX; i++)
            assert_memory_equal(guarded.r.error_param[i], zero.error_param[i],
                                sizeof(zero.error_param[i]));
        for (i = guarded.r.details_count; i < HCSMS_DETAILS_MAX; i++)
            assert_memory_equal(&guarded.r.details[i], &zero.details[i], sizeof(zero.details[i]));
        assert_int_equal(guarded.r.http_status, 0);
        assert_null(guarded.r.failed_step);

        memset(&again, 0xa5, sizeof(again));
        memset(&again.r, 0, sizeof(again.r));
        parse_bytes_into(body, len, &again.r);
        assert_memory_equal(&again.r, &guarded.r, sizeof(again.r));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(every_prefix_yields_the_complete_fields, setup),
        cmocka_unit_test_setup(not_json_fills_nothing, setup),
        cmocka_unit_test_setup(wrong_types_leave_fields_empty, setup),
        cmocka_unit_test_setup(key_without_value, setup),
        cmocka_unit_test_setup(random_mutations, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
