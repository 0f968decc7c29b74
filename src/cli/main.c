/*
 * The hcsms command. The only code that prints, exits, reads files or the
 * environment; it uses the public API only.
 *
 * Exit status: 0 every task unlocked; 1 the service answered with an error
 * status; 2 usage or invalid input (nothing was sent); 3 network, TLS,
 * timeout or protocol failure. With several tasks, the highest that occurred.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* memmem; NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "hcsms.h"

#define EXIT_SERVICE 1
#define EXIT_USAGE 2
#define EXIT_TRANSPORT 3

static const char *const system_ca_bundles[] = {
    "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Alpine, Arch */
    "/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL, CentOS */
    "/etc/ssl/ca-bundle.pem",             /* openSUSE */
    "/etc/pki/tls/cacert.pem",            /* OpenELEC */
    "/etc/ssl/cert.pem",                  /* macOS, FreeBSD, OpenBSD */
};

/* The token read from a file or the environment; wiped before exit. */
static char token_buffer[HCSMS_TOKEN_MAX + 3];
static hcsms_client client;
/* AK/SK secrets (from the environment), redacted like the token. */
static const char *secret_key, *security_token;
/* The IAM password and the proxy's credentials (decoded from its URL). */
static char password_buffer[HCSMS_IAM_FIELD_MAX + 3];
static char proxy_url[HCSMS_HOST_MAX + 32];
static char proxy_user[HCSMS_PROXY_USER_MAX + 1], proxy_password[HCSMS_PROXY_USER_MAX + 1];
static char proxy_env_copy[HCSMS_HOST_MAX + 3 * (HCSMS_PROXY_USER_MAX + 1) + 32];

static int verbose;
static struct timespec started;

static void usage_text(FILE *out)
{
    fputs("usage: hcsms unlock [options] TASK_ID... | --from FILE\n"
          "       hcsms token [options] --user NAME --account NAME (--project NAME | --domain-scope)\n"
          "       hcsms --help | --version\n"
          "\n"
          "unlock: unlock the target servers of Huawei Cloud SMS migration tasks\n"
          "(POST /v3/tasks/{task_id}/unlock).\n"
          "token: get a user token from IAM with a password (POST /v3/auth/tokens) and\n"
          "print it (or write it to --out FILE, mode 0600) for --token-file.\n"
          "\n"
          "options of both:\n"
          "  --cacert FILE          PEM CA bundle; env HCSMS_CACERT; default: the system bundle\n"
          "  --proxy URL            http://[user:password@]host[:port] (port 1080 by default):\n"
          "                         tunnel through an HTTP proxy (CONNECT); else env\n"
          "                         https_proxy / HTTPS_PROXY. Hosts in no_proxy / NO_PROXY\n"
          "                         (names, domains, IPs, *) are reached directly\n"
          "  --retries N            retry 429/503 answers (after Retry-After) and failures\n"
          "                         before the request was sent, within --timeout; default 0\n"
          "  --connect-timeout MS   default 10000\n"
          "  --timeout MS           deadline of each call (all its attempts), default 30000\n"
          "  -v, --verbose          trace to stderr, secrets redacted\n"
          "\n"
          "options of unlock:\n"
          "  --endpoint URL         https://host[:port]; env HCSMS_ENDPOINT; else from --region\n"
          "  --region NAME          default ap-southeast-3 (also cn-north-4, ap-southeast-1,\n"
          "                         my-kualalumpur-1, ru-moscow-1)\n"
          "  --token-file FILE      read the token from FILE ('-' = standard input; one trailing\n"
          "                         newline is dropped); else env HCSMS_AUTH_TOKEN\n"
          "  --auth token|aksk      default: token if one is given, else AK/SK signing with\n"
          "                         env HCSMS_AK/HCSMS_SK (or HUAWEICLOUD_SDK_AK/_SK), and\n"
          "                         HCSMS_SECURITY_TOKEN (or HUAWEICLOUD_SDK_SECURITY_TOKEN)\n"
          "                         for temporary credentials\n"
          "  --project-id ID        sent (and signed) as X-Project-Id with AK/SK\n"
          "  --from FILE            more task ids, one per line ('-' = standard input;\n"
          "                         blank lines and lines starting with # are skipped)\n"
          "  --json                 one JSON object per task on stdout (JSON Lines)\n"
          "\n"
          "options of token:\n"
          "  --iam-endpoint URL     https://host[:port]; env HCSMS_IAM_ENDPOINT; else\n"
          "                         https://iam.REGION.myhuaweicloud.com from --region\n"
          "  --user NAME            the IAM user\n"
          "  --account NAME         the account (domain) the user belongs to\n"
          "  --project NAME         scope the token to a project (e.g. ap-southeast-3), or\n"
          "  --domain-scope         scope it to the account\n"
          "  --password-file FILE   the password ('-' = standard input; one trailing newline\n"
          "                         is dropped); else env HCSMS_PASSWORD\n"
          "  --out FILE             write the token there (created 0600) instead of stdout\n"
          "\n"
          "  -h, --help             this text\n"
          "      --version          versions of hcsms and mbedTLS\n"
          "\n"
          "Tokens, keys and passwords come from a file or the environment, never from\n"
          "an option (a proxy password in --proxy is visible to ps: prefer HTTPS_PROXY).\n"
          "exit status: 0 success, 1 the service (or IAM) answered with an error,\n"
          "2 usage or invalid input, 3 network, TLS, proxy, timeout or protocol failure\n"
          "(several tasks: the highest).\n",
          out);
}

