/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedtls-hcsms-test.h - TEST-ONLY mbedTLS 3.6 configuration: the recommended
 * client-only configs/mbedtls-hcsms.h plus the TLS server side, because the
 * unit tests' in-process peer (tests/unit/tls_peer.c) is a TLS SERVER
 * (mbedtls_ssl_config_defaults(MBEDTLS_SSL_IS_SERVER), own certificate and
 * EC P-256 key). With the client-only configuration that peer cannot
 * handshake and the tests of test_unlock.c that talk TLS to it fail.
 *
 *   make MBEDTLS=3.6 MBEDTLS_CONFIG=configs/mbedtls-hcsms-test.h test
 *
 * Never ship this one: devices use configs/mbedtls-hcsms.h.
 *
 * What the peer needs beyond the client configuration: only the server
 * state machine. Its key is parsed with MBEDTLS_PK_PARSE_C and
 * MBEDTLS_PEM_PARSE_C (SEC1 "EC PRIVATE KEY"), and it signs with
 * MBEDTLS_ECDSA_C (randomised ECDSA, fed by its CTR_DRBG), all of which the
 * client configuration already has. It sets no session tickets, cache,
 * cookies or ALPN.
 *
 * Rebuild note: the build stamps (the Makefile's prerequisite and
 * build-mbedtls.sh's BUILDINFO) only see THIS file, not mbedtls-hcsms.h
 * that it includes: after editing mbedtls-hcsms.h, remove the output folder
 * of this configuration's mbedTLS build to force a rebuild.
 */
#ifndef HCSMS_MBEDTLS_TEST_CONFIG_H
#define HCSMS_MBEDTLS_TEST_CONFIG_H

#include "mbedtls-hcsms.h"

/* TLS server side, for tests/unit/tls_peer.c only. */
#define MBEDTLS_SSL_SRV_C

#endif /* HCSMS_MBEDTLS_TEST_CONFIG_H */
