/* SPDX-License-Identifier: Apache-2.0 */
/*
 * curl_unlock: the yardstick for `make bench`. The same unlock call as the
 * hcsms command, made with libcurl (Debian's libcurl4-openssl-dev):
 *
 *   HCSMS_AUTH_TOKEN=... curl_unlock [-v] --endpoint URL --cacert FILE
 *                        [--tls-max 1.2|1.3] TASK_ID...
 *   curl_unlock --version
 *
 * POST URL/v3/tasks/{id}/unlock with the headers hcsms sends (Host,
 * User-Agent, Accept and Content-Type application/json, Content-Length: 0,
 * X-Auth-Token), verified against the CA file only, HTTP/1.1, TLS 1.2 up to
 * --tls-max (default 1.3; the bench passes what hcsms's mbedTLS speaks:
 * 1.2 for 2.28), and one easy handle for every task so that
 * libcurl keeps one connection alive across them. Like hcsms it prints
 * "unlocked ID" per success, so both pay for the same output. The answer's
 * body ({} on 200) is discarded unread: only the status matters here.
 * Exit 0 only if every answer was 2xx.
 *
 * -v prints libcurl's own remarks (connection, TLS version and cipher,
 * reuse) to stderr, never a header or data, so the token stays out of it.
 *
 * Task ids go into the URL as given (the benchmark's are UUIDs); hcsms
 * checks and percent-encodes them, which is not what is measured here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

static size_t discard(char *data, size_t size, size_t count, void *user)
{
    (void)data;
    (void)user;
    return size * count;
}

/* -v: libcurl's informational text only (CURLINFO_TEXT), no headers. */
static int remarks_only(CURL *curl, curl_infotype type, char *text, size_t size, void *user)
{
    (void)curl;
    (void)user;
    if (type == CURLINFO_TEXT)
        fprintf(stderr, "* %.*s", (int)size, text);
    return 0;
}

static int usage(void)
{
    fputs("usage: HCSMS_AUTH_TOKEN=... curl_unlock [-v] --endpoint URL --cacert FILE\n"
          "                            [--tls-max 1.2|1.3] TASK_ID...\n"
          "       curl_unlock --version\n",
          stderr);
    return 2;
}

/* What the command line asks for; argv[first_task..] are the task ids. */
struct args {
    const char *endpoint, *cacert, *token;
    long tls_max;
    int verbose, first_task;
};

/* "X-Auth-Token: " and a token as long as hcsms takes (16 KB). */
static char token_header[16384 + 32];

/* The options and HCSMS_AUTH_TOKEN into *a and token_header; 0, or the
 * usage's exit status after printing it. */
static int parse_args(int argc, char **argv, struct args *a)
{
    int i = 1;

    *a = (struct args){.token = getenv("HCSMS_AUTH_TOKEN"), .tls_max = CURL_SSLVERSION_MAX_TLSv1_3};
    if (i < argc && strcmp(argv[i], "-v") == 0) {
        a->verbose = 1;
        i++;
    }
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--endpoint") == 0)
            a->endpoint = argv[i + 1];
        else if (strcmp(argv[i], "--cacert") == 0)
            a->cacert = argv[i + 1];
        else if (strcmp(argv[i], "--tls-max") == 0 && strcmp(argv[i + 1], "1.2") == 0)
            a->tls_max = CURL_SSLVERSION_MAX_TLSv1_2;
        else if (strcmp(argv[i], "--tls-max") == 0 && strcmp(argv[i + 1], "1.3") == 0)
            a->tls_max = CURL_SSLVERSION_MAX_TLSv1_3;
        else
            return usage();
    }
    a->first_task = i;
    if (a->endpoint == NULL || a->cacert == NULL || i >= argc || a->token == NULL)
        return usage();
    if ((size_t)snprintf(token_header, sizeof(token_header), "X-Auth-Token: %s", a->token) >=
        sizeof(token_header))
        return usage();
    return 0;
}

/* libcurl set up and one easy handle configured as hcsms makes the call;
 * NULL after saying why. *headers is the handle's list, for the caller to free. */
static CURL *new_handle(const struct args *a, struct curl_slist **headers)
{
    CURL *curl;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (curl = curl_easy_init()) == NULL) {
        fputs("curl_unlock: libcurl set-up failed\n", stderr);
        return NULL;
    }
    /* Host comes from the URL; Content-Length: 0 from the empty POST body. */
    *headers = curl_slist_append(*headers, "Accept: application/json");
    *headers = curl_slist_append(*headers, "Content-Type: application/json");
    *headers = curl_slist_append(*headers, token_header);
    if (*headers == NULL) {
        fputs("curl_unlock: out of memory\n", stderr);
        return NULL;
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, *headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "libcurl/" LIBCURL_VERSION);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    /* The same trust as hcsms --cacert: that file only, no CA directory. */
    curl_easy_setopt(curl, CURLOPT_CAINFO, a->cacert);
    curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    /* Compare like with like: the TLS versions hcsms's mbedTLS speaks. */
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2 | a->tls_max);
    /* hcsms's defaults: 10 s to connect, 30 s per task. */
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    if (a->verbose) {
        curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, remarks_only);
        curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    }
    return curl;
}

/* One POST per task id on the same handle; the exit status (0 only if
 * every answer was 2xx). */
static int unlock_tasks(CURL *curl, const char *endpoint, int count, char **task_ids)
{
    static char url[4096];
    int i, status = 0;

    for (i = 0; i < count; i++) {
        long http_status = 0;
        CURLcode rc;

        if ((size_t)snprintf(url, sizeof(url), "%s/v3/tasks/%s/unlock", endpoint, task_ids[i]) >=
            sizeof(url)) {
            fprintf(stderr, "curl_unlock: %s: URL too long\n", task_ids[i]);
            status = 2;
            continue;
        }
        curl_easy_setopt(curl, CURLOPT_URL, url);
        rc = curl_easy_perform(curl);
        if (rc == CURLE_OK)
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
        if (rc == CURLE_OK && http_status >= 200 && http_status < 300) {
            printf("unlocked %s\n", task_ids[i]);
            fflush(stdout); /* as hcsms does, one line per task */
        } else if (rc == CURLE_OK) {
            fprintf(stderr, "curl_unlock: %s: HTTP %ld\n", task_ids[i], http_status);
            status = status > 1 ? status : 1;
        } else {
            fprintf(stderr, "curl_unlock: %s: %s\n", task_ids[i], curl_easy_strerror(rc));
            status = 3;
        }
    }
    return status;
}

int main(int argc, char **argv)
{
    struct args args;
    struct curl_slist *headers = NULL;
    CURL *curl;
    int status;

    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("%s\n", curl_version());
        return 0;
    }
    if ((status = parse_args(argc, argv, &args)) != 0)
        return status;
    if ((curl = new_handle(&args, &headers)) == NULL)
        return 3;
    status = unlock_tasks(curl, args.endpoint, argc - args.first_task, argv + args.first_task);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return status;
}
