/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hcsms command's rooms, and what they share. Private to src/cli (and
 * its unit tests, tests/unit/test_cli_*.c); the library knows nothing of it.
 * May call: the public API (hcsms.h, as any caller: never a private field),
 * mbedTLS's zeroize, libc and POSIX.
 *
 *   main.c         main(): hardening, argv starring, dispatch
 *   options.c      argv parsing, usage text, usage errors
 *   environment.c  credential families (HCSMS_* / HUAWEICLOUD_SDK_*), CA bundle
 *   files.c        token, password, task id and --out files
 *   proxy.c        --proxy / https_proxy, no_proxy, the proxy password
 *   secrets.c      the one struct of secrets, wiped at exit; argv starring
 *   output.c       human text, JSON Lines, traces, exit statuses
 *   redact.c       secrets and signatures taken out of what is printed
 *   unlock.c       hcsms unlock, and the client set-up both commands share
 *   token.c        hcsms token
 *   session.c      --session-file: the TLS session kept between runs
 *
 * State: the secrets (secrets.c) are the only mutable file-scope object that
 * lives for the whole run, because the atexit() handler that wipes them
 * takes no argument. Everything else about a run is in struct cli_run, on
 * main()'s stack, handed down. redact.c's work space (42 KB) and
 * unlock.c's task id file (2 MB) are static only for their size; neither
 * carries anything from one call to the next.
 */
#ifndef HCSMS_CLI_H
#define HCSMS_CLI_H

/* struct timespec and the POSIX calls of the rooms need it, before any
 * system header. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#error "define _GNU_SOURCE (or _POSIX_C_SOURCE) before any header, then include cli.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "hcsms.h"

#define EXIT_SERVICE 1
#define EXIT_USAGE 2
#define EXIT_TRANSPORT 3

/* How the CLI names a feature its build left out (an HCSMS_CONFIG_* of 0):
 * "<feature> is " CLI_NOT_BUILT. */
#define CLI_NOT_BUILT "not in this build (hcsms --version lists its features)"

/* ---- options.c ---------------------------------------------------------- */

/* Options of both commands, and of each. */
struct options {
    uint32_t connect_timeout, timeout; /* first: a field offset of 0 means "none" */
    const char *endpoint, *region, *cacert, *proxy, *proxy_password_file, *user_agent;
    uint8_t retries;
    int json, domain_scope, verbose, strict_permissions;
    /* unlock */
    const char *token_file, *auth, *project_id, *from, *session_file;
    /* token */
    const char *user, *account, *project, *password_file, *out;
};

enum { FOR_UNLOCK = 1, FOR_TOKEN = 2, FOR_BOTH = 3 };

void cli_usage_text(FILE *out);
/* "hcsms: " the message, and a pointer to --help, on stderr. EXIT_USAGE. */
int cli_usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
void cli_options_init(struct options *opts);
/* Parse argv (after the command) into opts for command (FOR_UNLOCK or
 * FOR_TOKEN); operands (task ids) are moved to the front of argv and
 * counted in *operands. Returns 0, or an exit status (-1: --help, printed). */
int cli_parse_options(int argc, char **argv, int command, struct options *opts, int *operands);
/* arg is an option whose value is the next argument, whichever the command. */
int cli_takes_next_value(const char *arg);
/* Standard input can be read by one option only. 0 or an exit status. */
int cli_one_reader_of_stdin(const struct options *opts);

/* ---- secrets.c ---------------------------------------------------------- */

/* Everything secret the command holds, and the client (its TLS keys, the
 * body it kept); wiped by cli_wipe_secrets() at exit and read by redact.c. */
