/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms unlock: check every task id, then unlock them one after another
 * over one client; and the client set-up both commands share.
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "cli.h"

/* The task ids of --from: static only for its size (2 MB: a 1 MB arena,
 * 65,536 ids and their line numbers); each run reads it afresh. */
static struct cli_id_file id_file;

/* hcsms_client_init() refused config: say why (nothing of a URL's user
 * info). The exit status. */
static int init_failed(int rc, const hcsms_client_config *config)
{
    /* The library refused a part its build left out: the operator is told
     * which of the ones asked for it is (the first the library checks),
     * from the library's own features. */
    if (rc == HCSMS_ERR_NOT_BUILT) {
        unsigned built = hcsms_features();
        const char *what = "a part of this request is";

        if (!(built & HCSMS_FEATURE_AKSK) && config->auth_token == NULL &&
            (config->access_key != NULL || config->secret_key != NULL))
            what = "AK/SK signing is";
        else if (!(built & HCSMS_FEATURE_PROXY) && config->proxy != NULL)
            what = "HTTPS proxies are";
        else if (!(built & HCSMS_FEATURE_CA_FILE) && config->ca_file != NULL)
            what = "reading a CA file is";
        fprintf(stderr, "hcsms: %s %s\n", what, CLI_NOT_BUILT);
        return EXIT_USAGE;
    }
    fprintf(stderr, "hcsms: %s", hcsms_strerror(rc));
    if (rc == HCSMS_ERR_CA)
        fprintf(stderr, " (%s)", config->ca_file);
    if (rc == HCSMS_ERR_INVALID_ARGUMENT && config->user_agent != NULL)
        fputs(" (--user-agent: 1 to 64 bytes of visible ASCII and inner spaces)", stderr);
    if (rc == HCSMS_ERR_UNKNOWN_REGION && config->region != NULL) {
        fputs(" '", stderr);
        cli_put_safe(stderr, config->region);
        fputc('\'', stderr);
    }
    /* Shown unless it holds user info: nothing of that is printed. */
    if ((rc == HCSMS_ERR_INVALID_ENDPOINT || rc == HCSMS_ERR_INSECURE_ENDPOINT) &&
        strchr(config->endpoint, '@') == NULL) {
        fputs(" '", stderr);
        cli_put_safe(stderr, config->endpoint);
        fputc('\'', stderr);
    }
    fputc('\n', stderr);
    return cli_exit_status_of(rc);
}

int cli_start_client(struct cli_run *run, hcsms_client_config *config)
{
    const struct options *opts = &run->opts;
    char region_url[HCSMS_HOST_MAX + 16];
    const char *endpoint_url = config->endpoint;
    int rc;

    if ((rc = cli_choose_ca_file(opts, config)) != 0)
        return rc;
    if (endpoint_url == NULL) {
        const char *host = hcsms_region_host(config->region ? config->region : "ap-southeast-3");
        snprintf(region_url, sizeof(region_url), "https://%s", host ? host : "");
        endpoint_url = region_url;
    }
    if ((rc = cli_choose_proxy(run, endpoint_url, config)) != 0)
        return rc;
    config->connect_timeout_ms = opts->connect_timeout;
    config->timeout_ms = opts->timeout;
    config->retries = opts->retries;
    config->user_agent = opts->user_agent;
    if (opts->verbose) {
        if (!(hcsms_features() & HCSMS_FEATURE_TRACE))
            fprintf(stderr, "hcsms: warning: -v shows little: the library's trace is %s\n",
                    CLI_NOT_BUILT);
        config->trace = cli_trace;
        config->trace_user = run;
        fprintf(stderr, "[%6ldms] * CA bundle %s\n", cli_elapsed_ms(run), config->ca_file);
    }
    rc = hcsms_client_init(&run->secrets->client, config);
    return rc != HCSMS_OK ? init_failed(rc, config) : 0;
}

/* The id_index-th id: the operands first, then --from's. */
static const char *task_id_at(char **operands, int operand_count, int id_index)
{
    return id_index < operand_count ? operands[id_index] : id_file.ids[id_index - operand_count];
}

