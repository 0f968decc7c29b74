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
 *          [--ip A.B.C.D] [--netmask A.B.C.D] [--gateway A.B.C.D]
 *          [-v] [--stats] TASK_ID...
 *
 * The board's address is 192.0.2.2/24, its peer and gateway 192.0.2.1,
 * unless --ip / --gateway say otherwise. --stats prints what the run used
 * (mbedTLS pool peak, stack high-water marks, busy time per task).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcsms.h"
#include "lwip/ip4_addr.h"

#include "board.h"
#include "semihosting.h"

#define EXIT_SERVICE 1
#define EXIT_USAGE 2
#define EXIT_TRANSPORT 3

#define ARGS_MAX 64
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

static int usage_error(const char *what, const char *detail)
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

static int parse_number(const char *option, const char *text, unsigned long min,
                        unsigned long max, unsigned long *out)
{
    char *end;
    char range[48];

    snprintf(range, sizeof(range), " takes a number from %lu to %lu", min, max);
    if (text[0] < '0' || text[0] > '9')
        return usage_error(option, range);
    *out = strtoul(text, &end, 10);
    if (*end != '\0' || *out < min || *out > max)
        return usage_error(option, range);
    return 0;
}

static int parse_ip(const char *option, const char *text, uint32_t *out)
{
    ip4_addr_t address;

    if (!ip4addr_aton(text, &address))
        return usage_error(option, " takes an IPv4 address");
    *out = address.addr;
    return 0;
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

int main(void)
{
    char *argv[ARGS_MAX], *p;
    int argc = 0, i, first_task = 0, task_count, unlocked = 0, status = 0, stats = 0, rc;
    const char *endpoint = NULL, *cacert = NULL, *token_file = NULL, *auth = NULL;
    const char *ak_file = NULL, *sk_file = NULL, *security_token_file = NULL, *project_id = NULL;
    unsigned long timeout = 0, connect_timeout = 0, retries = 0;
    int have_retries = 0, verbose = 0;
    uint32_t ip, netmask, gateway, started_ms;
    hcsms_client_config config;
    long ca_len;

    board_tick_start();
    board_mbedtls_pool_start();
    IP4_ADDR((ip4_addr_t *)&ip, 192, 0, 2, 2);
    IP4_ADDR((ip4_addr_t *)&netmask, 255, 255, 255, 0);
    IP4_ADDR((ip4_addr_t *)&gateway, 192, 0, 2, 1);

    if (semihost_cmdline(cmdline, sizeof(cmdline)) != 0)
        return usage_error("no command line (QEMU's -append)", "");
    /* Words separated by blanks (newlib's strtok would allocate its state). */
    for (p = cmdline; *p != '\0';) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            *p++ = '\0';
        if (*p == '\0')
            break;
        if (argc == ARGS_MAX)
            return usage_error("too many arguments", "");
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
    }
    /* QEMU passes the image's name first when it is given; skip to the command. */
    while (first_task < argc && strcmp(argv[first_task], "unlock") != 0)
        first_task++;
    if (first_task == argc)
        return usage_error("usage: unlock --endpoint URL --cacert FILE --token-file FILE ",
                           "[--timeout MS] [--retries N] TASK_ID...");
    for (i = first_task + 1; i < argc && argv[i][0] == '-'; i++) {
        const char *option = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = 1;

        if (strcmp(option, "-v") == 0 || strcmp(option, "--verbose") == 0) {
            verbose = 1;
            takes_value = 0;
        } else if (strcmp(option, "--stats") == 0) {
            stats = 1;
            takes_value = 0;
        } else if (value == NULL) {
            return usage_error(option, " needs a value");
        } else if (strcmp(option, "--endpoint") == 0) {
            endpoint = value;
        } else if (strcmp(option, "--cacert") == 0) {
            cacert = value;
        } else if (strcmp(option, "--token-file") == 0) {
            token_file = value;
        } else if (strcmp(option, "--auth") == 0) {
            auth = value;
        } else if (strcmp(option, "--ak-file") == 0) {
            ak_file = value;
        } else if (strcmp(option, "--sk-file") == 0) {
            sk_file = value;
        } else if (strcmp(option, "--security-token-file") == 0) {
            security_token_file = value;
        } else if (strcmp(option, "--project-id") == 0) {
            project_id = value;
        } else if (strcmp(option, "--timeout") == 0) {
            if ((rc = parse_number(option, value, 1, 86400000UL, &timeout)) != 0)
                return rc;
        } else if (strcmp(option, "--connect-timeout") == 0) {
            if ((rc = parse_number(option, value, 1, 86400000UL, &connect_timeout)) != 0)
                return rc;
        } else if (strcmp(option, "--retries") == 0) {
            if ((rc = parse_number(option, value, 0, 10, &retries)) != 0)
                return rc;
            have_retries = 1;
        } else if (strcmp(option, "--ip") == 0) {
            if ((rc = parse_ip(option, value, &ip)) != 0)
                return rc;
        } else if (strcmp(option, "--netmask") == 0) {
            if ((rc = parse_ip(option, value, &netmask)) != 0)
                return rc;
        } else if (strcmp(option, "--gateway") == 0) {
            if ((rc = parse_ip(option, value, &gateway)) != 0)
                return rc;
        } else {
            return usage_error("unknown option ", option);
        }
        i += takes_value;
    }
    first_task = i;
    task_count = argc - first_task;
    if (task_count == 0)
        return usage_error("no task id given", "");
    if (endpoint == NULL)
        return usage_error("--endpoint is required on the board (no region table lookup here)", "");
    if (cacert == NULL)
        return usage_error("--cacert FILE is required on the board", "");
    for (i = first_task; i < argc; i++)
        if (hcsms_check_task_id(argv[i]) != HCSMS_OK)
            return usage_error("invalid task id; nothing was sent: ", argv[i]);

    hcsms_client_config_init(&config);
    config.endpoint = endpoint;
    ca_len = read_host_file(cacert, "CA", (char *)ca, sizeof(ca));
    if (ca_len < 0)
        return EXIT_USAGE;
    config.ca_data = ca;
    config.ca_data_len = (size_t)ca_len + 1; /* PEM: the NUL counts (mbedTLS's rule) */
    if (auth != NULL && strcmp(auth, "token") != 0 && strcmp(auth, "aksk") != 0)
        return usage_error("--auth takes token or aksk, not ", auth);
    if (auth != NULL && strcmp(auth, "aksk") == 0) {
        if (ak_file == NULL || sk_file == NULL)
            return usage_error("--auth aksk needs --ak-file FILE and --sk-file FILE (a board has no environment)", "");
        if (read_host_file(ak_file, "AK", access_key, sizeof(access_key)) < 0 ||
            read_host_file(sk_file, "SK", secret_key, sizeof(secret_key)) < 0)
            return EXIT_USAGE;
        config.access_key = access_key;
        config.secret_key = secret_key;
        if (security_token_file != NULL) {
            if (read_host_file(security_token_file, "security token", security_token,
                               sizeof(security_token)) < 0)
                return EXIT_USAGE;
            config.security_token = security_token;
        }
        config.project_id = project_id;
        if (hcsms_check_credentials(access_key, secret_key, config.security_token, project_id) !=
            HCSMS_OK)
            return usage_error(hcsms_strerror(HCSMS_ERR_INVALID_CREDENTIALS), "");
    } else {
        long len;
        if (token_file == NULL)
            return usage_error("no credentials: use --token-file FILE, or --auth aksk", "");
        if ((len = read_host_file(token_file, "token", token, sizeof(token))) < 0)
            return EXIT_USAGE;
        if (hcsms_check_token(token, (size_t)len) != HCSMS_OK) {
            say("hcsms: the token in ", token_file, " is invalid: ");
            say(hcsms_strerror(HCSMS_ERR_INVALID_TOKEN), "\n", NULL);
            return EXIT_USAGE;
        }
        config.auth_token = token;
    }
    if (timeout != 0)
        config.timeout_ms = (uint32_t)timeout;
    if (connect_timeout != 0)
        config.connect_timeout_ms = (uint32_t)connect_timeout;
    if (have_retries)
        config.retries = (uint8_t)retries;
    if (verbose)
        config.trace = trace;

    if (board_network_start(ip, netmask, gateway) != 0) {
        board_print(2, "hcsms: the LAN9118 Ethernet controller did not start\n");
        return EXIT_TRANSPORT;
    }
    rc = hcsms_client_init(&client, &config);
    if (rc != HCSMS_OK) {
        say("hcsms: ", hcsms_strerror(rc), "\n");
        return exit_status_of(rc);
    }
    for (i = first_task; i < argc; i++) {
        uint64_t started = board_ns(), idle = board_idle_ns();
        int task_status;

        rc = hcsms_unlock(&client, argv[i], &result);
        if (stats)
            print_stats(i - first_task + 1, (board_ns() - started) - (board_idle_ns() - idle));
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
    if (stats)
        print_usage_stats();
    return status;
}
