/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output: results as human text or JSON Lines, -v's trace, exit statuses.
 * Server text reaches a terminal only through cli_put_safe() or, as JSON,
 * cli_put_json_string(); callers redact it first (redact.c).
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "cli.h"

/* A valid UTF-8 character of n bytes at p that must not reach a terminal
 * as it is: a C1 control (U+0080..U+009F: 8-bit CSI and friends) or a
 * bidirectional control (U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069)
 * that would reorder what is shown around it. */
static int unsafe_character(const unsigned char *p, size_t n)
{
    if (n == 2)
        return (p[0] == 0xc2 && p[1] <= 0x9f) || (p[0] == 0xd8 && p[1] == 0x9c);
    if (n != 3 || p[0] != 0xe2)
        return 0;
    return (p[1] == 0x80 && (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae))) ||
           (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9);
}

/* So the text can neither drive the terminal nor hide what surrounds it. */
void cli_put_safe(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text, *run = p;

    while (*p != '\0') {
        size_t n;

        if (*p >= 0x20 && *p < 0x7f) { /* printable ASCII: the usual case, at a few instructions */
            p++;
            continue;
        }
        n = hcsms_utf8_char((const char *)p, SIZE_MAX);
        if (n != 0 && !(n == 1 && (*p < 0x20 || *p == 0x7f)) && !unsafe_character(p, n)) {
            p += n; /* printed with the run it belongs to */
            continue;
        }
        fwrite(run, 1, (size_t)(p - run), out);
        fputc(n == 1 && (*p == '\n' || *p == '\t') ? ' ' : '?', out);
        p += n != 0 ? n : 1;
        run = p;
    }
    fwrite(run, 1, (size_t)(p - run), out);
}

void cli_put_json_string(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    fputc('"', out);
    while (*p != '\0') {
        size_t n = hcsms_utf8_char((const char *)p, SIZE_MAX);
        if (n == 0) {
            fputs("\\ufffd", out);
            p++;
        } else if (*p == '"' || *p == '\\') {
            fputc('\\', out);
            fputc(*p++, out);
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            fputs(*p == '\n' ? "\\n" : (*p == '\r' ? "\\r" : "\\t"), out);
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "\\u%04x", *p++);
        } else if (unsafe_character(p, n)) {
            /* C1 and bidi controls: escaped, so a terminal showing the
             * line does not obey them */
            unsigned cp = n == 2 ? ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu)
                                 : ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
            fprintf(out, "\\u%04x", cp);
            p += n;
        } else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
    fputc('"', out);
}

static void put_json_field(FILE *out, const char *name, const char *value)
{
    if (value[0] == '\0')
        return;
    fprintf(out, ",\"%s\":", name);
    cli_put_json_string(out, value);
}

/* error_param and details, when there are any. */
static void put_json_lists(FILE *out, const hcsms_result *result)
{
    unsigned i;

    if (result->error_param_count > 0) {
        fputs(",\"error_param\":[", out);
        for (i = 0; i < result->error_param_count; i++) {
            if (i > 0)
                fputc(',', out);
            cli_put_json_string(out, result->error_param[i]);
        }
        fputc(']', out);
    }
    if (result->details_count > 0) {
        fputs(",\"details\":[", out);
        for (i = 0; i < result->details_count; i++) {
            fputs(i > 0 ? ",{\"error_code\":" : "{\"error_code\":", out);
            cli_put_json_string(out, result->details[i].error_code);
            fputs(",\"error_msg\":", out);
            cli_put_json_string(out, result->details[i].error_msg);
            fputc('}', out);
        }
        fputc(']', out);
    }
}