/* Every id is checked before anything is sent. 0 or an exit status. */
static int check_task_ids(const struct cli_run *run, char **operands, int operand_count,
                          int total)
{
    int i;

    for (i = 0; i < total; i++) {
        const char *id = task_id_at(operands, operand_count, i);
        if (hcsms_check_task_id(id) != HCSMS_OK) {
            fputs("hcsms: invalid task id '", stderr);
            cli_put_safe(stderr, id);
            if (i >= operand_count)
                fprintf(stderr, "' (%s line %lu", run->opts.from,
                        id_file.lines[i - operand_count]);
            fprintf(stderr, "%s: %s; nothing was sent\n", i >= operand_count ? ")" : "'",
                    hcsms_strerror(HCSMS_ERR_INVALID_TASK_ID));
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* Unlock each task, report each; the highest exit status. */
static int unlock_all(struct cli_run *run, char **operands, int operand_count, int total)
{
    int i, status = 0, unlocked = 0;

    for (i = 0; i < total; i++) {
        const char *id = task_id_at(operands, operand_count, i);
        hcsms_result result;
        int rc, task_status;

        if (run->opts.verbose)
            fprintf(stderr, "[%6ldms] * task %d of %d\n", cli_elapsed_ms(run), i + 1, total);
        rc = hcsms_unlock(&run->secrets->client, id, &result);
        /* Only server text that is printed needs redacting: a success in
         * human form prints the task id alone (measured: redacting every
         * result cost 15k instructions a task with a 512-byte token). */
        if (rc != HCSMS_OK || run->opts.json)
            cli_redact_result(run->secrets, &result);
        cli_report(run, id, rc, &result, run->opts.json);
        /* What the server sent may hold an echo not recognised as one (the
         * client wipes the body it kept at its next call, or at free). */
        mbedtls_platform_zeroize(&result, sizeof(result));
        unlocked += rc == HCSMS_OK;
        task_status = cli_exit_status_of(rc);
        if (task_status > status)
            status = task_status;
    }
    if (total > 1)
        fprintf(stderr, "%d unlocked, %d failed\n", unlocked, total - unlocked);
    return status;
}

int cli_run_unlock(struct cli_run *run, int argc, char **argv)
{
    const struct options *opts = &run->opts;
    hcsms_client_config config;
    int task_count = 0, total, rc; /* operands are moved to the front of argv */

    cli_options_init(&run->opts);
    rc = cli_parse_options(argc, argv, FOR_UNLOCK, &run->opts, &task_count);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if ((rc = cli_take_proxy_option(run)) != 0)
        return rc;
    hcsms_client_config_init(&config);
    config.endpoint = getenv("HCSMS_ENDPOINT");
    /* An explicit endpoint wins; a region given on the command line beats
     * HCSMS_ENDPOINT from the environment. */
    if (opts->endpoint != NULL || opts->region != NULL) {
        config.endpoint = opts->endpoint;
        config.region = opts->region;
    }
    if ((rc = cli_one_reader_of_stdin(opts)) != 0)
        return rc;
    id_file.count = 0;
    if (opts->from != NULL && (rc = cli_read_id_file(opts->from, &id_file)) != 0)
        return rc;
    total = task_count + id_file.count;
    if (total == 0)
        return cli_usage_error(opts->from != NULL ? "no task id given (none in %s)"
                                                  : "no task id given%s",
                               opts->from != NULL ? opts->from : "");
    if ((rc = check_task_ids(run, argv, task_count, total)) != 0 ||
        (rc = cli_session_check(opts)) != 0)
        return rc;
    if ((rc = cli_choose_credentials(opts, run->secrets, getenv, &config)) != 0)
        return rc;
    if ((rc = cli_start_client(run, &config)) != 0)
        return rc;
    cli_session_load(run);
    run->task_ids_are_safe = (hcsms_features() & HCSMS_FEATURE_STRICT_TASK_ID) != 0;
    rc = unlock_all(run, argv, task_count, total);
    cli_session_save(run);
    return rc;
}
