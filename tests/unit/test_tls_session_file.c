/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hcsms_session_save() and hcsms_session_load(): a TLS session carried from
 * one client (one run of a program) to the next, against the in-process
 * peer (tests/unit/tls_peer.c), which keeps its ticket keys while it runs
 * and closes after each answer. The fake port's UTC clock dates the blob.
 * What must hold: a good blob resumes; a blob for another endpoint, a
 * damaged or expired one, or one loaded without a clock is ignored (a full
 * handshake, never a failure); the save reports sizes and refusals exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <mbedtls/ssl.h>
#include <mbedtls/version.h>

#include "hcsms.h"
#include "fake_port.h"
#include "tls_peer.h"

#define TOKEN "MIIZ-test-token-session-file"
#define NOW 1796000000 /* a UTC time in 2026 */

static hcsms_client client;
static hcsms_result result;
static unsigned char blob[20480]; /* room for a ticket of 16 KB records */
static size_t blob_len;
static char last_trace[160];

/* What the load reported to the trace function (nothing without tracing). */
#if HCSMS_CONFIG_TRACE
#define assert_traced(text) assert_string_equal(last_trace, (text))
#else
#define assert_traced(text) assert_string_equal(last_trace, "")
#endif

static const char ok_200[] = "HTTP/1.1 200 OK\r\nX-Request-Id: r\r\nContent-Length: 2\r\n\r\n{}";

static void keep_trace(void *user, hcsms_trace_event event, const char *text)
{
    (void)user;
    if (event == HCSMS_TRACE_SESSION)
        snprintf(last_trace, sizeof(last_trace), "%s", text);
}

/* A new client ("the next run") for endpoint, the peer left running. */
static void new_client(const char *endpoint)
{
    hcsms_client_config config;

    hcsms_client_config_init(&config);
    config.endpoint = endpoint;
    config.ca_data = tls_peer_ca();
    config.ca_data_len = tls_peer_ca_len();
    config.auth_token = TOKEN;
    config.timeout_ms = 5000;
    config.trace = keep_trace;
    assert_int_equal(hcsms_client_init(&client, &config), HCSMS_OK);
}

/* The peer (answers and closes, version only), a client, the clock. */
static void start(int version)
{
    static const struct peer_step steps[] = {
        {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200},
        {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200}, {PEER_RESPOND_CLOSE, ok_200}};

    fake_port_reset();
    fake.utc_seconds = NOW;
    tls_peer_start(steps, sizeof(steps) / sizeof(steps[0]));
    if (!tls_peer_tickets()) {
        print_message("skipped: mbedTLS built without MBEDTLS_SSL_SESSION_TICKETS\n");
        skip();
    }
    assert_true(tls_peer_versions(version, version));
    new_client("https://localhost:8443");
    last_trace[0] = '\0';
}

static int finish(void **state)
{
    (void)state;
    hcsms_client_free(&client);
    tls_peer_stop();
    return 0;
}

static void unlock_ok(const char *task)
{
    assert_int_equal(hcsms_unlock(&client, task, &result), HCSMS_OK);
    assert_int_equal(result.http_status, 200);
}

/* One unlock, its session saved, the client freed: "the first run". */
static void first_run(void)
{
    unlock_ok("t1");
    assert_int_equal(hcsms_session_save(&client, blob, sizeof(blob), &blob_len), HCSMS_OK);
    assert_true(blob_len > 100 && blob_len < sizeof(blob));
    hcsms_client_free(&client);
}

static void resumed_by_the_next_client(int version, const char *history)
{
    start(version);
    first_run();
    new_client("https://localhost:8443");
    assert_int_equal(hcsms_session_load(&client, blob, blob_len), HCSMS_OK);
    assert_traced("saved session taken: offered on the next handshake");
    unlock_ok("t2");
    assert_string_equal(tls_peer_history(), history);
    assert_int_equal(tls_peer_failed_handshakes(), 0);
}

