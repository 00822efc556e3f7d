/* Keeps writing a pattern across a working set of RAM and checks every page against what it last wrote before
 * writing it again, so a page lost or stale after a migration or snapshot is caught by the guest itself:
 * "CORRUPT page P" and exit status 3. Prints "pass N ticks T" every few passes (T counts PIT interrupts, so the
 * timer is seen to go on too).
 * Command line: mib=N working set (default 16), every=K print every K passes (default 20),
 * dirty=0 to write the pattern once and afterwards only check it (an idle guest). */
#include "testguest.h"

static volatile uint32_t ticks;

void on_irq(int irq)
{
    if (irq == 0)
        ticks++;
}

static uint64_t pattern(uint64_t page, uint64_t word, uint64_t gen)
{
    uint64_t x = page * 0x9E3779B97F4A7C15ull ^ gen * 0xC2B2AE3D27D4EB4Full ^ word;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

int main(void)
{
    uint64_t pages = (uint64_t)cmdline_int("mib", 16) * 256;
    long every = cmdline_int("every", 20);
    int dirty = (int)cmdline_int("dirty", 1);
    uint64_t *gens = phys_alloc(pages * 8, 4096);
    uint64_t *area = phys_alloc(pages * 4096, 4096);
    if (!gens || !area || every < 1) {
        puts("migrate_pattern: not enough RAM for the working set (raise -m or lower mib=)\n");
        debug_exit(2);
    }
    pic_init(1);
    pit_periodic(100);
    sti();
    printf("pattern over %d pages\n", (int)pages);
    for (uint64_t pass = 1;; pass++) {
        for (uint64_t p = 0; p < pages; p++) {
            volatile uint64_t *pg = area + p * 512;
            uint64_t g = gens[p];
            if (g) {
                for (uint64_t w = 0; w < 512; w++) {
                    if (pg[w] != pattern(p, w, g)) {
                        printf("CORRUPT page %d word %d pass %d\n", (int)p, (int)w, (int)pass);
                        debug_exit(3);
                    }
                }
            }
            if (g == 0 || dirty) {
                g++;
                for (uint64_t w = 0; w < 512; w++)
                    pg[w] = pattern(p, w, g);
                gens[p] = g;
            }
        }
        if (pass % (uint64_t)every == 0)
            printf("pass %d ticks %d\n", (int)pass, (int)ticks);
    }
}