static void wipe_secrets(void)
{
    mbedtls_platform_zeroize(token_buffer, sizeof(token_buffer));
    mbedtls_platform_zeroize(password_buffer, sizeof(password_buffer));
    mbedtls_platform_zeroize(proxy_user, sizeof(proxy_user));
    mbedtls_platform_zeroize(proxy_password, sizeof(proxy_password));
    hcsms_client_free(&client);
}

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *format, ...)
{
    va_list args;

    fputs("hcsms: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputs("\n(see hcsms --help)\n", stderr);
    return EXIT_USAGE;
}

static long elapsed_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - started.tv_sec) * 1000L +
           (long)(now.tv_nsec - started.tv_nsec) / 1000000L;
}

/* Print server-controlled text to a terminal: no control bytes, no C1
 * controls (UTF-8 C2 80..C2 9F) that could drive the terminal. */
static void put_safe(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    for (; *p != '\0'; p++) {
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            fputc('?', out);
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            fputc(*p == '\n' || *p == '\t' ? ' ' : '?', out);
        } else {
            fputc(*p, out);
        }
    }
}

/* Length of a valid UTF-8 sequence at p, or 0. */
static size_t utf8_valid(const unsigned char *p)
{
    size_t n, i;
    unsigned cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 2;
        cp = p[0] & 0x1fu;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3;
        cp = p[0] & 0x0fu;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4;
        cp = p[0] & 0x07u;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

static void put_json_string(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    fputc('"', out);
    while (*p != '\0') {
        size_t n = utf8_valid(p);
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
        } else if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f) {
            /* C1 controls (U+0080..U+009F): some terminals obey them */
            fprintf(out, "\\u%04x", p[1]);
            p += 2;
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
    put_json_string(out, value);
}

/* A server may echo our token back (in error_msg, a request id, ...): any
 * run of the token's characters that it sent is replaced before printing.
 * A window of REDACT_WINDOW bytes (or the whole token, if shorter) found in
 * the token marks its bytes; a marked run becomes "(redacted)", or as many
 * '*' when it is shorter than that, so the text never grows. */
#define REDACT_WINDOW 12
/* The longest text redacted: a result field, or the kept body (-v). */
#define REDACT_MAX (HCSMS_BODY_KEEP_MAX + sizeof(hcsms_result))
static const char redacted[] = "(redacted)";

static void redact_secret(char *text, const char *secret)
{
    size_t len = strlen(text), token_len = secret != NULL ? strlen(secret) : 0, window, i, out = 0;
    static unsigned char marked[REDACT_MAX];
    static char copy[REDACT_MAX];

    if (token_len == 0 || len == 0)
        return;
    if (len >= REDACT_MAX) { /* never: callers pass result fields or a cut body */
        text[0] = '\0';
        return;
    }
    window = token_len < REDACT_WINDOW ? token_len : REDACT_WINDOW;
    memset(marked, 0, len);
    for (i = 0; i + window <= len; i++) {
        if (memmem(secret, token_len, text + i, window) != NULL)
            memset(marked + i, 1, window);
    }
    memcpy(copy, text, len + 1); /* with its NUL */
    for (i = 0; i < len;) {
        if (!marked[i]) {
            text[out++] = copy[i++];
            continue;
        }
        size_t run = 0;
        while (i + run < len && marked[i + run])
            run++;
        if (run >= sizeof(redacted) - 1) {
            memcpy(text + out, redacted, sizeof(redacted) - 1);
            out += sizeof(redacted) - 1;
        } else {
            memset(text + out, '*', run); /* a short token: never grow the text */
            out += run;
        }
        i += run;
    }
    text[out] = '\0';
}

static void redact(char *text)
{
    redact_secret(text, token_buffer);
    redact_secret(text, secret_key);
    redact_secret(text, security_token);
    redact_secret(text, password_buffer);
    redact_secret(text, proxy_password);
}

static void redact_result(hcsms_result *r)
{
    unsigned i;

    redact(r->request_id);
    redact(r->error_code);
    redact(r->error_msg);
    redact(r->encoded_authorization_message);
    for (i = 0; i < r->error_param_count; i++)
        redact(r->error_param[i]);
    for (i = 0; i < r->details_count; i++) {
        redact(r->details[i].error_code);
        redact(r->details[i].error_msg);
    }
}

static void trace(void *user, hcsms_trace_event event, const char *text)
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
    };
    (void)user;
    if ((unsigned)event >= sizeof(labels) / sizeof(labels[0]))
        return;
    fprintf(stderr, "[%6ldms] %s", elapsed_ms(), labels[event]);
    put_safe(stderr, text);
    fputc('\n', stderr);
}

/* Read a secret from path ('-' = stdin) into buffer (size bytes, the last
 * two to tell "too long"); one trailing newline is the file's. Returns its
 * length, or -1 after saying why. */
static long read_secret_file(const char *path, const char *what, char *buffer, size_t size)
{
    FILE *file = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t len;

    if (file == NULL) {
        fprintf(stderr, "hcsms: cannot open %s file %s: %s\n", what, path, strerror(errno));
        return -1;
    }
    len = fread(buffer, 1, size - 1, file);
    if (ferror(file)) {
        fprintf(stderr, "hcsms: cannot read %s file %s\n", what, path);
        if (file != stdin)
            fclose(file);
        return -1;
    }
    if (file != stdin)
        fclose(file);
    /* One trailing newline (LF or CRLF) is the file's, not the secret's. */
    if (len > 0 && buffer[len - 1] == '\n') {
        len--;
        if (len > 0 && buffer[len - 1] == '\r')
            len--;
    }
    buffer[len] = '\0';
    return (long)len;
}

