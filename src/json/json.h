/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A thin, bounded layer over jsmn (strict mode): find a key in an object,
 * walk an array, copy a string with its escapes decoded to UTF-8.
 *
 * It works on partial parses too: when the body was cut or had more tokens
 * than the caller gave room for, the leading tokens that jsmn completed are
 * still read, and nothing past them is.
 *
 * May call: jsmn (compiled in json.c once, static) and libc; it includes
 * hcsms/config.h, never hcsms.h.
 */
#ifndef HCSMS_JSON_H
#define HCSMS_JSON_H

#include <stddef.h>

#define JSMN_HEADER
#include <jsmn.h>
#undef JSMN_HEADER

typedef struct hcsms_json {
    const char *text;
    size_t len;
    jsmntok_t *tokens;
    int count;     /* tokens usable */
    int complete;  /* the whole text parsed without error */
} hcsms_json;

/* Parse text into tokens[max_tokens] (caller-owned). Returns the number of
 * usable tokens (> 0) when the text starts with a JSON object, else -1. */
int hcsms_json_parse(hcsms_json *doc, const char *text, size_t len,
                     jsmntok_t *tokens, unsigned max_tokens);

/* The token index of the value of key in the object at index object, or -1. */
int hcsms_json_get(const hcsms_json *doc, int object, const char *key);

/* The index just past the value at index (and everything inside it). */
int hcsms_json_skip(const hcsms_json *doc, int index);

/* 1 if the token at index is of type (JSMN_OBJECT, JSMN_ARRAY, ...). */
int hcsms_json_is(const hcsms_json *doc, int index, jsmntype_t type);

/* Copy the string at index into out (size bytes, NUL-terminated), decoding
 * escapes; \u0000, lone surrogates and bytes that are not valid UTF-8
 * become U+FFFD, so the output is always valid UTF-8. Cut at a character
 * boundary to fit, setting *truncated. Returns 0, or -1 when the token is
 * not a string (out is then ""). */
int hcsms_json_copy_string(const hcsms_json *doc, int index, char *out,
                           size_t size, int *truncated);

/* 1 if text is 1..max_len bytes of valid UTF-8 (NUL-terminated; never
 * read past max_len + 1 bytes), else 0. */
int hcsms_json_text_ok(const char *text, size_t max_len);

/* The public function this layer implements (declared in hcsms.h too; a
 * file that includes both gets a compiler error if the two ever differ). */
size_t hcsms_utf8_char(const char *text, size_t avail);

/* Where JSON text goes: the request writer, or a byte counter. */
typedef void (*hcsms_json_sink)(void *context, const void *data, size_t len);

/* Write text as a JSON string: quoted, '"' and '\\' escaped, control bytes
 * as \u00XX; other bytes as they are (check them with hcsms_json_text_ok). */
void hcsms_json_write_string(hcsms_json_sink sink, void *context, const char *text);

#endif /* HCSMS_JSON_H */
