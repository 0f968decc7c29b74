/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One connection as a stack of transports, lwIP's altcp the model: TCP on a
 * port socket at the bottom; over it, when the layer above asks, its own
 * bytes (an HTTP proxy's CONNECT); then TLS on top of whatever is below.
 * Each layer sees only the transport under it: TLS calls the TCP transport
 * through its bio and never the socket. The connection owns the socket: it
 * opens it, closes it (after TLS's close_notify), and keeps its OS error.
 */
#include <string.h>

#include "net.h"
#include "hcsms/error.h"

void hcsms_connection_init(hcsms_connection *connection, hcsms_tls *tls)
{
    memset(connection, 0, sizeof(*connection));
    connection->socket.fd = -1;
    connection->tls = tls;
    hcsms_connection_close(connection); /* the transport: plain TCP */
}

int hcsms_connection_open(hcsms_connection *connection, const char *host, uint16_t port,
                          uint32_t connect_timeout_ms, uint64_t deadline_ms,
                          char *address_text, size_t address_size)
{
    uint32_t left;

    hcsms_connection_close(connection);
    if (connection->tls != NULL)
        hcsms_tls_new_connection(connection->tls);
    left = hcsms_port_time_left(deadline_ms);
    if (left == 0)
        return HCSMS_ERR_TIMEOUT;
    return hcsms_port_connect(&connection->socket, host, port,
                              connect_timeout_ms < left ? connect_timeout_ms : left,
                              address_text, address_size);
}

int hcsms_connection_start_tls(hcsms_connection *connection, const char *server_name,
                               uint64_t deadline_ms)
{
    int rc;

    if (connection->tls == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;
    rc = hcsms_tls_handshake(connection->tls, &connection->top, server_name, deadline_ms);
    if (rc != HCSMS_OK) {
        hcsms_connection_close(connection);
        return rc;
    }
    connection->tls_on = 1;
    connection->top.send = hcsms_tls_send;
    connection->top.recv = hcsms_tls_recv;
    connection->top.context = connection->tls;
    return HCSMS_OK;
}

int hcsms_connection_idle_ok(hcsms_connection *connection)
{
    unsigned char byte;

    if (connection->tls_on)
        return hcsms_tls_idle_ok(connection->tls);
    /* Plain TCP: nothing there now (0) is idle; a byte nobody asked for
     * means out of step; an error (a closed socket's too) or the peer's
     * close means gone. */
    return connection->top.recv(connection->top.context, &byte, 1, 0) == 0;
}

void hcsms_connection_close(hcsms_connection *connection)
{
    if (connection->tls_on) {
        hcsms_tls_close(connection->tls);
        connection->tls_on = 0;
    }
    connection->top.send = hcsms_tcp_send;
    connection->top.recv = hcsms_tcp_recv;
    connection->top.context = &connection->socket;
    hcsms_port_close(&connection->socket);
}
