/* bench: launch to first output.
 * The guest's very first serial byte is the 'B' of the marker line, written from main() (CPL3) as soon
 * as the kit has set up the CPU and COM1. Then it leaves through isa-debug-exit (status 1 on both VMMs),
 * so the harness also sees how long the VMM takes to tear down and exit. No timing happens inside. */
#include "testguest.h"

int main(void)
{
    puts("BENCH-LAUNCH ready\n");
    return 0;
}
