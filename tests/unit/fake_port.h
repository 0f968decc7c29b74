/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scripted port for unit tests: recv plays back a script of events (data
 * in slices, timeouts, close, reset), send records bytes with partial writes,
 * timeouts and failures on demand, and the clock is fake: a timeout moves it
 * forward by the time the caller was willing to wait, so deadline tests run
 * instantly and can never hang.
 */
#ifndef FAKE_PORT_H
#define FAKE_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms/port.h"

enum fake_event { FAKE_DATA, FAKE_TIMEOUT, FAKE_CLOSE, FAKE_RESET };

#define FAKE_SENT_MAX (64 * 1024)

struct fake_port {
    /* recv script */
    struct {
        enum fake_event kind;
        const unsigned char *data;
        size_t len;
        size_t offset;
    } script[64];
    size_t events, next;
    size_t recv_slice;          /* most bytes one recv returns (0: no limit) */
    unsigned recv_calls;
    /* send behaviour */
    unsigned char sent[FAKE_SENT_MAX];
    size_t sent_len;
    size_t send_slice;          /* most bytes one send takes (0: no limit) */
    unsigned send_timeouts;     /* the next N sends time out */
    size_t send_fail_after;     /* fail once this many bytes were sent (0: never) */
    int send_fail_code;
    unsigned send_calls;
    /* An in-process peer (tests/unit/tls_peer.c): when set, sent bytes are
     * handed to it, it runs before each recv, and recv serves what it wrote
     * into peer_out instead of the script. */
    void (*peer_take)(const unsigned char *data, size_t len);
    void (*peer_pump)(void);
    void (*peer_reset)(void);
    unsigned char peer_out[FAKE_SENT_MAX];
    size_t peer_out_len, peer_out_pos;
    int peer_closed;
    /* connect, clock, entropy */
    int connect_result;
    unsigned connects;
    char connect_host[256];     /* where the last connect went */
    uint16_t connect_port;
    uint64_t now_ms;
    int clock_broken;           /* hcsms_port_now_ms() gives UINT64_MAX (port.h) */
    int64_t utc_seconds;        /* 0: no clock (HCSMS_ERR_CLOCK) */
    uint64_t slept_ms;          /* total of hcsms_port_sleep_ms() */
    int entropy_fails;
};

extern struct fake_port fake;

void fake_port_reset(void);
void fake_port_recv_data(const void *data, size_t len);
void fake_port_recv_text(const char *text);
void fake_port_recv_event(enum fake_event kind);

#endif /* FAKE_PORT_H */
