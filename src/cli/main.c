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
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

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
/* The last --proxy URL, copied before argv is starred (0: none, 1: copied,
 * 2: too long), and a proxy password from a file (two more bytes to tell
 * "too long"). */
static char proxy_arg_copy[sizeof(proxy_env_copy)];
static int proxy_arg_state, proxy_arg_had_password;
static const char *proxy_arg_value; /* where in argv that copy was taken */
static char proxy_password_file_buffer[HCSMS_PROXY_USER_MAX + 3];

static int verbose, strict_permissions;
static struct timespec started;
/* The host hcsms itself resolves (the proxy's, else the endpoint's), named
 * when resolution fails. */
static char resolve_host[HCSMS_HOST_MAX + 1];

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
          "  --proxy URL            http://[user@]host[:port] (port 1080 by default):\n"
          "                         tunnel through an HTTP proxy (CONNECT); else env\n"
          "                         https_proxy / HTTPS_PROXY. Hosts in no_proxy / NO_PROXY\n"
          "                         (names, domains, IPs, *) are reached directly\n"
          "  --proxy-password-file FILE  the proxy user's password ('-' = standard input);\n"
          "                         else env HCSMS_PROXY_PASSWORD; else from the URL\n"
          "  --strict-permissions   refuse a secret file that others may read or change, or\n"
          "                         that another user owns (default: a warning)\n"
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
          "                         env HCSMS_AK/HCSMS_SK and HCSMS_SECURITY_TOKEN for\n"
          "                         temporary credentials; if none of these three is set,\n"
          "                         HUAWEICLOUD_SDK_AK/_SK/_SECURITY_TOKEN (never a mix)\n"
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
          "an option (a password in --proxy is visible to ps until hcsms stars it).\n"
          "Task ids: 1 to 64 of A-Z a-z 0-9 _ -. Files: regular files (or '-') only.\n"
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
    mbedtls_platform_zeroize(proxy_arg_copy, sizeof(proxy_arg_copy));
    mbedtls_platform_zeroize(proxy_password_file_buffer, sizeof(proxy_password_file_buffer));
    hcsms_client_free(&client);
}

/* Before anything else: no core file, and no other process of the same user
 * may read this one's memory (/proc/PID/mem, ptrace) where the token is. */
static void harden_process(void)
{
    struct rlimit none = {0, 0};

    (void)setrlimit(RLIMIT_CORE, &none);
#if defined(__linux__)
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
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

/* Print server-controlled text to a terminal: valid UTF-8 only; control
 * bytes, C1 and bidirectional controls and invalid bytes become '?' (a
 * newline or tab a space), so the text can neither drive the terminal nor
 * hide what surrounds it. */
static void put_safe(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text, *run = p;

    while (*p != '\0') {
        size_t n = utf8_valid(p);
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
    put_json_string(out, value);
}

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
 * marks, a copy of the text. Wiped after each use: they hold secrets. */
static char view[REDACT_MAX], copy[REDACT_MAX];
static unsigned view_from[REDACT_MAX], view_width[REDACT_MAX];
static unsigned char marked[REDACT_MAX];

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
        view[n] = (char)bytes[k];
        view_from[n] = (unsigned)from;
        view_width[n++] = (unsigned)width;
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
            view[n] = text[i]; /* one byte, as it is */
            view_from[n] = (unsigned)i;
            view_width[n++] = 1;
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
        memset(marked + view_from[k], 1, view_width[k]);
}

/* Replace each marked run of text (len bytes) as described above. */
static void replace_marked(char *text, size_t len)
{
    size_t i, out = 0;

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
            memset(text + out, '*', run); /* a short secret: never grow the text */
            out += run;
        }
        i += run;
    }
    text[out] = '\0';
    mbedtls_platform_zeroize(copy, len + 1);
}

/* Mark every echo of secret in the view (n bytes). */
static void mark_secret(size_t n, const char *secret)
{
    size_t secret_len = secret != NULL ? strlen(secret) : 0, window, i;

    if (secret_len == 0)
        return;
    window = secret_len < REDACT_WINDOW ? secret_len : REDACT_WINDOW;
    for (i = 0; i + window <= n; i++) {
        if (memmem(secret, secret_len, view + i, window) != NULL)
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
        while (i + run < n && hex_value(view[i + run]) >= 0)
            run++;
        if (run == 64 && strncasecmp(view + i, empty_hash, 64) != 0)
            mark_view(i, run);
        i += run != 0 ? run : 1;
    }
}