static void report_json(FILE *out, const char *task_id, int rc, const hcsms_result *result)
{
    fputs("{\"task_id\":", out);
    cli_put_json_string(out, task_id);
    fprintf(out, ",\"ok\":%s", rc == HCSMS_OK ? "true" : "false");
    if (result->http_status > 0)
        fprintf(out, ",\"http_status\":%d", result->http_status);
    put_json_field(out, "request_id", result->request_id);
    put_json_field(out, "error_code", result->error_code);
    put_json_field(out, "error_msg", result->error_msg);
    put_json_field(out, "encoded_authorization_message", result->encoded_authorization_message);
    put_json_lists(out, result);
    if (result->truncated)
        fputs(",\"truncated\":true", out);
    if (result->proxy_status > 0)
        fprintf(out, ",\"proxy_status\":%d", result->proxy_status);
    if (rc != HCSMS_OK && rc != HCSMS_ERR_SERVICE) {
        char text[256];
        snprintf(text, sizeof(text), "%s%s%s", hcsms_strerror(rc),
                 result->failed_step ? " during " : "",
                 result->failed_step ? result->failed_step : "");
        put_json_field(out, "error", text);
    }
    fputs("}\n", out);
    fflush(out);
}

/* The body as received (an API gateway's signature error carries its
 * canonical request there), secrets redacted. */
static void report_body(const struct cli_run *run, const hcsms_result *result)
{
    char body[HCSMS_BODY_KEEP_MAX + 1], *nul;
    size_t k = result->body_len < HCSMS_BODY_KEEP_MAX ? result->body_len : HCSMS_BODY_KEEP_MAX;

    memcpy(body, result->body, k);
    body[k] = '\0';
    for (nul = memchr(body, '\0', k); nul != NULL; nul = memchr(nul, '\0', (size_t)(body + k - nul)))
        *nul = '?'; /* a NUL inside the body */
    cli_redact(run->secrets, body);
    fprintf(run->err, "  body (%llu bytes%s): ", (unsigned long long)result->body_bytes,
            result->body_truncated ? ", cut" : "");
    cli_put_safe(run->err, body);
    fputc('\n', run->err);
    mbedtls_platform_zeroize(body, k);
}

/* -v: what a service error said beyond its code and message. */
static void report_service_detail(const struct cli_run *run, const hcsms_result *result)
{
    FILE *err = run->err;
    unsigned i;

    for (i = 0; i < result->details_count; i++) {
        fputs("  detail: ", err);
        cli_put_safe(err, result->details[i].error_code);
        fputs(": ", err);
        cli_put_safe(err, result->details[i].error_msg);
        fputc('\n', err);
    }
    for (i = 0; i < result->error_param_count; i++) {
        fputs("  error_param: ", err);
        cli_put_safe(err, result->error_param[i]);
        fputc('\n', err);
    }
    if (result->encoded_authorization_message[0] != '\0') {
        fputs("  encoded_authorization_message: ", err);
        cli_put_safe(err, result->encoded_authorization_message);
        fputc('\n', err);
    }
    if (result->body_len > 0)
        report_body(run, result);
}

static void report_service(const struct cli_run *run, const char *task_id,
                           const hcsms_result *result)
{
    FILE *err = run->err;
    char status_text[16];

    fputs("hcsms: ", err);
    cli_put_safe(err, task_id);
    fprintf(err, ": HTTP %d", result->http_status);
    /* IAM's code is often the status again ("401"): say it once. */
    snprintf(status_text, sizeof(status_text), "%d", result->http_status);
    if (result->error_code[0] != '\0' && strcmp(result->error_code, status_text) != 0) {
        fputc(' ', err);
        cli_put_safe(err, result->error_code);
    }
    if (result->error_msg[0] != '\0') {
        fputs(": ", err);
        cli_put_safe(err, result->error_msg);
    }
    fputs(" (request id ", err);
    cli_put_safe(err, result->request_id[0] ? result->request_id : "none");
    fputs(result->truncated ? ") [cut to fit; -v shows the body]\n" : ")\n", err);
    if (run->opts.verbose)
        report_service_detail(run, result);
}

/* A failure without a service's answer: network, TLS, proxy, timeout,
 * protocol. */
