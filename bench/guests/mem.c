/* bench: VMM memory overhead.
 * Writes one byte in every 4 KiB page of touch_mb MiB starting at KIT_FREE_PA (2 MiB), so the host
 * must back exactly that much guest RAM, prints the marker, then idles at CPL3 in a PAUSE loop (no
 * exits, so the VMM is quiet) until the harness has read the VMM's VmRSS and kills it. */
#include "testguest.h"

int main(void)
{
    long mb = cmdline_int("touch_mb", 32);
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)KIT_FREE_PA;
    if (KIT_FREE_PA + ((uint64_t)mb << 20) > free_mem_end()) {
        printf("BENCH-MEM error: touch_mb=%ld does not fit below 0x%lx\n", mb, free_mem_end());
        return 2;
    }
    for (uint64_t off = 0; off < ((uint64_t)mb << 20); off += 4096)
        p[off] = 1;
    printf("BENCH-MEM touched_mb=%ld\n", mb);
    for (;;)
        pause();
}
