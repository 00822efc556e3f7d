/* virtio-net: a driver for the kit's network stack (net.c), and a script of what to do with it, from the command
 * line (each step only if its word is there, in this order):
 *   mrg=0|1 csum=0|1 tso=0|1 gtso=0|1 ctrl=0|1 mq=N   features to ask for (default: mrg, csum, tso, gtso, ctrl on;
 *                                                     mq off); mq=N asks for N queue pairs through the controlq
 *   waitdev=MS            wait up to MS milliseconds for the NIC to appear (it is hot-added)
 *   gip=N                 our address is 10.0.2.N (default 15); the host (the tap) is 10.0.2.1
 *   rxmode=1              leave promiscuous mode and set a MAC table through the controlq
 *   ping=N                ping the host N times, payloads from 56 to 1400 bytes, on each queue pair in turn;
 *                         pinggap=MS waits that long between pings (default none), pingwait=MS for each reply (5000)
 *   udpcsum=1             send a UDP datagram to host port 7003 with checksum offload and a checksum field the host
 *                         must finish (the partial pseudo-header sum): delivered only if the header got through
 *   tcpsend=BYTES         connect to host port 7001 and send BYTES, in 60000-byte segments the host cuts (with tso)
 *                         or in 1400-byte ones, then close
 *   serve=MS              answer pings and take one TCP stream on port 7002 for MS milliseconds
 *   linkwatch=MS          print each change of the link status for MS milliseconds
 * Prints what it saw, each line starting with "net:". Exits 0 unless the device could not be driven. */
#include "testguest.h"

#define F_CSUM          (1ULL << 0)
#define F_GUEST_CSUM    (1ULL << 1)
#define F_MAC           (1ULL << 5)
#define F_GUEST_TSO4    (1ULL << 7)
#define F_HOST_TSO4     (1ULL << 11)
#define F_MRG_RXBUF     (1ULL << 15)
#define F_STATUS        (1ULL << 16)
#define F_CTRL_VQ       (1ULL << 17)
#define F_CTRL_RX       (1ULL << 18)
#define F_MQ            (1ULL << 22)
#define HDR 12
#define RX_POSTED 128
#define CONFIG_VECTOR_BASE 0x40

static struct virtio_dev dev;
static struct net_if nif;
static int pairs = 1, max_pairs = 1, ctrl_q = -1, tx_pair;
static int mergeable, big;
static uint32_t rx_buf_size;
static uint8_t *rx_bufs[VIRTIO_MAX_QUEUES][256];
static uint8_t *tx_buf;
static uint8_t frame[70000];
static uint32_t rx_frames[4], gso_frames, merged_frames, max_buffers, tx_frames[4];

static void post_rx(int pair, int count)
{
    struct virtq *q = &dev.vq[2 * pair];
    for (int i = 0; i < count; i++) {
        uint16_t d = q->next_free;
        struct virtq_buf b = { rx_bufs[2 * pair][d], rx_buf_size, 1 };
        virtq_add(q, &b, 1);
    }
    virtq_kick(q);
}

static int rx_next(int pair, uint8_t **data, uint32_t *len)
{
    struct virtq *q = &dev.vq[2 * pair];
    uint32_t id, l;
    if (!virtq_poll(q, &id, &l, 0))
        return 0;
    *data = rx_bufs[2 * pair][id % q->size];
    *len = l;
    return 1;
}

/* The next frame from any receive queue of the pairs in use, reassembled from mergeable buffers. */
static int rx(struct net_if *n, uint8_t *buf, uint32_t max)
{
    (void)n;
    for (int p = 0; p < pairs; p++) {
        uint8_t *data;
        uint32_t len;
        if (!rx_next(p, &data, &len))
            continue;
        if (len < HDR) {
            printf("net: receive buffer returned with %u bytes\n", len);
            post_rx(p, 1);
            continue;
        }
        uint16_t buffers = (uint16_t)(data[10] | data[11] << 8);
        if (data[1] != 0)
            gso_frames++;
        uint32_t total = len - HDR < max ? len - HDR : max;
        memcpy(buf, data + HDR, total);
        post_rx(p, 1);
        if (mergeable) {
            if (buffers > max_buffers)
                max_buffers = buffers;
            if (buffers > 1)
                merged_frames++;
            for (int i = 1; i < buffers; i++) {
                uint64_t end = rdtsc() + 1000 * tsc_per_ms();
                while (!rx_next(p, &data, &len)) {
                    if (rdtsc() > end) {
                        printf("net: buffer %d of %d of a frame never came\n", i + 1, buffers);
                        return 0;
                    }
                    pause();
                }
                uint32_t take = total + len <= max ? len : max - total;
                memcpy(buf + total, data, take);
                total += take;
                post_rx(p, 1);
            }
        } else if (buffers != 1) {
            printf("net: num_buffers %u without mergeable buffers\n", buffers);
        }
        rx_frames[p]++;
        return (int)total;
    }
    return 0;
}

