/*
 * The few system calls newlib-nano needs in this image.
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
