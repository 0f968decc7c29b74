/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mps2-an386 test board's services: the network interface, idling,
 * the host's entropy and clock, the mbedTLS pool, newlib's system calls,
 * and fault reports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include <mbedtls/build_info.h>
#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform_time.h>
#include <mbedtls/platform_util.h>

#include "lwip/dns.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "hcsms_port_lwip.h"

#include "board.h"
#include "lan9118.h"
#include "semihosting.h"

/* ---- entropy and UTC: from the host, on this TEST BOARD ONLY ------------------
 * A product must take entropy from its TRNG (failing when the TRNG reports an
 * error) and UTC from an RTC set by SNTP or from its network. Reading the
 * host's /dev/urandom and clock through a debugger interface is only sound
 * for an emulator run by a test; the build refuses it unless the test macro
 * is set. */
#ifndef HCSMS_TEST_BOARD_HOST_ENTROPY
#error "board.c takes entropy and UTC from the emulator's host (semihosting): test boards only. Define HCSMS_TEST_BOARD_HOST_ENTROPY for the emulated test board; a product supplies a TRNG and an RTC/SNTP."
#endif

static long host_random = -1;
static int64_t utc_at_boot;
static uint32_t ms_at_utc;

static int host_entropy(unsigned char *out, size_t len)
{
    if (host_random == -1)
        host_random = semihost_open_read("/dev/urandom");
    if (host_random == -1)
        return -1;
    return semihost_read(host_random, out, len) == 0 ? 0 : -1;
}

int hcsms_port_lwip_entropy(unsigned char *out, size_t len)
{
    return host_entropy(out, len);
}

/* PSA's entropy source (MBEDTLS_ENTROPY_HARDWARE_ALT); mbedTLS declares it
 * only in a private header. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    if (host_entropy(output, len) != 0)
        return -1;
    *olen = len;
    return 0;
}

uint32_t board_lwip_rand(void)
{
    uint32_t value = 0;

    if (host_entropy((unsigned char *)&value, sizeof(value)) != 0)
        board_lwip_assert_failed("no entropy for lwIP");
    return value;
}

static int64_t board_utc(void)
{
    if (utc_at_boot == 0) {
        utc_at_boot = semihost_time();
        ms_at_utc = board_ms();
    }
    return utc_at_boot + (int64_t)((board_ms() - ms_at_utc) / 1000u);
}

int hcsms_port_lwip_utc_time(int64_t *seconds)
{
    *seconds = board_utc();
    return *seconds > 0 ? 0 : -1;
}

/* newlib's time() and gettimeofday(), which mbedTLS uses (MBEDTLS_HAVE_TIME). */
int _gettimeofday(struct timeval *tv, void *tz);
int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    tv->tv_sec = (time_t)board_utc();
    tv->tv_usec = 0;
    return 0;
}

/* Declared by newlib only for POSIX builds; this file is C99. */
struct tm *gmtime_r(const time_t *clock, struct tm *result);

struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    time_t t = (time_t)*tt;
    return gmtime_r(&t, tm_buf);
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)board_ms();
}

/* ---- the mbedTLS pool: no C heap ------------------------------------------- */
#ifndef BOARD_MBEDTLS_POOL_BYTES
#define BOARD_MBEDTLS_POOL_BYTES (36 * 1024)
#endif
static unsigned char mbedtls_pool[BOARD_MBEDTLS_POOL_BYTES] __attribute__((aligned(8)));

/* The pool's high-water mark: the allocator takes the first block that fits,
 * from the start of the pool, and calloc() zeroes what it hands out, so the
 * last byte that is no longer paint is as far as mbedTLS ever reached
 * (fragmentation included). Painted after init, which zeroes the pool and
 * writes the first block's header at its start. */
#define POOL_PAINT 0xa5u
#define POOL_HEADER_ROOM 64u

