/* bench: virtio-net packet rates and throughput over a tap, timed by the guest with RDTSC.
 *
 * Drives the first virtio-net-pci device (modern interface, the kit's driver, one queue pair) by polling: no MSI-X,
 * VRING_AVAIL_F_NO_INTERRUPT set on both queues, so neither VMM injects interrupts; the guest spins at CPL3 (native
 * even on PVM) on the used rings. It negotiates what Linux's virtio_net would for these tests: mergeable receive
 * buffers, checksum and TCP segmentation offload both ways. It kicks only when the device has not set
 * VRING_USED_F_NO_NOTIFY (it is still processing the ring), as Linux does without EVENT_IDX; the kicks are counted.
 *
 * The harness steers it with control frames (ethertype 0x88B6, text payload) from the host side of the tap, so it
 * can read the tap's counters between tests:
 *   "tx LEN N"     N frames of LEN bytes (Ethernet header and payload; no FCS) of ethertype 0x88B5, which the host
 *                  kernel drops as soon as it finds no handler for it, to a locally administered MAC; every
 *                  descriptor of the transmitq holds one frame, and each is put back as soon as the device returns
 *                  it: as fast as the ring allows. Timed from the first frame made available to the last returned.
 *   "tso BYTES"    a TCP connection to the host, 10.0.2.1 port 7001, and BYTES of payload in 60000-byte segments that
 *                  the host cuts (GSO TCPv4 in the vnet header, MSS 1448), up to TSO_SLOTS of them in flight within
 *                  the window the host offers (window scaling on); no retransmission: a lost segment shows as a
 *                  timeout. Timed from the first segment to the last byte acknowledged.
 *   "rx"           counts the frames of ethertype 0x88B5 that arrive, until an "end" control frame; each carries its
 *                  sequence number, so frames lost on the way show as gaps. Timed from the first frame seen to the
 *                  last (read once per drained batch: RDTSC per frame could be an exit on some hosts).
 *   "quit"         leaves through isa-debug-exit.
 * Everything else that arrives goes to the kit's network stack (ARP, ICMP, the TCP connection).
 *
 * Prints "BENCH-NET ready" once, then one line per test with raw TSC counts; the harness turns them into rates with
 * the host TSC rate. */
#include "testguest.h"

#define F_CSUM          (1ULL << 0)
#define F_GUEST_CSUM    (1ULL << 1)
#define F_MAC           (1ULL << 5)
#define F_GUEST_TSO4    (1ULL << 7)
#define F_HOST_TSO4     (1ULL << 11)
#define F_MRG_RXBUF     (1ULL << 15)
#define F_STATUS        (1ULL << 16)
#define HDR 12                          /* virtio_net_hdr_v1 */
#define ETH_BENCH 0x88B5                /* IEEE local experimental: nothing on the host handles it */
#define ETH_CTL   0x88B6
#define AVAIL_F_NO_INTERRUPT 1
#define USED_F_NO_NOTIFY     1
#define QSIZE 256
#define BUF 2048                        /* every receive buffer, and the transmit buffers of small frames */
#define TSO_SLOTS 16                    /* descriptors 0..TSO_SLOTS-1 of the transmitq carry the 60000-byte segments */
#define TSO_SEG 60000
#define TSO_MSS 1448
#define BIG (HDR + NET_TCP_HEADERS + TSO_SEG)
#define TIMEOUT_MS 30000

static struct virtio_dev dev;
static struct virtq *rxq, *txq;
static struct net_if nif;
static uint8_t *rx_buf[QSIZE];
static uint8_t *tx_small[QSIZE], *tx_big[TSO_SLOTS];
/* Free transmit descriptors: the big ones (ids below TSO_SLOTS) and the small ones, each a stack. */
static uint16_t free_big[TSO_SLOTS], free_small[QSIZE];
static int nbig, nsmall;
static uint64_t kicks, timeout_tsc;
static char cmd[64];
static int have_cmd;
static uint8_t gather[70000];           /* a frame spread over mergeable buffers, put together */
static uint16_t taken[QSIZE];           /* receive buffers of the frame in hand, put back by rx_done() */
static int ntaken;

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Notifies the device unless it said it needs no notification (it is processing the ring). */
static void kick(struct virtq *q)
{
    mfence();           /* avail index before reading the used flags */
    if (!(q->used->flags & USED_F_NO_NOTIFY)) {
        mmio_write16(q->notify, (uint16_t)q->index);
        kicks++;
    }
}