static void tls12_session_resumed_by_the_next_client(void **state)
{
    (void)state;
    tls_peer_need_resumption(0);
    resumed_by_the_next_client(PEER_TLS12, "1.2 1.2r");
}

static void tls13_ticket_resumed_by_the_next_client(void **state)
{
    (void)state;
    tls_peer_need_resumption(1);
    resumed_by_the_next_client(PEER_TLS13, "1.3 1.3r");
}

/* Ignored, with the reason in the trace, and the next handshake full. */
static void ignored(const char *endpoint, const unsigned char *data, size_t len, const char *why)
{
    char want[160];

    new_client(endpoint);
    assert_int_equal(hcsms_session_load(&client, data, len), HCSMS_ERR_NO_SESSION);
    snprintf(want, sizeof(want), "saved session ignored: %s", why);
    assert_traced(want);
    hcsms_client_free(&client);
}

/* A ticket too long for the ClientHello of this build (the server's, or a
 * blob saved by a build with larger records) is ignored: resuming with it
 * would fail before a byte is sent. */
static void too_long_a_ticket_is_ignored(void **state)
{
    (void)state;
    tls_peer_need_resumption(0);
    start(PEER_TLS12);
    tls_peer_ticket_size(MBEDTLS_SSL_OUT_CONTENT_LEN - 64);
    first_run();
    ignored("https://localhost:8443", blob, blob_len,
            "its ticket is too long for this build's ClientHello");
}

static void foreign_damaged_or_expired_blobs_are_ignored(void **state)
{
    unsigned char copy[sizeof(blob)];
    (void)state;
    tls_peer_need_resumption(0);
    start(PEER_TLS12);
    first_run();
    ignored("https://localhost:8444", blob, blob_len, "made for another endpoint or CA set");
    ignored("https://127.0.0.1:8443", blob, blob_len, "made for another endpoint or CA set");
    ignored("https://localhost:8443", blob, blob_len - 1, "damaged (its digest does not match)");
    ignored("https://localhost:8443", blob, 99, "not a session blob");
    memcpy(copy, blob, blob_len);
    copy[blob_len / 2] ^= 0x80;
    ignored("https://localhost:8443", copy, blob_len, "damaged (its digest does not match)");
    /* A day later the trust decision of the full handshake has ended. */
    fake.utc_seconds = NOW + 86400;
    ignored("https://localhost:8443", blob, blob_len, "expired");
    fake.utc_seconds = NOW - 3600;
    ignored("https://localhost:8443", blob, blob_len, "saved in the future (the clock went back)");
    fake.utc_seconds = 0;
    ignored("https://localhost:8443", blob, blob_len, "no trustworthy UTC time to judge its age");
    /* And the client that ignored it still works: a full handshake. */
    fake.utc_seconds = NOW;
    new_client("https://localhost:8443");
    assert_int_equal(hcsms_session_load(&client, copy, blob_len), HCSMS_ERR_NO_SESSION);
    unlock_ok("t2");
    assert_string_equal(tls_peer_history(), "1.2 1.2");
}

/* The monotonic clock failed between the full handshake and the save
 * (port.h: it then says UINT64_MAX): how long ago the certificates were
 * checked is unknown, so the trust decision ends at once and no blob made
 * then is ever offered. */
static void unreadable_clock_ends_the_trust(void **state)
{
    (void)state;
    tls_peer_need_resumption(0);
    start(PEER_TLS12);
    unlock_ok("t1");
    fake.clock_broken = 1;
    assert_int_equal(hcsms_session_save(&client, blob, sizeof(blob), &blob_len), HCSMS_OK);
    fake.clock_broken = 0;
    hcsms_client_free(&client);
    ignored("https://localhost:8443", blob, blob_len, "expired");
}

