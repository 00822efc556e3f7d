/* Counts forever at CPL3 in RAM the host can read: 0x200000 + 8 * cpu. */
#include "testguest.h"

static volatile uint64_t *const counters = (volatile uint64_t *)KIT_FREE_PA;

void ap_main(int cpu)
{
    for (;;)
        counters[cpu]++;
}

int main(void)
{
    start_aps((int)cmdline_int("cpus", 1));
    puts("spinning\n");
    for (;;)
        counters[0]++;
}
