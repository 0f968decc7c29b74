/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_parse_error_body() on well-formed bodies: the documented one (also
 * spread with white space), keys in any order and unknown ones skipped,
 * escapes decoded, request_id from the body, IAM's error shape.
 */
#include "json_checks.h"

/* ---- the documented body ---------------------------------------------------
 * Every field is filled exactly; a complete body is JSON and not truncated. */

static void documented_body_fills_every_field(void **state)
{
    (void)state;
    parse(doc_body);
    assert_string_equal(result.error_code, "SMS.9004");
    assert_string_equal(result.error_msg,
                        "You do not have permission to perform action sms:server:unlock.");
    assert_string_equal(result.encoded_authorization_message, "QUJDREVGRw==");
    assert_int_equal(result.error_param_count, 2);
    assert_string_equal(result.error_param[0], "a");
    assert_string_equal(result.error_param[1], "b");
    assert_string_equal(result.error_param[2], "");
    assert_int_equal(result.details_count, 2);
    assert_string_equal(result.details[0].error_code, "X.1");
    assert_string_equal(result.details[0].error_msg, "m1");
    assert_string_equal(result.details[1].error_code, "X.2");
    assert_string_equal(result.details[1].error_msg, "m2");
    assert_string_equal(result.details[2].error_code, "");
    assert_string_equal(result.request_id, "");
    assert_int_equal(result.body_is_json, 1);
    assert_int_equal(result.truncated, 0);
    /* Fields the body does not touch. */
    assert_int_equal(result.http_status, 0);
    assert_int_equal(result.body_truncated, 0);
}

/* The documented body as the service pretty-prints it (spec example). */
static void documented_body_with_white_space(void **state)
{
    (void)state;
    parse("{\n  \"error_code\" : \"SMS.9004\",\n  \"error_msg\" : \"No permission.\",\n"
          "  \"encoded_authorization_message\" : \"XXXXXX\",\n"
          "  \"error_param\" : [ \"You do not have permission\" ],\n"
          "  \"details\" : [ {\n    \"error_code\" : \"SMS.9004\",\n"
          "    \"error_msg\" : \"You do not\"\n  } ]\n}\n");
    assert_string_equal(result.error_code, "SMS.9004");
    assert_string_equal(result.error_msg, "No permission.");
    assert_string_equal(result.encoded_authorization_message, "XXXXXX");
    assert_int_equal(result.error_param_count, 1);
    assert_string_equal(result.error_param[0], "You do not have permission");
    assert_int_equal(result.details_count, 1);
    assert_string_equal(result.details[0].error_code, "SMS.9004");
    assert_string_equal(result.details[0].error_msg, "You do not");
    assert_int_equal(result.body_is_json, 1);
    assert_int_equal(result.truncated, 0);
}

/* ---- key order and unknown keys -------------------------------------------
 * Keys are found in any order; unknown values of any shape before them are
 * skipped whole, so a key inside a nested value is never taken. */

static void nested_unknown_values_are_skipped(void **state)
{
    (void)state;
    parse("{\"x\":{\"error_code\":\"inner\"},\"y\":[1,{\"a\":[2]}],\"error_code\":\"outer\"}");
    assert_string_equal(result.error_code, "outer");
    assert_int_equal(result.body_is_json, 1);
    assert_int_equal(result.truncated, 0);

    /* A nested key only, never a top-level one: nothing. */
    parse("{\"x\":{\"error_code\":\"inner\",\"details\":[{\"error_code\":\"no\"}]}}");
    assert_no_fields(&result);
    assert_int_equal(result.body_is_json, 1);

    /* A string VALUE equal to a key name is not a key. */
    parse("{\"a\":\"error_code\",\"b\":\"error_msg\"}");
    assert_no_fields(&result);

    /* Primitives of every kind before the known keys. */
    parse("{\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,\"e\":{},\"l\":[],"
          "\"error_msg\":\"m\"}");
    assert_string_equal(result.error_msg, "m");
    assert_int_equal(result.body_is_json, 1);
}

