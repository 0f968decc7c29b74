/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a response off a transport under a deadline. */
#include "http.h"
#include "hcsms/error.h"
#include "../net/net.h"

int hcsms_http_read_response(const hcsms_transport *transport, unsigned char *io,
                             size_t io_size, hcsms_http_response *parser,
                             uint64_t deadline_ms, int *died_early, int *leftover)
{
    *died_early = 0;
    *leftover = 0;
    for (;;) {
        uint32_t left = hcsms_port_time_left(deadline_ms);
        size_t consumed = 0;
        int n, rc;

        if (left == 0)
            return HCSMS_ERR_TIMEOUT;
        n = transport->recv(transport->context, io, io_size, left);
        if (n == 0)
            return HCSMS_ERR_TIMEOUT; /* it waited for all the time there was */
        if (n == HCSMS_ERR_CLOSED) {
            rc = hcsms_http_response_eof(parser);
            if (rc == HCSMS_ERR_CLOSED)
                *died_early = 1;
            return rc;
        }
        if (n < 0)
            return n;
        if ((size_t)n > io_size)
            return HCSMS_ERR_RECV; /* a transport that claims more than it was given */
        rc = hcsms_http_response_feed(parser, io, (size_t)n, &consumed);
        if (rc == HCSMS_HTTP_MORE)
            continue;
        if (rc == 0)
            *leftover = consumed < (size_t)n;
        return rc;
    }
}
