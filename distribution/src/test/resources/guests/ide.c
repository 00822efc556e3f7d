/* PIIX IDE: finds the 8086:7010 function, checks its class and BAR 4, then on the primary master disk
 * IDENTIFYs, reads sectors 0..7 by PIO, writes sectors 16..19 by PIO and reads them back by bus-master
 * DMA, writes 20..23 by DMA (LBA48) and reads them back by PIO, and reads the sector past the end (ERR).
 * With "cd" on the command line it also finds the ATAPI CD-ROM on the secondary master by its
 * signature, asks INQUIRY and READ CAPACITY, and reads sector 16 (an ISO's volume descriptor) through
 * PACKET, by PIO and by DMA. With "loop" it then reads sectors 0..7 by DMA and 8..15 by PIO every 10 ms
 * and says whether they still read as at first ("ide: pass N ok", or "lost"), for the tests that update
 * the bundle under it. Interrupts are masked (nIEN): the guest polls the status register. Every
 * checksum is FNV-1a, which the host computes over the image too. */
#include "testguest.h"

#define SECTOR 512
#define ST_BSY 0x80
#define ST_DRQ 0x08
#define ST_ERR 0x01

static uint16_t bm;            /* the bus master block (BAR 4) */
static uint32_t *prd;
static uint8_t *buf;

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

static uint16_t cmd_base(int ch) { return ch ? 0x170 : 0x1F0; }
static uint16_t ctl_base(int ch) { return ch ? 0x376 : 0x3F6; }

/* Waits for BSY to clear; returns the status (0xFF on a timeout). */
static uint8_t wait_ready(int ch)
{
    for (int i = 0; i < 1000000; i++) {
        uint8_t s = inb(cmd_base(ch) + 7);
        if (!(s & ST_BSY))
            return s;
    }
    return 0xFF;
}

static void lba_regs(int ch, uint64_t lba, uint32_t count, int ext)
{
    uint16_t b = cmd_base(ch);
    if (ext) {
        outb(b + 2, count >> 8);
        outb(b + 3, lba >> 24);
        outb(b + 4, lba >> 32);
        outb(b + 5, lba >> 40);
        outb(b + 6, 0x40);
    } else {
        outb(b + 6, 0x40 | ((lba >> 24) & 0xF));
    }
    outb(b + 2, count);
    outb(b + 3, lba);
    outb(b + 4, lba >> 8);
    outb(b + 5, lba >> 16);
}

/* PIO data-in of count sectors; returns the final status. */
static uint8_t pio_read(int ch, uint8_t cmd, uint64_t lba, uint32_t count, int ext, uint8_t *out)
{
    lba_regs(ch, lba, count, ext);
    outb(cmd_base(ch) + 7, cmd);
    for (uint32_t s = 0; s < count; s++) {
        uint8_t st = wait_ready(ch);
        if (st & ST_ERR || !(st & ST_DRQ))
            return st;
        for (int i = 0; i < SECTOR / 2; i++)
            ((uint16_t *)out)[s * SECTOR / 2 + i] = inw(cmd_base(ch));
    }
    return wait_ready(ch);
}

static uint8_t pio_write(int ch, uint8_t cmd, uint64_t lba, uint32_t count, int ext, const uint8_t *in)
{
    lba_regs(ch, lba, count, ext);
    outb(cmd_base(ch) + 7, cmd);
    for (uint32_t s = 0; s < count; s++) {
        uint8_t st = wait_ready(ch);
        if (st & ST_ERR || !(st & ST_DRQ))
            return st;
        for (int i = 0; i < SECTOR / 2; i++)
            outw(cmd_base(ch), ((const uint16_t *)in)[s * SECTOR / 2 + i]);
    }
    return wait_ready(ch);
}

/* A DMA transfer of bytes through one PRD entry: the engine is set up, the command issued, the engine
 * started, and the guest polls for the end. Returns the drive status; *bmst gets the bus master status. */
