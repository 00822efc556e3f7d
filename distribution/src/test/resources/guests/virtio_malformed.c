/* Malformed virtqueues against virtio-blk: each case puts one broken request (or broken
 * queue) in front of the device and prints what the device did, then resets it and checks
 * that a good request succeeds and that a second device (virtio-rng) still answers.
 * case=NAME runs one case; without it every case runs in turn. Cases: loop, outside-ram,
 * zero-length, long-chain, avail-jump, ring-outside-ram. */
#include "testguest.h"

#define BLK_T_IN 0
#define SECTOR 512
#define STATUS_SENTINEL 0xAA    /* not a virtio-blk status: the device wrote none */
#define ANSWER_MS 60000          /* a bound for a loaded host, not a wait: each case ends at the first sign */
#define QUIET_MS 2000            /* how long a refused queue is watched for a late DEVICE_NEEDS_RESET */
#define OUTSIDE_RAM (1ULL << 40)

struct blk_req { uint32_t type, reserved; uint64_t sector; };

static struct virtio_dev blk, rng;
static struct blk_req *req;
static volatile uint8_t *status;
static uint8_t *data;

static int blk_start(void)
{
    if (virtio_negotiate(&blk, VIRTIO_F_INDIRECT_DESC) || virtio_queue_setup(&blk, 0, 0, VIRTIO_NO_VECTOR))
        return -1;
    virtio_driver_ok(&blk);
    return 0;
}

static void prepare_read(uint64_t sector)
{
    req->type = BLK_T_IN;
    req->reserved = 0;
    req->sector = sector;
    *status = STATUS_SENTINEL;
}

