/*
 * Unit tests of the JSON layer (src/json) and of hcsms_parse_error_body():
 * the service's error body -> hcsms_result, every copy bounded.
 *
 * Bodies are always handed over in a heap buffer of exactly their length,
 * so that an ASan build catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcsms.h"
#include "fake_port.h"
#include "../../src/json/json.h"
#include "../../src/sms/sms.h"

/* The documented 403 body, with the fields given distinct values. */
static const char doc_body[] =
    "{\"error_code\":\"SMS.9004\","
    "\"error_msg\":\"You do not have permission to perform action sms:server:unlock.\","
    "\"encoded_authorization_message\":\"QUJDREVGRw==\","
    "\"error_param\":[\"a\",\"b\"],"
    "\"details\":[{\"error_code\":\"X.1\",\"error_msg\":\"m1\"},"
    "{\"error_code\":\"X.2\",\"error_msg\":\"m2\"}]}";

static hcsms_result result;

static int setup(void **state)
{
    (void)state;
    fake_port_reset();
    memset(&result, 0, sizeof(result));
    return 0;
}

/* ---- helpers ------------------------------------------------------------- */

/* Parse len bytes of body (copied to a heap buffer of exactly len bytes)
 * into r, which is NOT cleared here. */
static void parse_bytes_into(const void *body, size_t len, hcsms_result *r)
{
    static jsmntok_t tokens[HCSMS_JSON_TOKENS_MAX]; /* as the client's scratch */
    unsigned char *copy = malloc(len > 0 ? len : 1);

    assert_non_null(copy);
    if (len > 0)
        memcpy(copy, body, len);
    hcsms_parse_error_body(copy, len, tokens, HCSMS_JSON_TOKENS_MAX, r);
    free(copy);
}

/* Clear the global result, then parse a NUL-terminated body into it. */
static void parse(const char *body)
{
    memset(&result, 0, sizeof(result));
    parse_bytes_into(body, strlen(body), &result);
}

static int utf8_valid(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;

    while (*s != '\0') {
        size_t n, i;
        unsigned cp;

        if (s[0] < 0x80) {
            s++;
            continue;
        } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
            n = 2;
            cp = s[0] & 0x1fu;
        } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
            n = 3;
            cp = s[0] & 0x0fu;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
            n = 4;
            cp = s[0] & 0x07u;
        } else {
            return 0;
        }
        for (i = 1; i < n; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i] & 0x3fu);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        s += n;
    }
    return 1;
}

/* Every string of r ends inside its array; counts are in range. */
static void assert_result_bounded(const hcsms_result *r)
{
    unsigned i;

    assert_non_null(memchr(r->request_id, '\0', sizeof(r->request_id)));
    assert_non_null(memchr(r->error_code, '\0', sizeof(r->error_code)));
    assert_non_null(memchr(r->error_msg, '\0', sizeof(r->error_msg)));
    assert_non_null(memchr(r->encoded_authorization_message, '\0',
                           sizeof(r->encoded_authorization_message)));
    assert_in_range(r->error_param_count, 0, HCSMS_ERROR_PARAMS_MAX);
    assert_in_range(r->details_count, 0, HCSMS_DETAILS_MAX);
    for (i = 0; i < HCSMS_ERROR_PARAMS_MAX; i++)
        assert_non_null(memchr(r->error_param[i], '\0', sizeof(r->error_param[i])));
    for (i = 0; i < HCSMS_DETAILS_MAX; i++) {
        assert_non_null(memchr(r->details[i].error_code, '\0', sizeof(r->details[i].error_code)));
        assert_non_null(memchr(r->details[i].error_msg, '\0', sizeof(r->details[i].error_msg)));
    }
    assert_in_range(r->truncated, 0, 1);
    assert_in_range(r->body_is_json, 0, 1);
}

/* No error field was filled. */
static void assert_no_fields(const hcsms_result *r)
{
    assert_string_equal(r->error_code, "");
    assert_string_equal(r->error_msg, "");
    assert_string_equal(r->encoded_authorization_message, "");
    assert_string_equal(r->request_id, "");
    assert_int_equal(r->error_param_count, 0);
    assert_int_equal(r->details_count, 0);
}

/* Append text to buf (size bytes) at *used; fails the test on overflow. */
static void append(char *buf, size_t size, size_t *used, const char *text)
{
    size_t n = strlen(text);

    assert_true(*used + n < size);
    memcpy(buf + *used, text, n + 1);
    *used += n;
}

/* A JSON document with the string value of "k" to feed copy_string. */
typedef struct {
    jsmntok_t tokens[16];
    hcsms_json doc;
    int index;
} one_string;

static void load_one(one_string *o, const char *json)
{
    assert_true(hcsms_json_parse(&o->doc, json, strlen(json), o->tokens, 16) > 0);
    assert_int_equal(o->doc.complete, 1);
    o->index = hcsms_json_get(&o->doc, 0, "k");
    assert_true(o->index > 0);
}

/* Copy into a buffer of size bytes with canaries around it; check the
 * output, the truncated flag and that nothing was written outside. */
static void check_copy(const one_string *o, size_t size, const char *expected, int expected_trunc)
{
    char buf[64];
    int truncated = 0;

    assert_true(size + 2 <= sizeof(buf));
    memset(buf, 0x5a, sizeof(buf));
    assert_int_equal(hcsms_json_copy_string(&o->doc, o->index, buf + 1, size, &truncated), 0);
    assert_string_equal(buf + 1, expected);
    assert_int_equal(truncated, expected_trunc);
    assert_int_equal((unsigned char)buf[0], 0x5a);
    assert_int_equal((unsigned char)buf[1 + size], 0x5a);
}

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

/* ---- lists ------------------------------------------------------------------
 * error_param and details are capped at their maxima (truncated = 1);
 * items of the wrong type are skipped, not counted. */

static void lists_are_capped(void **state)
{
    char body[1024];
    size_t used = 0;
    int i;

    (void)state;
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
        cmocka_unit_test_setup(value_of_exactly_the_field_size_is_not_truncated, setup),
        cmocka_unit_test_setup(cut_never_splits_a_character, setup),
        cmocka_unit_test_setup(each_field_is_cut_at_its_size, setup),
        cmocka_unit_test_setup(copy_string_into_small_buffers, setup),
        cmocka_unit_test_setup(copy_string_refuses_non_strings, setup),
        cmocka_unit_test_setup(json_helpers, setup),
        cmocka_unit_test_setup(lists_are_capped, setup),
        cmocka_unit_test_setup(lists_of_exactly_the_maximum_are_not_truncated, setup),
        cmocka_unit_test_setup(wrong_typed_items_are_skipped, setup),
        cmocka_unit_test_setup(full_list_then_skipped_items_is_not_truncated, setup),
        cmocka_unit_test_setup(every_prefix_yields_the_complete_fields, setup),
        cmocka_unit_test_setup(too_many_tokens_fields_first, setup),
        cmocka_unit_test_setup(too_many_tokens_fields_after, setup),
        cmocka_unit_test_setup(deep_nesting, setup),
        cmocka_unit_test_setup(not_json_fills_nothing, setup),
        cmocka_unit_test_setup(wrong_types_leave_fields_empty, setup),
        cmocka_unit_test_setup(key_without_value, setup),
        cmocka_unit_test_setup(request_id_from_body_only_when_empty, setup),
        cmocka_unit_test_setup(random_mutations, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