static int tx(struct net_if *n, const void *vnet_hdr, const void *f, uint32_t len)
{
    (void)n;
    struct virtq *q = &dev.vq[2 * tx_pair + 1];
    if (vnet_hdr)
        memcpy(tx_buf, vnet_hdr, HDR);
    else
        memset(tx_buf, 0, HDR);
    memcpy(tx_buf + HDR, f, len);
    struct virtq_buf b = { tx_buf, HDR + len, 0 };
    long r = virtq_submit(q, &b, 1, 10000);
    if (r < 0) {
        printf("net: transmit failed (%ld)\n", r);
        return -1;
    }
    tx_frames[tx_pair]++;
    return 0;
}

static int ctrl(uint8_t cls, uint8_t cmd, const void *data, uint32_t len)
{
    static uint8_t *cmdbuf, *ack;
    if (!cmdbuf) {
        cmdbuf = phys_alloc(64, 64);
        ack = phys_alloc(16, 16);
    }
    cmdbuf[0] = cls;
    cmdbuf[1] = cmd;
    memcpy(cmdbuf + 2, data, len);
    *ack = 0xee;
    struct virtq_buf b[2] = { { cmdbuf, 2 + len, 0 }, { ack, 1, 1 } };
    long r = virtq_submit(&dev.vq[ctrl_q], b, 2, 10000);
    return r == 1 ? *ack : -1;
}

static uint16_t link_status(void)
{
    return virtio_cfg_read16(&dev, 6);
}

static void put_hdr(uint8_t *h, uint8_t flags, uint8_t gso, uint16_t hdr_len, uint16_t gso_size, uint16_t cstart,
                    uint16_t coff)
{
    memset(h, 0, HDR);
    h[0] = flags;
    h[1] = gso;
    h[2] = (uint8_t)hdr_len; h[3] = (uint8_t)(hdr_len >> 8);
    h[4] = (uint8_t)gso_size; h[5] = (uint8_t)(gso_size >> 8);
    h[6] = (uint8_t)cstart; h[7] = (uint8_t)(cstart >> 8);
    h[8] = (uint8_t)coff; h[9] = (uint8_t)(coff >> 8);
}

static int udp_offload_send(struct net_if *n, const void *msg, uint32_t len, const uint8_t *hdr);

static int start(void)
{
    uint64_t wanted = F_MAC | F_STATUS;
    if (cmdline_int("mrg", 1))
        wanted |= F_MRG_RXBUF;
    if (cmdline_int("csum", 1))
        wanted |= F_CSUM;
    if (cmdline_int("csum", 1) && cmdline_int("tso", 1))
        wanted |= F_HOST_TSO4;
    if (cmdline_int("gtso", 1))
        wanted |= F_GUEST_CSUM | F_GUEST_TSO4;
    if (cmdline_int("ctrl", 1))
        wanted |= F_CTRL_VQ;
    if (cmdline_has("rxmode"))
        wanted |= F_CTRL_VQ | F_CTRL_RX;
    int mq = (int)cmdline_int("mq", 0);
    if (mq > 1)
        wanted |= F_MQ | F_CTRL_VQ;
    if (virtio_find(VIRTIO_ID_NET, 0, &dev) || virtio_negotiate(&dev, wanted))
        return -1;
    uint64_t f = dev.features;
    max_pairs = (f & F_MQ) ? virtio_cfg_read16(&dev, 8) : 1;
    if (max_pairs > 4)
        max_pairs = 4;
    int queues = 2 * max_pairs + ((f & F_CTRL_VQ) ? 1 : 0);
    ctrl_q = (f & F_CTRL_VQ) ? 2 * max_pairs : -1;
    if (pci_msix_init(&dev.pci, &dev.msix))
        return -1;
    for (int q = 0; q < queues; q++) {
        if (virtio_queue_setup(&dev, q, 256, VIRTIO_NO_VECTOR))
            return -1;
    }
    pci_msix_route(&dev.msix, 0, CONFIG_VECTOR_BASE, cpu_id());
    virtio_config_vector(&dev, 0);
    mergeable = (f & F_MRG_RXBUF) != 0;
    big = !mergeable && (f & F_GUEST_TSO4);
    rx_buf_size = mergeable ? 2048 : big ? HDR + 65550 : HDR + 1514;
    for (int p = 0; p < max_pairs; p++)
        for (int d = 0; d < 256; d++)
            rx_bufs[2 * p][d] = phys_alloc(rx_buf_size, 64);
    tx_buf = phys_alloc(HDR + 65600, 64);
    virtio_driver_ok(&dev);
    for (int p = 0; p < max_pairs; p++)
        post_rx(p, big ? 32 : RX_POSTED);
    for (int i = 0; i < 6; i++)
        nif.mac[i] = virtio_cfg_read8(&dev, i);
    printf("net: mac %02x:%02x:%02x:%02x:%02x:%02x features 0x%lx pairs %d link %s\n", nif.mac[0], nif.mac[1],
           nif.mac[2], nif.mac[3], nif.mac[4], nif.mac[5], (unsigned long)f, max_pairs,
           (link_status() & 1) ? "up" : "down");
    if (mq > 1 && (f & F_MQ)) {
        uint8_t n[2] = { (uint8_t)mq, 0 };
        int ack = ctrl(4, 0, n, 2);
        if (ack == 0)
            pairs = mq <= max_pairs ? mq : max_pairs;
        printf("net: queue pairs %d (ack %d)\n", pairs, ack);
    }
    return 0;
}

