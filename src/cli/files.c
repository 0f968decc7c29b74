/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files: the token, password and task id files hcsms reads (regular files
 * or '-', opened without blocking, secret ones checked for who may read
 * them), and the files written whole or not at all (--out, --session-file).
 */
/* A feature-test macro, reserved by design. */
#define _GNU_SOURCE 1 /* POSIX and GNU (memmem); NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* A secret file others may read or change, or that someone else owns, is
 * named (ssh refuses such keys): a warning, or a refusal under
 * --strict-permissions (strict). 1: use it. */
static int secret_file_ok(const char *path, const char *what, const struct stat *st, int strict)
{
    char why[96];

    if (st->st_uid != geteuid() && st->st_uid != 0)
        snprintf(why, sizeof(why), "is owned by uid %lu, not by this user",
                 (unsigned long)st->st_uid);
    else if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
        snprintf(why, sizeof(why), "can be read or changed by others (mode %04o; chmod go= it)",
                 (unsigned)(st->st_mode & 07777));
    else
        return 1;
    fprintf(stderr, "hcsms: %s%s file %s %s%s\n", strict ? "" : "warning: ", what, path, why,
            strict ? " (refused: --strict-permissions)" : "");
    return !strict;
}

static int not_regular(const char *path, const char *what)
{
    fprintf(stderr, "hcsms: %s file %s is not a regular file (a pipe: use '-', standard "
                    "input)\n", what, path);
    return -1;
}

/* A regular file only, since a FIFO or a device could block before any
 * deadline starts, or never end; checked before the open (opening a device
 * can have effects of its own) and again on what was opened, without
 * blocking, so that a FIFO swapped in between cannot hold the open itself. */
int cli_open_input(const char *path, const char *what, int secret, int strict)
{
    struct stat st;
    int fd;

    if (strcmp(path, "-") == 0)
        return STDIN_FILENO;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return not_regular(path, what);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "hcsms: cannot open %s file %s: %s\n", what, path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return not_regular(path, what);
    }
    if (secret && !secret_file_ok(path, what, &st, strict)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads straight into buffer: no stdio copy of a secret is left behind. */
long cli_read_file(const char *path, const char *what, unsigned char *buffer, size_t size,
                   int secret, int strict)
{
    int fd = cli_open_input(path, what, secret, strict);
    size_t len = 0;

    if (fd < 0)
        return -1;
    while (len < size) {
        ssize_t n = read(fd, buffer + len, size - len);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "hcsms: cannot read %s file %s: %s\n", what, path, strerror(errno));
            if (fd != STDIN_FILENO)
                close(fd);
            return -1;
        }
        len += (size_t)n;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    return (long)len;
}

long cli_read_secret_file(const char *path, const char *what, char *buffer, size_t size,
                          int strict)
{
    long read = cli_read_file(path, what, (unsigned char *)buffer, size - 1, 1, strict);
    size_t len;

    if (read < 0)
        return -1;
    len = (size_t)read;
    /* One trailing newline (LF or CRLF) is the file's, not the secret's. */
    if (len > 0 && buffer[len - 1] == '\n') {
        len--;
        if (len > 0 && buffer[len - 1] == '\r')
            len--;
    }
    buffer[len] = '\0';
    return (long)len;
}

int cli_read_token_file(const char *path, char *token, size_t size, int strict)
{
    long read = cli_read_secret_file(path, "token", token, size, strict);
    size_t len;

    if (read < 0)
        return EXIT_USAGE;
    len = (size_t)read;
    if (memchr(token, '\0', len) != NULL || hcsms_check_token(token, len) != HCSMS_OK) {
        fprintf(stderr, "hcsms: the token in %s is invalid: %s\n", path,
                hcsms_strerror(HCSMS_ERR_INVALID_TOKEN));
        return EXIT_USAGE;
    }
    return 0;
}

/* The task ids of file, one per line, into f; blank lines and lines
 * starting with '#' skipped. 0 or an exit status, after saying why. */
