/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the test_exchange_*.c files share: a socket on the scripted fake
 * port under the plain TCP transport, a 128-byte I/O buffer, a 16 KB token
 * and a small complete response. Header only: each file gets its own copy.
 */
#ifndef HCSMS_TEST_EXCHANGE_FIXTURE_H
#define HCSMS_TEST_EXCHANGE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../src/auth/auth.h"
#include "../../src/http/http.h"
#include "../../src/net/net.h"
#include "hcsms/error.h"
#include "fake_port.h"
#include "tls_peer.h"

/* Not every file uses every part. */
#define FIXTURE static __attribute__((unused))

FIXTURE hcsms_socket sock;
FIXTURE hcsms_transport tcp;
FIXTURE unsigned char io[128];
FIXTURE char token[16384 + 1];

FIXTURE int setup(void **state)
{
    size_t i;
    (void)state;
    fake_port_reset();
    sock.fd = 3;
    sock.os_error = 0;
    tcp.send = hcsms_tcp_send;
    tcp.recv = hcsms_tcp_recv;
    tcp.context = &sock;
    for (i = 0; i < sizeof(token) - 1; i++)
        token[i] = (char)('!' + i % 94);
    token[sizeof(token) - 1] = '\0';
    return 0;
}

FIXTURE const char ok_response[] =
    "HTTP/1.1 200 OK\r\nX-Request-Id: q1\r\nContent-Length: 2\r\n\r\n{}";

#endif /* HCSMS_TEST_EXCHANGE_FIXTURE_H */