static void keys_in_any_order(void **state)
{
    (void)state;
    parse("{\"details\":[{\"error_msg\":\"m1\",\"zz\":[{}],\"error_code\":\"X.1\"}],"
          "\"unknown\":{\"deep\":[[{\"error_msg\":\"no\"}]]},"
          "\"error_param\":[\"p\"],\"encoded_authorization_message\":\"enc\","
          "\"error_msg\":\"msg\",\"request_id\":\"rid\",\"error_code\":\"SMS.0202\"}");
    assert_string_equal(result.error_code, "SMS.0202");
    assert_string_equal(result.error_msg, "msg");
    assert_string_equal(result.encoded_authorization_message, "enc");
    assert_string_equal(result.request_id, "rid");
    assert_int_equal(result.error_param_count, 1);
    assert_string_equal(result.error_param[0], "p");
    assert_int_equal(result.details_count, 1);
    assert_string_equal(result.details[0].error_code, "X.1");
    assert_string_equal(result.details[0].error_msg, "m1");
    assert_int_equal(result.body_is_json, 1);
    assert_int_equal(result.truncated, 0);
}

/* ---- escapes ----------------------------------------------------------------
 * Every JSON escape is decoded to UTF-8; what cannot be a character
 * (\u0000, lone surrogates) becomes U+FFFD, never an early NUL. */

static void simple_escapes_are_decoded(void **state)
{
    (void)state;
    parse("{\"error_msg\":\"q\\\"b\\\\s\\/B\\bF\\fN\\nR\\rT\\t.\"}");
    assert_string_equal(result.error_msg, "q\"b\\s/B\bF\fN\nR\rT\t.");
    assert_int_equal(result.truncated, 0);
}

static void unicode_escapes_are_decoded(void **state)
{
    (void)state;
    parse("{\"error_code\":\"\\u00e9\",\"error_msg\":\"\\u20ac|\\u20AC\","
          "\"encoded_authorization_message\":\"\\ud83d\\ude00\","
          "\"error_param\":[\"\\u0041\\u007f\\u0080\\u07ff\\u0800\\uffff\"]}");
    assert_string_equal(result.error_code, "\xc3\xa9");
    assert_string_equal(result.error_msg, "\xe2\x82\xac|\xe2\x82\xac");
    assert_string_equal(result.encoded_authorization_message, "\xf0\x9f\x98\x80");
    assert_int_equal(result.error_param_count, 1);
    assert_string_equal(result.error_param[0],
                        "A\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf");
    assert_int_equal(result.truncated, 0);
}

static void bad_code_points_become_replacement_characters(void **state)
{
    (void)state;
    /* Lone high at the end, lone high before a plain char, lone low, a high
     * followed by a non-low escape (which is still decoded), two highs then a
     * low, and \u0000 in the middle. */
    parse("{\"error_param\":[\"a\\ud83d\",\"\\ud83dx\",\"\\ude00y\",\"\\ud83d\\u0041\","
          "\"\\ud83d\\ud83d\\ude00\"],"
          "\"error_msg\":\"a\\u0000b\",\"error_code\":\"\\u0000\"}");
    assert_int_equal(result.error_param_count, 4);
    assert_string_equal(result.error_param[0], "a\xef\xbf\xbd");
    assert_string_equal(result.error_param[1], "\xef\xbf\xbdx");
    assert_string_equal(result.error_param[2], "\xef\xbf\xbdy");
    assert_string_equal(result.error_param[3], "\xef\xbf\xbd" "A");
    assert_int_equal(result.truncated, 1); /* the fifth item did not fit */
    assert_string_equal(result.error_msg, "a\xef\xbf\xbd" "b");
    assert_string_equal(result.error_code, "\xef\xbf\xbd");

    parse("{\"error_msg\":\"\\ud83d\\ud83d\\ude00\"}");
    assert_string_equal(result.error_msg, "\xef\xbf\xbd\xf0\x9f\x98\x80");
    assert_int_equal(result.truncated, 0);
}

