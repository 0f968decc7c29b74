/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unlock one task, resuming the TLS session the last run saved: what an
 * agent started from cron does so that it does not pay a full handshake
 * each time. The session file holds the session's master secret: it is
 * created mode 0600 and replaced atomically (write, then rename).
 *
 *     resume ENDPOINT CA_FILE SESSION_FILE TASK_ID   (the token in HCSMS_AUTH_TOKEN)
 *
 * Build against an installed hcsms:
 *     cc resume.c $(pkg-config --static --cflags --libs hcsms) -o resume
 * Exit status: 0 unlocked, 1 the service refused, 2 usage, 3 any other failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hcsms.h>

static hcsms_client client;
static unsigned char blob[16384];

/* The session file's bytes into blob: their number, 0 when there is none. */
static size_t read_session(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL)
        return 0;
    n = fread(blob, 1, sizeof(blob), f);
    fclose(f);
    return n < sizeof(blob) ? n : 0; /* a file that does not fit: ignored */
}

/* blob's first len bytes to path, through a 0600 file renamed over it. */
static void write_session(const char *path, size_t len)
{
    char temp[4096];
    int fd, ok;

    if (snprintf(temp, sizeof(temp), "%s.new", path) >= (int)sizeof(temp))
        return;
    fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return;
    ok = write(fd, blob, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(temp, path) != 0)
        unlink(temp);
}

/* The library says whether it took the saved session, and why not. */
static void show_session(void *user, hcsms_trace_event event, const char *text)
{
    (void)user;
    if (event == HCSMS_TRACE_SESSION)
        printf("session: %s\n", text);
}

int main(int argc, char **argv)
{
    hcsms_client_config config;
    hcsms_result result;
    const char *token = getenv("HCSMS_AUTH_TOKEN");
    size_t len;
    int rc;

    if (argc != 5 || token == NULL) {
        fprintf(stderr, "usage: HCSMS_AUTH_TOKEN=... %s ENDPOINT CA_FILE SESSION_FILE TASK_ID\n",
                argv[0]);
        return 2;
    }
    hcsms_client_config_init(&config);
    config.endpoint = argv[1];
    config.ca_file = argv[2];
    config.auth_token = token;
    config.trace = show_session;
    rc = hcsms_client_init(&client, &config);
    if (rc != HCSMS_OK) {
        printf("set-up failed: %s\n", hcsms_strerror(rc));
        hcsms_client_free(&client);
        return rc == HCSMS_ERR_ABI ? 3 : 2;
    }
    /* Offered on the first handshake if it fits this endpoint, CA set and
     * time; otherwise ignored: never a reason to fail. */
    if ((len = read_session(argv[3])) > 0)
        (void)hcsms_session_load(&client, blob, len);
    rc = hcsms_unlock(&client, argv[4], &result);
    if (rc == HCSMS_OK)
        printf("%s: unlocked\n", argv[4]);
    else if (rc == HCSMS_ERR_SERVICE)
        printf("%s: refused: HTTP %d %s\n", argv[4], result.http_status, result.error_code);
    else
        printf("%s: failed: %s\n", argv[4], hcsms_strerror(rc));
    /* The session for the next run (a TLS 1.3 ticket arrives with the first
     * answer, so after a call). */
    if (hcsms_session_save(&client, blob, sizeof(blob), &len) == HCSMS_OK)
        write_session(argv[3], len);
    memset(blob, 0, sizeof(blob)); /* a product wipes it with mbedtls_platform_zeroize() */
    hcsms_client_free(&client);
    hcsms_global_cleanup();
    return rc == HCSMS_OK ? 0 : rc == HCSMS_ERR_SERVICE ? 1 : 3;
}
