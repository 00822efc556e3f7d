/* bench: virtio-blk throughput and IOPS, timed by the guest with RDTSC.
 *
 * Drives the first virtio-blk-pci device (modern interface, the kit's driver) by polling: no MSI-X,
 * VRING_AVAIL_F_NO_INTERRUPT set, so neither VMM injects interrupts; the guest spins at CPL3 (native
 * even on PVM) on the used ring. It negotiates VIRTIO_BLK_F_FLUSH like any real driver: QEMU turns a
 * writeback drive into writethrough when the driver does not (the WCE rule of virtio-blk).
 *
 * Each slot of the queue owns three fixed descriptors (header, data, status), so with qd slots in
 * flight a completion in any order frees exactly its own slot. The driver honours
 * VRING_USED_F_NO_NOTIFY: it kicks only when the device has not said it is already processing, as
 * Linux does without EVENT_IDX; the number of kicks is printed with each figure.
 *
 * Tests, in this order (all on one device, one guest boot), each with queue depth 1 and then qd:
 *   seqread   seq_mb MiB in seq_kb KiB requests, wrapping around the disk
 *   randread  rand_n 4 KiB reads at pseudo-random 4 KiB-aligned offsets (xorshift64, fixed seed)
 *   seqwrite  as seqread, writing; then one FLUSH, timed on its own
 *   randwrite as randread, writing; then one FLUSH, timed on its own
 * An untimed warm-up (warm_mb MiB of sequential reads and warm_n random 4 KiB reads at qd) comes
 * first, so both VMMs are measured in their steady state (modvm's JIT has compiled its I/O path).
 *
 * Command line: seq_mb= seq_kb= rand_n= qd= seed= warm_mb= warm_n= tests= (a subset of
 * "sr,rr,sw,rw", default all). Prints one line per figure with raw TSC counts; the harness turns
 * them into MB/s and IOPS with the host TSC rate. */
#include "testguest.h"

#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
#define T_IN    0
#define T_OUT   1
#define T_FLUSH 4
#define SECTOR  512
#define MAX_QD  64
#define AVAIL_F_NO_INTERRUPT 1
#define USED_F_NO_NOTIFY     1
#define TIMEOUT_MS 30000

struct blk_req { uint32_t type, reserved; uint64_t sector; };

struct slot {
    struct blk_req *hdr;
    volatile uint8_t *status;
    uint8_t *buf;
};

static struct virtio_dev dev;
static struct virtq *vq;
static struct slot slots[MAX_QD];
static uint64_t capacity;           /* sectors */
static uint64_t kicks, errors;
static uint64_t timeout_tsc;
static int failed;                  /* a request got no answer: stop everything */

static uint64_t rng;
static uint64_t xorshift64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Publishes slot s's chain (descriptors 3s..3s+2); does not kick. */
static void post(int s, uint32_t type, uint64_t sector, uint32_t len)
{
    struct slot *sl = &slots[s];
    uint16_t d = (uint16_t)(3 * s);
    sl->hdr->type = type;
    sl->hdr->reserved = 0;
    sl->hdr->sector = sector;
    *sl->status = 0xFF;
    if (len) {
        virtq_raw_desc(vq, d, (uint64_t)(uintptr_t)sl->hdr, sizeof *sl->hdr, VIRTQ_DESC_F_NEXT, (uint16_t)(d + 1));
        virtq_raw_desc(vq, (uint16_t)(d + 1), (uint64_t)(uintptr_t)sl->buf, len,
                       (uint16_t)(VIRTQ_DESC_F_NEXT | (type == T_IN ? VIRTQ_DESC_F_WRITE : 0)), (uint16_t)(d + 2));
    } else {
        virtq_raw_desc(vq, d, (uint64_t)(uintptr_t)sl->hdr, sizeof *sl->hdr, VIRTQ_DESC_F_NEXT, (uint16_t)(d + 2));
    }
    virtq_raw_desc(vq, (uint16_t)(d + 2), (uint64_t)(uintptr_t)sl->status, 1, VIRTQ_DESC_F_WRITE, 0);
    virtq_raw_publish(vq, d);
}

