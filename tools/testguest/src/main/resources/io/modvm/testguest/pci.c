/*
 * modvm test guest kit: PCI on bus 0 through configuration mechanism #1
 * (ports 0xCF8/0xCFC), BARs, the capability list and MSI-X.
 *
 * Every config access is two port accesses, which on a software KVM trap to
 * the kit's #GP handler (~70 us each), so nothing here is meant for loops.
 */
#include "testguest.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC

/* Where BARs that cannot be used as found (unassigned, or above the 4 GiB identity map)
 * are moved. Below the LAPIC/IOAPIC and clear of where SeaBIOS and modvm place BARs. */
#define KIT_PCI_WINDOW     0xD0000000u
#define KIT_PCI_WINDOW_END 0xDFFFFFFFu

static spinlock_t kit_pci_lock;
static uint64_t kit_pci_window_next = KIT_PCI_WINDOW;

static void pci_select(const struct pci_dev *d, int off)
{
    outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11
                             | (uint32_t)d->fn << 8 | (uint32_t)(off & 0xFC));
}

/* Address and data must not be split by another CPU's access. */
uint32_t pci_read32(const struct pci_dev *d, int off)
{
    spin_lock(&kit_pci_lock);
    pci_select(d, off);
    uint32_t v = inl(PCI_CONFIG_DATA);
    spin_unlock(&kit_pci_lock);
    return v;
}

/* Config reads have no side effects, so narrow reads take the enclosing dword. */
uint16_t pci_read16(const struct pci_dev *d, int off)
{
    return (uint16_t)(pci_read32(d, off) >> (8 * (off & 2)));
}

uint8_t pci_read8(const struct pci_dev *d, int off)
{
    return (uint8_t)(pci_read32(d, off) >> (8 * (off & 3)));
}

void pci_write32(const struct pci_dev *d, int off, uint32_t v)
{
    spin_lock(&kit_pci_lock);
    pci_select(d, off);
    outl(PCI_CONFIG_DATA, v);
    spin_unlock(&kit_pci_lock);
}

void pci_write16(const struct pci_dev *d, int off, uint16_t v)
{
    spin_lock(&kit_pci_lock);
    pci_select(d, off);
    outw(PCI_CONFIG_DATA + (off & 2), v);
    spin_unlock(&kit_pci_lock);
}

void pci_write8(const struct pci_dev *d, int off, uint8_t v)
{
    spin_lock(&kit_pci_lock);
    pci_select(d, off);
    outb(PCI_CONFIG_DATA + (off & 3), v);
    spin_unlock(&kit_pci_lock);
}

static int pci_probe(int dev, int fn, struct pci_dev *out)
{
    struct pci_dev d = { .bus = 0, .dev = (uint8_t)dev, .fn = (uint8_t)fn };
    uint32_t id = pci_read32(&d, 0x00);
    if ((id & 0xFFFF) == 0xFFFF || (id & 0xFFFF) == 0)
        return 0;
    d.vendor = (uint16_t)id;
    d.device = (uint16_t)(id >> 16);
    uint32_t cls = pci_read32(&d, 0x08);
    d.revision = (uint8_t)cls;
    d.prog_if = (uint8_t)(cls >> 8);
    d.subclass = (uint8_t)(cls >> 16);
    d.class_code = (uint8_t)(cls >> 24);
    d.header_type = pci_read8(&d, 0x0E);
    if ((d.header_type & 0x7F) == 0) {
        uint32_t sub = pci_read32(&d, 0x2C);
        d.subsys_vendor = (uint16_t)sub;
        d.subsys_device = (uint16_t)(sub >> 16);
    }
    *out = d;
    return 1;
}

int pci_scan(struct pci_dev *out, int max)
{
    int n = 0;
    for (int dev = 0; dev < 32; dev++) {
        struct pci_dev d;
        if (!pci_probe(dev, 0, &d))
            continue;
        int multifunction = d.header_type & 0x80;
        d.header_type &= 0x7F;
        if (n < max)
            out[n] = d;
        n++;
        for (int fn = 1; multifunction && fn < 8; fn++) {
            if (!pci_probe(dev, fn, &d))
                continue;
            d.header_type &= 0x7F;
            if (n < max)
                out[n] = d;
            n++;
        }
    }
    return n < max ? n : max;
}