static uint8_t dma(int ch, uint32_t bytes, int to_memory, void (*issue)(int, const void *), const void *arg,
                   uint8_t *bmst)
{
    uint16_t b = bm + ch * 8;
    prd[0] = (uint32_t)(uintptr_t)buf;
    prd[1] = (bytes & 0xFFFF) | 0x80000000u;
    outb(b, 0);
    outl(b + 4, (uint32_t)(uintptr_t)prd);
    outb(b + 2, 0x06);                      /* clear interrupt and error */
    outb(b, to_memory ? 0x08 : 0);
    issue(ch, arg);
    outb(b, (to_memory ? 0x08 : 0) | 1);
    uint8_t st = wait_ready(ch);
    for (int i = 0; i < 1000000 && (inb(b + 2) & 1); i++)
        pause();
    *bmst = inb(b + 2);
    outb(b, 0);
    return st;
}

struct ata_cmd { uint8_t cmd; uint64_t lba; uint32_t count; int ext; };

static void issue_ata(int ch, const void *arg)
{
    const struct ata_cmd *c = arg;
    lba_regs(ch, c->lba, c->count, c->ext);
    outb(cmd_base(ch) + 7, c->cmd);
}

static void issue_packet(int ch, const void *arg)
{
    const uint8_t *p = arg;
    uint16_t b = cmd_base(ch);
    outb(b + 1, p[12]);                     /* features: DMA or not */
    outb(b + 4, 0x00);
    outb(b + 5, 0x08);                      /* byte count limit 2048 */
    outb(b + 7, 0xA0);
    if (wait_ready(ch) & ST_DRQ)
        for (int i = 0; i < 6; i++)
            outw(b, p[2 * i] | p[2 * i + 1] << 8);
}

/* A packet command with its reply read by PIO; returns the bytes read, or -status on an error. */
static int packet_pio(int ch, const uint8_t *packet, uint8_t *out, int max)
{
    uint8_t p[13];
    memcpy(p, packet, 12);
    p[12] = 0;
    issue_packet(ch, p);
    int got = 0;
    for (;;) {
        uint8_t st = wait_ready(ch);
        if (st & ST_ERR)
            return -(int)st;
        if (!(st & ST_DRQ))
            return got;
        int n = inb(cmd_base(ch) + 4) | inb(cmd_base(ch) + 5) << 8;
        for (int i = 0; i < n; i += 2) {
            uint16_t w = inw(cmd_base(ch));
            if (got + 1 < max) {
                out[got] = w;
                out[got + 1] = w >> 8;
            }
            got += 2;
        }
    }
}

static void disk(void)
{
    uint8_t st = 0, bmst = 0;
    outb(cmd_base(0) + 6, 0xA0);
    outb(cmd_base(0) + 7, 0xEC);
    st = wait_ready(0);
    uint16_t id[256];
    for (int i = 0; i < 256; i++)
        id[i] = inw(cmd_base(0));
    char model[41];
    for (int i = 0; i < 20; i++) {
        model[2 * i] = id[27 + i] >> 8;
        model[2 * i + 1] = id[27 + i];
    }
    model[40] = 0;
    for (int i = 39; i >= 0 && model[i] == ' '; i--)
        model[i] = 0;
    uint32_t sectors = id[60] | (uint32_t)id[61] << 16;
    uint64_t sectors48 = id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32;
    printf("ide: identify status 0x%x model '%s' sectors %u lba48 %lu\n", st, model, sectors, sectors48);

    st = pio_read(0, 0x20, 0, 8, 0, buf);
    printf("ide: pio read 0..7 status 0x%x\n", st);
    for (int i = 0; i < 8; i++)
        printf("ide: sector %d fnv 0x%08x\n", i, fnv1a(buf + i * SECTOR, SECTOR));

    /* Byte i of written sector k is (k * 31 + i * 7) & 0xFF, as the virtio-blk guest writes. */
    for (int k = 16; k < 24; k++)
        for (int i = 0; i < SECTOR; i++)
            buf[(k - 16) * SECTOR + i] = (uint8_t)(k * 31 + i * 7);
    st = pio_write(0, 0x30, 16, 4, 0, buf);
    printf("ide: pio write 16..19 status 0x%x\n", st);
    struct ata_cmd w = { 0x35, 20, 4, 1 };
    memmove(buf, buf + 4 * SECTOR, 4 * SECTOR);
    st = dma(0, 4 * SECTOR, 0, issue_ata, &w, &bmst);
    printf("ide: dma write 20..23 status 0x%x bm 0x%x\n", st, bmst);

    memset(buf, 0, 8 * SECTOR);
    struct ata_cmd r = { 0xC8, 16, 4, 0 };
    st = dma(0, 4 * SECTOR, 1, issue_ata, &r, &bmst);
    printf("ide: dma read 16..19 status 0x%x bm 0x%x\n", st, bmst);
    st = pio_read(0, 0x24, 20, 4, 1, buf + 4 * SECTOR);
    printf("ide: pio read 20..23 status 0x%x\n", st);
    for (int k = 16; k < 24; k++)
        printf("ide: sector %d fnv 0x%08x\n", k, fnv1a(buf + (k - 16) * SECTOR, SECTOR));

    st = pio_read(0, 0x20, sectors, 1, 0, buf);
    printf("ide: read past the end status 0x%x error 0x%x\n", st, inb(cmd_base(0) + 1));
}