/* Mark every secret and signature in the view (n bytes). */
static void mark_all(size_t n)
{
    mark_secret(n, token_buffer);
    mark_secret(n, secret_key);
    mark_secret(n, security_token);
    mark_secret(n, password_buffer);
    mark_secret(n, proxy_password);
    mark_signatures(n);
}

static void redact(char *text)
{
    size_t len = strlen(text), n;

    if (len == 0)
        return;
    if (len >= REDACT_MAX) { /* never: callers pass result fields or a cut body */
        text[0] = '\0';
        return;
    }
    memset(marked, 0, len);
    /* As it is (a field the library already unescaped, which may hold a
     * secret with a backslash in it), and as raw JSON would read. */
    mark_all(text_view(text, len, 0));
    n = text_view(text, len, 1);
    mark_all(n);
    replace_marked(text, len);
    mbedtls_platform_zeroize(view, len); /* both views are at most len bytes */
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

/* A secret file others may read or change, or that someone else owns, is
 * named (ssh refuses such keys): a warning, or a refusal under
 * --strict-permissions. 1: use it. */
static int secret_file_ok(const char *path, const char *what, const struct stat *st)
{
    char why[96];

    if (st->st_uid != geteuid() && st->st_uid != 0)
        snprintf(why, sizeof(why), "is owned by uid %lu, not by this user",
                 (unsigned long)st->st_uid);
    else if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
        snprintf(why, sizeof(why), "can be read or changed by others (mode %04o; chmod go= it)",
                 (unsigned)(st->st_mode & 07777));
    else
        return 1;
    fprintf(stderr, "hcsms: %s%s file %s %s%s\n", strict_permissions ? "" : "warning: ", what,
            path, why, strict_permissions ? " (refused: --strict-permissions)" : "");
    return !strict_permissions;
}

static int not_regular(const char *path, const char *what)
{
    fprintf(stderr, "hcsms: %s file %s is not a regular file (a pipe: use '-', standard "
                    "input)\n", what, path);
    return -1;
}

/* Open path to read ('-' = standard input): a regular file only, since a
 * FIFO or a device could block before any deadline starts, or never end;
 * checked before the open (opening a device can have effects of its own)
 * and again on what was opened, without blocking, so that a FIFO swapped in
 * between cannot hold the open itself. A secret file's owner and mode are
 * checked. The descriptor, or -1 after saying why. */
static int open_input(const char *path, const char *what, int secret)
{
    struct stat st;
    int fd;

    if (strcmp(path, "-") == 0)
        return STDIN_FILENO;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return not_regular(path, what);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "hcsms: cannot open %s file %s: %s\n", what, path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return not_regular(path, what);
    }
    if (secret && !secret_file_ok(path, what, &st)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Read a secret from path ('-' = stdin) into buffer (size bytes, the last
 * two to tell "too long"); one trailing newline is the file's. Returns its
 * length, or -1 after saying why. Reads straight into buffer: no stdio
 * copy of the secret is left behind. */
static long read_secret_file(const char *path, const char *what, char *buffer, size_t size)
{
    int fd = open_input(path, what, 1);
    size_t len = 0;

    if (fd < 0)
        return -1;
    while (len < size - 1) {
        ssize_t n = read(fd, buffer + len, size - 1 - len);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "hcsms: cannot read %s file %s: %s\n", what, path, strerror(errno));
            if (fd != STDIN_FILENO)
                close(fd);
            return -1;
        }
        len += (size_t)n;
    }
    if (fd != STDIN_FILENO)
        close(fd);
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
                mbedtls_platform_zeroize(body, k);
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
        if (rc == HCSMS_ERR_RESOLVE && result->os_error != 0)
            /* the port keeps getaddrinfo's EAI_* code */
            fprintf(stderr, " (cannot resolve %s: %s)", resolve_host,
                    gai_strerror(result->os_error));
        else if (rc == HCSMS_ERR_TIMEOUT && result->os_error == EAI_AGAIN)
            fprintf(stderr, " (resolving %s did not finish in time)", resolve_host);
        else if (result->os_error != 0)
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

/* AK/SK credentials come from one family of variables: HCSMS_* when any of
 * them is set, else HUAWEICLOUD_SDK_*; never a key of one with a secret or
 * a security token of the other (a stale HCSMS_AK signed with the SDK's
 * SK, or a stale security token sent with permanent keys). */
struct key_family {
    const char *prefix, *ak, *sk, *security_token;
};

/* A variable set to "" counts as not set (a shell's "export HCSMS_SK="). */
static const char *env_value(const char *name)
{
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

static void key_family_of_environment(struct key_family *f)
{
    int ours = env_value("HCSMS_AK") != NULL || env_value("HCSMS_SK") != NULL ||
               env_value("HCSMS_SECURITY_TOKEN") != NULL;

    f->prefix = ours ? "HCSMS_" : "HUAWEICLOUD_SDK_";
    f->ak = env_value(ours ? "HCSMS_AK" : "HUAWEICLOUD_SDK_AK");
    f->sk = env_value(ours ? "HCSMS_SK" : "HUAWEICLOUD_SDK_SK");
    f->security_token =
        env_value(ours ? "HCSMS_SECURITY_TOKEN" : "HUAWEICLOUD_SDK_SECURITY_TOKEN");
}

/* --auth token|aksk; by default a token when one is given, else AK/SK when
 * any key is set, else a usage error. Fills config; 0 or an exit status. */
static int choose_credentials(const char *auth, const char *token_file, const char *project_id,
                              hcsms_client_config *config)
{
    const char *env_token = getenv("HCSMS_AUTH_TOKEN");
    struct key_family keys;
    int use_token;

    key_family_of_environment(&keys);
    if (auth != NULL && strcmp(auth, "token") != 0 && strcmp(auth, "aksk") != 0)
        return usage_error("--auth takes token or aksk, not '%s'", auth);
    use_token = auth != NULL ? strcmp(auth, "token") == 0
                             : (token_file != NULL || env_token != NULL ||
                                (keys.ak == NULL && keys.sk == NULL &&
                                 keys.security_token == NULL));
    if (use_token) {
        if (project_id != NULL)
            return usage_error("--project-id is signed with AK/SK; a token carries its "
                               "own project");
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
    if (keys.ak == NULL || keys.sk == NULL)
        return usage_error("AK/SK signing needs both %sAK and %sSK; %s%s is not set (the keys "
                           "are read from HCSMS_* when any is set, else HUAWEICLOUD_SDK_*)",
                           keys.prefix, keys.prefix, keys.prefix, keys.ak == NULL ? "AK" : "SK");
    config->access_key = keys.ak;
    config->secret_key = keys.sk;
    config->security_token = keys.security_token;
    config->project_id = project_id;
    if (hcsms_check_credentials(keys.ak, keys.sk, keys.security_token, project_id) != HCSMS_OK) {
        fprintf(stderr, "hcsms: %s (all visible ASCII; the AK without , = ; or quotes)\n",
                hcsms_strerror(HCSMS_ERR_INVALID_CREDENTIALS));
        return EXIT_USAGE;
    }
    secret_key = keys.sk;
    security_token = keys.security_token;
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
    int fd = open_input(path, "task id", 0);
    FILE *file = fd == STDIN_FILENO ? stdin : fd >= 0 ? fdopen(fd, "rb") : NULL;
    size_t used = 0;
    unsigned long line_no = 0;
    int c = 0;

    *count = 0;
    if (file == NULL) {
        if (fd >= 0)
            close(fd);
        return EXIT_USAGE;
    }
    while (c != EOF) {
        size_t start = used, end;
        line_no++;
        while ((c = fgetc(file)) != EOF && c != '\n') {
            if (c == '\0') { /* would cut the id short: "abc\0evil" is not "abc" */
                fprintf(stderr, "hcsms: %s line %lu holds a NUL byte; nothing was sent\n", path,
                        line_no);
                if (file != stdin)
                    fclose(file);
                return EXIT_USAGE;
            }
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
    const char *endpoint, *region, *cacert, *proxy, *proxy_password_file;
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
    {"--proxy-password-file", FOR_BOTH, offsetof(struct options, proxy_password_file)},
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
        if (strcmp(arg, "--strict-permissions") == 0) {
            strict_permissions = 1;
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

/* In a URL after its "scheme://" (or a proxy URL without one): the '@' that
 * ends the user info, the last one before the first '/', '?' or '#' (a
 * password may hold '@'); NULL if there is no user info. */
static const char *user_info_end(const char *rest)
{
    const char *end = rest + strcspn(rest, "/?#"), *p, *at = NULL;

    for (p = rest; p < end; p++) {
        if (*p == '@')
            at = p;
    }
    return at;
}

/* After the "scheme://" value starts with, or NULL: a URL's scheme is
 * ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986). */
static char *after_scheme(char *value)
{
    size_t n = strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    if (n == 0 || !((value[0] | 0x20) >= 'a' && (value[0] | 0x20) <= 'z') ||
        strncmp(value + n, "://", 3) != 0)
        return NULL;
    return value + n + 3;
}

/* arg is an option whose value is the next argument (as parse_options
 * reads it, whichever the command). */
static int takes_next_value(const char *arg)
{
    size_t k;

    for (k = 0; k < sizeof(option_specs) / sizeof(option_specs[0]); k++) {
        if (strcmp(option_specs[k].name, arg) == 0)
            return 1;
    }
    return 0;
}

/* The first thing main does: every URL in argv loses its user info to '*'
 * (ps and /proc/PID/cmdline then show stars, as curl does), so no usage
 * error can echo it either. argv is walked as parse_options walks it
 * (values of options, "--"); a --proxy value keeps its user name and is
 * copied first, the last one given being the one used. The user info ends
 * at the value's last '@' here, whatever comes before it: starring too much
 * of argv costs nothing. What another user could read between exec and
 * this point is not ours to close: hence HCSMS_PROXY_PASSWORD and
 * --proxy-password-file. */
static void star_argv_secrets(int argc, char **argv)
{
    int i, options_done = 0;

    for (i = 1; i < argc; i++) {
        char *value = argv[i], *rest, *at, *colon;
        int proxy = 0;

        if (!options_done && strcmp(value, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && strcmp(value, "--proxy") == 0 && i + 1 < argc) {
            value = argv[++i];
            proxy = 1;
        } else if (!options_done && strncmp(value, "--proxy=", 8) == 0) {
            value += 8;
            proxy = 1;
        } else if (!options_done && strncmp(value, "--", 2) == 0 && strchr(value, '=') != NULL) {
            value = strchr(value, '=') + 1;
        } else if (!options_done && takes_next_value(value) && i + 1 < argc) {
            value = argv[++i];
        }
        rest = after_scheme(value);
        if (rest == NULL && !proxy)
            continue;
        if (rest == NULL)
            rest = value; /* a proxy URL without a scheme is http:// */
        at = strrchr(rest, '@');
        if (proxy) {
            size_t len = strlen(value);
            proxy_arg_value = value;
            proxy_arg_state = len < sizeof(proxy_arg_copy) ? 1 : 2;
            if (proxy_arg_state == 1)
                memcpy(proxy_arg_copy, value, len + 1);
            colon = at != NULL ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
            proxy_arg_had_password = colon != NULL;
            if (colon != NULL)
                memset(colon + 1, '*', (size_t)(at - colon - 1));
        } else if (at != NULL) {
            memset(rest, '*', (size_t)(at - rest));
        }
    }
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
 * proxy_user / proxy_password. Nothing of the user info is ever printed.
 * Sets *has_user / *has_password; 0 or an exit status. */
static int split_proxy_url(const char *url, const char *origin, int *has_user, int *has_password)
{
    const char *scheme_end = strstr(url, "://"), *rest, *at, *colon = NULL;
    size_t scheme_len = scheme_end != NULL ? (size_t)(scheme_end - url) : 0;
    int bad = 0;

    *has_user = *has_password = 0;
    rest = scheme_end != NULL ? scheme_end + 3 : url; /* no scheme: http://, as for curl */
    at = user_info_end(rest);
    if (at != NULL) {
        colon = memchr(rest, ':', (size_t)(at - rest));
        bad = percent_decode(rest, (size_t)((colon != NULL ? colon : at) - rest), proxy_user,
                             sizeof(proxy_user)) != 0 ||
              (colon != NULL && percent_decode(colon + 1, (size_t)(at - colon - 1),
                                               proxy_password, sizeof(proxy_password)) != 0);
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

/* What --proxy said (the copy star_argv_secrets made), split as soon as the
 * options are read. */
static int proxy_option_split, proxy_has_user, proxy_has_password;

static int take_proxy_option(const struct options *opts)
{
    int rc;

    if (opts->proxy == NULL || opts->proxy[0] == '\0')
        return 0;
    if (proxy_arg_value != opts->proxy) /* never: both walk argv alike */
        return usage_error("--proxy: cannot tell which argument is the proxy URL");
    if (proxy_arg_state != 1)
        return usage_error("--proxy: proxy URL too long");
    /* Warned, not refused: by now it has been readable in argv since exec,
     * and refusing would only break the scripts that do it. */
    if (proxy_arg_had_password)
        fputs("hcsms: warning: a password in --proxy can be read by other users of this "
              "machine (ps); use --proxy-password-file FILE or HCSMS_PROXY_PASSWORD\n",
              stderr);
    proxy_option_split = 1;
    rc = split_proxy_url(proxy_arg_copy, "--proxy", &proxy_has_user, &proxy_has_password);
    mbedtls_platform_zeroize(proxy_arg_copy, sizeof(proxy_arg_copy));
    return rc;
}

/* The proxy password from --proxy-password-file, else HCSMS_PROXY_PASSWORD,
 * else the one in the proxy URL. 0 or an exit status. */
static int proxy_password_source(const struct options *opts)
{
    const char *env = getenv("HCSMS_PROXY_PASSWORD");
    size_t len;

    if (opts->proxy_password_file != NULL) {
        long read = read_secret_file(opts->proxy_password_file, "proxy password",
                                     proxy_password_file_buffer,
                                     sizeof(proxy_password_file_buffer));
        if (read < 0)
            return EXIT_USAGE;
        len = (size_t)read;
        env = proxy_password_file_buffer;
    } else if (env != NULL) {
        len = strlen(env);
    } else {
        return 0;
    }
    if (!proxy_has_user)
        return usage_error("a proxy password needs a user name in the proxy URL "
                           "(http://USER@host:port)");
    if (len == 0 || len > HCSMS_PROXY_USER_MAX || memchr(env, '\0', len) != NULL)
        return usage_error("the proxy password must be 1 to %d bytes without NUL",
                           HCSMS_PROXY_USER_MAX);
    memcpy(proxy_password, env, len);
    proxy_password[len] = '\0';
    proxy_has_password = 1;
    mbedtls_platform_zeroize(proxy_password_file_buffer, sizeof(proxy_password_file_buffer));
    return 0;
}

/* --proxy, else https_proxy/HTTPS_PROXY, unless the endpoint's host is in
 * no_proxy/NO_PROXY. Fills config; 0 or an exit status. */
static int choose_proxy(const struct options *opts, const char *endpoint_url,
                        hcsms_client_config *config)
{
    const char *no_proxy;
    char host[HCSMS_HOST_MAX + 1];
    int rc;

    url_host(endpoint_url, resolve_host, sizeof(resolve_host));
    if (!proxy_option_split) {
        char *env = getenv("https_proxy");
        const char *origin = "https_proxy";

        if (env == NULL) {
            env = getenv("HTTPS_PROXY");
            origin = "HTTPS_PROXY";
        }
        if (env == NULL || env[0] == '\0') {
            if (opts->proxy_password_file != NULL)
                return usage_error("--proxy-password-file without a proxy");
            return 0;
        }
        /* Split a copy: the environment's string is not starred. */
        if (strlen(env) >= sizeof(proxy_env_copy))
            return usage_error("%s: proxy URL too long", origin);
        memcpy(proxy_env_copy, env, strlen(env) + 1);
        rc = split_proxy_url(proxy_env_copy, origin, &proxy_has_user, &proxy_has_password);
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
    if ((rc = proxy_password_source(opts)) != 0)
        return rc;
    url_host(proxy_url, resolve_host, sizeof(resolve_host));
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
    } else {
        /* mbedTLS opens it with fopen: a FIFO would block there for ever. */
        struct stat st;
        if (stat(config->ca_file, &st) == 0 && !S_ISREG(st.st_mode))
            return usage_error("CA bundle %s is not a regular file", config->ca_file);
    }
    if (endpoint_url == NULL) {
        const char *host = hcsms_region_host(config->region ? config->region : "ap-southeast-3");
        snprintf(region_url, sizeof(region_url), "https://%s", host ? host : "");
        endpoint_url = region_url;
    }
    if ((rc = choose_proxy(opts, endpoint_url, config)) != 0)
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
        /* Shown unless it holds user info: nothing of that is printed. */
        if ((rc == HCSMS_ERR_INVALID_ENDPOINT || rc == HCSMS_ERR_INSECURE_ENDPOINT) &&
            strchr(config->endpoint, '@') == NULL) {
            fputs(" '", stderr);
            put_safe(stderr, config->endpoint);
            fputc('\'', stderr);
        }
        fputc('\n', stderr);
        return exit_status_of(rc);
    }
    return 0;
}

/* Standard input can be read by one option only. 0 or an exit status. */
static int one_reader_of_stdin(const struct options *opts)
{
    const char *const files[] = {opts->from, opts->token_file, opts->password_file,
                                 opts->proxy_password_file};
    static const char *const names[] = {"--from", "--token-file", "--password-file",
                                        "--proxy-password-file"};
    const char *first = NULL;
    size_t k;

    for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        if (files[k] == NULL || strcmp(files[k], "-") != 0)
            continue;
        if (first != NULL)
            return usage_error("%s - and %s - cannot both read standard input", first, names[k]);
        first = names[k];
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
    if ((rc = one_reader_of_stdin(&opts)) != 0)
        return rc;
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
        /* What the server sent may hold an echo not recognised as one (the
         * client wipes the body it kept at its next call, or at free). */
        mbedtls_platform_zeroize(&result, sizeof(result));
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

/* The token and a newline to fd, with write(): no copy is left in stdio's
 * buffer. 1 if all was written. */
static int write_token(int fd, const char *token)
{
    size_t len = strlen(token), done = 0;

    while (done <= len) {
        ssize_t n = done < len ? write(fd, token + done, len - done) : write(fd, "\n", 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        done += (size_t)n;
    }
    return 1;
}

static int write_token_file(const char *path, const char *token)
{
    static char temp[4096 + 16];
    int fd, ok;

    if (strcmp(path, "-") == 0) {
        fflush(stdout);
        return write_token(STDOUT_FILENO, token) ? 0 : EXIT_USAGE;
    }
    if (snprintf(temp, sizeof(temp), "%s.XXXXXX", path) >= (int)sizeof(temp))
        return usage_error("--out: path too long");
    fd = mkstemp(temp); /* O_EXCL, mode 0600 */
    if (fd < 0) {
        fprintf(stderr, "hcsms: cannot create %s: %s\n", temp, strerror(errno));
        return EXIT_USAGE;
    }
    ok = fchmod(fd, S_IRUSR | S_IWUSR) == 0 && write_token(fd, token) && fsync(fd) == 0;
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
    if ((rc = one_reader_of_stdin(&opts)) != 0)
        return rc;
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
        mbedtls_platform_zeroize(&result, sizeof(result));
        return exit_status_of(rc);
    }
    mbedtls_platform_zeroize(&result, sizeof(result));
    if (verbose)
        fprintf(stderr, "[%6ldms] * got a token of %lu bytes\n", elapsed_ms(),
                (unsigned long)strlen(token_buffer));
    return write_token_file(opts.out != NULL ? opts.out : "-", token_buffer);
}

int main(int argc, char **argv)
{
    int status;

    harden_process();
    star_argv_secrets(argc, argv);
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
    /* Every client is freed by now and nothing else here uses PSA crypto. */
    hcsms_global_cleanup();
    fflush(stdout);
    return status;
}