/* Read the token from path ('-' = stdin) into token_buffer. */
static int read_token_file(const char *path)
{
    long read = read_secret_file(path, "token", token_buffer, sizeof(token_buffer));
    size_t len;

    if (read < 0)
        return EXIT_USAGE;
    len = (size_t)read;
    if (memchr(token_buffer, '\0', len) != NULL || hcsms_check_token(token_buffer, len) != HCSMS_OK) {
        fprintf(stderr, "hcsms: the token in %s is invalid: %s\n", path,
                hcsms_strerror(HCSMS_ERR_INVALID_TOKEN));
        return EXIT_USAGE;
    }
    return 0;
}

static int parse_ms(const char *option, const char *text, uint32_t *out)
{
    char *end;
    unsigned long value;

    errno = 0;
    value = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || value == 0 ||
        value > 86400000UL)
        return usage_error("%s takes milliseconds from 1 to 86400000, not '%s'", option, text);
    *out = (uint32_t)value;
    return 0;
}

static void report(const char *task_id, int rc, const hcsms_result *result, int json)
{
    unsigned i;

    if (json) {
        printf("{\"task_id\":");
        put_json_string(stdout, task_id);
        printf(",\"ok\":%s", rc == HCSMS_OK ? "true" : "false");
        if (result->http_status > 0)
            printf(",\"http_status\":%d", result->http_status);
        put_json_field(stdout, "request_id", result->request_id);
        put_json_field(stdout, "error_code", result->error_code);
        put_json_field(stdout, "error_msg", result->error_msg);
        put_json_field(stdout, "encoded_authorization_message",
                       result->encoded_authorization_message);
        if (result->error_param_count > 0) {
            printf(",\"error_param\":[");
            for (i = 0; i < result->error_param_count; i++) {
                if (i > 0)
                    putchar(',');
                put_json_string(stdout, result->error_param[i]);
            }
            putchar(']');
        }
        if (result->details_count > 0) {
            printf(",\"details\":[");
            for (i = 0; i < result->details_count; i++) {
                printf(i > 0 ? ",{\"error_code\":" : "{\"error_code\":");
                put_json_string(stdout, result->details[i].error_code);
                printf(",\"error_msg\":");
                put_json_string(stdout, result->details[i].error_msg);
                putchar('}');
            }
            putchar(']');
        }
        if (result->truncated)
            printf(",\"truncated\":true");
        if (result->proxy_status > 0)
            printf(",\"proxy_status\":%d", result->proxy_status);
        if (rc != HCSMS_OK && rc != HCSMS_ERR_SERVICE) {
            char text[256];
            snprintf(text, sizeof(text), "%s%s%s", hcsms_strerror(rc),
                     result->failed_step ? " during " : "",
                     result->failed_step ? result->failed_step : "");
            put_json_field(stdout, "error", text);
        }
        printf("}\n");
        fflush(stdout);
    } else if (rc == HCSMS_OK) {
        printf("unlocked ");
        put_safe(stdout, task_id);
        putchar('\n');
        fflush(stdout);
    } else if (rc == HCSMS_ERR_SERVICE) {
        fputs("hcsms: ", stderr);
        put_safe(stderr, task_id);
        fprintf(stderr, ": HTTP %d", result->http_status);
        /* IAM's code is often the status again ("401"): say it once. */
        char status_text[16];
        snprintf(status_text, sizeof(status_text), "%d", result->http_status);
        if (result->error_code[0] != '\0' && strcmp(result->error_code, status_text) != 0) {
            fputc(' ', stderr);
            put_safe(stderr, result->error_code);
        }
        if (result->error_msg[0] != '\0') {
            fputs(": ", stderr);
            put_safe(stderr, result->error_msg);
        }
        fputs(" (request id ", stderr);
        put_safe(stderr, result->request_id[0] ? result->request_id : "none");
        fputs(result->truncated ? ") [cut to fit; -v shows the body]\n" : ")\n", stderr);
        if (verbose) {
            for (i = 0; i < result->details_count; i++) {
                fputs("  detail: ", stderr);
                put_safe(stderr, result->details[i].error_code);
                fputs(": ", stderr);
                put_safe(stderr, result->details[i].error_msg);
                fputc('\n', stderr);
            }
            for (i = 0; i < result->error_param_count; i++) {
                fputs("  error_param: ", stderr);
                put_safe(stderr, result->error_param[i]);
                fputc('\n', stderr);
            }
            if (result->encoded_authorization_message[0] != '\0') {
                fputs("  encoded_authorization_message: ", stderr);
                put_safe(stderr, result->encoded_authorization_message);
                fputc('\n', stderr);
            }
            if (result->body_len > 0) {
                /* The body as received (an API gateway's signature error
                 * carries its canonical request there), secrets redacted. */
                static char body[HCSMS_BODY_KEEP_MAX + 1];
                char *nul;
                size_t k;
                k = result->body_len < HCSMS_BODY_KEEP_MAX ? result->body_len : HCSMS_BODY_KEEP_MAX;
                memcpy(body, result->body, k);
                body[k] = '\0';
                for (nul = memchr(body, '\0', k); nul != NULL;
                     nul = memchr(nul, '\0', (size_t)(body + k - nul)))
                    *nul = '?'; /* a NUL inside the body */
                redact(body);
                fprintf(stderr, "  body (%llu bytes%s): ", (unsigned long long)result->body_bytes,
                        result->body_truncated ? ", cut" : "");
                put_safe(stderr, body);
                fputc('\n', stderr);
            }
        }
    } else {
        char tls_text[384];
        fputs("hcsms: ", stderr);
        put_safe(stderr, task_id);
        fprintf(stderr, ": %s", hcsms_strerror(rc));
        if (result->failed_step != NULL)
            fprintf(stderr, " during %s", result->failed_step);
        if (result->proxy_status > 0)
            fprintf(stderr, ": the proxy answered %d%s", result->proxy_status,
                    result->proxy_status == 407 ? " (Proxy Authentication Required: check the "
                                                  "proxy user and password)" : "");
        if (result->os_error != 0)
            fprintf(stderr, " (system error %d: %s)", result->os_error, strerror(result->os_error));
        hcsms_tls_error_text(result->tls_error, result->tls_verify_flags, tls_text,
                             sizeof(tls_text));
        if (tls_text[0] != '\0')
            fprintf(stderr, " (%s)", tls_text);
        if (result->request_id[0] != '\0') {
            fputs(" (request id ", stderr);
            put_safe(stderr, result->request_id);
            fputc(')', stderr);
        }
        fputc('\n', stderr);
    }
}

