/* SPDX-License-Identifier: Apache-2.0 */
/* A caller reaching into hcsms_client: must not compile (the fields are
 * HCSMS_PRIVATE), unless HCSMS_ALLOW_PRIVATE_ACCESS is defined, as only the
 * library's own sources do. Built both ways by `make check-private`. */
#include "hcsms.h"

const char *peek_host(const hcsms_client *client);

const char *peek_host(const hcsms_client *client)
{
    return client->host;
}
