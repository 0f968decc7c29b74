/*
 * TLS over a port socket with mbedTLS: the only file that calls mbedTLS's
 * SSL, X.509 and DRBG APIs.
 *
 * Verification is not optional: the configuration requires a verified chain,
 * and every handshake names what the certificate must match (a host name,
 * also sent as SNI, or an IP address, never sent). On top of mbedTLS's own
 * check, a verify callback holds the names to stricter rules
 * (hcsms_tls_name_matches). The DRBG is seeded from the port's entropy
 * function alone, so a port with no entropy makes set-up fail instead of
 * falling back to something weak. Only ECDHE with an AEAD is offered.
 *
 * The bio callbacks never wait past tls->io_deadline_ms, and once it has
 * passed they do not call the port at all, even for bytes already there:
 * mbedTLS skips some records in loops of its own (warning alerts, TLS 1.3
 * tickets, empty records), so a peer that keeps the socket full would keep
 * it busy for ever. Every record costs mbedTLS at least one bio call (on a
 * stream it never reads past the record it wants), so a bound on the bio
 * calls bounds everything. The callbacks return WANT_READ/WANT_WRITE and the
 * loops here decide, from the deadline, whether to call mbedTLS again or
 * give up. Calls that must not wait at all (the idle check, close_notify)
 * get a few port calls instead of a deadline (bio_poll).
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <psa/crypto.h>
#endif

#include "net.h"
#include "hcsms/error.h"

static int entropy_from_port(void *unused, unsigned char *out, size_t len)
{
    (void)unused;
    return hcsms_port_entropy(out, len) == 0 ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/* A port send's result as mbedTLS wants it. */
static int from_port_send(hcsms_tls *tls, int n)
{
    if (n > 0)
        return n;
    if (n == 0)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    tls->port_error = n;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

/* A port recv's result as mbedTLS wants it. */
static int from_port_recv(hcsms_tls *tls, int n)
{
    if (n > 0)
        return n;
    if (n == 0)
        return MBEDTLS_ERR_SSL_WANT_READ;
    tls->port_error = n;
    if (n == HCSMS_ERR_CLOSED)
        return 0; /* mbedTLS's end of stream */
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

static int bio_send(void *context, const unsigned char *data, size_t len)
{
    hcsms_tls *tls = context;
    uint32_t left = hcsms_time_left(tls->io_deadline_ms);

    if (left == 0)
        return MBEDTLS_ERR_SSL_WANT_WRITE; /* the deadline has passed: not even a try */
    return from_port_send(tls, hcsms_port_send(&tls->socket, data, len, left));
}

static int bio_recv(void *context, unsigned char *data, size_t len)
{
    hcsms_tls *tls = context;
    uint32_t left = hcsms_time_left(tls->io_deadline_ms);

    if (left == 0)
        return MBEDTLS_ERR_SSL_WANT_READ; /* even if bytes are waiting: see the top */
    return from_port_recv(tls, hcsms_port_recv(&tls->socket, data, len, left));
}

/* For what must not wait at all: port calls with no wait, at most
 * calls_left of them; ran_out says the budget, not the port, said no. */
typedef struct bio_poll {
    hcsms_tls *tls;
    unsigned calls_left;
    uint8_t ran_out;
} bio_poll;

/* Enough for the idle check to swallow a few TLS 1.3 tickets (a record
 * costs a call for its header and one for the rest) and still see that
 * nothing else is there; close_notify needs a flush and the alert. */
#define IDLE_POLL_CALLS 24
#define CLOSE_POLL_CALLS 2

/* One port call from the budget: 1, or 0 (and ran_out) when it is spent. */
static int poll_take(bio_poll *poll)
{
    if (poll->calls_left == 0) {
        poll->ran_out = 1;
        return 0;
    }
    poll->calls_left--;
    return 1;
}

static int poll_send(void *context, const unsigned char *data, size_t len)
{
    bio_poll *poll = context;

    if (!poll_take(poll))
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    return from_port_send(poll->tls, hcsms_port_send(&poll->tls->socket, data, len, 0));
}

static int poll_recv(void *context, unsigned char *data, size_t len)
{
    bio_poll *poll = context;

    if (!poll_take(poll))
        return MBEDTLS_ERR_SSL_WANT_READ;
    return from_port_recv(poll->tls, hcsms_port_recv(&poll->tls->socket, data, len, 0));
}

static void poll_begin(hcsms_tls *tls, bio_poll *poll, unsigned calls)
{
    poll->tls = tls;
    poll->calls_left = calls;
    poll->ran_out = 0;
    mbedtls_ssl_set_bio(&tls->ssl, poll, poll_send, poll_recv, NULL);
}

/* Back to the deadline callbacks: poll lives on the caller's stack. */
static void poll_end(hcsms_tls *tls)
{
    mbedtls_ssl_set_bio(&tls->ssl, tls, bio_send, bio_recv, NULL);
}

/* Key exchange groups, cheapest first. mbedTLS 2.28 offers its curves
 * largest first, and a server that takes the client's order (nginx on
 * TLS 1.2) then picks P-521: measured, that is 48M of the 85M instructions
 * of a cold unlock (make bench). P-521 is still offered, last: on TLS 1.2
 * this list also names the curves the server's ECDSA certificate may use
 * (RFC 8422 5.1), and without it a server with a P-521 certificate finds
 * no shared suite (make interop: every TLS 1.2-only P-521 row failed). */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
static const uint16_t key_exchange_groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1,
#endif
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};
#elif defined(MBEDTLS_ECP_C)
static const mbedtls_ecp_group_id key_exchange_groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_ECP_DP_CURVE25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    MBEDTLS_ECP_DP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    MBEDTLS_ECP_DP_SECP384R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
    MBEDTLS_ECP_DP_SECP521R1,
#endif
    MBEDTLS_ECP_DP_NONE,
};
#endif