/* Notifies the device unless it said it needs no notification (it is processing the ring). */
static void kick(void)
{
    mfence();           /* avail index before reading the used flags */
    if (!(vq->used->flags & USED_F_NO_NOTIFY)) {
        mmio_write16(vq->notify, (uint16_t)vq->index);
        kicks++;
    }
}

/* Waits for the next used element; returns its slot, or -1 after the timeout. */
static int reap(void)
{
    uint64_t end = 0;
    while (vq->used->idx == vq->last_used) {
        if (!end)
            end = rdtsc() + timeout_tsc;
        else if (rdtsc() > end)
            return -1;
        pause();
    }
    barrier();
    uint32_t id = vq->used->ring[vq->last_used % vq->size].id;
    vq->last_used++;
    int s = (int)(id / 3);
    if (*slots[s].status != 0)
        errors++;
    return s;
}

/* Sector of the i-th request of a test: sequential (wrapping) or pseudo-random, 4 KiB-aligned. */
static uint64_t next_sector(int random, uint64_t i, uint32_t len)
{
    uint64_t per = len / SECTOR;
    uint64_t units = capacity / per;
    return (random ? xorshift64() % units : i % units) * per;
}

/* n requests of len bytes, qd in flight; returns the TSC ticks from the first post to the last completion. */
static uint64_t run(uint32_t type, int random, uint64_t n, uint32_t len, int qd)
{
    uint64_t issued = 0, done = 0;
    uint64_t t0 = rdtsc();
    for (int s = 0; s < qd && issued < n; s++)
        post(s, type, next_sector(random, issued++, len), len);
    kick();
    while (done < n) {
        int s = reap();
        if (s < 0) {
            printf("BENCH-BLK error: no completion after %d ms (%lu of %lu done)\n", TIMEOUT_MS, done, n);
            failed = 1;
            return 0;
        }
        done++;
        if (issued < n) {
            post(s, type, next_sector(random, issued++, len), len);
            kick();
        }
    }
    return rdtsc() - t0;
}

static void report(const char *test, int qd, uint64_t n, uint32_t len, uint64_t tsc)
{
    printf("BENCH-BLK test=%s qd=%d reqs=%lu bytes=%lu tsc=%lu kicks=%lu errors=%lu\n", test, qd, n,
           n * len, tsc, kicks, errors);
}

static void measure(const char *test, uint32_t type, int random, uint64_t n, uint32_t len, int qd, uint64_t seed)
{
    if (failed)
        return;
    rng = seed;
    kicks = errors = 0;
    uint64_t tsc = run(type, random, n, len, qd);
    if (!failed)
        report(test, qd, n, len, tsc);
}

static void flush(const char *after, int qd)
{
    if (failed)
        return;
    kicks = errors = 0;
    uint64_t t0 = rdtsc();
    post(0, T_FLUSH, 0, 0);
    kick();
    if (reap() < 0) {
        printf("BENCH-BLK error: FLUSH got no completion after %d ms\n", TIMEOUT_MS);
        failed = 1;
        return;
    }
    printf("BENCH-BLK test=flush after=%s qd=%d tsc=%lu errors=%lu\n", after, qd, rdtsc() - t0, errors);
}

static int wants(const char *tests, const char *t)
{
    for (const char *p = tests; *p; ) {
        const char *e = p;
        while (*e && *e != ',')
            e++;
        if ((size_t)(e - p) == strlen(t) && !strncmp(p, t, (size_t)(e - p)))
            return 1;
        p = *e ? e + 1 : e;
    }
    return 0;
}

