/* bench: cost of one port-I/O exit to the VMM and back.
 *
 * The port is 0x520: no device claims it on modvm, on QEMU -M pc or on -M microvm (0x510-0x51b is
 * fw_cfg on both QEMU machines, so the usual 0x510 would hit a real device there). A write to it is
 * a complete exit to the VMM's user space (KVM_EXIT_IO), a bus lookup that finds nothing, and
 * re-entry.
 *
 * CPL0 (kmain0): the figure that compares VMMs. On the software KVM (PVM) every CPL0 instruction is
 * emulated (~1 us each), so the loop overhead is measured with the same loop without the OUTs and
 * subtracted; the OUTs are unrolled 8 times to keep that overhead small.
 *
 * CPL3 (main): what a guest user-space OUT costs with this kit. On PVM the host's IOPL is 0, so
 * each OUT raises #GP, the kit's CPL0 handler (emulated) decodes and performs it, then IRETs. On a
 * hardware KVM with IOPL=3 the OUT exits directly and this equals the CPL0 figure.
 *
 * Command line: n0=ITER (CPL0 loop iterations, 8 OUTs each), n3=OUTS (CPL3 OUTs).
 * Prints raw TSC counts; the harness turns them into ns. */
#include "testguest.h"

#define PORT 0x520

static uint64_t k_n, k_out, k_empty;

static uint64_t out_loop(uint64_t iters)
{
    uint64_t t0 = rdtsc();
    __asm__ volatile(
        "1:\n\t"
        "outb %%al, %%dx\n\toutb %%al, %%dx\n\toutb %%al, %%dx\n\toutb %%al, %%dx\n\t"
        "outb %%al, %%dx\n\toutb %%al, %%dx\n\toutb %%al, %%dx\n\toutb %%al, %%dx\n\t"
        "dec %%rcx\n\tjnz 1b"
        : "+c"(iters) : "a"(0), "d"(PORT) : "memory", "cc");
    return rdtsc() - t0;
}

static uint64_t empty_loop(uint64_t iters)
{
    uint64_t t0 = rdtsc();
    __asm__ volatile("1:\n\tdec %%rcx\n\tjnz 1b" : "+c"(iters) :: "memory", "cc");
    return rdtsc() - t0;
}

void kmain0(void)
{
    k_n = (uint64_t)cmdline_int("n0", 1000);
    if (k_n == 0)
        return;
    out_loop(1);                    /* first touch: modvm logs an unclaimed port once */
    k_out = out_loop(k_n);
    k_empty = empty_loop(k_n);
}

int main(void)
{
    uint64_t khz = tsc_per_ms();
    printf("BENCH-PIO tsc_khz=%lu\n", khz);
    printf("BENCH-PIO cpl0 iters=%lu outs_per_iter=8 out_tsc=%lu empty_tsc=%lu\n", k_n, k_out, k_empty);

    uint64_t n3 = (uint64_t)cmdline_int("n3", 500);
    outb(PORT, 0);
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n3; i++)
        outb(PORT, 0);
    uint64_t t1 = rdtsc();
    printf("BENCH-PIO cpl3 outs=%lu out_tsc=%lu\n", n3, t1 - t0);
    return 0;
}
