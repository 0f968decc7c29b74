/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Services of the mps2-an386 test board shared by its files.
 */
#ifndef HCSMS_MPS2_BOARD_H
#define HCSMS_MPS2_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Exit status of a crash (fault, failed assertion): none the CLI uses. */
#define BOARD_EXIT_FAULT 70

/* Milliseconds since board_tick_start() (SysTick, 1 kHz); wraps at 2^32. */
uint32_t board_ms(void);
/* Nanoseconds of the board's clock, at SysTick's resolution (40 ns). Under
 * QEMU's -icount shift=0 one instruction is one nanosecond. */
uint64_t board_ns(void);
void board_tick_start(void);

/* Stacks are painted; what is still paint was never used. */
void board_paint_stack(uint32_t *bottom, size_t words);
size_t board_stack_unused(const uint32_t *bottom, const uint32_t *top);
size_t board_main_stack_size(void);
size_t board_main_stack_used(void);

void board_format_fault(char *text, size_t size, unsigned exception, uint32_t pc, uint32_t lr,
                        uint32_t cfsr);

/* Nothing runnable: take frames from the Ethernet controller, and if none
 * came, sleep until the next interrupt (SysTick, 1 ms). */
void board_idle(void);
/* Nanoseconds spent asleep in board_idle() so far. */
uint64_t board_idle_ns(void);

/* Bring up lwIP (tcpip thread) and the LAN9118 interface with the given
 * IPv4 address, netmask and gateway, and DNS server unless dns is 0 (network
 * byte order). 0 or -1. */
int board_network_start(uint32_t address, uint32_t netmask, uint32_t gateway, uint32_t dns);

/* mbedTLS's static pool: hand it to mbedTLS (before any TLS work), and read
 * how far into it mbedTLS ever reached. */
void board_mbedtls_pool_start(void);
void board_mbedtls_pool_peak(size_t *peak, size_t *size);
/* Calls of newlib's _sbrk (the C heap, which this board does not have). */
extern unsigned board_sbrk_calls;

/* Console output (semihosting). */
void board_print(int fd, const char *text);

/* Cooperative threads (os.c). */
void os_yield(void);
/* Bumped by every event that may make a waiting thread runnable. */
extern volatile uint32_t os_events;
/* Stack use of the threads os.c created, for the report. */
size_t os_thread_stack_size(void);
size_t os_thread_stack_used(void);

#endif