/* Offered cipher suites, best first: ECDHE with an AEAD only, whatever the
 * mbedTLS build's defaults (2.28's offer static RSA, CBC and DHE, and a
 * server's large DHE group costs seconds of CPU that no deadline can
 * interrupt). mbedTLS leaves out the ids its build lacks, and 3.x takes the
 * TLS 1.3 ones for 1.3 and the others for 1.2 from this one list.
 * ChaCha20-Poly1305 first, then AES-128-GCM: cheapest in software, which is
 * what a Cortex-M without an AES unit has (make bench: AES-256-GCM first
 * cost 15k more instructions a task than ChaCha20 on x86-64 too). */
static const int offered_ciphersuites[] = {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    0,
};

/* ---- Names ------------------------------------------------------------- */

static int same_text_nocase(const char *a, const char *b, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + ('a' - 'A'));
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + ('a' - 'A'));
        if (x != y)
            return 0;
    }
    return 1;
}

/* "example.com." is the same name as "example.com". */
static size_t without_root_dot(const char *name, size_t len)
{
    return len > 1 && name[len - 1] == '.' ? len - 1 : len;
}

/* Dot-separated labels, none empty; no '*' and no NUL (a NUL inside a
 * certificate's name is the old trick to make "good.com\0.evil.com" look
 * like good.com). */
static int plain_labels(const char *name, size_t len)
{
    size_t i, label = 0;

    for (i = 0; i < len; i++) {
        if (name[i] == '\0' || name[i] == '*')
            return 0;
        if (name[i] != '.')
            label++;
        else if (label == 0)
            return 0;
        else
            label = 0;
    }
    return label > 0;
}