void board_mbedtls_pool_start(void)
{
    mbedtls_memory_buffer_alloc_init(mbedtls_pool, sizeof(mbedtls_pool));
    memset(mbedtls_pool + POOL_HEADER_ROOM, POOL_PAINT, sizeof(mbedtls_pool) - POOL_HEADER_ROOM);
}

void board_mbedtls_pool_peak(size_t *peak, size_t *size)
{
    size_t end = sizeof(mbedtls_pool);

    while (end > POOL_HEADER_ROOM && mbedtls_pool[end - 1] == POOL_PAINT)
        end--;
    *peak = end;
    *size = sizeof(mbedtls_pool);
}

/* ---- network ---------------------------------------------------------------- */
static struct netif ethernet;
static uint64_t idle_ns;

void board_idle(void)
{
    uint64_t start;

    if (lan9118_poll(&ethernet) > 0) {
        os_events++;
        return;
    }
    start = board_ns();
    __asm__ volatile("wfi");
    idle_ns += board_ns() - start;
}

uint64_t board_idle_ns(void)
{
    return idle_ns;
}

int board_network_start(uint32_t address, uint32_t netmask, uint32_t gateway, uint32_t dns)
{
    ip4_addr_t ip, mask, gw;
    int ok;

    tcpip_init(NULL, NULL);
    ip.addr = address;
    mask.addr = netmask;
    gw.addr = gateway;
    LOCK_TCPIP_CORE();
    ok = netif_add(&ethernet, &ip, &mask, &gw, NULL, lan9118_netif_init, tcpip_input) != NULL;
    if (ok) {
        netif_set_default(&ethernet);
        netif_set_up(&ethernet);
        netif_set_link_up(&ethernet);
    }
    if (dns != 0) {
        ip_addr_t server = IPADDR4_INIT(dns);

        dns_setserver(0, &server);
    }
    UNLOCK_TCPIP_CORE();
    return ok ? 0 : -1;
}

/* ---- console, faults, asserts ---------------------------------------------- */
void board_print(int fd, const char *text)
{
    semihost_write(fd, text, strlen(text));
}

void board_format_fault(char *text, size_t size, unsigned exception, uint32_t pc, uint32_t lr,
                        uint32_t cfsr)
{
    snprintf(text, size, "board: fault: exception %u at pc 0x%08lx lr 0x%08lx cfsr 0x%08lx\n",
             exception, (unsigned long)pc, (unsigned long)lr, (unsigned long)cfsr);
}

void board_lwip_assert_failed(const char *message)
{
    board_print(2, "board: lwIP assertion failed: ");
    board_print(2, message);
    board_print(2, "\n");
    semihost_exit(BOARD_EXIT_FAULT);
}

/* ---- newlib's system calls ---------------------------------------------------
 * No C heap on this board: _sbrk always fails, and the count of attempts is
 * reported (it stays 0: neither hcsms nor mbedTLS nor lwIP use malloc). */
unsigned board_sbrk_calls;

void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
    (void)increment;
    board_sbrk_calls++;
    errno = ENOMEM;
    return (void *)-1;
}

int _write(int fd, const char *data, int len);
int _write(int fd, const char *data, int len)
{
    semihost_write(fd, data, (size_t)len);
    return len;
}

int _read(int fd, char *data, int len);
int _read(int fd, char *data, int len)
{
    (void)fd;
    (void)data;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int _close(int fd);
int _close(int fd)
{
    (void)fd;
    errno = ENOSYS;
    return -1;
}

int _lseek(int fd, int offset, int whence);
int _lseek(int fd, int offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    errno = ENOSYS;
    return -1;
}

int _isatty(int fd);
int _isatty(int fd)
{
    (void)fd;
    return 0;
}

int _fstat(int fd, struct stat *st);
int _fstat(int fd, struct stat *st)
{
    (void)fd;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFCHR;
    return 0;
}

void _exit(int status);
void _exit(int status)
{
    semihost_exit(status);
}

int _kill(int pid, int sig);
int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void);
int _getpid(void)
{
    return 1;
}
