/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A client's set-up and tear-down: the configuration checked and copied into
 * the caller's context, the ABI guard, TLS set up; then freed and wiped. The
 * operations are elsewhere: unlock.c (the unlock call), iam.c (a token from
 * IAM), exchange.c (one request and its answer on the kept-alive
 * connection), retry.c (the retry loop and its policy), trace.c.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "sms.h"
#include "../auth/auth.h"
#include "../http/http.h"
#include "../net/net.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define DEFAULT_TIMEOUT_MS 30000u


void hcsms_client_config_init(hcsms_client_config *config)
{
    memset(config, 0, sizeof(*config));
}

int hcsms_client_set_token(hcsms_client *client, const char *token)
{
    size_t len;
    int rc;

    if (client == NULL || token == NULL)
        return HCSMS_ERR_INVALID_TOKEN;
    /* Bounded: never read past the longest valid token plus one byte. */
    for (len = 0; len <= HCSMS_TOKEN_MAX && token[len] != '\0'; len++)
        ;
    if ((rc = hcsms_check_token(token, len)) != HCSMS_OK)
        return rc;
    client->token = token;
    client->token_len = len;
    return HCSMS_OK;
}

/* A product token for User-Agent: visible ASCII and inner spaces only (no
 * CR/LF to split the header), 1..HCSMS_USER_AGENT_MAX bytes. */
static int user_agent_ok(const char *text)
{
    size_t i;

    for (i = 0; text[i] != '\0'; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i >= HCSMS_USER_AGENT_MAX || c > 0x7e || c < 0x20)
            return 0;
    }
    return i > 0 && text[0] != ' ' && text[i - 1] != ' ';
}

/* The server: an endpoint URL, or a region's endpoint; and its Host header,
 * "host" or "[v6]", with ":port" unless it is 443 (fits: host <= 253). */
static int set_server(hcsms_client *client, const hcsms_client_config *config)
{
    if (config->endpoint != NULL) {
        int rc = hcsms_endpoint_parse(config->endpoint, client->host, sizeof(client->host),
                                      &client->port, &client->host_is_ipv6);
        if (rc != HCSMS_OK)
            return rc;
    } else {
        const char *endpoint_host = hcsms_region_host(config->region != NULL ? config->region
                                                                 : "ap-southeast-3");
        if (endpoint_host == NULL)
            return HCSMS_ERR_UNKNOWN_REGION;
        memcpy(client->host, endpoint_host, strlen(endpoint_host) + 1);
        client->port = 443;
    }
    snprintf(client->host_header, sizeof(client->host_header),
             client->host_is_ipv6 ? "[%s]" : "%s", client->host);
    if (client->port != 443) {
        size_t used = strlen(client->host_header);
        snprintf(client->host_header + used, sizeof(client->host_header) - used, ":%u",
                 (unsigned)client->port);
    }
    return HCSMS_OK;
}

/* A token, or AK/SK, or neither (enough to get a token from IAM); and the
 * proxy with its credentials. */
static int set_credentials(hcsms_client *client, const hcsms_client_config *config)
{
    int rc;

    if (config->auth_token != NULL) {
        if ((rc = hcsms_client_set_token(client, config->auth_token)) != HCSMS_OK)
            return rc;
    } else if (config->access_key != NULL || config->secret_key != NULL) {
#if !HCSMS_CONFIG_AKSK
        return HCSMS_ERR_NOT_BUILT; /* HCSMS_CONFIG_AKSK 0 */
#endif
        rc = hcsms_check_credentials(config->access_key, config->secret_key,
                                     config->security_token, config->project_id);
        if (rc != HCSMS_OK)
            return rc;
        client->access_key = config->access_key;
        client->secret_key = config->secret_key;
        client->security_token = config->security_token;
        client->project_id = config->project_id;
    }
    if (config->proxy != NULL) {
#if HCSMS_CONFIG_PROXY
        if ((rc = hcsms_proxy_parse(config->proxy, client->proxy_host, sizeof(client->proxy_host),
                                    &client->proxy_port, &client->proxy_is_ipv6)) != HCSMS_OK ||
            (rc = hcsms_check_proxy_credentials(config->proxy_username,
                                                config->proxy_password)) != HCSMS_OK) {
            client->proxy_host[0] = '\0';
            return rc;
        }
        client->proxy_username = config->proxy_username;
        client->proxy_password = config->proxy_password;
#else
        return HCSMS_ERR_NOT_BUILT; /* HCSMS_CONFIG_PROXY 0: never bypassed */
#endif
    }
    return HCSMS_OK;
}

int hcsms_client_init_abi(hcsms_client *client, const hcsms_client_config *config,
                          unsigned abi_version, size_t client_size, size_t result_size)
{
    int rc;

    if (client == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;
    if (abi_version != HCSMS_ABI_VERSION || client_size != sizeof(*client) ||
        result_size != sizeof(hcsms_result)) {
        /* The caller's struct is client_size bytes, whatever ours is: zero
         * exactly that, so that its hcsms_client_free() finds nothing set up. */
        memset(client, 0, client_size);
        return HCSMS_ERR_ABI;
    }
    memset(client, 0, sizeof(*client));
    hcsms_connection_init(&client->connection, &client->tls);
    if (config == NULL)
        return HCSMS_ERR_INVALID_ARGUMENT;
    if ((rc = set_server(client, config)) != HCSMS_OK ||
        (rc = set_credentials(client, config)) != HCSMS_OK)
        return rc;
    client->connect_timeout_ms = config->connect_timeout_ms ? config->connect_timeout_ms
                                                            : DEFAULT_CONNECT_TIMEOUT_MS;
    client->timeout_ms = config->timeout_ms ? config->timeout_ms : DEFAULT_TIMEOUT_MS;
    client->trace = config->trace;
    client->trace_user = config->trace_user;
    if (config->user_agent != NULL && !user_agent_ok(config->user_agent))
        return HCSMS_ERR_INVALID_ARGUMENT;
    client->user_agent = config->user_agent;
    client->retries = config->retries;
    client->retry_base_ms = config->retry_base_ms ? config->retry_base_ms : 500u;
    client->retry_max_ms = config->retry_max_ms ? config->retry_max_ms : 8000u;
    if (client->retry_max_ms < client->retry_base_ms)
        client->retry_max_ms = client->retry_base_ms;

    rc = hcsms_tls_setup(&client->tls, config->ca_data, config->ca_data_len, config->ca_file);
    if (rc != HCSMS_OK)
        return rc;
    client->initialised = 1;
    return HCSMS_OK;
}

void hcsms_client_free_abi(hcsms_client *client, size_t client_size)
{
    if (client == NULL)
        return;
    if (client_size != sizeof(*client)) {
        /* Never set up (init refused it): the caller's bytes only. */
        mbedtls_platform_zeroize(client, client_size);
        return;
    }
    /* A client init never saw has no connection: its fd 0 is not ours. */
    if (client->connection.tls != NULL)
        hcsms_connection_close(&client->connection);
    hcsms_tls_free(&client->tls);
    mbedtls_platform_zeroize(client, sizeof(*client));
    client->connection.socket.fd = -1; /* 0 would be a descriptor (stdin) */
}

void hcsms_global_cleanup(void)
{
    hcsms_tls_global_free();
}