static void save_reports_sizes_and_refusals(void **state)
{
    size_t len = 1;
    (void)state;
    tls_peer_need_resumption(0);
    start(PEER_TLS12);
    assert_int_equal(hcsms_session_save(&client, blob, sizeof(blob), NULL),
                     HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(hcsms_session_save(NULL, blob, sizeof(blob), &len),
                     HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(len, 0);
    /* Nothing connected yet: nothing to save. */
    assert_int_equal(hcsms_session_save(&client, blob, sizeof(blob), &len), HCSMS_ERR_NO_SESSION);
    unlock_ok("t1");
    /* The size first, then a buffer one byte short, then the blob. */
    assert_int_equal(hcsms_session_save(&client, NULL, 0, &len), HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_true(len > 100);
    blob_len = len;
    assert_int_equal(hcsms_session_save(&client, blob, blob_len - 1, &len),
                     HCSMS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, blob_len);
    assert_int_equal(hcsms_session_save(&client, blob, blob_len, &len), HCSMS_OK);
    assert_int_equal(len, blob_len);
    assert_memory_equal(blob, "HCS1", 4);
    /* No clock, no date for the blob. */
    fake.utc_seconds = 0;
    assert_int_equal(hcsms_session_save(&client, blob, sizeof(blob), &len), HCSMS_ERR_CLOCK);
    assert_int_equal(hcsms_session_load(&client, NULL, 0), HCSMS_ERR_INVALID_ARGUMENT);
    assert_int_equal(hcsms_session_load(NULL, blob, blob_len), HCSMS_ERR_INVALID_ARGUMENT);
}

/* Saved again without being used (a run that never connected), a loaded
 * session keeps its expiry and trust: re-saving never extends them. */
static void an_unused_session_keeps_its_dates(void **state)
{
    unsigned char again[sizeof(blob)];
    size_t len;
    (void)state;
    tls_peer_need_resumption(0);
    start(PEER_TLS12);
    first_run();
    new_client("https://localhost:8443");
    assert_int_equal(hcsms_session_load(&client, blob, blob_len), HCSMS_OK);
    fake.utc_seconds = NOW + 600;
    assert_int_equal(hcsms_session_save(&client, again, sizeof(again), &len), HCSMS_OK);
    assert_int_equal(len, blob_len);
    assert_memory_equal(again + 48, blob + 48, 16); /* expires, trusted until */
    assert_memory_not_equal(again + 40, blob + 40, 8); /* saved at: now */
}

#if !HCSMS_CONFIG_TLS_RESUME
/* Built without resumption: nothing to save, a blob is ignored, and neither
 * is a reason for the unlock to fail. */
static void compiled_out_is_never_a_failure(void **state)
{
    (void)state;
    start(PEER_TLS12);
    blob_len = 1;
    assert_int_equal(hcsms_session_save(&client, blob, sizeof(blob), &blob_len),
                     HCSMS_ERR_NO_SESSION);
    assert_int_equal(blob_len, 0);
    unlock_ok("t1");
    assert_int_equal(hcsms_session_save(&client, blob, sizeof(blob), &blob_len),
                     HCSMS_ERR_NO_SESSION);
    memset(blob, 0xa5, 200);
    assert_int_equal(hcsms_session_load(&client, blob, 200), HCSMS_ERR_NO_SESSION);
    assert_traced("saved session ignored: resumption is not built in (HCSMS_CONFIG_TLS_RESUME 0)");
    unlock_ok("t2");
    assert_string_equal(tls_peer_history(), "1.2 1.2");
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#if !HCSMS_CONFIG_TLS_RESUME
        cmocka_unit_test_teardown(compiled_out_is_never_a_failure, finish),
#endif
        cmocka_unit_test_teardown(tls12_session_resumed_by_the_next_client, finish),
        cmocka_unit_test_teardown(tls13_ticket_resumed_by_the_next_client, finish),
        cmocka_unit_test_teardown(foreign_damaged_or_expired_blobs_are_ignored, finish),
        cmocka_unit_test_teardown(too_long_a_ticket_is_ignored, finish),
        cmocka_unit_test_teardown(unreadable_clock_ends_the_trust, finish),
        cmocka_unit_test_teardown(save_reports_sizes_and_refusals, finish),
        cmocka_unit_test_teardown(an_unused_session_keeps_its_dates, finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
