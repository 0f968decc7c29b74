/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --session-file FILE: the TLS session of the last run, read before the
 * first task and written after the last, so that an agent started from cron
 * resumes instead of paying a full handshake. Never a reason to fail: a
 * missing, damaged, foreign or expired file means a full handshake (the
 * library judges it: hcsms_session_load), and a file that cannot be
 * written is a warning.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX; NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "cli.h"

int cli_session_check(const struct options *opts)
{
    if (opts->session_file != NULL && strcmp(opts->session_file, "-") == 0)
        return cli_usage_error("--session-file is read and written: a file, not '-'");
    /* Left out of this build: every run makes a full handshake, and the
     * file is neither read nor written (nor removed). Not a reason to fail. */
#if !HCSMS_CONFIG_TLS_RESUME
    if (opts->session_file != NULL)
        fprintf(stderr, "hcsms: warning: --session-file ignored: TLS session resumption is "
                        "%s\n", CLI_NOT_BUILT);
#endif
    return cli_check_output_path("--session-file", opts->session_file);
}

void cli_session_load(struct cli_run *run)
{
#if HCSMS_CONFIG_TLS_RESUME
    const char *path = run->opts.session_file;
    unsigned char blob[CLI_SESSION_MAX + 1];
    struct stat st;
    long len;

    if (path == NULL)
        return;
    if (lstat(path, &st) != 0 && errno == ENOENT) {
        if (run->opts.verbose)
            fprintf(stderr, "[%6ldms] * session: no %s yet\n", cli_elapsed_ms(run), path);
        return;
    }
    len = cli_read_file(path, "session", blob, sizeof(blob), 1, run->opts.strict_permissions);
    if (len > CLI_SESSION_MAX) {
        if (run->opts.verbose)
            fprintf(stderr, "[%6ldms] * session: %s ignored: over %d bytes\n",
                    cli_elapsed_ms(run), path, CLI_SESSION_MAX);
    } else if (len >= 0) {
        (void)hcsms_session_load(&run->secrets->client, blob, (size_t)len);
    }
    mbedtls_platform_zeroize(blob, sizeof(blob));
#else
    (void)run; /* left out of this build: cli_session_check said so */
#endif
}

void cli_session_save(struct cli_run *run)
{
#if HCSMS_CONFIG_TLS_RESUME
    const char *path = run->opts.session_file;
    unsigned char blob[CLI_SESSION_MAX];
    size_t len = 0;
    int rc;

    if (path == NULL)
        return;
    rc = hcsms_session_save(&run->secrets->client, blob, sizeof(blob), &len);
    if (rc == HCSMS_OK) {
        if (cli_write_private_file(path, "session", blob, len, "") != 0)
            fprintf(stderr, "hcsms: warning: the TLS session was not saved\n");
        else if (run->opts.verbose)
            fprintf(stderr, "[%6ldms] * session: %zu bytes saved to %s\n", cli_elapsed_ms(run),
                    len, path);
    } else if (rc == HCSMS_ERR_NO_SESSION) {
        /* None now (the server gave none, or the one offered failed): a
         * file left behind would only be offered again for nothing. */
        if (unlink(path) == 0 && run->opts.verbose)
            fprintf(stderr, "[%6ldms] * session: none to save; %s removed\n",
                    cli_elapsed_ms(run), path);
    } else if (run->opts.verbose) {
        fprintf(stderr, "[%6ldms] * session: not saved: %s\n", cli_elapsed_ms(run),
                hcsms_strerror(rc));
    }
    mbedtls_platform_zeroize(blob, sizeof(blob));
#else
    (void)run; /* left out of this build: cli_session_check said so */
#endif
}
