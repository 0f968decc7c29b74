/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A TLS session that outlives the process: the session kept for resumption
 * (tls_session.c), written into a caller-owned blob and read back by the
 * next run, so that an agent started from cron or a device that rebooted
 * resumes instead of paying a full handshake. Part of the TLS object.
 *
 * The blob (all numbers big-endian):
 *
 *   0  magic "HCS1", then 4 zero bytes (reserved)
 *   8  binding: SHA-256 of the endpoint (host, port) and of every CA
 *      certificate the session was verified with (their DER, in order)
 *  40  saved at, UTC seconds
 *  48  expires at, UTC seconds: the ticket's lifetime, or "trusted until"
 *      if that comes first
 *  56  trusted until, UTC seconds: HCSMS_TLS_SESSION_MAX_AGE_S after the
 *      full handshake whose certificate check the session carries, or the
 *      earliest notAfter of the chain it checked, whichever comes first
 *  64  length n of the session, then mbedtls_ssl_session_save()'s n bytes
 *  68+n SHA-256 of everything before it
 *
 * A blob is offered only when every check passes; otherwise it is ignored
 * and the handshake is a full one. The digest catches a damaged file (it is
 * not a MAC: the blob holds the master secret in clear and must be kept as
 * secret as a token). The binding keeps a session from being offered to
 * another endpoint, and from surviving a change of the trust anchors.
 *
 * A resumed handshake presents no certificate: the session stands for the
 * check made by the full handshake that created it, and a resumption gets
 * a new ticket. "Trusted until" is carried over from ticket to ticket, so
 * that chain of resumptions never outlives that check's chain or a day
 * after it (HCSMS_TLS_SESSION_MAX_AGE_S); then a full handshake checks the
 * certificate the server has now. A server that changed its certificate
 * and its ticket keys (a restart, a new machine) refuses the ticket and
 * shows the new certificate at once.
 */
#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>

#include "tls_internal.h"
#include "hcsms/error.h"

#ifndef MBEDTLS_PRIVATE /* 2.28: the fields are public */
#define MBEDTLS_PRIVATE(field) field
#endif

#if HCSMS_TLS_RESUME

#define BLOB_SESSION 68
#define BLOB_OVERHEAD (BLOB_SESSION + 32)

/* mbedTLS 2.28 names the returning SHA-256 calls *_ret. */
#if MBEDTLS_VERSION_NUMBER < 0x03000000
#define mbedtls_sha256 mbedtls_sha256_ret
#define mbedtls_sha256_starts mbedtls_sha256_starts_ret
#define mbedtls_sha256_update mbedtls_sha256_update_ret
#define mbedtls_sha256_finish mbedtls_sha256_finish_ret
#endif

static void put_be(unsigned char *p, uint64_t value, int bytes)
{
    while (bytes-- > 0) {
        p[bytes] = (unsigned char)value;
        value >>= 8;
    }
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t value = 0;

    while (bytes-- > 0)
        value = value << 8 | *p++;
    return value;
}

/* What the session is bound to: host, port and the CA certificates. */
static int binding(const hcsms_tls *tls, const char *host, uint16_t port, unsigned char out[32])
{
    static const unsigned char label[] = "hcsms TLS session binding";
    unsigned char number[4];
    const mbedtls_x509_crt *ca;
    mbedtls_sha256_context sha;
    int ret;

    mbedtls_sha256_init(&sha);
    ret = mbedtls_sha256_starts(&sha, 0);
    if (ret == 0)
        ret = mbedtls_sha256_update(&sha, label, sizeof(label));
    if (ret == 0)
        ret = mbedtls_sha256_update(&sha, (const unsigned char *)host, strlen(host) + 1);
    put_be(number, port, 2);
    if (ret == 0)
        ret = mbedtls_sha256_update(&sha, number, 2);
    for (ca = &tls->ca; ret == 0 && ca != NULL && ca->raw.len > 0; ca = ca->next) {
        put_be(number, ca->raw.len, 4);
        ret = mbedtls_sha256_update(&sha, number, 4);
        if (ret == 0)
            ret = mbedtls_sha256_update(&sha, ca->raw.p, ca->raw.len);
    }
    if (ret == 0)
        ret = mbedtls_sha256_finish(&sha, out);
    mbedtls_sha256_free(&sha);
    return ret;
}

/* When the kept session's trust decision ends (see the top). */
static int64_t trusted_until(const hcsms_tls *tls, int64_t now)
{
    uint64_t ago_ms;
    int64_t until;

    if (tls->trust_until != 0)
        return tls->trust_until;
    ago_ms = hcsms_port_now_ms() - tls->checked_at_ms; /* huge if the clock fails now: ended */
    until = now - (int64_t)(ago_ms / 1000u) + HCSMS_TLS_SESSION_MAX_AGE_S;
    return tls->not_after < until ? tls->not_after : until;
}

