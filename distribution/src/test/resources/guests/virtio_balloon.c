/* virtio-balloon: dirties dirty_mb MiB (default 64) of RAM, then follows the device's
 * num_pages: inflates with the PFNs of those dirtied pages and reports them in `actual`,
 * and deflates again when num_pages falls. Each step is printed on the serial console.
 * With "hold" on the command line it waits for a byte on the serial port before it exits,
 * so the host can still query the device. */
#include "testguest.h"

#define INFLATEQ 0
#define DEFLATEQ 1
#define CFG_NUM_PAGES 0
#define CFG_ACTUAL 4
#define PAGE 4096
#define PFNS_PER_REQUEST 256
#define WAIT_MS 120000

static struct virtio_dev dev;
static uint32_t *pfns;

/* Sends pages [from, to) of the dirtied area to a queue, PFNS_PER_REQUEST at a time. */
static int send_pfns(int q, uint64_t base, uint32_t from, uint32_t to)
{
    while (from < to) {
        uint32_t n = to - from < PFNS_PER_REQUEST ? to - from : PFNS_PER_REQUEST;
        for (uint32_t i = 0; i < n; i++)
            pfns[i] = (uint32_t)(base / PAGE) + from + i;
        struct virtq_buf b = { pfns, n * 4, 0 };
        long used = virtq_submit(&dev.vq[q], &b, 1, 10000);
        if (used < 0) {
            printf("balloon: %s request got no answer (%ld)\n", q == INFLATEQ ? "inflate" : "deflate", used);
            return -1;
        }
        from += n;
    }
    return 0;
}

/* Waits until num_pages satisfies the predicate (bounded); returns it or -1. */
static long wait_num_pages(int (*ok)(uint32_t num, uint32_t actual), uint32_t actual)
{
    uint64_t end = rdtsc() + WAIT_MS * tsc_per_ms();
    while (rdtsc() < end) {
        uint32_t num = virtio_cfg_read32(&dev, CFG_NUM_PAGES);
        if (ok(num, actual))
            return num;
        delay_us(1000);
    }
    printf("balloon: num_pages stayed %u for %d s\n", virtio_cfg_read32(&dev, CFG_NUM_PAGES), WAIT_MS / 1000);
    return -1;
}

static int grows(uint32_t num, uint32_t actual) { return num > actual; }
static int shrinks(uint32_t num, uint32_t actual) { return num < actual; }

int main(void)
{
    if (virtio_start(&dev, VIRTIO_ID_BALLOON, 0, 0, 2, 0))
        return 1;
    pfns = phys_alloc(PFNS_PER_REQUEST * 4, PAGE);
    uint32_t pages = (uint32_t)(cmdline_int("dirty_mb", 64) * 1024 * 1024 / PAGE);
    uint8_t *area = phys_alloc((size_t)pages * PAGE, PAGE);
    if (!area) {
        printf("balloon: no room for %u pages below 0x%lx\n", pages, free_mem_end());
        return 2;
    }
    for (uint32_t i = 0; i < pages; i++)
        memset(area + (size_t)i * PAGE, (int)(i | 1), PAGE);
    uint64_t base = (uint64_t)(uintptr_t)area;
    printf("balloon: dirtied %u pages at 0x%lx\n", pages, base);
    printf("balloon: ready, num_pages %u\n", virtio_cfg_read32(&dev, CFG_NUM_PAGES));

    long num = wait_num_pages(grows, 0);
    if (num < 0)
        return 3;
    uint32_t target = (uint32_t)num < pages ? (uint32_t)num : pages;
    if (send_pfns(INFLATEQ, base, 0, target))
        return 4;
    virtio_cfg_write32(&dev, CFG_ACTUAL, target);
    printf("balloon: inflated %u pages (num_pages %ld), actual %u\n", target, num,
           virtio_cfg_read32(&dev, CFG_ACTUAL));

    num = wait_num_pages(shrinks, target);
    if (num < 0)
        return 5;
    /* The pages leave the balloon in the reverse order they went in. */
    if (send_pfns(DEFLATEQ, base, (uint32_t)num, target))
        return 6;
    virtio_cfg_write32(&dev, CFG_ACTUAL, (uint32_t)num);
    printf("balloon: deflated to %ld pages, actual %u\n", num, virtio_cfg_read32(&dev, CFG_ACTUAL));
    /* The deflated pages are the guest's again: touching them must work. */
    for (uint32_t i = (uint32_t)num; i < target; i++)
        area[(size_t)i * PAGE] = 0x5A;
    printf("balloon: done\n");
    if (cmdline_has("hold")) {
        uint64_t end = rdtsc() + WAIT_MS * tsc_per_ms();
        while (getc_nonblock() < 0 && rdtsc() < end)
            delay_us(10000);
    }
    return 0;
}