int hcsms_tls_name_matches(const char *pattern, size_t pattern_len, const char *host)
{
    size_t host_len;

    if (pattern == NULL || host == NULL)
        return 0;
    host_len = without_root_dot(host, strlen(host));
    pattern_len = without_root_dot(pattern, pattern_len);
    if (!plain_labels(host, host_len))
        return 0;
    if (pattern_len > 2 && pattern[0] == '*' && pattern[1] == '.') {
        /* "*." and at least two labels: "*.com" covers no one's name. The
         * '*' stands for exactly one whole, non-empty label of host. */
        const char *base = pattern + 2, *dot = memchr(host, '.', host_len);
        size_t base_len = pattern_len - 2;

        if (!plain_labels(base, base_len) || memchr(base, '.', base_len) == NULL ||
            dot == NULL || dot == host)
            return 0;
        host_len -= (size_t)(dot + 1 - host);
        return host_len == base_len && same_text_nocase(dot + 1, base, base_len);
    }
    return plain_labels(pattern, pattern_len) && pattern_len == host_len &&
           same_text_nocase(pattern, host, host_len);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Dotted-quad IPv4, as inet_pton takes it: four parts 0..255, no leading
 * zeros (a resolver may read "010" as octal: that is not an IP literal
 * here, so it is checked, and fails, as a name). */
static int parse_ipv4(const char *text, size_t len, unsigned char out[4])
{
    size_t i, parts = 0, digits = 0;
    unsigned part = 0;

    for (i = 0; i <= len; i++) {
        if (i == len || text[i] == '.') {
            if (digits == 0 || parts == 4)
                return 0;
            out[parts++] = (unsigned char)part;
            part = 0;
            digits = 0;
        } else if (text[i] >= '0' && text[i] <= '9' && !(digits == 1 && part == 0)) {
            part = part * 10 + (unsigned)(text[i] - '0');
            if (++digits > 3 || part > 255)
                return 0;
        } else {
            return 0;
        }
    }
    return parts == 4;
}

/* RFC 4291 text: up to eight groups of 1..4 hex digits, one "::" for a run
 * of zero groups, and an IPv4 dotted quad for the last 32 bits. */
static int parse_ipv6(const char *text, size_t len, unsigned char out[16])
{
    size_t i = 0, groups = 0, gap = 16;

    memset(out, 0, 16);
    if (len >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        i = 2;
    } else if (len >= 1 && text[0] == ':') {
        return 0;
    }
    while (i < len) {
        size_t start = i;
        unsigned value = 0;
        int h;

        while (i < len && i - start < 5 && (h = hex_value(text[i])) >= 0) {
            value = value << 4 | (unsigned)h;
            i++;
        }
        if (i < len && text[i] == '.') {
            /* the last 32 bits as IPv4 */
            if (groups > 6 || !parse_ipv4(text + start, len - start, out + groups * 2))
                return 0;
            groups += 2;
            break;
        }
        if (i == start || i - start > 4 || groups == 8)
            return 0;
        out[groups * 2] = (unsigned char)(value >> 8);
        out[groups * 2 + 1] = (unsigned char)value;
        groups++;
        if (i == len)
            break;
        if (text[i] != ':' || ++i == len)
            return 0; /* a trailing single ':' */
        if (text[i] == ':') {
            if (gap != 16)
                return 0; /* a second "::" */
            gap = groups;
            if (++i == len)
                break;
        }
    }
    if (gap == 16)
        return groups == 8;
    if (groups > 7)
        return 0; /* "::" must stand for at least one group */
    memmove(out + 16 - (groups - gap) * 2, out + gap * 2, (groups - gap) * 2);
    memset(out + gap * 2, 0, (8 - groups) * 2);
    return 1;
}

size_t hcsms_tls_parse_ip(const char *text, unsigned char out[16])
{
    size_t len = strlen(text);

    if (memchr(text, ':', len) != NULL)
        return parse_ipv6(text, len, out) ? 16 : 0;
    return parse_ipv4(text, len, out) ? 4 : 0;
}

/* What the server's certificate must name, for the verify callback. */
typedef struct expected_name {
    const char *host;      /* a DNS name (no trailing dot), when ip_len is 0 */
    unsigned char ip[16];
    size_t ip_len;         /* 4 or 16 for an IP literal */
} expected_name;

#define SAN_DNS_NAME (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)  /* dNSName [2] */
#define SAN_IP_ADDRESS (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) /* iPAddress [7] */

/* Our rules: an IP only in an iPAddress SAN; a name in the dNSName SANs,
 * or when there is none, in the subject's CN. */
static int certificate_names(const mbedtls_x509_crt *crt, const expected_name *want)
{
    const mbedtls_x509_sequence *san;
    const mbedtls_x509_name *name;
    int have_dns_name = 0;

    for (san = &crt->subject_alt_names; san != NULL; san = san->next) {
        if (san->buf.p == NULL)
            continue; /* the empty list of a certificate without SANs */
        if (san->buf.tag == SAN_DNS_NAME) {
            have_dns_name = 1;
            if (want->ip_len == 0 &&
                hcsms_tls_name_matches((const char *)san->buf.p, san->buf.len, want->host))
                return 1;
        } else if (san->buf.tag == SAN_IP_ADDRESS && want->ip_len != 0 &&
                   san->buf.len == want->ip_len &&
                   memcmp(san->buf.p, want->ip, want->ip_len) == 0) {
            return 1;
        }
    }
    if (want->ip_len != 0 || have_dns_name)
        return 0;
    for (name = &crt->subject; name != NULL; name = name->next) {
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &name->oid) == 0 &&
            hcsms_tls_name_matches((const char *)name->val.p, name->val.len, want->host))
            return 1;
    }
    return 0;
}

