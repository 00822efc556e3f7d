/* Starts the APs and has every CPU count at CPL3; the BSP waits until all have counted. */
#include "testguest.h"

static volatile long counts[KIT_MAX_CPUS];
static volatile int reported[KIT_MAX_CPUS];

void ap_main(int cpu)
{
    for (long i = 0; i < 1000000; i++)
        counts[cpu]++;
    printf("cpu %d counted %ld\n", cpu, counts[cpu]);
    reported[cpu] = 1;   /* only now may the BSP end the guest: the line above is out */
    for (;;)
        pause();
}

int main(void)
{
    int want = (int)cmdline_int("cpus", 2);
    int online = start_aps(want);
    printf("cpus online: %d\n", online);
    for (long i = 0; i < 1000000; i++)
        counts[0]++;
    for (int cpu = 1; cpu < want; cpu++)
        while (!reported[cpu])
            pause();
    printf("all %d cpus counted\n", want);
    return online == want ? 0x30 + want : 1;
}
