/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PEER_CREDENTIALS_H
#define PEER_CREDENTIALS_H

/* A self-signed test certificate for "localhost" (EC P-256, valid to 2126),
 * made with openssl for these tests only; it is its own trust anchor. */
static const char peer_cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBpTCCAUugAwIBAgIUDVu94I+bpPNdZKx+qkknkvGKp2QwCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNzIxMTkzMloYDzIxMjYxMTAz\n"
    "MjExOTMyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAASCvEO4jmo7OBmohyBIj9e8JESkxg7aymEUK8ALIcfQxLQpgiN0rAEI\n"
    "jQ/Au48o/KOoejXdPGVI2u40OM6RWDPho3kwdzAdBgNVHQ4EFgQUjgKsbtebz1yW\n"
    "FdbKAD3Ps0EV3mswHwYDVR0jBBgwFoAUjgKsbtebz1yWFdbKAD3Ps0EV3mswFAYD\n"
    "VR0RBA0wC4IJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD\n"
    "AgKEMAoGCCqGSM49BAMCA0gAMEUCIQC3C+c3+cDEVeUV+THOqTcAk/mrGRPleBA2\n"
    "uie/ASwHvwIgGCWHg+rxZ9i8KCwwHBQLiQthdOXFET0f91udohS/xNI=\n"
    "-----END CERTIFICATE-----\n";

static const char peer_key_pem[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEID3mLgqWUnkDiY/pmJUxDYAtumIkkPqBMiwHv71kASRboAoGCCqGSM49\n"
    "AwEHoUQDQgAEgrxDuI5qOzgZqIcgSI/XvCREpMYO2sphFCvACyHH0MS0KYIjdKwB\n"
    "CI0PwLuPKPyjqHo13TxlSNruNDjOkVgz4Q==\n"
    "-----END EC PRIVATE KEY-----\n";

#endif