/* mbedTLS's verify callback, called for each certificate of the chain after
 * mbedTLS's own checks: it can only add failures. Outside a handshake the
 * context is NULL and every certificate fails. */
static int verify_names(void *context, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    const expected_name *want = context;

    if (depth == 0 && (want == NULL || !certificate_names(crt, want)))
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    return 0;
}

static int is_want(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* Turn an mbedTLS failure into our code, keeping the original for reports. */
static int map_error(hcsms_tls *tls, int ret, int otherwise)
{
    tls->mbedtls_error = ret;
    if (tls->port_error != 0)
        return tls->port_error;
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
        return HCSMS_ERR_CLOSED;
    return otherwise;
}

#if HCSMS_CONFIG_TLS_RESUME && defined(MBEDTLS_SSL_CLI_C)
#define RESUME 1
/* Keep the connection's session for the next connection: after a TLS 1.2
 * handshake, and for TLS 1.3 each time the server sends a ticket. */
static void keep_session(hcsms_tls *tls)
{
    mbedtls_ssl_session_free(&tls->session);
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = mbedtls_ssl_get_session(&tls->ssl, &tls->session) == 0;
}

static void forget_session(hcsms_tls *tls)
{
    mbedtls_ssl_session_free(&tls->session);
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = 0;
}

/* After a handshake. mbedTLS offers only the saved session's version when
 * it resumes, so a TLS 1.3 session without a ticket must not be kept (it
 * would pin the next ClientHello to 1.3 for nothing), and a ticket that was
 * just used is not offered again (RFC 8446 C.4): TLS 1.3 sessions are kept
 * only from the tickets that follow.
 *
 * That pin (3.6: ssl_prepare_client_hello() sets the handshake's min and
 * max to the session's version) means a server behind the name that
 * changed version refuses the resuming ClientHello. The session is then
 * forgotten (hcsms_tls_handshake) and the layer above makes one full
 * handshake on a new connection (hcsms_tls_offered_session), before any
 * byte of the request and within the same deadline. Not keeping 1.2
 * sessions where 1.3 is built in would spare that one failed connection in
 * one direction only, and give up resumption with every TLS 1.2-only
 * server: a version change is rare, a reconnect is not. For the same
 * reason, while it resumes a 1.2 session the client stays on 1.2 with a
 * server that has since learnt 1.3; not a downgrade anyone on the path can
 * cause: the full handshake that made the session offered 1.3, and mbedTLS
 * checks the server's RFC 8446 4.1.3 downgrade sentinel. */
static void session_after_handshake(hcsms_tls *tls)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (mbedtls_ssl_get_version_number(&tls->ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
        forget_session(tls);
        return;
    }
#endif
    keep_session(tls);
}
#else
#define RESUME 0
#endif

/* A TLS 1.3 ticket arrived (only signalled when resumption is on): keep it.
 * The caller goes on with what it was doing, deadline permitting. */
static int took_ticket(hcsms_tls *tls, int ret)
{
#if RESUME && defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        keep_session(tls);
        return 1;
    }
#else
    (void)tls;
    (void)ret;
#endif
    return 0;
}

