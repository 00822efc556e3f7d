/*
 * modvm test guest kit: a minimal modern virtio-pci driver (virtio 1.2, 4.1)
 * with split virtqueues in guest RAM, polled with bounded waits.
 *
 * It is a test driver: it reports what the device did instead of recovering,
 * and it can write any descriptor or index a malformed-ring test needs.
 */
#include "testguest.h"

#define VIRTIO_PCI_VENDOR 0x1AF4

/* Vendor capability (struct virtio_pci_cap) and its cfg_type values. */
#define VCAP_CFG_TYPE 3
#define VCAP_BAR      4
#define VCAP_OFFSET   8
#define VCAP_NOTIFY_MULT 16
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

/* struct virtio_pci_common_cfg */
#define CC_DEVICE_FEATURE_SELECT 0x00
#define CC_DEVICE_FEATURE        0x04
#define CC_DRIVER_FEATURE_SELECT 0x08
#define CC_DRIVER_FEATURE        0x0C
#define CC_MSIX_CONFIG           0x10
#define CC_NUM_QUEUES            0x12
#define CC_DEVICE_STATUS         0x14
#define CC_CONFIG_GENERATION     0x15
#define CC_QUEUE_SELECT          0x16
#define CC_QUEUE_SIZE            0x18
#define CC_QUEUE_MSIX_VECTOR     0x1A
#define CC_QUEUE_ENABLE          0x1C
#define CC_QUEUE_NOTIFY_OFF      0x1E
#define CC_QUEUE_DESC            0x20
#define CC_QUEUE_DRIVER          0x28
#define CC_QUEUE_DEVICE          0x30

#define VIRTIO_RESET_WAIT_MS 1000

static int virtio_type_of(const struct pci_dev *p)
{
    if (p->vendor != VIRTIO_PCI_VENDOR)
        return -1;
    if (p->device >= 0x1040 && p->device <= 0x107F)
        return p->device - 0x1040;
    if (p->device >= 0x1000 && p->device <= 0x103F)      /* transitional: type in the subsystem ID */
        return p->subsys_device;
    return -1;
}

static uint64_t virtio_cap_addr(struct virtio_dev *v, int cap)
{
    struct pci_bar bar;
    int bir = pci_read8(&v->pci, cap + VCAP_BAR);
    if (bir > 5 || pci_bar(&v->pci, bir, &bar) || bar.io)
        return 0;
    return bar.addr + pci_read32(&v->pci, cap + VCAP_OFFSET);
}

