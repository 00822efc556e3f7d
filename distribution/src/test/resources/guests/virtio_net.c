/* virtio-net: a driver for the kit's network stack (net.c), and a script of what to do with it, from the command
 * line (each step only if its word is there, in this order):
 *   mrg=0|1 csum=0|1 tso=0|1 gtso=0|1 ctrl=0|1 mq=N   features to ask for (default: mrg, csum, tso, gtso, ctrl on;
 *                                                     mq off); mq=N asks for N queue pairs through the controlq
 *   waitdev=MS            wait up to MS milliseconds for the NIC to appear (it is hot-added)
 *   gip=N                 our address is 10.0.2.N (default 15); the host (the tap) is 10.0.2.1
 *   rxmode=1              leave promiscuous mode and set a MAC table through the controlq
 *   garbage=1             first put malformed chains in front of the device (bad headers, buffers outside RAM,
 *                         a header cut short); each must come back, with no DEVICE_NEEDS_RESET; then break the
 *                         transmitq's avail index, expect DEVICE_NEEDS_RESET, reset and start the device again
 *   ping=N                ping the host N times, payloads from 56 to 1400 bytes, on each queue pair in turn;
 *                         pinggap=MS waits that long between pings (default none), pingwait=MS for each reply (5000)
 *   udpcsum=1             send a UDP datagram to host port 7003 with checksum offload and a checksum field the host
 *                         must finish (the partial pseudo-header sum): delivered only if the header got through
 *   tcpsend=BYTES         connect to host port 7001 and send BYTES, in 60000-byte segments the host cuts (with tso)
 *                         or in 1400-byte ones, then close
 *   serve=MS              answer pings and take one TCP stream on port 7002 for MS milliseconds; with pattern=MIB
 *                         also check and rewrite a MIB working set between polls, as migrate_pattern.c does
 *                         ("CORRUPT page P" and exit 3 for a page found changed; "pass N ticks 0 echo E seq S last L"
 *                         every=K passes, default 20; this guest runs no timer), so that a migration that loses a
 *                         page the vCPU wrote while frames flow is caught
 *   linkwatch=MS          print each change of the link status for MS milliseconds
 * Numbered datagrams to UDP port 7004 are checked whatever the script: "net: stale frame" for one out of order.
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

/* Numbered datagrams to UDP port 7004 ("SEQ1", a big-endian count; the host's UdpSequenceSender) must come in
 * order: one that goes back is a receive buffer the guest read with older contents than the device wrote (stale
 * after a migration), and is reported. */
static uint32_t last_seq, seq_frames, stale_frames;