int main(void)
{
    long wait = cmdline_int("waitdev", 0);
    if (wait) {
        struct pci_dev d;
        printf("net: waiting for a NIC\n");
        uint64_t end = rdtsc() + (uint64_t)wait * tsc_per_ms();
        while (pci_find(0x1af4, 0x1041, 0, &d) && rdtsc() < end)
            delay_us(20000);
    }
    if (start())
        return 1;
    if (cmdline_has("rxmode")) {
        uint8_t off = 0;
        int promisc = ctrl(0, 0, &off, 1);
        uint8_t tables[4 + 4 + 6] = { 0, 0, 0, 0, 1, 0, 0, 0, 0x01, 0x00, 0x5e, 0x00, 0x00, 0x42 };
        int macs = ctrl(1, 0, tables, sizeof tables);
        printf("net: rx mode set (promisc off ack %d, mac table ack %d)\n", promisc, macs);
    }
    nif.ip = NET_IP(10, 0, 2, cmdline_int("gip", 15));
    nif.peer_ip = NET_IP(10, 0, 2, 1);
    nif.tx = tx;
    nif.rx = rx;
    lapic_enable();
    sti();
    if (cmdline_has("ping") || cmdline_has("udpcsum") || cmdline_has("tcpsend")) {
        if (net_resolve(&nif, 20000)) {
            printf("net: the host never answered ARP\n");
            return 2;
        }
        printf("net: host mac %02x:%02x:%02x:%02x:%02x:%02x\n", nif.peer_mac[0], nif.peer_mac[1], nif.peer_mac[2],
               nif.peer_mac[3], nif.peer_mac[4], nif.peer_mac[5]);
    }
    long pings = cmdline_int("ping", 0);
    for (long i = 0; i < pings; i++) {
        tx_pair = (int)(i % pairs);
        uint32_t before = nif.echo_replies;
        net_ping(&nif, nif.peer_ip, (uint16_t)(i + 1), 56 + (uint32_t)((i * 449) % 1345));
        uint64_t end = rdtsc() + (uint64_t)cmdline_int("pingwait", 5000) * tsc_per_ms();
        while (nif.echo_replies == before && rdtsc() < end)
            if (!net_poll(&nif))
                pause();
        long gap = cmdline_int("pinggap", 0);
        if (gap)
            net_serve(&nif, (uint64_t)gap);
    }
    tx_pair = 0;
    if (pings)
        printf("net: ping replies %u/%ld largest %u\n", nif.echo_replies, pings, nif.largest_echo);
    if (cmdline_has("udpcsum")) {
        uint8_t h[HDR];
        /* csum_start at the UDP header (14 + 20), csum_offset 6: the host adds the rest to our pseudo sum. */
        put_hdr(h, 1, 0, 0, 0, 34, 6);
        static const char msg[] = "modvm-udp-csum-offload";
        udp_offload_send(&nif, msg, sizeof msg - 1, h);
        printf("net: udp with checksum offload sent\n");
    }
    long bytes = cmdline_int("tcpsend", 0);
    if (bytes) {
        if (net_tcp_connect(&nif, nif.peer_ip, 7001, 10000)) {
            printf("net: tcp connect to the host failed\n");
            return 3;
        }
        static uint8_t data[60000];
        for (uint32_t i = 0; i < sizeof data; i++)
            data[i] = (uint8_t)('a' + i % 26);
        int tso = (dev.features & F_HOST_TSO4) != 0;
        uint32_t seg = tso ? 60000 : 1400;
        long sent = 0;
        while (sent < bytes) {
            uint32_t n = (uint32_t)(bytes - sent < seg ? bytes - sent : seg);
            uint8_t h[HDR];
            if (tso && n > 1448)
                put_hdr(h, 1, 1, 54, 1448, 34, 16);
            else if (tso)
                put_hdr(h, 1, 0, 0, 0, 34, 16);
            net_tcp_write(&nif, data, n, tso ? h : 0);
            sent += n;
            uint32_t want = nif.out.snd_nxt;
            uint64_t end = rdtsc() + 10000 * tsc_per_ms();
            while (nif.out.acked != want && rdtsc() < end)
                if (!net_poll(&nif))
                    pause();
        }
        net_tcp_close(&nif, 10000);
        printf("net: tcp sent %ld bytes in %s segments, acked %s\n", sent, tso ? "offloaded" : "plain",
               nif.out.acked == nif.out.snd_nxt - 1 || nif.out.acked == nif.out.snd_nxt ? "all" : "not all");
    }
    long serve = cmdline_int("serve", 0);
    if (serve) {
        net_tcp_listen(&nif, 7002);
        printf("net: serving for %ld ms\n", serve);
        net_serve(&nif, (uint64_t)serve);
        printf("net: served echo %u arp %u tcp bytes %lu largest %u gso frames %u merged frames %u max buffers %u\n",
               nif.echo_answered, nif.arp_answered, (unsigned long)nif.in.bytes, nif.in.largest, gso_frames,
               merged_frames, max_buffers);
    }
    long watch = cmdline_int("linkwatch", 0);
    if (watch) {
        uint16_t last = link_status();
        printf("net: link %s\n", (last & 1) ? "up" : "down");
        uint64_t end = rdtsc() + (uint64_t)watch * tsc_per_ms();
        uint32_t seen = vector_count(CONFIG_VECTOR_BASE);
        while (rdtsc() < end) {
            net_poll(&nif);
            uint32_t now = vector_count(CONFIG_VECTOR_BASE);
            if (now != seen) {
                seen = now;
                uint16_t s = link_status();
                if (s != last) {
                    printf("net: link %s (config interrupt %u)\n", (s & 1) ? "up" : "down", now);
                    last = s;
                }
            }
            pause();
        }
    }
    cli();
    printf("net: rx frames");
    for (int p = 0; p < pairs; p++)
        printf(" %u", rx_frames[p]);
    printf(" tx frames");
    for (int p = 0; p < pairs; p++)
        printf(" %u", tx_frames[p]);
    printf("\nnet: done\n");
    return 0;
}

