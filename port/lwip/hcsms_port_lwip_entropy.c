/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP port's entropy: the application's hcsms_port_lwip_entropy() (see
 * hcsms_port_lwip.h), with no fallback.
 */
#include "hcsms_port_lwip_private.h"

#include "hcsms/error.h"
#include "hcsms/port.h"
#include "hcsms_port_lwip.h"

int hcsms_port_entropy(unsigned char *out, size_t len)
{
    if (len == 0)
        return 0;
    if (out == NULL)
        return HCSMS_ERR_ENTROPY;
    return hcsms_port_lwip_entropy(out, len) == 0 ? 0 : HCSMS_ERR_ENTROPY;
}
