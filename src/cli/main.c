/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hcsms command. The only code that prints, exits, reads files or the
 * environment; it uses the public API only. Its rooms are listed in cli.h.
 *
 * Exit status: 0 every task unlocked; 1 the service answered with an error
 * status; 2 usage or invalid input (nothing was sent); 3 network, TLS,
 * timeout or protocol failure. With several tasks, the highest that occurred.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <stdlib.h>
#include <string.h>

#include "cli.h"

int main(int argc, char **argv)
{
    struct cli_run run;
    int status;

    memset(&run, 0, sizeof(run));
    run.secrets = cli_secrets();
    run.out = stdout;
    run.err = stderr;
    cli_harden_process();
    cli_star_argv_secrets(argc, argv, run.secrets, &run.proxy_arg);
    clock_gettime(CLOCK_MONOTONIC, &run.started);
    atexit(cli_wipe_secrets);
    if (argc < 2)
        return cli_usage_error("no command given");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        cli_usage_text(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        /* The optional parts the library has (hcsms_features()), for a
         * script that must know before it relies on one. */
        unsigned built = hcsms_features();

        printf("%s (%s)\nfeatures:%s%s%s%s%s%s\n", hcsms_version(), hcsms_tls_version(),
               built & HCSMS_FEATURE_AKSK ? " aksk" : "",
               built & HCSMS_FEATURE_CA_FILE ? " ca-file" : "",
               built & HCSMS_FEATURE_IAM ? " iam" : "", built & HCSMS_FEATURE_PROXY ? " proxy" : "",
               built & HCSMS_FEATURE_TLS_RESUME ? " resume" : "",
               built & HCSMS_FEATURE_TRACE ? " trace" : "");
        return 0;
    }
    if (strcmp(argv[1], "unlock") == 0)
        status = cli_run_unlock(&run, argc - 2, argv + 2);
    else if (strcmp(argv[1], "token") == 0)
        status = cli_run_token(&run, argc - 2, argv + 2);
    else
        return cli_usage_error("unknown command '%s'", argv[1]);
    fflush(stdout);
    return status;
}