static int read_ids(FILE *file, const char *path, struct cli_id_file *f)
{
    size_t used = 0;
    unsigned long line_no = 0;
    int c = 0;

    while (c != EOF) {
        size_t start = used, end;
        line_no++;
        while ((c = fgetc(file)) != EOF && c != '\n') {
            if (c == '\0') { /* would cut the id short: "abc\0evil" is not "abc" */
                fprintf(stderr, "hcsms: %s line %lu holds a NUL byte; nothing was sent\n", path,
                        line_no);
                return EXIT_USAGE;
            }
            if (used + 1 >= sizeof(f->arena)) {
                fprintf(stderr, "hcsms: %s: more than %d bytes of task ids\n", path, ID_FILE_BYTES);
                return EXIT_USAGE;
            }
            f->arena[used++] = (char)c;
        }
        end = used;
        if (end > start && f->arena[end - 1] == '\r')
            end--; /* CRLF files */
        f->arena[end] = '\0';
        used = end + 1;
        if (strspn(f->arena + start, " \t") == end - start || f->arena[start] == '#') {
            used = start; /* blank or comment: forget it */
            continue;
        }
        if (f->count == ID_FILE_TASKS) {
            fprintf(stderr, "hcsms: %s: more than %d task ids\n", path, ID_FILE_TASKS);
            return EXIT_USAGE;
        }
        f->lines[f->count] = line_no;
        f->ids[f->count++] = f->arena + start;
    }
    if (ferror(file)) {
        fprintf(stderr, "hcsms: cannot read task id file %s\n", path);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_read_id_file(const char *path, struct cli_id_file *f)
{
    int fd = cli_open_input(path, "task id", 0, 0);
    FILE *file = fd == STDIN_FILENO ? stdin : fd >= 0 ? fdopen(fd, "rb") : NULL;
    int rc;

    f->count = 0;
    if (file == NULL) {
        if (fd >= 0)
            close(fd);
        return EXIT_USAGE;
    }
    rc = read_ids(file, path, f);
    if (file != stdin)
        fclose(file);
    return rc;
}

/* An output file (--out, --session-file) must be a new file or a regular
 * one (not a device, a folder or a link to one): checked before anything is
 * sent, so no token is got for nothing. "-" is standard output. */
int cli_check_output_path(const char *option, const char *path)
{
    struct stat st;

    if (path == NULL || strcmp(path, "-") == 0)
        return 0;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return cli_usage_error("%s %s: not a regular file (a new file or a regular one only)",
                               option, path);
    if (lstat(path, &st) != 0 && errno != ENOENT)
        return cli_usage_error("%s %s: %s", option, path, strerror(errno));
    return 0;
}

/* The len bytes at data to fd, with write(): no copy is left in stdio's
 * buffer. 1 if all was written. */
static int write_all(int fd, const void *data, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(fd, (const char *)data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        done += (size_t)n;
    }
    return 1;
}

int cli_write_private_file(const char *path, const char *what, const void *data, size_t len,
                           const char *trailer)
{
    char temp[4096 + 16];
    int fd, ok;

    if (strcmp(path, "-") == 0) {
        fflush(stdout);
        return write_all(STDOUT_FILENO, data, len) &&
               write_all(STDOUT_FILENO, trailer, strlen(trailer)) ? 0 : EXIT_USAGE;
    }
    if (snprintf(temp, sizeof(temp), "%s.XXXXXX", path) >= (int)sizeof(temp))
        return cli_usage_error("%s file: path too long", what);
    fd = mkstemp(temp); /* O_EXCL, mode 0600 */
    if (fd < 0) {
        fprintf(stderr, "hcsms: cannot create %s: %s\n", temp, strerror(errno));
        return EXIT_USAGE;
    }
    ok = fchmod(fd, S_IRUSR | S_IWUSR) == 0 && write_all(fd, data, len) &&
         write_all(fd, trailer, strlen(trailer)) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(temp, path) != 0) {
        fprintf(stderr, "hcsms: cannot write the %s to %s: %s\n", what, path, strerror(errno));
        unlink(temp);
        return EXIT_USAGE;
    }
    return 0;
}
