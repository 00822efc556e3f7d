/* bench: live migration, snapshots and the local live update (bench/README.md, j).
 *
 * First fills fill_mib= MiB of RAM (-1: all the RAM the kit leaves free; 0: none, the rest of RAM stays zero pages),
 * one word in each 4 KiB page with a value that is never zero, so that every filled page has to be sent in full.
 * Then prints "BENCH-MIG ready" and runs on for ever, one step every tick_ms= ms (by the TSC, at the host rate the
 * harness passes as tsc_khz=): in each step it rewrites rate_mibps= MiB/s worth of pages of a working set of
 * wss_mib= MiB, round and round (rate_mibps=0: no more writes, an idle guest), and prints "BENCH-MIG t=N" (N counts
 * the steps), so the harness sees the guest go on after a move, and when. Before it rewrites a page of the working
 * set it checks the word it wrote there last time: a page lost or stale after a move prints "BENCH-MIG CORRUPT"
 * and exits with status 3. A step that comes late (a stalled vCPU, a paused guest) does not make the guest catch up
 * with a burst of writes: the schedule starts again from now. */
#include "testguest.h"

static uint64_t word(uint64_t page, uint64_t gen)
{
    uint64_t x = page * 0x9E3779B97F4A7C15ull ^ gen * 0xC2B2AE3D27D4EB4Full;
    x ^= x >> 29;
    return x | 1;       /* never zero: a filled page is never a zero page */
}

int main(void)
{
    long fill_mib = cmdline_int("fill_mib", -1);
    uint64_t wss_pages = (uint64_t)cmdline_int("wss_mib", 16) * 256;
    uint64_t rate = (uint64_t)cmdline_int("rate_mibps", 0);
    uint64_t tick_ms = (uint64_t)cmdline_int("tick_ms", 10);
    uint64_t khz = (uint64_t)cmdline_int("tsc_khz", 0);
    if (!khz)
        khz = tsc_per_ms();
    uint64_t *gens = phys_alloc(wss_pages * 8, 4096);
    volatile uint64_t *wss = phys_alloc(wss_pages * 4096, 4096);
    if (!gens || !wss || !tick_ms) {
        printf("BENCH-MIG error: the working set does not fit (raise -m or lower wss_mib=)\n");
        return 2;
    }
    uint64_t t0 = rdtsc();
    for (uint64_t p = 0; p < wss_pages; p++) {
        gens[p] = 1;
        wss[p * 512] = word(p, 1);
    }
    /* The rest of the fill: whatever the allocator has left, from its current end up. */
    uint64_t filled = wss_pages;
    if (fill_mib) {
        uint64_t want = fill_mib < 0 ? ~0ull : (uint64_t)fill_mib * 256;
        volatile uint64_t *rest = phys_alloc(4096, 4096);
        uint64_t start = (uint64_t)(uintptr_t)rest, end = free_mem_end();
        for (uint64_t pa = start; pa + 4096 <= end && filled < want; pa += 4096, filled++)
            *(volatile uint64_t *)(uintptr_t)pa = word(pa >> 12, 7);
    }
    printf("BENCH-MIG ready filled_mib=%lu wss_mib=%lu rate_mibps=%lu fill_ms=%lu\n", filled / 256,
           wss_pages / 256, rate, (rdtsc() - t0) / khz);

    uint64_t per_tick = rate * 256 * tick_ms / 1000;    /* pages per step */
    uint64_t next = 0, step = tick_ms * khz, deadline = rdtsc() + step;
    for (uint64_t t = 1;; t++) {
        for (uint64_t i = 0; i < per_tick; i++) {
            uint64_t g = gens[next];
            if (wss[next * 512] != word(next, g)) {
                printf("BENCH-MIG CORRUPT page %lu gen %lu\n", next, g);
                return 3;
            }
            wss[next * 512] = word(next, g + 1);
            gens[next] = g + 1;
            if (++next == wss_pages)
                next = 0;
        }
        printf("BENCH-MIG t=%lu\n", t);
        while (rdtsc() < deadline)
            pause();
        deadline += step;
        if (rdtsc() > deadline)
            deadline = rdtsc() + step;
    }
}
