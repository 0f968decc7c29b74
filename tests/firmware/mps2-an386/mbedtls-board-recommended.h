/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbedTLS configuration for the mps2-an386 test board: hcsms's RECOMMENDED
 * bare-metal configuration (configs/mbedtls-hcsms-baremetal.h), plus the
 * board's additions: a static pool instead of the C heap, and the wall
 * clock the board has (so certificate dates are checked and TLS sessions
 * can be resumed).
 */
#ifndef HCSMS_MPS2_MBEDTLS_BOARD_RECOMMENDED_H
#define HCSMS_MPS2_MBEDTLS_BOARD_RECOMMENDED_H
#include "../../../configs/mbedtls-hcsms-baremetal.h"
#include "mbedtls-board-common.h"
#endif