static int exit_status_of(int rc)
{
    switch (hcsms_error_class_of(rc)) {
    case HCSMS_CLASS_OK: return 0;
    case HCSMS_CLASS_SERVICE: return EXIT_SERVICE;
    case HCSMS_CLASS_INPUT: return EXIT_USAGE;
    default: return EXIT_TRANSPORT;
    }
}

/* The first of the environment variables that is set, or NULL. */
static const char *env_either(const char *name, const char *other)
{
    const char *value = getenv(name);
    return value != NULL ? value : getenv(other);
}

/* --auth token|aksk; by default a token when one is given, else AK/SK when
 * both keys are set, else a usage error. Fills config; 0 or an exit status. */
static int choose_credentials(const char *auth, const char *token_file, const char *project_id,
                              hcsms_client_config *config)
{
    const char *env_token = getenv("HCSMS_AUTH_TOKEN");
    const char *ak = env_either("HCSMS_AK", "HUAWEICLOUD_SDK_AK");
    const char *sk = env_either("HCSMS_SK", "HUAWEICLOUD_SDK_SK");
    int use_token;

    if (auth != NULL && strcmp(auth, "token") != 0 && strcmp(auth, "aksk") != 0)
        return usage_error("--auth takes token or aksk, not '%s'", auth);
    use_token = auth != NULL ? strcmp(auth, "token") == 0
                             : (token_file != NULL || env_token != NULL || ak == NULL || sk == NULL);
    if (use_token) {
        if (token_file != NULL) {
            int rc = read_token_file(token_file);
            config->auth_token = token_buffer;
            return rc;
        }
        if (env_token == NULL)
            return usage_error("no credentials: use --token-file FILE or HCSMS_AUTH_TOKEN, "
                               "or HCSMS_AK and HCSMS_SK for AK/SK signing");
        if (hcsms_check_token(env_token, strlen(env_token)) != HCSMS_OK) {
            fprintf(stderr, "hcsms: HCSMS_AUTH_TOKEN is invalid: %s\n",
                    hcsms_strerror(HCSMS_ERR_INVALID_TOKEN));
            return EXIT_USAGE;
        }
        memcpy(token_buffer, env_token, strlen(env_token) + 1);
        config->auth_token = token_buffer;
        return 0;
    }
    if (ak == NULL || sk == NULL)
        return usage_error("--auth aksk needs HCSMS_AK and HCSMS_SK (or HUAWEICLOUD_SDK_AK/_SK)");
    config->access_key = ak;
    config->secret_key = sk;
    config->security_token = env_either("HCSMS_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN");
    config->project_id = project_id;
    if (hcsms_check_credentials(ak, sk, config->security_token, project_id) != HCSMS_OK) {
        fprintf(stderr, "hcsms: %s (all visible ASCII; the AK without , = ; or quotes)\n",
                hcsms_strerror(HCSMS_ERR_INVALID_CREDENTIALS));
        return EXIT_USAGE;
    }
    secret_key = sk;
    security_token = config->security_token;
    return 0;
}

/* Task ids from --from FILE: kept in static storage (no allocation), one
 * per line; blank lines and lines starting with '#' are skipped. */
#define ID_FILE_BYTES (1024 * 1024)
#define ID_FILE_TASKS 65536
static char id_arena[ID_FILE_BYTES];
static char *file_ids[ID_FILE_TASKS];
static unsigned long file_id_lines[ID_FILE_TASKS];

