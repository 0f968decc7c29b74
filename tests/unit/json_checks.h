/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the tests of the JSON layer and of hcsms_parse_error_body() share
 * (tests/unit/test_json_*.c): the documented body, the result they parse
 * into, and checks that every copy is bounded. In json_checks.c; the
 * Makefile links it into every test_json_* binary.
 *
 * Bodies are always handed over in a heap buffer of exactly their length,
 * so that an ASan build catches any read past the end.
 */
#ifndef HCSMS_TEST_JSON_CHECKS_H
#define HCSMS_TEST_JSON_CHECKS_H

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
extern const char doc_body[];

/* The result the tests parse into; setup() clears it (and the fake port). */
extern hcsms_result result;
int setup(void **state);

/* Parse len bytes of body (copied to a heap buffer of exactly len bytes)
 * into r, which is NOT cleared here. */
void parse_bytes_into(const void *body, size_t len, hcsms_result *r);

/* Clear the global result, then parse a NUL-terminated body into it. */
void parse(const char *body);

/* 1 if text is well-formed UTF-8 (no overlong forms, no surrogates). */
int utf8_valid(const char *text);

/* Every string of r ends inside its array; counts are in range. */
void assert_result_bounded(const hcsms_result *r);

/* No error field was filled. */
void assert_no_fields(const hcsms_result *r);

/* Append text to buf (size bytes) at *used; fails the test on overflow. */
void append(char *buf, size_t size, size_t *used, const char *text);

/* A JSON document with the string value of "k" to feed copy_string. */
typedef struct {
    jsmntok_t tokens[16];
    hcsms_json doc;
    int index;
} one_string;

void load_one(one_string *o, const char *json);

/* Copy into a buffer of size bytes with canaries around it; check the
 * output, the truncated flag and that nothing was written outside. */
void check_copy(const one_string *o, size_t size, const char *expected, int expected_trunc);

#endif /* HCSMS_TEST_JSON_CHECKS_H */