/* ---- transmit ---- */

static void tx_publish(uint16_t d, const uint8_t *buf, uint32_t len)
{
    virtq_raw_desc(txq, d, (uint64_t)(uintptr_t)buf, len, 0, 0);
    virtq_raw_publish(txq, d);
}

/* Takes back what the device returned; returns how many. */
static uint32_t tx_reclaim(void)
{
    uint32_t n = 0;
    while (txq->used->idx != txq->last_used) {
        barrier();
        uint16_t d = (uint16_t)txq->used->ring[txq->last_used % txq->size].id;
        txq->last_used++;
        if (d < TSO_SLOTS)
            free_big[nbig++] = d;
        else
            free_small[nsmall++] = d;
        n++;
    }
    return n;
}

/* The kit stack's transmit hook (ARP, TCP control segments): copies the frame into a free descriptor's buffer and
 * sends it without waiting for it. */
static int tx(struct net_if *n, const void *vnet_hdr, const void *f, uint32_t len)
{
    (void)n;
    if (HDR + len > BUF) {
        printf("BENCH-NET error: a %u-byte frame from the stack\n", len);
        return -1;
    }
    uint64_t end = rdtsc() + timeout_tsc;
    while (!nsmall) {
        if (!tx_reclaim() && rdtsc() > end) {
            printf("BENCH-NET error: the transmitq returned nothing for %d ms\n", TIMEOUT_MS);
            return -1;
        }
    }
    uint16_t d = free_small[--nsmall];
    if (vnet_hdr)
        memcpy(tx_small[d], vnet_hdr, HDR);
    else
        memset(tx_small[d], 0, HDR);
    memcpy(tx_small[d] + HDR, f, len);
    tx_publish(d, tx_small[d], HDR + len);
    kick(txq);
    return 0;
}

static void test_tx(uint32_t len, uint64_t n)
{
    if (len < 60 || HDR + len > BUF) {
        printf("BENCH-NET error: tx frames must be 60..%d bytes, not %u\n", BUF - HDR, len);
        return;
    }
    tx_reclaim();
    if (nbig + nsmall != QSIZE) {
        printf("BENCH-NET error: %d transmit descriptors still with the device\n", QSIZE - nbig - nsmall);
        return;
    }
    /* Every descriptor gets a small buffer with the same frame, made once. */
    for (int d = 0; d < QSIZE; d++) {
        uint8_t *b = tx_small[d];
        memset(b, 0, HDR + len);
        memcpy(b + HDR, "\x02\x00\x00\x00\x00\x01", 6);
        memcpy(b + HDR + 6, nif.mac, 6);
        b[HDR + 12] = ETH_BENCH >> 8;
        b[HDR + 13] = ETH_BENCH & 0xff;
        for (uint32_t i = 14; i < len; i++)
            b[HDR + i] = (uint8_t)i;
    }
    uint64_t sent = 0, done = 0;
    kicks = 0;
    uint64_t t0 = rdtsc(), last = t0;
    while (done < n) {
        int published = 0;
        while (sent < n && (nsmall || nbig)) {
            uint16_t d = nsmall ? free_small[--nsmall] : free_big[--nbig];
            tx_publish(d, tx_small[d], HDR + len);
            sent++;
            published = 1;
        }
        if (published)
            kick(txq);
        uint32_t got = tx_reclaim();
        if (got) {
            done += got;
            last = rdtsc();
        } else if (rdtsc() - last > timeout_tsc) {
            printf("BENCH-NET error: tx: no frame returned for %d ms (%lu of %lu)\n", TIMEOUT_MS, done, n);
            return;
        } else {
            pause();
        }
    }
    printf("BENCH-NET test=tx len=%u frames=%lu tsc=%lu kicks=%lu\n", len, n, last - t0, kicks);
}

