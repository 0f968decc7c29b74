/*
 * Reset and vector table for an STM32F4-like Cortex-M4 (see
 * hcsms-firmware.ld): copy .data from flash, zero .bss, call main().
 *
 * Real: the reset sequence, the Cortex-M4 system exception slots, SysTick.
 * STUB: the 82 device interrupt slots all point at one handler that stops
 * the CPU; a real image names the vendor's handlers (and its startup file
 * would also set up clocks, the FPU and the flash wait states before main).
 */
#include <stdint.h>

#include "firmware.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);

static volatile uint32_t ticks_ms;

void Reset_Handler(void)
{
    uint32_t *from = &_sidata, *to = &_sdata;

    while (to < &_edata)
        *to++ = *from++;
    for (to = &_sbss; to < &_ebss; to++)
        *to = 0;
    (void)main();
    for (;;) {
    }
}

void Default_Handler(void)
{
    /* STUB: any fault or unexpected interrupt stops here for the debugger. */
    __asm__ volatile("bkpt #0");
    for (;;) {
    }
}

void SysTick_Handler(void)
{
    ticks_ms++;
}

uint32_t firmware_ticks_ms(void)
{
    return ticks_ms;
}

void firmware_tick_start(uint32_t core_hz)
{
    volatile uint32_t *const syst_csr = (volatile uint32_t *)0xE000E010u;
    volatile uint32_t *const syst_rvr = (volatile uint32_t *)0xE000E014u;
    volatile uint32_t *const syst_cvr = (volatile uint32_t *)0xE000E018u;

    *syst_rvr = core_hz / 1000u - 1u;
    *syst_cvr = 0;
    *syst_csr = 7u; /* processor clock, interrupt, enable */
}

#define DEVICE_IRQS 82 /* STM32F407 */

typedef void (*vector)(void);

/* The initial stack pointer is an address, not a handler; the table is
 * read by the hardware, so the cast is the usual way to place it. */
__attribute__((section(".isr_vector"), used))
const vector vector_table[16 + DEVICE_IRQS] = {
    [0] = (vector)(uintptr_t)&_estack,
    [1] = Reset_Handler,
    [2] = Default_Handler,  /* NMI */
    [3] = Default_Handler,  /* HardFault */
    [4] = Default_Handler,  /* MemManage */
    [5] = Default_Handler,  /* BusFault */
    [6] = Default_Handler,  /* UsageFault */
    [11] = Default_Handler, /* SVCall: the RTOS's */
    [12] = Default_Handler, /* DebugMonitor */
    [14] = Default_Handler, /* PendSV: the RTOS's */
    [15] = SysTick_Handler,
    [16 ... 16 + DEVICE_IRQS - 1] = Default_Handler, /* STUB: device IRQs */
};
