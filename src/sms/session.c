/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A TLS session saved by one run and resumed by the next (hcsms.h:
 * hcsms_session_save/load): the client's endpoint and the port's wall clock
 * around the TLS layer's blob (src/net/tls_session_blob.c).
 */
#include <stdio.h>

#include "sms.h"
#include "../net/net.h"

static int64_t utc_now(void)
{
    int64_t now = 0;

    return hcsms_port_utc_seconds(&now) == 0 ? now : 0;
}

int hcsms_session_save(hcsms_client *client, unsigned char *buf, size_t size, size_t *len)
{
    int64_t now;

    if (len == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;
    *len = 0;
    if (client == NULL || !client->initialised)
        return HCSMS_ERR_INVALID_ARGUMENT;
    if ((now = utc_now()) <= 0)
        return HCSMS_ERR_CLOCK;
    return hcsms_tls_session_export(&client->tls, client->host, client->port, now, buf, size,
                                    len);
}

int hcsms_session_load(hcsms_client *client, const unsigned char *blob, size_t len)
{
    const char *why;

    if (client == NULL || !client->initialised || blob == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;
    why = hcsms_tls_session_import(&client->tls, client->host, client->port, utc_now(), blob,
                                   len);
    if (why != NULL) {
#if HCSMS_CONFIG_TRACE
        if (TRACING(client)) {
            char text[96];

            snprintf(text, sizeof(text), "saved session ignored: %s", why);
            TRACE(client, HCSMS_TRACE_SESSION, text);
        }
#endif
        return HCSMS_ERR_NO_SESSION;
    }
    TRACE(client, HCSMS_TRACE_SESSION, "saved session taken: offered on the next handshake");
    return HCSMS_OK;
}
