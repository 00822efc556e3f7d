/* Times a CPL3 counting loop (native speed even on a software KVM) and the cost of a port write
 * and of an MMIO read from CPL3. */
#include "testguest.h"

int main(void)
{
    long iters = cmdline_int("iters", 100000000);
    uint64_t per_ms = tsc_per_ms();
    volatile long sink = 0;
    uint64_t t0 = rdtsc();
    for (long i = 0; i < iters; i++)
        sink = i;
    uint64_t t1 = rdtsc();
    uint64_t us = (t1 - t0) * 1000 / per_ms;
    printf("count: %ld iterations in %lu us (tsc %lu kHz)\n", iters, us, per_ms);

    long outs = cmdline_int("outs", 1000);
    t0 = rdtsc();
    for (long i = 0; i < outs; i++)
        outb(0x80, (uint8_t)i);
    t1 = rdtsc();
    printf("io: %ld port writes, %lu ns each\n", outs, outs ? (t1 - t0) * 1000000 / per_ms / outs : 0);

    /* MMIO reaches the VMM through a page fault instead of an I/O instruction. */
    long reads = cmdline_int("mmio", 1000);
    t0 = rdtsc();
    for (long i = 0; i < reads; i++)
        sink = mmio_read32(KIT_LAPIC_PA + 0x30);      /* LAPIC version register */
    t1 = rdtsc();
    printf("mmio: %ld LAPIC reads, %lu ns each\n", reads, reads ? (t1 - t0) * 1000000 / per_ms / reads : 0);
    (void)sink;
    return 0;
}