static void report_failure(const struct cli_run *run, const char *task_id, int rc,
                           const hcsms_result *result)
{
    FILE *err = run->err;
    char tls_text[384];

    fputs("hcsms: ", err);
    cli_put_safe(err, task_id);
    fprintf(err, ": %s", hcsms_strerror(rc));
    if (result->failed_step != NULL)
        fprintf(err, " during %s", result->failed_step);
    if (result->proxy_status > 0)
        fprintf(err, ": the proxy answered %d%s", result->proxy_status,
                result->proxy_status == 407 ? " (Proxy Authentication Required: check the "
                                              "proxy user and password)" : "");
    if (rc == HCSMS_ERR_RESOLVE && result->os_error != 0)
        /* the port keeps getaddrinfo's EAI_* code */
        fprintf(err, " (cannot resolve %s: %s)", run->resolve_host,
                gai_strerror(result->os_error));
    else if (rc == HCSMS_ERR_TIMEOUT && result->os_error == EAI_AGAIN)
        fprintf(err, " (resolving %s did not finish in time)", run->resolve_host);
    else if (result->os_error != 0)
        fprintf(err, " (system error %d: %s)", result->os_error, strerror(result->os_error));
    hcsms_tls_error_text(result->tls_error, result->tls_verify_flags, tls_text, sizeof(tls_text));
    if (tls_text[0] != '\0')
        fprintf(err, " (%s)", tls_text);
    if (result->request_id[0] != '\0') {
        fputs(" (request id ", err);
        cli_put_safe(err, result->request_id);
        fputc(')', err);
    }
    fputc('\n', err);
}

void cli_report(const struct cli_run *run, const char *task_id, int rc,
                const hcsms_result *result, int json)
{
    if (json) {
        report_json(run->out, task_id, rc, result);
    } else if (rc == HCSMS_OK) {
        fputs("unlocked ", run->out);
        /* hcsms_unlock took it: with a strict library it is A-Z a-z 0-9 _ -
         * only, nothing to make safe (a byte-by-byte pass cost 275
         * instructions a task). */
        if (run->task_ids_are_safe)
            fputs(task_id, run->out);
        else
            cli_put_safe(run->out, task_id);
        fputc('\n', run->out);
        fflush(run->out);
    } else if (rc == HCSMS_ERR_SERVICE) {
        report_service(run, task_id, result);
    } else {
        report_failure(run, task_id, rc, result);
    }
}

long cli_elapsed_ms(const struct cli_run *run)
{
    struct timespec now;

    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
        return 0; /* -v's timings only */
    return (long)(now.tv_sec - run->started.tv_sec) * 1000L +
           (long)(now.tv_nsec - run->started.tv_nsec) / 1000000L;
}

void cli_trace(void *user, hcsms_trace_event event, const char *text)
{
    static const char *const labels[] = {
        [HCSMS_TRACE_CONNECT] = "* connecting to ",
        [HCSMS_TRACE_CONNECTED] = "* connected to ",
        [HCSMS_TRACE_TLS] = "* TLS ",
        [HCSMS_TRACE_REUSE] = "* ",
        [HCSMS_TRACE_REQUEST_LINE] = "> ",
        [HCSMS_TRACE_REQUEST_HEADER] = "> ",
        [HCSMS_TRACE_REQUEST_SENT] = "* request sent, ",
        [HCSMS_TRACE_STATUS] = "< ",
        [HCSMS_TRACE_RESPONSE_DONE] = "* response: ",
        [HCSMS_TRACE_CLOSE] = "* closing the connection: ",
        [HCSMS_TRACE_RETRY] = "* retrying: ",
        [HCSMS_TRACE_PROXY] = "* proxy: ",
        [HCSMS_TRACE_SESSION] = "* session: ",
    };
    const struct cli_run *run = user;

    if ((unsigned)event >= sizeof(labels) / sizeof(labels[0]))
        return;
    fprintf(stderr, "[%6ldms] %s", cli_elapsed_ms(run), labels[event]);
    cli_put_safe(stderr, text);
    fputc('\n', stderr);
}

int cli_exit_status_of(int rc)
{
    switch (hcsms_error_class_of(rc)) {
    case HCSMS_CLASS_OK: return 0;
    case HCSMS_CLASS_SERVICE: return EXIT_SERVICE;
    case HCSMS_CLASS_INPUT: return EXIT_USAGE;
    default: return EXIT_TRANSPORT;
    }
}
