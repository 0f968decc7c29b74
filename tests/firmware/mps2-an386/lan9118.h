/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A polled lwIP driver for the SMSC LAN9118 Ethernet controller of the
 * mps2-an386 board (0x40200000; its IRQ 13 stays disabled).
 */
#ifndef HCSMS_MPS2_LAN9118_H
#define HCSMS_MPS2_LAN9118_H

#include "lwip/netif.h"

/* netif_add()'s init callback: resets the controller, takes the MAC
 * address it holds (QEMU's -nic macaddr), enables TX and RX. */
err_t lan9118_netif_init(struct netif *netif);

/* Move the frames waiting in the RX FIFO (at most a few) to
 * netif->input. Returns how many frames were taken. */
int lan9118_poll(struct netif *netif);

#endif