static int read_id_file(const char *path, int *count)
{
    FILE *file = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t used = 0;
    unsigned long line_no = 0;
    int c = 0;

    *count = 0;
    if (file == NULL) {
        fprintf(stderr, "hcsms: cannot open task id file %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    while (c != EOF) {
        size_t start = used, end;
        line_no++;
        while ((c = fgetc(file)) != EOF && c != '\n') {
            if (used + 1 >= sizeof(id_arena)) {
                fprintf(stderr, "hcsms: %s: more than %d bytes of task ids\n", path, ID_FILE_BYTES);
                if (file != stdin)
                    fclose(file);
                return EXIT_USAGE;
            }
            id_arena[used++] = (char)c;
        }
        end = used;
        if (end > start && id_arena[end - 1] == '\r')
            end--; /* CRLF files */
        id_arena[end] = '\0';
        used = end + 1;
        if (strspn(id_arena + start, " \t") == end - start || id_arena[start] == '#') {
            used = start; /* blank or comment: forget it */
            continue;
        }
        if (*count == ID_FILE_TASKS) {
            fprintf(stderr, "hcsms: %s: more than %d task ids\n", path, ID_FILE_TASKS);
            if (file != stdin)
                fclose(file);
            return EXIT_USAGE;
        }
        file_id_lines[*count] = line_no;
        file_ids[(*count)++] = id_arena + start;
    }
    if (ferror(file)) {
        fprintf(stderr, "hcsms: cannot read task id file %s\n", path);
        if (file != stdin)
            fclose(file);
        return EXIT_USAGE;
    }
    if (file != stdin)
        fclose(file);
    return 0;
}

/* Options of both commands, and of each. */
struct options {
    uint32_t connect_timeout, timeout; /* first: a field offset of 0 means "none" below */
    const char *endpoint, *region, *cacert, *proxy;
    uint8_t retries;
    int json, domain_scope;
    /* unlock */
    const char *token_file, *auth, *project_id, *from;
    /* token */
    const char *user, *account, *project, *password_file, *out;
};

enum { FOR_UNLOCK = 1, FOR_TOKEN = 2, FOR_BOTH = 3 };

static const struct option_spec {
    const char *name;
    int commands;
    size_t field; /* offset of the const char * it sets; 0: handled by name */
} option_specs[] = {
    {"--endpoint", FOR_UNLOCK, offsetof(struct options, endpoint)},
    {"--iam-endpoint", FOR_TOKEN, offsetof(struct options, endpoint)},
    {"--region", FOR_BOTH, offsetof(struct options, region)},
    {"--cacert", FOR_BOTH, offsetof(struct options, cacert)},
    {"--proxy", FOR_BOTH, offsetof(struct options, proxy)},
    {"--token-file", FOR_UNLOCK, offsetof(struct options, token_file)},
    {"--auth", FOR_UNLOCK, offsetof(struct options, auth)},
    {"--project-id", FOR_UNLOCK, offsetof(struct options, project_id)},
    {"--from", FOR_UNLOCK, offsetof(struct options, from)},
    {"--user", FOR_TOKEN, offsetof(struct options, user)},
    {"--account", FOR_TOKEN, offsetof(struct options, account)},
    {"--project", FOR_TOKEN, offsetof(struct options, project)},
    {"--password-file", FOR_TOKEN, offsetof(struct options, password_file)},
    {"--out", FOR_TOKEN, offsetof(struct options, out)},
    {"--retries", FOR_BOTH, 0},
    {"--connect-timeout", FOR_BOTH, 0},
    {"--timeout", FOR_BOTH, 0},
};

/* Parse argv into opts; operands (task ids) are moved to the front of argv
 * and counted in *operands. Returns 0, or an exit status (-1: --help). */
static int parse_options(int argc, char **argv, int command, struct options *opts, int *operands)
{
    int i, rc, options_done = 0;

    *operands = 0;
    for (i = 0; i < argc; i++) {
        const char *arg = argv[i], *value = NULL, *eq;
        const struct option_spec *spec = NULL;
        size_t k, name_len;

        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            argv[(*operands)++] = argv[i];
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            verbose = 1;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage_text(stdout);
            return -1;
        }
        if (command == FOR_UNLOCK && strcmp(arg, "--json") == 0) {
            opts->json = 1;
            continue;
        }
        if (command == FOR_TOKEN && strcmp(arg, "--domain-scope") == 0) {
            opts->domain_scope = 1;
            continue;
        }
        /* Options with a value: "--name value" or "--name=value". */
        eq = strchr(arg, '=');
        name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        for (k = 0; k < sizeof(option_specs) / sizeof(option_specs[0]); k++) {
            if ((option_specs[k].commands & command) && strlen(option_specs[k].name) == name_len &&
                memcmp(option_specs[k].name, arg, name_len) == 0)
                spec = &option_specs[k];
        }
        if (spec == NULL)
            return usage_error("unknown option '%s'", arg);
        if (eq != NULL) {
            value = eq + 1;
        } else {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", spec->name);
            value = argv[++i];
        }
        if (spec->field != 0) {
            *(const char **)((char *)opts + spec->field) = value;
        } else if (strcmp(spec->name, "--retries") == 0) {
            if (strlen(value) != 1 || value[0] < '0' || value[0] > '9')
                return usage_error("--retries takes 0 to 9, not '%s'", value);
            opts->retries = (uint8_t)(value[0] - '0');
        } else if ((rc = parse_ms(spec->name, value, strcmp(spec->name, "--timeout") == 0
                                                           ? &opts->timeout
                                                           : &opts->connect_timeout)) != 0) {
            return rc;
        }
    }
    return 0;
}

/* Decode %XX escapes of a URL's user info into out (size bytes). */
static int percent_decode(const char *text, size_t len, char *out, size_t size)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        unsigned value;
        char hex[3] = {0, 0, 0};
        if (n + 1 >= size)
            return -1;
        if (text[i] != '%') {
            out[n++] = text[i];
            continue;
        }
        if (i + 2 >= len)
            return -1;
        hex[0] = text[i + 1];
        hex[1] = text[i + 2];
        if (strspn(hex, "0123456789abcdefABCDEF") != 2)
            return -1;
        value = (unsigned)strtoul(hex, NULL, 16);
        if (value == 0)
            return -1;
        out[n++] = (char)value;
        i += 2;
    }
    out[n] = '\0';
    return 0;
}

/* The host of an https:// URL (brackets removed), for NO_PROXY; "" if the
 * URL has no recognisable host (init then says what is wrong). */
static void url_host(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://"), *end;
    size_t len;

    out[0] = '\0';
    if (p == NULL)
        return;
    p += 3;
    if (*p == '[') {
        end = strchr(++p, ']');
        if (end == NULL)
            return;
    } else {
        end = p + strcspn(p, ":/");
    }
    len = (size_t)(end - p);
    if (len < size) {
        memcpy(out, p, len);
        out[len] = '\0';
    }
}