/* When the kept session stops being offered: the ticket's lifetime from
 * when it came (0, or none, stands for the longest allowed), at most until
 * trust ends. A loaded session saved again unused keeps its expiry. */
static int64_t expiry(const hcsms_tls *tls, int64_t now, int64_t trust)
{
    const mbedtls_ssl_session *session = &tls->session;
    int64_t until = now + HCSMS_TLS_SESSION_MAX_AGE_S;

    if (tls->expires != 0)
        return tls->expires < trust ? tls->expires : trust;

#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    uint32_t lifetime = session->MBEDTLS_PRIVATE(ticket_lifetime);

    if (lifetime > 0 && lifetime < HCSMS_TLS_SESSION_MAX_AGE_S)
        until = now + lifetime;
#else
    (void)session;
#endif
    return trust < until ? trust : until;
}

int hcsms_tls_session_export(hcsms_tls *tls, const char *host, uint16_t port, int64_t now_utc,
                             unsigned char *buf, size_t size, size_t *len)
{
    size_t n = 0;
    int64_t trust;
    int ret;

    *len = 0;
    if (!tls->have_session)
        return HCSMS_ERR_NO_SESSION;
    ret = mbedtls_ssl_session_save(&tls->session, NULL, 0, &n);
    if (ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL || n > UINT32_MAX - BLOB_OVERHEAD)
        return HCSMS_ERR_NO_SESSION;
    *len = n + BLOB_OVERHEAD;
    if (buf == NULL || size < *len)
        return HCSMS_ERR_BUFFER_TOO_SMALL;
    trust = trusted_until(tls, now_utc);
    memcpy(buf, "HCS1\0\0\0\0", 8);
    put_be(buf + 40, (uint64_t)now_utc, 8);
    put_be(buf + 48, (uint64_t)expiry(tls, now_utc, trust), 8);
    put_be(buf + 56, (uint64_t)trust, 8);
    put_be(buf + 64, n, 4);
    if (binding(tls, host, port, buf + 8) != 0 ||
        mbedtls_ssl_session_save(&tls->session, buf + BLOB_SESSION, n, &n) != 0 ||
        mbedtls_sha256(buf, BLOB_SESSION + n, buf + BLOB_SESSION + n, 0) != 0) {
        mbedtls_platform_zeroize(buf, *len);
        *len = 0;
        return HCSMS_ERR_CRYPTO;
    }
    return HCSMS_OK;
}

const char *hcsms_tls_session_import(hcsms_tls *tls, const char *host, uint16_t port,
                                     int64_t now_utc, const unsigned char *blob, size_t len)
{
    unsigned char check[32];
    size_t n;

    if (now_utc <= 0)
        return "no trustworthy UTC time to judge its age";
    if (len < BLOB_OVERHEAD || memcmp(blob, "HCS1\0\0\0\0", 8) != 0)
        return "not a session blob";
    n = (size_t)get_be(blob + 64, 4);
    if (n != len - BLOB_OVERHEAD || mbedtls_sha256(blob, BLOB_SESSION + n, check, 0) != 0 ||
        memcmp(check, blob + BLOB_SESSION + n, 32) != 0)
        return "damaged (its digest does not match)";
    if (binding(tls, host, port, check) != 0 || memcmp(check, blob + 8, 32) != 0)
        return "made for another endpoint or CA set";
    if ((int64_t)get_be(blob + 40, 8) > now_utc)
        return "saved in the future (the clock went back)";
    if ((int64_t)get_be(blob + 48, 8) <= now_utc || (int64_t)get_be(blob + 56, 8) <= now_utc)
        return "expired";
    hcsms_tls_session_forget(tls);
    if (mbedtls_ssl_session_load(&tls->session, blob + BLOB_SESSION, n) != 0) {
        hcsms_tls_session_forget(tls);
        return "not readable by this mbedTLS build";
    }
    if (!hcsms_tls_ticket_fits(&tls->session)) {
        hcsms_tls_session_forget(tls);
        return "its ticket is too long for this build's ClientHello";
    }
    tls->have_session = 1;
    tls->trust_until = (int64_t)get_be(blob + 56, 8);
    tls->expires = (int64_t)get_be(blob + 48, 8);
    return NULL;
}

#else /* !HCSMS_TLS_RESUME */

int hcsms_tls_session_export(hcsms_tls *tls, const char *host, uint16_t port, int64_t now_utc,
                             unsigned char *buf, size_t size, size_t *len)
{
    (void)tls, (void)host, (void)port, (void)now_utc, (void)buf, (void)size;
    *len = 0;
    return HCSMS_ERR_NO_SESSION;
}

const char *hcsms_tls_session_import(hcsms_tls *tls, const char *host, uint16_t port,
                                     int64_t now_utc, const unsigned char *blob, size_t len)
{
    (void)tls, (void)host, (void)port, (void)now_utc, (void)blob, (void)len;
    return "resumption is not built in (HCSMS_CONFIG_TLS_RESUME 0)";
}

#endif
