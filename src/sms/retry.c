/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The retry policy: which failures may be tried again, and how long to wait.
 *
 * Only what is safe is retried: 429 and 503 answers (the service asked us to
 * come back), and failures before any byte of the request was sent (resolve,
 * connect, TLS handshake other than a failed verification). Waits are full
 * jitter over an exponential cap, or the server's Retry-After; the caller
 * never waits past its deadline.
 */
#include <string.h>

#include "sms.h"
#include "../net/net.h"

static int digits(const char *s, size_t n, int *out)
{
    size_t i;

    *out = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *out = *out * 10 + (s[i] - '0');
    }
    return 0;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, RFC 9110) -> Unix seconds. */
static int parse_http_date(const char *s, int64_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int day, year, hour, minute, second, month;
    const char *found;

    if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || strcmp(s + 25, " GMT") != 0)
        return -1;
    if (digits(s + 5, 2, &day) || digits(s + 12, 4, &year) || digits(s + 17, 2, &hour) ||
        digits(s + 20, 2, &minute) || digits(s + 23, 2, &second))
        return -1;
    found = NULL;
    for (month = 0; month < 12; month++) {
        if (memcmp(months + 3 * (size_t)month, s + 8, 3) == 0) {
            found = months + 3 * (size_t)month;
            break;
        }
    }
    if (found == NULL || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 ||
        year < 1970)
        return -1;
    *out = hcsms_utc_from_civil(year, month + 1, day, hour, minute, second);
    return 0;
}

long hcsms_retry_after_ms(const char *value, int64_t now_utc)
{
    int64_t when;
    size_t n = strlen(value);
    int seconds;

    if (n > 0 && n <= 5 && digits(value, n, &seconds) == 0)
        return (long)seconds * 1000L;
    if (parse_http_date(value, &when) == 0 && now_utc > 0)
        return when <= now_utc ? 0L : (when - now_utc > 86400 ? 86400000L : (long)(when - now_utc) * 1000L);
    return -1;
}

/* Nothing of the request left, and trying again may help: the way to the
 * server (directly or through the proxy) failed, or the tunnel failed
 * without the proxy answering (a proxy's refusal is its answer), or the
 * handshake failed other than in the certificate check. */
static int nothing_sent(int rc, const hcsms_result *result)
{
    if (rc == HCSMS_ERR_RESOLVE || rc == HCSMS_ERR_CONNECT)
        return 1;
    switch (result->step) {
    case HCSMS_STEP_CONNECT:
    case HCSMS_STEP_PROXY_CONNECT:
        return 1;
    case HCSMS_STEP_PROXY_TUNNEL:
        return result->proxy_status == 0;
    case HCSMS_STEP_TLS_HANDSHAKE:
        return rc != HCSMS_ERR_TLS_VERIFY;
    default:
        return 0;
    }
}

long hcsms_retry_wait_ms(const hcsms_client *client, int rc, const hcsms_result *result,
                         const char *retry_after, unsigned retry_index)
{
    uint32_t cap = client->retry_base_ms;
    unsigned char noise[4];
    uint32_t random;
    unsigned i;

    if (rc == HCSMS_ERR_SERVICE && (result->http_status == 429 || result->http_status == 503)) {
        int64_t now = 0;
        long wait;
        (void)hcsms_port_utc_seconds(&now); /* only an HTTP date needs it */
        if (retry_after != NULL && retry_after[0] != '\0' &&
            (wait = hcsms_retry_after_ms(retry_after, now)) >= 0)
            return wait;
    } else if (!nothing_sent(rc, result)) {
        return -1;
    }
    for (i = 0; i < retry_index && cap < client->retry_max_ms / 2; i++)
        cap *= 2;
    if (cap > client->retry_max_ms)
        cap = client->retry_max_ms;
    if (hcsms_port_entropy(noise, sizeof(noise)) != 0)
        return (long)(cap / 2);
    random = (uint32_t)noise[0] << 24 | (uint32_t)noise[1] << 16 | (uint32_t)noise[2] << 8 | noise[3];
    return (long)(random % (cap + 1u)); /* full jitter */
}

/* The retry loop of every operation: attempt, then wait as the policy
 * says and attempt again, all under one deadline. */
int hcsms_run(hcsms_client *client, hcsms_attempt_fn attempt, const void *context,
              hcsms_result *result)
{
    uint64_t deadline;
    unsigned retry, attempts = 0;

    /* One deadline for every attempt of this call together. */
    deadline = hcsms_port_deadline_after(client->timeout_ms);
    for (retry = 0;; retry++) {
        long wait;
        int rc = attempt(client, context, deadline, result);

        attempts += result->attempts;
        result->attempts = attempts;
        if (rc == HCSMS_OK || retry >= client->retries)
            return rc;
        wait = hcsms_retry_wait_ms(client, rc, result,
                                   rc == HCSMS_ERR_SERVICE ? client->retry_after : NULL,
                                   retry);
        if (wait < 0 || (uint64_t)wait >= hcsms_port_time_left(deadline))
            return rc; /* not safe to repeat, or no time left to wait */
        if (TRACING(client))
            hcsms_trace_retry(client, rc, wait, retry);
        hcsms_port_sleep_ms((uint32_t)wait);
    }
}