/* A connection that failed in TLS itself (a bad record, a fatal alert) must
 * not be resumed (RFC 5246 7.2.2); a close or a port error says nothing
 * about the session. */
static int tls_failure(hcsms_tls *tls, int ret)
{
    int err = map_error(tls, ret, HCSMS_ERR_TLS);

#if RESUME
    if (err == HCSMS_ERR_TLS)
        forget_session(tls);
#endif
    return err;
}

/* The trust anchors: PEM/DER data and/or a file; at least one usable. */
static int load_ca(hcsms_tls *tls, const unsigned char *ca_data, size_t ca_len,
                   const char *ca_file)
{
    int ret;

    /* A bundle may hold certificates this mbedTLS cannot parse; a positive
     * return counts them. What matters is that at least one was usable. */
    if (ca_data != NULL && ca_len > 0) {
        ret = mbedtls_x509_crt_parse(&tls->ca, ca_data, ca_len);
        if (ret < 0) {
            tls->mbedtls_error = ret;
            return HCSMS_ERR_CA;
        }
    }
    if (ca_file != NULL) {
#if HCSMS_CONFIG_CA_FILE && defined(MBEDTLS_FS_IO)
        ret = mbedtls_x509_crt_parse_file(&tls->ca, ca_file);
        if (ret < 0) {
            tls->mbedtls_error = ret;
            return HCSMS_ERR_CA;
        }
#else
        return HCSMS_ERR_CA;
#endif
    }
    return tls->ca.version == 0 ? HCSMS_ERR_CA : HCSMS_OK;
}

/* What hcsms offers and requires, whatever mbedTLS's defaults. */
static int configure(hcsms_tls *tls)
{
    int ret;

    ret = mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return HCSMS_ERR_TLS;
    }
    mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
    mbedtls_ssl_conf_ciphersuites(&tls->conf, offered_ciphersuites);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    /* ECDHE on 1.3 too: a resumed session keeps a fresh key exchange
     * (psk_dhe_ke), never the PSK alone. */
    mbedtls_ssl_conf_tls13_key_exchange_modes(
        &tls->conf, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL |
                        MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL);
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    if (key_exchange_groups[0] != MBEDTLS_SSL_IANA_TLS_GROUP_NONE)
        mbedtls_ssl_conf_groups(&tls->conf, key_exchange_groups);
#elif defined(MBEDTLS_ECP_C)
    if (key_exchange_groups[0] != MBEDTLS_ECP_DP_NONE)
        mbedtls_ssl_conf_curves(&tls->conf, key_exchange_groups);
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_min_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3); /* TLS 1.2 */
#endif
#if RESUME && defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    /* TLS 1.3 tickets come after the handshake: have them signalled, so
     * the read loops can keep them (took_ticket). */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &tls->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
    return HCSMS_OK;
}

