/*
 * Network bring-up for the firmware link test: lwIP's tcpip thread and one
 * Ethernet interface with IPv4 and IPv6, as a device would have, so that
 * ARP, neighbour discovery and the Ethernet input path are in the image.
 *
 * The MAC driver is a LINK-ONLY STUB: a device's ethernetif.c moves frames
 * between the MAC's DMA rings and lwIP (linkoutput below, and an RX task
 * calling netif->input). Addresses are from the documentation ranges.
 */
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "firmware.h"

static struct netif ethernet;

static err_t stub_linkoutput(struct netif *netif, struct pbuf *frame)
{
    /* LINK-ONLY STUB: queue frame on the MAC's TX DMA ring. */
    (void)netif;
    (void)frame;
    return ERR_IF;
}

static err_t stub_ethernet_init(struct netif *netif)
{
    static const u8_t mac[ETH_HWADDR_LEN] = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};

    netif->name[0] = 'e';
    netif->name[1] = '0';
    netif->output = etharp_output;
    netif->output_ip6 = ethip6_output;
    netif->linkoutput = stub_linkoutput;
    netif->mtu = 1500;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    MEMCPY(netif->hwaddr, mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                   NETIF_FLAG_MLD6;
    return ERR_OK;
}

void firmware_network_start(void)
{
    ip4_addr_t address, netmask, gateway;
    ip_addr_t dns_server;

    tcpip_init(NULL, NULL);
    IP4_ADDR(&address, 192, 0, 2, 10);
    IP4_ADDR(&netmask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 192, 0, 2, 1);
    IP_ADDR4(&dns_server, 192, 0, 2, 53);

    LOCK_TCPIP_CORE();
    (void)netif_add(&ethernet, &address, &netmask, &gateway, NULL, stub_ethernet_init,
                    tcpip_input);
    netif_create_ip6_linklocal_address(&ethernet, 1);
    ethernet.ip6_autoconfig_enabled = 1; /* the setter macro trips -Waddress */
    netif_set_default(&ethernet);
    netif_set_up(&ethernet);
    netif_set_link_up(&ethernet);
    dns_setserver(0, &dns_server);
    UNLOCK_TCPIP_CORE();
}
