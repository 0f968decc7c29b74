/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the lwIP port needs from the application, beyond lwIP itself.
 */
#ifndef HCSMS_PORT_LWIP_H
#define HCSMS_PORT_LWIP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fill out with len bytes from the device's true random number generator
 * (or a DRBG seeded from it and never from a constant). The application MUST
 * define this function: the port has no default, so an image that forgot it
 * does not link rather than running with weak keys.
 *
 * Return 0 only when all len bytes were filled; any other value makes TLS
 * refuse to start (HCSMS_ERR_ENTROPY). Called from the thread that runs the
 * hcsms call, during hcsms_client_init() and when mbedTLS reseeds, with len
 * up to a few dozen bytes. A TRNG that reports a seed or clock error (the
 * STM32 RNG's SECS/CECS bits, for example) must make it fail, not retry
 * forever. */
int hcsms_port_lwip_entropy(unsigned char *out, size_t len);

/* The wall clock, which the application provides (an RTC set by SNTP, for
 * example): seconds since 1970-01-01 UTC into *seconds, returning 0; any
 * other value means the time is not known yet (HCSMS_ERR_CLOCK). Only AK/SK
 * request signing calls it. */
int hcsms_port_lwip_utc_time(int64_t *seconds);

#ifdef __cplusplus
}
#endif

#endif /* HCSMS_PORT_LWIP_H */