/* ---- receive ---- */

static int reposted;                    /* receive buffers given back since the last kick */

static void rx_done(void)
{
    for (int i = 0; i < ntaken; i++)
        virtq_raw_publish(rxq, taken[i]);
    reposted += ntaken;
    ntaken = 0;
}

/* Tells the device of the buffers given back, if any (an idle poll costs no exit). */
static void rx_kick(void)
{
    if (reposted) {
        kick(rxq);
        reposted = 0;
    }
}

/* The next frame (after the vnet header), or NULL if none has arrived; rx_done() gives its buffers back. A frame that
 * spans mergeable buffers is put together in `gather`. */
static uint8_t *rx_frame(uint32_t *len)
{
    if (rxq->used->idx == rxq->last_used)
        return 0;
    barrier();
    volatile struct virtq_used_elem *e = &rxq->used->ring[rxq->last_used % rxq->size];
    uint16_t d = (uint16_t)e->id;
    uint32_t l = e->len;
    rxq->last_used++;
    taken[ntaken++] = d;
    uint8_t *b = rx_buf[d];
    uint16_t buffers = (uint16_t)(b[10] | b[11] << 8);
    if (l < HDR + 14) {
        *len = 0;
        return b + HDR;
    }
    if (buffers <= 1) {
        *len = l - HDR;
        return b + HDR;
    }
    uint32_t total = l - HDR;
    memcpy(gather, b + HDR, total);
    for (int i = 1; i < buffers; i++) {
        uint64_t end = rdtsc() + timeout_tsc;
        while (rxq->used->idx == rxq->last_used) {
            if (rdtsc() > end) {
                printf("BENCH-NET error: buffer %d of %u of a frame never came\n", i + 1, buffers);
                *len = 0;
                return gather;
            }
            pause();
        }
        barrier();
        e = &rxq->used->ring[rxq->last_used % rxq->size];
        d = (uint16_t)e->id;
        l = e->len;
        rxq->last_used++;
        taken[ntaken++] = d;
        if (total + l <= sizeof gather) {
            memcpy(gather + total, rx_buf[d], l);
            total += l;
        }
    }
    *len = total;
    return gather;
}

/* A control frame: its text becomes the next command. */
static void control(const uint8_t *f, uint32_t len)
{
    uint32_t n = 0;
    while (14 + n < len && n + 1 < sizeof cmd && f[14 + n])
        n++;
    memcpy(cmd, f + 14, n);
    cmd[n] = 0;
    have_cmd = 1;
}

/* The kit stack's receive hook: the next frame for the stack; control frames are taken aside. */
static int rx(struct net_if *n, uint8_t *buf, uint32_t max)
{
    (void)n;
    for (;;) {
        uint32_t len;
        uint8_t *f = rx_frame(&len);
        if (!f) {
            rx_kick();
            return 0;
        }
        if (len >= 14 && be16(f + 12) == ETH_CTL) {
            control(f, len);
            rx_done();
            continue;
        }
        if (len > max)
            len = max;
        memcpy(buf, f, len);
        rx_done();
        if (len)
            return (int)len;
    }
}

