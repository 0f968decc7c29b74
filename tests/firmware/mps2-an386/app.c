/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mps2-an386 image's application: `hcsms unlock` on a device.
 *
 * The semihosting command line (QEMU's -append) takes the CLI's options;
 * files are read from the host. Output and exit statuses are the CLI's:
 * "unlocked ID" on stdout; failures on stderr as
 * "hcsms: ID: HTTP 403 CODE: message (request id X)" or
 * "hcsms: ID: <error> during <step> (...)"; exit 0 all unlocked,
 * 1 service error, 2 usage, 3 network/TLS/timeout/protocol.
 *
 *   unlock --endpoint https://IP:PORT --cacert FILE
 *          (--token-file FILE | --auth aksk --ak-file FILE --sk-file FILE
 *           [--security-token-file FILE] [--project-id ID])
 *          [--timeout MS] [--connect-timeout MS] [--retries N]
 *          [--ip A.B.C.D] [--netmask A.B.C.D] [--gateway A.B.C.D] [--dns A.B.C.D]
 *          [-v] [--stats] TASK_ID...
 *
 * The board's address is 192.0.2.2/24, its peer and gateway 192.0.2.1,
 * unless --ip / --gateway say otherwise; it has no DNS server unless --dns
 * names one. --stats prints what the run used
 * (mbedTLS pool peak, stack high-water marks, busy time per task).
 * The command line is parsed in app_options.c.
 */
#include <stdio.h>
#include <string.h>

#include "hcsms.h"

#include "app.h"
#include "board.h"
#include "semihosting.h"

#define CA_MAX (16 * 1024)
#define KEY_FILE_MAX 256

/* What this test board reads from the host (not in the RAM budget, see
 * mps2-an386.ld). */
#define HOSTIO __attribute__((section(".hostio")))
static char cmdline[4096] HOSTIO;
static char token[HCSMS_TOKEN_MAX + 3] HOSTIO;
static unsigned char ca[CA_MAX + 1] HOSTIO;
static char access_key[KEY_FILE_MAX + 3] HOSTIO, secret_key[KEY_FILE_MAX + 3] HOSTIO;
static char security_token[HCSMS_TOKEN_MAX + 3] HOSTIO;

/* Caller-owned, fixed size: the device's RAM. */
static hcsms_client client;
static hcsms_result result;

static void say(const char *first, const char *second, const char *third)
{
    board_print(2, first);
    if (second != NULL)
        board_print(2, second);
    if (third != NULL)
        board_print(2, third);
}

int usage_error(const char *what, const char *detail)
{
    say("hcsms: ", what, detail);
    board_print(2, "\n");
    return EXIT_USAGE;
}

/* Read a host file; one trailing newline (LF or CRLF) is the file's.
 * Returns the length, or -1 after saying why. */
static long read_host_file(const char *path, const char *what, char *buffer, size_t size)
{
    long len = semihost_read_file(path, (unsigned char *)buffer, size - 1);

    if (len == -2) {
        say("hcsms: ", what, " file is too large: ");
        say(path, "\n", NULL);
        return -1;
    }
    if (len < 0) {
        say("hcsms: cannot read ", what, " file ");
        say(path, "\n", NULL);
        return -1;
    }
    if (len > 0 && buffer[len - 1] == '\n')
        len--;
    if (len > 0 && buffer[len - 1] == '\r')
        len--;
    buffer[len] = '\0';
    if (memchr(buffer, '\0', (size_t)len) != NULL) {
        say("hcsms: ", what, " file holds a NUL byte: ");
        say(path, "\n", NULL);
        return -1;
    }
    return len;
}

static void trace(void *user, hcsms_trace_event event, const char *text)
{
    char stamp[24];

    (void)user;
    (void)event;
    snprintf(stamp, sizeof(stamp), "[%6lums] * ", (unsigned long)board_ms());
    say(stamp, text, "\n");
}

static void report(const char *task_id, int rc)
{
    char line[64];

    if (rc == HCSMS_OK) {
        board_print(1, "unlocked ");
        board_print(1, task_id);
        board_print(1, "\n");
        return;
    }
    say("hcsms: ", task_id, ": ");
    if (rc == HCSMS_ERR_SERVICE) {
        snprintf(line, sizeof(line), "HTTP %d", result.http_status);
        board_print(2, line);
        snprintf(line, sizeof(line), "%d", result.http_status);
        if (result.error_code[0] != '\0' && strcmp(result.error_code, line) != 0)
            say(" ", result.error_code, NULL);
        if (result.error_msg[0] != '\0')
            say(": ", result.error_msg, NULL);
        say(" (request id ", result.request_id[0] ? result.request_id : "none",
            result.truncated ? ") [cut to fit]\n" : ")\n");
        return;
    }
    board_print(2, hcsms_strerror(rc));
    if (result.failed_step != NULL)
        say(" during ", result.failed_step, NULL);
    if (result.os_error != 0) {
        snprintf(line, sizeof(line), " (system error %d)", result.os_error);
        board_print(2, line);
    }
    {
        char tls_text[384];
        hcsms_tls_error_text(result.tls_error, result.tls_verify_flags, tls_text, sizeof(tls_text));
        if (tls_text[0] != '\0')
            say(" (", tls_text, ")");
    }
    if (result.request_id[0] != '\0')
        say(" (request id ", result.request_id, ")");
    board_print(2, "\n");
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

static void print_stats(int task, uint64_t busy_ns)
{
    char line[128];

    snprintf(line, sizeof(line), "board: task %d busy %lu ns\n", task, (unsigned long)busy_ns);
    board_print(2, line);
}

static void print_usage_stats(void)
{
    char line[160];
    size_t peak, pool;

    board_mbedtls_pool_peak(&peak, &pool);
    snprintf(line, sizeof(line), "board: mbedtls pool peak %lu of %lu bytes\n", (unsigned long)peak,
             (unsigned long)pool);
    board_print(2, line);
    snprintf(line, sizeof(line), "board: main stack used %lu of %lu bytes\n",
             (unsigned long)board_main_stack_used(), (unsigned long)board_main_stack_size());
    board_print(2, line);
    snprintf(line, sizeof(line), "board: tcpip stack used %lu of %lu bytes\n",
             (unsigned long)os_thread_stack_used(), (unsigned long)os_thread_stack_size());
    board_print(2, line);
    snprintf(line, sizeof(line), "board: context %lu bytes, sbrk calls %u\n",
             (unsigned long)sizeof(client), board_sbrk_calls);
    board_print(2, line);
}

/* --auth aksk: AK, SK and security token from host files. */
static int use_aksk(const struct app_options *o, hcsms_client_config *config)
{
    if (o->ak_file == NULL || o->sk_file == NULL)
        return usage_error("--auth aksk needs --ak-file FILE and --sk-file FILE (a board has no environment)", "");
    if (read_host_file(o->ak_file, "AK", access_key, sizeof(access_key)) < 0 ||
        read_host_file(o->sk_file, "SK", secret_key, sizeof(secret_key)) < 0)
        return EXIT_USAGE;
    config->access_key = access_key;
    config->secret_key = secret_key;
    if (o->security_token_file != NULL) {
        if (read_host_file(o->security_token_file, "security token", security_token,
                           sizeof(security_token)) < 0)
            return EXIT_USAGE;
        config->security_token = security_token;
    }
    config->project_id = o->project_id;
    if (hcsms_check_credentials(access_key, secret_key, config->security_token, o->project_id) !=
        HCSMS_OK)
        return usage_error(hcsms_strerror(HCSMS_ERR_INVALID_CREDENTIALS), "");
    return 0;
}

/* The default: an IAM token from a host file. */
static int use_token(const struct app_options *o, hcsms_client_config *config)
{
    long len;

    if (o->token_file == NULL)
        return usage_error("no credentials: use --token-file FILE, or --auth aksk", "");
    if ((len = read_host_file(o->token_file, "token", token, sizeof(token))) < 0)
        return EXIT_USAGE;
    if (hcsms_check_token(token, (size_t)len) != HCSMS_OK) {
        say("hcsms: the token in ", o->token_file, " is invalid: ");
        say(hcsms_strerror(HCSMS_ERR_INVALID_TOKEN), "\n", NULL);
        return EXIT_USAGE;
    }
    config->auth_token = token;
    return 0;
}

/* The client's configuration: the CA and credentials read from the host. */
static int configure(const struct app_options *o, hcsms_client_config *config)
{
    long ca_len;
    int rc;

    hcsms_client_config_init(config);
    config->endpoint = o->endpoint;
    ca_len = read_host_file(o->cacert, "CA", (char *)ca, sizeof(ca));
    if (ca_len < 0)
        return EXIT_USAGE;
    config->ca_data = ca;
    config->ca_data_len = (size_t)ca_len + 1; /* PEM: the NUL counts (mbedTLS's rule) */
    if (o->auth != NULL && strcmp(o->auth, "token") != 0 && strcmp(o->auth, "aksk") != 0)
        return usage_error("--auth takes token or aksk, not ", o->auth);
    if (o->auth != NULL && strcmp(o->auth, "aksk") == 0)
        rc = use_aksk(o, config);
    else
        rc = use_token(o, config);
    if (rc != 0)
        return rc;
    if (o->timeout != 0)
        config->timeout_ms = (uint32_t)o->timeout;
    if (o->connect_timeout != 0)
        config->connect_timeout_ms = (uint32_t)o->connect_timeout;
    if (o->have_retries)
        config->retries = (uint8_t)o->retries;
    if (o->verbose)
        config->trace = trace;
    return 0;
}

/* Start the network and the client, unlock each task, report; the exit status. */
static int run_tasks(const struct app_options *o, const hcsms_client_config *config, int argc,
                     char **argv)
{
    int i, rc, status = 0, unlocked = 0, task_count = argc - o->first_task;
    uint32_t started_ms;

    if (board_network_start(o->ip, o->netmask, o->gateway, o->dns) != 0) {
        board_print(2, "hcsms: the LAN9118 Ethernet controller did not start\n");
        return EXIT_TRANSPORT;
    }
    rc = hcsms_client_init(&client, config);
    if (rc != HCSMS_OK) {
        say("hcsms: ", hcsms_strerror(rc), "\n");
        return exit_status_of(rc);
    }
    for (i = o->first_task; i < argc; i++) {
        uint64_t started = board_ns(), idle = board_idle_ns();
        int task_status;

        rc = hcsms_unlock(&client, argv[i], &result);
        if (o->stats)
            print_stats(i - o->first_task + 1, (board_ns() - started) - (board_idle_ns() - idle));
        report(argv[i], rc);
        unlocked += rc == HCSMS_OK;
        task_status = exit_status_of(rc);
        if (task_status > status)
            status = task_status;
    }
    if (task_count > 1) {
        char line[64];
        snprintf(line, sizeof(line), "%d unlocked, %d failed\n", unlocked, task_count - unlocked);
        board_print(2, line);
    }
    hcsms_client_free(&client);
    /* Let lwIP send the FIN of the closed connection before QEMU stops. */
    for (started_ms = board_ms(); board_ms() - started_ms < 20u;)
        os_yield();
    if (o->stats)
        print_usage_stats();
    return status;
}

int main(void)
{
    char *argv[ARGS_MAX];
    int argc, rc;
    struct app_options options;
    hcsms_client_config config;

    board_tick_start();
    board_mbedtls_pool_start();
    if (semihost_cmdline(cmdline, sizeof(cmdline)) != 0)
        return usage_error("no command line (QEMU's -append)", "");
    if ((rc = app_split_words(cmdline, argv, &argc)) != 0 ||
        (rc = app_parse_options(argc, argv, &options)) != 0 ||
        (rc = configure(&options, &config)) != 0)
        return rc;
    return run_tasks(&options, &config, argc, argv);
}
