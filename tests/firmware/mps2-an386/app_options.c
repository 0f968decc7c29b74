/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mps2-an386 application's command line (see app.c for its options):
 * words, then struct app_options. Errors are said on stderr as the CLI's
 * usage errors ("hcsms: ..."), exit status EXIT_USAGE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcsms.h"
#include "lwip/ip4_addr.h"

#include "app.h"

/* Words separated by blanks (newlib's strtok would allocate its state). */
int app_split_words(char *p, char **argv, int *argc)
{
    for (*argc = 0; *p != '\0';) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            *p++ = '\0';
        if (*p == '\0')
            break;
        if (*argc == ARGS_MAX)
            return usage_error("too many arguments", "");
        argv[(*argc)++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
    }
    return 0;
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

/* One option that takes a value; value is NULL when the option was the last word. */
static int parse_option(struct app_options *o, const char *option, const char *value)
{
    if (value == NULL)
        return usage_error(option, " needs a value");
    if (strcmp(option, "--endpoint") == 0)
        o->endpoint = value;
    else if (strcmp(option, "--cacert") == 0)
        o->cacert = value;
    else if (strcmp(option, "--token-file") == 0)
        o->token_file = value;
    else if (strcmp(option, "--auth") == 0)
        o->auth = value;
    else if (strcmp(option, "--ak-file") == 0)
        o->ak_file = value;
    else if (strcmp(option, "--sk-file") == 0)
        o->sk_file = value;
    else if (strcmp(option, "--security-token-file") == 0)
        o->security_token_file = value;
    else if (strcmp(option, "--project-id") == 0)
        o->project_id = value;
    else if (strcmp(option, "--timeout") == 0)
        return parse_number(option, value, 1, 86400000UL, &o->timeout);
    else if (strcmp(option, "--connect-timeout") == 0)
        return parse_number(option, value, 1, 86400000UL, &o->connect_timeout);
    else if (strcmp(option, "--retries") == 0) {
        o->have_retries = 1;
        return parse_number(option, value, 0, 10, &o->retries);
    } else if (strcmp(option, "--ip") == 0)
        return parse_ip(option, value, &o->ip);
    else if (strcmp(option, "--netmask") == 0)
        return parse_ip(option, value, &o->netmask);
    else if (strcmp(option, "--gateway") == 0)
        return parse_ip(option, value, &o->gateway);
    else if (strcmp(option, "--dns") == 0)
        return parse_ip(option, value, &o->dns);
    else
        return usage_error("unknown option ", option);
    return 0;
}

int app_parse_options(int argc, char **argv, struct app_options *o)
{
    int i = 0, rc;

    memset(o, 0, sizeof(*o));
    IP4_ADDR((ip4_addr_t *)&o->ip, 192, 0, 2, 2);
    IP4_ADDR((ip4_addr_t *)&o->netmask, 255, 255, 255, 0);
    IP4_ADDR((ip4_addr_t *)&o->gateway, 192, 0, 2, 1);
    /* QEMU passes the image's name first when it is given; skip to the command. */
    while (i < argc && strcmp(argv[i], "unlock") != 0)
        i++;
    if (i == argc)
        return usage_error("usage: unlock --endpoint URL --cacert FILE --token-file FILE ",
                           "[--timeout MS] [--retries N] TASK_ID...");
    for (i++; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
            o->verbose = 1;
        else if (strcmp(argv[i], "--stats") == 0)
            o->stats = 1;
        else if ((rc = parse_option(o, argv[i], i + 1 < argc ? argv[i + 1] : NULL)) != 0)
            return rc;
        else
            i++; /* past its value */
    }
    o->first_task = i;
    if (i == argc)
        return usage_error("no task id given", "");
    if (o->endpoint == NULL)
        return usage_error("--endpoint is required on the board (no region table lookup here)", "");
    if (o->cacert == NULL)
        return usage_error("--cacert FILE is required on the board", "");
    for (; i < argc; i++)
        if (hcsms_check_task_id(argv[i]) != HCSMS_OK)
            return usage_error("invalid task id; nothing was sent: ", argv[i]);
    return 0;
}