static void test_rx(void)
{
    uint64_t frames = 0, gaps = 0, batches = 0, bytes = 0;
    uint32_t expect = 0, first_seq = 0, last_seq = 0;
    uint64_t t_first = 0, t_last = 0;
    int ended = 0;
    kicks = 0;
    printf("BENCH-NET rx listening\n");
    uint64_t idle_since = rdtsc();
    while (!ended) {
        int got = 0;
        uint32_t len;
        uint8_t *f;
        while ((f = rx_frame(&len))) {
            got++;
            uint16_t type = len >= 14 ? be16(f + 12) : 0;
            if (type == ETH_BENCH && len >= 18) {
                uint32_t seq = (uint32_t)f[14] << 24 | (uint32_t)f[15] << 16 | (uint32_t)f[16] << 8 | f[17];
                if (!frames)
                    first_seq = seq;
                else if (seq != expect)
                    gaps++;
                expect = seq + 1;
                last_seq = seq;
                frames++;
                bytes += len;
            } else if (type == ETH_CTL) {
                control(f, len);
                if (!strcmp(cmd, "end")) {
                    have_cmd = 0;
                    ended = 1;
                }
            } else {
                net_input(&nif, f, len);
            }
            rx_done();
        }
        if (got) {
            uint64_t now = rdtsc();
            if (frames && !t_first)
                t_first = now;
            if (frames)
                t_last = now;
            idle_since = now;
            batches++;
            rx_kick();
        } else if (rdtsc() - idle_since > timeout_tsc) {
            printf("BENCH-NET error: rx: nothing for %d ms (%lu frames) and no end\n", TIMEOUT_MS, frames);
            return;
        } else {
            pause();
        }
    }
    printf("BENCH-NET test=rx frames=%lu bytes=%lu tsc=%lu first_seq=%u last_seq=%u gaps=%lu batches=%lu "
           "kicks=%lu\n", frames, bytes, t_last - t_first, first_seq, last_seq, gaps, batches, kicks);
}

/* ---- TCP with segmentation offload ---- */

static void test_tso(uint64_t bytes)
{
    if (!(dev.features & F_HOST_TSO4)) {
        printf("BENCH-NET error: the device offers no TCP segmentation offload (HOST_TSO4)\n");
        return;
    }
    if (!nif.peer_known && net_resolve(&nif, 20000)) {
        printf("BENCH-NET error: the host never answered ARP\n");
        return;
    }
    if (net_tcp_connect(&nif, nif.peer_ip, 7001, 10000)) {
        printf("BENCH-NET error: tcp connect to 10.0.2.1:7001 failed\n");
        return;
    }
    uint8_t h[HDR];
    memset(h, 0, HDR);
    h[0] = 1;                               /* NEEDS_CSUM */
    h[1] = 1;                               /* GSO_TCPV4 */
    h[2] = NET_TCP_HEADERS;                 /* hdr_len */
    h[4] = TSO_MSS & 0xff;                  /* gso_size */
    h[5] = TSO_MSS >> 8;
    h[6] = 34;                              /* csum_start: the TCP header */
    h[8] = 16;                              /* csum_offset: its checksum field */
    for (int d = 0; d < TSO_SLOTS; d++)
        memcpy(tx_big[d], h, HDR);
    uint64_t sent = 0, segs = 0, max_flight = 0, waits = 0;
    uint32_t start = nif.out.snd_nxt;
    kicks = 0;
    uint64_t t0 = rdtsc(), progress = t0;
    struct net_tcp *t = &nif.out;
    while (sent < bytes || t->acked != t->snd_nxt) {
        if (t->state != NET_TCP_ESTABLISHED) {
            printf("BENCH-NET error: tso: the connection was reset after %lu bytes\n", sent);
            return;
        }
        uint32_t acked_before = t->acked;
        tx_reclaim();
        net_poll(&nif);
        int published = 0;
        while (sent < bytes && nbig) {
            uint32_t seg = bytes - sent < TSO_SEG ? (uint32_t)(bytes - sent) : TSO_SEG;
            uint32_t flight = t->snd_nxt - t->acked;
            uint32_t room = t->wnd > flight ? t->wnd - flight : 0;
            if (room < seg) {
                /* A window smaller than one segment: send what fits, in whole MSS, when nothing is in flight. */
                if (flight || room < TSO_MSS)
                    break;
                seg = room / TSO_MSS * TSO_MSS;
            }
            uint16_t d = free_big[--nbig];
            uint32_t len = net_tcp_frame(&nif, tx_big[d] + HDR, seg);
            tx_publish(d, tx_big[d], HDR + len);
            sent += seg;
            segs++;
            published = 1;
            if (flight + seg > max_flight)
                max_flight = flight + seg;
        }
        if (published) {
            kick(txq);
            progress = rdtsc();
        } else if (t->acked != acked_before) {
            progress = rdtsc();
        } else {
            waits++;
            if (rdtsc() - progress > timeout_tsc) {
                printf("BENCH-NET error: tso: no progress for %d ms (%lu of %lu bytes sent, %u acknowledged, window "
                       "%u): a lost segment is never sent again\n", TIMEOUT_MS, sent, bytes, t->acked - start, t->wnd);
                return;
            }
            pause();
        }
    }
    uint64_t tsc = rdtsc() - t0;
    net_tcp_close(&nif, 10000);
    printf("BENCH-NET test=tso bytes=%lu segs=%lu tsc=%lu kicks=%lu max_flight=%lu wscale=%u\n", sent, segs, tsc,
           kicks, max_flight, t->wscale);
}

