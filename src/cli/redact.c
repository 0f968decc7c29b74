/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Redaction: secrets (as struct cli_secrets holds them) and AK/SK
 * signatures taken out of server text before it is printed.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <string.h>
#include <strings.h>

#include <mbedtls/platform_util.h>

#include "cli.h"

/* A server may echo our token back (in error_msg, a request id, ...): any
 * run of the token's characters that it sent is replaced before printing.
 * A window of REDACT_WINDOW bytes (or the whole token, if shorter) found in
 * the token marks its bytes; a marked run becomes "(redacted)", or as many
 * '*' when it is shorter than that, so the text never grows. The text is
 * searched as a JSON string would read once unescaped ("\/" is '/', "\u0041"
 * is 'A'), so an echo inside raw JSON is found in whatever escapes it uses;
 * the escapes themselves are marked with what they stand for. */
#define REDACT_WINDOW 12
/* The longest text redacted: a result field, or the kept body (-v). */
#define REDACT_MAX (HCSMS_BODY_KEEP_MAX + sizeof(hcsms_result))
static const char redacted[] = "(redacted)";
/* Work space: the unescaped view, where each of its bytes came from, the
 * marks, a copy of the text. Wiped after each use: they hold secrets.
 * Static for its size (11 times REDACT_MAX, about 42 KB), not to keep
 * anything: each cli_redact() starts it afresh. */
static struct {
    char view[REDACT_MAX], copy[REDACT_MAX];
    unsigned from[REDACT_MAX], width[REDACT_MAX];
    unsigned char marked[REDACT_MAX];
} work;

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

/* \uXXXX at p (6 bytes available): its code unit, or -1. */
static long json_unit(const char *p)
{
    long unit = 0;
    int k;

    if (p[0] != '\\' || p[1] != 'u')
        return -1;
    for (k = 2; k < 6; k++) {
        int h = hex_value(p[k]);
        if (h < 0)
            return -1;
        unit = unit * 16 + h;
    }
    return unit;
}

/* Append code point cp to the view as UTF-8, each byte coming from
 * text[from..from+width). */
