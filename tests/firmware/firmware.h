/* Board services shared by the firmware test's files. */
#ifndef HCSMS_FIRMWARE_H
#define HCSMS_FIRMWARE_H

#include <stdint.h>

/* Milliseconds since firmware_tick_start(), from SysTick; wraps at 2^32. */
uint32_t firmware_ticks_ms(void);

/* Start SysTick at 1 kHz for a core clocked at core_hz. */
void firmware_tick_start(uint32_t core_hz);

/* Bring up lwIP and the (stub) Ethernet interface (netif_stub.c). */
void firmware_network_start(void);

#endif /* HCSMS_FIRMWARE_H */
