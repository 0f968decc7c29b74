/* Plain TCP as a transport: the port's socket calls, unchanged. Used under
 * TLS by nothing (TLS calls the port itself); it exists for the layers above
 * that need a byte stream without TLS (an HTTP proxy's CONNECT, tests). */
#include "net.h"

int hcsms_tcp_send(void *context, const unsigned char *data, size_t len, uint32_t timeout_ms)
{
    return hcsms_port_send(context, data, len, timeout_ms);
}

int hcsms_tcp_recv(void *context, unsigned char *data, size_t len, uint32_t timeout_ms)
{
    return hcsms_port_recv(context, data, len, timeout_ms);
}
