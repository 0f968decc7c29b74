/* SPDX-License-Identifier: Apache-2.0 */
/* The tunnel through an HTTP proxy: CONNECT host:port over the connection's
 * plain TCP transport, then TLS to the server inside it, so the proxy
 * relays bytes it cannot read. The proxy's answer is parsed by the same parser as any response;
 * a 2xx ends at its headers, anything else is a refusal we report. */
#include <stdio.h>

#include <mbedtls/platform_util.h>

#include "sms.h"
#include "../auth/auth.h"
#include "../net/net.h"

#if HCSMS_CONFIG_PROXY

static void write_authority(const hcsms_client *client, hcsms_http_writer *writer,
                            const char *port)
{
    if (client->host_is_ipv6)
        hcsms_http_write_string(writer, "[");
    hcsms_http_write_string(writer, client->host);
    if (client->host_is_ipv6)
        hcsms_http_write_string(writer, "]");
    hcsms_http_write_string(writer, port);
}

int hcsms_proxy_tunnel(hcsms_client *client, uint64_t deadline, hcsms_result *result)
{
    /* The connection's transport now: plain TCP to the proxy (TLS starts
     * over it once the tunnel is up). */
    const hcsms_transport *tcp = hcsms_connection_transport(&client->connection);
    hcsms_http_response *response = &client->response;
    hcsms_http_writer writer;
    char port[8];
    int rc, died_early = 0, leftover = 0;

    TRACE(client, HCSMS_TRACE_PROXY,
          client->proxy_username != NULL ? "CONNECT (Proxy-Authorization: Basic, redacted)"
                                         : "CONNECT");
    /* The authority form always carries the port (RFC 9110 9.3.6); it is
     * written in pieces, as the Host header: no buffer for it. */
    snprintf(port, sizeof(port), ":%u", (unsigned)client->port);
    hcsms_http_writer_init(&writer, tcp, client->scratch.io, sizeof(client->scratch.io),
                           deadline);
    hcsms_http_write_string(&writer, "CONNECT ");
    write_authority(client, &writer, port);
    hcsms_http_write_string(&writer, " HTTP/1.1\r\nHost: ");
    write_authority(client, &writer, port);
    hcsms_http_write_string(&writer, "\r\n");
    hcsms_write_user_agent(client, &writer);
    if (client->proxy_username != NULL)
        hcsms_auth_write_basic(&writer, "Proxy-Authorization", client->proxy_username,
                               client->proxy_password);
    hcsms_http_write_string(&writer, "\r\n");
    rc = hcsms_http_writer_flush(&writer);
    mbedtls_platform_zeroize(client->scratch.io, sizeof(client->scratch.io));
    if (rc != HCSMS_OK)
        return rc;

    hcsms_http_response_init(response, NULL, 0);
    hcsms_http_response_expect_tunnel(response);
    rc = hcsms_http_read_response(tcp, client->scratch.io, sizeof(client->scratch.io), response,
                                  deadline, &died_early, &leftover);
    if (rc != HCSMS_OK)
        return rc;
#if HCSMS_CONFIG_TRACE
    if (client->trace != NULL) {
        char text[48];
        snprintf(text, sizeof(text), "answered HTTP/1.%u %d",
                 (unsigned)response->http_minor, response->status);
        TRACE(client, HCSMS_TRACE_PROXY, text);
    }
#endif
    if (response->status / 100 != 2) {
        result->proxy_status = response->status;
        return HCSMS_ERR_PROXY;
    }
    /* The server speaks only after our ClientHello: earlier bytes are not
     * the server's, and TLS must not start on them. */
    return leftover ? HCSMS_ERR_HTTP_UNEXPECTED : HCSMS_OK;
}

#endif /* HCSMS_CONFIG_PROXY */
