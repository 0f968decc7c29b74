/*
 * The firmware-shaped image's application: bring up lwIP, then run one
 * unlock through the whole hcsms call chain (init, unlock, free) so that
 * everything a device would use is linked.
 *
 * On a device this runs in an RTOS task once the network is up; here main()
 * calls it directly because the RTOS layer is a link-only stub (sys_arch.c).
 */
#include <stddef.h>

#include "hcsms.h"
#include "hcsms_port_lwip.h"

#include "firmware.h"

/* A throw-away self-signed P-256 CA made with openssl for this test (its
 * key was discarded), standing in for the CA bundle a device stores in
 * flash. The PEM's terminating NUL is part of ca_data_len (mbedTLS's rule). */
static const char test_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBpjCCAU2gAwIBAgIUDi+ExsL30HO/Er/S7xp1+odPNUowCgYIKoZIzj0EAwIw\n"
    "ITEfMB0GA1UEAwwWaGNzbXMgZmlybXdhcmUgdGVzdCBDQTAeFw0yNjExMjcyMTE5\n"
    "MDZaFw0zNjExMjQyMTE5MDZaMCExHzAdBgNVBAMMFmhjc21zIGZpcm13YXJlIHRl\n"
    "c3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAStxUOoy1oMmBxblU7pZxGz\n"
    "o+HN/fF92/AeREKPA8OyGu9SzyIjCmJQsDT/tIcm+7ywx5W4qiIKYjg9qs/WN7yd\n"
    "o2MwYTAdBgNVHQ4EFgQUpYu0HdopK5J0QVYsXAWDWrnMnQMwHwYDVR0jBBgwFoAU\n"
    "pYu0HdopK5J0QVYsXAWDWrnMnQMwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8E\n"
    "BAMCAQYwCgYIKoZIzj0EAwIDRwAwRAIgCKPxwX0J59C5bNS+Fj53yEZmuAtvSniV\n"
    "0M0AR1iajgMCIFzBnqBynijrVNJPR1n/JX9ojl6EtLxePXnrQ3YU/gMf\n"
    "-----END CERTIFICATE-----\n"
    ;

/* Caller-owned, fixed size: no allocation by hcsms. */
static hcsms_client client;
static hcsms_result result;

int hcsms_port_lwip_utc_time(int64_t *seconds)
{
    /* LINK-ONLY STUB: a device reads its RTC, set by SNTP. Until then the
     * time is unknown and AK/SK signing refuses (token auth does not care). */
    (void)seconds;
    return -1;
}

int hcsms_port_lwip_entropy(unsigned char *out, size_t len)
{
    /* LINK-ONLY STUB: a device fills out from its TRNG (on an STM32F4 the
     * RNG peripheral, failing on its SECS/CECS error bits). Until then it
     * fails, so TLS refuses to start: never fake randomness. */
    (void)out;
    (void)len;
    return -1;
}

int main(void)
{
    hcsms_client_config config;
    int rc;

    firmware_tick_start(16000000u); /* STM32F4 after reset: 16 MHz HSI */
    firmware_network_start();

    hcsms_client_config_init(&config);
    config.region = "ap-southeast-3";
    config.ca_file = NULL; /* HCSMS_CONFIG_CA_FILE=0: no files on this device */
    config.ca_data = (const unsigned char *)test_ca_pem;
    config.ca_data_len = sizeof(test_ca_pem);
    /* LINK-ONLY STUB: a device reads its token from secure storage. */
    config.auth_token = "MIIEXAMPLE-token-for-the-link-test";

    rc = hcsms_client_init(&client, &config);
    if (rc == HCSMS_OK)
        rc = hcsms_unlock(&client, "7a9a9540-ff28-4869-b9e4-855fbe12e83b", &result);
    hcsms_client_free(&client);
    return rc;
}