int virtio_find(int type, int index, struct virtio_dev *v)
{
    memset(v, 0, sizeof *v);
    struct pci_dev all[64];
    int n = pci_scan(all, 64), found = 0;
    for (int i = 0; i < n && !found; i++)
        if (virtio_type_of(&all[i]) == type && index-- == 0) {
            v->pci = all[i];
            found = 1;
        }
    if (!found) {
        printf("virtio: no device of type %d on bus 0\n", type);
        return -1;
    }
    v->type = type;
    for (int cap = pci_find_cap(&v->pci, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(&v->pci, PCI_CAP_VENDOR, cap)) {
        /* The first capability of each type is the one to use (4.1.4); later ones are alternatives. */
        switch (pci_read8(&v->pci, cap + VCAP_CFG_TYPE)) {
        case VIRTIO_PCI_CAP_COMMON_CFG:
            if (!v->common)
                v->common = virtio_cap_addr(v, cap);
            break;
        case VIRTIO_PCI_CAP_NOTIFY_CFG:
            if (!v->notify_base) {
                v->notify_base = virtio_cap_addr(v, cap);
                v->notify_mult = pci_read32(&v->pci, cap + VCAP_NOTIFY_MULT);
            }
            break;
        case VIRTIO_PCI_CAP_ISR_CFG:
            if (!v->isr)
                v->isr = virtio_cap_addr(v, cap);
            break;
        case VIRTIO_PCI_CAP_DEVICE_CFG:
            if (!v->device_cfg)
                v->device_cfg = virtio_cap_addr(v, cap);
            break;
        }
    }
    if (!v->common || !v->notify_base || !v->isr) {
        printf("virtio %02x:%02x.%x: missing capabilities (common 0x%lx notify 0x%lx isr 0x%lx)\n",
               v->pci.bus, v->pci.dev, v->pci.fn, v->common, v->notify_base, v->isr);
        return -1;
    }
    pci_enable(&v->pci, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    for (int q = 0; q < VIRTIO_MAX_QUEUES; q++)
        v->vq[q].msix_vector = VIRTIO_NO_VECTOR;
    return 0;
}

uint8_t virtio_status(const struct virtio_dev *v)
{
    return mmio_read8(v->common + CC_DEVICE_STATUS);
}

void virtio_set_status(struct virtio_dev *v, uint8_t status)
{
    mmio_write8(v->common + CC_DEVICE_STATUS, status);
}

int virtio_reset(struct virtio_dev *v)
{
    virtio_set_status(v, 0);
    uint64_t end = rdtsc() + VIRTIO_RESET_WAIT_MS * tsc_per_ms();
    while (virtio_status(v) != 0) {
        if (rdtsc() > end) {
            printf("virtio: device status 0x%x still not 0 %d ms after reset\n", virtio_status(v),
                   VIRTIO_RESET_WAIT_MS);
            return -1;
        }
        pause();
    }
    for (int q = 0; q < VIRTIO_MAX_QUEUES; q++) {
        struct virtq *vq = &v->vq[q];
        vq->avail_idx = vq->last_used = vq->next_free = 0;
        if (vq->rings)
            memset(vq->rings, 0, 32 * 1024);
    }
    return 0;
}

uint64_t virtio_device_features(const struct virtio_dev *v)
{
    mmio_write32(v->common + CC_DEVICE_FEATURE_SELECT, 0);
    uint64_t lo = mmio_read32(v->common + CC_DEVICE_FEATURE);
    mmio_write32(v->common + CC_DEVICE_FEATURE_SELECT, 1);
    uint64_t hi = mmio_read32(v->common + CC_DEVICE_FEATURE);
    return hi << 32 | lo;
}

int virtio_negotiate(struct virtio_dev *v, uint64_t wanted)
{
    if (virtio_reset(v))
        return -1;
    virtio_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE);
    virtio_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t offered = virtio_device_features(v);
    if (!(offered & VIRTIO_F_VERSION_1)) {
        printf("virtio: device offers 0x%lx, without VERSION_1\n", offered);
        virtio_set_status(v, virtio_status(v) | VIRTIO_STATUS_FAILED);
        return -1;
    }
    v->features = (wanted | VIRTIO_F_VERSION_1) & offered;
    mmio_write32(v->common + CC_DRIVER_FEATURE_SELECT, 0);
    mmio_write32(v->common + CC_DRIVER_FEATURE, (uint32_t)v->features);
    mmio_write32(v->common + CC_DRIVER_FEATURE_SELECT, 1);
    mmio_write32(v->common + CC_DRIVER_FEATURE, (uint32_t)(v->features >> 32));
    virtio_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    uint8_t s = virtio_status(v);
    if (!(s & VIRTIO_STATUS_FEATURES_OK)) {
        printf("virtio: device refused features 0x%lx (status 0x%x)\n", v->features, s);
        virtio_set_status(v, s | VIRTIO_STATUS_FAILED);
        return -1;
    }
    return 0;
}

static void virtio_write64(uint64_t addr, uint64_t val)
{
    /* Two 32-bit halves: 4.1.3.1 lets a device refuse 64-bit accesses. */
    mmio_write32(addr, (uint32_t)val);
    mmio_write32(addr + 4, (uint32_t)(val >> 32));
}

int virtio_queue_setup_at(struct virtio_dev *v, int q, uint16_t size, uint16_t msix_vector,
                          uint64_t desc, uint64_t driver, uint64_t device)
{
    if (q < 0 || q >= VIRTIO_MAX_QUEUES)
        return -1;
    struct virtq *vq = &v->vq[q];
    mmio_write16(v->common + CC_QUEUE_SELECT, (uint16_t)q);
    uint16_t max = mmio_read16(v->common + CC_QUEUE_SIZE);
    if (!max) {
        printf("virtio: queue %d does not exist\n", q);
        return -1;
    }
    if (size > max || !size)
        size = max;
    vq->index = q;
    vq->size = size;
    vq->desc = (volatile struct virtq_desc *)(uintptr_t)desc;
    vq->avail = (volatile struct virtq_avail *)(uintptr_t)driver;
    vq->used = (volatile struct virtq_used *)(uintptr_t)device;
    vq->avail_idx = vq->last_used = vq->next_free = 0;
    vq->msix_vector = msix_vector;
    mmio_write16(v->common + CC_QUEUE_SIZE, size);
    virtio_write64(v->common + CC_QUEUE_DESC, desc);
    virtio_write64(v->common + CC_QUEUE_DRIVER, driver);
    virtio_write64(v->common + CC_QUEUE_DEVICE, device);
    mmio_write16(v->common + CC_QUEUE_MSIX_VECTOR, msix_vector);
    uint16_t got = mmio_read16(v->common + CC_QUEUE_MSIX_VECTOR);
    if (got != msix_vector)
        printf("virtio: queue %d MSI-X vector %u read back as 0x%x\n", q, msix_vector, got);
    uint16_t notify_off = mmio_read16(v->common + CC_QUEUE_NOTIFY_OFF);
    vq->notify = v->notify_base + (uint64_t)notify_off * v->notify_mult;
    mmio_write16(v->common + CC_QUEUE_ENABLE, 1);
    return 0;
}

int virtio_queue_setup(struct virtio_dev *v, int q, uint16_t size, uint16_t msix_vector)
{
    if (q < 0 || q >= VIRTIO_MAX_QUEUES)
        return -1;
    struct virtq *vq = &v->vq[q];
    /* Room for the largest queue the kit drives (1024: desc 16 KiB, avail 4 KiB, used 12 KiB),
     * allocated once and kept across resets. */
    if (!vq->rings && !(vq->rings = phys_alloc(32 * 1024, 4096))) {
        printf("virtio: out of memory for queue %d\n", q);
        return -1;
    }
    if (size > 1024 || !size)
        size = 1024;
    memset(vq->rings, 0, 32 * 1024);
    uint64_t base = (uint64_t)(uintptr_t)vq->rings;
    return virtio_queue_setup_at(v, q, size, msix_vector, base, base + 16 * 1024, base + 20 * 1024);
}

void virtio_driver_ok(struct virtio_dev *v)
{
    virtio_set_status(v, virtio_status(v) | VIRTIO_STATUS_DRIVER_OK);
}

int virtio_queue_enabled(struct virtio_dev *v, int q)
{
    mmio_write16(v->common + CC_QUEUE_SELECT, (uint16_t)q);
    return mmio_read16(v->common + CC_QUEUE_ENABLE) & 1;
}

uint16_t virtio_config_vector(struct virtio_dev *v, uint16_t msix_vector)
{
    mmio_write16(v->common + CC_MSIX_CONFIG, msix_vector);
    return mmio_read16(v->common + CC_MSIX_CONFIG);
}

int virtio_start(struct virtio_dev *v, int type, int index, uint64_t wanted, int nqueues, int vector_base)
{
    if (virtio_find(type, index, v) || virtio_negotiate(v, wanted))
        return -1;
    int msix = 0;
    if (vector_base) {
        if (pci_msix_init(&v->pci, &v->msix) || v->msix.count < nqueues + 1) {
            printf("virtio: no MSI-X table with %d entries\n", nqueues + 1);
            return -1;
        }
        /* A BIOS may leave the 8259 at vectors 8..15 with the PIT ticking (QEMU pc with
         * SeaBIOS): IRQ0 would then arrive as a double fault once the guest enables
         * interrupts. Remapped and fully masked, only MSI-X is left. */
        pic_init(0);
        lapic_enable();
        for (int i = 0; i <= nqueues; i++)
            pci_msix_route(&v->msix, i, vector_base + i, cpu_id());
        virtio_config_vector(v, (uint16_t)nqueues);
        msix = 1;
    }
    for (int q = 0; q < nqueues; q++)
        if (virtio_queue_setup(v, q, 0, msix ? (uint16_t)q : VIRTIO_NO_VECTOR))
            return -1;
    virtio_driver_ok(v);
    return 0;
}

uint8_t virtio_cfg_read8(const struct virtio_dev *v, int off) { return mmio_read8(v->device_cfg + off); }
uint16_t virtio_cfg_read16(const struct virtio_dev *v, int off) { return mmio_read16(v->device_cfg + off); }
uint32_t virtio_cfg_read32(const struct virtio_dev *v, int off) { return mmio_read32(v->device_cfg + off); }
void virtio_cfg_write32(const struct virtio_dev *v, int off, uint32_t val) { mmio_write32(v->device_cfg + off, val); }
uint8_t virtio_isr(const struct virtio_dev *v) { return mmio_read8(v->isr); }

uint64_t virtio_cfg_read64(const struct virtio_dev *v, int off)
{
    /* Read twice under the same generation: the halves may come from different updates. */
    for (;;) {
        uint8_t gen = mmio_read8(v->common + CC_CONFIG_GENERATION);
        uint64_t lo = mmio_read32(v->device_cfg + off), hi = mmio_read32(v->device_cfg + off + 4);
        if (gen == mmio_read8(v->common + CC_CONFIG_GENERATION))
            return hi << 32 | lo;
    }
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, int n)
{
    /* Descriptors are reused round-robin, so a test needing fewer than size in flight never
     * runs out; a chain is n consecutive (mod size) descriptors. */
    if (n <= 0 || n > q->size)
        return -1;
    uint16_t head = q->next_free;
    for (int i = 0; i < n; i++) {
        uint16_t d = (uint16_t)((head + i) % q->size);
        q->desc[d].addr = (uint64_t)(uintptr_t)bufs[i].addr;
        q->desc[d].len = bufs[i].len;
        q->desc[d].flags = (uint16_t)((bufs[i].writable ? VIRTQ_DESC_F_WRITE : 0)
                                      | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        q->desc[d].next = (uint16_t)((d + 1) % q->size);
    }
    q->next_free = (uint16_t)((head + n) % q->size);
    virtq_raw_publish(q, head);
    return head;
}

void virtq_kick(struct virtq *q)
{
    mfence();           /* ring writes before the notification (2.7.13.3) */
    mmio_write16(q->notify, (uint16_t)q->index);
}

int virtq_poll(struct virtq *q, uint32_t *id, uint32_t *len, uint64_t timeout_ms)
{
    uint64_t end = rdtsc() + timeout_ms * tsc_per_ms();
    while (q->used->idx == q->last_used) {
        if (rdtsc() > end)
            return 0;
        pause();
    }
    barrier();
    volatile struct virtq_used_elem *e = &q->used->ring[q->last_used % q->size];
    *id = e->id;
    *len = e->len;
    q->last_used++;
    return 1;
}

long virtq_submit(struct virtq *q, const struct virtq_buf *bufs, int n, uint64_t timeout_ms)
{
    int head = virtq_add(q, bufs, n);
    if (head < 0)
        return -1;
    virtq_kick(q);
    uint32_t id, len;
    if (!virtq_poll(q, &id, &len, timeout_ms))
        return -2;
    return id == (uint32_t)head ? (long)len : -3;
}

void virtq_raw_desc(struct virtq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    q->desc[i].addr = addr;
    q->desc[i].len = len;
    q->desc[i].flags = flags;
    q->desc[i].next = next;
}

void virtq_raw_publish(struct virtq *q, uint16_t head)
{
    q->avail->ring[q->avail_idx % q->size] = head;
    barrier();          /* x86 keeps stores in order; the compiler must too */
    q->avail_idx++;
    q->avail->idx = q->avail_idx;
}

void virtq_raw_avail_idx(struct virtq *q, uint16_t idx)
{
    q->avail_idx = idx;
    q->avail->idx = idx;
}

int virtio_blk_request(struct virtq *q, struct virtio_blk_req *req, volatile uint8_t *status,
                       uint32_t type, uint64_t sector, const volatile void *buf, uint32_t len,
                       int device_writes)
{
    req->type = type;
    req->reserved = 0;
    req->sector = sector;
    *status = 0xFF;
    struct virtq_buf b[3];
    int n = 0;
    b[n++] = (struct virtq_buf){ req, sizeof *req, 0 };
    if (len)
        b[n++] = (struct virtq_buf){ buf, len, device_writes };
    b[n++] = (struct virtq_buf){ status, 1, 1 };
    long used = virtq_submit(q, b, n, 10000);
    return used < 0 ? (int)used : *status;
}
