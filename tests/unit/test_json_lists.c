/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error_param and details: lists capped at their maximum (and the flag
 * only when something was dropped), wrong-typed items skipped; and bodies
 * with more tokens than HCSMS_JSON_TOKENS_MAX, or nested too deep.
 */
#include "json_checks.h"

/* ---- lists ------------------------------------------------------------------
 * error_param and details are capped at their maxima (truncated = 1);
 * items of the wrong type are skipped, not counted. */

static void lists_are_capped(void **state)
{
    /* the object, three keys with their values, the lists' items (a detail
     * is an object of two keys and values) */
    const int tokens = 7 + (HCSMS_ERROR_PARAMS_MAX + 3) + 5 * (HCSMS_DETAILS_MAX + 3);
    char body[1024];
    size_t used = 0;
    int i;

    (void)state;
    if (tokens > HCSMS_JSON_TOKENS_MAX) {
        print_message("skipped: the body needs %d JSON tokens, built with "
                      "HCSMS_JSON_TOKENS_MAX %d\n", tokens, HCSMS_JSON_TOKENS_MAX);
        skip();
    }
    append(body, sizeof(body), &used, "{\"error_param\":[");
    for (i = 0; i < HCSMS_ERROR_PARAMS_MAX + 3; i++) {
        char item[16];
        snprintf(item, sizeof(item), "%s\"p%d\"", i ? "," : "", i);
        append(body, sizeof(body), &used, item);
    }
    append(body, sizeof(body), &used, "],\"details\":[");
    for (i = 0; i < HCSMS_DETAILS_MAX + 3; i++) {
        char item[64];
        snprintf(item, sizeof(item), "%s{\"error_code\":\"c%d\",\"error_msg\":\"m%d\"}",
                 i ? "," : "", i, i);
        append(body, sizeof(body), &used, item);
    }
    append(body, sizeof(body), &used, "],\"error_code\":\"after\"}");
    parse(body);

    assert_int_equal(result.error_param_count, HCSMS_ERROR_PARAMS_MAX);
    for (i = 0; i < HCSMS_ERROR_PARAMS_MAX; i++) {
        char want[16];
        snprintf(want, sizeof(want), "p%d", i);
        assert_string_equal(result.error_param[i], want);
    }
    assert_int_equal(result.details_count, HCSMS_DETAILS_MAX);
    for (i = 0; i < HCSMS_DETAILS_MAX; i++) {
        char want[16];
        snprintf(want, sizeof(want), "c%d", i);
        assert_string_equal(result.details[i].error_code, want);
        snprintf(want, sizeof(want), "m%d", i);
        assert_string_equal(result.details[i].error_msg, want);
    }
    assert_string_equal(result.error_code, "after");
    assert_int_equal(result.truncated, 1);
    assert_int_equal(result.body_is_json, 1);
}

static void lists_of_exactly_the_maximum_are_not_truncated(void **state)
{
    char body[1024];
    size_t used = 0;
    int i;

    (void)state;
    append(body, sizeof(body), &used, "{\"error_param\":[");
    for (i = 0; i < HCSMS_ERROR_PARAMS_MAX; i++)
        append(body, sizeof(body), &used, i ? ",\"p\"" : "\"p\"");
    append(body, sizeof(body), &used, "],\"details\":[");
    for (i = 0; i < HCSMS_DETAILS_MAX; i++)
        append(body, sizeof(body), &used, i ? ",{\"error_code\":\"c\"}" : "{\"error_code\":\"c\"}");
    append(body, sizeof(body), &used, "]}");
    parse(body);
    assert_int_equal(result.error_param_count, HCSMS_ERROR_PARAMS_MAX);
    assert_int_equal(result.details_count, HCSMS_DETAILS_MAX);
    assert_string_equal(result.details[HCSMS_DETAILS_MAX - 1].error_code, "c");
    assert_int_equal(result.truncated, 0);
}

static void wrong_typed_items_are_skipped(void **state)
{
    (void)state;
    parse("{\"error_param\":[\"a\",1,null,true,{\"x\":\"y\"},[\"z\"],\"b\"],"
          "\"details\":[1,\"s\",[{\"error_code\":\"no\"}],null,"
          "{\"error_code\":\"X\",\"error_msg\":7},{}]}");
    assert_int_equal(result.error_param_count, 2);
    assert_string_equal(result.error_param[0], "a");
    assert_string_equal(result.error_param[1], "b");
    assert_string_equal(result.error_param[2], "");
    assert_int_equal(result.details_count, 2);
    assert_string_equal(result.details[0].error_code, "X");
    assert_string_equal(result.details[0].error_msg, "");  /* 7 is not a string */
    assert_string_equal(result.details[1].error_code, "");  /* {} */
    assert_string_equal(result.details[2].error_code, "");
    assert_int_equal(result.truncated, 0);
    assert_int_equal(result.body_is_json, 1);
}

