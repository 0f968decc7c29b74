/*
 * The few system calls newlib-nano needs in this image.
 *
 * stdio comes in only because mbedTLS's default configuration keeps
 * MBEDTLS_DEBUG_C, whose sanity check in mbedtls_ssl_config_defaults() calls
 * printf; the file calls below are LINK-ONLY STUBS for it (no console).
 *
 * _sbrk is real: malloc (used by mbedTLS for its record buffers and parsed
 * certificates) grows into the heap region the linker script reserves, and
 * fails cleanly with ENOMEM when it is used up. An RTOS build would rather
 * route malloc to the kernel's heap, or give mbedTLS a static pool with
 * MBEDTLS_MEMORY_BUFFER_ALLOC_C.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

extern char _heap_start, _heap_end;

void *_sbrk(ptrdiff_t increment);
int _gettimeofday(struct timeval *tv, void *tz);
int _write(int fd, const char *data, int len);
int _read(int fd, char *data, int len);
int _close(int fd);
int _lseek(int fd, int offset, int whence);
int _isatty(int fd);
struct stat;
int _fstat(int fd, struct stat *st);

void *_sbrk(ptrdiff_t increment)
{
    static char *brk = &_heap_start;
    char *previous = brk;

    if (increment > &_heap_end - brk || increment < &_heap_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += increment;
    return previous;
}

int _gettimeofday(struct timeval *tv, void *tz)
{
    /* LINK-ONLY STUB: no wall clock (mbedTLS's time(), for session ages).
     * A device with an RTC or SNTP answers here. */
    (void)tv;
    (void)tz;
    errno = ENOSYS;
    return -1;
}

/* LINK-ONLY STUBS: no files and no console on this device. A board with a
 * debug UART would write it in _write. */
int _write(int fd, const char *data, int len)
{
    (void)fd;
    (void)data;
    return len; /* dropped */
}

int _read(int fd, char *data, int len)
{
    (void)fd;
    (void)data;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int _close(int fd)
{
    (void)fd;
    errno = ENOSYS;
    return -1;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    errno = ENOSYS;
    return -1;
}

int _isatty(int fd)
{
    (void)fd;
    return 0;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    (void)st;
    errno = ENOSYS;
    return -1;
}