static void check_sequence(const uint8_t *f, uint32_t len)
{
    if (len < 14 + 20 + 8 + 8 || f[12] != 0x08 || f[13] != 0x00 || f[14 + 9] != 17)
        return;
    const uint8_t *udp = f + 14 + (f[14] & 0x0f) * 4;
    const uint8_t *data = udp + 8;
    if ((udp[2] << 8 | udp[3]) != 7004 || data + 8 > f + len || memcmp(data, "SEQ1", 4) != 0)
        return;
    uint32_t seq = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 | data[7];
    if (seq <= last_seq) {
        stale_frames++;
        printf("net: stale frame seq %u after %u\n", seq, last_seq);
    } else {
        last_seq = seq;
    }
    seq_frames++;
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
        check_sequence(buf, total);
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

/* The vnet header of one TCP segment the guest hands over whole: the host finishes the checksum and, above one MSS,
 * cuts it into 1448-byte segments. */
static const void *tso_header(uint8_t *h, uint32_t len)
{
    if (len > 1448)
        put_hdr(h, 1, 1, 54, 1448, 34, 16);
    else
        put_hdr(h, 1, 0, 0, 0, 34, 16);
    return h;
}

static int udp_offload_send(struct net_if *n, const void *msg, uint32_t len, const uint8_t *hdr);
static int start(void);

#define OUTSIDE_RAM (1ULL << 40)

/* One malformed transmit chain: it must come back (used), whatever the device made of it. */
static int bad_tx(const char *what, const uint8_t *hdr, uint32_t hdr_len, uint32_t frame_len)
{
    struct virtq *q = &dev.vq[1];
    memset(tx_buf, 0, HDR + 64);
    memcpy(tx_buf, hdr, hdr_len);
    struct virtq_buf b = { tx_buf, hdr_len + frame_len, 0 };
    long r = virtq_submit(q, &b, 1, 10000);
    printf("net: garbage %s: %s\n", what, r >= 0 ? "returned" : "NOT returned");
    return r >= 0 ? 0 : -1;
}

static int garbage(void)
{
    int bad = 0;
    uint8_t h[HDR];
    put_hdr(h, 0xff, 0, 0, 0, 0, 0);
    bad |= bad_tx("flags 0xff", h, HDR, 60);
    put_hdr(h, 0, 0x42, 54, 1448, 0, 0);
    bad |= bad_tx("gso_type 0x42", h, HDR, 60);
    put_hdr(h, 1, 0, 0, 0, 60000, 6);
    bad |= bad_tx("csum_start past the frame", h, HDR, 60);
    put_hdr(h, 1, 1, 54, 0, 34, 16);
    bad |= bad_tx("gso_size 0", h, HDR, 60);
    put_hdr(h, 0, 0, 0, 0, 0, 0);
    bad |= bad_tx("a 4-byte frame", h, HDR, 4);
    bad |= bad_tx("a header cut short", h, 6, 0);
    struct virtq *q = &dev.vq[1];
    uint16_t d = q->next_free;
    virtq_raw_desc(q, d, OUTSIDE_RAM, 100, 0, 0);
    q->next_free = (uint16_t)((d + 1) % q->size);
    virtq_raw_publish(q, d);
    virtq_kick(q);
    uint32_t id, len;
    int back = virtq_poll(q, &id, &len, 10000);
    printf("net: garbage buffer outside RAM: %s\n", back && id == d ? "returned" : "NOT returned");
    bad |= back && id == d ? 0 : -1;
    struct virtq *rq = &dev.vq[0];
    uint16_t rd = rq->next_free;
    virtq_raw_desc(rq, rd, OUTSIDE_RAM, 2048, VIRTQ_DESC_F_WRITE, 0);
    rq->next_free = (uint16_t)((rd + 1) % rq->size);
    virtq_raw_publish(rq, rd);
    virtq_kick(rq);
    uint8_t st = virtio_status(&dev);
    printf("net: after the garbage the device %s\n", (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) ? "NEEDS RESET"
           : "runs on");
    bad |= (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) ? -1 : 0;
    return bad;
}

/* A transmitq whose avail index jumps past the ring: the device cannot trust it and asks for a reset. */
static int broken_ring(void)
{
    struct virtq *q = &dev.vq[1];
    virtq_raw_avail_idx(q, (uint16_t)(q->avail_idx + 1000));
    virtq_kick(q);
    uint64_t end = rdtsc() + 60000 * tsc_per_ms();
    while (!(virtio_status(&dev) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) && rdtsc() < end)
        pause();
    int needs = (virtio_status(&dev) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0;
    printf("net: avail index past the ring: %s\n", needs ? "DEVICE_NEEDS_RESET" : "no reset asked for");
    if (!needs || virtio_reset(&dev) || start())
        return -1;
    printf("net: started again after the reset\n");
    return 0;
}

static int start(void)
{
    for (int p = 0; p < 4; p++)
        rx_frames[p] = tx_frames[p] = 0;
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

static uint64_t pattern(uint64_t page, uint64_t word, uint64_t gen)
{
    uint64_t x = page * 0x9E3779B97F4A7C15ull ^ gen * 0xC2B2AE3D27D4EB4Full ^ word;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

/* net_serve, with one page of the working set checked and rewritten between polls. */
static void serve_with_pattern(uint64_t ms, uint64_t pages, uint64_t every)
{
    uint64_t *gens = phys_alloc(pages * 8, 4096);
    uint64_t *area = phys_alloc(pages * 4096, 4096);
    if (!gens || !area) {
        printf("net: not enough RAM for the working set (raise -m or lower pattern=)\n");
        debug_exit(2);
    }
    uint64_t end = rdtsc() + ms * tsc_per_ms();
    uint64_t pass = 1, p = 0;
    while (rdtsc() < end) {
        net_poll(&nif);
        volatile uint64_t *pg = area + p * 512;
        uint64_t g = gens[p];
        for (uint64_t w = 0; g && w < 512; w++) {
            if (pg[w] != pattern(p, w, g)) {
                printf("CORRUPT page %d word %d pass %d\n", (int)p, (int)w, (int)pass);
                debug_exit(3);
            }
        }
        g++;
        for (uint64_t w = 0; w < 512; w++)
            pg[w] = pattern(p, w, g);
        gens[p] = g;
        if (++p == pages) {
            if (pass % every == 0)
                printf("pass %d ticks 0 echo %u seq %u last %u\n", (int)pass, nif.echo_answered, seq_frames,
                       last_seq);
            pass++;
            p = 0;
        }
    }
}

int main(void)
{
    long wait = cmdline_int("waitdev", 0);
    if (wait) {
        struct pci_dev d;
        printf("net: waiting for a NIC\n");
        uint64_t end = rdtsc() + (uint64_t)wait * tsc_per_ms();
        while (pci_find(0x1af4, 0x1000, 0, &d) && pci_find(0x1af4, 0x1041, 0, &d) && rdtsc() < end)
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
    if (cmdline_has("garbage") && (garbage() || broken_ring()))
        return 4;
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
        uint32_t base = nif.out.snd_nxt;
        long resent = net_tcp_send_pattern(&nif, data, tso ? 60000 : 1400, bytes, tso ? tso_header : 0, 10000);
        long sent = resent < 0 ? (long)(nif.out.acked - base) : bytes;
        printf("net: tcp retransmits %ld\n", resent);
        net_tcp_close(&nif, 10000);
        printf("net: tcp sent %ld bytes in %s segments, acked %s\n", sent, tso ? "offloaded" : "plain",
               nif.out.acked == nif.out.snd_nxt - 1 || nif.out.acked == nif.out.snd_nxt ? "all" : "not all");
    }
    long serve = cmdline_int("serve", 0);
    if (serve) {
        net_tcp_listen(&nif, 7002);
        printf("net: serving for %ld ms\n", serve);
        long mib = cmdline_int("pattern", 0);
        if (mib)
            serve_with_pattern((uint64_t)serve, (uint64_t)mib * 256, (uint64_t)cmdline_int("every", 20));
        else
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