/* ---- the device and the command loop ---- */

static int start(void)
{
    uint64_t wanted = F_MAC | F_STATUS | F_MRG_RXBUF | F_CSUM | F_HOST_TSO4 | F_GUEST_CSUM | F_GUEST_TSO4;
    if (virtio_start(&dev, VIRTIO_ID_NET, 0, wanted, 2, 0))
        return -1;
    rxq = &dev.vq[0];
    txq = &dev.vq[1];
    if (rxq->size != QSIZE || txq->size != QSIZE) {
        printf("BENCH-NET error: queue sizes %u and %u, the guest needs %d\n", rxq->size, txq->size, QSIZE);
        return -1;
    }
    rxq->avail->flags = AVAIL_F_NO_INTERRUPT;  /* polled: the devices need not interrupt */
    txq->avail->flags = AVAIL_F_NO_INTERRUPT;
    for (int d = 0; d < QSIZE; d++) {
        rx_buf[d] = phys_alloc(BUF, 64);
        tx_small[d] = phys_alloc(BUF, 64);
        if (d < TSO_SLOTS) {
            tx_big[d] = phys_alloc(BIG, 4096);
            for (uint32_t i = 0; i < TSO_SEG; i++)
                tx_big[d][HDR + NET_TCP_HEADERS + i] = (uint8_t)('a' + i % 26);
            free_big[nbig++] = (uint16_t)d;
        } else {
            free_small[nsmall++] = (uint16_t)d;
        }
        virtq_raw_desc(rxq, (uint16_t)d, (uint64_t)(uintptr_t)rx_buf[d], BUF, VIRTQ_DESC_F_WRITE, 0);
        virtq_raw_publish(rxq, (uint16_t)d);
    }
    mfence();
    mmio_write16(rxq->notify, (uint16_t)rxq->index);
    for (int i = 0; i < 6; i++)
        nif.mac[i] = virtio_cfg_read8(&dev, i);
    return 0;
}

int main(void)
{
    timeout_tsc = tsc_per_ms() * TIMEOUT_MS;
    if (start()) {
        printf("BENCH-NET error: no virtio-net device to drive\n");
        return 3;
    }
    nif.ip = NET_IP(10, 0, 2, 15);
    nif.peer_ip = NET_IP(10, 0, 2, 1);
    nif.tx = tx;
    nif.rx = rx;
    printf("BENCH-NET ready mac=%02x:%02x:%02x:%02x:%02x:%02x features=0x%lx link=%s queue=%u\n", nif.mac[0],
           nif.mac[1], nif.mac[2], nif.mac[3], nif.mac[4], nif.mac[5], (unsigned long)dev.features,
           (virtio_cfg_read16(&dev, 6) & 1) ? "up" : "down", rxq->size);
    for (;;) {
        while (!have_cmd)
            if (!net_poll(&nif))
                pause();
        have_cmd = 0;
        const char *p = cmd;
        if (!strncmp(p, "tx ", 3)) {
            long len = strtol(p + 3, &p, 0);
            long n = strtol(p, &p, 0);
            test_tx((uint32_t)len, (uint64_t)n);
        } else if (!strncmp(p, "tso ", 4)) {
            test_tso((uint64_t)strtol(p + 4, &p, 0));
        } else if (!strcmp(p, "rx")) {
            test_rx();
        } else if (!strcmp(p, "end")) {
            /* the repeats of a receive test's end */
        } else if (!strcmp(p, "quit")) {
            printf("BENCH-NET done\n");
            return 0;
        } else {
            printf("BENCH-NET error: unknown command '%s'\n", cmd);
        }
    }
}
