/* Starts the APs (all CPUs in the MADT unless cpus=N) and has every CPU print. */
#include "testguest.h"

static volatile int arrived;

void ap_main(int cpu)
{
    printf("ap_main: cpu %d (apic id %d) at cpl%d\n", cpu, cpu_id(), cpl());
    atomic_add(&arrived, 1);
}

int main(void)
{
    int want = (int)cmdline_int("cpus", cpu_count());
    printf("bsp: cpu %d, MADT lists %d cpus, starting %d\n", cpu_id(), cpu_count(), want);
    uint64_t per_ms = tsc_per_ms();         /* calibrate first so it is not part of the timing */
    uint64_t t0 = rdtsc();
    int online = start_aps(want);
    uint64_t us = (rdtsc() - t0) * 1000 / per_ms;
    while (arrived < online - 1)
        pause();
    printf("bsp: %d cpus online, %d APs ran ap_main, bring-up took %lu us\n", online, arrived, us);
    return online;
}
