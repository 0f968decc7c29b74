/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arm semihosting (bkpt 0xab on M-profile) as QEMU implements it with
 * -semihosting-config enable=on,target=native: the test board's console,
 * host files, host clock, command line and exit status.
 *
 * TEST BOARD ONLY: a product has none of this (no debugger attached).
 */
#ifndef HCSMS_MPS2_SEMIHOSTING_H
#define HCSMS_MPS2_SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

/* Write len bytes to the host's stdout (fd 1) or stderr (fd 2). */
void semihost_write(int fd, const char *data, size_t len);

/* Read a whole host file into buffer (at most size bytes). Returns the
 * number of bytes read, -1 if it cannot be opened or read, -2 if it holds
 * more than size bytes. */
long semihost_read_file(const char *path, unsigned char *buffer, size_t size);

/* Open a host file for reading ("rb"): a handle, or -1. */
long semihost_open_read(const char *path);
/* Read exactly len bytes from an open handle: 0, or -1. */
int semihost_read(long handle, void *buffer, size_t len);

/* Seconds since 1970-01-01 UTC from the host (SYS_TIME). */
int64_t semihost_time(void);

/* The -append text (SYS_GET_CMDLINE) into buffer, NUL-terminated; 0 or -1. */
int semihost_cmdline(char *buffer, size_t size);

/* Stop QEMU with this exit status (SYS_EXIT_EXTENDED). */
void semihost_exit(int status) __attribute__((noreturn));

#endif