/* Split a proxy URL, [http://][user[:password]@]host[:port][/], into
 * proxy_url (the same without the user info) and the percent-decoded
 * proxy_user / proxy_password. The user info ends at the last '@' before
 * the first '/', '?' or '#' (a password may hold '@'). With hide, the
 * password's bytes in url are overwritten with '*' (argv, so that ps shows
 * stars, as curl does), also when the URL is refused. Nothing of the user
 * info is ever printed. Sets *has_user / *has_password; 0 or an exit status. */
static int split_proxy_url(char *url, int hide, const char *origin, int *has_user,
                           int *has_password)
{
    char *scheme_end = strstr(url, "://"), *rest, *end, *at = NULL, *colon = NULL, *p;
    size_t scheme_len = scheme_end != NULL ? (size_t)(scheme_end - url) : 0;
    int bad = 0;

    *has_user = *has_password = 0;
    rest = scheme_end != NULL ? scheme_end + 3 : url; /* no scheme: http://, as for curl */
    end = rest + strcspn(rest, "/?#");
    for (p = rest; p < end; p++) {
        if (*p == '@')
            at = p;
    }
    if (at != NULL) {
        /* Decoded, then starred: before anything can refuse the URL. */
        colon = memchr(rest, ':', (size_t)(at - rest));
        bad = percent_decode(rest, (size_t)((colon != NULL ? colon : at) - rest), proxy_user,
                             sizeof(proxy_user)) != 0 ||
              (colon != NULL && percent_decode(colon + 1, (size_t)(at - colon - 1),
                                               proxy_password, sizeof(proxy_password)) != 0);
        if (hide && colon != NULL)
            memset(colon + 1, '*', (size_t)(at - colon - 1));
    }
    if (scheme_end != NULL && !(scheme_len == 4 && strncasecmp(url, "http", 4) == 0)) {
        /* Name the scheme only when it is one (not a piece of a password). */
        if (scheme_len > 0 && scheme_len < 16 &&
            strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") ==
                scheme_len)
            return usage_error("%s: only http:// proxies are supported, not '%.*s://'", origin,
                               (int)scheme_len, url);
        return usage_error("%s: malformed proxy URL", origin);
    }
    if (bad)
        return usage_error("%s: malformed user or password in the proxy URL", origin);
    if (at != NULL) {
        *has_user = 1;
        *has_password = colon != NULL;
        rest = at + 1;
    }
    if (snprintf(proxy_url, sizeof(proxy_url), "http://%s", rest) >= (int)sizeof(proxy_url))
        return usage_error("%s: proxy host too long", origin);
    if (hcsms_check_proxy(proxy_url, *has_user ? proxy_user : NULL,
                          *has_password ? proxy_password : NULL) != HCSMS_OK) {
        fputs("hcsms: ", stderr);
        fputs(origin, stderr);
        fputs(": ", stderr);
        fputs(hcsms_strerror(HCSMS_ERR_INVALID_PROXY), stderr);
        /* Shown only when no '@' is left in it: a password with a '/' in it
         * would otherwise look like a path, and be printed. */
        if (strchr(proxy_url, '@') == NULL) {
            fputs(" '", stderr);
            put_safe(stderr, proxy_url);
            fputc('\'', stderr);
        }
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    return 0;
}

/* What --proxy said, split as soon as the options are read (so that its
 * password is starred before anything else happens). */
static int proxy_option_split, proxy_has_user, proxy_has_password;

static int take_proxy_option(const struct options *opts)
{
    if (opts->proxy == NULL || opts->proxy[0] == '\0')
        return 0;
    proxy_option_split = 1;
    /* opts->proxy points into argv, which is ours to change. */
    return split_proxy_url((char *)opts->proxy, 1, "--proxy", &proxy_has_user,
                           &proxy_has_password);
}

/* --proxy, else https_proxy/HTTPS_PROXY, unless the endpoint's host is in
 * no_proxy/NO_PROXY. Fills config; 0 or an exit status. */
static int choose_proxy(const char *endpoint_url, hcsms_client_config *config)
{
    const char *no_proxy;
    char host[HCSMS_HOST_MAX + 1];

    if (!proxy_option_split) {
        char *env = getenv("https_proxy");
        const char *origin = "https_proxy";
        int rc;

        if (env == NULL) {
            env = getenv("HTTPS_PROXY");
            origin = "HTTPS_PROXY";
        }
        if (env == NULL || env[0] == '\0')
            return 0;
        /* Split a copy: the environment's string is not starred. */
        if (strlen(env) >= sizeof(proxy_env_copy))
            return usage_error("%s: proxy URL too long", origin);
        memcpy(proxy_env_copy, env, strlen(env) + 1);
        rc = split_proxy_url(proxy_env_copy, 0, origin, &proxy_has_user, &proxy_has_password);
        mbedtls_platform_zeroize(proxy_env_copy, sizeof(proxy_env_copy));
        if (rc != 0)
            return rc;
    }
    url_host(endpoint_url, host, sizeof(host));
    no_proxy = env_either("no_proxy", "NO_PROXY");
    if (hcsms_no_proxy_match(no_proxy, host)) {
        if (verbose)
            fprintf(stderr, "[%6ldms] * not using the proxy for %s (no_proxy)\n", elapsed_ms(),
                    host);
        return 0;
    }
    config->proxy = proxy_url;
    config->proxy_username = proxy_has_user ? proxy_user : NULL;
    config->proxy_password = proxy_has_password ? proxy_password : NULL;
    return 0;
}

/* What both commands set up the same way: CA bundle, proxy, timeouts,
 * retries, trace; then the client itself. 0 or an exit status. */
static int start_client(const struct options *opts, hcsms_client_config *config)
{
    char region_url[HCSMS_HOST_MAX + 16];
    const char *endpoint_url = config->endpoint;
    int rc;

    config->ca_file = opts->cacert != NULL ? opts->cacert : getenv("HCSMS_CACERT");
    if (config->ca_file == NULL) {
        size_t k;
        for (k = 0; k < sizeof(system_ca_bundles) / sizeof(system_ca_bundles[0]); k++) {
            if (access(system_ca_bundles[k], R_OK) == 0) {
                config->ca_file = system_ca_bundles[k];
                break;
            }
        }
        if (config->ca_file == NULL)
            return usage_error("no system CA bundle found; use --cacert FILE");
    }
    if (endpoint_url == NULL) {
        const char *host = hcsms_region_host(config->region ? config->region : "ap-southeast-3");
        snprintf(region_url, sizeof(region_url), "https://%s", host ? host : "");
        endpoint_url = region_url;
    }
    if ((rc = choose_proxy(endpoint_url, config)) != 0)
        return rc;
    config->connect_timeout_ms = opts->connect_timeout;
    config->timeout_ms = opts->timeout;
    config->retries = opts->retries;
    if (verbose) {
        config->trace = trace;
        fprintf(stderr, "[%6ldms] * CA bundle %s\n", elapsed_ms(), config->ca_file);
    }

    rc = hcsms_client_init(&client, config);
    if (rc != HCSMS_OK) {
        fprintf(stderr, "hcsms: %s", hcsms_strerror(rc));
        if (rc == HCSMS_ERR_CA)
            fprintf(stderr, " (%s)", config->ca_file);
        if (rc == HCSMS_ERR_UNKNOWN_REGION && config->region != NULL) {
            fputs(" '", stderr);
            put_safe(stderr, config->region);
            fputc('\'', stderr);
        }
        if (rc == HCSMS_ERR_INVALID_ENDPOINT || rc == HCSMS_ERR_INSECURE_ENDPOINT) {
            fputs(" '", stderr);
            put_safe(stderr, config->endpoint);
            fputc('\'', stderr);
        }
        fputc('\n', stderr);
        return exit_status_of(rc);
    }
    return 0;
}

static void options_init(struct options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->connect_timeout = 10000;
    opts->timeout = 30000;
}

static int run_unlock(int argc, char **argv)
{
    hcsms_client_config config;
    struct options opts;
    int file_count = 0, total, unlocked = 0;
    char **task_ids = argv; /* operands are moved to the front of argv */
    int task_count = 0, i, rc, status = 0;

    options_init(&opts);
    rc = parse_options(argc, argv, FOR_UNLOCK, &opts, &task_count);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if ((rc = take_proxy_option(&opts)) != 0)
        return rc;
    hcsms_client_config_init(&config);
    config.endpoint = getenv("HCSMS_ENDPOINT");
    /* An explicit endpoint wins; a region given on the command line beats
     * HCSMS_ENDPOINT from the environment. */
    if (opts.endpoint != NULL || opts.region != NULL) {
        config.endpoint = opts.endpoint;
        config.region = opts.region;
    }
    if (opts.from != NULL && opts.token_file != NULL && strcmp(opts.from, "-") == 0 &&
        strcmp(opts.token_file, "-") == 0)
        return usage_error("--from - and --token-file - cannot both read standard input");
    if (opts.from != NULL && (rc = read_id_file(opts.from, &file_count)) != 0)
        return rc;
    total = task_count + file_count;
    if (total == 0)
        return usage_error(opts.from != NULL ? "no task id given (none in %s)" : "no task id given%s",
                           opts.from != NULL ? opts.from : "");
    /* Every id is checked before anything is sent. */
    for (i = 0; i < total; i++) {
        const char *id = i < task_count ? task_ids[i] : file_ids[i - task_count];
        if (hcsms_check_task_id(id) != HCSMS_OK) {
            fputs("hcsms: invalid task id '", stderr);
            put_safe(stderr, id);
            if (i >= task_count)
                fprintf(stderr, "' (%s line %lu", opts.from, file_id_lines[i - task_count]);
            fprintf(stderr, "%s: %s; nothing was sent\n", i >= task_count ? ")" : "'",
                    hcsms_strerror(HCSMS_ERR_INVALID_TASK_ID));
            return EXIT_USAGE;
        }
    }

    if ((rc = choose_credentials(opts.auth, opts.token_file, opts.project_id, &config)) != 0)
        return rc;
    if ((rc = start_client(&opts, &config)) != 0)
        return rc;

    for (i = 0; i < total; i++) {
        const char *id = i < task_count ? task_ids[i] : file_ids[i - task_count];
        hcsms_result result;
        int task_status;

        if (verbose)
            fprintf(stderr, "[%6ldms] * task %d of %d\n", elapsed_ms(), i + 1, total);
        rc = hcsms_unlock(&client, id, &result);
        /* Only server text that is printed needs redacting: a success in
         * human form prints the task id alone (measured: redacting every
         * result cost 15k instructions a task with a 512-byte token). */
        if (rc != HCSMS_OK || opts.json)
            redact_result(&result);
        report(id, rc, &result, opts.json);
        unlocked += rc == HCSMS_OK;
        task_status = exit_status_of(rc);
        if (task_status > status)
            status = task_status;
    }
    if (total > 1)
        fprintf(stderr, "%d unlocked, %d failed\n", unlocked, total - unlocked);
    return status;
}

/* Write the token to path through a new file of mode 0600 in the same
 * folder, renamed over path: a reader never sees half a token, and the
 * token never sits in a file others may read. 0 or an exit status. */
/* --out FILE must be a new file or a regular one (not a device, a folder or
 * a link to one): checked before asking IAM, so no token is got for
 * nothing. "-" is standard output. 0 or an exit status. */
static int check_out_path(const char *path)
{
    struct stat st;

    if (path == NULL || strcmp(path, "-") == 0)
        return 0;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return usage_error("--out %s: not a regular file (a new file or a regular one only)", path);
    if (lstat(path, &st) != 0 && errno != ENOENT)
        return usage_error("--out %s: %s", path, strerror(errno));
    return 0;
}

static int write_token_file(const char *path, const char *token)
{
    static char temp[4096 + 16];
    size_t len = strlen(token);
    int fd, ok;

    if (strcmp(path, "-") == 0) {
        printf("%s\n", token);
        return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
    }
    if (snprintf(temp, sizeof(temp), "%s.XXXXXX", path) >= (int)sizeof(temp))
        return usage_error("--out: path too long");
    fd = mkstemp(temp); /* O_EXCL, mode 0600 */
    if (fd < 0) {
        fprintf(stderr, "hcsms: cannot create %s: %s\n", temp, strerror(errno));
        return EXIT_USAGE;
    }
    ok = fchmod(fd, S_IRUSR | S_IWUSR) == 0 && write(fd, token, len) == (ssize_t)len &&
         write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(temp, path) != 0) {
        fprintf(stderr, "hcsms: cannot write the token to %s: %s\n", path, strerror(errno));
        unlink(temp);
        return EXIT_USAGE;
    }
    return 0;
}

