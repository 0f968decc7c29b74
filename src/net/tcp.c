/* SPDX-License-Identifier: Apache-2.0 */
/* Plain TCP as a transport: the port's socket calls, unchanged. The bottom
 * of every connection (connection.c): a proxy's CONNECT is written over it,
 * and TLS's bio calls it. */
#include "net.h"

int hcsms_tcp_send(void *context, const unsigned char *data, size_t len, uint32_t timeout_ms)
{
    return hcsms_port_send(context, data, len, timeout_ms);
}

int hcsms_tcp_recv(void *context, unsigned char *data, size_t len, uint32_t timeout_ms)
{
    return hcsms_port_recv(context, data, len, timeout_ms);
}
