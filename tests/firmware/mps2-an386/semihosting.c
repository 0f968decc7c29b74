/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arm semihosting calls used by the mps2-an386 test board (see
 * semihosting.h). Operation numbers and argument blocks are those of Arm's
 * "Semihosting for AArch32 and AArch64" specification.
 */
#include "semihosting.h"

#include <string.h>

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_FLEN = 0x0c,
    SYS_TIME = 0x11,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20
};

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define OPEN_MODE_READ_BINARY 1u  /* "rb" */
#define OPEN_MODE_WRITE 4u        /* "w": ":tt" opened so is stdout */
#define OPEN_MODE_APPEND 8u       /* "a": ":tt" opened so is stderr */

static uintptr_t semihost_call(uintptr_t operation, const void *argument)
{
    register uintptr_t r0 __asm__("r0") = operation;
    register uintptr_t r1 __asm__("r1") = (uintptr_t)argument;

    __asm__ volatile("bkpt #0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static long semihost_open(const char *path, uintptr_t mode)
{
    uintptr_t block[3] = {(uintptr_t)path, mode, strlen(path)};
    return (long)semihost_call(SYS_OPEN, block);
}

static void semihost_close(long handle)
{
    uintptr_t block[1] = {(uintptr_t)handle};
    (void)semihost_call(SYS_CLOSE, block);
}

long semihost_open_read(const char *path)
{
    return semihost_open(path, OPEN_MODE_READ_BINARY);
}

int semihost_read(long handle, void *buffer, size_t len)
{
    uintptr_t block[3] = {(uintptr_t)handle, (uintptr_t)buffer, len};

    /* SYS_READ returns the number of bytes NOT read. */
    return semihost_call(SYS_READ, block) == 0 ? 0 : -1;
}

void semihost_write(int fd, const char *data, size_t len)
{
    static long handles[3] = {-1, -1, -1};
    uintptr_t block[3];

    if (fd < 1 || fd > 2 || len == 0)
        return;
    if (handles[fd] == -1)
        handles[fd] = semihost_open(":tt", fd == 1 ? OPEN_MODE_WRITE : OPEN_MODE_APPEND);
    if (handles[fd] == -1)
        return;
    block[0] = (uintptr_t)handles[fd];
    block[1] = (uintptr_t)data;
    block[2] = len;
    (void)semihost_call(SYS_WRITE, block);
}

long semihost_read_file(const char *path, unsigned char *buffer, size_t size)
{
    uintptr_t block[3];
    long handle, length;

    handle = semihost_open(path, OPEN_MODE_READ_BINARY);
    if (handle == -1)
        return -1;
    block[0] = (uintptr_t)handle;
    length = (long)semihost_call(SYS_FLEN, block);
    if (length < 0) {
        semihost_close(handle);
        return -1;
    }
    if ((size_t)length > size) {
        semihost_close(handle);
        return -2;
    }
    block[0] = (uintptr_t)handle;
    block[1] = (uintptr_t)buffer;
    block[2] = (uintptr_t)length;
    /* SYS_READ returns the number of bytes NOT read. */
    if (length > 0 && semihost_call(SYS_READ, block) != 0) {
        semihost_close(handle);
        return -1;
    }
    semihost_close(handle);
    return length;
}

int64_t semihost_time(void)
{
    return (int64_t)(uint32_t)semihost_call(SYS_TIME, NULL);
}

int semihost_cmdline(char *buffer, size_t size)
{
    uintptr_t block[2] = {(uintptr_t)buffer, size};

    if (size == 0 || semihost_call(SYS_GET_CMDLINE, block) != 0)
        return -1;
    buffer[size - 1] = '\0';
    return 0;
}

void semihost_exit(int status)
{
    uintptr_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)status};

    for (;;)
        (void)semihost_call(SYS_EXIT_EXTENDED, block);
}
