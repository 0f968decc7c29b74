/* SPDX-License-Identifier: Apache-2.0 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli_capture.h"

static char captured[4096];
static int saved_stderr = -1;

void capture_begin(void)
{
    char path[] = "/tmp/hcsms-test-cli-XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    unlink(path);
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
}

const char *capture_end(void)
{
    ssize_t n;

    fflush(stderr);
    lseek(STDERR_FILENO, 0, SEEK_SET);
    n = read(STDERR_FILENO, captured, sizeof(captured) - 1);
    captured[n > 0 ? n : 0] = '\0';
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    return captured;
}

const char *capture_text(void)
{
    return captured;
}