int main(void)
{
    long seq_mb = cmdline_int("seq_mb", 64), seq_kb = cmdline_int("seq_kb", 128);
    long rand_n = cmdline_int("rand_n", 10000), qd = cmdline_int("qd", 8);
    long warm_mb = cmdline_int("warm_mb", 16), warm_n = cmdline_int("warm_n", 1000);
    uint64_t seed = (uint64_t)cmdline_int("seed", 0x2545F491);
    char tests[64] = "sr,rr,sw,rw";
    cmdline_str("tests", tests, sizeof tests);
    if (qd < 1 || qd > MAX_QD || seq_kb < 4 || seq_kb % 4 || !seed) {
        printf("BENCH-BLK error: need 1 <= qd <= %d, seq_kb a multiple of 4, seed != 0\n", MAX_QD);
        return 2;
    }

    if (virtio_start(&dev, VIRTIO_ID_BLOCK, 0, VIRTIO_BLK_F_FLUSH, 1, 0)) {
        printf("BENCH-BLK error: no virtio-blk device\n");
        return 3;
    }
    vq = &dev.vq[0];
    if (vq->size < 3 * qd) {
        printf("BENCH-BLK error: queue size %u is too small for qd=%ld\n", vq->size, qd);
        return 2;
    }
    vq->avail->flags = AVAIL_F_NO_INTERRUPT;    /* polled: the devices need not interrupt */
    capacity = virtio_cfg_read64(&dev, 0);
    uint32_t seq_len = (uint32_t)seq_kb * 1024;
    if (capacity * SECTOR < seq_len) {
        printf("BENCH-BLK error: disk of %lu sectors is smaller than one request\n", capacity);
        return 2;
    }
    for (int s = 0; s < qd; s++) {
        slots[s].hdr = phys_alloc(sizeof(struct blk_req), 16);
        slots[s].status = phys_alloc(1, 16);
        slots[s].buf = phys_alloc(seq_len, 4096);
        if (!slots[s].buf) {
            printf("BENCH-BLK error: out of guest memory for %ld buffers of %u bytes\n", qd, seq_len);
            return 2;
        }
        for (uint32_t i = 0; i < seq_len; i++)      /* what the write tests write */
            slots[s].buf[i] = (uint8_t)(i * 7 + s);
    }
    timeout_tsc = tsc_per_ms() * TIMEOUT_MS;
    printf("BENCH-BLK start capacity_sectors=%lu queue_size=%u features=0x%lx flush=%d seq_kb=%ld seq_mb=%ld "
           "rand_n=%ld qd=%ld seed=%lu tests=%s\n", capacity, vq->size, dev.features,
           !!(dev.features & VIRTIO_BLK_F_FLUSH), seq_kb, seq_mb, rand_n, qd, seed, tests);

    uint64_t seq_n = ((uint64_t)seq_mb << 20) / seq_len;
    uint64_t t0 = rdtsc();
    measure("warmup", T_IN, 0, ((uint64_t)warm_mb << 20) / seq_len, seq_len, (int)qd, seed);
    measure("warmup", T_IN, 1, (uint64_t)warm_n, 4096, (int)qd, seed);
    printf("BENCH-BLK warmup done tsc=%lu\n", rdtsc() - t0);
    int depths[2] = { 1, (int)qd };
    int ndepths = qd > 1 ? 2 : 1;
    for (int k = 0; k < ndepths; k++) {
        int d = depths[k];
        if (wants(tests, "sr"))
            measure("seqread", T_IN, 0, seq_n, seq_len, d, seed);
        if (wants(tests, "rr"))
            measure("randread", T_IN, 1, (uint64_t)rand_n, 4096, d, seed);
    }
    for (int k = 0; k < ndepths; k++) {
        int d = depths[k];
        if (wants(tests, "sw")) {
            measure("seqwrite", T_OUT, 0, seq_n, seq_len, d, seed);
            flush("seqwrite", d);
        }
    }
    for (int k = 0; k < ndepths; k++) {
        int d = depths[k];
        if (wants(tests, "rw")) {
            measure("randwrite", T_OUT, 1, (uint64_t)rand_n, 4096, d, seed + 1);
            flush("randwrite", d);
        }
    }
    if (failed)
        return 4;
    printf("BENCH-BLK done\n");
    return 0;
}
