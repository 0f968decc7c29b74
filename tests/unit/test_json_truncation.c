/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every copy bounded: values of exactly the field size, cuts that never
 * split a character, each field cut at its size, hcsms_json_copy_string
 * into small buffers, and the JSON helpers.
 */
#include "json_checks.h"

/* ---- truncation --------------------------------------------------------------
 * A value longer than its field is cut to fit at a character boundary,
 * NUL-terminated, and result.truncated says so. */

static void value_of_exactly_the_field_size_is_not_truncated(void **state)
{
    char body[256];
    char value[HCSMS_ERROR_CODE_MAX + 2];

    (void)state;
    memset(value, 'A', HCSMS_ERROR_CODE_MAX);
    value[HCSMS_ERROR_CODE_MAX] = '\0';
    snprintf(body, sizeof(body), "{\"error_code\":\"%s\"}", value);
    parse(body);
    assert_string_equal(result.error_code, value);
    assert_int_equal(result.truncated, 0);

    /* One byte more: cut to the field size. */
    value[HCSMS_ERROR_CODE_MAX] = 'B';
    value[HCSMS_ERROR_CODE_MAX + 1] = '\0';
    snprintf(body, sizeof(body), "{\"error_code\":\"%s\"}", value);
    parse(body);
    value[HCSMS_ERROR_CODE_MAX] = '\0';
    assert_string_equal(result.error_code, value);
    assert_int_equal(strlen(result.error_code), HCSMS_ERROR_CODE_MAX);
    assert_int_equal(result.truncated, 1);
    assert_int_equal(result.body_is_json, 1);
}

/* Raw "a" + "é" x 100 in error_code (64 bytes): 1 + 2 * 31 = 63 bytes fit,
 * the next "é" would straddle the end. Raw "€" x 60 in a details error_msg
 * (128 bytes): 42 * 3 = 126. Escaped "\u20ac" x 100 in error_msg (256):
 * 85 * 3 = 255. "a" + "é" x 40 in an error_param item (64): 63. */
static void cut_never_splits_a_character(void **state)
{
    static char body[4096];
    size_t used = 0;
    int i;

    (void)state;
    append(body, sizeof(body), &used, "{\"error_code\":\"a");
    for (i = 0; i < 100; i++)
        append(body, sizeof(body), &used, "\xc3\xa9");
    append(body, sizeof(body), &used, "\",\"error_msg\":\"");
    for (i = 0; i < 100; i++)
        append(body, sizeof(body), &used, "\\u20ac");
    append(body, sizeof(body), &used, "\",\"error_param\":[\"a");
    for (i = 0; i < 40; i++)
        append(body, sizeof(body), &used, "\xc3\xa9");
    append(body, sizeof(body), &used, "\"],\"details\":[{\"error_msg\":\"");
    for (i = 0; i < 60; i++)
        append(body, sizeof(body), &used, "\xe2\x82\xac");
    append(body, sizeof(body), &used, "\"}]}");
    parse(body);

    assert_int_equal(result.truncated, 1);
    assert_int_equal(result.body_is_json, 1);
    assert_int_equal(strlen(result.error_code), 63);
    assert_true(utf8_valid(result.error_code));
    assert_memory_equal(result.error_code, "a\xc3\xa9\xc3\xa9", 5);
    assert_int_equal(strlen(result.error_msg), 255);
    assert_true(utf8_valid(result.error_msg));
    assert_int_equal(result.error_param_count, 1);
    assert_int_equal(strlen(result.error_param[0]), 63);
    assert_true(utf8_valid(result.error_param[0]));
    assert_int_equal(result.details_count, 1);
    assert_int_equal(strlen(result.details[0].error_msg), 126);
    assert_true(utf8_valid(result.details[0].error_msg));
}

