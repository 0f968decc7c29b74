/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mps2-an386 reset, vector table, SysTick and fault reporting.
 *
 * The CPU starts with VTOR 0, where QEMU loaded the image: the first two
 * words are the initial stack pointer and Reset_Handler. SysTick runs from
 * the 25 MHz CPU clock (QEMU's SYSCLK_FRQ for this board) at 1 kHz.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "semihosting.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack, _estack;

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);

#define CORE_HZ 25000000u
#define STACK_PAINT 0xdeadbeefu

static volatile uint32_t ticks_ms;

void Reset_Handler(void)
{
    uint32_t *from = &_sidata, *to = &_sdata;
    uint32_t *sp;

    while (to < &_edata)
        *to++ = *from++;
    for (to = &_sbss; to < &_ebss; to++)
        *to = 0;
    /* Paint the main stack below the current frame, for its high-water mark. */
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (to = &_sstack; to < sp - 16; to++)
        *to = STACK_PAINT;
    semihost_exit(main());
}

size_t board_stack_unused(const uint32_t *bottom, const uint32_t *top)
{
    const uint32_t *p = bottom;

    while (p < top && *p == STACK_PAINT)
        p++;
    return (size_t)(p - bottom) * sizeof(*p);
}

size_t board_main_stack_size(void)
{
    return (size_t)((char *)&_estack - (char *)&_sstack);
}

size_t board_main_stack_used(void)
{
    return board_main_stack_size() - board_stack_unused(&_sstack, &_estack);
}

void board_paint_stack(uint32_t *bottom, size_t words)
{
    while (words-- > 0)
        *bottom++ = STACK_PAINT;
}

/* Any fault or unexpected interrupt: say where, and stop QEMU with a status
 * no CLI run uses, so a test sees a crash as a crash. */
void Fault_Handler(void)
{
    uint32_t ipsr, *frame, cfsr = *(volatile uint32_t *)0xE000ED28u;
    char text[96];

    __asm__ volatile("mrs %0, ipsr\n\tmrs %1, msp" : "=r"(ipsr), "=r"(frame));
    board_format_fault(text, sizeof(text), ipsr & 0x1ffu, frame[6], frame[5], cfsr);
    semihost_write(2, text, strlen(text));
    semihost_exit(BOARD_EXIT_FAULT);
}

void SysTick_Handler(void)
{
    ticks_ms++;
}

uint32_t board_ms(void)
{
    return ticks_ms;
}

uint64_t board_ns(void)
{
    volatile uint32_t *const syst_cvr = (volatile uint32_t *)0xE000E018u;
    volatile uint32_t *const icsr = (volatile uint32_t *)0xE000ED04u;
    uint32_t ms, left;

    /* ms and the down-counter must belong together: read ms around it; a
     * wrap whose interrupt is still pending counts as the next ms. */
    do {
        ms = ticks_ms;
        left = *syst_cvr;
    } while (ms != ticks_ms);
    if ((*icsr & (1u << 26)) != 0 && left > CORE_HZ / 2000u)
        ms++;
    return (uint64_t)ms * 1000000u + (uint64_t)(CORE_HZ / 1000u - 1u - left) * 40u;
}

void board_tick_start(void)
{
    volatile uint32_t *const syst_csr = (volatile uint32_t *)0xE000E010u;
    volatile uint32_t *const syst_rvr = (volatile uint32_t *)0xE000E014u;
    volatile uint32_t *const syst_cvr = (volatile uint32_t *)0xE000E018u;

    *syst_rvr = CORE_HZ / 1000u - 1u;
    *syst_cvr = 0;
    *syst_csr = 7u; /* processor clock, interrupt, enable */
}

#define DEVICE_IRQS 48

typedef void (*vector)(void);

__attribute__((section(".isr_vector"), used))
const vector vector_table[16 + DEVICE_IRQS] = {
    [0] = (vector)(uintptr_t)&_estack,
    [1] = Reset_Handler,
    [2 ... 14] = Fault_Handler,
    [15] = SysTick_Handler,
    [16 ... 16 + DEVICE_IRQS - 1] = Fault_Handler, /* none is enabled */
};
