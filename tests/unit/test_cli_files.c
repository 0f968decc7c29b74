/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the hcsms command's files room (src/cli/files.c): only
 * regular files (or '-') are opened, without blocking on a FIFO; secrets
 * lose one trailing newline; --from's task ids (blank and comment lines,
 * CRLF, a NUL named by its line); --out's checks and its 0600 file.
 */
#define _GNU_SOURCE 1 /* dup2, mkstemp, mkdtemp, mkfifo, symlink */
/* 64-bit directory offsets on 32-bit targets too: under qemu-arm a host's
 * ext4 hash offsets overflow 32-bit readdir(), which then ends at once. */
#define _FILE_OFFSET_BITS 64
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/cli/cli.h"
#include "cli_capture.h"

/* ---- a scratch folder ---------------------------------------------------- */

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/hcsms-test-cli-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

/* Empty the scratch folder (no subfolders are made) and remove it. */
static int teardown(void **state)
{
    DIR *d = opendir(dir);
    struct dirent *entry;
    char name[512];

    (void)state;
    while (d != NULL && (entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(name, sizeof(name), "%s/%s", dir, entry->d_name);
        unlink(name);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
    return 0;
}

/* dir/name holding len bytes of content, mode 0600; its path in path. */
static const char *make_file(const char *name, const char *content, size_t len)
{
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    close(fd);
    return path;
}

/* ---- opening ------------------------------------------------------------- */

static void test_open_input_refuses(void **state)
{
    const char *text;

    (void)state;
    assert_int_equal(cli_open_input("-", "token", 1, 1), STDIN_FILENO);
    /* a FIFO: refused before it is opened (the open would block) */
    snprintf(path, sizeof(path), "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    capture_begin();
    assert_int_equal(cli_open_input(path, "token", 1, 0), -1);
    text = capture_end();
    assert_non_null(strstr(text, "token file "));
    assert_non_null(strstr(text, "/fifo is not a regular file (a pipe: use '-', standard "
                                 "input)\n"));
    /* a folder, a device */
    capture_begin();
    assert_int_equal(cli_open_input(dir, "task id", 0, 0), -1);
    assert_int_equal(cli_open_input("/dev/null", "password", 1, 0), -1);
    text = capture_end();
    assert_non_null(strstr(text, "hcsms: password file /dev/null is not a regular file"));
    /* missing */
    snprintf(path, sizeof(path), "%s/missing", dir);
    capture_begin();
    assert_int_equal(cli_open_input(path, "token", 1, 0), -1);
    assert_non_null(strstr(capture_end(), "hcsms: cannot open token file "));
}

/* A task id file is not secret: its mode is not checked. */
static void test_open_input_modes(void **state)
{
    int fd;

    (void)state;
    make_file("ids", "a\n", 2);
    assert_int_equal(chmod(path, 0644), 0);
    capture_begin();
    fd = cli_open_input(path, "task id", 0, 1);
    assert_string_equal(capture_end(), "");
    assert_true(fd > STDERR_FILENO);
    close(fd);
    capture_begin();
    assert_int_equal(cli_open_input(path, "password", 1, 1), -1);
    assert_non_null(strstr(capture_end(), "(mode 0644; chmod go= it) (refused: "
                                          "--strict-permissions)\n"));
}

/* ---- secrets ------------------------------------------------------------- */

static void test_read_secret_newlines(void **state)
{
    char buffer[16];

    (void)state;
    make_file("s", "secret\n", 7);
    assert_int_equal(cli_read_secret_file(path, "password", buffer, sizeof(buffer), 1), 6);
    assert_string_equal(buffer, "secret");
    make_file("s", "secret\r\n", 8);
    assert_int_equal(cli_read_secret_file(path, "password", buffer, sizeof(buffer), 1), 6);
    assert_string_equal(buffer, "secret");
    /* one newline only is the file's */
    make_file("s", "secret\n\n", 8);
    assert_int_equal(cli_read_secret_file(path, "password", buffer, sizeof(buffer), 1), 7);
    assert_string_equal(buffer, "secret\n");
    make_file("s", "", 0);
    assert_int_equal(cli_read_secret_file(path, "password", buffer, sizeof(buffer), 1), 0);
    assert_string_equal(buffer, "");
    /* too long: the read stops at size - 1, so the caller can tell */
    make_file("s", "0123456789abcdefghij", 20);
    assert_int_equal(cli_read_secret_file(path, "password", buffer, sizeof(buffer), 1), 15);
    assert_string_equal(buffer, "0123456789abcde");
}

static void test_read_token_file(void **state)
{
    char token[HCSMS_TOKEN_MAX + 3];

    (void)state;
    make_file("t", "MIIT-token\n", 11);
    assert_int_equal(cli_read_token_file(path, token, sizeof(token), 1), 0);
    assert_string_equal(token, "MIIT-token");
    make_file("t", "MII\0T", 5);
    capture_begin();
    assert_int_equal(cli_read_token_file(path, token, sizeof(token), 1), EXIT_USAGE);
    assert_non_null(strstr(capture_end(), "/t is invalid: "));
    make_file("t", "", 0);
    capture_begin();
    assert_int_equal(cli_read_token_file(path, token, sizeof(token), 1), EXIT_USAGE);
    capture_end();
}

/* ---- task ids ------------------------------------------------------------ */

static struct cli_id_file ids;

static void test_read_id_file(void **state)
{
    static const char content[] = "a1\n\n# a comment\n \t \nb-2\r\n#\nc_3";

    (void)state;
    make_file("ids", content, sizeof(content) - 1);
    assert_int_equal(cli_read_id_file(path, &ids), 0);
    assert_int_equal(ids.count, 3);
    assert_string_equal(ids.ids[0], "a1");
    assert_string_equal(ids.ids[1], "b-2");
    assert_string_equal(ids.ids[2], "c_3");
    assert_int_equal(ids.lines[0], 1);
    assert_int_equal(ids.lines[1], 5);
    assert_int_equal(ids.lines[2], 7);
    /* read again: nothing of the first read is kept */
    make_file("ids", "\n# only comments\n", 17);
    assert_int_equal(cli_read_id_file(path, &ids), 0);
    assert_int_equal(ids.count, 0);
}

static void test_read_id_file_nul(void **state)
{
    (void)state;
    make_file("ids", "a\nb\0evil\nc\n", 11);
    capture_begin();
    assert_int_equal(cli_read_id_file(path, &ids), EXIT_USAGE);
    assert_non_null(strstr(capture_end(), "/ids line 2 holds a NUL byte; nothing was sent\n"));
}

/* ---- --out --------------------------------------------------------------- */

static void test_check_out_path(void **state)
{
    char link[160];

    (void)state;
    assert_int_equal(cli_check_output_path("--out", NULL), 0);
    assert_int_equal(cli_check_output_path("--out", "-"), 0);
    snprintf(path, sizeof(path), "%s/new", dir);
    assert_int_equal(cli_check_output_path("--out", path), 0);
    make_file("old", "x", 1);
    assert_int_equal(cli_check_output_path("--out", path), 0);
    capture_begin();
    assert_int_equal(cli_check_output_path("--out", dir), EXIT_USAGE);
    assert_non_null(strstr(capture_end(), ": not a regular file (a new file or a regular one "
                                          "only)\n(see hcsms --help)\n"));
    /* a link, even to a regular file */
    snprintf(link, sizeof(link), "%s/link", dir);
    assert_int_equal(symlink(path, link), 0);
    capture_begin();
    assert_int_equal(cli_check_output_path("--out", link), EXIT_USAGE);
    capture_end();
}

static void test_write_token_file(void **state)
{
    struct stat st;
    char buffer[64];
    ssize_t n;
    int fd, entries = 0;
    DIR *d;

    (void)state;
    make_file("out", "old token\n", 10);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(cli_write_private_file(path, "token", "new-token", strlen("new-token"), "\n"), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600); /* a new file, renamed over the old */
    fd = open(path, O_RDONLY);
    n = read(fd, buffer, sizeof(buffer) - 1);
    close(fd);
    assert_int_equal(n, 10);
    buffer[n] = '\0';
    assert_string_equal(buffer, "new-token\n");
    /* no temporary file left behind */
    d = opendir(dir);
    while (readdir(d) != NULL)
        entries++;
    closedir(d);
    assert_int_equal(entries, 3);
    /* a folder that does not exist */
    snprintf(path, sizeof(path), "%s/none/out", dir);
    capture_begin();
    assert_int_equal(cli_write_private_file(path, "token", "t", strlen("t"), "\n"), EXIT_USAGE);
    assert_non_null(strstr(capture_end(), "hcsms: cannot create "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_input_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_input_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_secret_newlines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_token_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_id_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_id_file_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_out_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_token_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