struct cli_secrets {
    /* The token (from a file, the environment or IAM); two more bytes to
     * tell "too long". */
    char token[HCSMS_TOKEN_MAX + 3];
    /* AK/SK secrets: in the environment, pointed at. */
    const char *secret_key, *security_token;
    /* The IAM password (two more bytes to tell "too long"). */
    char password[HCSMS_IAM_FIELD_MAX + 3];
    /* The proxy's credentials, percent-decoded from its URL or read. */
    char proxy_user[HCSMS_PROXY_USER_MAX + 1], proxy_password[HCSMS_PROXY_USER_MAX + 1];
    char proxy_password_file[HCSMS_PROXY_USER_MAX + 3];
    /* The --proxy URL copied before argv is starred, and a copy of
     * https_proxy to split; each wiped once split. */
    char proxy_env_copy[HCSMS_HOST_MAX + 3 * (HCSMS_PROXY_USER_MAX + 1) + 32];
    char proxy_arg_copy[HCSMS_HOST_MAX + 3 * (HCSMS_PROXY_USER_MAX + 1) + 32];
    hcsms_client client;
};

/* What star_argv_secrets() found of --proxy: where in argv the last one's
 * value is, whether it was copied (0: none, 1: copied, 2: too long) and
 * whether it held a password. */
struct cli_proxy_arg {
    const char *value;
    int state, had_password;
};

/* The process's one instance. */
struct cli_secrets *cli_secrets(void);
/* Wipe every secret and free the client (an atexit() handler). */
void cli_wipe_secrets(void);
/* No core file; not dumpable (no same-user ptrace or /proc/PID/mem). */
void cli_harden_process(void);
/* Star the user info of every URL in argv; copy the last --proxy value
 * into secrets->proxy_arg_copy first, noting it in *found. */
void cli_star_argv_secrets(int argc, char **argv, struct cli_secrets *secrets,
                           struct cli_proxy_arg *found);

/* ---- one run of a command ------------------------------------------------ */

struct cli_run {
    struct options opts;
    struct cli_secrets *secrets;
    struct timespec started; /* CLOCK_MONOTONIC, for -v's timings */
    struct cli_proxy_arg proxy_arg;
    /* The proxy chosen: its URL without user info, whether --proxy was
     * split, whether it has a user and a password. */
    int proxy_option_split, proxy_has_user, proxy_has_password;
    char proxy_url[HCSMS_HOST_MAX + 32];
    /* The host hcsms itself resolves (the proxy's, else the endpoint's),
     * named when resolution fails. */
    char resolve_host[HCSMS_HOST_MAX + 1];
    /* Where reports go: stdout and stderr (tests hand in memory streams). */
    FILE *out, *err;
    /* The library linked in takes task ids of A-Z a-z 0-9 _ - only
     * (HCSMS_FEATURE_STRICT_TASK_ID of hcsms_features()): a task id it took
     * is printed as it is. 0 (a pass through cli_put_safe) until known. */
    int task_ids_are_safe;
};

/* ---- environment.c ------------------------------------------------------ */

/* getenv, or a test's stand-in. */
typedef char *(*cli_getenv_fn)(const char *name);

/* One family of AK/SK variables: HCSMS_* when any of the three is set (not
 * empty), else HUAWEICLOUD_SDK_*. Empty values are NULL. */
struct cli_key_family {
    const char *prefix, *ak, *sk, *security_token;
};
void cli_key_family_of(cli_getenv_fn get, struct cli_key_family *family);
/* --auth token|aksk, by default a token when one is given, else AK/SK when
 * any key is set. Fills config (and the secrets); 0 or an exit status. */
int cli_choose_credentials(const struct options *opts, struct cli_secrets *secrets,
                           cli_getenv_fn get, hcsms_client_config *config);
/* --cacert, else HCSMS_CACERT, else the first system bundle found. Sets
 * config->ca_file; 0 or an exit status. */
int cli_choose_ca_file(const struct options *opts, hcsms_client_config *config);

/* ---- files.c ------------------------------------------------------------ */

/* Open path to read ('-' = standard input): regular files only, without
 * blocking; a secret file's owner and mode checked (refused when strict).
 * The descriptor, or -1 after saying why. */
int cli_open_input(const char *path, const char *what, int secret, int strict);
/* Up to size bytes of path into buffer, as they are. Their number, or -1
 * after saying why. */
long cli_read_file(const char *path, const char *what, unsigned char *buffer, size_t size,
                   int secret, int strict);
/* A secret from path into buffer (size bytes; the last two tell "too
 * long"); one trailing newline dropped. Its length, or -1 after saying why. */
long cli_read_secret_file(const char *path, const char *what, char *buffer, size_t size,
                          int strict);
