/* e1000 (Intel 82540EM): a driver for the kit's network stack (net.c), and a script of what to do with it, from the
 * command line (each step only if its word is there, in this order):
 *   gip=N            our address is 10.0.2.N (default 15); the host (the tap) is 10.0.2.1
 *   itr=N            interrupt throttle, in 256 ns units (default 0: none)
 *   ping=N           ping the host N times, payloads from 56 to 1400 bytes
 *   tcpsend=BYTES    connect to host port 7001 and send BYTES, then close: with tso=1 in 60000-byte segments the
 *                    device cuts (a context descriptor with TSE, checksums left to the device), else in 1400-byte
 *                    frames whose TCP checksum the device finishes (checksum offload)
 *   serve=MS         answer pings and take one TCP stream on port 7002 for MS milliseconds
 *   linkwatch=MS     print each change of STATUS.LU, and whether Link Status Change came with it, for MS ms
 *   badring=1        give the device rings and buffers outside RAM and a tail past the ring, see that it ignores
 *                    them, then program the rings again and ping the host once more
 * The driver reads the MAC from the EEPROM (EERD, and word 0 bit-banged through EECD as Linux does), checks the
 * EEPROM's checksum, reads the PHY through MDIC, and takes INTA# through the IOAPIC (the GSI the PCI interrupt line
 * register gives), where its handler reads ICR, which deasserts the line. Frames are found by polling the rings.
 * Prints what it saw, each line starting with "e1000:" or "net:". Exits 0 unless the device could not be driven. */
#include "testguest.h"

#define CTRL    0x0000
#define STATUS  0x0008
#define EECD    0x0010
#define EERD    0x0014
#define MDIC    0x0020
#define ICR     0x00C0
#define ITR     0x00C4
#define IMS     0x00D0
#define IMC     0x00D8
#define RCTL    0x0100
#define TCTL    0x0400
#define TIPG    0x0410
#define RDBAL   0x2800
#define RDBAH   0x2804
#define RDLEN   0x2808
#define RDH     0x2810
#define RDT     0x2818
#define TDBAL   0x3800
#define TDBAH   0x3804
#define TDLEN   0x3808
#define TDH     0x3810
#define TDT     0x3818
#define GPRC    0x4074
#define GPTC    0x4080
#define RAL0    0x5400
#define RAH0    0x5404

#define CTRL_SLU   (1u << 6)
#define CTRL_RST   (1u << 26)
#define STATUS_LU  (1u << 1)
#define ICR_TXDW   (1u << 0)
#define ICR_LSC    (1u << 2)
#define ICR_RXDMT0 (1u << 4)
#define ICR_RXT0   (1u << 7)
#define RCTL_EN    (1u << 1)
#define RCTL_BAM   (1u << 15)
#define TCTL_EN    (1u << 1)
#define TCTL_PSP   (1u << 3)

#define TXD_EOP    (1u << 24)
#define TXD_IFCS   (1u << 25)
#define TXD_TSE    (1u << 26)
#define TXD_RS     (1u << 27)
#define TXD_DEXT   (1u << 29)
#define TXD_DATA   (1u << 20)
#define TXD_CTX_TCP (1u << 24)
#define TXD_CTX_IP  (1u << 25)
#define POPTS_IXSM (1u << 8)
#define POPTS_TXSM (1u << 9)

#define RING 256
#define RX_BUF 2048
#define TX_BUF 65600
#define VECTOR 0x50

struct rx_desc { uint64_t addr; uint16_t length, csum; uint8_t status, errors; uint16_t special; };
struct tx_desc { uint64_t addr; uint32_t lower, upper; };

static uint64_t bar;
static volatile struct rx_desc *rx;
static volatile struct tx_desc *tx;
static uint8_t *rx_bufs[RING];
static uint8_t *tx_buf;
static uint32_t rx_next, tx_tail;
static struct net_if nif;
static struct pci_dev pci;
static volatile uint32_t irq_causes, irq_count;
static uint32_t tx_frames, rx_frames, rx_errors, tso_packets;

static uint32_t rd(int reg) { return mmio_read32(bar + reg); }
static void wr(int reg, uint32_t v) { mmio_write32(bar + reg, v); }

/* CPL0: the device's INTx. Reading ICR takes the causes and deasserts the level-triggered line. */
void on_vector(int vector)
{
    if (vector != VECTOR)
        return;
    irq_causes |= mmio_read32(bar + ICR);
    irq_count++;
}