static size_t view_put(size_t n, unsigned long cp, size_t from, size_t width)
{
    unsigned char bytes[4];
    size_t count, k;

    if (cp < 0x80) {
        bytes[0] = (unsigned char)cp;
        count = 1;
    } else if (cp < 0x800) {
        bytes[0] = (unsigned char)(0xc0 | (cp >> 6));
        bytes[1] = (unsigned char)(0x80 | (cp & 0x3f));
        count = 2;
    } else if (cp < 0x10000) {
        bytes[0] = (unsigned char)(0xe0 | (cp >> 12));
        bytes[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        bytes[2] = (unsigned char)(0x80 | (cp & 0x3f));
        count = 3;
    } else {
        bytes[0] = (unsigned char)(0xf0 | (cp >> 18));
        bytes[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
        bytes[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        bytes[3] = (unsigned char)(0x80 | (cp & 0x3f));
        count = 4;
    }
    for (k = 0; k < count; k++) {
        work.view[n] = (char)bytes[k];
        work.from[n] = (unsigned)from;
        work.width[n++] = (unsigned)width;
    }
    return n;
}

/* The view of text[0..len) the secrets are looked for in: the text itself,
 * or (unescape) as a JSON string's content reads once unescaped: the
 * two-byte escapes, and \uXXXX (surrogate pairs included) as UTF-8. Never
 * longer than the text (an escape is longer than what it stands for). Its
 * length. */
static size_t text_view(const char *text, size_t len, int unescape)
{
    static const char escapes[] = "/\\\"bfnrt", meanings[] = "/\\\"\b\f\n\r\t";
    size_t i = 0, n = 0;

    while (i < len) {
        long unit = unescape && i + 5 < len ? json_unit(text + i) : -1, low;
        const char *two = unescape && text[i] == '\\' && i + 1 < len && text[i + 1] != '\0'
                              ? strchr(escapes, text[i + 1])
                              : NULL;

        if (two != NULL) {
            n = view_put(n, (unsigned char)meanings[two - escapes], i, 2);
            i += 2;
        } else if (unit >= 0xd800 && unit <= 0xdbff && i + 11 < len &&
                   (low = json_unit(text + i + 6)) >= 0xdc00 && low <= 0xdfff) {
            n = view_put(n, 0x10000ul + (((unsigned long)unit - 0xd800) << 10) +
                                ((unsigned long)low - 0xdc00), i, 12);
            i += 12;
        } else if (unit >= 0 && (unit < 0xd800 || unit > 0xdfff)) {
            n = view_put(n, (unsigned long)unit, i, 6);
            i += 6;
        } else {
            work.view[n] = text[i]; /* one byte, as it is */
            work.from[n] = (unsigned)i;
            work.width[n++] = 1;
            i++;
        }
    }
    return n;
}

/* Mark the bytes of text behind view[at..at+count). */
static void mark_view(size_t at, size_t count)
{
    size_t k;

    for (k = at; k < at + count; k++)
        memset(work.marked + work.from[k], 1, work.width[k]);
}

/* Replace each marked run of text (len bytes) as described above. */
static void replace_marked(char *text, size_t len)
{
    size_t i, out = 0;

    memcpy(work.copy, text, len + 1); /* with its NUL */
    for (i = 0; i < len;) {
        if (!work.marked[i]) {
            text[out++] = work.copy[i++];
            continue;
        }
        size_t run = 0;
        while (i + run < len && work.marked[i + run])
            run++;
        if (run >= sizeof(redacted) - 1) {
            memcpy(text + out, redacted, sizeof(redacted) - 1);
            out += sizeof(redacted) - 1;
        } else {
            memset(text + out, '*', run); /* a short secret: never grow the text */
            out += run;
        }
        i += run;
    }
    text[out] = '\0';
    mbedtls_platform_zeroize(work.copy, len + 1);
}

/* Mark every echo of secret in the view (n bytes). */
static void mark_secret(size_t n, const char *secret)
{
    size_t secret_len = secret != NULL ? strlen(secret) : 0, window, i;

    if (secret_len == 0)
        return;
    window = secret_len < REDACT_WINDOW ? secret_len : REDACT_WINDOW;
    for (i = 0; i + window <= n; i++) {
        if (memmem(secret, secret_len, work.view + i, window) != NULL)
            mark_view(i, window);
    }
}

/* An AK/SK request's signature is 64 hex digits: any such run the server
 * echoes (an API gateway's "Signature=...", or alone) is marked, except
 * SHA-256 of nothing (the empty body's hash, public). */
static void mark_signatures(size_t n)
{
    static const char empty_hash[] =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    size_t i = 0;

    while (i < n) {
        size_t run = 0;
        while (i + run < n && hex_value(work.view[i + run]) >= 0)
            run++;
        if (run == 64 && strncasecmp(work.view + i, empty_hash, 64) != 0)
            mark_view(i, run);
        i += run != 0 ? run : 1;
    }
}

/* Mark every secret and signature in the view (n bytes). */
static void mark_all(const struct cli_secrets *s, size_t n)
{
    mark_secret(n, s->token);
    mark_secret(n, s->secret_key);
    mark_secret(n, s->security_token);
    mark_secret(n, s->password);
    mark_secret(n, s->proxy_password);
    mark_signatures(n);
}

void cli_redact(const struct cli_secrets *secrets, char *text)
{
    size_t len = strlen(text), n;

    if (len == 0)
        return;
    if (len >= REDACT_MAX) { /* never: callers pass result fields or a cut body */
        text[0] = '\0';
        return;
    }
    memset(work.marked, 0, len);
    /* As it is (a field the library already unescaped, which may hold a
     * secret with a backslash in it), and as raw JSON would read. */
    mark_all(secrets, text_view(text, len, 0));
    n = text_view(text, len, 1);
    mark_all(secrets, n);
    replace_marked(text, len);
    mbedtls_platform_zeroize(work.view, len); /* both views are at most len bytes */
}

void cli_redact_result(const struct cli_secrets *secrets, hcsms_result *r)
{
    unsigned i;

    cli_redact(secrets, r->request_id);
    cli_redact(secrets, r->error_code);
    cli_redact(secrets, r->error_msg);
    cli_redact(secrets, r->encoded_authorization_message);
    for (i = 0; i < r->error_param_count; i++)
        cli_redact(secrets, r->error_param[i]);
    for (i = 0; i < r->details_count; i++) {
        cli_redact(secrets, r->details[i].error_code);
        cli_redact(secrets, r->details[i].error_msg);
    }
}
