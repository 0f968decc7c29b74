/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMSC LAN9118 driver for lwIP, polled, 32-bit bus, PIO through the FIFOs.
 * Written from the LAN9118 datasheet's register map and checked against
 * QEMU's model (hw/net/lan9118.c); see lan9118.h.
 *
 * TX: command A (first and last segment, buffer size), command B (packet
 * length), then the frame as little-endian words; one frame at a time.
 * RX: the status FIFO gives each frame's length (including the 4-byte FCS)
 * and error bit; the data FIFO then holds ceil(length / 4) words.
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "board.h"
#include "lan9118.h"

#define LAN9118_BASE 0x40200000u
#define REG(offset) (*(volatile uint32_t *)(LAN9118_BASE + (offset)))

#define RX_DATA_FIFO 0x00u
#define TX_DATA_FIFO 0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define ID_REV 0x50u
#define INT_EN 0x5cu
#define BYTE_TEST 0x64u
#define RX_CFG 0x6cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7cu
#define TX_FIFO_INF 0x80u
#define PMT_CTRL 0x84u
#define MAC_CSR_CMD 0xa4u
#define MAC_CSR_DATA 0xa8u

#define BYTE_TEST_VALUE 0x87654321u
#define HW_CFG_SRST 0x1u
#define PMT_CTRL_READY 0x1u
#define TX_CFG_TX_ON 0x2u
#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u

#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_CR_FDPX 0x00100000u
#define MAC_CR_MCPAS 0x00080000u /* all multicast: IPv6 neighbour discovery */
#define MAC_CR_TXEN 0x8u
#define MAC_CR_RXEN 0x4u

#define TX_CMD_A_FIRST 0x2000u
#define TX_CMD_A_LAST 0x1000u
#define RX_STATUS_ERROR 0x8000u
#define FCS_LEN 4u
#define FRAME_MAX 1518u      /* with FCS, without VLAN tag */
#define POLL_FRAMES_MAX 8
#define SPIN_MAX 100000u

static uint32_t frame_words[(FRAME_MAX + 3) / 4];

static int mac_wait(void)
{
    uint32_t spins = 0;

    while ((REG(MAC_CSR_CMD) & CSR_BUSY) != 0)
        if (++spins == SPIN_MAX)
            return -1;
    return 0;
}

static int mac_read(uint32_t reg, uint32_t *value)
{
    if (mac_wait() != 0)
        return -1;
    REG(MAC_CSR_CMD) = CSR_BUSY | CSR_READ | reg;
    if (mac_wait() != 0)
        return -1;
    *value = REG(MAC_CSR_DATA);
    return 0;
}

static int mac_write(uint32_t reg, uint32_t value)
{
    if (mac_wait() != 0)
        return -1;
    REG(MAC_CSR_DATA) = value;
    REG(MAC_CSR_CMD) = CSR_BUSY | reg;
    return mac_wait();
}

static err_t lan9118_output(struct netif *netif, struct pbuf *frame)
{
    uint32_t len = frame->tot_len, words = (len + 3u) / 4u, i;

    (void)netif;
    if (len < 14u || len > FRAME_MAX - FCS_LEN)
        return ERR_ARG;
    /* The status FIFO fills up if never read; nothing in it is needed. */
    while (((REG(TX_FIFO_INF) >> 16) & 0xffu) != 0)
        (void)REG(TX_STATUS_FIFO);
    if ((REG(TX_FIFO_INF) & 0xffffu) < len + 8u)
        return ERR_MEM;
    frame_words[words - 1] = 0;
    if (pbuf_copy_partial(frame, frame_words, (u16_t)len, 0) != len)
        return ERR_BUF;
    REG(TX_DATA_FIFO) = TX_CMD_A_FIRST | TX_CMD_A_LAST | len;
    REG(TX_DATA_FIFO) = len; /* command B: packet length, tag 0 */
    for (i = 0; i < words; i++)
        REG(TX_DATA_FIFO) = frame_words[i];
    return ERR_OK;
}

int lan9118_poll(struct netif *netif)
{
    int taken = 0;

    while (taken < POLL_FRAMES_MAX && ((REG(RX_FIFO_INF) >> 16) & 0xffu) != 0) {
        uint32_t status = REG(RX_STATUS_FIFO);
        uint32_t len = (status >> 16) & 0x3fffu, words = (len + 3u) / 4u, i;
        struct pbuf *p = NULL;

        if (words > sizeof(frame_words) / 4u) {
            /* Longer than any frame we accept: drain it word by word. */
            for (i = 0; i < words; i++)
                (void)REG(RX_DATA_FIFO);
            taken++;
            continue;
        }
        for (i = 0; i < words; i++)
            frame_words[i] = REG(RX_DATA_FIFO);
        taken++;
        if ((status & RX_STATUS_ERROR) != 0 || len < 14u + FCS_LEN)
            continue;
        p = pbuf_alloc(PBUF_RAW, (u16_t)(len - FCS_LEN), PBUF_POOL);
        if (p == NULL)
            continue; /* out of buffers: dropped, TCP sends it again */
        (void)pbuf_take(p, frame_words, (u16_t)(len - FCS_LEN));
        if (netif->input(p, netif) != ERR_OK)
            pbuf_free(p);
    }
    return taken;
}

err_t lan9118_netif_init(struct netif *netif)
{
    uint32_t low, high, spins = 0;

    if (REG(BYTE_TEST) != BYTE_TEST_VALUE || (REG(ID_REV) >> 16) != 0x0118u)
        return ERR_IF;
    REG(HW_CFG) = HW_CFG_SRST;
    while ((REG(HW_CFG) & HW_CFG_SRST) != 0 || (REG(PMT_CTRL) & PMT_CTRL_READY) == 0)
        if (++spins == SPIN_MAX)
            return ERR_IF;
    REG(INT_EN) = 0;
    REG(RX_CFG) = 0; /* no offset, no end padding */
    if (mac_read(MAC_ADDRL, &low) != 0 || mac_read(MAC_ADDRH, &high) != 0)
        return ERR_IF;
    netif->hwaddr[0] = (u8_t)low;
    netif->hwaddr[1] = (u8_t)(low >> 8);
    netif->hwaddr[2] = (u8_t)(low >> 16);
    netif->hwaddr[3] = (u8_t)(low >> 24);
    netif->hwaddr[4] = (u8_t)high;
    netif->hwaddr[5] = (u8_t)(high >> 8);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    if (mac_write(MAC_CR, MAC_CR_FDPX | MAC_CR_MCPAS | MAC_CR_TXEN | MAC_CR_RXEN) != 0)
        return ERR_IF;
    REG(TX_CFG) = TX_CFG_TX_ON;

    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
#if LWIP_IPV6
    netif->output_ip6 = ethip6_output;
#endif
    netif->linkoutput = lan9118_output;
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    return ERR_OK;
}
