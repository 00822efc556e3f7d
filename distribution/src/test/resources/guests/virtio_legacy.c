/* The legacy virtio-pci interface of a transitional virtio-rng (0x1af4:0x1005), driven as a pre-1.0 driver
 * does (virtio 1.2, 4.1.4.8 and 4.1.5): every register of the header in I/O BAR 0, a legacy ring placed by its
 * page frame number, and guest mistakes the device must refuse. Prints "legacy: ..." lines and "legacy: done". */
#include "testguest.h"

#define HOST_FEATURES  0
#define GUEST_FEATURES 4
#define QUEUE_PFN      8
#define QUEUE_SIZE     12
#define QUEUE_SELECT   14
#define QUEUE_NOTIFY   16
#define STATUS         18
#define ISR            19
#define CONFIG_VECTOR  20
#define QUEUE_VECTOR   22

#define DESC_F_WRITE 2

static uint16_t io;
static volatile uint8_t *ring;
static uint16_t qsize;
static uint16_t avail_idx;
static uint8_t *buf;

static volatile uint16_t *avail_ring(void) { return (volatile uint16_t *)(ring + 16u * qsize); }
static volatile uint16_t *used_ring(void)
{
    uint32_t used = (16u * qsize + 6 + 2u * qsize + 4095) & ~4095u;
    return (volatile uint16_t *)(ring + used);
}

/* One 64-byte device-writable buffer in descriptor 0; returns the bytes the device wrote, or -1. */
static long request(void)
{
    volatile uint64_t *desc = (volatile uint64_t *)ring;
    desc[0] = (uint64_t)(uintptr_t)buf;
    desc[1] = 64ull | ((uint64_t)DESC_F_WRITE << 32);
    volatile uint16_t *avail = avail_ring();
    avail[2 + avail_idx % qsize] = 0;
    __sync_synchronize();
    avail[1] = ++avail_idx;
    __sync_synchronize();
    outw(io + QUEUE_NOTIFY, 0);
    uint64_t end = rdtsc() + 30000 * tsc_per_ms();
    volatile uint16_t *used = used_ring();
    while (used[1] != avail_idx && rdtsc() < end)
        pause();
    if (used[1] != avail_idx)
        return -1;
    volatile uint32_t *elem = (volatile uint32_t *)(used + 2);
    return elem[((avail_idx - 1) % qsize) * 2 + 1];
}

int main(void)
{
    struct pci_dev d;
    struct pci_bar bar;
    if (pci_find(0x1AF4, 0x1005, 0, &d)) {
        printf("legacy: no transitional virtio-rng\n");
        return 1;
    }
    printf("legacy: found %02x.0 rev %u subsystem %04x:%04x\n", d.dev, d.revision, d.subsys_vendor,
           d.subsys_device);
    if (pci_bar(&d, 0, &bar) || !bar.io) {
        printf("legacy: BAR0 is not an I/O BAR\n");
        return 2;
    }
    io = (uint16_t)bar.addr;
    printf("legacy: bar0 io size %lu\n", bar.size);
    pci_enable(&d, PCI_CMD_IO | PCI_CMD_MASTER);

    outb(io + STATUS, 0);
    outb(io + STATUS, 1);
    outb(io + STATUS, 3);
    printf("legacy: status %u\n", inb(io + STATUS));
    uint32_t host = inl(io + HOST_FEATURES);
    printf("legacy: host features %08x\n", host);
    outl(io + GUEST_FEATURES, 0xFFFFFFFFu);
    printf("legacy: guest features %08x\n", inl(io + GUEST_FEATURES));
    outl(io + GUEST_FEATURES, 0);

    outw(io + QUEUE_SELECT, 1);
    printf("legacy: queue 1 size %u\n", inw(io + QUEUE_SIZE));
    outw(io + QUEUE_SELECT, 0);
    printf("legacy: select %u\n", inw(io + QUEUE_SELECT));
    qsize = inw(io + QUEUE_SIZE);
    outw(io + QUEUE_SIZE, 1);
    printf("legacy: queue 0 size %u (read-only: %u)\n", qsize, inw(io + QUEUE_SIZE));
    uint32_t bytes = ((16u * qsize + 6 + 2u * qsize + 4095) & ~4095u) + 6 + 8u * qsize;
    ring = phys_alloc(bytes, 4096);
    for (uint32_t i = 0; i < bytes; i++)
        ring[i] = 0;
    buf = phys_alloc(64, 64);
    uint32_t pfn = (uint32_t)((uintptr_t)ring >> 12);
    outl(io + QUEUE_PFN, pfn);
    printf("legacy: pfn %s\n", inl(io + QUEUE_PFN) == pfn ? "ok" : "wrong");

    outb(io + STATUS, 7);
    printf("legacy: status %u\n", inb(io + STATUS));
    inb(io + ISR);
    long n = request();
    printf("legacy: rng returned %ld bytes\n", n);
    uint8_t isr = inb(io + ISR);
    printf("legacy: isr %u then %u\n", isr, inb(io + ISR));

    /* Mistakes: a nonexistent queue notified and selected, a ring outside RAM, the queue moved while live. */
    outw(io + QUEUE_NOTIFY, 7);
    outw(io + QUEUE_SELECT, 9);
    printf("legacy: queue 9 size %u\n", inw(io + QUEUE_SIZE));
    outl(io + QUEUE_PFN, 0xFFFFF000u);
    printf("legacy: queue 9 pfn %u\n", inl(io + QUEUE_PFN));
    outw(io + QUEUE_SELECT, 0);
    outl(io + QUEUE_PFN, 0xFFFFF000u);
    printf("legacy: live queue pfn %s\n", inl(io + QUEUE_PFN) == pfn ? "kept" : "moved");
    n = request();
    printf("legacy: after mistakes rng returned %ld bytes\n", n);

    /* With MSI-X on, the vector registers appear at 20 and 22. */
    struct pci_msix m;
    if (pci_msix_init(&d, &m) == 0) {
        outw(io + CONFIG_VECTOR, 0);
        outw(io + QUEUE_VECTOR, 1);
        uint16_t config = inw(io + CONFIG_VECTOR), queue = inw(io + QUEUE_VECTOR);
        outw(io + QUEUE_VECTOR, 40);
        printf("legacy: vectors config %u queue %u beyond %x\n", config, queue, inw(io + QUEUE_VECTOR));
    }

    outb(io + STATUS, 0);
    printf("legacy: reset status %u pfn %u\n", inb(io + STATUS), inl(io + QUEUE_PFN));
    printf("legacy: done\n");
    return 0;
}
