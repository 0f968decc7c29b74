/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsmn is compiled here, once, in strict mode and with static linkage, so
 * the library exports no jsmn symbols that could clash with the user's copy.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include <string.h>

#include "json.h"
#include "hcsms/config.h"

/* The context keeps the tokens in HCSMS_JSON_TOKEN_BYTES each (the public
 * headers do not include jsmn's): a jsmn built otherwise must not overrun. */
typedef char hcsms_json_token_fits[sizeof(jsmntok_t) <= HCSMS_JSON_TOKEN_BYTES &&
                                           HCSMS_JSON_TOKEN_BYTES % sizeof(int) == 0
                                       ? 1
                                       : -1];

int hcsms_json_parse(hcsms_json *doc, const char *text, size_t len,
                     jsmntok_t *tokens, unsigned max_tokens)
{
    jsmn_parser parser;
    int ret;

    doc->text = text;
    doc->len = len;
    doc->tokens = tokens;
    doc->count = 0;
    doc->complete = 0;
    jsmn_init(&parser);
    ret = jsmn_parse(&parser, text, len, tokens, max_tokens);
    if (ret >= 0) {
        doc->complete = 1;
        doc->count = ret;
    } else {
        /* Out of tokens, cut, or invalid further on: keep the tokens parsed
         * before that. jsmn stores a string or primitive only when it is
         * whole; an object or array not yet closed has end == -1. */
        doc->count = (int)parser.toknext;
    }
    if (doc->count <= 0 || tokens[0].type != JSMN_OBJECT) {
        doc->count = 0;
        return -1;
    }
    return doc->count;
}

int hcsms_json_is(const hcsms_json *doc, int index, jsmntype_t type)
{
    return index >= 0 && index < doc->count && doc->tokens[index].type == type;
}

int hcsms_json_skip(const hcsms_json *doc, int index)
{
    /* Each token takes one slot and opens `size` more (an object's keys
     * each own their value). Iterative, so nesting depth costs no stack. */
    long pending = 1;
    int i = index;

    while (pending > 0 && i < doc->count) {
        pending += (long)doc->tokens[i].size - 1;
        i++;
    }
    return i;
}

static int token_equals(const hcsms_json *doc, int index, const char *text)
{
    const jsmntok_t *t = &doc->tokens[index];
    size_t n = strlen(text);

    return t->type == JSMN_STRING && t->start >= 0 && t->end >= t->start &&
           (size_t)(t->end - t->start) == n && memcmp(doc->text + t->start, text, n) == 0;
}

int hcsms_json_get(const hcsms_json *doc, int object, const char *key)
{
    int i, k, keys;

    if (!hcsms_json_is(doc, object, JSMN_OBJECT))
        return -1;
    keys = doc->tokens[object].size;
    i = object + 1;
    for (k = 0; k < keys && i < doc->count; k++) {
        /* A key without a value (a cut body, or "{"a"}") has size 0. */
        if (doc->tokens[i].size == 1 && i + 1 < doc->count && token_equals(doc, i, key))
            return i + 1;
        i = hcsms_json_skip(doc, i);
    }
    return -1;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t utf8_encode(unsigned cp, unsigned char out[4])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t hcsms_utf8_char(const char *text, size_t avail)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
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
    if (avail < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

int hcsms_json_copy_string(const hcsms_json *doc, int index, char *out,
                           size_t size, int *truncated)
{
    const char *s, *end;
    size_t used = 0;

    if (size == 0)
        return -1;
    out[0] = '\0';
    if (!hcsms_json_is(doc, index, JSMN_STRING) || doc->tokens[index].start < 0 ||
        doc->tokens[index].end < doc->tokens[index].start ||
        (size_t)doc->tokens[index].end > doc->len)
        return -1;
    s = doc->text + doc->tokens[index].start;
    end = doc->text + doc->tokens[index].end;

    while (s < end) {
        unsigned char seq[4];
        size_t n;

        if (*s == '\\' && end - s >= 2) {
            unsigned cp = 0xfffd;
            s++;
            switch (*s) {
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u':
                if (end - s >= 5 && hex4(s + 1, &cp) == 0) {
                    s += 4;
                    if (cp >= 0xd800 && cp <= 0xdbff) {
                        unsigned low;
                        if (end - s >= 7 && s[1] == '\\' && s[2] == 'u' &&
                            hex4(s + 3, &low) == 0 && low >= 0xdc00 && low <= 0xdfff) {
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                            s += 6;
                        } else {
                            cp = 0xfffd;
                        }
                    } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
                        cp = 0xfffd;
                    }
                } else {
                    cp = 0xfffd;
                }
                break;
            default: cp = (unsigned char)*s; break; /* \" \\ \/ */
            }
            s++;
            n = utf8_encode(cp, seq);
        } else {
            /* Raw bytes are copied only as whole, valid UTF-8 characters;
             * anything else becomes U+FFFD, one byte at a time, so a bad
             * lead byte can never swallow the escape that follows it. */
            n = hcsms_utf8_char(s, (size_t)(end - s));
            if (n == 0) {
                n = utf8_encode(0xfffd, seq);
                s++;
            } else {
                memcpy(seq, s, n);
                s += n;
            }
        }
        if (used + n + 1 > size) {
            if (truncated != NULL)
                *truncated = 1;
            break;
        }
        memcpy(out + used, seq, n);
        used += n;
    }
    out[used] = '\0';
    return 0;
}

int hcsms_json_text_ok(const char *text, size_t max_len)
{
    size_t len, i = 0;

    if (text == NULL)
        return 0;
    for (len = 0; len <= max_len && text[len] != '\0'; len++)
        ;
    if (len == 0 || len > max_len)
        return 0;
    while (i < len) {
        size_t n = hcsms_utf8_char(text + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

void hcsms_json_write_string(hcsms_json_sink sink, void *context, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = text;

    sink(context, "\"", 1);
    for (; *text != '\0'; text++) {
        unsigned char c = (unsigned char)*text;
        char escape[6] = {'\\', 'u', '0', '0', 0, 0};
        size_t n = 2;

        if (c == '"' || c == '\\') {
            escape[1] = (char)c;
        } else if (c < 0x20) {
            escape[4] = hex[c >> 4];
            escape[5] = hex[c & 15];
            n = 6;
        } else {
            continue; /* part of the current run of plain bytes */
        }
        sink(context, run, (size_t)(text - run));
        sink(context, escape, n);
        run = text + 1;
    }
    sink(context, run, (size_t)(text - run));
    sink(context, "\"", 1);
}
