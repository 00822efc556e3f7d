/* bench: device_add to usable (bench/README.md, f).
 *
 * The harness sends QMP device_add virtio-rng-pci while this guest runs. The guest has no ACPI interpreter
 * and never enables ACPI, so neither VMM's hotplug event (modvm's and QEMU pc's PIIX4 GPE) reaches it: it
 * polls PCI configuration space instead, reading the ID of function 0 of every slot that was empty at start,
 * again and again, without pause. When a virtio-rng appears (1af4:1044, or the transitional 1af4:1005) it
 * brings it up as an OS would: assigns the memory BARs the VMM left unassigned (QEMU leaves them 0 on
 * hotplug; a BIOS is not there to do it), finds the virtio capabilities of that one function, negotiates,
 * sets up the queue (polled, no MSI-X), and completes one 16-byte entropy request. Then it prints
 * "BENCH-HP ok K" (the harness's marker) and the guest-side figures in TSC ticks; after count= devices,
 * "BENCH-HP done" and it exits through the debug-exit port.
 *
 * Command line: count= (devices to wait for, default 1). */
#include "testguest.h"

#define VIRTIO_VENDOR 0x1AF4
#define VCAP_CFG_TYPE 3
#define VCAP_BAR      4
#define VCAP_OFFSET   8
#define VCAP_NOTIFY_MULT 16

/* Where this guest puts BARs it assigns itself: the upper half of the kit's window, where the kit's own
 * pci_bar() never moves anything (it starts at the bottom). */
static uint64_t window = 0xD8000000u;

static uint32_t slot_id(int slot)
{
    struct pci_dev d = { 0, (uint8_t)slot, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    uint32_t id = pci_read32(&d, 0);
    return id == 0xFFFFFFFFu ? 0 : id;
}

static int is_rng(uint32_t id)
{
    return (id & 0xFFFF) == VIRTIO_VENDOR && ((id >> 16) == 0x1044 || (id >> 16) == 0x1005);
}

/* What an OS does for a hot-added function whose memory BARs are unassigned: size and place them.
 * Silent (the kit's pci_bar() would print a line for each, at ~0.1 ms a character on PVM). */
static void assign_bars(const struct pci_dev *d)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    for (int n = 0; n < 6; n++) {
        int off = 0x10 + 4 * n;
        uint32_t lo = pci_read32(d, off);
        if (lo & 1)
            continue;                       /* I/O BAR: not used by the modern virtio driver */
        int is64 = ((lo >> 1) & 3) == 2 && n < 5;
        uint32_t hi = is64 ? pci_read32(d, off + 4) : 0;
        if ((lo & ~0xFu) || hi) {
            n += is64;
            continue;                       /* assigned by the VMM */
        }
        pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
        pci_write32(d, off, 0xFFFFFFFFu);
        uint64_t mask = pci_read32(d, off) & ~0xFu;
        if (!mask) {                        /* not implemented */
            pci_write32(d, off, lo);
            pci_write16(d, PCI_COMMAND, cmd);
            continue;
        }
        if (is64) {
            pci_write32(d, off + 4, 0xFFFFFFFFu);
            mask |= (uint64_t)pci_read32(d, off + 4) << 32;
        } else {
            mask |= 0xFFFFFFFF00000000ull;
        }
        uint64_t size = ~mask + 1;
        uint64_t a = (window + size - 1) & ~(size - 1);
        window = a + size;
        pci_write32(d, off, (uint32_t)a | (lo & 0xF));
        if (is64)
            pci_write32(d, off + 4, 0);
        pci_write16(d, PCI_COMMAND, cmd);
        n += is64;
    }
}

static uint64_t cap_addr(const struct pci_dev *d, int cap)
{
    struct pci_bar bar;
    int bir = pci_read8(d, cap + VCAP_BAR);
    if (bir > 5 || pci_bar(d, bir, &bar) || bar.io)
        return 0;
    return bar.addr + pci_read32(d, cap + VCAP_OFFSET);
}

/* virtio_find() for one known function (no bus scan: the kit's scans every slot and function). */
static int bring_up(int slot, struct virtio_dev *v)
{
    memset(v, 0, sizeof *v);
    struct pci_dev *d = &v->pci;
    d->dev = (uint8_t)slot;
    uint32_t id = pci_read32(d, 0);
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    v->type = VIRTIO_ID_RNG;
    assign_bars(d);
    for (int cap = pci_find_cap(d, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(d, PCI_CAP_VENDOR, cap)) {
        switch (pci_read8(d, cap + VCAP_CFG_TYPE)) {
        case 1: if (!v->common) v->common = cap_addr(d, cap); break;
        case 2:
            if (!v->notify_base) {
                v->notify_base = cap_addr(d, cap);
                v->notify_mult = pci_read32(d, cap + VCAP_NOTIFY_MULT);
            }
            break;
        case 3: if (!v->isr) v->isr = cap_addr(d, cap); break;
        case 4: if (!v->device_cfg) v->device_cfg = cap_addr(d, cap); break;
        }
    }
    if (!v->common || !v->notify_base || !v->isr)
        return -1;
    pci_enable(d, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    for (int q = 0; q < VIRTIO_MAX_QUEUES; q++)
        v->vq[q].msix_vector = VIRTIO_NO_VECTOR;
    if (virtio_negotiate(v, 0) || virtio_queue_setup(v, 0, 0, VIRTIO_NO_VECTOR))
        return -1;
    virtio_driver_ok(v);
    return 0;
}

int main(void)
{
    int count = (int)cmdline_int("count", 1);
    uint32_t seen[32];
    int empty = 0;
    for (int s = 0; s < 32; s++)
        empty += !(seen[s] = slot_id(s));
    uint64_t t = rdtsc();
    for (int s = 0; s < 32; s++)
        if (!seen[s])
            (void)slot_id(s);
    uint64_t scan_tsc = rdtsc() - t;
    uint8_t *buf = phys_alloc(16, 16);
    tsc_per_ms();                       /* calibrated now (the kit's bounded waits use it), not later */
    printf("BENCH-HP watching empty_slots=%d scan_tsc=%lu\n", empty, scan_tsc);
    for (int k = 1; k <= count; k++) {
        int slot = -1;
        uint64_t scans = 0, seen_tsc = 0;
        while (slot < 0) {
            for (int s = 0; s < 32 && slot < 0; s++) {
                if (seen[s])
                    continue;
                uint32_t id = slot_id(s);
                if (!id)
                    continue;
                seen[s] = id;
                if (is_rng(id)) {
                    seen_tsc = rdtsc();
                    slot = s;
                }
            }
            scans++;
        }
        struct virtio_dev v;
        long n = bring_up(slot, &v) ? -10 : 0;
        if (n == 0) {
            struct virtq_buf b = { buf, 16, 1 };
            n = virtq_submit(&v.vq[0], &b, 1, 10000);
        }
        uint64_t done_tsc = rdtsc();
        if (n <= 0) {
            printf("BENCH-HP failed %d slot=%02x result=%ld\n", k, slot, n);
            return 2;
        }
        printf("BENCH-HP ok %d\n", k);
        printf("BENCH-HP usable k=%d slot=%02x bringup_tsc=%lu scans=%lu\n", k, slot, done_tsc - seen_tsc, scans);
    }
    printf("BENCH-HP done\n");
    return 0;
}