/* Raw UTF-8 in the body is copied unchanged. */
static void raw_utf8_is_copied(void **state)
{
    (void)state;
    parse("{\"error_msg\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}");
    assert_string_equal(result.error_msg, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    assert_int_equal(result.truncated, 0);
}

/* ---- request_id ---------------------------------------------------------------
 * The body's request_id fills the field only when the header gave none;
 * the result is not cleared by the parser. */

static void request_id_from_body_only_when_empty(void **state)
{
    static const char body[] = "{\"request_id\":\"body-rid\",\"error_code\":\"APIGW.0101\"}";

    (void)state;
    parse(body);
    assert_string_equal(result.request_id, "body-rid");
    assert_string_equal(result.error_code, "APIGW.0101");

    memset(&result, 0, sizeof(result));
    strcpy(result.request_id, "hdr");
    result.http_status = 404;
    parse_bytes_into(body, strlen(body), &result);
    assert_string_equal(result.request_id, "hdr");
    assert_string_equal(result.error_code, "APIGW.0101");
    assert_int_equal(result.http_status, 404);

    /* Not clearing: a body without request_id leaves the earlier one. */
    memset(&result, 0, sizeof(result));
    strcpy(result.request_id, "hdr");
    parse_bytes_into("{}", 2, &result);
    assert_string_equal(result.request_id, "hdr");
    assert_int_equal(result.body_is_json, 1);
}

/* ---- IAM's error shape ----------------------------------------------------
 * {"error":{"code":401,"message":..,"title":..}}: code a number or a string;
 * the SMS fields win when both are present. */

static void iam_error_shape(void **state)
{
    (void)state;
    parse("{\"error\":{\"code\":401,\"message\":\"The username or password is wrong.\","
          "\"title\":\"Unauthorized\"}}");
    assert_string_equal(result.error_code, "401");
    assert_string_equal(result.error_msg, "The username or password is wrong.");
    parse("{\"error\":{\"title\":\"Forbidden\",\"message\":\"m \\u00e9\",\"code\":\"IAM.0002\"}}");
    assert_string_equal(result.error_code, "IAM.0002");
    assert_string_equal(result.error_msg, "m \xc3\xa9");
    /* Not a number: a primitive code is left out rather than guessed. */
    parse("{\"error\":{\"code\":true,\"message\":\"m\"}}");
    assert_string_equal(result.error_code, "");
    assert_string_equal(result.error_msg, "m");
    parse("{\"error\":{\"code\":123456789012345678901234567890123456789012345678901234567890"
          "12345678901234567890}}");
    assert_string_equal(result.error_code, "");
    parse("{\"error_code\":\"SMS.9004\",\"error\":{\"code\":1,\"message\":\"x\"}}");
    assert_string_equal(result.error_code, "SMS.9004");
    assert_string_equal(result.error_msg, "");
    parse("{\"error\":\"just text\"}");
    assert_no_fields(&result);
    parse("{\"x\":{\"error\":{\"code\":1}}}");
    assert_no_fields(&result);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(documented_body_fills_every_field, setup),
        cmocka_unit_test_setup(documented_body_with_white_space, setup),
        cmocka_unit_test_setup(nested_unknown_values_are_skipped, setup),
        cmocka_unit_test_setup(iam_error_shape, setup),
        cmocka_unit_test_setup(keys_in_any_order, setup),
        cmocka_unit_test_setup(simple_escapes_are_decoded, setup),
        cmocka_unit_test_setup(unicode_escapes_are_decoded, setup),
        cmocka_unit_test_setup(bad_code_points_become_replacement_characters, setup),
        cmocka_unit_test_setup(raw_utf8_is_copied, setup),
        cmocka_unit_test_setup(request_id_from_body_only_when_empty, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
