/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared parts of the JSON tests: see json_checks.h.
 */
#include "json_checks.h"

/* The documented 403 body, with the fields given distinct values. */
const char doc_body[] =
    "{\"error_code\":\"SMS.9004\","
    "\"error_msg\":\"You do not have permission to perform action sms:server:unlock.\","
    "\"encoded_authorization_message\":\"QUJDREVGRw==\","
    "\"error_param\":[\"a\",\"b\"],"
    "\"details\":[{\"error_code\":\"X.1\",\"error_msg\":\"m1\"},"
    "{\"error_code\":\"X.2\",\"error_msg\":\"m2\"}]}";

hcsms_result result;

int setup(void **state)
{
    (void)state;
    fake_port_reset();
    memset(&result, 0, sizeof(result));
    return 0;
}

/* Parse len bytes of body (copied to a heap buffer of exactly len bytes)
 * into r, which is NOT cleared here. */
void parse_bytes_into(const void *body, size_t len, hcsms_result *r)
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
void parse(const char *body)
{
    memset(&result, 0, sizeof(result));
    parse_bytes_into(body, strlen(body), &result);
}

int utf8_valid(const char *text)
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
void assert_result_bounded(const hcsms_result *r)
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
void assert_no_fields(const hcsms_result *r)
{
    assert_string_equal(r->error_code, "");
    assert_string_equal(r->error_msg, "");
    assert_string_equal(r->encoded_authorization_message, "");
    assert_string_equal(r->request_id, "");
    assert_int_equal(r->error_param_count, 0);
    assert_int_equal(r->details_count, 0);
}

/* Append text to buf (size bytes) at *used; fails the test on overflow. */
void append(char *buf, size_t size, size_t *used, const char *text)
{
    size_t n = strlen(text);

    assert_true(*used + n < size);
    memcpy(buf + *used, text, n + 1);
    *used += n;
}

void load_one(one_string *o, const char *json)
{
    assert_true(hcsms_json_parse(&o->doc, json, strlen(json), o->tokens, 16) > 0);
    assert_int_equal(o->doc.complete, 1);
    o->index = hcsms_json_get(&o->doc, 0, "k");
    assert_true(o->index > 0);
}

/* Copy into a buffer of size bytes with canaries around it; check the
 * output, the truncated flag and that nothing was written outside. */
void check_copy(const one_string *o, size_t size, const char *expected, int expected_trunc)
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