/* Each of the other fields is cut at its own size and sets the flag. */
static void each_field_is_cut_at_its_size(void **state)
{
    static const struct {
        const char *prefix, *suffix;
        size_t max;
    } cases[] = {
        {"{\"error_msg\":\"", "\"}", HCSMS_ERROR_MSG_MAX},
        {"{\"encoded_authorization_message\":\"", "\"}", HCSMS_ENCODED_AUTH_MAX},
        {"{\"request_id\":\"", "\"}", HCSMS_REQUEST_ID_MAX},
        {"{\"error_param\":[\"", "\"]}", HCSMS_ERROR_PARAM_MAX},
        {"{\"details\":[{\"error_code\":\"", "\"}]}", HCSMS_ERROR_CODE_MAX},
        {"{\"details\":[{\"error_msg\":\"", "\"}]}", HCSMS_DETAIL_MSG_MAX},
    };
    static char body[2048];
    size_t c;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        size_t used = 0, k;
        const char *out;

        append(body, sizeof(body), &used, cases[c].prefix);
        for (k = 0; k < cases[c].max + 10; k++)
            append(body, sizeof(body), &used, "z");
        append(body, sizeof(body), &used, cases[c].suffix);
        parse(body);
        switch (c) {
        case 0: out = result.error_msg; break;
        case 1: out = result.encoded_authorization_message; break;
        case 2: out = result.request_id; break;
        case 3: out = result.error_param[0]; break;
        case 4: out = result.details[0].error_code; break;
        default: out = result.details[0].error_msg; break;
        }
        assert_int_equal(strlen(out), cases[c].max);
        assert_int_equal(out[0], 'z');
        assert_int_equal(result.truncated, 1);
    }
}

/* hcsms_json_copy_string with tiny buffers: whole characters or nothing. */
static void copy_string_into_small_buffers(void **state)
{
    one_string o;
    char canary[2] = {'#', '#'};
    int truncated = 0;

    (void)state;
    load_one(&o, "{\"k\":\"abc\"}");
    check_copy(&o, 1, "", 1);
    check_copy(&o, 2, "a", 1);
    check_copy(&o, 3, "ab", 1);
    check_copy(&o, 4, "abc", 0);
    check_copy(&o, 5, "abc", 0);

    load_one(&o, "{\"k\":\"\xc3\xa9x\"}");        /* raw é, then x */
    check_copy(&o, 1, "", 1);
    check_copy(&o, 2, "", 1);
    check_copy(&o, 3, "\xc3\xa9", 1);
    check_copy(&o, 4, "\xc3\xa9x", 0);

    load_one(&o, "{\"k\":\"\xe2\x82\xac\"}");     /* raw € */
    check_copy(&o, 1, "", 1);
    check_copy(&o, 2, "", 1);
    check_copy(&o, 3, "", 1);
    check_copy(&o, 4, "\xe2\x82\xac", 0);

    load_one(&o, "{\"k\":\"\\u00e9\"}");          /* escaped é */
    check_copy(&o, 2, "", 1);
    check_copy(&o, 3, "\xc3\xa9", 0);

    load_one(&o, "{\"k\":\"\\u20ac\"}");          /* escaped € */
    check_copy(&o, 3, "", 1);
    check_copy(&o, 4, "\xe2\x82\xac", 0);

    load_one(&o, "{\"k\":\"\\ud83d\\ude00\"}");   /* a surrogate pair */
    check_copy(&o, 1, "", 1);
    check_copy(&o, 4, "", 1);
    check_copy(&o, 5, "\xf0\x9f\x98\x80", 0);

    load_one(&o, "{\"k\":\"\xf0\x9f\x98\x80\"}");     /* raw 4-byte character */
    check_copy(&o, 2, "", 1);
    check_copy(&o, 4, "", 1);
    check_copy(&o, 5, "\xf0\x9f\x98\x80", 0);

    load_one(&o, "{\"k\":\"\\n\"}");              /* a one-byte escape */
    check_copy(&o, 1, "", 1);
    check_copy(&o, 2, "\n", 0);

    load_one(&o, "{\"k\":\"\"}");                 /* empty string */
    check_copy(&o, 1, "", 0);

    /* truncated may be NULL. */
    load_one(&o, "{\"k\":\"abc\"}");
    {
        char out[2];
        assert_int_equal(hcsms_json_copy_string(&o.doc, o.index, out, sizeof(out), NULL), 0);
        assert_string_equal(out, "a");
    }
    /* size 0: nothing written, -1. */
    assert_int_equal(hcsms_json_copy_string(&o.doc, o.index, canary, 0, &truncated), -1);
    assert_int_equal(canary[0], '#');
    assert_int_equal(truncated, 0);
}