static int run_token(int argc, char **argv)
{
    hcsms_client_config config;
    hcsms_iam_credentials credentials;
    hcsms_result result;
    struct options opts;
    char endpoint[HCSMS_HOST_MAX + 32];
    const char *password;
    int operands, rc;

    options_init(&opts);
    rc = parse_options(argc, argv, FOR_TOKEN, &opts, &operands);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if ((rc = take_proxy_option(&opts)) != 0)
        return rc;
    if (operands > 0)
        return usage_error("token takes no operands ('%s')", argv[0]);
    if (opts.user == NULL || opts.account == NULL)
        return usage_error("token needs --user NAME and --account NAME");
    if ((opts.project != NULL) == (opts.domain_scope != 0))
        return usage_error("token needs one of --project NAME or --domain-scope");
    if (opts.password_file != NULL) {
        long len = read_secret_file(opts.password_file, "password", password_buffer,
                                    sizeof(password_buffer));
        if (len < 0)
            return EXIT_USAGE;
        if (memchr(password_buffer, '\0', (size_t)len) != NULL)
            return usage_error("the password in %s holds a NUL byte", opts.password_file);
    } else if ((password = getenv("HCSMS_PASSWORD")) != NULL) {
        if (strlen(password) >= sizeof(password_buffer))
            return usage_error("HCSMS_PASSWORD is longer than %d bytes", HCSMS_IAM_FIELD_MAX);
        memcpy(password_buffer, password, strlen(password) + 1);
    } else {
        return usage_error("no password: use --password-file FILE or HCSMS_PASSWORD");
    }
    credentials.user = opts.user;
    credentials.password = password_buffer;
    credentials.account = opts.account;
    credentials.project = opts.project;

    hcsms_client_config_init(&config);
    config.endpoint = opts.endpoint != NULL ? opts.endpoint : getenv("HCSMS_IAM_ENDPOINT");
    if (opts.endpoint == NULL && (opts.region != NULL || config.endpoint == NULL)) {
        const char *region = opts.region != NULL ? opts.region : "ap-southeast-3";
        if (hcsms_region_host(region) == NULL) {
            fputs("hcsms: unknown region '", stderr);
            put_safe(stderr, region);
            fputs("'\n", stderr);
            return EXIT_USAGE;
        }
        snprintf(endpoint, sizeof(endpoint), "https://iam.%s.myhuaweicloud.com", region);
        config.endpoint = endpoint;
    }
    if ((rc = check_out_path(opts.out)) != 0)
        return rc;
    if ((rc = start_client(&opts, &config)) != 0)
        return rc;

    rc = hcsms_iam_get_token(&client, &credentials, token_buffer, sizeof(token_buffer), &result);
    if (rc == HCSMS_ERR_INVALID_CREDENTIALS) {
        fprintf(stderr, "hcsms: %s (user, password, account and project: 1 to %d bytes of "
                        "UTF-8 each)\n", hcsms_strerror(rc), HCSMS_IAM_FIELD_MAX);
        return EXIT_USAGE;
    }
    if (rc != HCSMS_OK) {
        redact_result(&result);
        report("IAM", rc, &result, 0);
        return exit_status_of(rc);
    }
    if (verbose)
        fprintf(stderr, "[%6ldms] * got a token of %lu bytes\n", elapsed_ms(),
                (unsigned long)strlen(token_buffer));
    if (opts.out != NULL)
        return write_token_file(opts.out, token_buffer);
    printf("%s\n", token_buffer);
    return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
}

int main(int argc, char **argv)
{
    int status;

    clock_gettime(CLOCK_MONOTONIC, &started);
    atexit(wipe_secrets);
    if (argc < 2)
        return usage_error("no command given");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage_text(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("%s (%s)\n", hcsms_version(), hcsms_tls_version());
        return 0;
    }
    if (strcmp(argv[1], "unlock") == 0)
        status = run_unlock(argc - 2, argv + 2);
    else if (strcmp(argv[1], "token") == 0)
        status = run_token(argc - 2, argv + 2);
    else
        return usage_error("unknown command '%s'", argv[1]);
    fflush(stdout);
    return status;
}
