/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fake_port.h"
#include "hcsms/error.h"

struct fake_port fake;

void fake_port_reset(void)
{
    memset(&fake, 0, sizeof(fake));
    fake.now_ms = 1000000;
}

void fake_port_recv_data(const void *data, size_t len)
{
    if (fake.events < sizeof(fake.script) / sizeof(fake.script[0])) {
        fake.script[fake.events].kind = FAKE_DATA;
        fake.script[fake.events].data = data;
        fake.script[fake.events].len = len;
        fake.events++;
    }
}

void fake_port_recv_text(const char *text)
{
    fake_port_recv_data(text, strlen(text));
}

void fake_port_recv_event(enum fake_event kind)
{
    if (fake.events < sizeof(fake.script) / sizeof(fake.script[0]))
        fake.script[fake.events++].kind = kind;
}

int hcsms_port_connect(hcsms_socket *sock, const char *host, uint16_t port,
                       uint32_t timeout_ms, char *address_text, size_t address_size)
{
    (void)timeout_ms;
    fake.connects++;
    snprintf(fake.connect_host, sizeof(fake.connect_host), "%s", host);
    fake.connect_port = port;
    if (address_text != NULL && address_size > 0)
        address_text[0] = '\0';
    if (fake.connect_result != 0) {
        sock->fd = -1;
        return fake.connect_result;
    }
    sock->fd = 3;
    if (fake.peer_reset != NULL)
        fake.peer_reset();
    return 0;
}

int hcsms_port_send(hcsms_socket *sock, const unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    fake.send_calls++;
    if (sock->fd < 0)
        return HCSMS_ERR_SEND;
    if (fake.send_timeouts > 0) {
        fake.send_timeouts--;
        fake.now_ms += timeout_ms;
        return 0;
    }
    if (fake.send_fail_after > 0 && fake.sent_len >= fake.send_fail_after) {
        sock->os_error = EPIPE;
        return fake.send_fail_code ? fake.send_fail_code : HCSMS_ERR_SEND;
    }
    if (fake.send_slice > 0 && len > fake.send_slice)
        len = fake.send_slice;
    if (fake.send_fail_after > 0 && fake.sent_len + len > fake.send_fail_after)
        len = fake.send_fail_after - fake.sent_len;
    if (len > FAKE_SENT_MAX - fake.sent_len)
        len = FAKE_SENT_MAX - fake.sent_len;
    memcpy(fake.sent + fake.sent_len, data, len);
    fake.sent_len += len;
    if (fake.peer_take != NULL)
        fake.peer_take(data, len);
    return (int)len;
}

int hcsms_port_recv(hcsms_socket *sock, unsigned char *data, size_t len,
                    uint32_t timeout_ms)
{
    fake.recv_calls++;
    if (sock->fd < 0)
        return HCSMS_ERR_RECV;
    if (fake.peer_pump != NULL) {
        size_t n;
        fake.peer_pump();
        n = fake.peer_out_len - fake.peer_out_pos;
        if (n > 0) {
            if (n > len)
                n = len;
            if (fake.recv_slice > 0 && n > fake.recv_slice)
                n = fake.recv_slice;
            memcpy(data, fake.peer_out + fake.peer_out_pos, n);
            fake.peer_out_pos += n;
            return (int)n;
        }
        if (fake.peer_closed)
            return HCSMS_ERR_CLOSED;
        fake.now_ms += timeout_ms; /* the peer says nothing for as long as asked */
        return 0;
    }
    while (fake.next < fake.events) {
        __typeof__(fake.script[0]) *e = &fake.script[fake.next];
        size_t n;

        switch (e->kind) {
        case FAKE_TIMEOUT:
            fake.next++;
            fake.now_ms += timeout_ms;
            return 0;
        case FAKE_CLOSE:
            return HCSMS_ERR_CLOSED; /* stays closed */
        case FAKE_RESET:
            sock->os_error = ECONNRESET;
            return HCSMS_ERR_RECV;
        case FAKE_DATA:
            n = e->len - e->offset;
            if (n == 0) {
                fake.next++;
                continue;
            }
            if (n > len)
                n = len;
            if (fake.recv_slice > 0 && n > fake.recv_slice)
                n = fake.recv_slice;
            memcpy(data, e->data + e->offset, n);
            e->offset += n;
            if (e->offset == e->len)
                fake.next++;
            return (int)n;
        }
    }
    /* Script exhausted: the peer says nothing, for as long as asked. */
    fake.now_ms += timeout_ms;
    return 0;
}

void hcsms_port_close(hcsms_socket *sock)
{
    sock->fd = -1;
}

uint64_t hcsms_port_now_ms(void)
{
    if (fake.clock_broken)
        return UINT64_MAX;
    return fake.now_ms;
}

void hcsms_port_sleep_ms(uint32_t ms)
{
    fake.now_ms += ms;
    fake.slept_ms += ms;
    if (fake.utc_seconds != 0)
        fake.utc_seconds += ms / 1000;
}

int hcsms_port_utc_seconds(int64_t *seconds)
{
    if (fake.utc_seconds == 0)
        return HCSMS_ERR_CLOCK;
    *seconds = fake.utc_seconds;
    return 0;
}

int hcsms_port_entropy(unsigned char *out, size_t len)
{
    size_t i;

    if (fake.entropy_fails)
        return HCSMS_ERR_ENTROPY;
    for (i = 0; i < len; i++)
        out[i] = (unsigned char)(i * 131u + 7u); /* tests need no real randomness */
    return 0;
}
