/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mps2-an386 application's parts: app.c configures and runs the unlock,
 * app_options.c turns the semihosting command line into struct app_options.
 */
#ifndef HCSMS_MPS2_APP_H
#define HCSMS_MPS2_APP_H

#include <stdint.h>

/* Exit statuses, the CLI's (0: all unlocked). */
#define EXIT_SERVICE 1
#define EXIT_USAGE 2
#define EXIT_TRANSPORT 3

#define ARGS_MAX 64

/* The options between "unlock" and the task ids, argv[first_task..]. */
struct app_options {
    const char *endpoint, *cacert, *token_file, *auth;
    const char *ak_file, *sk_file, *security_token_file, *project_id;
    unsigned long timeout, connect_timeout, retries; /* 0: not given (retries: have_retries) */
    int have_retries, verbose, stats, first_task;
    uint32_t ip, netmask, gateway; /* lwIP's ip4_addr_t.addr */
    uint32_t dns;                  /* the DNS server, the same way; 0: none */
};

/* "hcsms: WHAT DETAIL\n" on stderr; returns EXIT_USAGE. (app.c) */
int usage_error(const char *what, const char *detail);

/* Splits line in place into at most ARGS_MAX words separated by blanks.
 * Returns 0, or EXIT_USAGE after saying why. (app_options.c) */
int app_split_words(char *line, char **argv, int *argc);
/* Parses `... unlock [OPTION]... TASK_ID...` into *options (the board's
 * address 192.0.2.2/24 and gateway 192.0.2.1 unless given) and checks the
 * task ids. Returns 0, or EXIT_USAGE after saying why. (app_options.c) */
int app_parse_options(int argc, char **argv, struct app_options *options);

#endif