static void ioapic_route(int gsi, int vector)
{
    /* Level-triggered, active low (what _PRT's PCI lines are), fixed delivery to this CPU. */
    mmio_write32(KIT_IOAPIC_PA, 0x10 + 2 * gsi + 1);
    mmio_write32(KIT_IOAPIC_PA + 0x10, (uint32_t)cpu_id() << 24);
    mmio_write32(KIT_IOAPIC_PA, 0x10 + 2 * gsi);
    mmio_write32(KIT_IOAPIC_PA + 0x10, (uint32_t)vector | 1u << 15 | 1u << 13);
}

static int eerd(int word)
{
    wr(EERD, (uint32_t)word << 8 | 1);
    for (int i = 0; i < 1000; i++) {
        uint32_t v = rd(EERD);
        if (v & (1u << 4))
            return (int)(v >> 16);
    }
    return -1;
}

/* Word `word` the way Linux's e1000 reads an 82540's Microwire EEPROM: CS, READ (110b) and 6 address bits
 * clocked in on DI, then 16 bits clocked out on DO. */
static int eecd_read(int word)
{
    uint32_t e = (rd(EECD) & ~0x0Fu) | 0x40;         /* REQ */
    wr(EECD, e);
    if (!(rd(EECD) & 0x80))
        return -1;                                   /* no GNT */
    e |= 0x02;                                       /* CS */
    wr(EECD, e);
    uint32_t cmd = 0x6u << 6 | (uint32_t)word;
    for (int bit = 8; bit >= 0; bit--) {
        e = (cmd >> bit & 1) ? e | 0x04 : e & ~0x04u;
        wr(EECD, e);
        wr(EECD, e | 0x01);
        wr(EECD, e);
    }
    e &= ~0x04u;
    int v = 0;
    for (int bit = 0; bit < 16; bit++) {
        wr(EECD, e | 0x01);
        v = v << 1 | ((rd(EECD) & 0x08) ? 1 : 0);
        wr(EECD, e);
    }
    wr(EECD, e & ~0x42u);                            /* CS low, REQ off */
    return v;
}

static int phy_read(int reg)
{
    wr(MDIC, 2u << 26 | 1u << 21 | (uint32_t)reg << 16);
    for (int i = 0; i < 1000; i++) {
        uint32_t v = rd(MDIC);
        if (v & (1u << 28))
            return (v & (1u << 30)) ? -1 : (int)(v & 0xFFFF);
    }
    return -1;
}

/* The receive ring, every descriptor given to the device; with bad_first, the first points outside RAM. */
static void rx_ring_setup(int bad_first)
{
    for (int i = 0; i < RING; i++) {
        rx[i].addr = (uint64_t)(uintptr_t)rx_bufs[i];
        rx[i].status = 0;
    }
    if (bad_first)
        rx[0].addr = 0xFFFFFFFF0000ull;
    rx_next = 0;
    wr(RDBAL, (uint32_t)(uintptr_t)rx);
    wr(RDBAH, 0);
    wr(RDLEN, RING * 16);
    wr(RDH, 0);
    wr(RDT, RING - 1);
}

static void tx_ring_setup(void)
{
    memset((void *)tx, 0, RING * sizeof *tx);
    tx_tail = 0;
    wr(TDBAL, (uint32_t)(uintptr_t)tx);
    wr(TDBAH, 0);
    wr(TDLEN, RING * 16);
    wr(TDH, 0);
    wr(TDT, 0);
}

