/* Prints the host TSC rate in kHz, measured against CLOCK_MONOTONIC_RAW over a fixed window.
 * Why: the bench guests time themselves with RDTSC. Under KVM without TSC scaling (neither modvm nor
 * QEMU sets a TSC frequency here) the guest TSC ticks at the host rate, so converting guest cycle
 * counts with this host figure does not depend on the guest's own PIT calibration, which a host that
 * stalls the vCPU for more than one PIT wrap (55 ms) can spoil.
 * Usage: tsc_khz [WINDOW_MS]   (the bench passes its window explicitly) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long window_ms = argc > 1 ? atol(argv[1]) : 200;
    uint64_t n0 = now_ns(), c0 = __rdtsc();
    uint64_t n1, c1;
    do {
        n1 = now_ns();
        c1 = __rdtsc();
    } while (n1 - n0 < (uint64_t)window_ms * 1000000u);
    printf("%llu\n", (unsigned long long)((c1 - c0) * 1000000u / (n1 - n0)));
    return 0;
}