int hcsms_tls_setup(hcsms_tls *tls, const unsigned char *ca_data, size_t ca_len,
                    const char *ca_file)
{
    static const unsigned char personalisation[] = "hcsms";
    int ret;

#if defined(MBEDTLS_PSA_CRYPTO_C) && MBEDTLS_VERSION_NUMBER >= 0x03000000
    /* TLS 1.3 (on by default in 3.x) does its crypto through PSA, which
     * needs this once per process; a second call is harmless. PSA draws its
     * randomness from mbedTLS's entropy sources (on bare metal:
     * mbedtls_hardware_poll), not from the DRBG below. */
    if (psa_crypto_init() != PSA_SUCCESS)
        return HCSMS_ERR_ENTROPY;
#endif
    mbedtls_ssl_init(&tls->ssl);
    mbedtls_ssl_config_init(&tls->conf);
    mbedtls_x509_crt_init(&tls->ca);
    mbedtls_ctr_drbg_init(&tls->drbg);
#if RESUME
    mbedtls_ssl_session_init(&tls->session);
#endif
    tls->socket.fd = -1;
    tls->initialised = 1;

    ret = mbedtls_ctr_drbg_seed(&tls->drbg, entropy_from_port, NULL, personalisation,
                                sizeof(personalisation) - 1);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED ? HCSMS_ERR_ENTROPY : HCSMS_ERR_TLS;
    }

    if ((ret = load_ca(tls, ca_data, ca_len, ca_file)) != HCSMS_OK ||
        (ret = configure(tls)) != HCSMS_OK)
        return ret;
    ret = mbedtls_ssl_setup(&tls->ssl, &tls->conf);
    if (ret != 0) {
        tls->mbedtls_error = ret;
        return HCSMS_ERR_TLS;
    }
    return 0;
}

int hcsms_tls_open(hcsms_tls *tls, const char *host, uint16_t port,
                   uint32_t connect_timeout_ms, uint64_t deadline_ms,
                   char *address_text, size_t address_size)
{
    uint32_t left;

    if (!tls->initialised)
        return HCSMS_ERR_INVALID_ARGUMENT;
    hcsms_tls_close(tls);
    tls->port_error = 0;
    tls->mbedtls_error = 0;
    tls->verify_flags = 0;
#if RESUME
    tls->offered_session = 0; /* set by the handshake on this connection */
#endif
    left = hcsms_time_left(deadline_ms);
    if (left == 0)
        return HCSMS_ERR_TIMEOUT;
    return hcsms_port_connect(&tls->socket, host, port,
                              connect_timeout_ms < left ? connect_timeout_ms : left,
                              address_text, address_size);
}

/* Tell mbedTLS and verify_names what the certificate must name. A host
 * name is also the SNI, without its trailing dot (RFC 6066). An IP literal
 * must not be sent as SNI (RFC 6066 again), but mbedTLS sends whatever
 * mbedtls_ssl_set_hostname() gets (2.28 and 3.6 alike) and 2.28 would only
 * compare the text with the DNS names and CN: so mbedTLS gets NULL (3.6:
 * "checked by the caller") and verify_names alone matches the address
 * against the certificate's iPAddress SANs, on every mbedTLS version. */
static int set_expected_name(hcsms_tls *tls, const char *server_name, char *copy,
                             size_t copy_size, expected_name *want)
{
    size_t len = server_name != NULL ? strlen(server_name) : 0;

    memset(want, 0, sizeof(*want));
    if (len == 0)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    want->ip_len = hcsms_tls_parse_ip(server_name, want->ip);
    if (want->ip_len == 0 && memchr(server_name, ':', len) != NULL)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA; /* neither a name nor an address */
    if (want->ip_len != 0)
        return mbedtls_ssl_set_hostname(&tls->ssl, NULL);
    len = without_root_dot(server_name, len);
    if (len >= copy_size)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    memcpy(copy, server_name, len);
    copy[len] = '\0';
    want->host = copy;
    return mbedtls_ssl_set_hostname(&tls->ssl, copy);
}