/* Puts descriptors on the ring and waits for the last one's DD; 0, or -1 on a timeout. */
static int tx_submit(const struct tx_desc *d, int n)
{
    uint32_t last = 0;
    for (int i = 0; i < n; i++) {
        last = tx_tail;
        tx[tx_tail].addr = d[i].addr;
        tx[tx_tail].lower = d[i].lower;
        tx[tx_tail].upper = d[i].upper;
        tx_tail = (tx_tail + 1) % RING;
    }
    __asm__ volatile("" ::: "memory");
    wr(TDT, tx_tail);
    uint64_t end = rdtsc() + 5000 * tsc_per_ms();
    while (!(tx[last].upper & 1)) {
        if (rdtsc() > end) {
            printf("e1000: transmit descriptor %u not done (TDH %u TDT %u)\n", last, rd(TDH), rd(TDT));
            return -1;
        }
        pause();
    }
    return 0;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* net.c's hook. With a virtio_net_hdr (flags, gso_type, hdr_len, gso_size, csum_start, csum_offset) the frame asks
 * for offloads, which become a context descriptor: TSE for gso_type TCPV4, else a checksum from csum_start. */
static int tx_hook(struct net_if *n, const void *vnet_hdr, const void *frame, uint32_t len)
{
    (void)n;
    if (len > TX_BUF)
        return -1;
    memcpy(tx_buf, frame, len);
    struct tx_desc d[2];
    const uint8_t *h = vnet_hdr;
    if (h && h[1] == 1) {
        uint32_t hdr_len = (uint32_t)(h[2] | h[3] << 8), mss = (uint32_t)(h[4] | h[5] << 8);
        uint32_t cstart = (uint32_t)(h[6] | h[7] << 8), coff = (uint32_t)(h[8] | h[9] << 8);
        /* What Linux leaves for TSO: no IP checksum, and the TCP pseudo-header sum without the length (net.c put
         * it in with the length, which differs per segment). */
        put16(tx_buf + 24, 0);
        uint8_t ph[12];
        memcpy(ph, tx_buf + 26, 8);
        ph[8] = 0;
        ph[9] = 6;
        ph[10] = ph[11] = 0;
        put16(tx_buf + cstart + coff, net_fold(net_sum(ph, 12, 0)));
        d[0].addr = 14 | 24ull << 8 | 33ull << 16 | (uint64_t)cstart << 32 | (uint64_t)(cstart + coff) << 40;
        d[0].lower = (len - hdr_len) | TXD_DEXT | TXD_TSE | TXD_CTX_IP | TXD_CTX_TCP;
        d[0].upper = hdr_len << 8 | mss << 16;
        d[1].addr = (uint64_t)(uintptr_t)tx_buf;
        d[1].lower = len | TXD_DEXT | TXD_DATA | TXD_TSE | TXD_EOP | TXD_IFCS | TXD_RS;
        d[1].upper = POPTS_IXSM | POPTS_TXSM;
        tso_packets++;
        return tx_submit(d, 2);
    }
    if (h && (h[0] & 1)) {
        uint32_t cstart = (uint32_t)(h[6] | h[7] << 8), coff = (uint32_t)(h[8] | h[9] << 8);
        d[0].addr = (uint64_t)cstart << 32 | (uint64_t)(cstart + coff) << 40;
        d[0].lower = TXD_DEXT;
        d[0].upper = 0;
        d[1].addr = (uint64_t)(uintptr_t)tx_buf;
        d[1].lower = len | TXD_DEXT | TXD_DATA | TXD_EOP | TXD_IFCS | TXD_RS;
        d[1].upper = POPTS_TXSM;
        return tx_submit(d, 2) ? -1 : (tx_frames++, 0);
    }
    d[0].addr = (uint64_t)(uintptr_t)tx_buf;
    d[0].lower = len | TXD_EOP | TXD_IFCS | TXD_RS;
    d[0].upper = 0;
    if (tx_submit(d, 1))
        return -1;
    tx_frames++;
    return 0;
}

/* net.c's hook: the next frame whose descriptor is done, without its FCS. */
static int rx_hook(struct net_if *n, uint8_t *buf, uint32_t max)
{
    (void)n;
    volatile struct rx_desc *d = &rx[rx_next];
    if (!(d->status & 1))
        return 0;
    uint32_t len = d->length;
    int ok = (d->status & 2) && d->errors == 0 && len >= 4;
    if (d->errors)
        rx_errors++;
    len = ok ? len - 4 : 0;
    if (len > max)
        len = max;
    memcpy(buf, rx_bufs[rx_next], len);
    d->status = 0;
    wr(RDT, rx_next);
    rx_next = (rx_next + 1) % RING;
    if (!ok)
        return rx_hook(n, buf, max);
    rx_frames++;
    return (int)len;
}

static void print_mac(const char *what, const uint8_t *m)
{
    printf("e1000: %s %02x:%02x:%02x:%02x:%02x:%02x\n", what, m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int start(void)
{
    if (pci_find(0x8086, 0x100E, 0, &pci)) {
        printf("e1000: no 8086:100e on bus 0\n");
        return -1;
    }
    struct pci_bar b;
    if (pci_bar(&pci, 0, &b) || !b.addr || b.io) {
        printf("e1000: BAR 0 is not a memory BAR\n");
        return -1;
    }
    bar = b.addr;
    int line = pci_read8(&pci, 0x3C), pin = pci_read8(&pci, 0x3D);
    printf("e1000: found 00:%02x.0 rev %02x subsystem %04x:%04x bar0 size 0x%lx pin %d line %d\n", pci.dev,
           pci.revision, pci.subsys_vendor, pci.subsys_device, (unsigned long)b.size, pin, line);
    pci_enable(&pci, PCI_CMD_MEMORY | PCI_CMD_MASTER);

    wr(IMC, 0xFFFFFFFF);
    wr(CTRL, rd(CTRL) | CTRL_RST);
    delay_us(100);
    wr(IMC, 0xFFFFFFFF);
    (void)rd(ICR);

    int sum = 0, words[64];
    for (int i = 0; i < 64; i++) {
        words[i] = eerd(i);
        sum += words[i];
    }
    for (int i = 0; i < 3; i++) {
        nif.mac[2 * i] = (uint8_t)words[i];
        nif.mac[2 * i + 1] = (uint8_t)(words[i] >> 8);
    }
    int bitbanged = eecd_read(0);
    printf("e1000: eeprom mac %02x:%02x:%02x:%02x:%02x:%02x checksum %04x %s, word 0 through EECD %s\n",
           nif.mac[0], nif.mac[1], nif.mac[2], nif.mac[3], nif.mac[4], nif.mac[5], sum & 0xFFFF,
           (sum & 0xFFFF) == 0xBABA ? "ok" : "BAD", bitbanged == words[0] ? "matches" : "differs");
    uint32_t ral = rd(RAL0), rah = rd(RAH0);
    uint8_t ra[6] = { (uint8_t)ral, (uint8_t)(ral >> 8), (uint8_t)(ral >> 16), (uint8_t)(ral >> 24),
                      (uint8_t)rah, (uint8_t)(rah >> 8) };
    print_mac(memcmp(ra, nif.mac, 6) == 0 && (rah >> 31) ? "receive address 0 holds" : "receive address 0 is NOT",
              ra);
    printf("e1000: phy id %04x %04x bmsr %04x\n", phy_read(2), phy_read(3), phy_read(1));

    rx = phys_alloc(RING * 16, 128);
    tx = phys_alloc(RING * 16, 128);
    for (int i = 0; i < RING; i++)
        rx_bufs[i] = phys_alloc(RX_BUF, 64);
    tx_buf = phys_alloc(TX_BUF, 64);
    rx_ring_setup(0);
    tx_ring_setup();

    pic_init(0);
    lapic_enable();
    ioapic_route(line, VECTOR);
    wr(ITR, (uint32_t)cmdline_int("itr", 0));
    wr(IMS, ICR_RXT0 | ICR_TXDW | ICR_LSC | ICR_RXDMT0);
    wr(CTRL, rd(CTRL) | CTRL_SLU);
    wr(TIPG, 10 | 10 << 10 | 10 << 20);
    wr(TCTL, TCTL_EN | TCTL_PSP | 0x0F << 4 | 0x40 << 12);
    wr(RCTL, RCTL_EN | RCTL_BAM);
    printf("e1000: link %s\n", (rd(STATUS) & STATUS_LU) ? "up" : "down");
    return 0;
}

/* The host is pinged once; 1 if it answered. */
static int ping_once(uint16_t seq)
{
    uint32_t before = nif.echo_replies;
    net_ping(&nif, nif.peer_ip, seq, 56);
    uint64_t end = rdtsc() + 5000 * tsc_per_ms();
    while (nif.echo_replies == before && rdtsc() < end)
        if (!net_poll(&nif))
            pause();
    return nif.echo_replies != before;
}

static void bad_rings(void)
{
    /* A transmit ring far outside RAM: the device reports it and takes nothing. */
    wr(TDBAL, 0);
    wr(TDBAH, 0x100);
    wr(TDH, 0);
    wr(TDT, 5);
    delay_us(200000);
    printf("e1000: ring outside RAM: TDH %u\n", rd(TDH));
    /* A tail past a ring of 256. */
    tx_ring_setup();
    wr(TDT, 300);
    delay_us(200000);
    printf("e1000: tail past the ring: TDH %u\n", rd(TDH));
    /* A packet whose buffer lies outside RAM: dropped, but its descriptor completes. */
    tx_ring_setup();
    struct tx_desc d = { 0xFFFFFFFF0000ull, 60 | TXD_EOP | TXD_IFCS | TXD_RS, 0 };
    printf("e1000: buffer outside RAM: %s\n", tx_submit(&d, 1) == 0 ? "descriptor done" : "descriptor stuck");
    /* Receive: a tail past the ring, then a buffer outside RAM handed back with an error. */
    wr(RDT, 400);
    delay_us(100000);
    rx_ring_setup(1);
    printf("e1000: rings programmed again\n");
    nif.peer_known = 0;
    net_resolve(&nif, 10000);
    int replies = 0;
    for (int i = 0; i < 3; i++)
        replies += ping_once((uint16_t)(100 + i));
    printf("e1000: after bad rings: ping replies %d/3, descriptors handed back with an error %u\n", replies,
           rx_errors);
}

/* The offload request tx_hook turns into a context descriptor: the checksum finished by the device, and above one
 * MSS the segment cut into 1448-byte frames (TSE). The layout is a virtio_net_hdr's, which tx_hook reads. */
static const void *csum_header(uint8_t *h, uint32_t len)
{
    (void)len;
    static const uint8_t csum[12] = { 1, 0, 0, 0, 0, 0, 34, 0, 16, 0, 0, 0 };
    memcpy(h, csum, sizeof csum);
    return h;
}

static const void *tso_header(uint8_t *h, uint32_t len)
{
    csum_header(h, len);
    if (len > 1448) {
        h[1] = 1;
        h[2] = 54;
        h[4] = 1448 & 0xFF;
        h[5] = 1448 >> 8;
    }
    return h;
}

int main(void)
{
    if (start())
        return 1;
    nif.ip = NET_IP(10, 0, 2, cmdline_int("gip", 15));
    nif.peer_ip = NET_IP(10, 0, 2, 1);
    nif.tx = tx_hook;
    nif.rx = rx_hook;
    sti();
    if (cmdline_has("ping") || cmdline_has("tcpsend")) {
        if (net_resolve(&nif, 20000)) {
            printf("net: the host never answered ARP\n");
            return 2;
        }
        print_mac("host mac", nif.peer_mac);
    }
    long pings = cmdline_int("ping", 0);
    for (long i = 0; i < pings; i++) {
        uint32_t before = nif.echo_replies;
        net_ping(&nif, nif.peer_ip, (uint16_t)(i + 1), 56 + (uint32_t)((i * 449) % 1345));
        uint64_t end = rdtsc() + 5000 * tsc_per_ms();
        while (nif.echo_replies == before && rdtsc() < end)
            if (!net_poll(&nif))
                pause();
    }
    if (pings)
        printf("net: ping replies %u/%ld largest %u\n", nif.echo_replies, pings, nif.largest_echo);
    long bytes = cmdline_int("tcpsend", 0);
    if (bytes) {
        if (net_tcp_connect(&nif, nif.peer_ip, 7001, 10000)) {
            printf("net: tcp connect to the host failed\n");
            return 3;
        }
        static uint8_t data[60000];
        for (uint32_t i = 0; i < sizeof data; i++)
            data[i] = (uint8_t)('a' + i % 26);
        int tso = (int)cmdline_int("tso", 0);
        uint32_t base = nif.out.snd_nxt;
        long resent = net_tcp_send_pattern(&nif, data, tso ? 60000 : 1400, bytes, tso ? tso_header : csum_header,
                                           10000);
        long sent = resent < 0 ? (long)(nif.out.acked - base) : bytes;
        printf("net: tcp retransmits %ld\n", resent);
        net_tcp_close(&nif, 10000);
        printf("net: tcp sent %ld bytes in %s, acked %s\n", sent,
               tso ? "segments the device cut" : "frames the device finished",
               nif.out.acked == nif.out.snd_nxt - 1 || nif.out.acked == nif.out.snd_nxt ? "all" : "not all");
    }
    long serve = cmdline_int("serve", 0);
    if (serve) {
        net_tcp_listen(&nif, 7002);
        printf("net: serving for %ld ms\n", serve);
        net_serve(&nif, (uint64_t)serve);
        printf("net: served echo %u arp %u tcp bytes %lu largest %u\n", nif.echo_answered, nif.arp_answered,
               (unsigned long)nif.in.bytes, nif.in.largest);
    }
    long watch = cmdline_int("linkwatch", 0);
    if (watch) {
        uint32_t last = rd(STATUS) & STATUS_LU;
        printf("e1000: watching the link, %s\n", last ? "up" : "down");
        uint64_t end = rdtsc() + (uint64_t)watch * tsc_per_ms();
        while (rdtsc() < end) {
            net_poll(&nif);
            uint32_t now = rd(STATUS) & STATUS_LU;
            if (now != last) {
                delay_us(20000);
                printf("e1000: link %s (LSC %s)\n", now ? "up" : "down", (irq_causes & ICR_LSC) ? "seen" : "not seen");
                irq_causes &= ~ICR_LSC;
                last = now;
            }
            pause();
        }
    }
    if (cmdline_has("badring"))
        bad_rings();
    cli();
    printf("e1000: interrupts %u causes %x; rx frames %u tx frames %u tso packets %u; GPRC %u GPTC %u\n",
           irq_count, irq_causes, rx_frames, tx_frames, tso_packets, rd(GPRC), rd(GPTC));
    printf("e1000: done\n");
    return 0;
}
