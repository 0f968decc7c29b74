/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Options: argv parsing, the usage text, usage errors. Nothing here reads
 * the environment or a file.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_usage_text(FILE *out)
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
          "  --user-agent TEXT      added to the User-Agent header after hcsms/VERSION\n"
          "                         (e.g. acme-agent/3.1; visible ASCII, up to 64 bytes)\n"
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
          "  --project-id ID        sent (and signed) as X-Project-Id with AK/SK; else env\n"
          "                         HCSMS_PROJECT_ID, else HUAWEICLOUD_SDK_PROJECT_ID\n"
          "  --from FILE            more task ids, one per line ('-' = standard input;\n"
          "                         blank lines and lines starting with # are skipped)\n"
          "  --json                 one JSON object per task on stdout (JSON Lines)\n"
          "  --session-file FILE    resume the TLS session saved there by the last run, and\n"
          "                         save this run's (created 0600); a missing, damaged,\n"
          "                         foreign or expired one means a full handshake\n"
          "\n"
          "options of token:\n"
          "  --iam-endpoint URL     https://host[:port]; env HCSMS_IAM_ENDPOINT, else\n"
          "                         HUAWEICLOUD_SDK_IAM_ENDPOINT; else\n"
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
          "      --version          versions of hcsms and mbedTLS, and the features built in\n"
          "\n"
          "Tokens, keys and passwords come from a file or the environment, never from\n"
          "an option (a password in --proxy is visible to ps until hcsms stars it).\n"
          "Task ids: 1 to 64 of A-Z a-z 0-9 _ -. Files: regular files (or '-') only.\n"
          "exit status: 0 success, 1 the service (or IAM) answered with an error,\n"
          "2 usage or invalid input, 3 network, TLS, proxy, timeout or protocol failure\n"
          "(several tasks: the highest).\n",
          out);
}

int cli_usage_error(const char *format, ...)
{
    va_list args;

    fputs("hcsms: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputs("\n(see hcsms --help)\n", stderr);
    return EXIT_USAGE;
}

static int parse_ms(const char *option, const char *text, uint32_t *out)
{
    char *end;
    unsigned long value;

    errno = 0;
    value = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || value == 0 ||
        value > 86400000UL)
        return cli_usage_error("%s takes milliseconds from 1 to 86400000, not '%s'", option,
                               text);
    *out = (uint32_t)value;
    return 0;
}

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
    {"--session-file", FOR_UNLOCK, offsetof(struct options, session_file)},
    {"--user", FOR_TOKEN, offsetof(struct options, user)},
    {"--account", FOR_TOKEN, offsetof(struct options, account)},
    {"--project", FOR_TOKEN, offsetof(struct options, project)},
    {"--password-file", FOR_TOKEN, offsetof(struct options, password_file)},
    {"--out", FOR_TOKEN, offsetof(struct options, out)},
    {"--retries", FOR_BOTH, 0},
    {"--connect-timeout", FOR_BOTH, 0},
    {"--timeout", FOR_BOTH, 0},
    {"--user-agent", FOR_BOTH, offsetof(struct options, user_agent)},
};

#define OPTION_SPECS (sizeof(option_specs) / sizeof(option_specs[0]))

void cli_options_init(struct options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->connect_timeout = 10000;
    opts->timeout = 30000;
}

/* An option without a value (a flag) for command: 1 if arg was one (and
 * is set in opts), 0 if not; -1 for --help (printed). */
static int take_flag(const char *arg, int command, struct options *opts)
{
    if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
        opts->verbose = 1;
    } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        cli_usage_text(stdout);
        return -1;
    } else if (command == FOR_UNLOCK && strcmp(arg, "--json") == 0) {
        opts->json = 1;
    } else if (strcmp(arg, "--strict-permissions") == 0) {
        opts->strict_permissions = 1;
    } else if (command == FOR_TOKEN && strcmp(arg, "--domain-scope") == 0) {
        opts->domain_scope = 1;
    } else {
        return 0;
    }
    return 1;
}

/* The spec of "--name" or "--name=value" for command, or NULL. */
static const struct option_spec *spec_of(const char *arg, int command)
{
    const char *eq = strchr(arg, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg), k;
    const struct option_spec *spec = NULL;

    for (k = 0; k < OPTION_SPECS; k++) {
        if ((option_specs[k].commands & command) && strlen(option_specs[k].name) == name_len &&
            memcmp(option_specs[k].name, arg, name_len) == 0)
            spec = &option_specs[k];
    }
    return spec;
}

/* Store value for spec in opts. 0 or an exit status. */
static int take_value(const struct option_spec *spec, const char *value, struct options *opts)
{
    if (spec->field != 0) {
        *(const char **)((char *)opts + spec->field) = value;
        return 0;
    }
    if (strcmp(spec->name, "--retries") == 0) {
        if (strlen(value) != 1 || value[0] < '0' || value[0] > '9')
            return cli_usage_error("--retries takes 0 to 9, not '%s'", value);
        opts->retries = (uint8_t)(value[0] - '0');
        return 0;
    }
    return parse_ms(spec->name, value,
                    strcmp(spec->name, "--timeout") == 0 ? &opts->timeout
                                                         : &opts->connect_timeout);
}

int cli_parse_options(int argc, char **argv, int command, struct options *opts, int *operands)
{
    int i, rc, options_done = 0;

    *operands = 0;
    for (i = 0; i < argc; i++) {
        const char *arg = argv[i], *value, *eq;
        const struct option_spec *spec;

        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            argv[(*operands)++] = argv[i];
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if ((rc = take_flag(arg, command, opts)) != 0) {
            if (rc < 0)
                return -1;
            continue;
        }
        /* Options with a value: "--name value" or "--name=value". */
        if ((spec = spec_of(arg, command)) == NULL)
            return cli_usage_error("unknown option '%s'", arg);
        if ((eq = strchr(arg, '=')) != NULL) {
            value = eq + 1;
        } else {
            if (i + 1 >= argc)
                return cli_usage_error("%s needs a value", spec->name);
            value = argv[++i];
        }
        if ((rc = take_value(spec, value, opts)) != 0)
            return rc;
    }
    return 0;
}

int cli_takes_next_value(const char *arg)
{
    size_t k;

    for (k = 0; k < OPTION_SPECS; k++) {
        if (strcmp(option_specs[k].name, arg) == 0)
            return 1;
    }
    return 0;
}

int cli_one_reader_of_stdin(const struct options *opts)
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
            return cli_usage_error("%s - and %s - cannot both read standard input", first,
                                   names[k]);
        first = names[k];
    }
    return 0;
}
