/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the tests of everything the user hands in before a byte is sent
 * (tests/unit/test_input_*.c) share: a test CA, a token, the client, its
 * config and result, and the checks that a freed client is wiped. In
 * input_checks.c; the Makefile links it into every test_input_* binary.
 * Runs on the fake port: nothing touches the network.
 */
#ifndef HCSMS_TEST_INPUT_CHECKS_H
#define HCSMS_TEST_INPUT_CHECKS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hcsms.h"
#include "fake_port.h"
#include "../../src/sms/sms.h"

/* A self-signed P-256 test certificate (CN=test), only ever parsed; its
 * size is known where it is used (sizeof). */
#define TEST_CA_PEM \
    "-----BEGIN CERTIFICATE-----\n" \
    "MIIBcjCCARmgAwIBAgIUM6Au2tDArZZJwCxqtg3gJGmZJDIwCgYIKoZIzj0EAwIw\n" \
    "DzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjcyMDUyMDJaFw0zNjExMjQyMDUyMDJa\n" \
    "MA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQdVmS3\n" \
    "Aly8z68eDaJaQgs7A1J5Q5OWzfQNeYO7LH3lp1KisqH7Xge5yQGQlbD22C6grp8m\n" \
    "2Q8Gx6ecrA+8HIs4o1MwUTAdBgNVHQ4EFgQUo2hTHBYe+UaDFY7Z41Jxy5lrd6sw\n" \
    "HwYDVR0jBBgwFoAUo2hTHBYe+UaDFY7Z41Jxy5lrd6swDwYDVR0TAQH/BAUwAwEB\n" \
    "/zAKBggqhkjOPQQDAgNHADBEAiBc3dDWA88o+88fI5rxE2fQn0S8I+GVXs19lKDL\n" \
    "Q1t1WwIgc2Ux+mPz9CQhVpa3eqRs/kVBmtYT2D+Hd89THi55nzA=\n" \
    "-----END CERTIFICATE-----\n"
extern const char test_ca_pem[sizeof(TEST_CA_PEM)];

extern const char *const token;

extern hcsms_client client;
extern hcsms_client wiped;   /* what a freed client must look like */
extern hcsms_client_config config;
extern hcsms_result result;

/* Clears client and result, sets config up with the test CA and the token. */
int setup(void **state);

/* A heap string of n copies of c (exactly n + 1 bytes, for ASan). */
char *repeat(char c, size_t n);

/* Free the client and check that every byte is wiped (the socket's fd
 * left out: see input_checks.c). */
void free_client(void);

/* hcsms_client_init() of client with config and this endpoint. */
int init_endpoint(const char *endpoint);

#endif /* HCSMS_TEST_INPUT_CHECKS_H */