/* A full list followed only by items that would be skipped anyway lost
 * nothing, so nothing says "cut". */
static void full_list_then_skipped_items_is_not_truncated(void **state)
{
    char body[512];
    size_t used = 0;
    int i;

    (void)state;
    append(body, sizeof(body), &used, "{\"error_param\":[");
    for (i = 0; i < HCSMS_ERROR_PARAMS_MAX; i++)
        append(body, sizeof(body), &used, "\"p\",");
    append(body, sizeof(body), &used, "1,null]}");
    parse(body);
    assert_int_equal(result.error_param_count, HCSMS_ERROR_PARAMS_MAX);
    assert_int_equal(result.truncated, 0);

    used = 0;
    append(body, sizeof(body), &used, "{\"details\":[");
    for (i = 0; i < HCSMS_DETAILS_MAX; i++)
        append(body, sizeof(body), &used, "{\"error_code\":\"c\"},");
    append(body, sizeof(body), &used, "\"not an object\"]}");
    parse(body);
    assert_int_equal(result.details_count, HCSMS_DETAILS_MAX);
    assert_int_equal(result.truncated, 0);
}

/* ---- more tokens than HCSMS_JSON_TOKENS_MAX ---------------------------------
 * Fields before the token budget runs out are read; nothing after it is. */

static void build_with_big_array(char *body, size_t size, int array_first)
{
    size_t used = 0;
    int i;

    append(body, size, &used, "{");
    if (!array_first)
        append(body, size, &used, "\"error_code\":\"SMS.9004\",\"error_msg\":\"before\",");
    append(body, size, &used, "\"aaa\":[");
    for (i = 1; i <= 500; i++) {
        char number[8];
        snprintf(number, sizeof(number), "%s%d", i > 1 ? "," : "", i);
        append(body, size, &used, number);
    }
    append(body, size, &used, "]");
    if (array_first)
        append(body, size, &used, ",\"error_code\":\"SMS.9004\",\"error_msg\":\"after\"");
    else
        append(body, size, &used, ",\"encoded_authorization_message\":\"after\"");
    append(body, size, &used, "}");
}

static void too_many_tokens_fields_first(void **state)
{
    static char body[4096];

    (void)state;
    build_with_big_array(body, sizeof(body), 0);
    parse(body);
    assert_string_equal(result.error_code, "SMS.9004");
    assert_string_equal(result.error_msg, "before");
    assert_string_equal(result.encoded_authorization_message, ""); /* past the budget */
    assert_int_equal(result.body_is_json, 0);
    assert_int_equal(result.truncated, 1);
}

static void too_many_tokens_fields_after(void **state)
{
    static char body[4096];

    (void)state;
    build_with_big_array(body, sizeof(body), 1);
    parse(body);
    assert_result_bounded(&result);
    assert_no_fields(&result);
    assert_int_equal(result.body_is_json, 0);
    assert_int_equal(result.truncated, 1);
}

/* 1000 nested arrays: the token budget runs out long before the end; no
 * recursion, no crash. */
static void deep_nesting(void **state)
{
    static char body[2200];
    size_t used = 0;
    int i;

    (void)state;
    append(body, sizeof(body), &used, "{\"x\":");
    for (i = 0; i < 1000; i++)
        body[used++] = '[';
    for (i = 0; i < 1000; i++)
        body[used++] = ']';
    body[used] = '\0';
    append(body, sizeof(body), &used, ",\"error_code\":\"E\"}");
    parse(body);
    assert_result_bounded(&result);
#if HCSMS_JSON_TOKENS_MAX < 1003
    assert_string_equal(result.error_code, "");
    assert_int_equal(result.body_is_json, 0);
    assert_int_equal(result.truncated, 1);
#else
    assert_string_equal(result.error_code, "E");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(lists_are_capped, setup),
        cmocka_unit_test_setup(lists_of_exactly_the_maximum_are_not_truncated, setup),
        cmocka_unit_test_setup(wrong_typed_items_are_skipped, setup),
        cmocka_unit_test_setup(full_list_then_skipped_items_is_not_truncated, setup),
        cmocka_unit_test_setup(too_many_tokens_fields_first, setup),
        cmocka_unit_test_setup(too_many_tokens_fields_after, setup),
        cmocka_unit_test_setup(deep_nesting, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
