/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of the POSIX port share among themselves: not part of the
 * port contract (include/hcsms/port.h), not for anything outside port/posix.
 */
#ifndef HCSMS_PORT_POSIX_PRIVATE_H
#define HCSMS_PORT_POSIX_PRIVATE_H

#include <stdint.h>

#include "hcsms/port.h"

struct addrinfo;

/* Resolve host (service: the port number as text) by deadline, in
 * hcsms_port_posix_resolve.c: 0 with *list (free it with freeaddrinfo), or
 * HCSMS_ERR_RESOLVE (EAI_* in os_error), or HCSMS_ERR_TIMEOUT with EAI_AGAIN
 * in os_error when the lookup had not ended. Numeric hosts are only parsed. */
int hcsms_posix_resolve(hcsms_socket *sock, const char *host, const char *service,
                        uint64_t deadline, struct addrinfo **list);

#endif /* HCSMS_PORT_POSIX_PRIVATE_H */