/* The token from path into token (size bytes), checked. 0 or an exit
 * status. */
int cli_read_token_file(const char *path, char *token, size_t size, int strict);

/* Task ids of --from FILE, one per line, in static storage (no allocation). */
#define ID_FILE_BYTES (1024 * 1024)
#define ID_FILE_TASKS 65536
struct cli_id_file {
    int count;
    char *ids[ID_FILE_TASKS];
    unsigned long lines[ID_FILE_TASKS]; /* the line each id is on */
    char arena[ID_FILE_BYTES];
};
/* Read path into *file (blank and '#' lines skipped). 0 or an exit status. */
int cli_read_id_file(const char *path, struct cli_id_file *file);
/* option's FILE must be a new file or a regular one (not a device, a folder
 * or a link to one); NULL and "-" (standard output) pass. 0 or EXIT_USAGE. */
int cli_check_output_path(const char *option, const char *path);
/* len bytes of data, then the text trailer, to path through a new file of
 * mode 0600 in the same folder, renamed over path: a reader never sees half
 * of it, and it never sits in a file others may read. "-": standard output.
 * what names it in errors. 0 or EXIT_USAGE. */
int cli_write_private_file(const char *path, const char *what, const void *data, size_t len,
                           const char *trailer);


/* ---- proxy.c ------------------------------------------------------------ */

/* Split what --proxy said, as soon as the options are read. 0 or an exit
 * status. */
int cli_take_proxy_option(struct cli_run *run);
/* --proxy, else https_proxy/HTTPS_PROXY, unless endpoint_url's host is in
 * no_proxy/NO_PROXY; the password from its sources. 0 or an exit status. */
int cli_choose_proxy(struct cli_run *run, const char *endpoint_url, hcsms_client_config *config);

/* ---- output.c ----------------------------------------------------------- */

/* Server-controlled text as valid UTF-8 without control, C1 or bidi
 * characters ('?'; a newline or tab a space). */
void cli_put_safe(FILE *out, const char *text);
/* text as a JSON string, quoted; C1 and bidi controls escaped. */
void cli_put_json_string(FILE *out, const char *text);
/* One task's result: a JSON line on run->out, or human text (successes on
 * run->out, failures on run->err). The result must be redacted. */
void cli_report(const struct cli_run *run, const char *task_id, int rc,
                const hcsms_result *result, int json);
/* The trace function of -v (user: the struct cli_run). */
void cli_trace(void *user, hcsms_trace_event event, const char *text);
/* Milliseconds since run->started. */
long cli_elapsed_ms(const struct cli_run *run);
/* 0, EXIT_SERVICE, EXIT_USAGE or EXIT_TRANSPORT for an hcsms return code. */
int cli_exit_status_of(int rc);

/* ---- redact.c ----------------------------------------------------------- */

/* Replace in text every run of 12 or more bytes of a secret (as it reads
 * and as JSON would read once unescaped) and every 64-hex run but the
 * empty body's hash, by "(redacted)" (or as many '*'); never longer. */
void cli_redact(const struct cli_secrets *secrets, char *text);
void cli_redact_result(const struct cli_secrets *secrets, hcsms_result *result);

/* ---- unlock.c, token.c -------------------------------------------------- */

/* CA bundle, proxy, timeouts, retries, trace; then the client. 0 or an
 * exit status. */
int cli_start_client(struct cli_run *run, hcsms_client_config *config);
int cli_run_unlock(struct cli_run *run, int argc, char **argv);
int cli_run_token(struct cli_run *run, int argc, char **argv);

/* ---- session.c ---------------------------------------------------------- */

/* The largest session file read or written (a ticket and the server's
 * certificate; 1-3 KB is usual). */
#define CLI_SESSION_MAX 16384
/* --session-file's path is usable (not '-', new or a regular file). 0 or
 * an exit status. */
int cli_session_check(const struct options *opts);
/* Offer the saved session, if the file has a usable one (-v says why not). */
void cli_session_load(struct cli_run *run);
/* Write the client's session to the file (0600, atomically), or remove the
 * file when there is none; failures are warnings. */
void cli_session_save(struct cli_run *run);

#endif