int pci_find(uint16_t vendor, uint16_t device, int index, struct pci_dev *out)
{
    struct pci_dev all[64];
    int n = pci_scan(all, 64);
    for (int i = 0; i < n; i++) {
        if ((vendor != 0xFFFF && all[i].vendor != vendor) || (device != 0xFFFF && all[i].device != device))
            continue;
        if (index-- == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

static uint64_t pci_window_take(uint64_t size)
{
    spin_lock(&kit_pci_lock);
    uint64_t a = (kit_pci_window_next + size - 1) & ~(size - 1);
    uint64_t r = 0;
    if (a + size - 1 <= KIT_PCI_WINDOW_END) {
        kit_pci_window_next = a + size;
        r = a;
    }
    spin_unlock(&kit_pci_lock);
    return r;
}

int pci_bar(const struct pci_dev *d, int n, struct pci_bar *bar)
{
    memset(bar, 0, sizeof *bar);
    if (n < 0 || n > 5)
        return -1;
    int off = 0x10 + 4 * n;
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    /* Sizing writes all ones; the BAR must not decode at that address meanwhile. */
    pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));

    uint32_t lo = pci_read32(d, off);
    pci_write32(d, off, 0xFFFFFFFFu);
    uint32_t lo_mask = pci_read32(d, off);
    pci_write32(d, off, lo);

    if (lo & 1) {
        bar->io = 1;
        bar->addr = lo & ~3u;
        uint32_t m = lo_mask & ~3u;
        bar->size = m ? (uint16_t)(~m + 1) : 0;
    } else {
        bar->is64 = ((lo >> 1) & 3) == 2;
        bar->prefetchable = (lo >> 3) & 1;
        uint64_t addr = lo & ~0xFu, mask = lo_mask & ~0xFu;
        if (bar->is64 && n < 5) {
            uint32_t hi = pci_read32(d, off + 4);
            pci_write32(d, off + 4, 0xFFFFFFFFu);
            uint32_t hi_mask = pci_read32(d, off + 4);
            pci_write32(d, off + 4, hi);
            addr |= (uint64_t)hi << 32;
            mask |= (uint64_t)hi_mask << 32;
        } else if (!bar->is64) {
            mask |= 0xFFFFFFFF00000000ull;
        }
        bar->size = mask ? ~mask + 1 : 0;
        bar->addr = addr;
        if (bar->size && (addr == 0 || addr + bar->size > 0x100000000ull)) {
            uint64_t moved = pci_window_take(bar->size);
            printf("pci %02x:%02x.%x BAR%d at 0x%lx (size 0x%lx) moved to 0x%lx\n",
                   d->bus, d->dev, d->fn, n, addr, bar->size, moved);
            if (moved) {
                pci_write32(d, off, (uint32_t)moved | (lo & 0xF));
                if (bar->is64)
                    pci_write32(d, off + 4, 0);
            }
            bar->addr = moved;
        }
    }
    pci_write16(d, PCI_COMMAND, cmd);
    if (!bar->size)
        bar->addr = 0;
    return bar->size ? 0 : -1;
}

void pci_enable(const struct pci_dev *d, uint16_t cmd_bits)
{
    pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | cmd_bits);
}

int pci_find_cap(const struct pci_dev *d, uint8_t id, int after)
{
    if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
        return 0;
    int off = after ? pci_read8(d, after + 1) : pci_read8(d, PCI_CAP_PTR);
    /* 48 is the most capabilities that fit in 256 bytes: a longer walk is a loop. */
    for (int hops = 0; hops < 48 && off >= 0x40; hops++) {
        off &= 0xFC;
        if (pci_read8(d, off) == id)
            return off;
        off = pci_read8(d, off + 1);
    }
    return 0;
}

static uint64_t pci_bar_base(const struct pci_dev *d, int bir)
{
    struct pci_bar b;
    if (pci_bar(d, bir, &b) || b.io)
        return 0;
    return b.addr;
}

int pci_msix_init(const struct pci_dev *d, struct pci_msix *m)
{
    memset(m, 0, sizeof *m);
    int cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
    if (!cap)
        return -1;
    uint16_t ctrl = pci_read16(d, cap + 2);
    uint32_t table = pci_read32(d, cap + 4), pba = pci_read32(d, cap + 8);
    uint64_t tbase = pci_bar_base(d, table & 7), pbase = pci_bar_base(d, pba & 7);
    if (!tbase)
        return -1;
    m->cap = cap;
    m->count = (ctrl & 0x7FF) + 1;
    m->table = tbase + (table & ~7u);
    m->pba = pbase ? pbase + (pba & ~7u) : 0;
    pci_enable(d, PCI_CMD_MEMORY);
    /* Function mask while the entries are masked one by one, so nothing fires half-programmed. */
    pci_write16(d, cap + 2, (uint16_t)((ctrl & ~0x3FFFu) | 0x8000 | 0x4000));
    for (int i = 0; i < m->count; i++)
        pci_msix_mask(m, i, 1);
    pci_write16(d, cap + 2, (uint16_t)((ctrl & ~0x3FFFu & ~0x4000u) | 0x8000));
    return 0;
}

void pci_msix_route(const struct pci_msix *m, int entry, int vector, int apic_id)
{
    uint64_t e = m->table + 16u * (unsigned)entry;
    mmio_write32(e + 0, KIT_LAPIC_PA | ((uint32_t)apic_id << 12));   /* physical destination */
    mmio_write32(e + 4, 0);
    mmio_write32(e + 8, (uint32_t)vector & 0xFF);                       /* fixed, edge */
    pci_msix_mask(m, entry, 0);
}

void pci_msix_mask(const struct pci_msix *m, int entry, int masked)
{
    uint64_t ctl = m->table + 16u * (unsigned)entry + 12;
    uint32_t v = mmio_read32(ctl);
    mmio_write32(ctl, masked ? v | 1 : v & ~1u);
}