static void copy_string_refuses_non_strings(void **state)
{
    one_string o;
    char out[8];
    int truncated = 0;

    (void)state;
    load_one(&o, "{\"k\":123}");
    memset(out, 'x', sizeof(out));
    assert_int_equal(hcsms_json_copy_string(&o.doc, o.index, out, sizeof(out), &truncated), -1);
    assert_string_equal(out, "");
    load_one(&o, "{\"k\":[\"s\"]}");
    memset(out, 'x', sizeof(out));
    assert_int_equal(hcsms_json_copy_string(&o.doc, o.index, out, sizeof(out), &truncated), -1);
    assert_string_equal(out, "");
    /* Index out of range, either side. */
    memset(out, 'x', sizeof(out));
    assert_int_equal(hcsms_json_copy_string(&o.doc, o.doc.count, out, sizeof(out), &truncated), -1);
    assert_string_equal(out, "");
    assert_int_equal(hcsms_json_copy_string(&o.doc, -1, out, sizeof(out), &truncated), -1);
    assert_int_equal(truncated, 0);
}

/* The small API: parse, get, skip, is. */
static void json_helpers(void **state)
{
    jsmntok_t tokens[32];
    hcsms_json doc;
    const char *text = "{\"a\":[1,{\"b\":2}],\"c\":\"d\",\"e\"}";

    (void)state;
    assert_int_equal(hcsms_json_parse(&doc, text, strlen(text), tokens, 32), 10);
    assert_int_equal(doc.complete, 1);
    assert_int_equal(hcsms_json_get(&doc, 0, "a"), 2);
    assert_true(hcsms_json_is(&doc, 2, JSMN_ARRAY));
    assert_int_equal(hcsms_json_skip(&doc, 2), 7);   /* past [1,{"b":2}] */
    assert_int_equal(hcsms_json_get(&doc, 0, "c"), 8);
    assert_int_equal(hcsms_json_get(&doc, 0, "e"), -1); /* no value */
    assert_int_equal(hcsms_json_get(&doc, 0, "b"), -1); /* nested only */
    assert_int_equal(hcsms_json_get(&doc, 4, "b"), 6);
    assert_int_equal(hcsms_json_get(&doc, 2, "a"), -1); /* not an object */
    assert_false(hcsms_json_is(&doc, 10, JSMN_STRING));
    assert_false(hcsms_json_is(&doc, -1, JSMN_OBJECT));

    /* Not an object at the top: -1 and no usable tokens. */
    assert_int_equal(hcsms_json_parse(&doc, "[1]", 3, tokens, 32), -1);
    assert_int_equal(doc.count, 0);
    assert_int_equal(hcsms_json_get(&doc, 0, "a"), -1);
    /* Cut: the leading tokens are kept, complete is 0. */
    assert_int_equal(hcsms_json_parse(&doc, "{\"a\":\"b\",\"c\":\"d", 15, tokens, 32), 4);
    assert_int_equal(doc.complete, 0);
    assert_int_equal(hcsms_json_get(&doc, 0, "a"), 2);
    assert_int_equal(hcsms_json_get(&doc, 0, "c"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(value_of_exactly_the_field_size_is_not_truncated, setup),
        cmocka_unit_test_setup(cut_never_splits_a_character, setup),
        cmocka_unit_test_setup(each_field_is_cut_at_its_size, setup),
        cmocka_unit_test_setup(copy_string_into_small_buffers, setup),
        cmocka_unit_test_setup(copy_string_refuses_non_strings, setup),
        cmocka_unit_test_setup(json_helpers, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