/* A well-formed three-descriptor read of sector 0 at descriptors 0..2. */
static void good_chain_at_0(struct virtq *q)
{
    prepare_read(0);
    virtq_raw_desc(q, 0, (uint64_t)(uintptr_t)req, sizeof *req, VIRTQ_DESC_F_NEXT, 1);
    virtq_raw_desc(q, 1, (uint64_t)(uintptr_t)data, SECTOR, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    virtq_raw_desc(q, 2, (uint64_t)(uintptr_t)status, 1, VIRTQ_DESC_F_WRITE, 0);
}

/* What the device did with the broken request, judged from the used ring, the status byte
 * and the device status. */
static void report(const char *name, struct virtq *q)
{
    uint32_t id = 0, len = 0;
    int answered = 0;
    uint8_t ds = 0;
    /* The device answers on its own thread: wait for the answer or DEVICE_NEEDS_RESET, whichever comes. */
    for (uint64_t end = rdtsc() + ANSWER_MS * tsc_per_ms(); rdtsc() < end;) {
        answered = virtq_poll(q, &id, &len, 10);
        ds = virtio_status(&blk);
        if (answered || (ds & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
            break;
    }
    const char *outcome;
    if (answered && *status == 1)
        outcome = "IOERR";
    else if (answered && len == 0)
        outcome = "used-len-0";
    else if (ds & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
        outcome = "NEEDS_RESET";
    else if (answered && *status == 0)
        outcome = "served";
    else
        outcome = "no-answer";
    printf("malformed %s: outcome %s (answered %d, used len %u, status byte 0x%x, device status 0x%x)\n",
           name, outcome, answered, len, *status, ds);
}

/* The loop stays among the writable descriptors (status back to data), so that it is the
 * loop a device finds and not a readable descriptor after a writable one. */
static void case_loop(struct virtq *q)
{
    good_chain_at_0(q);
    virtq_raw_desc(q, 2, (uint64_t)(uintptr_t)status, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    virtq_raw_publish(q, 0);
}

static void case_outside_ram(struct virtq *q)
{
    good_chain_at_0(q);
    virtq_raw_desc(q, 1, OUTSIDE_RAM, SECTOR, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    virtq_raw_publish(q, 0);
}

static void case_zero_length(struct virtq *q)
{
    prepare_read(0);
    virtq_raw_desc(q, 0, (uint64_t)(uintptr_t)req, 0, 0, 0);
    virtq_raw_publish(q, 0);
}

/* The spec caps a chain at the queue size. With indirect descriptors a table can hold one
 * more entry than that without looping; without them the only longer chain is a loop
 * through the whole table. */
static void case_long_chain(struct virtq *q)
{
    uint16_t n = (uint16_t)(q->size + 1);
    prepare_read(0);
    if (blk.features & VIRTIO_F_INDIRECT_DESC) {
        struct virtq_desc *t = phys_alloc(16u * n, 16);
        uint8_t *buf = phys_alloc((size_t)SECTOR * (n - 2), 4096);
        t[0] = (struct virtq_desc){ (uint64_t)(uintptr_t)req, sizeof *req, VIRTQ_DESC_F_NEXT, 1 };
        for (uint16_t i = 1; i < n - 1; i++)
            t[i] = (struct virtq_desc){ (uint64_t)(uintptr_t)(buf + (size_t)SECTOR * (i - 1)), SECTOR,
                                        VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1) };
        t[n - 1] = (struct virtq_desc){ (uint64_t)(uintptr_t)status, 1, VIRTQ_DESC_F_WRITE, 0 };
        virtq_raw_desc(q, 0, (uint64_t)(uintptr_t)t, 16u * n, VIRTQ_DESC_F_INDIRECT, 0);
        printf("malformed long-chain: indirect table of %u entries, queue size %u\n", n, q->size);
    } else {
        virtq_raw_desc(q, 0, (uint64_t)(uintptr_t)req, sizeof *req, VIRTQ_DESC_F_NEXT, 1);
        for (uint16_t i = 1; i < q->size; i++)
            virtq_raw_desc(q, i, (uint64_t)(uintptr_t)data, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
                           (uint16_t)((i + 1) % q->size));
        printf("malformed long-chain: no indirect descriptors, a chain through all %u descriptors and back\n",
               q->size);
    }
    virtq_raw_publish(q, 0);
}

static void case_avail_jump(struct virtq *q)
{
    good_chain_at_0(q);
    /* Every ring entry names the good chain, so a device that ignores the jump serves it. */
    for (uint16_t i = 0; i < q->size; i++)
        q->avail->ring[i] = 0;
    virtq_raw_avail_idx(q, (uint16_t)(q->avail_idx + q->size + 1));
}

static void run_case(const char *name, void (*make)(struct virtq *))
{
    struct virtq *q = &blk.vq[0];
    make(q);
    virtq_kick(q);
    report(name, q);
}

/* Queue rings outside guest RAM at queue_enable: there is no request to fail, so what
 * counts is whether the device refuses the queue or asks for a reset. */
static void run_ring_outside_ram(void)
{
    const char *name = "ring-outside-ram";
    if (virtio_negotiate(&blk, 0))
        return;
    virtio_queue_setup_at(&blk, 0, 0, VIRTIO_NO_VECTOR, OUTSIDE_RAM, OUTSIDE_RAM + 0x4000, OUTSIDE_RAM + 0x8000);
    int enabled = virtio_queue_enabled(&blk, 0);
    virtio_driver_ok(&blk);
    virtq_kick(&blk.vq[0]);
    uint8_t ds = virtio_status(&blk);
    uint64_t start = rdtsc();
    while (!(ds & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED))
           && rdtsc() - start < (enabled ? ANSWER_MS : QUIET_MS) * tsc_per_ms()) {
        delay_us(10000);
        ds = virtio_status(&blk);
    }
    const char *outcome = (ds & VIRTIO_STATUS_DEVICE_NEEDS_RESET) ? "NEEDS_RESET"
                        : !enabled ? "queue-refused"
                        : (ds & VIRTIO_STATUS_FAILED) ? "FAILED" : "no-answer";
    printf("malformed %s: outcome %s (queue_enable reads %d, device status 0x%x)\n", name, outcome, enabled, ds);
}

static void recover(const char *name)
{
    int ok = 0;
    if (!virtio_reset(&blk) && !blk_start()) {
        prepare_read(0);
        struct virtq_buf b[3] = { { req, sizeof *req, 0 }, { data, SECTOR, 1 }, { status, 1, 1 } };
        long used = virtq_submit(&blk.vq[0], b, 3, 10000);
        ok = used > 0 && *status == 0;
        if (!ok)
            printf("malformed %s: good request after reset: used %ld, status 0x%x\n", name, used, *status);
    }
    printf("malformed %s: %s\n", name, ok ? "recovered, good request ok" : "NOT recovered");

    uint8_t *r = phys_alloc(16, 16);
    struct virtq_buf b = { r, 16, 1 };
    long got = virtq_submit(&rng.vq[0], &b, 1, 10000);
    printf("malformed %s: rng %s (%ld bytes)\n", name, got > 0 ? "ok" : "FAILED", got);
}

struct mcase { const char *name; void (*make)(struct virtq *); };
static const struct mcase cases[] = {
    { "loop", case_loop },
    { "outside-ram", case_outside_ram },
    { "zero-length", case_zero_length },
    { "long-chain", case_long_chain },
    { "avail-jump", case_avail_jump },
    { "ring-outside-ram", 0 },
};

int main(void)
{
    if (virtio_find(VIRTIO_ID_BLOCK, 0, &blk) || blk_start())
        return 1;
    if (virtio_start(&rng, VIRTIO_ID_RNG, 0, 0, 1, 0))
        return 2;
    req = phys_alloc(sizeof *req, 16);
    status = phys_alloc(1, 16);
    data = phys_alloc(SECTOR, 4096);
    char only[32];
    int one = cmdline_str("case", only, sizeof only) > 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (one && strcmp(only, cases[i].name))
            continue;
        if (cases[i].make)
            run_case(cases[i].name, cases[i].make);
        else
            run_ring_outside_ram();
        recover(cases[i].name);
    }
    printf("malformed: done\n");
    return 0;
}
