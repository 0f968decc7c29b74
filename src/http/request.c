/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a request through a small buffer. Nothing here knows about HTTP
 * syntax beyond bytes: the sms layer decides what goes on the wire.
 */
#include <string.h>

#include "http.h"
#include "hcsms/error.h"
#include "../net/net.h"

int hcsms_http_send_all(const hcsms_transport *transport,
                        const unsigned char *data, size_t len,
                        uint64_t deadline_ms)
{
    while (len > 0) {
        uint32_t left = hcsms_port_time_left(deadline_ms);
        int n;

        if (left == 0)
            return HCSMS_ERR_TIMEOUT;
        n = transport->send(transport->context, data, len, left);
        if (n < 0)
            return n;
        if ((size_t)n > len)
            return HCSMS_ERR_SEND; /* a port that claims more than it was given */
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

void hcsms_http_writer_init(hcsms_http_writer *writer,
                            const hcsms_transport *transport,
                            unsigned char *buffer, size_t size,
                            uint64_t deadline_ms)
{
    writer->transport = transport;
    writer->buffer = buffer;
    writer->size = size;
    writer->used = 0;
    writer->deadline_ms = deadline_ms;
    writer->bytes_sent = 0;
    writer->error = 0;
}

int hcsms_http_writer_flush(hcsms_http_writer *writer)
{
    if (writer->error == 0 && writer->used > 0) {
        writer->error = hcsms_http_send_all(writer->transport, writer->buffer,
                                            writer->used, writer->deadline_ms);
        if (writer->error == 0)
            writer->bytes_sent += writer->used;
        writer->used = 0;
    }
    return writer->error;
}

/* A piece that does not fit with room to spare, or after an error
 * (hcsms_http_write in http.h copies the others). */
void hcsms_http_write_more(hcsms_http_writer *writer, const void *data, size_t len)
{
    const unsigned char *bytes = data;

    while (len > 0 && writer->error == 0) {
        size_t room = writer->size - writer->used;
        size_t n = len < room ? len : room;

        if (len > room && len >= writer->size) {
            /* A piece larger than the buffer (a long token): send what is
             * buffered, then the piece from where it is, in as few writes
             * (TLS records) as the transport takes, with no copy. */
            if (hcsms_http_writer_flush(writer) != 0)
                return;
            writer->error = hcsms_http_send_all(writer->transport, bytes, len,
                                                writer->deadline_ms);
            if (writer->error == 0)
                writer->bytes_sent += len;
            return;
        }

        memcpy(writer->buffer + writer->used, bytes, n);
        writer->used += n;
        bytes += n;
        len -= n;
        if (writer->used == writer->size)
            hcsms_http_writer_flush(writer);
    }
}

void hcsms_http_write_string(hcsms_http_writer *writer, const char *text)
{
    hcsms_http_write(writer, text, strlen(text));
}