/* A UDP datagram to host port 7003 whose checksum field holds only the pseudo-header sum: a host that ignored the
 * header's NEEDS_CSUM would find the checksum wrong and drop it. */
static int udp_offload_send(struct net_if *n, const void *msg, uint32_t len, const uint8_t *hdr)
{
    static uint8_t f[14 + 20 + 8 + 1400];
    if (len > 1400)
        return -1;
    memcpy(f, n->peer_mac, 6);
    memcpy(f + 6, n->mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    uint16_t tot = (uint16_t)(20 + 8 + len);
    ip[2] = (uint8_t)(tot >> 8);
    ip[3] = (uint8_t)tot;
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = 17;
    uint32_t s = n->ip, d = n->peer_ip;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (uint8_t)(s >> (24 - 8 * i));
        ip[16 + i] = (uint8_t)(d >> (24 - 8 * i));
    }
    uint16_t ipsum = (uint16_t)~net_fold(net_sum(ip, 20, 0));
    ip[10] = (uint8_t)(ipsum >> 8);
    ip[11] = (uint8_t)ipsum;
    uint8_t *udp = ip + 20;
    udp[0] = 0x9c;                  /* source port 40000 */
    udp[1] = 0x40;
    udp[2] = 0x1b;                  /* destination port 7003 */
    udp[3] = 0x5b;
    udp[4] = (uint8_t)((8 + len) >> 8);
    udp[5] = (uint8_t)(8 + len);
    uint16_t partial = net_fold(net_pseudo_sum(s, d, 17, 8 + len));
    udp[6] = (uint8_t)(partial >> 8);
    udp[7] = (uint8_t)partial;
    memcpy(udp + 8, msg, len);
    return n->tx(n, hdr, f, 14 + 20 + 8 + len);
}