int hcsms_tls_handshake(hcsms_tls *tls, const char *server_name, uint64_t deadline_ms)
{
    char host[HCSMS_HOST_MAX + 1];
    expected_name want;
    int ret, err = 0;

    if (!tls->initialised || tls->socket.fd < 0)
        return HCSMS_ERR_INVALID_ARGUMENT;
    if (tls->used && (ret = mbedtls_ssl_session_reset(&tls->ssl)) != 0) {
        hcsms_port_close(&tls->socket);
        return map_error(tls, ret, HCSMS_ERR_TLS);
    }
    tls->used = 1;
    /* Set every time: the SNI and what the certificate must match. */
    if ((ret = set_expected_name(tls, server_name, host, sizeof(host), &want)) != 0) {
        hcsms_port_close(&tls->socket);
        return map_error(tls, ret, HCSMS_ERR_TLS);
    }
    mbedtls_ssl_set_verify(&tls->ssl, verify_names, &want);
#if RESUME
    /* Offered, not trusted: a server that does not know it does a full
     * handshake, certificate check included. */
    tls->offered_session = 0;
    if (tls->have_session) {
        if (mbedtls_ssl_set_session(&tls->ssl, &tls->session) == 0)
            tls->offered_session = 1;
        else
            forget_session(tls);
    }
#endif
    mbedtls_ssl_set_bio(&tls->ssl, tls, bio_send, bio_recv, NULL);
    tls->io_deadline_ms = deadline_ms;
    while ((ret = mbedtls_ssl_handshake(&tls->ssl)) != 0) {
        if (is_want(ret) || took_ticket(tls, ret)) {
            if (hcsms_time_left(deadline_ms) == 0) {
                err = HCSMS_ERR_TIMEOUT;
                break;
            }
            continue;
        }
        if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
            tls->mbedtls_error = ret;
            tls->verify_flags = mbedtls_ssl_get_verify_result(&tls->ssl);
            err = HCSMS_ERR_TLS_VERIFY;
        } else {
            err = map_error(tls, ret, HCSMS_ERR_TLS_HANDSHAKE);
        }
        break;
    }
    /* want lives on this stack: no later certificate may pass. */
    mbedtls_ssl_set_verify(&tls->ssl, verify_names, NULL);
    if (ret != 0) {
#if RESUME
        forget_session(tls); /* never offer it again after a failure */
#endif
        hcsms_port_close(&tls->socket);
        return err;
    }
#if RESUME
    session_after_handshake(tls);
#endif
    tls->connected = 1;
    return 0;
}

int hcsms_tls_send(void *context, const unsigned char *data, size_t len,
                   uint32_t timeout_ms)
{
    hcsms_tls *tls = context;
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;

    if (!tls->connected)
        return HCSMS_ERR_CLOSED;
    tls->io_deadline_ms = deadline;
    tls->port_error = 0;
    for (;;) {
        int ret = mbedtls_ssl_write(&tls->ssl, data, len);
        if (ret > 0)
            return ret;
        if (!is_want(ret) && !took_ticket(tls, ret))
            return tls_failure(tls, ret);
        if (hcsms_time_left(deadline) == 0)
            return 0;
    }
}

int hcsms_tls_recv(void *context, unsigned char *data, size_t len,
                   uint32_t timeout_ms)
{
    hcsms_tls *tls = context;
    uint64_t deadline = hcsms_port_now_ms() + timeout_ms;

    if (!tls->connected)
        return HCSMS_ERR_CLOSED;
    tls->io_deadline_ms = deadline;
    tls->port_error = 0;
    for (;;) {
        int ret = mbedtls_ssl_read(&tls->ssl, data, len);
        if (ret > 0)
            return ret;
        if (ret == 0)
            return HCSMS_ERR_CLOSED;
        if (!is_want(ret) && !took_ticket(tls, ret))
            return tls_failure(tls, ret);
        if (hcsms_time_left(deadline) == 0)
            return 0;
    }
}