static void cdrom(void)
{
    outb(cmd_base(1) + 6, 0xA0);
    wait_ready(1);
    printf("ide: cd signature 0x%x 0x%x\n", inb(cmd_base(1) + 4), inb(cmd_base(1) + 5));
    uint8_t reply[64];
    uint8_t inquiry[12] = { 0x12, 0, 0, 0, 36 };
    int n = packet_pio(1, inquiry, reply, sizeof reply);
    char vendor[25];
    memcpy(vendor, reply + 8, 24);
    vendor[24] = 0;
    printf("ide: inquiry %d bytes type %d '%s'\n", n, reply[0] & 0x1F, vendor);
    uint8_t capacity[12] = { 0x25 };
    packet_pio(1, capacity, reply, sizeof reply);
    printf("ide: cd last lba %u size %u\n", reply[0] << 24 | reply[1] << 16 | reply[2] << 8 | reply[3],
           reply[4] << 24 | reply[5] << 16 | reply[6] << 8 | reply[7]);
    uint8_t read16[12] = { 0x28, 0, 0, 0, 0, 16, 0, 0, 1 };
    n = packet_pio(1, read16, buf, 2048);
    char ident[6];
    memcpy(ident, buf + 1, 5);
    ident[5] = 0;
    printf("ide: cd pio read 16: %d bytes type %d '%s' fnv 0x%08x\n", n, buf[0], ident, fnv1a(buf, 2048));
    memset(buf, 0, 2048);
    uint8_t p[13];
    memcpy(p, read16, 12);
    p[12] = 1;
    uint8_t bmst = 0;
    uint8_t st = dma(1, 2048, 1, issue_packet, p, &bmst);
    printf("ide: cd dma read 16 status 0x%x bm 0x%x fnv 0x%08x\n", st, bmst, fnv1a(buf, 2048));
}

static void loop(void)
{
    uint32_t want = 0;
    for (int pass = 1;; pass++) {
        uint8_t bmst = 0;
        memset(buf, 0, 16 * SECTOR);
        struct ata_cmd r = { 0xC8, 0, 8, 0 };
        uint8_t st = dma(0, 8 * SECTOR, 1, issue_ata, &r, &bmst);
        uint8_t st2 = pio_read(0, 0x20, 8, 8, 0, buf + 8 * SECTOR);
        uint32_t h = fnv1a(buf, 16 * SECTOR);
        if (pass == 1)
            want = h;
        int ok = h == want && st == 0x50 && st2 == 0x50 && bmst == 0x04;
        printf("ide: pass %d %s\n", pass, ok ? "ok" : "lost");
        delay_us(10000);
    }
}

int main(void)
{
    struct pci_dev d;
    if (pci_find(0x8086, 0x7010, 0, &d)) {
        printf("ide: no PIIX IDE function\n");
        return 1;
    }
    struct pci_bar b4;
    pci_bar(&d, 4, &b4);
    printf("ide: 00:%02x.%d class %02x%02x%02x bar4 io %d size %lu enable 0x%x 0x%x\n", d.dev, d.fn,
           d.class_code, d.subclass, d.prog_if, b4.io, b4.size, pci_read8(&d, 0x41), pci_read8(&d, 0x43));
    pci_enable(&d, PCI_CMD_IO | PCI_CMD_MASTER);
    bm = (uint16_t)b4.addr;
    prd = phys_alloc(16, 16);
    buf = phys_alloc(16 * SECTOR, 4096);
    outb(ctl_base(0), 0x02);
    outb(ctl_base(1), 0x02);
    disk();
    if (cmdline_has("cd"))
        cdrom();
    if (cmdline_has("loop"))
        loop();
    printf("ide: done\n");
    return 0;
}
