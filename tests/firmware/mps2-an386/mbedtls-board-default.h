/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedTLS user configuration for the mps2-an386 test board with mbedTLS's
 * DEFAULT configuration: what bare metal lacks is taken out
 * (scripts/mbedtls-baremetal-config.h), then the board's additions:
 * a static pool instead of the C heap, and the wall clock the board has.
 */
#ifndef HCSMS_MPS2_MBEDTLS_BOARD_DEFAULT_H
#define HCSMS_MPS2_MBEDTLS_BOARD_DEFAULT_H
#include "../../../scripts/mbedtls-baremetal-config.h"
#include "mbedtls-board-common.h"
#endif