int hcsms_tls_idle_ok(hcsms_tls *tls)
{
    bio_poll poll;
    unsigned char byte;
    int ret, tickets = 0;

    if (!tls->connected)
        return 0;
    if (mbedtls_ssl_get_bytes_avail(&tls->ssl) > 0)
        return 0;
    tls->port_error = 0;
    /* Without waiting, and within a few port calls: a peer that keeps
     * sending records mbedTLS skips (warning alerts, say) is not idle. A
     * TLS 1.3 ticket is not an answer; a server that sends nothing but
     * tickets gets a fresh connection instead. */
    poll_begin(tls, &poll, IDLE_POLL_CALLS);
    do
        ret = mbedtls_ssl_read(&tls->ssl, &byte, 1);
    while (took_ticket(tls, ret) && ++tickets < 8);
    poll_end(tls);
    return ret == MBEDTLS_ERR_SSL_WANT_READ && !poll.ran_out;
}

int hcsms_tls_offered_session(const hcsms_tls *tls)
{
#if RESUME
    return tls->offered_session;
#else
    (void)tls;
    return 0;
#endif
}

const char *hcsms_tls_protocol(const hcsms_tls *tls)
{
    return mbedtls_ssl_get_version(&tls->ssl);
}

const char *hcsms_tls_ciphersuite(const hcsms_tls *tls)
{
    return mbedtls_ssl_get_ciphersuite(&tls->ssl);
}

void hcsms_tls_close(hcsms_tls *tls)
{
    if (tls->connected) {
        bio_poll poll;
        /* Best effort: never wait for the peer (and never read from it). */
        poll_begin(tls, &poll, CLOSE_POLL_CALLS);
        (void)mbedtls_ssl_close_notify(&tls->ssl);
        poll_end(tls);
        tls->connected = 0;
    }
    hcsms_port_close(&tls->socket);
}

void hcsms_tls_free(hcsms_tls *tls)
{
    if (tls->initialised) {
        hcsms_tls_close(tls);
        mbedtls_ssl_free(&tls->ssl);
#if RESUME
        mbedtls_ssl_session_free(&tls->session);
#endif
        mbedtls_ssl_config_free(&tls->conf);
        mbedtls_x509_crt_free(&tls->ca);
        mbedtls_ctr_drbg_free(&tls->drbg);
    }
    mbedtls_platform_zeroize(tls, sizeof(*tls));
    tls->socket.fd = -1;
}

void hcsms_tls_global_free(void)
{
#if defined(MBEDTLS_PSA_CRYPTO_C) && MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_psa_crypto_free();
#endif
}

const char *hcsms_tls_version(void)
{
    return MBEDTLS_VERSION_STRING_FULL;
}

void hcsms_tls_error_text(int tls_error, uint32_t verify_flags, char *out, size_t size)
{
    size_t used;

    if (out == NULL || size == 0)
        return;
    out[0] = '\0';
    if (tls_error != 0) {
#if defined(MBEDTLS_ERROR_C)
        char text[96];
        mbedtls_strerror(tls_error, text, sizeof(text));
        snprintf(out, size, "mbedTLS -0x%04x: %s", (unsigned)-tls_error, text);
#else
        snprintf(out, size, "mbedTLS -0x%04x", (unsigned)-tls_error);
#endif
    }
    used = strlen(out);
    if (verify_flags != 0 && verify_flags != (uint32_t)-1 && used + 2 < size) {
        char info[256];
        if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", verify_flags) > 0) {
            char *p;
            for (p = info; *p != '\0'; p++) {
                if (*p == '\n')
                    *p = ';';
            }
            if (p > info && p[-1] == ';')
                p[-1] = '\0';
            snprintf(out + used, size - used, "%s%s", used ? "; " : "", info);
        }
    }
}
